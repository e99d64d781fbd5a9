"""The accuracy assessment engine on hand-made class arrays and rasters, against hand-computed numbers."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from imagette.plugin.engine import assessment
from imagette.plugin.engine.area_estimates import stratified_estimates
from imagette.plugin.engine.assessment import assess_accuracy
from imagette.plugin.engine.assessment_result import AssessmentConfig
from imagette.plugin.engine.classes import ClassEntry
from imagette.plugin.engine.errors import ImagetteError
from imagette.plugin.engine.geotiff import create_class_raster, write_side_car
from imagette.plugin.engine.map_classes import MapClass, map_classes, match_reference_values
from imagette.plugin.engine.reference_counts import reference_confusion
from rasterio.transform import from_origin
from rasterio.windows import Window
from rasterio.windows import transform as window_transform

# A 6 x 6 map of 1 m pixels, top-left corner at (0, 6): row r covers y in [5 - r, 6 - r], column c x in [c, c + 1].
MAP = np.array(
    [
        [1, 1, 1, 2, 2, 2],
        [1, 1, 1, 2, 2, 2],
        [1, 1, 0, 2, 2, 2],
        [3, 3, 3, 3, 2, 2],
        [3, 3, 3, 3, 3, 3],
        [3, 3, 3, 3, 3, 3],
    ],
    dtype=np.uint8,
)
TRANSFORM = from_origin(0, 6, 1, 1)
CODES = [1, 2, 3]


def box(x0, y0, x1, y1) -> dict:
    return {"type": "Polygon", "coordinates": [[(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]]}


def point(x, y) -> dict:
    return {"type": "Point", "coordinates": (x, y)}


POLYGONS = [
    (box(0, 3, 3, 6), 1),  # rows 0-2, cols 0-2: eight 1s and the 0 (nodata) at row 2, col 2
    (box(3, 2, 6, 6), 2),  # rows 0-3, cols 3-5: row 3 holds 3, 2, 2; but see the overlap below
    (box(0, 0, 2.4, 1.2), 3),  # centres (0.5, 0.5) and (1.5, 0.5) only: (2.5, .) and (., 1.5) lie outside
    (box(5, 2, 6, 4), 3),  # rows 2-3, col 5: inside polygon 2 as well, so ambiguous
]
# Reference 1: 8 pixels mapped 1, 1 on nodata.
# Reference 2: 12 pixels less the 2 ambiguous ones (rows 2-3, col 5): rows 0-1 (6 px) and row 2 cols 3-4 (2 px)
#   are mapped 2, row 3 col 3 is mapped 3, row 3 col 4 is mapped 2: 9 mapped 2, 1 mapped 3.
# Reference 3: 2 pixels (row 5, cols 0-1) mapped 3; the second polygon of class 3 counts only ambiguous pixels.
POLYGON_CONFUSION = [[8, 0, 0], [0, 9, 1], [0, 0, 2]]

POINTS = [
    (point(0.5, 5.5), 1),  # row 0, col 0: map 1
    (point(2.5, 3.5), 1),  # row 2, col 2: nodata
    (point(4.2, 2.9), 3),  # row 3 (y 2.9 is in [2, 3]), col 4: map 2
    (point(0.9, 5.1), 2),  # row 0, col 0 again, another point: map 1
    (point(10, 10), 1),  # outside: counts nothing
    ({"type": "MultiPoint", "coordinates": [(5.5, 0.5), (5.5, 1.5)]}, 3),  # rows 5 and 4, col 5: map 3 twice
]
POINT_CONFUSION = [[1, 0, 0], [1, 0, 0], [0, 1, 2]]


def test_polygons_count_the_pixels_whose_centre_they_hold():
    counts = reference_confusion(MAP, TRANSFORM, POLYGONS, CODES)
    assert counts.confusion.tolist() == POLYGON_CONFUSION
    assert counts.on_nodata.tolist() == [1, 0, 0] and counts.nodata_pixels == 1
    assert counts.ambiguous == 2 and counts.other == 0


def test_points_count_the_pixel_under_each_point():
    counts = reference_confusion(MAP, TRANSFORM, POINTS, CODES)
    assert counts.confusion.tolist() == POINT_CONFUSION
    assert counts.on_nodata.tolist() == [1, 0, 0]


def test_window_by_window_counts_add_up_to_the_whole():
    for features in (POLYGONS, POINTS):
        whole = reference_confusion(MAP, TRANSFORM, features, CODES)
        total = reference_confusion(MAP[:0], TRANSFORM, features, CODES)
        for window in (Window(0, 0, 4, 3), Window(4, 0, 2, 3), Window(0, 3, 6, 3)):
            part = MAP[window.toslices()]
            total += reference_confusion(part, window_transform(window, TRANSFORM), features, CODES)
        assert total.confusion.tolist() == whole.confusion.tolist()
        assert total.nodata_pixels == whole.nodata_pixels and total.ambiguous == whole.ambiguous


def test_codes_outside_the_list_and_another_nodata_value():
    # With 3 as nodata, the 0 is an ordinary value, absent from the codes: counted as "other".
    counts = reference_confusion(MAP, TRANSFORM, POLYGONS[:3], [1, 2], nodata=3)
    assert counts.confusion.tolist() == [[8, 0], [0, 11]]  # polygon 3 is of a code not listed: ignored
    assert counts.on_nodata.tolist() == [0, 1] and counts.other == 1


# Olofsson et al. (2014), section 5, the numerical example: four map classes (strata) of 30 m pixels,
# 1 deforestation, 2 forest gain, 3 stable forest, 4 stable non-forest, mapped on 200 000, 150 000,
# 3 200 000 and 6 450 000 pixels (W = 0.020, 0.015, 0.320, 0.645), and a stratified sample of 640 points;
# rows map class, columns reference class:
OLOFSSON_SAMPLE = [[66, 0, 5, 4], [0, 55, 8, 12], [1, 0, 153, 11], [2, 1, 9, 313]]
OLOFSSON_MAP_PIXELS = [200_000, 150_000, 3_200_000, 6_450_000]
HECTARES_PER_PIXEL = 0.09


def test_area_adjusted_estimates_reproduce_olofssons_example():
    estimates = stratified_estimates(np.array(OLOFSSON_SAMPLE), OLOFSSON_MAP_PIXELS, HECTARES_PER_PIXEL)
    assert estimates["weights"] == pytest.approx([0.02, 0.015, 0.32, 0.645])
    # Deforestation's area proportion, by hand: p.1 = 0.02 * 66/75 + 0.32 * 1/165 + 0.645 * 2/325
    #   = 0.0176 + 0.0019394 + 0.0039692 = 0.0235086, i.e. 235 086 pixels = 21 158 ha.
    # The paper's results (rounded as printed): areas 21 158 ± 6 158, 11 686 ± 3 756, 285 770 ± 15 510 and
    # 581 386 ± 16 282 ha; user's accuracy 0.88 ± 0.07, 0.73 ± 0.10, 0.93 ± 0.04, 0.96 ± 0.02;
    # overall accuracy 0.95 ± 0.02; deforestation's producer's accuracy 0.75 ± 0.21.
    assert estimates["area_proportion"][0] == pytest.approx(0.0235086, abs=1e-7)
    assert estimates["area"] == pytest.approx([21_158, 11_686, 285_770, 581_386], abs=1)
    assert estimates["area_ci"] == pytest.approx([6_158, 3_756, 15_510, 16_282], abs=1)
    assert estimates["users_accuracy"] == pytest.approx([0.88, 0.73, 0.93, 0.96], abs=0.005)
    assert estimates["users_accuracy_ci"] == pytest.approx([0.07, 0.10, 0.04, 0.02], abs=0.005)
    assert estimates["overall_accuracy"] == pytest.approx(0.95, abs=0.005)
    assert estimates["overall_accuracy_ci"] == pytest.approx(0.02, abs=0.005)
    assert estimates["producers_accuracy"][0] == pytest.approx(0.75, abs=0.005)
    assert estimates["producers_accuracy_ci"][0] == pytest.approx(0.21, abs=0.005)
    # Forest gain's producer's accuracy by hand: N.2 = 150 000 * 55/75 + 6 450 000 * 1/325 = 129 846.15 pixels;
    # P2 = 110 000 / 129 846.15 = 0.84716. Its variance: own stratum 150 000² (1 - 0.84716)² 0.73333 * 0.26667 / 74
    #   = 1.3890e6; other strata: only stable non-forest holds forest gain: 6 450 000² (1/325)(324/325) / 324
    #   = 3.9387e8, times P2² = 0.71769: 2.8268e8. V = (1.3890e6 + 2.8268e8) / 129 846.15² = 0.016849;
    #   1.96 * sqrt(V) = 0.2544.
    assert estimates["producers_accuracy"][1] == pytest.approx(0.84716, abs=1e-5)
    assert estimates["producers_accuracy_ci"][1] == pytest.approx(0.2544, abs=5e-4)


def test_strata_too_thin_for_an_interval_are_flagged():
    # Map class 3 holds one point, map class 2 none: no variance where they count, class 2's share unaccounted.
    sample = np.array([[9, 1, 0], [0, 0, 0], [0, 0, 1]])
    estimates = stratified_estimates(sample, [500, 300, 200])
    assert estimates["unsampled_strata"] == [1]
    assert estimates["users_accuracy"] == [0.9, None, 1.0]
    assert estimates["users_accuracy_ci"][2] is None and estimates["overall_accuracy_ci"] is None
    # By hand: OA = 0.5 * 9/10 + 0.2 * 1/1 = 0.65 (class 2's 0.3 of the map has no sample).
    assert estimates["overall_accuracy"] == pytest.approx(0.65)


def write_map(path, data, classes=None, nodata=0, transform=TRANSFORM, crs="EPSG:32631"):
    """A class GeoTIFF: Imagette's (class table, colour table, .aux.xml) when classes are given, else a plain one."""
    if classes:
        with create_class_raster(
            path, data.shape[1], data.shape[0], transform, rasterio.crs.CRS.from_string(crs), 16, classes, {}
        ) as dst:
            dst.write(data.astype(dst.dtypes[0]), 1)
        write_side_car(path, classes)
    else:
        profile = dict(driver="GTiff", width=data.shape[1], height=data.shape[0], count=1, dtype=data.dtype.name)
        with rasterio.open(path, "w", **profile, crs=crs, transform=transform, nodata=nodata) as dst:
            dst.write(data, 1)
    return path


CLASSES = [ClassEntry(1, "Forêt", "#1b7837"), ClassEntry(2, "Eau", "#2166ac"), ClassEntry(3, "Bâti", "#b2182b")]


def test_class_names_come_from_the_file_its_attribute_table_or_its_style(tmp_path):
    imagette = write_map(tmp_path / "imagette.tif", MAP, CLASSES)
    assert map_classes(imagette) == {e.code: MapClass(e.code, e.name, e.color) for e in CLASSES}
    plain = write_map(tmp_path / "plain.tif", MAP)
    assert map_classes(plain) == {}
    # A raster attribute table as GDAL writes it into the .aux.xml (Value: MinMax, Name, Red, Green, Blue).
    rat = write_map(tmp_path / "rat.tif", MAP)
    usages = (("Value", 0, 5), ("Classe", 2, 2), ("R", 0, 6), ("G", 0, 7), ("B", 0, 8))
    fields = "".join(
        f'<FieldDefn index="{i}"><Name>{n}</Name><Type>{t}</Type><Usage>{u}</Usage></FieldDefn>'
        for i, (n, t, u) in enumerate(usages)
    )
    (tmp_path / "rat.tif.aux.xml").write_text(
        f'<PAMDataset><PAMRasterBand band="1"><GDALRasterAttributeTable>{fields}'
        '<Row index="0"><F>3</F><F>Bâti</F><F>255</F><F>0</F><F>0</F></Row>'
        '<Row index="1"><F>1</F><F>Forêt</F><F>0</F><F>128</F><F>0</F></Row>'
        "</GDALRasterAttributeTable></PAMRasterBand></PAMDataset>",
        encoding="utf-8",
    )
    assert map_classes(rat) == {1: MapClass(1, "Forêt", "#008000"), 3: MapClass(3, "Bâti", "#ff0000")}
    # A paletted style saved by QGIS beside the file (the part of the .qml that matters).
    styled = write_map(tmp_path / "styled.tif", MAP)
    (tmp_path / "styled.qml").write_text(
        '<qgis><pipe><rasterrenderer type="paletted" band="1"><colorPalette>'
        '<paletteEntry value="1" color="#00ff00" label="Forêt" alpha="255"/>'
        '<paletteEntry value="2" color="#0000ff" label="Eau" alpha="255"/>'
        "</colorPalette></rasterrenderer></pipe></qgis>",
        encoding="utf-8",
    )
    assert map_classes(styled) == {1: MapClass(1, "Forêt", "#00ff00"), 2: MapClass(2, "Eau", "#0000ff")}


def test_text_values_match_class_names_exactly():
    table = {e.code: MapClass(e.code, e.name, e.color) for e in CLASSES}
    assert match_reference_values(["Forêt", "Eau", 3], table, "classe") == {"Forêt": 1, "Eau": 2, 3: 3}
    with pytest.raises(ImagetteError, match="'foret' \\(did you mean 'Forêt'\\?\\) of field 'classe' match no class"):
        match_reference_values(["foret", "Eau"], table, "classe")
    with pytest.raises(ImagetteError, match="no class names to match it to.*Use an integer field"):
        match_reference_values(["Forêt"], {}, "classe")


def test_assessment_reads_the_map_by_windows_and_reports(tmp_path, monkeypatch):
    monkeypatch.setattr(assessment, "CHUNK", 4)  # 6 x 6 map: four windows
    path = write_map(tmp_path / "carte.tif", MAP, CLASSES)
    report = tmp_path / "rapport.html"
    result = assess_accuracy(AssessmentConfig(str(path), POLYGONS, str(report)))
    assert result.counts.confusion.tolist() == POLYGON_CONFUSION and not result.points
    assert result.map_pixels == {1: 8, 2: 11, 3: 16} and result.map_nodata_pixels == 1
    # 19 of the 20 mapped reference pixels agree; the one on nodata counts against the map by default.
    assert result.scores["overall_accuracy"] == pytest.approx(19 / 21)
    assert result.mapped_scores["overall_accuracy"] == pytest.approx(19 / 20) and result.coverage == pytest.approx(
        20 / 21
    )
    assert result.scores["per_class"][0]["recall"] == pytest.approx(8 / 9)  # 8 mapped 1, 1 unclassified
    assert result.scores["per_class"][0]["precision"] == 1.0
    mapped_only = assess_accuracy(AssessmentConfig(str(path), POLYGONS, count_unclassified=False))
    assert mapped_only.scores == mapped_only.mapped_scores and mapped_only.coverage == result.coverage
    assert result.estimates is None
    text = report.read_text(encoding="utf-8")
    assert "Forêt" in text and "#1b7837" in text and "overlapping polygons" in text and "Area-adjusted" not in text

    result = assess_accuracy(AssessmentConfig(str(path), POINTS, str(report)))
    assert result.points and result.counts.confusion.tolist() == POINT_CONFUSION and result.outside == 1
    # Strata weights from the whole map: 8, 11 and 16 pixels of 35. Sample by map class (rows): map 1 holds the
    # references 1 and 2, map 2 the reference 3, map 3 two references 3. OA = 8/35 * 1/2 + 0 + 16/35 * 1 = 0.5714.
    assert result.estimates["weights"] == pytest.approx([8 / 35, 11 / 35, 16 / 35])
    assert result.estimates["overall_accuracy"] == pytest.approx(8 / 35 / 2 + 16 / 35)
    assert "Area-adjusted" in report.read_text(encoding="utf-8")


def test_classes_found_on_one_side_only_are_reported(tmp_path):
    path = write_map(tmp_path / "carte.tif", np.where(MAP == 3, 1, MAP).astype(np.uint8), CLASSES)
    result = assess_accuracy(AssessmentConfig(str(path), POLYGONS[:3]))
    notes = " ".join(result.notes)
    assert "Reference class 'Bâti' (code 3) does not occur in the map" in notes
    path = write_map(tmp_path / "autre.tif", MAP, CLASSES)
    result = assess_accuracy(AssessmentConfig(str(path), POLYGONS[:1]))
    assert "Map class 'Eau' (code 2, 11 pixels) has no reference pixel" in " ".join(result.notes)


def test_a_reference_outside_the_map_is_refused_with_the_reason(tmp_path):
    path = write_map(tmp_path / "carte.tif", MAP, CLASSES)
    with pytest.raises(ImagetteError, match="No reference pixel lies inside the classification.*coordinate reference"):
        assess_accuracy(AssessmentConfig(str(path), [(box(100, 100, 110, 110), 1)]))
    with pytest.raises(
        ImagetteError, match="All 1 reference point\\(s\\) inside the classification fall on its nodata"
    ):
        assess_accuracy(AssessmentConfig(str(path), [(point(2.5, 3.5), 1)]))


def test_a_reference_whose_codes_are_not_the_maps_is_doubted_aloud(tmp_path):
    path = write_map(tmp_path / "carte.tif", MAP, CLASSES)
    genuine = assess_accuracy(AssessmentConfig(str(path), POLYGONS))
    assert not [note for note in genuine.notes if "class field" in note]
    # Codes of another nomenclature: none of them occurs in the map.
    other = assess_accuracy(AssessmentConfig(str(path), [(geometry, code + 10) for geometry, code in POLYGONS]))
    assert other.notes[0].startswith("Only 0% of the reference pixels have a class the map gives: the reference's ")
    assert (
        "class(es) 11, 12, 13 never occur in the map, whose classes are 1 'Forêt', 2 'Eau', 3 'Bâti'" in other.notes[0]
    )
    # The map's codes, but not for the same classes: they overlap, and agree no better than chance.
    swapped = {1: 2, 2: 3, 3: 1}
    permuted = assess_accuracy(AssessmentConfig(str(path), [(geometry, swapped[code]) for geometry, code in POLYGONS]))
    assert permuted.notes[0].startswith("The map agrees with the reference no better than chance (kappa -")
