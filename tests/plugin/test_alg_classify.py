"""imagette:classifyraster through processing.run on real files: styled outputs, the loaded layer, extent, errors, cancel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import processing
import pytest
import rasterio
import torch
from imagette.plugin.engine.classes import ClassEntry
from osgeo import gdal
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsPalettedRasterRenderer,
    QgsProcessingException,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsSingleBandPseudoColorRenderer,
)
from qgis.PyQt.QtGui import QColor

from tests.headless import REPO
from tests.model_files import write_random_model
from tests.plugin.conftest import RecordingFeedback, run_algorithm
from tests.scenes import CLASS_COLORS, CLASSES

SCENE_CLASSES = [ClassEntry(code, name, CLASS_COLORS[code]) for code, name, _ in CLASSES]


@pytest.fixture(scope="module")
def model(scene, tmp_path_factory):
    crs = rasterio.crs.CRS.from_string(scene.crs).to_wkt()
    return write_random_model(tmp_path_factory.mktemp("model") / "modèle forêts.pt", SCENE_CLASSES, crs)


def classify(scene, model, output, feedback=None, **extra) -> dict:
    parameters = {
        "INPUT_RASTER": str(scene.raster),
        "MODEL": str(model),
        "STRIDE": 8,
        "OUTPUT_CLASSIFICATION": str(output),
    }
    parameters.update(extra)
    return run_algorithm("classifyraster", parameters, feedback=feedback)


def assert_class_style(renderer, classes=SCENE_CLASSES):
    assert isinstance(renderer, QgsPalettedRasterRenderer)
    assert [(int(c.value), c.label, c.color.name()) for c in renderer.classes()] == [
        (e.code, e.name, e.color) for e in classes
    ]


def assert_confidence_style(renderer):
    """A ramp from 0 to 1 with a legend that reads 0 ... 1, not a grey band stretched to the data."""
    assert isinstance(renderer, QgsSingleBandPseudoColorRenderer)
    assert (renderer.classificationMin(), renderer.classificationMax()) == (0.0, 1.0)
    legend = [label for label, _ in renderer.legendSymbologyItems()]
    assert legend[0] == "0" and legend[-1] == "1" and len(legend) == 5
    colors = {color.name() for _, color in renderer.legendSymbologyItems()}
    assert len(colors) == 5  # a colour ramp, not shades of grey


def test_the_classification_is_styled_wherever_the_file_goes(scene, model, tmp_path):
    output, confidence = tmp_path / "carte.tif", tmp_path / "confiance.tif"
    result = classify(scene, model, output, OUTPUT_CONFIDENCE=str(confidence))
    assert result == {"OUTPUT_CLASSIFICATION": str(output), "OUTPUT_CONFIDENCE": str(confidence)}
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "carte.qml",
        "carte.tif",
        "carte.tif.aux.xml",
        "confiance.qml",
        "confiance.tif",
        "confiance.tif.aux.xml",  # GDAL's statistics, cached when QGIS opened it
    ]
    ramp = QgsRasterLayer(str(confidence), "confiance", "gdal")  # loads confiance.qml; kept: its renderer dies with it
    assert_confidence_style(ramp.renderer())

    layer = QgsRasterLayer(str(output), "carte", "gdal")  # loads carte.qml as its default style
    assert layer.isValid() and layer.crs() == QgsCoordinateReferenceSystem(scene.crs)
    assert_class_style(layer.renderer())

    dataset = gdal.Open(str(output))  # kept: its bands die with it
    assert dataset.GetGeoTransform()  # GDAL 3.6 reads the .aux.xml lazily, on the first metadata query
    band = dataset.GetRasterBand(1)
    names, table = band.GetCategoryNames(), band.GetColorTable()
    for entry in SCENE_CLASSES:
        assert names[entry.code] == entry.name
        assert QColor(*table.GetColorEntry(entry.code)[:3]).name() == entry.color

    with rasterio.open(output) as classes, rasterio.open(confidence) as probabilities:
        values, top = classes.read(1), probabilities.read(1)
        # The scene's nodata block is its bottom-right 96 x 96 px: 12 x 12 output pixels of 8 px.
        assert (values[-12:, -12:] == 0).all() and (top[-12:, -12:] == 0).all()
        assert set(np.unique(values)) <= {0} | {e.code for e in SCENE_CLASSES} and (values > 0).mean() > 0.7
        assert ((top > 0) == (values > 0)).all() and top.max() <= 1 and top[top > 0].min() >= 1 / len(SCENE_CLASSES)


def test_from_the_toolbox_the_loaded_layers_are_styled_and_named_after_the_model_and_raster(scene, model, tmp_path):
    output, confidence = tmp_path / "classes.tif", tmp_path / "confidence.tif"
    parameters = {
        "INPUT_RASTER": str(scene.raster),
        "MODEL": str(model),
        "STRIDE": 16,
        "OUTPUT_CLASSIFICATION": str(output),
        "OUTPUT_CONFIDENCE": str(confidence),
    }
    processing.runAndLoadResults("imagette:classifyraster", parameters)
    project = QgsProject.instance()
    loaded = {
        Path(layer.source()).name: layer
        for layer in project.mapLayers().values()
        if layer.source() in (str(output), str(confidence))
    }
    try:
        assert sorted(loaded) == ["classes.tif", "confidence.tif"]
        # Two runs with other models or rasters get other names: "<model file's stem> — <raster layer's name>".
        assert loaded["classes.tif"].name() == f"modèle forêts — {scene.raster.stem}"
        assert_class_style(loaded["classes.tif"].renderer())
        assert loaded["confidence.tif"].name() == f"modèle forêts — {scene.raster.stem} (confidence)"
        assert_confidence_style(loaded["confidence.tif"].renderer())
    finally:
        project.removeMapLayers([layer.id() for layer in loaded.values()])


def test_an_extent_in_another_crs_limits_the_output(scene, model, tmp_path):
    with rasterio.open(scene.raster) as src:
        bounds = src.bounds
    inner = QgsRectangle(bounds.left + 40, bounds.bottom + 50, bounds.left + 100, bounds.bottom + 120)
    to_wgs84 = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem(scene.crs), QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance()
    )
    extent = to_wgs84.transformBoundingBox(inner)
    text = f"{extent.xMinimum()},{extent.xMaximum()},{extent.yMinimum()},{extent.yMaximum()} [EPSG:4326]"
    output = tmp_path / "window.tif"
    classify(scene, model, output, EXTENT=text)
    with rasterio.open(output) as dst:
        out = dst.bounds
        assert dst.crs == rasterio.crs.CRS.from_string(scene.crs)
    assert out.left <= inner.xMinimum() and out.right >= inner.xMaximum()
    assert out.bottom <= inner.yMinimum() and out.top >= inner.yMaximum()
    assert out.right - out.left < 70 and out.top - out.bottom < 80  # the window, not the 192 m wide scene


def test_a_raster_with_other_bands_is_refused_with_both_counts(scene, tmp_path):
    crs = rasterio.crs.CRS.from_string(scene.crs).to_wkt()
    model = write_random_model(tmp_path / "three.pt", SCENE_CLASSES, crs, bands=3)
    with pytest.raises(
        QgsProcessingException, match=r"has 4 band\(s\) but the model 'three.pt' was trained on 3 band\(s\)"
    ):
        classify(scene, model, tmp_path / "out.tif")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["three.pt"]


def test_a_booby_trapped_model_is_refused(scene, tmp_path):
    marker = tmp_path / "pwned.txt"

    class Payload:
        def __reduce__(self):
            return (exec, (f"open({str(marker)!r}, 'w').write('pwned')",))

    trapped = tmp_path / "trap.pt"
    torch.save({"format": "imagette-model", "metadata": Payload()}, trapped)
    with pytest.raises(QgsProcessingException, match="refused for safety"):
        classify(scene, trapped, tmp_path / "out.tif")
    assert not marker.exists() and not (tmp_path / "out.tif").exists()


def test_cancel_leaves_nothing_behind(scene, model, tmp_path):
    feedback = RecordingFeedback()
    feedback.progressChanged.connect(lambda percent: percent > 0 and feedback.cancel())
    output = tmp_path / "out"
    output.mkdir()
    with pytest.raises(QgsProcessingException, match="Canceled"):
        confidence = str(output / "confidence.tif")
        classify(scene, model, output / "classes.tif", feedback, OUTPUT_CONFIDENCE=confidence, STRIDE=4, BATCH_SIZE=16)
    assert feedback.progress() < 50  # stopped after the first of many tiles
    assert list(output.iterdir()) == []


def test_the_stride_has_one_wording_in_the_help_the_dialog_and_the_guide():

    from qgis.core import QgsApplication

    algorithm = QgsApplication.processingRegistry().algorithmById("imagette:classifyraster")
    stride = algorithm.parameterDefinition("STRIDE")
    guide = (REPO / "docs" / "classification.md").read_text(encoding="utf-8")
    wording = "output pixel size, in input pixels"
    for text in (algorithm.shortHelpString(), stride.description(), stride.help(), guide):
        assert wording in text.lower()
        assert "STRIDE x STRIDE" not in text and "`STRIDE` x `STRIDE`" not in text
    for text in (algorithm.shortHelpString(), stride.help(), guide):  # the default differs by kind of network
        assert "an eighth of the patch" in text and "U-Net" in text and "1 input pixel" in text
