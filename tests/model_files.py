"""Seeded model files for the classification tests, made without training.

The probe model is a small CNN whose weights are set by hand so that its prediction is a known
function of the input: band 1 passes its six convolutions unchanged (centre taps of 1) and its three
2x2 max pools, so the global average is the mean of the maxima of band 1 over the 8 x 8 blocks of the
patch; two thresholds cut that mean into three classes. Tests can then compute the expected class of
every output pixel, and padding never matters (only centre taps are non-zero).
Random models have untrained weights: enough for georeferencing, styling, seams and cancel.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from imagette.plugin.engine.classes import ClassEntry, table_to_dicts
from imagette.plugin.engine.modelfile import save_model
from imagette.plugin.engine.models import build_model
from rasterio.crs import CRS

PROBE_PATCH = 32
# For random models whose classes do not matter: codes that are not 1..K, so that no code passes for an output index.
SPARSE_CLASSES = [
    ClassEntry(3, "water", "#0072b2"),
    ClassEntry(7, "forest", "#009e73"),
    ClassEntry(9, "crops", "#e69f00"),
]
UTM_WKT = CRS.from_epsg(32631).to_wkt()
PROBE_BLOCK = 8  # three 2x2 max pools
PROBE_THRESHOLDS = (450.03, 550.03)  # between multiples of 1/16, so integer inputs never tie


def metadata(classes: list[ClassEntry], bands: int, patch: int, crs_wkt: str, pixel_size=(0.5, 0.5), **extra) -> dict:
    """Model metadata as training writes it; normalisation is the identity unless extra says otherwise."""
    return {
        "bands": {"count": bands, "names": [f"band {i + 1}" for i in range(bands)], "dtype": "uint16", "nodata": 0},
        "normalization": {"mean": [0.0] * bands, "std": [1.0] * bands},
        "patch_size": patch,
        "pixel_size": list(pixel_size),
        "crs": crs_wkt,
        "crs_name": "test CRS",
        "classes": table_to_dicts(classes),
        **extra,
    }


def write_probe_model(path: str | Path, classes: list[ClassEntry], crs_wkt: str, bands: int = 2) -> Path:
    """A model predicting classes[k] where k counts the PROBE_THRESHOLDS below the probe mean (see probe_classes)."""
    assert len(classes) == 3
    network = build_model("small_cnn", bands, 3, PROBE_PATCH)
    with torch.no_grad():
        for module in network.modules():
            if isinstance(module, torch.nn.Conv2d):
                module.weight.zero_()
                module.weight[0, 0, 1, 1] = 1  # channel 0 carries band 1 through every convolution
            elif isinstance(module, torch.nn.BatchNorm2d):  # exactly the identity
                module.weight.fill_(1)
                module.bias.zero_()
                module.running_mean.zero_()
                module.running_var.fill_(1 - module.eps)
        low, high = PROBE_THRESHOLDS
        network.head.weight.zero_()
        network.head.weight[:, 0] = torch.tensor([0.0, 1.0, 2.0])
        network.head.bias.copy_(torch.tensor([0.0, -low, -low - high]))
    save_model(path, "small_cnn", network.eval(), metadata(classes, bands, PROBE_PATCH, crs_wkt))
    return Path(path)


def probe_classes(band: np.ndarray, tops: np.ndarray, lefts: np.ndarray) -> np.ndarray:
    """Class index the probe model gives the patches with these top-left pixels; band has 0 at nodata."""
    block_max = np.lib.stride_tricks.sliding_window_view(band, (PROBE_BLOCK, PROBE_BLOCK)).max(axis=(2, 3))
    offsets = np.arange(0, PROBE_PATCH, PROBE_BLOCK)
    rows = tops[:, None, None] + offsets[None, :, None]
    cols = lefts[:, None, None] + offsets[None, None, :]
    mean = block_max[rows, cols].astype(np.float64).mean(axis=(1, 2))
    return (mean > PROBE_THRESHOLDS[0]).astype(int) + (mean > PROBE_THRESHOLDS[1]).astype(int)


def write_random_model(
    path: str | Path,
    classes: list[ClassEntry],
    crs_wkt: str,
    *,
    architecture: str = "small_cnn",
    bands: int = 4,
    patch: int = 32,
    seed: int = 1,
    mean: float = 5000.0,
    std: float = 300.0,
) -> Path:
    """An untrained network with batch-norm statistics and a head that make its classes vary over a scene."""
    torch.manual_seed(seed)
    network = build_model(architecture, bands, len(classes), patch)
    with torch.no_grad():
        for module in network.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.uniform_(-0.2, 0.2)
                module.running_var.uniform_(0.5, 2.0)
                module.bias.uniform_(-0.2, 0.2)
        network.head.weight.mul_(30)  # untrained features vary little from patch to patch: amplify
    extra = {"normalization": {"mean": [mean] * bands, "std": [std] * bands}}
    save_model(path, architecture, network.eval(), metadata(classes, bands, patch, crs_wkt, **extra))
    return Path(path)


def write_deepness_model(
    path: str | Path, channels: int, properties: dict, *, bands: int = 3, side: int = 64, seed: int = 0
) -> torch.nn.Module:
    """A segmentation model as other tools make them for Deepness: two 3x3 convolutions (a receptive field of 5 px)
    ending in a softmax over `channels` classes (a sigmoid for one), exported to ONNX with a fixed square input of
    `side` px and Deepness's metadata (each value JSON, as its documentation writes them). Returns the network."""
    import json

    import onnx

    torch.manual_seed(seed)
    network = torch.nn.Sequential(
        torch.nn.Conv2d(bands, 8, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.Conv2d(8, channels, 3, padding=1),
        torch.nn.Sigmoid() if channels == 1 else torch.nn.Softmax(dim=1),
    ).eval()
    with torch.no_grad():  # weights that tell the scene's regions apart from values divided by 255
        network[0].weight.mul_(20)
    torch.onnx.export(network, (torch.zeros(1, bands, side, side),), str(path), dynamo=False, input_names=["x"])
    model = onnx.load(str(path))
    for key, value in properties.items():
        model.metadata_props.add(key=key, value=json.dumps(value))
    onnx.save(model, str(path))
    return network
