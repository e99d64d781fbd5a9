"""The classification engine on real rasters and model files: grid, classes, dense evaluation, seams, errors, cancel."""

from __future__ import annotations

import math
import os
import pickle
import re
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pytest
import rasterio
import torch
from imagette.plugin.engine import i18n
from imagette.plugin.engine.classes import ClassEntry
from imagette.plugin.engine.dense import dense_logits, to_dense
from imagette.plugin.engine.errors import CanceledError, ImagetteError, sentence
from imagette.plugin.engine.inference import InferenceConfig, classify_raster
from imagette.plugin.engine.models import BasicBlock, PatchClassifier, build_model
from imagette.plugin.engine.progress import Progress
from rasterio.transform import from_origin
from torch import nn

from tests import scenes
from tests.model_files import PROBE_PATCH, probe_classes, write_probe_model, write_random_model
from tests.scenes import CLASS_COLORS, CLASSES, make_scene

CRS = "EPSG:32631"
WKT = rasterio.crs.CRS.from_string(CRS).to_wkt()
PIXEL = 0.5
ORIGIN = (500000.0, 4800000.0)
TEXT_CLASSES = [ClassEntry(1, "Forêt", "#1b7837"), ClassEntry(2, "Eau", "#2166ac"), ClassEntry(3, "Bâti", "#b2182b")]


class Recorder(Progress):
    """Keeps warnings and progress; cancels once `cancel_after` tiles are done."""

    def __init__(self, cancel_after: int | None = None) -> None:
        self.warnings: list[str] = []
        self.percents: set[float] = set()  # one value per tile; the final 100 % repeats the last tile's
        self.cancel_after = cancel_after

    @property
    def tiles(self) -> int:
        return len(self.percents)

    def info(self, message: str) -> None:
        pass

    def warning(self, message: str) -> None:
        self.warnings.append(message)

    def set_percent(self, percent: float) -> None:
        self.percents.add(percent)

    def is_canceled(self) -> bool:
        return self.cancel_after is not None and self.tiles >= self.cancel_after


def write_raster(path: Path, data: np.ndarray, nodata=0) -> Path:
    return scenes.write_raster(path, data, CRS, from_origin(*ORIGIN, PIXEL, PIXEL), nodata, block=64)


@pytest.fixture(scope="module")
def probe_raster(tmp_path_factory) -> Path:
    """2-band uint16, 150 x 170 px, band 1 random in 1..1000 and smooth enough for all three probe classes, a nodata hole."""
    rng = np.random.default_rng(5)
    rows, cols = np.mgrid[0:150, 0:170]
    trend = 380 + 250 * np.sin(rows / 23.0) * np.cos(cols / 31.0)
    band = np.clip(trend + rng.integers(-150, 150, trend.shape), 1, 1000)
    data = np.stack([band, rng.integers(1, 1000, band.shape)]).astype(np.uint16)
    data[:, 60:75, 100:130] = 0
    return write_raster(tmp_path_factory.mktemp("probe") / "probe.tif", data)


def read(path) -> tuple[np.ndarray, rasterio.Affine]:
    with rasterio.open(path) as src:
        return src.read(1), src.transform


def expected_probe_map(
    raster: Path, transform: rasterio.Affine, shape: tuple[int, int], codes: list[int], tolerance: float = 0.0
) -> np.ndarray:
    """Expected class code of each output pixel, found from the output's own georeferencing.

    Output pixel centre -> input pixel coordinates -> the patch centred there (its top-left must be a
    whole pixel) -> the probe's class, or 0 when the patch leaves the raster, its centre pixel is nodata or
    more than `tolerance` of it is nodata (the sampling tolerance the model records; the probe model records
    none, so training's default of 0 applies). Nodata pixels count as 0, the training mean.
    """
    with rasterio.open(raster) as src:
        band = src.read(1)
        valid = src.read_masks(1) > 0
        to_pixels = ~src.transform
    rows, cols = np.mgrid[0 : shape[0], 0 : shape[1]]
    x, y = transform * (cols + 0.5, rows + 0.5)
    col_centre, row_centre = to_pixels * (x, y)
    tops, lefts = row_centre - PROBE_PATCH / 2, col_centre - PROBE_PATCH / 2
    assert np.allclose(tops, np.round(tops), atol=1e-6) and np.allclose(lefts, np.round(lefts), atol=1e-6)
    tops, lefts = np.round(tops).astype(int), np.round(lefts).astype(int)
    inside = (tops >= 0) & (lefts >= 0) & (tops + PROBE_PATCH <= band.shape[0]) & (lefts + PROBE_PATCH <= band.shape[1])
    expected = np.zeros(shape, dtype=np.int64)
    top, left = tops[inside], lefts[inside]
    nodata_share = np.array([1 - valid[t : t + PROBE_PATCH, c : c + PROBE_PATCH].mean() for t, c in zip(top, left)])
    formed = (nodata_share <= tolerance) & valid[top + PROBE_PATCH // 2, left + PROBE_PATCH // 2]
    classes = probe_classes(np.where(valid, band, 0), top[formed], left[formed])
    values = np.zeros(top.size, dtype=np.int64)
    values[formed] = np.asarray(codes)[classes]
    expected[inside] = values
    return expected


@pytest.mark.parametrize(
    ("stride", "method"), [(4, "dense"), (3, "dense"), (32, "dense"), (8, "per_patch"), (5, "per_patch")]
)
def test_each_output_pixel_holds_the_class_of_the_patch_centred_on_it(probe_raster, tmp_path, stride, method):
    model = write_probe_model(tmp_path / "probe.pt", TEXT_CLASSES, WKT)
    output = tmp_path / "classes.tif"
    result = classify_raster(
        InferenceConfig(str(probe_raster), str(model), str(output), stride=stride, method=method, device="cpu")
    )
    values, transform = read(output)
    assert transform.a == stride * PIXEL and transform.e == -stride * PIXEL
    shift = 0.0 if (PROBE_PATCH - stride) % 2 == 0 else -0.5  # half a pixel when patch and stride differ in parity
    assert (transform.c, transform.f) == pytest.approx((ORIGIN[0] + shift * PIXEL, ORIGIN[1] - shift * PIXEL), abs=1e-6)
    assert (
        values.shape
        == (math.ceil((150 - shift) / stride), math.ceil((170 - shift) / stride))
        == (result.height, result.width)
    )
    expected = expected_probe_map(probe_raster, transform, values.shape, [1, 2, 3])
    assert set(np.unique(expected)) == {0, 1, 2, 3}
    np.testing.assert_array_equal(values, expected)
    assert result.pixel_counts == {code: int((expected == code).sum()) for code in (1, 2, 3)}
    # Patches that do not overlap share no work: dense then evaluates them one by one.
    assert result.method == ("per_patch" if stride == PROBE_PATCH else method)


@pytest.mark.parametrize(("stride", "method"), [(2, "dense"), (3, "per_patch")])
def test_patches_with_the_nodata_share_training_tolerated_are_classified(probe_raster, tmp_path, stride, method):
    from imagette.plugin.engine.modelfile import load_model, save_model

    model = write_probe_model(tmp_path / "probe.pt", TEXT_CLASSES, WKT)
    loaded = load_model(model)
    tolerated = {**loaded.metadata, "dataset": {"sampling": {"nodata_tolerance": 0.3}}}
    save_model(model, loaded.architecture, loaded.network, tolerated)
    output = tmp_path / "classes.tif"
    classify_raster(InferenceConfig(str(probe_raster), str(model), str(output), stride=stride, method=method))
    values, transform = read(output)
    expected = expected_probe_map(probe_raster, transform, values.shape, [1, 2, 3], tolerance=0.3)
    strict = expected_probe_map(probe_raster, transform, values.shape, [1, 2, 3])
    lax = expected_probe_map(probe_raster, transform, values.shape, [1, 2, 3], tolerance=1.0)
    # Patches holding up to 30 % nodata got a class; beyond it (or with a nodata centre) they stay nodata.
    assert ((expected > 0) & (strict == 0)).sum() > 50 and ((lax > 0) & (expected == 0)).sum() > 10
    np.testing.assert_array_equal(values, expected)


def test_nan_nodata_in_a_float_raster_is_left_out_like_any_nodata(probe_raster, tmp_path):
    with rasterio.open(probe_raster) as src:
        data = src.read().astype(np.float32)
    data[data == 0] = np.nan
    floats = write_raster(tmp_path / "floats.tif", data, nodata=np.nan)
    model = write_probe_model(tmp_path / "probe.pt", TEXT_CLASSES, WKT)
    output = tmp_path / "classes.tif"
    classify_raster(InferenceConfig(str(floats), str(model), str(output), stride=4))
    values, transform = read(output)
    # The truth of the integer raster, whose nodata pixels are the NaN ones here: every patch that reaches its
    # nodata hole is left out (0), every other one holds the probe's class.
    expected = expected_probe_map(probe_raster, transform, values.shape, [entry.code for entry in TEXT_CLASSES])
    left_out = expected == 0
    hole = (slice(60 // 4, 75 // 4), slice(100 // 4, 130 // 4))  # output pixels centred in the hole
    assert left_out[hole].all() and left_out.sum() > left_out[hole].size and (~left_out).any()
    np.testing.assert_array_equal(values, expected)


def test_the_extent_limits_the_output_to_a_window_of_the_full_grid(probe_raster, tmp_path):
    model = write_probe_model(tmp_path / "probe.pt", TEXT_CLASSES, WKT)
    full, window = tmp_path / "full.tif", tmp_path / "window.tif"
    classify_raster(InferenceConfig(str(probe_raster), str(model), str(full), stride=4))
    extent = (ORIGIN[0] + 20.3, ORIGIN[1] - 61.0, ORIGIN[0] + 50.1, ORIGIN[1] - 30.2)
    classify_raster(InferenceConfig(str(probe_raster), str(model), str(window), stride=4, extent=extent))
    full_values, full_transform = read(full)
    values, transform = read(window)
    col, row = (~full_transform) * (transform.c, transform.f)
    assert col == int(col) and row == int(row)  # on the full grid
    xmin, ymax = transform * (0, 0)
    xmax, ymin = transform * (values.shape[1], values.shape[0])
    assert xmin <= extent[0] < xmin + 2 and xmax - 2 < extent[2] <= xmax  # snapped outwards, by less than a pixel
    assert ymin <= extent[1] < ymin + 2 and ymax - 2 < extent[3] <= ymax
    np.testing.assert_array_equal(
        values, full_values[int(row) : int(row) + values.shape[0], int(col) : int(col) + values.shape[1]]
    )
    with pytest.raises(ImagetteError, match="does not overlap the raster"):
        classify_raster(InferenceConfig(str(probe_raster), str(model), str(window), extent=(0, 0, 10, 10)))


@pytest.mark.parametrize(
    ("classes", "dtype"),
    [
        (TEXT_CLASSES, "uint8"),
        ([ClassEntry(2, "2", "#e69f00"), ClassEntry(5, "5", "#56b4e9"), ClassEntry(9, "9", "#009e73")], "uint8"),
        (
            [
                ClassEntry(3, "Prairie", "#e69f00"),
                ClassEntry(7, "Vigne", "#56b4e9"),
                ClassEntry(300, "Étang", "#009e73"),
            ],
            "uint16",
        ),
    ],
)
def test_class_codes_colours_and_names_are_those_of_the_model(probe_raster, tmp_path, classes, dtype):
    model = write_probe_model(tmp_path / "probe.pt", classes, WKT)
    output = tmp_path / "classes.tif"
    classify_raster(InferenceConfig(str(probe_raster), str(model), str(output), stride=4))
    codes = [entry.code for entry in classes]
    values, transform = read(output)
    np.testing.assert_array_equal(values, expected_probe_map(probe_raster, transform, values.shape, codes))
    with rasterio.open(output) as dataset:  # through GDAL, side-car included: 16-bit maps keep their colours there
        assert dataset.dtypes[0] == dtype and dataset.nodata == 0
        assert dataset.compression == rasterio.enums.Compression.deflate
        assert dataset.block_shapes[0][1] % 16 == 0 and dataset.block_shapes[0][1] < 1000  # tiled
        table = dataset.colormap(1)
    # GDAL's category names (what QGIS lists; tests/plugin/test_alg_classify.py reads them through GDAL's own
    # bindings, absent here): the side-car's n-th Category names class code n.
    names = [category.text or "" for category in ElementTree.parse(f"{output}.aux.xml").iter("Category")]
    for entry in classes:
        assert "#" + "".join(f"{value:02x}" for value in table[entry.code][:3]) == entry.color
        assert names[entry.code] == entry.name
    assert names[0] == "" and len(names) == max(codes) + 1


def test_category_names_keep_accents_and_files_the_usual_permissions(probe_raster, tmp_path):
    model = write_probe_model(tmp_path / "probe.pt", TEXT_CLASSES, WKT)
    output = tmp_path / "carte forêt.tif"
    classify_raster(InferenceConfig(str(probe_raster), str(model), str(output), stride=8))
    side_car = Path(f"{output}.aux.xml").read_text(encoding="utf-8")
    umask = os.umask(0)
    os.umask(umask)
    assert output.stat().st_mode & 0o777 == 0o666 & ~umask  # readable as any file the user writes
    assert "<Category>Forêt</Category>" in side_car and "<Category>Bâti</Category>" in side_car
    assert sorted(p.name for p in tmp_path.iterdir()) == ["carte forêt.tif", "carte forêt.tif.aux.xml", "probe.pt"]


class TinyResNet(PatchClassifier):
    """A ResNet-shaped network small enough to evaluate densely at stride 1: strided stem, padded max pool, shortcut."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        downsample = nn.Sequential(nn.Conv2d(8, 16, 1, stride=2, bias=False), nn.BatchNorm2d(16))
        self.layer = BasicBlock(8, 16, stride=2, downsample=downsample)
        self.head = nn.Linear(16, 4)

    def forward_features(self, x):
        return self.layer(self.maxpool(torch.relu(self.bn1(self.conv1(x)))))


def with_random_statistics(network: nn.Module) -> nn.Module:
    torch.manual_seed(1)
    with torch.no_grad():
        for module in network.modules():
            if isinstance(module, nn.BatchNorm2d):
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 2.0)
                module.bias.uniform_(-0.5, 0.5)
    return network.eval()


@pytest.mark.parametrize(
    ("network", "patch", "stride"),
    [
        ("small_cnn", 32, 4),
        ("small_cnn", 32, 1),
        ("small_cnn", 20, 3),
        ("small_cnn", 32, 32),
        ("resnet18", 32, 4),
        ("tiny", 32, 1),
        ("tiny", 32, 3),
        ("tiny", 32, 8),
    ],
)
def test_dense_evaluation_equals_the_network_on_each_patch_with_its_surroundings(network, patch, stride):
    """Dense = the network run on the patch with its real neighbours (beyond the receptive field), pooled over the patch.

    That is exactly the per-patch evaluation except for zero padding at the patch border, and it
    also proves the margins: the reference sees nothing beyond them.
    """
    torch.manual_seed(0)
    net = with_random_statistics(TinyResNet() if network == "tiny" else build_model(network, 3, 4, patch))
    dense = to_dense(net, patch, stride, 3)
    cycle = dense.real_stride * dense.dilation  # the per-patch network's own stride
    before = cycle * math.ceil(dense.margin_before / cycle)
    count = 2
    size = before + (count - 1) * stride + patch + dense.margin_after + 5
    x = torch.randn(1, 3, size, size)
    first_cell, cells = before // cycle, dense.feature_size
    with torch.no_grad():
        result = dense_logits(dense, x, before, before, count, count)
        for i, j in ((0, 1), (1, 0)):  # one stride down, one across
            top, left = before + i * stride, before + j * stride
            crop = x[
                :, :, top - before : top + patch + dense.margin_after, left - before : left + patch + dense.margin_after
            ]
            features = net.forward_features(crop)[
                0, :, first_cell : first_cell + cells, first_cell : first_cell + cells
            ]
            reference = net.head(features.mean(dim=(1, 2)))
            torch.testing.assert_close(result[:, i, j], reference, rtol=1e-4, atol=1e-4)


@pytest.fixture(scope="module")
def scene_raster(tmp_path_factory) -> Path:
    return make_scene(tmp_path_factory.mktemp("scene"), cells=3, cell=64).raster


def random_model(tmp_path, **options) -> Path:
    classes = [ClassEntry(code, name, CLASS_COLORS[code]) for code, name, _ in CLASSES]
    return write_random_model(tmp_path / "random.pt", classes, WKT, **options)


@pytest.mark.parametrize(("method", "stride", "tile_size"), [("dense", 4, 13), ("dense", 6, 9), ("per_patch", 16, 4)])
def test_tiles_leave_no_seams(scene_raster, tmp_path, method, stride, tile_size):
    model = random_model(tmp_path)
    outputs = {}
    for tile in (0, tile_size):
        output, confidence = tmp_path / f"classes{tile}.tif", tmp_path / f"confidence{tile}.tif"
        progress = Recorder()
        config = InferenceConfig(
            str(scene_raster), str(model), str(output), str(confidence), stride=stride, method=method, tile_size=tile
        )
        classify_raster(config, progress)
        outputs[tile] = read(output)[0], read(confidence)[0], progress.tiles
    (untiled, untiled_confidence, one_tile), (tiled, tiled_confidence, many_tiles) = outputs[0], outputs[tile_size]
    assert one_tile == 1 and many_tiles > 8
    assert len(np.unique(untiled)) > 2 and np.ptp(untiled_confidence[untiled > 0]) > 0.1  # a map worth comparing
    np.testing.assert_array_equal(tiled, untiled)
    np.testing.assert_allclose(tiled_confidence, untiled_confidence, atol=1e-5)
    assert ((untiled_confidence > 0) == (untiled > 0)).all()


def test_a_raster_without_the_model_bands_is_refused(probe_raster, tmp_path):
    model = write_probe_model(tmp_path / "probe.pt", TEXT_CLASSES, WKT, bands=3)
    with pytest.raises(ImagetteError, match=r"has 2 band\(s\) but the model 'probe.pt' was trained on 3 band\(s\)"):
        classify_raster(InferenceConfig(str(probe_raster), str(model), str(tmp_path / "out.tif")))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["probe.pt"]


def test_a_refusal_of_the_engine_speaks_the_system_locale(probe_raster, tmp_path):
    """The engine's refusals follow the language the command line chose (i18n.use_locale, from LANG): French with
    its typography (a non-breaking space before the colon and inside « »), English otherwise."""
    model = write_probe_model(tmp_path / "probe.pt", TEXT_CLASSES, WKT, bands=3)
    config = InferenceConfig(str(probe_raster), str(model), str(tmp_path / "out.tif"))
    i18n.use_locale("fr_FR")
    try:
        with pytest.raises(ImagetteError) as french:
            classify_raster(config)
    finally:
        i18n.set_translation(None)
    assert str(french.value).startswith(
        f"Le raster «\u00a0{probe_raster}\u00a0» a 2 bande(s) mais le modèle «\u00a0probe.pt\u00a0» a été entraîné sur "
        "3 bande(s) (band 1, band 2, band 3). Choisissez un raster qui a les mêmes bandes"
    )
    with pytest.raises(ImagetteError) as english:
        classify_raster(config)
    assert str(english.value).startswith(f"The raster '{probe_raster}' has 2 band(s) but the model 'probe.pt' was")


def test_a_gdal_message_ending_with_a_full_stop_is_not_given_a_second_one(tmp_path):
    """GDAL's 'not recognized as a supported file format.' ends with its own full stop: the message goes on with one."""
    text = tmp_path / "not_a_raster.tif"
    text.write_text("not a raster", encoding="utf-8")
    model = write_probe_model(tmp_path / "probe.pt", TEXT_CLASSES, WKT)
    with pytest.raises(ImagetteError) as refusal:
        classify_raster(InferenceConfig(str(text), str(model), str(tmp_path / "out.tif")))
    # GDAL's own words differ between versions ("as being in a supported file format" since 3.7): only ours count.
    message = str(refusal.value)
    assert message.startswith(f"Cannot read the raster '{text}': '{text}' not recognized as ")
    assert message.endswith("file format. Check that the file exists and is a raster GDAL can open.")
    assert ".." not in message
    assert sentence("no full stop") == "no full stop." and sentence("one. ") == "one." and sentence("Why?") == "Why?"


class Payload:
    """Unpickles by running code that writes a file: what a malicious model file does."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({str(self.marker)!r}, 'w').write('pwned')",))


def test_a_booby_trapped_model_file_is_refused_without_running_it(probe_raster, tmp_path):
    marker = tmp_path / "pwned.txt"
    trapped = tmp_path / "model.pt"
    torch.save({"format": "imagette-model", "state_dict": Payload(marker)}, trapped)
    pickle.loads(pickle.dumps(Payload(tmp_path / "check.txt")))
    assert (tmp_path / "check.txt").exists()  # the trap is real
    with pytest.raises(ImagetteError, match="not a valid Imagette model file.*refused for safety"):
        classify_raster(InferenceConfig(str(probe_raster), str(trapped), str(tmp_path / "out.tif")))
    assert not marker.exists() and not (tmp_path / "out.tif").exists()
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a model at all")
    with pytest.raises(ImagetteError, match="not a valid Imagette model file"):
        classify_raster(InferenceConfig(str(probe_raster), str(junk), str(tmp_path / "out.tif")))


def test_pixel_size_and_crs_unlike_training_give_warnings_with_both_values(probe_raster, tmp_path):
    model = tmp_path / "model.pt"
    write_probe_model(model, TEXT_CLASSES, WKT)
    from imagette.plugin.engine.modelfile import load_model, save_model

    loaded = load_model(model)
    metadata = {
        **loaded.metadata,
        "pixel_size": [2.0, 2.0],
        "crs": rasterio.crs.CRS.from_epsg(2154).to_wkt(),
        "crs_name": "EPSG:2154",
    }
    save_model(model, loaded.architecture, loaded.network, metadata)
    progress = Recorder()
    classify_raster(InferenceConfig(str(probe_raster), str(model), str(tmp_path / "out.tif"), stride=16), progress)
    pixel, crs = progress.warnings
    assert "(0.5 x 0.5)" in pixel and "(2 x 2)" in pixel
    assert "EPSG:32631" in crs and "EPSG:2154" in crs


def test_an_unwritable_output_is_refused_before_any_work(probe_raster, tmp_path):
    model = write_probe_model(tmp_path / "probe.pt", TEXT_CLASSES, WKT)
    blocker = tmp_path / "a file"
    blocker.write_text("")
    progress = Recorder()
    with pytest.raises(ImagetteError, match="Cannot write the output"):
        classify_raster(InferenceConfig(str(probe_raster), str(model), str(blocker / "out.tif")), progress)
    assert progress.tiles == 0
    with pytest.raises(ImagetteError, match=r"give '.*out.img' a .tif extension"):
        classify_raster(InferenceConfig(str(probe_raster), str(model), str(tmp_path / "out.img")))


@pytest.mark.parametrize("method", ["dense", "per_patch"])
def test_cancel_leaves_nothing_behind(scene_raster, tmp_path, method):
    model = random_model(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    progress = Recorder(cancel_after=2)
    config = InferenceConfig(
        str(scene_raster),
        str(model),
        str(out / "classes.tif"),
        str(out / "confidence.tif"),
        method=method,
        stride=8,
        tile_size=5,
    )
    with pytest.raises(CanceledError):
        classify_raster(config, progress)
    assert progress.tiles == 2
    assert list(out.iterdir()) == []


class GpuMemoryLimit:
    """While active, a convolution of an inference-mode forward pass (those that classify tiles, not the probes
    that size the network) whose input holds more than `limit` values raises the error a CUDA allocation raises:
    a GPU's memory limit, on the CPU. `largest` records the largest input that fitted."""

    def __init__(self, limit: float = math.inf) -> None:
        self.limit, self.largest = limit, 0

    def __call__(self, module, args):
        if isinstance(module, nn.Conv2d) and torch.is_inference_mode_enabled():
            if args[0].numel() > self.limit:
                raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
            self.largest = max(self.largest, args[0].numel())

    def __enter__(self):
        self.handle = torch.nn.modules.module.register_module_forward_pre_hook(self)
        return self

    def __exit__(self, *exc):
        self.handle.remove()


def classify_with(raster, model, folder: Path, memory: GpuMemoryLimit, **options):
    folder.mkdir()
    config = InferenceConfig(
        str(raster), str(model), str(folder / "map.tif"), str(folder / "confidence.tif"), **options
    )
    progress = Recorder()
    with memory:
        classify_raster(config, progress)
    return read(folder / "map.tif")[0], read(folder / "confidence.tif")[0], progress.warnings


@pytest.mark.parametrize(
    "architecture, method, told",
    [
        ("small_cnn", "dense", r"tiles of (\d+) x \1 output pixels from now on.*Set the batch size \(BATCH_SIZE\) to"),
        ("small_cnn", "per_patch", r"batches of (\d+) patches from now on.*Set the batch size \(BATCH_SIZE\) to \1 "),
        ("unet", "dense", r"tiles of (\d+) x \1 output pixels from now on, and classification goes on\.$"),
    ],
    ids=["dense", "per-patch", "unet"],
)
def test_gpu_out_of_memory_while_classifying_makes_batches_smaller_and_gives_the_same_map(
    scene_raster, tmp_path, architecture, method, told
):
    model = random_model(tmp_path, architecture=architecture, patch=32)
    stride = 8 if method == "per_patch" else 2
    unlimited = GpuMemoryLimit()
    reference, reference_confidence, warnings = classify_with(
        scene_raster, model, tmp_path / "unlimited", unlimited, stride=stride, method=method
    )
    assert not warnings and len(np.unique(reference)) > 2
    limited = GpuMemoryLimit(unlimited.largest * 0.4)
    classes, confidence, warnings = classify_with(
        scene_raster, model, tmp_path / "limited", limited, stride=stride, method=method
    )
    assert warnings and all(w.startswith("The GPU ran out of memory: ") for w in warnings)
    assert re.search(told, warnings[-1])
    assert 0 < limited.largest <= limited.limit
    if architecture == "unet":  # its halo gives a pixel's context up to a finite distance: the rare tie may differ
        assert np.mean(classes == reference) > 0.999 and (classes != reference).sum() <= 2
    else:
        np.testing.assert_array_equal(classes, reference)
        np.testing.assert_allclose(confidence, reference_confidence, atol=1e-5)


@pytest.mark.parametrize(
    "method, told",
    [("dense", "even for one output pixel at a time"), ("per_patch", "even with batches of 1 patch")],
    ids=["dense", "per-patch"],
)
def test_gpu_memory_too_small_for_one_patch_stops_with_what_to_do(scene_raster, tmp_path, method, told):
    model = random_model(tmp_path)
    out = tmp_path / "out"
    with pytest.raises(ImagetteError, match=f"The GPU ran out of memory {told}. Close other programs using the GPU"):
        classify_with(scene_raster, model, out, GpuMemoryLimit(1), stride=8, method=method)
    assert list(out.iterdir()) == []


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
@pytest.mark.parametrize(
    ("architecture", "method", "stride"),
    [("small_cnn", "dense", 1), ("small_cnn", "per_patch", 4), ("unet", "dense", 1)],
)
def test_cuda_out_of_memory_while_classifying_is_survived(tmp_path, architecture, method, stride):
    """A real CUDA out-of-memory error: the process may use only 256 MB more than it holds, while the tiles are
    planned from the GPU's free memory."""
    rng = np.random.default_rng(0)
    raster = write_raster(
        tmp_path / "noise.tif", rng.normal(5000, 300, (4, 2048, 2048)).clip(1, 10000).astype("uint16")
    )
    model = random_model(tmp_path, architecture=architecture, patch=32)
    options = dict(device="cuda", stride=stride, method=method)
    classify_raster(InferenceConfig(str(raster), str(model), str(tmp_path / "reference.tif"), **options))
    torch.cuda.empty_cache()
    total = torch.cuda.get_device_properties(0).total_memory
    progress = Recorder()
    torch.cuda.set_per_process_memory_fraction((torch.cuda.memory_reserved() + 256 * 2**20) / total)
    try:
        classify_raster(InferenceConfig(str(raster), str(model), str(tmp_path / "limited.tif"), **options), progress)
    finally:
        torch.cuda.set_per_process_memory_fraction(1.0)
        torch.cuda.empty_cache()
    assert any(w.startswith("The GPU ran out of memory: ") for w in progress.warnings), progress.warnings
    reference, limited = read(tmp_path / "reference.tif")[0], read(tmp_path / "limited.tif")[0]
    assert np.mean(reference == limited) > 0.999  # the same map but for near ties (other cuDNN kernels, bfloat16)
