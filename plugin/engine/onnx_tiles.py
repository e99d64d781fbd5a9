"""Tiles classified with an ONNX model through ONNX Runtime, without PyTorch: an Imagette export (either
format), or a segmentation model made for Deepness (onnxfile.deepness_model_info).

The same output grid (grid.py), input windows, halo and nodata rules as tiles.py, so the classes are
those PyTorch gives, up to float rounding:
- OnnxPixelTiles (segmentation networks): the tile's input pixels and a halo of context (half a
  training patch, at least four times the downsampling, windows starting on its multiples), class
  probabilities averaged over each output pixel's input pixels that hold data; nodata gives nodata.
  A graph of a fixed side (Deepness's) takes tiles that fit in it, padded as Deepness pads them.
- OnnxPatchTiles (patch classifiers): the class of the patch centred on each output pixel; nodata
  where the centre pixel is nodata or the patch holds more nodata than training tolerated. A file in
  the dense form runs tiles.py's methods, chosen and sized as PyTorch's on the CPU (dense_plan.py): dense,
  its conversion for the output stride run once over the tile and margins, each patch the average of
  its feature positions; or per patch, each patch its own run. A file of the older per-patch form
  (Imagette before the dense form) can only be evaluated patch by patch.

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

from .choices import METHODS, SEGMENTATION_METHOD, method_name
from .dense_plan import BATCHES_PER_TILE, CPU_BUDGET, CPU_CONVOLUTION_MACS, DenseGeometry, patch_window, plan
from .errors import ImagetteError
from .grid import OutputGrid, aligned_tile, default_stride, output_grid
from .i18n import tr
from .io import formable_patches, read_with_mask
from .onnxfile import (
    DENSE,
    FLAVOURS,
    FORMAT,
    LOGITS,
    SEGMENTATION,
    SELECTOR_NAME,
    OnnxModelInfo,
    import_problem,
    open_session,
    session_model_info,
)
from .progress import Progress

PATCH_BATCH = 256  # patches per run of a per-patch form's patch classifier when no batch size is given
PIXEL_TILE = 512  # input pixels a side of a segmentation tile when no tile size is given


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

    def run(self, x: np.ndarray, real_stride: int | None = None) -> np.ndarray:
        """The graph's output (class logits) for a float32 NCHW input; real_stride: the dense form's conversion to
        run (None for the other forms, which have one)."""
        feeds = {self.info.input.get("name", "input"): x}
        if real_stride is not None:
            feeds[SELECTOR_NAME] = np.array(real_stride, dtype=np.int64)
        return self.session.run(None, feeds)[0]

    def patch_logits(self, patches: np.ndarray) -> np.ndarray:
        """Class logits (N, classes) of patches (N, bands, patch, patch), each evaluated alone."""
        if self.info.form != DENSE:
            return self.run(patches)
        # The conversion at the largest real stride (for Imagette's networks the network as it is, dilation 1): a patch
        # alone gives its feature map, whose cells its global pool averages.
        largest = max(variant["real_stride"] for variant in self.info.properties["dense"]["variants"])
        dense = self.info.dense_geometry(largest)
        reach = dense.feature_size * dense.dilation
        positions = self.run(patches, largest)
        return positions[:, :, : reach : dense.dilation, : reach : dense.dilation].mean(axis=(2, 3))


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
    """Opens an ONNX file exported by Imagette (in either format) or a segmentation model made for Deepness, or
    explains why it cannot classify with it.

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
    info = session_model_info(path, session)
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


def _class_probabilities(output: np.ndarray, values: str) -> np.ndarray:
    """Class probabilities (classes, H, W) from a segmentation graph's output for one tile: the softmax of its logits,
    or its probabilities as they are; one probability channel (a sigmoid) is the class against the rest."""
    if values == LOGITS:
        return _softmax(output, axis=0)
    return np.concatenate([1 - output, output]) if output.shape[0] == 1 else output


def _pooled(logits: np.ndarray, dense: DenseGeometry, top: int, left: int, rows: int, cols: int) -> np.ndarray:
    """Class logits (classes, rows, cols) of a block of patches from the dense form's position logits (classes, h, w):
    each patch averages the feature_size x feature_size positions its global pool averages, `dilation` apart, as
    dense.dense_logits does; top, left: the first patch's top-left pixel in the region, multiples of the real stride.
    """
    real, size, apart = dense.real_stride, dense.feature_size, dense.dilation
    step = dense.stride // real
    total = np.zeros((logits.shape[0], rows, cols), dtype=np.float32)
    for down in range(size):
        for across in range(size):
            row0, col0 = top // real + down * apart, left // real + across * apart
            part = logits[:, row0 : row0 + (rows - 1) * step + 1 : step, col0 : col0 + (cols - 1) * step + 1 : step]
            if part.shape[1:] != (rows, cols):
                raise RuntimeError(f"Dense evaluation gave {part.shape[1:]} patches for a block of {(rows, cols)}.")
            total += part
    return total / size**2


class OnnxTiles:
    """What both kinds share: the model, its normalisation, the grid and the tile size (output pixels a side)."""

    grid: OutputGrid
    method: str
    tile: int

    def __init__(self, model: OnnxModel, progress: Progress) -> None:
        self.model, self.progress = model, progress
        mean, std = model.info.input_normalization()
        self.mean, self.std = np.asarray(mean, dtype=np.float32), np.asarray(std, dtype=np.float32)

    def describe(self) -> str:
        raise NotImplementedError

    def classify(self, src, rows: tuple[int, int], cols: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        """Class index and top probability of full-grid output rows [r0, r1) x cols [c0, c1); index -1 is nodata."""
        raise NotImplementedError


class OnnxPixelTiles(OnnxTiles):
    """Segmentation networks: class probabilities of every input pixel, averaged over each output pixel.

    A graph of a fixed input side (Deepness's square tiles) gets tiles that fit in it with their halo, padded with
    zeros beyond the raster's edge as Deepness pads them.
    """

    method = SEGMENTATION_METHOD

    def __init__(self, model: OnnxModel, grid: OutputGrid, tile_size: int, progress: Progress) -> None:
        super().__init__(model, progress)
        self.grid = grid
        self.divisor = int(model.info.input.get("divisor", 1))
        context = max(model.patch_size // 2, 4 * self.divisor)
        self.halo = self.divisor * math.ceil(context / self.divisor)
        self.tile = tile_size or aligned_tile(max(1, PIXEL_TILE // grid.stride))
        side = model.info.input.get("height")
        self.side = side if isinstance(side, int) else None
        if self.side is not None:
            # The window read starts up to divisor - 1 pixels before the halo, to fall on the downsampling.
            largest = (self.side - 2 * self.halo - (self.divisor - 1)) // grid.stride
            if largest < 1:
                raise ImagetteError(
                    tr(
                        "The model takes tiles of {side} x {side} px, too small for output pixels of {stride} input "
                        "pixels with {halo} px of context around them. Choose a smaller output pixel size (stride)."
                    ).format(side=self.side, stride=grid.stride, halo=self.halo)
                )
            self.tile = min(tile_size or aligned_tile(largest), largest)

    def describe(self) -> str:
        return tr("per-pixel segmentation with a halo of {halo} px, through ONNX Runtime").format(halo=self.halo)

    def classify(self, src, rows: tuple[int, int], cols: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        stride = self.grid.stride
        (top, bottom, left, right), window = self.grid.segmentation_window(src, rows, cols, self.halo, self.divisor)
        row0, col0 = window.row_off, window.col_off
        data, valid = read_with_mask(src, window)
        self.progress.check_canceled()
        x = _normalized(data, valid, self.mean, self.std)
        if self.side is not None:
            x = np.pad(x, ((0, 0), (0, self.side - x.shape[1]), (0, self.side - x.shape[2])))
        output = self.model.run(x[None])[0]
        probabilities = _class_probabilities(output, self.model.info.output.get("values", LOGITS))
        probabilities = probabilities[:, top - row0 : bottom - row0, left - col0 : right - col0]
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
    """Patch classifiers: one class per patch, centred on each output pixel, densely or patch by patch."""

    def __init__(
        self,
        model: OnnxModel,
        grid: OutputGrid,
        chosen: tuple[str, int, int],
        dense: DenseGeometry | None,
        progress: Progress,
    ) -> None:
        super().__init__(model, progress)
        self.grid, self.dense = grid, dense
        self.method, self.tile, self.batch = chosen
        self.per_patch = self.method == METHODS[1]
        sampling = (model.metadata.get("dataset") or {}).get("sampling") or {}
        self.nodata_tolerance = float(sampling.get("nodata_tolerance", 0.0))

    def describe(self) -> str:
        if self.per_patch:
            return tr("method {method}, {batch} patches per batch, through ONNX Runtime").format(
                method=method_name(self.method), batch=self.batch
            )
        return tr("method {method}, through ONNX Runtime").format(method=method_name(self.method))

    def classify(self, src, rows: tuple[int, int], cols: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        grid, size = self.grid, self.grid.patch_size
        tops = grid.first(np.arange(*rows))
        lefts = grid.first(np.arange(*cols))
        dense = None if self.per_patch else self.dense
        window = patch_window(grid, src, int(tops[0]), int(tops[-1]), int(lefts[0]), int(lefts[-1]), dense)
        data, valid = read_with_mask(src, window)
        tops, lefts = tops - int(window.row_off), lefts - int(window.col_off)
        centre = formable_patches(valid, tops, lefts, size, self.nodata_tolerance)
        index = np.full(centre.shape, -1, dtype=np.int64)
        confidence = np.zeros(centre.shape, dtype=np.float32)
        if not centre.any():
            return index, confidence
        x = _normalized(data, valid, self.mean, self.std)
        if dense is not None:
            self.progress.check_canceled()
            logits = self.model.run(x[None], dense.real_stride)[0]
            probabilities = _softmax(_pooled(logits, dense, int(tops[0]), int(lefts[0]), len(tops), len(lefts)), 0)
            index[centre], confidence[centre] = probabilities.argmax(axis=0)[centre], probabilities.max(axis=0)[centre]
            return index, confidence
        windows = np.lib.stride_tricks.sliding_window_view(x, (x.shape[0], size, size))[0]  # (H', W', bands, P, P)
        at_rows, at_cols = np.nonzero(centre)
        best = np.empty(at_rows.size, dtype=np.int64)
        probability = np.empty(at_rows.size, dtype=np.float32)
        for start in range(0, at_rows.size, self.batch):
            self.progress.check_canceled()
            chunk = slice(start, start + self.batch)
            patches = np.ascontiguousarray(windows[tops[at_rows[chunk]], lefts[at_cols[chunk]]])
            probabilities = _softmax(self.model.patch_logits(patches), axis=1)
            best[chunk], probability[chunk] = probabilities.argmax(axis=1), probabilities.max(axis=1)
        index[centre], confidence[centre] = best, probability
        return index, confidence


def onnx_tile_classifier(
    model: OnnxModel,
    src,
    stride: int,
    method: str,
    batch_size: int,
    tile_size: int,
    extent: tuple[float, float, float, float] | None = None,
    progress: Progress | None = None,
) -> OnnxTiles:
    """The ONNX tile classifier of the model's kind; stride 0 takes the kind's default, and a patch classifier in the
    dense form runs the method as tiles.tile_classifier plans it on the CPU (the per-patch form only per patch)."""
    progress = progress or Progress()
    if src.count != model.band_count:
        raise ImagetteError(
            tr(
                "The raster has {count} band(s) but the model '{model}' was trained on {trained}. Choose a raster with "
                "the same bands, in the same order, as the training raster."
            ).format(count=src.count, model=model.info.path.name, trained=model.band_count)
        )
    if (
        model.info.flavour == FLAVOURS[1]
        and model.info.properties.get("imagette_format") != FORMAT
        and src.dtypes[0] != "uint8"
    ):
        progress.warning(
            tr(
                "The model was made for Deepness, which feeds it 8-bit band values (0 to 255), and this raster holds "
                "{dtype} values: those above 255 lie outside what the model knows. Convert the raster to 8 bits "
                "(Raster > Conversion > Translate, with scaling) to classify it as Deepness would."
            ).format(dtype=src.dtypes[0])
        )
    if model.info.kind == SEGMENTATION:
        stride = stride or 1
        grid = output_grid(stride, stride, src.transform, src.width, src.height, extent)
        return OnnxPixelTiles(model, grid, tile_size, progress)
    stride = stride or default_stride(model.patch_size)
    grid = output_grid(model.patch_size, stride, src.transform, src.width, src.height, extent)
    if model.info.form != DENSE:
        batch = batch_size or PATCH_BATCH
        tile = tile_size or aligned_tile(max(1, math.isqrt(BATCHES_PER_TILE * batch)))
        return OnnxPatchTiles(model, grid, (METHODS[1], tile, batch), None, progress)
    dense = model.info.dense_geometry(stride)
    chosen = plan(method, batch_size, tile_size, dense, CPU_BUDGET, CPU_CONVOLUTION_MACS, progress)
    return OnnxPatchTiles(model, grid, chosen, dense, progress)
