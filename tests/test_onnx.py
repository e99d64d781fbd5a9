"""ONNX export (issue 22): real torch, onnx and onnxruntime on small untrained models.

The exported graph must give the class scores the torch network gives on the same input: for a U-Net
on tiles of other sizes than its patch (padded inside the graph), for patch classifiers on batches of
patches; the Deepness flavour must give softmax probabilities from band values divided by 255, as
Deepness feeds them, with the keys Deepness reads.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import onnxruntime
import pytest
import torch
from imagette.plugin.engine.classes import ClassEntry
from imagette.plugin.engine.device import normalize
from imagette.plugin.engine.errors import ImagetteError
from imagette.plugin.engine.modelfile import load_model
from imagette.plugin.engine.onnx_export import export_onnx
from imagette.plugin.engine.onnxfile import (
    DEEPNESS_KEYS,
    FORMAT,
    INPUT_NAME,
    OUTPUT_NAME,
    read_onnx_model,
    read_properties,
)
from rasterio.crs import CRS

from tests.conftest import run_algorithm
from tests.model_files import write_random_model

CLASSES = [ClassEntry(3, "water", "#0072b2"), ClassEntry(7, "forest", "#009e73"), ClassEntry(9, "crops", "#e69f00")]
UTM = CRS.from_epsg(32631).to_wkt()
MEAN, STD = 5000.0, 300.0
TOLERANCE = 1e-4


def session(path) -> onnxruntime.InferenceSession:
    return onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def raw_values(shape, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(MEAN, STD, size=shape).clip(0, 65535).astype(np.uint16)


def normalized(raw: np.ndarray) -> np.ndarray:
    bands = raw.shape[1]
    return normalize(raw, np.full(bands, MEAN, np.float32), np.full(bands, STD, np.float32))


def torch_scores(model_path, x: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return load_model(model_path).network(torch.from_numpy(x)).numpy()


@pytest.mark.parametrize(("architecture", "sizes"), [("unet", [(45, 70), (64, 64)]), ("unet_resnet18", [(40, 75)])])
def test_segmentation_export_matches_torch_on_tiles_of_any_size(tmp_path, architecture, sizes):
    model = write_random_model(tmp_path / "model.pt", CLASSES, UTM, architecture=architecture, patch=32)
    result = export_onnx(model, tmp_path / "model.onnx")
    assert result.kind == "segmentation" and result.input_shape == ["batch", 4, "dynamic", "dynamic"]
    runner = session(result.path)
    for height, width in sizes:  # not the 32 px patch, nor (45, 70, 40, 75) a multiple of the downsampling
        x = normalized(raw_values((2, 4, height, width), seed=height))
        scores = runner.run(None, {INPUT_NAME: x})[0]
        expected = torch_scores(model, x)
        assert scores.shape == (2, len(CLASSES), height, width)
        np.testing.assert_allclose(scores, expected, atol=TOLERANCE, rtol=0)
        assert (scores.argmax(1) == expected.argmax(1)).all()


@pytest.mark.parametrize("architecture", ["small_cnn", "resnet18"])
def test_patch_classifier_export_matches_torch_on_a_batch_of_patches(tmp_path, architecture):
    model = write_random_model(tmp_path / "model.pt", CLASSES, UTM, architecture=architecture, patch=32)
    result = export_onnx(model, tmp_path / "model.onnx")
    assert result.kind == "patch_classifier" and result.input_shape == ["batch", 4, 32, 32]
    # Patches from dark to bright (-3 to +3 deviations), whose scores an untrained network tells apart.
    x = normalized(raw_values((7, 4, 32, 32)) + (np.arange(-3, 4) * STD).astype(np.int64).reshape(-1, 1, 1, 1))
    scores = session(result.path).run(None, {INPUT_NAME: x})[0]
    expected = torch_scores(model, x)
    assert scores.shape == (7, len(CLASSES))
    np.testing.assert_allclose(scores, expected, atol=TOLERANCE, rtol=0)
    assert np.ptp(expected, axis=0).min() > 100 * TOLERANCE, "the patches should get scores far apart"


def test_metadata_round_trips(tmp_path):
    model = write_random_model(tmp_path / "model.pt", CLASSES, UTM, architecture="small_cnn", patch=32)
    path = export_onnx(model, tmp_path / "model.onnx").path
    info = read_onnx_model(path)
    trained = load_model(model).metadata
    for key in ("bands", "normalization", "patch_size", "pixel_size", "crs", "crs_name", "classes"):
        assert info.metadata[key] == trained[key], key
    assert info.classes == CLASSES and info.band_count == 4 and info.patch_size == 32
    assert (info.flavour, info.kind, info.architecture) == ("imagette", "patch_classifier", "small_cnn")
    assert info.input == {
        "name": INPUT_NAME,
        "layout": "NCHW",
        "dtype": "float32",
        "height": 32,
        "width": 32,
        "values": "normalized",
        "divisor": 1,
    }
    assert info.output["values"] == "logits" and info.output["layout"] == "NC"
    properties = info.properties
    assert properties["imagette_format"] == FORMAT and properties["imagette_format_version"] == 1
    assert {"imagette", "torch", "onnx", "numpy"} <= set(properties["software"])
    assert not set(DEEPNESS_KEYS) & set(properties), "Deepness keys belong to the Deepness flavour"
    # Every value is a JSON string, as Deepness and other readers take them.
    raw = session(path).get_modelmeta().custom_metadata_map
    assert json.loads(raw["classes"])[1] == {"code": 7, "name": "forest", "color": "#009e73"}


def test_deepness_flavour_gives_probabilities_from_raw_values(tmp_path):
    model = write_random_model(tmp_path / "model.pt", CLASSES, UTM, architecture="unet", patch=32)
    result = export_onnx(model, tmp_path / "deepness.onnx", "deepness")
    properties = read_properties(result.path)
    # The keys Deepness documents and reads (qgis-plugin-deepness, docs/source/creators and ModelBase).
    assert properties["model_type"] == "Segmentor"
    assert properties["class_names"] == {"0": "water", "1": "forest", "2": "crops"}  # output index: name
    assert properties["resolution"] == 50.0  # 0.5 m pixels, in cm/px
    tile = properties["tiles_size"]
    assert properties["tile_size"] == tile and tile % 4 == 0 and tile >= 256
    assert 0 < properties["tiles_overlap"] <= 50 and properties["seg_thresh"] == 0
    assert "standardization_mean" not in properties  # normalisation is in the graph: Deepness must not redo it
    runner = session(result.path)
    # Deepness's Segmentor: one input (batch, channels, size, size), one square output (batch, classes, size, size).
    [graph_input], [graph_output] = runner.get_inputs(), runner.get_outputs()
    assert graph_input.shape[1:] == [4, tile, tile] and graph_output.shape[1:] == [len(CLASSES), tile, tile]
    assert (graph_input.name, graph_output.name) == (INPUT_NAME, OUTPUT_NAME)
    raw = raw_values((2, 4, tile, tile), seed=3)
    probabilities = runner.run(None, {INPUT_NAME: raw.astype(np.float32) / 255.0})[0]  # what Deepness feeds
    expected = torch.softmax(torch.from_numpy(torch_scores(model, normalized(raw))), dim=1).numpy()
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(probabilities, expected, atol=TOLERANCE, rtol=0)
    info = read_onnx_model(result.path)  # Imagette reads its Deepness files too, and knows their layout
    assert (info.flavour, info.input["values"], info.output["values"]) == ("deepness", "raw/255", "probabilities")


def test_patch_classifier_refused_for_deepness_with_the_fix(tmp_path):
    model = write_random_model(tmp_path / "model.pt", CLASSES, UTM, architecture="small_cnn", patch=32)
    with pytest.raises(ImagetteError, match="segmentation networks only") as refused:
        export_onnx(model, tmp_path / "deepness.onnx", "deepness")
    assert "FORMAT 0" in str(refused.value) and "U-Net" in str(refused.value)
    assert not (tmp_path / "deepness.onnx").exists()


def test_foreign_and_damaged_files_refused(tmp_path):
    foreign = tmp_path / "foreign.onnx"
    torch.onnx.export(torch.nn.Conv2d(3, 2, 1).eval(), (torch.zeros(1, 3, 8, 8),), str(foreign), dynamo=False)
    with pytest.raises(ImagetteError, match="not an ONNX model exported by Imagette: its metadata lacks Imagette's"):
        read_onnx_model(foreign)
    damaged = tmp_path / "damaged.onnx"
    damaged.write_bytes(b"not a protobuf at all" * 10)
    with pytest.raises(ImagetteError, match="not a valid ONNX model"):
        read_onnx_model(damaged)
    with pytest.raises(ImagetteError, match="does not exist"):
        read_onnx_model(tmp_path / "missing.onnx")


def test_exportmodel_through_processing(tmp_path):
    model = write_random_model(tmp_path / "model.pt", CLASSES, UTM, architecture="unet", patch=32)
    results = run_algorithm("exportmodel", {"MODEL": str(model), "FORMAT": 1, "OUTPUT_ONNX": str(tmp_path / "m.onnx")})
    assert results == {"OUTPUT_ONNX": str(tmp_path / "m.onnx")}
    assert read_onnx_model(results["OUTPUT_ONNX"]).flavour == "deepness"


def test_exportmodel_refuses_a_patch_classifier_for_deepness(tmp_path):
    from qgis.core import QgsProcessingException

    model = write_random_model(tmp_path / "model.pt", CLASSES, UTM, architecture="small_cnn", patch=32)
    with pytest.raises(QgsProcessingException, match="Deepness runs segmentation networks only"):
        run_algorithm("exportmodel", {"MODEL": str(model), "FORMAT": 1, "OUTPUT_ONNX": str(tmp_path / "m.onnx")})


def test_export_without_the_onnx_package_says_what_to_install(tmp_path, monkeypatch):
    from qgis.core import QgsProcessingException

    model = write_random_model(tmp_path / "model.pt", CLASSES, UTM, architecture="unet", patch=32)
    monkeypatch.setitem(sys.modules, "onnx", None)  # any import of onnx now fails, as where it is not installed
    with pytest.raises(ImagetteError, match="needs the 'onnx' package.*pip install onnx"):
        export_onnx(model, tmp_path / "engine.onnx")
    with pytest.raises(
        QgsProcessingException, match=r"needs the onnx package(.|\n)*-m pip install .*\"onnx\" \"onnxruntime\""
    ):
        run_algorithm("exportmodel", {"MODEL": str(model), "OUTPUT_ONNX": str(tmp_path / "m.onnx")})
    assert not list(tmp_path.glob("*.onnx"))
