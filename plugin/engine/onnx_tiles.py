"""Tiles classified with an exported ONNX model (Imagette format) through ONNX Runtime, without PyTorch.

The same output grid (grid.py), input windows, halo and nodata rules as tiles.py, so the classes are
those PyTorch gives, up to float rounding:
- OnnxPixelTiles (segmentation networks): the tile's input pixels and a halo of context (half a
  training patch, at least four times the downsampling, windows starting on its multiples), class
  probabilities averaged over each output pixel's input pixels that hold data; nodata gives nodata.
- OnnxPatchTiles (patch classifiers): the class of the patch centred on each output pixel, evaluated
  patch by patch (the exported graph is the per-patch network: tiles.py's per_patch method); nodata
  where the centre pixel is nodata or the patch holds more nodata than training tolerated.

Nothing here imports torch: this module and those it imports need numpy, rasterio and onnxruntime only.
inference.classify_raster runs these for a .onnx model, through the same outputs as PyTorch's tiles.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rasterio.windows import Window

from .choices import METHODS, SEGMENTATION_METHOD, method_name
from .errors import ImagetteError
from .grid import OutputGrid, aligned_tile, default_stride, output_grid
from .i18n import tr
from .io import formable_patches, read_with_mask
from .onnxfile import (
    FLAVOURS,
    LOGITS,
    NORMALIZED,
    SEGMENTATION,
    OnnxModelInfo,
    import_problem,
    open_session,
    read_onnx_model,
    session_properties,
)
from .progress import Progress

PATCH_BATCH = 256  # patches per run of a patch classifier when no batch size is given
PIXEL_TILE = 512  # input pixels a side of a segmentation tile when no tile size is given
BATCHES_PER_TILE = 4  # as tiles.py: per-patch tiles hold a few batches


@dataclass
class OnnxModel:
    """An exported model opened for classification: its metadata and an ONNX Runtime session."""

    info: OnnxModelInfo
    session: Any  # onnxruntime.InferenceSession

    @property
    def metadata(self) -> dict:
        return self.info.metadata

    @property
    def classes(self):
        return self.info.classes

    @property
    def patch_size(self) -> int:
        return self.info.patch_size

    @property
    def architecture(self) -> str:
        return f"{self.info.architecture} (ONNX Runtime)"

    @property
    def band_count(self) -> int:
        return self.info.band_count

    def run(self, x: np.ndarray) -> np.ndarray:
        """The graph's output (class logits) for a float32 NCHW input."""
        return self.session.run(None, {self.info.input.get("name", "input"): x})[0]


def providers(device: str) -> list[str]:
    """ONNX Runtime's execution providers for a device choice: auto takes CUDA where this onnxruntime has it."""
    import onnxruntime

    available = onnxruntime.get_available_providers()
    if device == "cuda" and "CUDAExecutionProvider" not in available:
        raise ImagetteError(
            tr(
                "CUDA was asked for, but this ONNX Runtime has no CUDA provider (it is the CPU build, or the CUDA "
                "libraries are missing). Install onnxruntime-gpu, or choose the CPU."
            )
        )
    if device in ("auto", "cuda") and "CUDAExecutionProvider" in available:
        return ["CUDAExecutionProvider", "CPUExecutionProvider"]
    return ["CPUExecutionProvider"]


def load_onnx_model(path: str | Path, device: str = "auto", threads: int = 0) -> OnnxModel:
    """Opens an ONNX file exported by Imagette in its own format, or explains why it cannot classify with it.

    threads: CPU threads of the session; 0 the cores this process may use.
    """
    problem = import_problem("onnxruntime")
    if problem is not None:
        raise ImagetteError(
            tr(
                "Classifying with an ONNX model needs onnxruntime, which cannot be imported here ({problem}). Install "
                "it into this Python with:  {command}"
            ).format(problem=problem, command="pip install onnxruntime")
        )
    # One session: the metadata are read from the one that classifies. Threads (0): the cores this process may use,
    # as PyTorch's inference takes them (ONNX Runtime's default counts the machine's cores); a Dask worker gives 1.
    threads = threads or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 0)
    session = open_session(path, providers(device), threads)
    info = read_onnx_model(path, session_properties(session))
    if info.flavour != FLAVOURS[0] or info.input.get("values") != NORMALIZED or info.output.get("values") != LOGITS:
        raise ImagetteError(
            tr(
                "'{path}' was exported in the {flavour} format, for that program (it takes and gives other values than "
                "Imagette's own format). Export the model again in the Imagette format (FORMAT 0) to classify with it "
                "here."
            ).format(path=info.path, flavour=info.flavour)
        )
    return OnnxModel(info, session)


def _normalized(data: np.ndarray, valid: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """(bands, H, W) raw values as the network saw them in training: (value - mean) / std, nodata 0.

    The computation of device.normalize (which lives beside torch), in the same float32 steps.
    """
    out = (data.astype(np.float32) - mean.reshape(-1, 1, 1)) / std.reshape(-1, 1, 1)
    out[np.broadcast_to(~valid[None], out.shape)] = 0
    return out


def _softmax(logits: np.ndarray, axis: int) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=axis, keepdims=True))
    return shifted / shifted.sum(axis=axis, keepdims=True)


class OnnxTiles:
    """What both kinds share: the model, its normalisation, the grid and the tile size (output pixels a side)."""

    grid: OutputGrid
    method: str
    tile: int

    def __init__(self, model: OnnxModel, progress: Progress) -> None:
        self.model, self.progress = model, progress
        normalization = model.metadata["normalization"]
        self.mean = np.asarray(normalization["mean"], dtype=np.float32)
        self.std = np.asarray(normalization["std"], dtype=np.float32)

    def describe(self) -> str:
        raise NotImplementedError

    def classify(self, src, rows: tuple[int, int], cols: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        """Class index and top probability of full-grid output rows [r0, r1) x cols [c0, c1); index -1 is nodata."""
        raise NotImplementedError


class OnnxPixelTiles(OnnxTiles):
    """Segmentation networks: class probabilities of every input pixel, averaged over each output pixel."""

    method = SEGMENTATION_METHOD

    def __init__(self, model: OnnxModel, grid: OutputGrid, tile_size: int, progress: Progress) -> None:
        super().__init__(model, progress)
        self.grid = grid
        self.divisor = int(model.info.input.get("divisor", 1))
        context = max(model.patch_size // 2, 4 * self.divisor)
        self.halo = self.divisor * math.ceil(context / self.divisor)
        self.tile = tile_size or aligned_tile(max(1, PIXEL_TILE // grid.stride))

    def describe(self) -> str:
        return tr("per-pixel segmentation with a halo of {halo} px, through ONNX Runtime").format(halo=self.halo)

    def classify(self, src, rows: tuple[int, int], cols: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        stride = self.grid.stride
        (top, bottom, left, right), window = self.grid.segmentation_window(src, rows, cols, self.halo, self.divisor)
        row0, col0 = window.row_off, window.col_off
        data, valid = read_with_mask(src, window)
        self.progress.check_canceled()
        logits = self.model.run(_normalized(data, valid, self.mean, self.std)[None])[0]
        probabilities = _softmax(logits, axis=0)[:, top - row0 : bottom - row0, left - col0 : right - col0]
        weight = valid[top - row0 : bottom - row0, left - col0 : right - col0].astype(np.float32)
        if stride > 1:  # an output pixel averages its input pixels that hold data
            classes, height, width = probabilities.shape[0], rows[1] - rows[0], cols[1] - cols[0]
            blocks = (probabilities * weight).reshape(classes, height, stride, width, stride).sum(axis=(2, 4))
            weight = weight.reshape(height, stride, width, stride).sum(axis=(1, 3))
            probabilities = blocks / np.maximum(weight, 1e-12)
        confidence, best = probabilities.max(axis=0), probabilities.argmax(axis=0)
        index = np.where(weight > 0, best, -1).astype(np.int64)
        return index, np.where(index >= 0, confidence, 0).astype(np.float32)


class OnnxPatchTiles(OnnxTiles):
    """Patch classifiers: one class per patch, centred on each output pixel, patch by patch."""

    method = METHODS[1]  # per patch: the exported graph is the per-patch network

    def __init__(self, model: OnnxModel, grid: OutputGrid, batch: int, tile_size: int, progress: Progress) -> None:
        super().__init__(model, progress)
        self.grid, self.batch = grid, batch
        self.tile = tile_size or aligned_tile(max(1, math.isqrt(BATCHES_PER_TILE * batch)))
        sampling = (model.metadata.get("dataset") or {}).get("sampling") or {}
        self.nodata_tolerance = float(sampling.get("nodata_tolerance", 0.0))

    def describe(self) -> str:
        return tr("method {method}, {batch} patches per batch, through ONNX Runtime").format(
            method=method_name(self.method), batch=self.batch
        )

    def classify(self, src, rows: tuple[int, int], cols: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        grid, size = self.grid, self.grid.patch_size
        tops = grid.first(np.arange(*rows))
        lefts = grid.first(np.arange(*cols))
        window = Window(int(lefts[0]), int(tops[0]), int(lefts[-1] - lefts[0]) + size, int(tops[-1] - tops[0]) + size)
        data, valid = read_with_mask(src, window)
        tops, lefts = tops - int(window.row_off), lefts - int(window.col_off)
        centre = formable_patches(valid, tops, lefts, size, self.nodata_tolerance)
        index = np.full(centre.shape, -1, dtype=np.int64)
        confidence = np.zeros(centre.shape, dtype=np.float32)
        if not centre.any():
            return index, confidence
        x = _normalized(data, valid, self.mean, self.std)
        windows = np.lib.stride_tricks.sliding_window_view(x, (x.shape[0], size, size))[0]  # (H', W', bands, P, P)
        at_rows, at_cols = np.nonzero(centre)
        best = np.empty(at_rows.size, dtype=np.int64)
        probability = np.empty(at_rows.size, dtype=np.float32)
        for start in range(0, at_rows.size, self.batch):
            self.progress.check_canceled()
            chunk = slice(start, start + self.batch)
            patches = np.ascontiguousarray(windows[tops[at_rows[chunk]], lefts[at_cols[chunk]]])
            probabilities = _softmax(self.model.run(patches), axis=1)
            best[chunk], probability[chunk] = probabilities.argmax(axis=1), probabilities.max(axis=1)
        index[centre], confidence[centre] = best, probability
        return index, confidence


def onnx_tile_classifier(
    model: OnnxModel,
    src,
    stride: int,
    batch_size: int,
    tile_size: int,
    extent: tuple[float, float, float, float] | None = None,
    progress: Progress | None = None,
) -> OnnxTiles:
    """The ONNX tile classifier of the model's kind; stride 0 takes the kind's default (as tiles.tile_classifier)."""
    progress = progress or Progress()
    if src.count != model.band_count:
        raise ImagetteError(
            tr(
                "The raster has {count} band(s) but the model '{model}' was trained on {trained}. Choose a raster with "
                "the same bands, in the same order, as the training raster."
            ).format(count=src.count, model=model.info.path.name, trained=model.band_count)
        )
    if model.info.kind == SEGMENTATION:
        stride = stride or 1
        grid = output_grid(stride, stride, src.transform, src.width, src.height, extent)
        return OnnxPixelTiles(model, grid, tile_size, progress)
    stride = stride or default_stride(model.patch_size)
    grid = output_grid(model.patch_size, stride, src.transform, src.width, src.height, extent)
    return OnnxPatchTiles(model, grid, batch_size or PATCH_BATCH, tile_size, progress)
