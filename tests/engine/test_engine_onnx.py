"""ONNX export (issue 22) and classification through ONNX Runtime, in the engine alone (no QGIS): real torch,
onnx and onnxruntime on small untrained models.

The exported graph must give the class scores the torch network gives on the same input: for a U-Net
on tiles of other sizes than its patch (padded inside the graph), for patch classifiers on batches of
patches and, in their dense form, on tiles at each real stride; the Deepness flavour must give softmax
probabilities from band values divided by 255, as Deepness feeds them, with the keys Deepness reads. ONNX Runtime's
tiles and maps must be PyTorch's, densely as PyTorch evaluates them, with torch installed or not, and files of the
older per-patch form must still classify. tests/plugin/test_onnx.py runs the same through the algorithms, qgis_process and the command.
"""

from __future__ import annotations

import json
import logging
import sys

import numpy as np
import pytest
import rasterio
import torch
from imagette.plugin.engine.dense import inference_copy, to_dense
from imagette.plugin.engine.device import normalize
from imagette.plugin.engine.errors import ImagetteError
from imagette.plugin.engine.modelfile import load_model
from imagette.plugin.engine.onnx_export import export_onnx
from imagette.plugin.engine.onnxfile import (
    DEEPNESS_KEYS,
    FORMAT,
    INPUT_NAME,
    OUTPUT_NAME,
    SELECTOR_NAME,
    read_onnx_model,
    read_properties,
)

from tests.model_files import SPARSE_CLASSES, UTM_WKT, write_random_model

onnxruntime = pytest.importorskip("onnxruntime", reason="ONNX runs need onnx and onnxruntime (make test installs them)")
pytest.importorskip("onnx", reason="ONNX export needs onnx and onnxruntime (make test installs them)")

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
    model = write_random_model(tmp_path / "model.pt", SPARSE_CLASSES, UTM_WKT, architecture=architecture, patch=32)
    result = export_onnx(model, tmp_path / "model.onnx")
    assert result.kind == "segmentation" and result.input_shape == ["batch", 4, "dynamic", "dynamic"]
    runner = session(result.path)
    for height, width in sizes:  # not the 32 px patch, nor (45, 70, 40, 75) a multiple of the downsampling
        x = normalized(raw_values((2, 4, height, width), seed=height))
        scores = runner.run(None, {INPUT_NAME: x})[0]
        expected = torch_scores(model, x)
        assert scores.shape == (2, len(SPARSE_CLASSES), height, width)
        np.testing.assert_allclose(scores, expected, atol=TOLERANCE, rtol=0)
        assert (scores.argmax(1) == expected.argmax(1)).all()


@pytest.mark.parametrize("architecture", ["small_cnn", "resnet18"])
def test_patch_classifier_export_matches_torch_on_patches_and_on_tiles_at_each_real_stride(tmp_path, architecture):
    model = write_random_model(tmp_path / "model.pt", SPARSE_CLASSES, UTM_WKT, architecture=architecture, patch=32)
    result = export_onnx(model, tmp_path / "model.onnx")
    assert result.kind == "patch_classifier" and result.input_shape == ["batch", 4, "dynamic", "dynamic"]
    runner = session(result.path)
    # Patches from dark to bright (-3 to +3 deviations), whose scores an untrained network tells apart. At the largest
    # real stride the graph is the network as it is: a patch's logits are the average of its feature positions'.
    x = normalized(raw_values((7, 4, 32, 32)) + (np.arange(-3, 4) * STD).astype(np.int64).reshape(-1, 1, 1, 1))
    positions = runner.run(None, {INPUT_NAME: x, SELECTOR_NAME: np.array(8, dtype=np.int64)})[0]
    expected = torch_scores(model, x)
    assert positions.shape == (7, len(SPARSE_CLASSES), 4, 4)  # 32 px patches, downsampled 8 times
    np.testing.assert_allclose(positions.mean(axis=(2, 3)), expected, atol=TOLERANCE, rtol=0)
    assert np.ptp(expected, axis=0).min() > 100 * TOLERANCE, "the patches should get scores far apart"
    # Each real stride's conversion on a tile: the head at every feature position of torch's own conversion.
    variants = read_onnx_model(result.path).properties["dense"]["variants"]
    assert [variant["real_stride"] for variant in variants] == [1, 2, 4, 8]
    tile = torch.from_numpy(normalized(raw_values((1, 4, 45, 70), seed=5)))
    for variant in variants:
        dense = to_dense(load_model(model).network, 32, variant["real_stride"], 4)
        assert variant == {name: getattr(dense, name) for name in variant}
        with torch.no_grad():
            features = dense.network.forward_features(tile)
            head = dense.network.head
            logits = (torch.einsum("nchw,kc->nkhw", features, head.weight) + head.bias[:, None, None]).numpy()
        selector = np.array(variant["real_stride"], dtype=np.int64)
        scores = runner.run(None, {INPUT_NAME: tile.numpy(), SELECTOR_NAME: selector})[0]
        assert scores.shape == logits.shape
        # A position's logits reach about 20 before a patch's average: float32 rounding grows with the largest terms.
        np.testing.assert_allclose(scores, logits, atol=2e-5 * np.abs(logits).max(), rtol=0)


def test_metadata_round_trips(tmp_path):
    model = write_random_model(tmp_path / "model.pt", SPARSE_CLASSES, UTM_WKT, architecture="small_cnn", patch=32)
    path = export_onnx(model, tmp_path / "model.onnx").path
    info = read_onnx_model(path)
    trained = load_model(model).metadata
    for key in ("bands", "normalization", "patch_size", "pixel_size", "crs", "crs_name", "classes"):
        assert info.metadata[key] == trained[key], key
    assert info.classes == SPARSE_CLASSES and info.band_count == 4 and info.patch_size == 32
    assert (info.flavour, info.kind, info.architecture) == ("imagette", "patch_classifier", "small_cnn")
    assert info.input == {
        "name": INPUT_NAME,
        "layout": "NCHW",
        "dtype": "float32",
        "height": "dynamic",
        "width": "dynamic",
        "values": "normalized",
        "divisor": 1,
    }
    assert info.output["values"] == "logits" and info.output["layout"] == "NCHW"
    properties = info.properties
    assert properties["imagette_format"] == FORMAT and properties["imagette_format_version"] == 2
    assert info.form == "dense" and properties["dense"]["selector"] == SELECTOR_NAME
    # The geometry an output stride reads: the largest real stride dividing it, as PyTorch's conversion.
    real_strides = {1: 1, 2: 2, 3: 1, 4: 4, 6: 2, 8: 8, 12: 4, 16: 8}  # output stride: its real stride
    assert {stride: info.dense_geometry(stride).real_stride for stride in real_strides} == real_strides
    assert {"imagette", "torch", "onnx", "numpy"} <= set(properties["software"])
    assert not set(DEEPNESS_KEYS) & set(properties), "Deepness keys belong to the Deepness flavour"
    # Every value is a JSON string, as Deepness and other readers take them.
    raw = session(path).get_modelmeta().custom_metadata_map
    assert json.loads(raw["classes"])[1] == {"code": 7, "name": "forest", "color": "#009e73"}


def test_deepness_flavour_gives_probabilities_from_raw_values(tmp_path):
    model = write_random_model(tmp_path / "model.pt", SPARSE_CLASSES, UTM_WKT, architecture="unet", patch=32)
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
    assert graph_input.shape[1:] == [4, tile, tile] and graph_output.shape[1:] == [len(SPARSE_CLASSES), tile, tile]
    assert (graph_input.name, graph_output.name) == (INPUT_NAME, OUTPUT_NAME)
    raw = raw_values((2, 4, tile, tile), seed=3)
    probabilities = runner.run(None, {INPUT_NAME: raw.astype(np.float32) / 255.0})[0]  # what Deepness feeds
    expected = torch.softmax(torch.from_numpy(torch_scores(model, normalized(raw))), dim=1).numpy()
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(probabilities, expected, atol=TOLERANCE, rtol=0)
    info = read_onnx_model(result.path)  # Imagette reads its Deepness files too, and knows their layout
    assert (info.flavour, info.input["values"], info.output["values"]) == ("deepness", "raw/255", "probabilities")


def test_patch_classifier_refused_for_deepness_with_the_fix(tmp_path):
    model = write_random_model(tmp_path / "model.pt", SPARSE_CLASSES, UTM_WKT, architecture="small_cnn", patch=32)
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


def test_a_dense_form_described_wrongly_is_refused_with_the_reason(tmp_path):
    import onnx
    from imagette.plugin.engine.onnxfile import add_properties

    model = write_random_model(tmp_path / "model.pt", SPARSE_CLASSES, UTM_WKT, architecture="small_cnn", patch=32)
    path = export_onnx(model, tmp_path / "model.onnx").path
    written = onnx.load(str(path))
    variants = read_onnx_model(path).properties["dense"]["variants"]
    for dense, reason in (
        ({"selector": SELECTOR_NAME}, "its dense form is described wrongly (KeyError: 'variants')"),
        (
            {"selector": SELECTOR_NAME, "variants": [{"real_stride": 1}]},
            "its dense form is described wrongly (TypeError",
        ),
        ({"selector": SELECTOR_NAME, "variants": variants[1:]}, "its dense form has no variant at real stride 1"),
    ):
        add_properties(written, {"dense": dense})
        onnx.save(written, str(tmp_path / "wrong.onnx"))
        with pytest.raises(ImagetteError) as refused:
            read_onnx_model(tmp_path / "wrong.onnx")
        assert f"is not an ONNX model exported by Imagette: {reason}" in str(refused.value)
        assert "Choose a file written by 'Export model to ONNX'." in str(refused.value)


def test_export_without_the_onnx_package_says_what_to_install(tmp_path, monkeypatch):
    model = write_random_model(tmp_path / "model.pt", SPARSE_CLASSES, UTM_WKT, architecture="unet", patch=32)
    monkeypatch.setitem(sys.modules, "onnx", None)  # any import of onnx now fails, as where it is not installed
    with pytest.raises(ImagetteError, match="needs the 'onnx' package.*pip install onnx"):
        export_onnx(model, tmp_path / "engine.onnx")
    assert not list(tmp_path.glob("*.onnx"))


# Classification through ONNX Runtime (onnx_tiles.py): the same grid, windows and nodata rules as tiles.py.


def classified_grid(classifier, src) -> tuple[np.ndarray, np.ndarray]:
    """Class index (-1 nodata) and confidence over the classifier's whole output grid, tile by tile."""
    from imagette.plugin.engine.grid import tiles

    grid = classifier.grid
    index = np.full((grid.height, grid.width), -1, dtype=np.int64)
    confidence = np.zeros((grid.height, grid.width), dtype=np.float32)
    for rows, cols in tiles(grid, src, classifier.tile):
        at = (slice(rows[0] - grid.row0, rows[1] - grid.row0), slice(cols[0] - grid.col0, cols[1] - grid.col0))
        index[at], confidence[at] = classifier.classify(src, rows, cols)
    return index, confidence


# Untrained networks whose maps of the scene hold two classes or more (seeds and spreads found by trying). Patch
# classifiers densely at real strides 1 and 2, in tiles where PyTorch plans the dense method.
@pytest.mark.parametrize(
    ("architecture", "stride", "std", "seed", "method", "tile"),
    [
        ("unet", 1, 300, 3, "dense", 10),
        ("unet", 3, 300, 3, "dense", 10),
        ("resnet18", 4, 1000, 3, "per_patch", 10),
        ("small_cnn", 1, 300, 0, "dense", 10),
        ("small_cnn", 2, 300, 0, "dense", 10),
    ],
)
def test_onnx_runtime_tiles_give_the_torch_map(tmp_path, architecture, stride, std, seed, method, tile):
    from imagette.plugin.engine.onnx_tiles import load_onnx_model, onnx_tile_classifier
    from imagette.plugin.engine.progress import Progress
    from imagette.plugin.engine.tiles import tile_classifier

    from tests.scenes import make_scene

    scene = make_scene(tmp_path, cells=2, cell=64)
    model = write_random_model(
        tmp_path / "model.pt", SPARSE_CLASSES, UTM_WKT, architecture=architecture, patch=16, std=std, seed=seed
    )
    exported = export_onnx(model, tmp_path / "model.onnx").path
    with rasterio.open(scene.raster) as src:
        # Tiles of 10 or 16 output pixels: several per row, so that the halos and the tile seams are exercised.
        reference = tile_classifier(
            load_model(model), src, stride, method, 64, tile, None, torch.device("cpu"), Progress()
        )
        onnx = onnx_tile_classifier(load_onnx_model(exported, "cpu"), src, stride, method, 64, tile, None, Progress())
        assert onnx.grid == reference.grid and onnx.method == reference.method
        assert reference.method == ("per_pixel" if architecture == "unet" else method)
        expected_index, expected_confidence = classified_grid(reference, src)
        index, confidence = classified_grid(onnx, src)
    assert ((index >= 0) == (expected_index >= 0)).all(), "nodata must be where PyTorch puts it"
    assert (expected_index == -1).any() and len(set(expected_index[expected_index >= 0].tolist())) > 1
    assert (index == expected_index).mean() >= 0.999
    np.testing.assert_allclose(confidence, expected_confidence, atol=TOLERANCE, rtol=0)


def test_a_file_of_the_older_per_patch_form_classifies_patch_by_patch(tmp_path, caplog):
    import onnx
    from imagette.plugin.engine.inference import InferenceConfig, classify_raster
    from imagette.plugin.engine.onnxfile import add_properties, imagette_properties

    from tests.scenes import make_scene

    scene = make_scene(tmp_path, cells=2, cell=64)
    model_path = write_random_model(
        tmp_path / "model.pt", SPARSE_CLASSES, UTM_WKT, architecture="resnet18", patch=16, std=1000, seed=3
    )
    model = load_model(model_path)
    # The file an Imagette before the dense form wrote: the per-patch network, (batch, 4, 16, 16) to (batch, classes),
    # format version 1, no form.
    old = tmp_path / "old.onnx"
    torch.onnx.export(
        inference_copy(model.network),
        (torch.zeros(1, 4, 16, 16),),
        str(old),
        dynamo=False,
        input_names=[INPUT_NAME],
        output_names=[OUTPUT_NAME],
        dynamic_axes={INPUT_NAME: {0: "batch"}, OUTPUT_NAME: {0: "batch"}},
    )
    graph_input = {"name": INPUT_NAME, "layout": "NCHW", "dtype": "float32", "height": 16, "width": 16}
    graph_output = {"name": OUTPUT_NAME, "dtype": "float32", "layout": "NC", "values": "logits"}
    properties = imagette_properties(
        model.metadata,
        "resnet18",
        "patch_classifier",
        "imagette",
        {**graph_input, "values": "normalized", "divisor": 1},
        graph_output,
        {},
    )
    del properties["form"]
    written = onnx.load(str(old))
    add_properties(written, {**properties, "imagette_format_version": 1})
    onnx.save(written, str(old))
    assert read_onnx_model(old).form == "per_patch"
    maps = {}
    for name, path, method in (("torch", model_path, "per_patch"), ("onnx", old, "dense")):
        config = InferenceConfig(
            str(scene.raster), str(path), str(tmp_path / f"{name}.tif"), device="cpu", method=method
        )
        with caplog.at_level(logging.INFO, logger="imagette"):
            assert classify_raster(config).method == "per_patch"
        with rasterio.open(config.output_path) as classes:
            maps[name] = classes.read(1)
    assert "holds its patch classifier in the per-patch form only (exported by an older Imagette)" in caplog.text
    assert "Export the model again for the dense form." in caplog.text
    assert (maps["onnx"] == maps["torch"]).mean() >= 0.999 and len(set(maps["torch"][maps["torch"] > 0].tolist())) > 1


def test_onnx_runtime_classifies_a_raster_without_torch(tmp_path):
    import subprocess

    from tests.headless import PLUGIN_DIR
    from tests.scenes import make_scene

    scene = make_scene(tmp_path, cells=2, cell=32)
    model = write_random_model(tmp_path / "model.pt", SPARSE_CLASSES, UTM_WKT, architecture="unet", patch=16)
    exported = export_onnx(model, tmp_path / "model.onnx").path
    deepness = export_onnx(model, tmp_path / "deepness.onnx", "deepness").path
    output, other = tmp_path / "map.tif", tmp_path / "map_deepness.tif"
    code = (
        f"import sys; sys.path.insert(0, {str(PLUGIN_DIR)!r})\n"
        "sys.modules['torch'] = None  # any import of torch now fails, as where it is not installed\n"
        "from imagette.plugin.engine.inference import InferenceConfig, classify_raster\n"
        f"result = classify_raster(InferenceConfig({str(scene.raster)!r}, {str(exported)!r}, {str(output)!r}))\n"
        "print(result.method, sorted(result.pixel_counts))\n"
        f"result = classify_raster(InferenceConfig({str(scene.raster)!r}, {str(deepness)!r}, {str(other)!r}))\n"
        "print(result.method, sorted(result.pixel_counts))\n"
        "print('torch' in sys.modules and sys.modules['torch'] is not None)\n"
    )
    process = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert process.returncode == 0, process.stderr
    written, written_from_deepness, torch_loaded = process.stdout.splitlines()[-3:]
    assert written == "per_pixel [3, 7, 9]" and torch_loaded == "False"
    assert written_from_deepness.startswith("per_pixel [")  # either format runs without torch
    with rasterio.open(output) as dst:
        assert set(np.unique(dst.read(1)).tolist()) <= {0, 3, 7, 9}
    assert "water" in output.with_name("map.tif.aux.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("architecture", "std", "seed", "method"),
    [("unet", 300, 3, "dense"), ("resnet18", 1000, 3, "per_patch"), ("small_cnn", 300, 0, "dense")],
)
def test_classify_raster_with_onnx_runtime_writes_the_pytorch_map(tmp_path, architecture, std, seed, method):
    from imagette.plugin.engine.inference import InferenceConfig, classify_raster

    from tests.scenes import make_scene

    scene = make_scene(tmp_path, cells=2, cell=64)
    model = write_random_model(
        tmp_path / "model.pt", SPARSE_CLASSES, UTM_WKT, architecture=architecture, patch=16, std=std, seed=seed
    )
    exported = export_onnx(model, tmp_path / "model.onnx").path
    maps = {}
    for name, path in (("torch", model), ("onnx", exported)):
        config = InferenceConfig(
            str(scene.raster),
            str(path),
            str(tmp_path / f"{name}.tif"),
            str(tmp_path / f"{name}_confidence.tif"),
            device="cpu",
            method=method,
            tile_size=32,
        )
        result = classify_raster(config)
        assert result.method == ("per_pixel" if architecture == "unet" else method)  # each engine runs the method
        with rasterio.open(result.output_path) as classes, rasterio.open(result.confidence_path) as confidence:
            maps[name] = (classes.read(1), confidence.read(1), classes.transform, classes.tags())
    (codes, confidence, transform, tags), (expected, expected_confidence, expected_transform, _) = (
        maps["onnx"],
        maps["torch"],
    )
    assert transform == expected_transform and tags["IMAGETTE_MODEL"] == "model.onnx"
    assert (codes == expected).mean() >= 0.999 and len(set(expected[expected > 0].tolist())) > 1
    assert ((codes == 0) == (expected == 0)).all()
    np.testing.assert_allclose(confidence, expected_confidence, atol=TOLERANCE, rtol=0)


# Models made for Deepness by other tools: Imagette classifies with their segmentation models as Deepness runs them.


def whole_raster_codes(network: torch.nn.Module, raster, mean, std) -> np.ndarray:
    """The class codes (1, 2...) the network gives over the whole raster in one pass: values / 255, standardised."""
    with rasterio.open(raster) as src:
        x = (src.read().astype(np.float32) / 255 - np.reshape(mean, (-1, 1, 1))) / np.reshape(std, (-1, 1, 1))
    with torch.no_grad():
        output = network(torch.from_numpy(x[None].astype(np.float32)))[0].numpy()
    return (np.concatenate([1 - output, output]) if output.shape[0] == 1 else output).argmax(axis=0) + 1


@pytest.mark.parametrize(
    ("channels", "class_names", "standardization", "names"),
    [
        (3, {0: "background", 1: "water", 2: "forest"}, {}, ["background", "water", "forest"]),
        # One sigmoid channel, names as a Python literal with integer keys (as Deepness also reads them), and a
        # standardisation after the division by 255.
        (1, "{0: 'water'}", {"standardization_mean": [0.4, 0.5, 0.45], "standardization_std": 0.25}, None),
    ],
)
def test_a_segmentation_model_made_for_deepness_classifies_as_deepness_runs_it(
    tmp_path, channels, class_names, standardization, names
):
    from imagette.plugin.engine.geotiff import tagged_classes
    from imagette.plugin.engine.inference import InferenceConfig, classify_raster

    from tests.model_files import write_deepness_model
    from tests.scenes import make_scene

    scene = make_scene(tmp_path, cells=3, cell=64, bands=3, dtype="uint8", nodata_block=False)
    model = tmp_path / "made_for_deepness.onnx"
    properties = {"model_type": "Segmentor", "class_names": class_names, "resolution": 50, "tiles_overlap": 25}
    network = write_deepness_model(model, channels, {**properties, **standardization})
    output = tmp_path / "map.tif"
    result = classify_raster(InferenceConfig(str(scene.raster), str(model), str(output), device="cpu"))
    # 64 px tiles overlapping by 16 px: 48 x 48 px of output each, so 16 tiles over the 192 px scene.
    assert result.method == "per_pixel" and result.tile_size == 48
    expected = whole_raster_codes(
        network,
        scene.raster,
        standardization.get("standardization_mean", 0.0),
        standardization.get("standardization_std", 1.0),
    )
    with rasterio.open(output) as classes:
        codes, tags = classes.read(1), classes.tags()
    assert len(set(expected.ravel().tolist())) > 1, "the network should map more than one class"
    # Tiles are padded beyond the raster as Deepness pads them: the last row and column may differ from one pass.
    np.testing.assert_array_equal(codes[:-1, :-1], expected[:-1, :-1])
    names = names or ["not water", "water"]
    named, colored = tagged_classes(tags)  # what the side-car, the .qml and QGIS's styling read
    assert named == dict(enumerate(names, start=1)) and len(set(colored.values())) == len(names)


@pytest.mark.parametrize(
    ("properties", "channels", "reason"),
    [
        (
            {"model_type": "Detector", "class_names": {0: "tank"}},
            3,
            "is a Deepness Detector model: Imagette classifies with Deepness segmentation models (model_type Segmentor) "
            "only. Run this one in Deepness.",
        ),
        (
            {"model_type": "Segmentor", "class_names": {0: "field", 2: "forest"}},
            2,
            "do not name its 2 output channel(s), 0 to 1. Correct the class_names in the model's metadata.",
        ),
        (
            {"model_type": "segmentor", "class_names": {0: "field", 1: "forest"}, "standardization_mean": [0.4, 0.5]},
            2,
            "whose standardization_mean holds 2 value(s) for its 3 band(s). Correct it in the model's metadata",
        ),
    ],
)
def test_a_model_made_for_deepness_that_imagette_cannot_run_is_refused_with_the_reason(
    tmp_path, properties, channels, reason
):
    from imagette.plugin.engine.onnx_tiles import load_onnx_model

    from tests.model_files import write_deepness_model

    model = tmp_path / "made_for_deepness.onnx"
    write_deepness_model(model, channels, properties)
    with pytest.raises(ImagetteError) as refused:
        load_onnx_model(model, "cpu")
    assert f"'{model}' " in str(refused.value) and reason in str(refused.value)


def test_a_deepness_export_classifies_in_imagette_as_its_imagette_export(tmp_path):
    from imagette.plugin.engine.geotiff import tagged_classes
    from imagette.plugin.engine.inference import InferenceConfig, classify_raster

    from tests.scenes import make_scene

    scene = make_scene(tmp_path, cells=2, cell=64)
    model = write_random_model(tmp_path / "model.pt", SPARSE_CLASSES, UTM_WKT, architecture="unet", patch=16, seed=3)
    maps = {}
    for flavour in ("imagette", "deepness"):
        exported = export_onnx(model, tmp_path / f"{flavour}.onnx", flavour).path
        result = classify_raster(InferenceConfig(str(scene.raster), str(exported), str(tmp_path / f"{flavour}.tif")))
        with rasterio.open(result.output_path) as classes:
            maps[flavour] = (classes.read(1), tagged_classes(classes.tags())[0])
    (codes, names), (expected, expected_names) = maps["deepness"], maps["imagette"]
    assert names == expected_names == {entry.code: entry.name for entry in SPARSE_CLASSES}
    assert ((codes == 0) == (expected == 0)).all() and len(set(expected[expected > 0].tolist())) > 1
    # Fed as Deepness feeds it: nodata and the tile's padding beyond the raster as raw zeros, which the graph
    # normalises far below any band value, where Imagette's format takes normalised zeros; the U-Net's wide context
    # carries that to some pixels around them.
    assert (codes == expected).mean() >= 0.97


def test_a_model_made_for_deepness_warns_on_a_raster_of_more_than_8_bits(tmp_path, caplog):
    from imagette.plugin.engine.inference import InferenceConfig, classify_raster

    from tests.model_files import write_deepness_model
    from tests.scenes import make_scene

    scene = make_scene(tmp_path, cells=2, cell=32)  # uint16, 4 bands
    model = tmp_path / "made_for_deepness.onnx"
    write_deepness_model(model, 2, {"model_type": "Segmentor", "class_names": {0: "field", 1: "forest"}}, bands=4)
    with caplog.at_level(logging.WARNING, logger="imagette"):
        classify_raster(InferenceConfig(str(scene.raster), str(model), str(tmp_path / "map.tif")))
    assert (
        "The model was made for Deepness, which feeds it 8-bit band values (0 to 255), and this raster holds uint16 "
        "values: those above 255 lie outside what the model knows. Convert the raster to 8 bits"
    ) in caplog.text
