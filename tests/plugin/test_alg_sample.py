"""imagette:samplepatches through processing.run on real files: outputs, classes, split, bad inputs."""

from __future__ import annotations

import json
import re

import numpy as np
import processing
import pytest
import rasterio
from imagette.plugin.engine.dataset import TRAIN, VALIDATION, open_dataset
from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsFeatureRequest,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProject,
    QgsRendererCategory,
    QgsSymbol,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QColor
from rasterio.features import rasterize

from tests.plugin.conftest import RecordingFeedback, run_algorithm
from tests.scenes import CLASS_COLORS, CLASSES, make_scene, write_polygons


def sample(raster, vector, output, field="classe", **extra):
    parameters = {
        "INPUT_RASTER": str(raster),
        "INPUT_VECTOR": vector if isinstance(vector, QgsVectorLayer) else str(vector),
        "CLASS_FIELD": field,
        "PATCH_SIZE": 32,
        "OUTPUT_DATASET": str(output / "dataset"),
        "OUTPUT_FOOTPRINTS": str(output / "footprints.gpkg"),
    }
    parameters.update(extra)
    return run_algorithm("samplepatches", parameters)


def patch_windows(dataset, indices):
    """Pixel windows (row0, col0) of patches, from their centres and the scene's transform."""
    with rasterio.open(dataset.metadata["raster"]) as src:
        cols, rows = ~src.transform * (dataset.centres[indices, 0], dataset.centres[indices, 1])
    size = dataset.patch_size
    return np.round(np.asarray(rows) - size / 2).astype(int), np.round(np.asarray(cols) - size / 2).astype(int)


def assert_no_validation_label_in_training(dataset):
    """No training patch's mask labels a pixel of a validation feature."""
    size = dataset.patch_size
    with rasterio.open(dataset.metadata["raster"]) as src:
        shape, transform = (src.height, src.width), src.transform
    validation = np.pad(rasterize(dataset.features(VALIDATION), out_shape=shape, transform=transform), size)
    indices = dataset.indices(TRAIN)
    assert indices.size and dataset.indices(VALIDATION).size
    for index, row, col in zip(indices, *patch_windows(dataset, indices)):
        window = validation[row + size : row + 2 * size, col + size : col + 2 * size]
        assert not (window & np.asarray(dataset.masks[index])).any()


def test_text_field_in_another_crs_gives_named_classes_and_matching_outputs(scene, tmp_path):
    result = sample(scene.raster, scene.vector, tmp_path)
    dataset = open_dataset(result["OUTPUT_DATASET"])

    expected_names = sorted(
        {name for _, name, _ in CLASSES}, key=lambda n: n.replace("ê", "e").replace("â", "a").lower()
    )
    assert [entry.name for entry in dataset.classes] == expected_names
    assert [entry.code for entry in dataset.classes] == list(range(1, len(CLASSES) + 1))
    assert result["TOTAL_PATCHES"] == len(dataset.labels) == result["TRAINING_PATCHES"] + result["VALIDATION_PATCHES"]
    assert dataset.patches.shape == (len(dataset.labels), 4, 32, 32)
    assert dataset.metadata["bands"]["dtype"] == "uint16"

    # Each patch's label is the true class of the scene under it, although polygons came in EPSG:4326.
    rows, cols = patch_windows(dataset, np.arange(len(dataset.labels)))
    code_of_name = {entry.name: entry.code for entry in dataset.classes}
    scene_code = {code: code_of_name[name] for code, name, _ in CLASSES}
    truth = np.vectorize(lambda c: scene_code.get(c, 0))(scene.truth[rows + 16, cols + 16])
    assert np.array_equal(truth, dataset.labels)
    # Patches hold the raster's pixels at their window.
    with rasterio.open(scene.raster) as src:
        first = src.read(window=((rows[0], rows[0] + 32), (cols[0], cols[0] + 32)))
    assert np.array_equal(first, dataset.patches[0])

    footprints = QgsVectorLayer(result["OUTPUT_FOOTPRINTS"], "footprints", "ogr")
    assert footprints.featureCount() == result["TOTAL_PATCHES"]
    assert footprints.geometryType() == QgsWkbTypes.PolygonGeometry
    splits = {f["split"] for f in footprints.getFeatures()}
    assert splits == {"train", "validation"}
    assert {f["class_name"] for f in footprints.getFeatures()} == set(expected_names)


def test_validation_split_is_by_polygon_stratified_and_never_a_training_target(scene, tmp_path):
    dataset = open_dataset(sample(scene.raster, scene.vector, tmp_path, STRIDE=8)["OUTPUT_DATASET"])

    for group in np.unique(dataset.groups):
        assert np.unique(dataset.split[dataset.groups == group]).size == 1, "a polygon was split"
    for code in np.unique(dataset.labels):
        of_class = dataset.labels == code
        assert (dataset.split[of_class] == VALIDATION).any() and (dataset.split[of_class] == TRAIN).any()
    assert_no_validation_label_in_training(dataset)


def test_adjacent_polygons_of_both_splits_keep_their_training_patches(tmp_path):
    # Polygons 24 px apart: 40 px patches from neighbouring polygons of both splits share pixels; the training
    # patches are kept, the validation pixels unlabelled in their masks.
    made = make_scene(tmp_path, cells=2, cell=96, classes=CLASSES[:2], nodata_block=False, seed=3)
    vector = write_polygons(made, tmp_path / "labels.gpkg")
    result = sample(
        made.raster, vector, tmp_path, VALIDATION_FRACTION=0.5, STRIDE=8, MIN_CLASS_SHARE=0.0, PATCH_SIZE=40
    )
    dataset = open_dataset(result["OUTPUT_DATASET"])
    size = dataset.patch_size
    train_rows, train_cols = patch_windows(dataset, dataset.indices(TRAIN))
    val_rows, val_cols = patch_windows(dataset, dataset.indices(VALIDATION))
    overlap = (np.abs(train_rows[:, None] - val_rows[None]) < size) & (
        np.abs(train_cols[:, None] - val_cols[None]) < size
    )
    assert overlap.any()  # what was dropped before is kept
    assert_no_validation_label_in_training(dataset)


def test_integer_codes_are_kept_and_uint8_bands_are_read(tmp_path):
    classes = ((3, "three", "rows"), (7, "seven", "smooth"), (12, "twelve", "stripes"))
    made = make_scene(tmp_path, classes=classes, bands=3, dtype="uint8", seed=1)
    vector = write_polygons(made, tmp_path / "labels.gpkg", field_type="integer")
    result = sample(made.raster, vector, tmp_path, field="code")
    dataset = open_dataset(result["OUTPUT_DATASET"])
    assert [entry.code for entry in dataset.classes] == [3, 7, 12]
    assert [entry.name for entry in dataset.classes] == ["3", "7", "12"]
    assert set(np.unique(dataset.labels)) == {3, 7, 12}
    assert dataset.patches.dtype == np.uint8 and dataset.band_count == 3


def raster_windows(dataset, indices) -> np.ndarray:
    """The raster's pixels under the given patches (inside the raster), as sampling read them."""
    rows, cols = patch_windows(dataset, indices)
    size = dataset.patch_size
    with rasterio.open(dataset.metadata["raster"]) as src:
        return np.stack([src.read(window=((row, row + size), (col, col + size))) for row, col in zip(rows, cols)])


def test_patch_classifiers_get_no_nodata_unless_tolerated(scene, tmp_path):
    strict = open_dataset(sample(scene.raster, scene.vector, tmp_path / "strict", STRIDE=8)["OUTPUT_DATASET"])
    whole = np.flatnonzero(strict.classifiable)
    read = raster_windows(strict, whole)
    np.testing.assert_array_equal(np.asarray(strict.patches)[whole], read)  # the raster's pixels, where they are
    assert not (read == 0).any()  # the scene's nodata (0 in every band) is under no classifiable patch
    # A polygon over the nodata block yields no classifiable patch by default, and some with a tolerance.
    layer = QgsVectorLayer(str(scene.vector), "labels", "ogr")
    nodata_origin = scene.transform * (scene.truth.shape[1] - scene.cell // 2, scene.truth.shape[0] - scene.cell // 2)
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsFeature, QgsGeometry, QgsPointXY

    to_layer = QgsCoordinateTransform(QgsCoordinateReferenceSystem(scene.crs), layer.crs(), QgsProject.instance())
    feature = QgsFeature(layer.fields())
    centre = QgsGeometry.fromPointXY(QgsPointXY(*nodata_origin)).buffer(60, 4)  # straddles data and nodata
    centre.transform(to_layer)
    feature.setGeometry(centre)
    feature.setAttribute("classe", "Eau")
    memory = layer.materialize(QgsFeatureRequest())
    memory.dataProvider().addFeatures([feature])
    default = open_dataset(sample(scene.raster, memory, tmp_path / "default", STRIDE=8)["OUTPUT_DATASET"])
    tolerant = open_dataset(
        sample(scene.raster, memory, tmp_path / "tolerant", STRIDE=8, NODATA_TOLERANCE=0.5, MIN_CLASS_SHARE=0.2)[
            "OUTPUT_DATASET"
        ]
    )
    assert default.metadata["not_classifiable"]["patch holds more nodata than tolerated"] > 0
    assert tolerant.classifiable.sum() > default.classifiable.sum()
    # Tolerated nodata pixels hold the patch's band means (of its pixels with data, truncated to the raster's
    # type); every other pixel is the raster's.
    whole = np.flatnonzero(tolerant.classifiable)
    patches, read = np.asarray(tolerant.patches)[whole], raster_windows(tolerant, whole)
    nodata = (read == 0).all(axis=1)  # (patches, size, size)
    filled = 0
    for patch, window, missing in zip(patches, read, nodata):
        np.testing.assert_array_equal(patch[:, ~missing], window[:, ~missing])
        if missing.any():
            sums = window[:, ~missing].astype(np.int64).sum(axis=1)
            means = sums // (~missing).sum()  # integer floor of the mean
            np.testing.assert_array_equal(patch[:, missing], np.broadcast_to(means[:, None], patch[:, missing].shape))
            filled += int(missing.sum())
    assert filled > 0 and nodata.mean(axis=(1, 2)).max() <= 0.5  # some filled, no patch beyond the tolerance


def test_null_classes_are_skipped_and_selection_is_honoured(scene, tmp_path):
    layer = QgsVectorLayer(str(scene.vector), "labels", "ogr").materialize(QgsFeatureRequest())
    layer.startEditing()
    first = next(layer.getFeatures())
    layer.changeAttributeValue(first.id(), layer.fields().lookupField("classe"), None)
    layer.commitChanges()
    feedback = RecordingFeedback()
    parameters = {
        "INPUT_RASTER": str(scene.raster),
        "INPUT_VECTOR": layer,
        "CLASS_FIELD": "classe",
        "OUTPUT_DATASET": str(tmp_path / "all"),
        "OUTPUT_FOOTPRINTS": "TEMPORARY_OUTPUT",
    }
    everything = run_algorithm("samplepatches", parameters, feedback=feedback)
    assert any("1 feature(s) with an empty class" in m for m in feedback.warnings)

    QgsProject.instance().addMapLayer(layer)
    try:
        chosen = [f.id() for f in layer.getFeatures() if f["classe"] in ("Eau", "Culture")]
        layer.selectByIds(chosen)
        from qgis.core import QgsProcessingFeatureSourceDefinition

        parameters.update(
            INPUT_VECTOR=QgsProcessingFeatureSourceDefinition(layer.id(), True), OUTPUT_DATASET=str(tmp_path / "sel")
        )
        selected = run_algorithm("samplepatches", parameters)
    finally:
        QgsProject.instance().removeMapLayer(layer.id())
    dataset = open_dataset(selected["OUTPUT_DATASET"])
    assert [entry.name for entry in dataset.classes] == ["Culture", "Eau"]
    assert selected["TOTAL_PATCHES"] < everything["TOTAL_PATCHES"]


def test_colours_come_from_the_layers_categorized_style(scene, tmp_path):
    layer = QgsVectorLayer(str(scene.vector), "labels", "ogr")
    categories = []
    for code, name, _ in CLASSES:
        symbol = QgsSymbol.defaultSymbol(layer.geometryType())
        symbol.setColor(QColor(f"#{code:02x}{code * 20:02x}40"))
        categories.append(QgsRendererCategory(name, symbol, name))
    layer.setRenderer(QgsCategorizedSymbolRenderer("classe", categories))
    QgsProject.instance().addMapLayer(layer)
    try:
        dataset = open_dataset(sample(scene.raster, layer.id(), tmp_path)["OUTPUT_DATASET"])
    finally:
        QgsProject.instance().removeMapLayer(layer.id())
    expected = {name: f"#{code:02x}{code * 20:02x}40" for code, name, _ in CLASSES}
    assert {entry.name: entry.color for entry in dataset.classes} == expected


def test_colours_come_from_the_style_saved_in_the_geopackage(tmp_path):
    made = make_scene(tmp_path, seed=4)
    vector = write_polygons(made, tmp_path / "labels.gpkg", field_type="integer", styled=True)
    dataset = open_dataset(sample(made.raster, vector, tmp_path, field="code")["OUTPUT_DATASET"])
    # Integer codes take their names from the style's labels.
    assert {(entry.code, entry.name, entry.color) for entry in dataset.classes} == {
        (code, name, CLASS_COLORS[code]) for code, name, _ in CLASSES
    }


def test_points_give_one_patch_each(scene, tmp_path):
    points = QgsVectorLayer(f"Point?crs={scene.crs}&field=classe:string", "points", "memory")
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY

    features = []
    for _, name, ring in scene.polygons:  # one point in the middle of each polygon, 96 px apart
        (x0, y0), (x1, y1) = ring[0], ring[2]
        feature = QgsFeature(points.fields())
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY((x0 + x1) / 2, (y0 + y1) / 2)))
        feature.setAttributes([name])
        features.append(feature)
    points.dataProvider().addFeatures(features)
    result = sample(scene.raster, points, tmp_path)
    assert result["TOTAL_PATCHES"] == len(features)
    dataset = open_dataset(result["OUTPUT_DATASET"])
    names = {entry.code: entry.name for entry in dataset.classes}
    assert sorted(names[code] for code in dataset.labels) == sorted(name for _, name, _ in scene.polygons)


def test_progress_moves_and_cancel_leaves_no_dataset(scene, tmp_path):
    class CancelAtFirstProgress(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.seen = []

        def setProgress(self, value):  # noqa: N802
            super().setProgress(value)
            self.seen.append(value)
            self.cancel()

    feedback = CancelAtFirstProgress()
    output = tmp_path / "canceled"
    with pytest.raises(QgsProcessingException, match="Canceled"):
        run_algorithm(
            "samplepatches",
            {
                "INPUT_RASTER": str(scene.raster),
                "INPUT_VECTOR": str(scene.vector),
                "CLASS_FIELD": "classe",
                "OUTPUT_DATASET": str(output),
                "OUTPUT_FOOTPRINTS": "TEMPORARY_OUTPUT",
            },
            feedback=feedback,
        )
    assert feedback.seen and 0 < feedback.seen[0] < 100
    assert not output.exists()  # not even an empty folder: sampling removes the folder it created


# Bad inputs: each gets a message that names the problem and the fix, and leaves no dataset.


def expect_refusal(tmp_path, match, raster, vector, **extra):
    output = tmp_path / "dataset"
    with pytest.raises(QgsProcessingException, match=match):
        sample(raster, vector, tmp_path, **extra)
    assert not (output / "dataset.json").exists()
    assert not output.exists()  # not even an empty folder: sampling removes the folder it created


def test_raster_without_crs_is_refused(scene, tmp_path):
    bare = tmp_path / "nocrs.tif"
    with rasterio.open(scene.raster) as src:
        profile = src.profile
        profile.pop("crs")
        with rasterio.open(bare, "w", **profile) as dst:
            dst.write(src.read())
    expect_refusal(tmp_path, "no coordinate reference system.*Assign", bare, scene.vector)


def test_layers_that_do_not_overlap_are_refused(scene, tmp_path):
    far = make_scene(tmp_path, origin=(900000.0, 4000000.0), name="far.tif")
    expect_refusal(tmp_path, "does not overlap the raster", far.raster, scene.vector)


def test_single_class_is_refused(scene, tmp_path):
    layer = QgsVectorLayer(str(scene.vector), "labels", "ogr").materialize(
        QgsFeatureRequest().setFilterExpression("classe = 'Eau'")
    )
    expect_refusal(tmp_path, "fewer than two classes.*Eau", scene.raster, layer)


def test_patch_larger_than_raster_is_refused(tmp_path):
    small = make_scene(tmp_path, cells=2, cell=24, nodata_block=False)
    vector = write_polygons(small, tmp_path / "labels.gpkg")
    expect_refusal(
        tmp_path, r"patch size \(64 px\) is larger than the raster \(48 x 48 px\)", small.raster, vector, PATCH_SIZE=64
    )


def test_missing_class_field_is_refused(scene, tmp_path):
    expect_refusal(tmp_path, "class field 'nature' does not exist.*classe", scene.raster, scene.vector, field="nature")


def test_unreadable_raster_is_refused(scene, tmp_path):
    broken = tmp_path / "broken.tif"
    broken.write_bytes(b"this is not a GeoTIFF")
    # QGIS's words for a raster it cannot open: the parameter and the file.
    expect_refusal(
        tmp_path,
        f"Could not load source layer for INPUT_RASTER: {re.escape(str(broken))} not found$",
        broken,
        scene.vector,
    )


def test_class_code_zero_is_refused(tmp_path):
    made = make_scene(tmp_path, classes=((0, "zero", "rows"), (2, "two", "smooth")), seed=2)
    vector = write_polygons(made, tmp_path / "labels.gpkg", field_type="integer")
    expect_refusal(tmp_path, "Class code 0 cannot be used.*Recode", made.raster, vector, field="code")


def test_metadata_records_what_training_needs(scene, tmp_path):
    dataset = open_dataset(sample(scene.raster, scene.vector, tmp_path, SEED=7)["OUTPUT_DATASET"])
    meta = json.loads((dataset.path / "dataset.json").read_text(encoding="utf-8"))
    assert meta["bands"]["names"] == ["blue", "green", "red", "nir"]
    assert meta["pixel_size"] == [0.5, 0.5] and "32631" in meta["crs_name"]
    assert meta["sampling"]["seed"] == 7 and meta["sampling"]["stride"] == 16
    train = np.asarray(dataset.patches[dataset.indices(TRAIN)], dtype=np.float64)
    assert np.allclose(meta["normalization"]["mean"], train.mean(axis=(0, 2, 3)))
    assert np.allclose(meta["normalization"]["std"], train.std(axis=(0, 2, 3)), rtol=1e-6)
    assert meta["software"]["rasterio"] == rasterio.__version__


def test_an_identifier_as_class_field_is_refused_naming_the_class_fields(scene, tmp_path):
    # QGIS's dialog offers the first field, 'fid': every polygon would be its own class.
    with pytest.raises(QgsProcessingException) as refused:
        sample(scene.raster, scene.vector, tmp_path, field="fid")
    message = str(refused.value)
    assert "'fid' gives 15 classes to 15 features" in message and "probably not the class field" in message
    assert "Choose 'classe' (5 classes) as the class field." in message
    assert not (tmp_path / "dataset").exists()


def test_the_field_of_the_categorized_style_is_named_first(tmp_path):
    made = make_scene(tmp_path, seed=4)
    vector = write_polygons(made, tmp_path / "labels.gpkg", field_type="integer", styled=True)
    with pytest.raises(QgsProcessingException, match="Choose 'code' \\(5 classes, used by the layer style\\)"):
        sample(made.raster, vector, tmp_path, field="fid")


def test_from_the_toolbox_footprints_show_class_colours_and_the_split(scene, tmp_path):
    from qgis.core import QgsRenderContext, QgsRuleBasedRenderer

    footprints = tmp_path / "footprints.gpkg"
    parameters = {
        "INPUT_RASTER": str(scene.raster),
        "INPUT_VECTOR": str(scene.vector),
        "CLASS_FIELD": "classe",
        "PATCH_SIZE": 32,
        "OUTPUT_DATASET": str(tmp_path / "dataset"),
        "OUTPUT_FOOTPRINTS": str(footprints),
    }
    processing.runAndLoadResults("imagette:samplepatches", parameters)
    project = QgsProject.instance()
    loaded = [layer for layer in project.mapLayers().values() if layer.source().startswith(str(footprints))]
    try:
        assert len(loaded) == 1
        layer = loaded[0]
        renderer = layer.renderer()
        assert isinstance(renderer, QgsRuleBasedRenderer)
        # The legend: each class in its colour, with its training and validation patches under it.
        table = open_dataset(tmp_path / "dataset").classes
        colors = {entry.code: entry.color for entry in table}
        classes = renderer.rootRule().children()
        assert [rule.label() for rule in classes] == [entry.name for entry in table]
        assert all([child.label() for child in rule.children()] == ["training", "validation"] for rule in classes)
        # On the map: a patch is drawn in its class colour, filled for training, hatched for validation.
        context = QgsRenderContext()
        renderer.startRender(context, layer.fields())
        try:
            seen = set()
            for feature in layer.getFeatures():
                (symbol,) = renderer.symbolsForFeature(feature, context)
                fill = symbol.symbolLayer(0)
                assert fill.strokeColor().name() == colors[feature["class_code"]]
                style = {"train": Qt.SolidPattern, "validation": Qt.BDiagPattern}[feature["split"]]
                assert fill.brushStyle() == style
                seen.add(feature["split"])
        finally:
            renderer.stopRender(context)
        assert seen == {"train", "validation"}
    finally:
        project.removeMapLayers([layer.id() for layer in loaded])
