"""imagette:assessaccuracy through processing.run on real files: polygons and points, text and integer fields,
another CRS, maps with and without class names, classes missing on either side, and what a person reads when
the input is wrong."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from imagette.plugin import styling
from imagette.plugin.compat import FIELD_INT, FIELD_STRING
from imagette.plugin.engine.classes import ClassEntry
from imagette.plugin.engine.geotiff import create_class_raster, write_side_car
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsField,
    QgsGeometry,
    QgsProcessingException,
    QgsProject,
    QgsVectorFileWriter,
    QgsVectorLayer,
)

from tests.plugin.conftest import RecordingFeedback, run_algorithm
from tests.scenes import CLASS_COLORS, CLASSES, write_polygons

SCENE_CLASSES = [ClassEntry(code, name, CLASS_COLORS[code]) for code, name, _ in CLASSES]
NAMES = {code: name for code, name, _ in CLASSES}


def write_map(path, data, scene, named=True):
    """The scene's grid as a class GeoTIFF: Imagette's own (class table, .aux.xml) or a plain integer one."""
    crs = rasterio.crs.CRS.from_string(scene.crs)
    if named:
        with create_class_raster(
            path, data.shape[1], data.shape[0], scene.transform, crs, 64, SCENE_CLASSES, {}
        ) as dst:
            dst.write(data.astype(np.uint8), 1)
        write_side_car(path, SCENE_CLASSES)
    else:
        profile = dict(driver="GTiff", width=data.shape[1], height=data.shape[0], count=1, dtype="uint16", nodata=0)
        with rasterio.open(path, "w", **profile, crs=crs, transform=scene.transform) as dst:
            dst.write(data.astype(np.uint16), 1)
    return path


def write_layer(path, kind, scene_crs, crs, field_type, rows):
    """A GeoPackage layer of (geometry WKT in the scene CRS, class value) rows, reprojected to crs."""
    layer = QgsVectorLayer(f"{kind}?crs={crs}", "reference", "memory")
    layer.dataProvider().addAttributes([QgsField("classe", field_type)])
    layer.updateFields()
    transform = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem(scene_crs), QgsCoordinateReferenceSystem(crs), QgsProject.instance()
    )
    features = []
    for wkt, value in rows:
        feature = QgsFeature(layer.fields())
        geometry = QgsGeometry.fromWkt(wkt)
        geometry.transform(transform)
        feature.setGeometry(geometry)
        feature.setAttributes([value])
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    error = QgsVectorFileWriter.writeAsVectorFormatV3(
        layer, str(path), QgsProject.instance().transformContext(), options
    )
    assert error[0] == QgsVectorFileWriter.NoError, error
    return path


def polygon_boxes(scene):
    """(code, row0, row1, col0, col1) of every scene polygon: its rings lie on pixel edges."""
    inverse = ~scene.transform
    boxes = []
    for code, _, ring in scene.polygons:
        cols, rows = zip(*(inverse * point for point in ring))
        boxes.append((code, round(min(rows)), round(max(rows)), round(min(cols)), round(max(cols))))
    return boxes


@pytest.fixture(scope="module")
def edited_map(scene):
    """The scene's truth with, inside the first polygon, a 10 x 10 block of another class and 5 x 5 of nodata."""
    data = scene.truth.copy()
    code, r0, _, c0, _ = polygon_boxes(scene)[0]
    data[r0 : r0 + 10, c0 : c0 + 10] = code % 5 + 1
    data[r0 + 20 : r0 + 25, c0 + 20 : c0 + 25] = 0
    return data


def expected_polygon_confusion(scene, data, skip=()):
    """Confusion (rows reference, columns map, codes 1-5) and nodata counts, counted on the polygon boxes."""
    confusion, nodata = np.zeros((5, 5), dtype=int), 0
    for code, r0, r1, c0, c1 in polygon_boxes(scene):
        if code in skip:
            continue
        values = data[r0:r1, c0:c1].ravel()
        nodata += int((values == 0).sum())
        for value in values[values > 0]:
            confusion[code - 1, value - 1] += 1
    return confusion, nodata


def assess(classification, reference, field, tmp_path, feedback=None, **extra):
    parameters = {
        "INPUT_CLASSIFICATION": str(classification),
        "REFERENCE": str(reference),
        "CLASS_FIELD": field,
        "OUTPUT_REPORT": str(tmp_path / "rapport.html"),
    }
    parameters.update(extra)
    return run_algorithm("assessaccuracy", parameters, feedback=feedback)


def test_polygons_in_another_crs_with_text_classes(scene, edited_map, tmp_path):
    classification = write_map(tmp_path / "carte.tif", edited_map, scene)
    feedback = RecordingFeedback()
    table = tmp_path / "confusion.gpkg"
    result = assess(classification, scene.vector, "classe", tmp_path, feedback, OUTPUT_CONFUSION=str(table))
    confusion, nodata = expected_polygon_confusion(scene, edited_map)
    assert nodata == 25 and confusion.trace() == confusion.sum() - 100
    assert set(result) == {
        "OUTPUT_REPORT",
        "OUTPUT_CONFUSION",
        "OVERALL_ACCURACY",
        "MACRO_F1",
        "KAPPA",
        "OVERALL_ACCURACY_MAPPED",
        "COVERAGE",
    }
    # The 25 reference pixels the map left unclassified count against it; beside it, the mapped area alone.
    assert result["OVERALL_ACCURACY"] == pytest.approx(confusion.trace() / (confusion.sum() + 25))
    assert result["OVERALL_ACCURACY_MAPPED"] == pytest.approx(confusion.trace() / confusion.sum())
    assert result["COVERAGE"] == pytest.approx(confusion.sum() / (confusion.sum() + 25))
    assert any("25 reference pixel(s) fall on map nodata" in warning for warning in feedback.warnings)

    layer = QgsVectorLayer(str(table), "confusion", "ogr")
    assert layer.isValid() and not layer.isSpatial()
    rows = {f["reference_class"]: f for f in layer.getFeatures()}
    assert sorted(rows) == sorted(NAMES.values())
    for code, name in NAMES.items():
        row = rows[name]
        assert [row[f"map_{c}"] for c in range(1, 6)] == confusion[code - 1].tolist()
        assert row["reference_code"] == code and row["total"] == confusion[code - 1].sum()
        reference = confusion[code - 1].sum() + row["on_nodata"]  # the unclassified count against the map
        assert row["producers_accuracy"] == pytest.approx(confusion[code - 1, code - 1] / reference)
        assert row["users_accuracy"] == pytest.approx(confusion[code - 1, code - 1] / confusion[:, code - 1].sum())
    assert sum(row["on_nodata"] for row in rows.values()) == 25

    report = (tmp_path / "rapport.html").read_text(encoding="utf-8")
    assert "Peupleraie" in report and CLASS_COLORS[1] in report and "reference \\ map" in report
    assert "unclassified (map nodata)" in report and "Overall accuracy, mapped area only" in report

    mapped_only = assess(classification, scene.vector, "classe", tmp_path, COUNT_UNCLASSIFIED=False)
    assert mapped_only["OVERALL_ACCURACY"] == pytest.approx(confusion.trace() / confusion.sum())
    assert mapped_only["COVERAGE"] == result["COVERAGE"]


def test_integer_codes_on_a_plain_geotiff_and_text_refused_with_the_fix(scene, edited_map, tmp_path):
    classification = write_map(tmp_path / "autre-outil.tif", edited_map, scene, named=False)
    reference = write_polygons(scene, tmp_path / "codes.gpkg", field_type="integer")
    result = assess(classification, reference, "code", tmp_path)
    confusion, _ = expected_polygon_confusion(scene, edited_map)
    assert result["OVERALL_ACCURACY_MAPPED"] == pytest.approx(confusion.trace() / confusion.sum())
    assert "class 3" in (tmp_path / "rapport.html").read_text(encoding="utf-8")  # no names: codes
    with pytest.raises(QgsProcessingException, match="no class names to match it to.*Use an integer field"):
        assess(classification, scene.vector, "classe", tmp_path)


def test_text_classes_matched_to_the_labels_of_the_saved_style(scene, edited_map, tmp_path):
    classification = write_map(tmp_path / "stylée.tif", edited_map, scene, named=False)
    styling.save_default_style(classification, SCENE_CLASSES)
    result = assess(classification, scene.vector, "classe", tmp_path)
    confusion, _ = expected_polygon_confusion(scene, edited_map)
    assert result["OVERALL_ACCURACY_MAPPED"] == pytest.approx(confusion.trace() / confusion.sum())


def test_points_give_area_adjusted_estimates(scene, edited_map, tmp_path):
    rng = np.random.default_rng(3)
    rows, cols = rng.integers(0, edited_map.shape[0], 300), rng.integers(0, edited_map.shape[1], 300)
    truth = scene.truth[rows, cols]
    keep = truth > 0
    rows, cols, truth = rows[keep], cols[keep], truth[keep]
    reference = np.where(rng.random(truth.size) < 0.1, truth % 5 + 1, truth)  # a tenth of the references disagree
    centres = [scene.transform * (c + 0.5, r + 0.5) for r, c in zip(rows, cols)]
    layer = write_layer(
        tmp_path / "points.gpkg",
        "Point",
        scene.crs,
        "EPSG:4326",
        FIELD_STRING,
        [(f"POINT({x} {y})", NAMES[int(code)]) for (x, y), code in zip(centres, reference)],
    )
    classification = write_map(tmp_path / "carte.tif", edited_map, scene)
    result = assess(classification, layer, "classe", tmp_path)
    mapped = edited_map[rows, cols]
    counted = mapped > 0
    assert result["OVERALL_ACCURACY"] == pytest.approx((mapped == reference)[counted].mean())
    report = (tmp_path / "rapport.html").read_text(encoding="utf-8")
    assert "Area-adjusted overall accuracy" in report and "Olofsson" in report


def test_classes_missing_on_either_side_are_reported(scene, tmp_path):
    data = np.where(scene.truth == 5, 4, scene.truth)  # no Bâti in the map
    classification = write_map(tmp_path / "carte.tif", data, scene)
    reference = write_polygons(scene, tmp_path / "codes.gpkg", field_type="integer")
    feedback = RecordingFeedback()
    assess(classification, reference, "code", tmp_path, feedback)
    assert any("Reference class 'Bâti' (code 5) does not occur in the map" in w for w in feedback.warnings)

    without_water = [(f"POLYGON(({', '.join(f'{x} {y}' for x, y in ring)}))", code) for code, _, ring in scene.polygons]
    layer = write_layer(
        tmp_path / "sans-eau.gpkg",
        "Polygon",
        scene.crs,
        scene.crs,
        FIELD_INT,
        [r for r in without_water if r[1] != 3],
    )
    feedback = RecordingFeedback()
    assess(write_map(tmp_path / "vraie.tif", scene.truth, scene), layer, "classe", tmp_path, feedback)
    assert any("Map class 'Eau' (code 3" in w and "has no reference pixel" in w for w in feedback.warnings)
    assert "has no reference pixel" in (tmp_path / "rapport.html").read_text(encoding="utf-8")


def test_what_a_person_reads_when_the_reference_is_wrong(scene, tmp_path):
    classification = write_map(tmp_path / "carte.tif", scene.truth, scene)
    _, _, ring = scene.polygons[0]
    square = f"POLYGON(({', '.join(f'{x} {y}' for x, y in ring)}))"
    misspelt = write_layer(tmp_path / "faute.gpkg", "Polygon", scene.crs, scene.crs, FIELD_STRING, [(square, "foret")])
    with pytest.raises(QgsProcessingException, match="'foret' \\(did you mean 'Forêt'\\?\\)"):
        assess(classification, misspelt, "classe", tmp_path)
    far = "POLYGON((0 0, 100 0, 100 100, 0 100, 0 0))"
    outside = write_layer(tmp_path / "loin.gpkg", "Polygon", scene.crs, scene.crs, FIELD_STRING, [(far, "Forêt")])
    with pytest.raises(QgsProcessingException, match="No reference pixel lies inside the classification"):
        assess(classification, outside, "classe", tmp_path)


def test_an_identifier_as_class_field_is_refused_as_sampling_refuses_it(scene, tmp_path):
    # QGIS's dialog offers the first field, 'fid': every polygon would be its own class, and the map scored on them.
    classification = write_map(tmp_path / "carte.tif", scene.truth, scene)
    with pytest.raises(QgsProcessingException) as caught:
        assess(classification, scene.vector, "fid", tmp_path)
    message = str(caught.value)
    assert "'fid' gives 15 classes to 15 features" in message and "probably not the class field" in message
    assert "Choose 'classe' (5 classes) as the class field." in message
    assert not (tmp_path / "rapport.html").exists()
