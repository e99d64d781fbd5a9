"""Classifies a whole raster with a model file, tile by tile, into a class GeoTIFF.

Output grid. An output pixel is `stride` input pixels wide and classifies the patch whose geometric
centre is the output pixel's centre. Output pixel j's patch has its top-left input column at
`offset + j * stride`, where offset = (stride - patch - (patch - stride) % 2) / 2; when patch - stride
is odd the output grid is shifted half an input pixel up and left so that both centres coincide.
The grid covers the whole raster (or the requested extent); output pixels whose patch leaves the
raster, whose centre input pixel is nodata, or whose patch holds a larger share of nodata than the
training patches were allowed (the dataset's nodata tolerance, 0 by default), are 0 (nodata).

Methods.
- per-patch: one forward pass per output pixel on the patch centred there (batched): the reference.
- dense: the network is converted for the stride ("a trous": strided layers that the stride cannot
  absorb run with stride 1 and the following layers are dilated instead), evaluated once over the
  tile, and each output pixel averages the feature positions that its patch's global pool would
  average. Work shared by overlapping patches is done once. The result equals the per-patch one
  except for zero padding: a patch evaluated alone sees zeros beyond its border, the dense
  evaluation sees the real neighbouring pixels. Tiles are read with the network's receptive
  field around them, so the dense result does not depend on where tiles start (no seams).

Memory. Tiles are sized from a memory budget (a share of the GPU's free memory, or CPU_BUDGET; on the
CPU also so that one convolution takes about a second, the time a cancel may take), read
with their halo, classified and written at their offset; nothing the size of the raster is allocated.
"""

from __future__ import annotations

import copy
import math
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from affine import Affine
from rasterio.crs import CRS
from rasterio.windows import Window
from torch import Tensor, nn
from torch.nn.utils.fusion import fuse_conv_bn_eval

from .classes import NODATA_CODE, ClassEntry
from .device import normalize, select_device
from .errors import ImagetteError
from .geotiff import (
    GEOTIFF_SUFFIXES,
    block_size,
    create_class_raster,
    create_confidence_raster,
    write_side_car,
)
from .io import box_shares, open_raster, read_with_mask, replaced_atomically
from .modelfile import ModelFile, load_model
from .models import PatchClassifier
from .progress import Progress

# Order of the METHOD enum of imagette:classifyraster: a public contract.
METHODS = ("dense", "per_patch")
CPU_BUDGET = 512 * 2**20  # bytes of activations per forward pass on the CPU
# Multiply-adds of the largest convolution of a forward pass on the CPU: about a second on two cores.
# Cancel is checked between convolutions, so this is how long a cancel may take.
CPU_CONVOLUTION_MACS = 1e11
GPU_SHARE = 0.5  # share of the GPU's free memory one forward pass may use
ACTIVATION_COPIES = 4  # tensors of the widest layer alive at once (input, output, residual, temporaries)
BATCHES_PER_TILE = 4  # per-patch tiles hold a few batches, so batches stay full after block alignment
PIXEL_SIZE_TOLERANCE = 0.01  # relative difference of pixel sizes that is worth a warning


def default_stride(patch_size: int) -> int:
    """Stride used when none is given: an eighth of the patch, so 8 output pixels span one patch.

    Finer strides add little detail (a patch label is about the whole patch) and cost more; with the
    networks' downsampling of 8, this keeps most of the dense network's strides real.
    """
    return max(1, patch_size // 8)


@dataclass
class InferenceConfig:
    """What to classify and how; sizes and strides are in input pixels.

    Attributes:
        raster_path: raster to classify (any GDAL raster with the model's band count).
        model_path: model file written by training.
        output_path: class GeoTIFF to write (.tif); its .aux.xml is written beside it.
        confidence_path: optional float32 GeoTIFF of the top-class probability.
        device: one of device.DEVICE_CHOICES.
        batch_size: patches evaluated per forward pass; the dense method's tiles use as much memory
            as that many patches. 0 sizes it to the device's memory.
        stride: output pixel size in input pixels; 0 chooses default_stride(patch size).
        method: one of METHODS; dense evaluates per patch where dense tiles cannot pay off (see _plan).
        extent: (xmin, ymin, xmax, ymax) in the raster's CRS; the output covers only this area,
            snapped outwards to the output grid. None: the whole raster.
        tile_size: output pixels per tile side; 0 sizes tiles from the memory budget.
    """

    raster_path: str
    model_path: str
    output_path: str
    confidence_path: str | None = None
    device: str = "auto"
    batch_size: int = 0
    stride: int = 0
    method: str = "dense"
    extent: tuple[float, float, float, float] | None = None
    tile_size: int = 0


@dataclass
class InferenceResult:
    """What was written: paths, the method that ran, the output grid and how many pixels each class got."""

    output_path: Path
    confidence_path: Path | None
    classes: list[ClassEntry]
    model_name: str
    stride: int
    method: str
    tile_size: int  # output pixels per tile side
    width: int
    height: int
    transform: Affine
    pixel_counts: dict[int, int] = field(default_factory=dict)  # class code -> output pixels
    seconds: float = 0.0


@dataclass
class OutputGrid:
    """The output grid over the raster, as a window of output pixels, and the patch of each output pixel."""

    patch_size: int
    stride: int
    offset: int  # input row/col of the top-left of output pixel 0's patch
    row0: int  # the output window, in output pixels of the full grid
    col0: int
    height: int
    width: int

    @property
    def shift(self) -> float:
        """Input pixel coordinate of output pixel 0's left (and top) edge: 0 or -0.5."""
        return self.offset + (self.patch_size - self.stride) / 2

    def transform(self, raster_transform: Affine) -> Affine:
        return (
            raster_transform
            * Affine.translation(self.shift + self.col0 * self.stride, self.shift + self.row0 * self.stride)
            * Affine.scale(self.stride)
        )

    def first(self, index: np.ndarray) -> np.ndarray:
        """Top (or left) input pixel of the patches of full-grid output rows (or columns) `index`."""
        return self.offset + index * self.stride

    def formable(self, raster_size: int, start: int, count: int) -> tuple[int, int]:
        """Full-grid output indices [lo, hi) within [start, start + count) whose patch lies inside the raster."""
        lo = max(start, -(self.offset // self.stride))
        hi = min(start + count, (raster_size - self.patch_size - self.offset) // self.stride + 1)
        return lo, max(lo, hi)


def output_grid(
    patch_size: int,
    stride: int,
    raster_transform: Affine,
    raster_width: int,
    raster_height: int,
    extent: tuple[float, float, float, float] | None = None,
) -> OutputGrid:
    """The output grid over the whole raster, or its window covering extent (in the raster's CRS)."""
    offset = (stride - patch_size - (patch_size - stride) % 2) // 2
    shift = offset + (patch_size - stride) / 2
    full_width = math.ceil((raster_width - shift) / stride)
    full_height = math.ceil((raster_height - shift) / stride)
    if extent is None:
        return OutputGrid(patch_size, stride, offset, 0, 0, full_height, full_width)
    xmin, ymin, xmax, ymax = extent
    inverse = ~raster_transform
    corners = [inverse * (x, y) for x in (xmin, xmax) for y in (ymin, ymax)]
    cols = [(c - shift) / stride for c, _ in corners]
    rows = [(r - shift) / stride for _, r in corners]
    col0, col1 = max(0, math.floor(min(cols))), min(full_width, math.ceil(max(cols)))
    row0, row1 = max(0, math.floor(min(rows))), min(full_height, math.ceil(max(rows)))
    if col1 <= col0 or row1 <= row0:
        raise ImagetteError(
            f"The extent ({xmin}, {ymin}, {xmax}, {ymax}) does not overlap the raster. "
            "Choose an extent inside the raster, or leave it empty to classify the whole raster."
        )
    return OutputGrid(patch_size, stride, offset, row0, col0, row1 - row0, col1 - col0)


def _geometry(module: nn.Module) -> tuple[int, int, int, int]:
    """kernel, stride, padding, dilation of a square Conv2d or MaxPool2d."""

    def first(value) -> int:
        return int(value[0] if isinstance(value, tuple) else value)

    return first(module.kernel_size), first(module.stride), first(module.padding), first(module.dilation)


def _set_geometry(module: nn.Conv2d | nn.MaxPool2d, stride: int, padding: int, dilation: int) -> None:
    if isinstance(module, nn.Conv2d):  # Conv2d keeps pairs, MaxPool2d plain ints
        module.stride, module.padding, module.dilation = (stride, stride), (padding, padding), (dilation, dilation)
    else:
        module.stride, module.padding, module.dilation = stride, padding, dilation


def _replace(root: nn.Module, name: str, new: nn.Module) -> None:
    parent_name, _, child = name.rpartition(".")
    setattr(root.get_submodule(parent_name) if parent_name else root, child, new)


def inference_copy(network: PatchClassifier) -> PatchClassifier:
    """A copy for inference, in eval mode, with each batch norm folded into the convolution before it.

    Same results up to rounding, one pass over the data less per layer (a fifth of the CPU time).
    A BatchNorm2d registered right after a Conv2d normalises that convolution's output in every
    Imagette network.
    """
    fused = copy.deepcopy(network).eval()
    previous: tuple[str, nn.Module] | None = None
    for name, module in list(fused.named_modules()):
        if isinstance(module, nn.BatchNorm2d) and previous is not None and isinstance(previous[1], nn.Conv2d):
            _replace(fused, previous[0], fuse_conv_bn_eval(previous[1], module))
            _replace(fused, name, nn.Identity())
        if isinstance(module, (nn.Conv2d, nn.BatchNorm2d)):
            previous = (name, module)
    return fused


@dataclass
class DenseNetwork:
    """A network converted for dense evaluation at one output stride, and how to read it.

    Attributes:
        network: the converted copy, in eval mode.
        stride: the output stride it was converted for, in input pixels.
        patch_size: the patch side, in input pixels.
        real_stride: input pixels between neighbouring positions of its feature map.
        dilation: feature positions between the cells that one patch's global pool averages.
        feature_size: side of a single patch's feature map, in cells.
        margin_before, margin_after: input pixels beyond a patch that its features depend on
            (receptive field); tiles are read with these margins so that tiling leaves no seams.
        bytes_per_pixel: activation memory per input pixel of a dense forward pass.
        bytes_per_patch: activation memory of one patch in a per-patch forward pass.
        macs_per_pixel: multiply-adds of the convolutions per input pixel of a dense forward pass.
        macs_per_patch: multiply-adds of the convolutions on one patch alone.
        largest_macs_per_pixel, largest_macs_per_patch: the same for the largest convolution alone.
    """

    network: PatchClassifier
    stride: int
    patch_size: int
    real_stride: int
    dilation: int
    feature_size: int
    margin_before: int
    margin_after: int
    bytes_per_pixel: float
    bytes_per_patch: float
    macs_per_pixel: float
    macs_per_patch: float
    largest_macs_per_pixel: float
    largest_macs_per_patch: float

    def region_size(self, tile: int) -> int:
        """Side in input pixels of the region read for a tile of tile x tile output pixels."""
        return (tile - 1) * self.stride + self.patch_size + self.margin_before + self.margin_after

    def pays_off(self, tile: int) -> bool:
        """Whether dense tiles of this size cost less than evaluating their patches one by one."""
        return self.macs_per_pixel * self.region_size(tile) ** 2 < self.macs_per_patch * tile**2


def to_dense(network: PatchClassifier, patch_size: int, stride: int, in_channels: int) -> DenseNetwork:
    """Converts a patch classifier for dense evaluation at `stride`, leaving `network` untouched.

    Walks the modules in registration order, which for Imagette's networks is the order they run:
    a strided layer stays strided while the real stride so far, times its stride, divides `stride`;
    otherwise it runs with stride 1 and it and every later layer are dilated by the stride it gave
    up. A strided 1x1 convolution is a residual shortcut parallel to the last strided 3x3/7x7
    convolution, and follows that convolution's decision. The same walk measures the receptive
    field, the widest activations and the work, to size tiles and choose between the methods.
    """
    dense = inference_copy(network)
    real, multiplier, last_kept = 1, 1, True
    jump, low, high = 1, 0, 0  # per-patch: cell u of the current map sees input [jump*u + low, jump*u + high]
    peak_dense, peak_patch = float(in_channels), float(in_channels * patch_size**2)
    macs_dense = macs_patch = largest_dense = largest_patch = 0.0
    for name, module in list(dense.named_modules()):
        if not isinstance(module, (nn.Conv2d, nn.MaxPool2d)):
            continue
        kernel, layer_stride, padding, dilation = _geometry(module)
        if layer_stride > 1 and kernel == 1:  # shortcut: parallel to the last strided layer, already counted
            if not last_kept:
                _set_geometry(module, 1, 0, 1)
        else:
            low -= jump * padding
            high += jump * (dilation * (kernel - 1) - padding)
            jump *= layer_stride
            if layer_stride > 1 and multiplier == 1 and stride % (real * layer_stride) == 0:
                real *= layer_stride
                last_kept = True
            else:
                _set_geometry(module, 1, padding * multiplier, dilation * multiplier)
                if isinstance(module, nn.MaxPool2d) and padding:
                    # max_pool2d refuses padding over half the kernel; pad with -inf as it would.
                    _set_geometry(module, 1, 0, dilation * multiplier)
                    _replace(dense, name, nn.Sequential(nn.ConstantPad2d(padding * multiplier, float("-inf")), module))
                if layer_stride > 1:
                    multiplier *= layer_stride
                    last_kept = False
        if isinstance(module, nn.Conv2d):
            cells = math.ceil(patch_size / jump) ** 2
            peak_dense = max(peak_dense, module.out_channels / real**2)
            peak_patch = max(peak_patch, module.out_channels * cells)
            macs = module.in_channels // module.groups * module.out_channels * kernel**2
            macs_dense += macs / real**2
            macs_patch += macs * cells
            largest_dense = max(largest_dense, macs / real**2)
            largest_patch = max(largest_patch, macs * cells)
    with torch.no_grad():
        weight = network.head.weight
        probe = network.forward_features(
            torch.zeros(1, in_channels, patch_size, patch_size, dtype=weight.dtype, device=weight.device)
        )
    feature_size = int(probe.shape[-1])
    if feature_size < 1:
        raise ImagetteError(
            f"The model's patch size ({patch_size} px) leaves no feature map; the model file is damaged."
        )
    bytes_per_value = 4 * ACTIVATION_COPIES
    return DenseNetwork(
        network=dense,
        stride=stride,
        patch_size=patch_size,
        real_stride=real,
        dilation=multiplier,
        feature_size=feature_size,
        margin_before=max(0, -low),
        margin_after=max(0, jump * (feature_size - 1) + high - (patch_size - 1)),
        bytes_per_pixel=peak_dense * bytes_per_value,
        bytes_per_patch=peak_patch * bytes_per_value,
        macs_per_pixel=macs_dense,
        macs_per_patch=macs_patch,
        largest_macs_per_pixel=largest_dense,
        largest_macs_per_patch=largest_patch,
    )


def dense_logits(dense: DenseNetwork, region: Tensor, top: int, left: int, rows: int, cols: int) -> Tensor:
    """Class logits of a rows x cols block of patches, evaluated densely over one region.

    Args:
        dense: the converted network.
        region: normalised input (1, bands, H, W) holding every patch of the block.
        top, left: top-left pixel, in the region, of the block's first patch; multiples of dense.real_stride.
        rows, cols: patches per column and per row, dense.stride pixels apart.

    Returns:
        Logits (classes, rows, cols) in float32.
    """
    real = dense.real_stride
    features = dense.network.forward_features(region)[:, :, top // real :, left // real :]
    head = dense.network.head
    # The head is linear, so it commutes with the global average: apply it at every position first
    # (fewer channels to average), then average the h x h positions of each patch, dilation apart.
    # Both in float32 whatever the autocast, as the per-patch head pools in float32 too.
    with torch.autocast(region.device.type, enabled=False):
        logits = torch.einsum("nchw,kc->nkhw", features.float(), head.weight.float())
        classes, size = logits.shape[1], dense.feature_size
        kernel = torch.full((classes, 1, size, size), 1.0 / size**2, device=logits.device)
        pooled = nn.functional.conv2d(
            logits, kernel, stride=dense.stride // real, dilation=dense.dilation, groups=classes
        )
    pooled = pooled[0, :, :rows, :cols]
    if pooled.shape[1:] != (rows, cols):
        raise RuntimeError(f"Dense evaluation gave {tuple(pooled.shape[1:])} patches for a block of {(rows, cols)}.")
    return pooled + head.bias.float()[:, None, None]


def patch_logits(
    network: PatchClassifier, region: Tensor, tops: np.ndarray, lefts: np.ndarray, patch_size: int
) -> Tensor:
    """Class logits (N, classes) of the patches with top-left pixels (tops, lefts) in region (bands, H, W)."""
    windows = region.unfold(1, patch_size, 1).unfold(2, patch_size, 1)  # (bands, H', W', P, P), a view
    index_rows = torch.as_tensor(tops, device=region.device)
    index_cols = torch.as_tensor(lefts, device=region.device)
    patches = windows[:, index_rows, index_cols].permute(1, 0, 2, 3).contiguous(memory_format=torch.channels_last)
    return network(patches).float()


@contextmanager
def _cancel_between_layers(network: nn.Module, progress: Progress) -> Iterator[None]:
    """Checks for cancel before every convolution, so a large tile still stops within a second."""
    handles = [
        module.register_forward_pre_hook(lambda *_: progress.check_canceled())
        for module in network.modules()
        if isinstance(module, nn.Conv2d)
    ]
    try:
        yield
    finally:
        for handle in handles:
            handle.remove()


def _check_inputs(model: ModelFile, src, config: InferenceConfig, progress: Progress) -> None:
    """Refuses what cannot work and warns about what may not work well, before any work."""
    bands = model.metadata["bands"]
    if src.count != model.band_count:
        names = ", ".join(bands.get("names") or []) or "unnamed"
        raise ImagetteError(
            f"The raster '{config.raster_path}' has {src.count} band(s) but the model '{Path(config.model_path).name}' "
            f"was trained on {model.band_count} band(s) ({names}). Choose a raster with the same bands, in the same "
            "order, as the one the model was trained on, or train a model on this raster."
        )
    trained = [float(v) for v in model.metadata.get("pixel_size", [])]
    here = [abs(src.transform.a), abs(src.transform.e)]
    if len(trained) == 2 and any(abs(h - t) > PIXEL_SIZE_TOLERANCE * t for h, t in zip(here, trained)):
        progress.warning(
            f"The raster's pixel size ({here[0]:g} x {here[1]:g}) differs from the training raster's "
            f"({trained[0]:g} x {trained[1]:g}): objects look smaller or larger to the model than in training, and "
            "results may be poor. Resample the raster to the training pixel size for best results."
        )
    trained_crs = model.metadata.get("crs")
    if trained_crs and CRS.from_user_input(trained_crs) != src.crs:
        progress.warning(
            f"The raster's CRS ({src.crs.to_string()}) differs from the training raster's "
            f"({model.metadata.get('crs_name') or trained_crs}). The output is in the raster's CRS; check that "
            "pixel sizes and orientation are comparable."
        )
    if model.patch_size > src.width or model.patch_size > src.height:
        raise ImagetteError(
            f"The raster ({src.width} x {src.height} px) is smaller than the model's patch ({model.patch_size} px): "
            "no patch fits in it. Classify a larger raster."
        )


def _check_config(config: InferenceConfig) -> None:
    if config.method not in METHODS:
        raise ImagetteError(f"Unknown method {config.method!r}; choose one of {', '.join(METHODS)}.")
    if config.stride < 0 or config.batch_size < 0 or config.tile_size < 0:
        raise ImagetteError("The stride, batch size and tile size must be positive (or 0 for automatic).")
    for path in (config.output_path, config.confidence_path):
        if path and Path(path).suffix.lower() not in GEOTIFF_SUFFIXES:
            raise ImagetteError(f"Imagette writes GeoTIFF files: give '{path}' a .tif extension.")


def _limits(device: torch.device) -> tuple[float, float]:
    """Bytes of activations and multiply-adds of one convolution that one forward pass may take."""
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        return free * GPU_SHARE, math.inf
    return CPU_BUDGET, CPU_CONVOLUTION_MACS


def _check_writable(path: Path) -> None:
    """Says 'cannot write here' before any work rather than after it."""
    try:
        if path.is_dir():
            raise IsADirectoryError("it is a folder")
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path.parent):
            pass
    except OSError as error:
        raise ImagetteError(
            f"Cannot write the output '{path}': {error}. Choose a file in a folder where you can write."
        ) from error


class _TileClassifier:
    """Classifies tiles of output pixels with one method on one device."""

    def __init__(
        self, model: ModelFile, dense: DenseNetwork, grid: OutputGrid, method: str, device: torch.device, batch: int
    ):
        self.model, self.dense, self.grid, self.device, self.batch = model, dense, grid, device, batch
        self.per_patch = method == "per_patch"
        self.network = inference_copy(model.network) if self.per_patch else dense.network
        # channels_last suits both cuDNN and oneDNN: about twice as fast on the CPU too. (torch's type stubs
        # omit Module.to's memory_format.)
        self.network.to(device=device, memory_format=torch.channels_last)  # type: ignore[call-overload]
        sampling = (model.metadata.get("dataset") or {}).get("sampling") or {}
        self.nodata_tolerance = float(sampling.get("nodata_tolerance", 0.0))
        normalization = model.metadata["normalization"]
        self.mean = np.asarray(normalization["mean"], dtype=np.float32)
        self.std = np.asarray(normalization["std"], dtype=np.float32)

    def autocast(self):
        if self.device.type != "cuda":
            return nullcontext()
        dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return torch.autocast("cuda", dtype=dtype)

    def region(
        self, src, first_row: int, last_row: int, first_col: int, last_col: int
    ) -> tuple[Window, np.ndarray, np.ndarray]:
        """The input window holding patches with top-left pixels first..last (and, for dense, their margins)."""
        size = self.grid.patch_size
        row0, row1, col0, col1 = first_row, last_row + size, first_col, last_col + size
        if not self.per_patch:
            real = self.dense.real_stride
            aligned = self.grid.offset % real  # dense positions must fall on patch corners
            before = real * math.ceil(self.dense.margin_before / real)
            row0, col0 = max(aligned, row0 - before), max(aligned, col0 - before)
            row1 = min(src.height, row1 + self.dense.margin_after)
            col1 = min(src.width, col1 + self.dense.margin_after)
        window = Window(col0, row0, col1 - col0, row1 - row0)
        data, valid = read_with_mask(src, window)
        return window, data, valid

    def classify(self, src, rows: tuple[int, int], cols: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        """Class index and top probability of full-grid output rows [r0, r1) x cols [c0, c1); index -1 is nodata."""
        grid, size = self.grid, self.grid.patch_size
        tops = grid.first(np.arange(*rows))
        lefts = grid.first(np.arange(*cols))
        window, data, valid = self.region(src, int(tops[0]), int(tops[-1]), int(lefts[0]), int(lefts[-1]))
        tops, lefts = tops - window.row_off, lefts - window.col_off
        # A patch can be formed where its centre holds data and it has no more nodata than training tolerated.
        nodata_share = box_shares(~valid, tops[:, None], lefts[None, :], size)
        centre = valid[np.ix_(tops + size // 2, lefts + size // 2)] & (nodata_share <= self.nodata_tolerance)
        index = np.full(centre.shape, -1, dtype=np.int64)
        confidence = np.zeros(centre.shape, dtype=np.float32)
        if not centre.any():
            return index, confidence
        x = torch.from_numpy(normalize(data[None], self.mean, self.std, valid[None])).to(self.device)
        x = x.contiguous(memory_format=torch.channels_last)
        with torch.inference_mode(), self.autocast():
            if self.per_patch:
                probability = torch.zeros(int(centre.sum()), dtype=torch.float32)
                best = torch.zeros(int(centre.sum()), dtype=torch.int64)
                at_rows, at_cols = np.nonzero(centre)
                for start in range(0, at_rows.size, self.batch):
                    chunk = slice(start, start + self.batch)
                    logits = patch_logits(self.network, x[0], tops[at_rows[chunk]], lefts[at_cols[chunk]], size)
                    top_probability, top_index = torch.softmax(logits, dim=1).max(dim=1)
                    probability[chunk], best[chunk] = top_probability.cpu(), top_index.cpu()
                index[centre], confidence[centre] = best.numpy(), probability.numpy()
            else:
                logits = dense_logits(self.dense, x, int(tops[0]), int(lefts[0]), len(tops), len(lefts))
                probability, best = torch.softmax(logits, dim=0).max(dim=0)
                index[centre] = best.cpu().numpy()[centre]
                confidence[centre] = probability.cpu().numpy()[centre]
        return index, confidence


def _plan(
    config: InferenceConfig, dense: DenseNetwork, device: torch.device, progress: Progress
) -> tuple[str, int, int]:
    """The method to run, the tile side in output pixels and the batch size in patches.

    Batches and dense tiles are as large as the device's limits allow, a dense tile using as much
    memory as a batch. When dense tiles cannot pay off (the receptive-field margin outweighs the
    work that overlapping patches share, as when patches do not overlap at all), patches are
    evaluated one by one instead: the faster way, said in the log.
    """
    memory, convolution = _limits(device)
    batch = config.batch_size or max(
        1, int(min(memory / dense.bytes_per_patch, convolution / dense.largest_macs_per_patch))
    )
    if config.method == "dense":
        side = min(
            math.sqrt(batch * dense.bytes_per_patch / dense.bytes_per_pixel),
            math.sqrt(convolution / dense.largest_macs_per_pixel),
        )
        tile = config.tile_size or _aligned(max(1, int((side - dense.region_size(1)) // dense.stride) + 1))
        if dense.pays_off(tile):
            return "dense", tile, batch
        progress.info(
            f"Dense tiles that fit in memory ({tile} x {tile} output pixels, read with the network's receptive field "
            f"of {dense.margin_before + dense.margin_after} px around them) would cost more than evaluating their "
            "patches one by one at this stride: evaluating per patch instead."
        )
    return "per_patch", config.tile_size or _aligned(max(1, math.isqrt(BATCHES_PER_TILE * batch))), batch


def _aligned(tile: int) -> int:
    """The tile side rounded down to whole GeoTIFF blocks, so that every block is written once."""
    block = block_size(tile)
    return tile - tile % block if tile >= block else tile


def _tiles(grid: OutputGrid, src, tile: int) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Tiles of the output window, as full-grid (rows, cols) ranges holding formable pixels, aligned to `tile`."""
    row_lo, row_hi = grid.formable(src.height, grid.row0, grid.height)
    col_lo, col_hi = grid.formable(src.width, grid.col0, grid.width)
    tiles = []
    for row in range(grid.row0, grid.row0 + grid.height, tile):
        for col in range(grid.col0, grid.col0 + grid.width, tile):
            rows = (max(row, row_lo), min(row + tile, row_hi))
            cols = (max(col, col_lo), min(col + tile, col_hi))
            if rows[0] < rows[1] and cols[0] < cols[1]:
                tiles.append((rows, cols))
    return tiles


def _use_all_cpu_threads() -> None:
    """PyTorch may default to fewer threads than the cores this process may use."""
    torch.set_num_threads(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def classify_raster(config: InferenceConfig, progress: Progress | None = None) -> InferenceResult:
    """Classifies the raster with the model and writes the class GeoTIFF (and the confidence one).

    Outputs are written beside their target under temporary names and renamed at the end, so an
    error or a cancel leaves no file behind. Category names (and the colour table of 16-bit maps)
    go to `<output>.aux.xml` once the GeoTIFF is in place.

    Raises:
        ImagetteError: the model, raster, extent or output cannot be used (the message says why).
        CanceledError: progress asked to stop.
    """
    progress = progress or Progress()
    started = time.perf_counter()
    _check_config(config)
    model = load_model(config.model_path)
    classes = model.classes
    codes = np.array([entry.code for entry in classes], dtype=np.int64)  # output index i is classes[i]
    output_path = Path(config.output_path)
    confidence_path = Path(config.confidence_path) if config.confidence_path else None
    for path in (output_path, confidence_path):
        if path is not None:
            _check_writable(path)
    with open_raster(config.raster_path) as src, ExitStack() as outputs:
        _check_inputs(model, src, config, progress)
        stride = config.stride or default_stride(model.patch_size)
        grid = output_grid(model.patch_size, stride, src.transform, src.width, src.height, config.extent)
        _use_all_cpu_threads()
        device = select_device(config.device, progress)
        dense = to_dense(model.network, model.patch_size, stride, model.band_count)
        method, tile, batch = _plan(config, dense, device, progress)
        block = block_size(tile)
        transform = grid.transform(src.transform)
        tags = {
            "IMAGETTE_MODEL": Path(config.model_path).name,
            "IMAGETTE_STRIDE": str(stride),
            "IMAGETTE_METHOD": method,
        }
        shape = dict(width=grid.width, height=grid.height, transform=transform, crs=src.crs, block=block)
        class_file = outputs.enter_context(
            create_class_raster(
                outputs.enter_context(replaced_atomically(output_path)), **shape, classes=classes, tags=tags
            )
        )
        confidence_file = None
        if confidence_path is not None:
            confidence_file = outputs.enter_context(
                create_confidence_raster(
                    outputs.enter_context(replaced_atomically(confidence_path)), **shape, tags=tags
                )
            )
        tiles = _tiles(grid, src, tile)
        progress.info(
            f"Model '{Path(config.model_path).name}': {model.architecture}, {len(classes)} classes, "
            f"{model.patch_size} px patches. Method {method}, stride {stride} px: output "
            f"{grid.width} x {grid.height} pixels of {stride} input pixels, in {len(tiles)} tile(s) of up to "
            f"{tile} x {tile}" + (f", {batch} patches per batch." if method == "per_patch" else ".")
        )
        if not tiles:
            progress.warning("No patch fits inside the raster within the extent: the output holds only nodata.")
        classifier = _TileClassifier(model, dense, grid, method, device, batch)
        counts = np.zeros(len(codes), dtype=np.int64)
        with _cancel_between_layers(classifier.network, progress):
            for rows, cols in progress.iterate(tiles, len(tiles)):
                index, confidence = classifier.classify(src, rows, cols)
                window = Window(cols[0] - grid.col0, rows[0] - grid.row0, cols[1] - cols[0], rows[1] - rows[0])
                labelled = index >= 0
                counts += np.bincount(index[labelled], minlength=len(codes))
                values = np.where(labelled, codes[np.maximum(index, 0)], NODATA_CODE)
                class_file.write(values.astype(class_file.dtypes[0]), 1, window=window)
                if confidence_file is not None:
                    confidence_file.write(confidence, 1, window=window)
    write_side_car(output_path, classes)
    seconds = time.perf_counter() - started
    progress.info(
        f"Classified {grid.width * grid.height * stride**2 / 1e6:.1f} megapixels in {seconds:.1f} s; pixels per class: "
        + ", ".join(f"{entry.name} {count}" for entry, count in zip(classes, counts.tolist()))
        + "."
    )
    progress.set_percent(100)
    return InferenceResult(
        output_path=output_path,
        confidence_path=confidence_path,
        classes=classes,
        model_name=Path(config.model_path).stem,
        stride=stride,
        method=method,
        tile_size=tile,
        width=grid.width,
        height=grid.height,
        transform=transform,
        pixel_counts={entry.code: int(count) for entry, count in zip(classes, counts.tolist())},
        seconds=seconds,
    )
