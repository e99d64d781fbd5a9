"""Segmentation networks in the engine: masks in the dataset, the masked loss, full-resolution maps without seams,
old datasets refused, multispectral checkpoints (the chain through processing.run: tests/plugin/test_segmentation.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import rasterio
import torch
from imagette.plugin.engine import dataset as ds
from imagette.plugin.engine.classes import ClassEntry
from imagette.plugin.engine.errors import ImagetteError
from imagette.plugin.engine.inference import InferenceConfig, classify_raster
from imagette.plugin.engine.modelfile import save_model
from imagette.plugin.engine.models import build_model
from imagette.plugin.engine.pretrained import Checkpoint, load_pretrained
from imagette.plugin.engine.sampling import LabelledFeature, SamplingConfig, sample_patches
from imagette.plugin.engine.training import TrainingConfig, train_classifier
from rasterio.features import rasterize
from rasterio.transform import from_origin

from tests.model_files import metadata
from tests.scenes import CLASS_COLORS, CLASSES, make_scene, write_raster
from tests.training_data import Recorder, sample_scene


@pytest.fixture(scope="module")
def sampled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("masks")
    scene = make_scene(folder, cells=4, cell=48, seed=2)
    with rasterio.open(scene.raster, "r+") as dst:  # nodata pixels inside the first polygon
        data = dst.read()
        data[:, 12:18, 12:18] = 0
        dst.write(data)
    scene.truth[12:18, 12:18] = 0
    # A nodata tolerance, so that some patches hold nodata pixels: those are never labels.
    dataset = sample_scene(scene, folder / "dataset", patch_size=32, validation_fraction=0.3, nodata_tolerance=0.3)
    return scene, ds.open_dataset(dataset)


def test_masks_label_exactly_the_features_of_the_patch_split(sampled):
    scene, data = sampled
    assert data.metadata["format_version"] == ds.FORMAT_VERSION and data.masks is not None
    shape = scene.truth.shape
    size = data.patch_size
    # Padded by a patch of nodata all round: patches crossing the raster edge are kept, unlabelled outside.
    by_split = {
        split: np.pad(
            rasterize(data.features(split), out_shape=shape, transform=scene.transform, fill=0, dtype="int32"), size
        )
        for split in (ds.TRAIN, ds.VALIDATION)
    }
    truth = np.pad(scene.truth, size)
    assert by_split[ds.VALIDATION].any() and by_split[ds.TRAIN].any()
    inverse = ~scene.transform
    holes = 0  # nodata pixels inside a feature of the patch's split: the case the mask must leave unlabelled
    for index, ((x, y), split) in enumerate(zip(data.centres, data.split)):
        col, row = (round(v - size / 2) + size for v in inverse * (x, y))
        window = (slice(row, row + size), slice(col, col + size))
        expected = np.where(truth[window] > 0, by_split[int(split)][window], 0)  # truth 0: nodata
        np.testing.assert_array_equal(data.masks[index], expected)
        holes += int(np.sum((truth[window] == 0) & (by_split[int(split)][window] > 0)))
        if split == ds.TRAIN:  # a validation polygon is never a label in a training patch
            assert not np.any(by_split[ds.VALIDATION][window] & data.masks[index])
    assert holes > 0


def test_masked_loss_learns_the_labelled_pixels_despite_adversarial_unlabelled_ones(tmp_path):
    # Left bright, right dark. Class 1 is drawn on a bright strip, class 2 on a small dark square. Most dark
    # pixels are unlabelled: were they taken as the first class (a loss that does not ignore them), the
    # network would call the dark half class 1. Ignored, the dark half is class 2.
    transform = from_origin(0, 128, 1, 1)
    data = np.full((1, 128, 128), 2000, dtype=np.uint16)
    data[:, :, 64:] = 200
    data += np.random.default_rng(0).integers(0, 50, data.shape, dtype=np.uint16)
    raster = write_raster(tmp_path / "halves.tif", data, "EPSG:32631", transform)

    def square(feature_id, code, x0, y0, side):
        ring = [(x0, y0), (x0 + side, y0), (x0 + side, y0 + side), (x0, y0 + side), (x0, y0)]
        return LabelledFeature(
            feature_id, code, {"type": "Polygon", "coordinates": [ring]}, (x0, y0, x0 + side, y0 + side)
        )

    features = [square(0, 1, 4, 4, 40), square(1, 1, 4, 70, 40), square(2, 2, 80, 50, 20), square(3, 2, 100, 10, 12)]
    classes = [ClassEntry(1, "bright", CLASS_COLORS[1]), ClassEntry(2, "dark", CLASS_COLORS[2])]
    sample_patches(
        SamplingConfig(str(raster), features, classes, str(tmp_path / "ds"), patch_size=32, validation_fraction=0)
    )
    train_classifier(
        TrainingConfig(
            str(tmp_path / "ds"), str(tmp_path / "m.pt"), architecture="unet", epochs=3, device="cpu", seed=1
        ),
        Recorder(),
    )
    classify_raster(InferenceConfig(str(raster), str(tmp_path / "m.pt"), str(tmp_path / "map.tif"), device="cpu"))
    with rasterio.open(tmp_path / "map.tif") as dst:
        labels = dst.read(1)
    assert (labels[:, 72:] == 2).mean() > 0.95
    assert (labels[:, :56] == 1).mean() > 0.95


@pytest.fixture(scope="module")
def random_unet(tmp_path_factory):
    """An untrained U-Net model file and a 4-band scene with nodata: enough for the grid, seams and nodata."""
    folder = tmp_path_factory.mktemp("unet")
    scene = make_scene(folder, cells=3, cell=64, seed=5)
    torch.manual_seed(0)
    network = build_model("unet", 4, 3, 64)
    for module in network.modules():  # statistics of a trained network, so that activations are not flat
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.uniform_(-0.1, 0.1)
    with rasterio.open(scene.raster) as src:
        crs = src.crs.to_wkt()
    classes = [ClassEntry(code, name, CLASS_COLORS[code]) for code, name, _ in CLASSES[:3]]
    identity = metadata(classes, 4, 64, crs)
    save_model(
        folder / "unet.pt",
        "unet",
        network.eval(),
        {**identity, "normalization": {"mean": [3000.0] * 4, "std": [2000.0] * 4}},
    )
    return scene, folder / "unet.pt"


def test_full_resolution_map_is_aligned_with_the_image_and_keeps_nodata(random_unet, tmp_path):
    scene, model = random_unet
    config = InferenceConfig(
        str(scene.raster), str(model), str(tmp_path / "map.tif"), device="cpu", confidence_path=str(tmp_path / "c.tif")
    )
    result = classify_raster(config)
    with rasterio.open(scene.raster) as src, rasterio.open(result.output_path) as dst:
        assert (dst.width, dst.height, dst.transform, dst.crs) == (src.width, src.height, src.transform, src.crs)
        labels, nodata = dst.read(1), ~np.all(src.read() != 0, axis=0)
    with rasterio.open(result.confidence_path) as written:
        confidence = written.read(1)
    assert result.method == "per_pixel" and result.stride == 1
    assert np.all(labels[nodata] == 0) and np.all(labels[~nodata] > 0)
    assert np.all(confidence[nodata] == 0) and np.all(confidence[~nodata] > 0)  # no confidence without a class
    coarse = classify_raster(
        InferenceConfig(str(scene.raster), str(model), str(tmp_path / "coarse.tif"), device="cpu", stride=4)
    )
    assert (coarse.width, coarse.height) == (scene.truth.shape[1] // 4, scene.truth.shape[0] // 4)
    assert coarse.transform == scene.transform * rasterio.Affine.scale(4)


def test_a_dataset_without_masks_is_refused_for_segmentation_only(sampled, tmp_path):
    _, data = sampled
    old = tmp_path / "old"
    old.mkdir()
    for name in ("patches.bin", "labels.npy", "split.npy", "groups.npy", "centres.npy"):
        (old / name).write_bytes((data.path / name).read_bytes())
    meta = {**data.metadata, "format_version": 1}
    meta.pop("masks")
    (old / ds.METADATA_FILE).write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ImagetteError, match="no per-pixel masks.*Sample the patches again"):
        train_classifier(
            TrainingConfig(str(old), str(tmp_path / "u.pt"), architecture="unet", device="cpu"), Recorder()
        )
    progress = Recorder()
    result = train_classifier(TrainingConfig(str(old), str(tmp_path / "c.pt"), epochs=1, device="cpu"), progress)
    assert result.metrics["level"] == "patch"  # no features kept: patch-level, said so
    assert any("earlier version" in warning for warning in progress.warnings)


@pytest.mark.parametrize("architecture", ["resnet18", "unet_resnet18"])
def test_multispectral_checkpoint_loads_as_it_is(architecture):
    torch.manual_seed(0)
    source = build_model("resnet18", 13, 1000, 224).state_dict()
    wrapped = {f"backbone.{key}": value for key, value in source.items()}  # as self-supervised trainers save it
    network = build_model(architecture, 13, 5, 64)
    band_names = [f"B{i}" for i in range(1, 14)]
    report = load_pretrained(network, Checkpoint(wrapped, "ssl.pth", rgb=True), band_names, None, Recorder())
    assert torch.equal(network.state_dict()["conv1.weight"], source["conv1.weight"])
    assert torch.equal(network.state_dict()["layer4.1.bn2.running_var"], source["layer4.1.bn2.running_var"])
    assert not report.adapted_first_layer
