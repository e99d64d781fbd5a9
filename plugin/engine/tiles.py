"""How a tile of the output grid becomes classes, for each kind of network.

Both kinds read their own input window around a tile (its halo), normalise it with the model's band
statistics and return, for every output pixel of the tile, the class index (-1: nodata) and the
probability of that class. Inference asks them and need not know which kind it holds.

- PatchTiles (patch classifiers): an output pixel is the class of the patch centred on it, evaluated
  densely over the tile or patch by patch (see dense.py). An output pixel is nodata when its patch
  leaves the raster, its centre input pixel is nodata, or its patch holds a larger share of nodata
  than the training patches were allowed (the dataset's nodata tolerance, 0 by default).
- PixelTiles (segmentation networks): the network runs once over the tile's input pixels and a halo
  of context, and an output pixel of `stride` input pixels averages their class probabilities.
  The halo is wide enough (half a training patch, at least four times the network's downsampling)
  that the tiling does not show, and windows start on multiples of the downsampling so that the
  network's pooling sees the same pixel blocks whatever the tile. Nodata input pixels give nodata.

Memory. Tiles are sized from a memory budget (a share of the GPU's free memory, or CPU_BUDGET; for
patch classifiers on the CPU also so that one convolution takes about a second, the time a cancel
may take); nothing the size of the raster is allocated.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from contextlib import nullcontext

import numpy as np
import torch
from torch import nn

from .choices import METHODS, SEGMENTATION_METHOD, is_segmentation, method_name
from .dense import AnyNetwork, DenseNetwork, dense_logits, inference_copy, patch_logits, to_dense
from .dense_plan import CPU_BUDGET, CPU_CONVOLUTION_MACS, patch_window, plan
from .device import normalize
from .errors import ImagetteError
from .grid import OutputGrid, aligned_tile, default_stride, output_grid
from .i18n import tr
from .io import formable_patches, read_with_mask
from .modelfile import ModelFile
from .models import PatchClassifier, Segmenter
from .progress import Progress

GPU_SHARE = 0.5  # share of the GPU's free memory one forward pass may use
SEGMENTATION_COPIES = 2  # activations alive at once per convolution output (upsampled and joined copies)


def device_limits(device: torch.device) -> tuple[float, float]:
    """Bytes of activations and multiply-adds of one convolution that one forward pass may take."""
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        return free * GPU_SHARE, math.inf
    return CPU_BUDGET, CPU_CONVOLUTION_MACS


class TileClassifier:
    """What both kinds share: the network on its device, the normalisation, the grid and tile size."""

    grid: OutputGrid
    method: str
    tile: int  # output pixels per tile side
    network: nn.Module

    def __init__(self, model: ModelFile, device: torch.device, progress: Progress) -> None:
        self.model, self.device, self.progress = model, device, progress
        self.part: int | None = None  # output pixels a side classified at once, once the GPU ran out of memory
        normalization = model.metadata["normalization"]
        self.mean = np.asarray(normalization["mean"], dtype=np.float32)
        self.std = np.asarray(normalization["std"], dtype=np.float32)

    def _on_device(self, network: AnyNetwork) -> AnyNetwork:
        # channels_last suits both cuDNN and oneDNN: about twice as fast on the CPU too. (torch's type stubs
        # omit Module.to's memory_format.)
        return network.to(device=self.device, memory_format=torch.channels_last)  # type: ignore[call-overload]

    def _input(self, data: np.ndarray, valid: np.ndarray) -> torch.Tensor:
        x = torch.from_numpy(normalize(data[None], self.mean, self.std, valid[None])).to(self.device)
        return x.contiguous(memory_format=torch.channels_last)

    def autocast(self):
        if self.device.type != "cuda":
            return nullcontext()
        dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return torch.autocast("cuda", dtype=dtype)

    def describe(self) -> str:
        raise NotImplementedError

    def classify(self, src, rows: tuple[int, int], cols: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        """Class index and top probability of full-grid output rows [r0, r1) x cols [c0, c1); index -1 is nodata.

        When the GPU runs out of memory, the batches or parts of tiles are made smaller (said in a warning,
        kept for the next tiles) and the tile is classified again: the classes are those of any tiling.
        """
        while True:
            try:
                return self._in_parts(src, rows, cols)
            except torch.cuda.OutOfMemoryError:
                pass  # handled after the except block, once the failed attempt's tensors are freed
            if self.device.type == "cuda":
                torch.cuda.empty_cache()
            self._use_less_memory()

    def _in_parts(self, src, rows: tuple[int, int], cols: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        """The tile, classified in parts of at most self.part output pixels a side (all at once before any
        out-of-memory error)."""
        side = self.part
        if side is None or (rows[1] - rows[0] <= side and cols[1] - cols[0] <= side):
            return self._classify(src, rows, cols)
        index = np.empty((rows[1] - rows[0], cols[1] - cols[0]), dtype=np.int64)
        confidence = np.empty(index.shape, dtype=np.float32)
        for row in range(rows[0], rows[1], side):
            for col in range(cols[0], cols[1], side):
                part_rows, part_cols = (row, min(row + side, rows[1])), (col, min(col + side, cols[1]))
                at = (slice(row - rows[0], part_rows[1] - rows[0]), slice(col - cols[0], part_cols[1] - cols[0]))
                index[at], confidence[at] = self._classify(src, part_rows, part_cols)
        return index, confidence

    def _smaller_parts(self) -> int:
        """Halves the area of the parts tiles are classified in; their new side, in output pixels."""
        side = self.part or self.tile
        if side <= 1:
            raise ImagetteError(
                tr(
                    "The GPU ran out of memory even for one output pixel at a time. Close other programs using the "
                    "GPU, or choose the CPU as device, and run again."
                )
            )
        self.part = max(1, int(side / math.sqrt(2)))
        return self.part

    def _use_less_memory(self) -> None:
        raise NotImplementedError

    def _classify(self, src, rows: tuple[int, int], cols: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError


class PatchTiles(TileClassifier):
    """Patch classifiers: one class per patch, centred on each output pixel."""

    def __init__(
        self,
        model: ModelFile,
        grid: OutputGrid,
        device: torch.device,
        plan: tuple[str, int, int],
        dense: DenseNetwork,
        progress: Progress,
    ) -> None:
        super().__init__(model, device, progress)
        self.grid, self.dense = grid, dense
        self.method, self.tile, self.batch = plan
        self.per_patch = self.method == "per_patch"
        assert isinstance(model.network, PatchClassifier)
        self.patch_network = self._on_device(inference_copy(model.network) if self.per_patch else dense.network)
        self.network = self.patch_network
        sampling = (model.metadata.get("dataset") or {}).get("sampling") or {}
        self.nodata_tolerance = float(sampling.get("nodata_tolerance", 0.0))

    def describe(self) -> str:
        if self.per_patch:
            return tr("method {method}, {batch} patches per batch").format(
                method=method_name(self.method), batch=self.batch
            )
        return tr("method {method}").format(method=method_name(self.method))

    def _use_less_memory(self) -> None:
        if self.per_patch:
            if self.batch <= 1:
                raise ImagetteError(
                    tr(
                        "The GPU ran out of memory even with batches of 1 patch. Close other programs using the GPU, "
                        "or choose the CPU as device, and run again."
                    )
                )
            self.batch //= 2
            self.progress.warning(
                tr(
                    "The GPU ran out of memory: batches of {batch} patches from now on, and classification goes on. "
                    "Set the batch size (BATCH_SIZE) to {batch} to start there next time."
                ).format(batch=self.batch)
            )
            return
        side = self._smaller_parts()
        self.batch = max(1, self.batch // 2)  # a dense tile takes as much memory as a batch of this many patches
        self.progress.warning(
            tr(
                "The GPU ran out of memory: tiles of {side} x {side} output pixels from now on, and classification goes "
                "on. Set the batch size (BATCH_SIZE) to {batch} to start there next time."
            ).format(side=side, batch=self.batch)
        )

    def _classify(self, src, rows: tuple[int, int], cols: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        grid, size = self.grid, self.grid.patch_size
        tops = grid.first(np.arange(*rows))
        lefts = grid.first(np.arange(*cols))
        window = patch_window(
            grid,
            src,
            int(tops[0]),
            int(tops[-1]),
            int(lefts[0]),
            int(lefts[-1]),
            None if self.per_patch else self.dense,
        )
        data, valid = read_with_mask(src, window)
        tops, lefts = tops - window.row_off, lefts - window.col_off
        centre = formable_patches(valid, tops, lefts, size, self.nodata_tolerance)
        index = np.full(centre.shape, -1, dtype=np.int64)
        confidence = np.zeros(centre.shape, dtype=np.float32)
        if not centre.any():
            return index, confidence
        x = self._input(data, valid)
        with torch.inference_mode(), self.autocast():
            if self.per_patch:
                probability = torch.zeros(int(centre.sum()), dtype=torch.float32)
                best = torch.zeros(int(centre.sum()), dtype=torch.int64)
                at_rows, at_cols = np.nonzero(centre)
                for start in range(0, at_rows.size, self.batch):
                    chunk = slice(start, start + self.batch)
                    logits = patch_logits(self.patch_network, x[0], tops[at_rows[chunk]], lefts[at_cols[chunk]], size)
                    top_probability, top_index = torch.softmax(logits, dim=1).max(dim=1)
                    probability[chunk], best[chunk] = top_probability.cpu(), top_index.cpu()
                index[centre], confidence[centre] = best.numpy(), probability.numpy()
            else:
                logits = dense_logits(self.dense, x, int(tops[0]), int(lefts[0]), len(tops), len(lefts))
                probability, best = torch.softmax(logits, dim=0).max(dim=0)
                index[centre] = best.cpu().numpy()[centre]
                confidence[centre] = probability.cpu().numpy()[centre]
        return index, confidence


def activation_bytes(network: nn.Module, bands: int, divisor: int) -> float:
    """Bytes of activations per input pixel of a forward pass, measured on a small probe input."""
    side = 4 * divisor
    outputs: list[int] = []
    hooks = [
        module.register_forward_hook(lambda _m, _i, out: outputs.append(out.numel()))
        for module in network.modules()
        if isinstance(module, nn.Conv2d)
    ]
    try:
        weight = next(network.parameters())
        with torch.inference_mode():
            network(torch.zeros(1, bands, side, side, dtype=weight.dtype, device=weight.device))
    finally:
        for hook in hooks:
            hook.remove()
    return 4.0 * SEGMENTATION_COPIES * sum(outputs) / side**2


class PixelTiles(TileClassifier):
    """Segmentation networks: class probabilities of every input pixel, averaged over each output pixel."""

    method = SEGMENTATION_METHOD

    def __init__(
        self, model: ModelFile, grid: OutputGrid, device: torch.device, tile_size: int, progress: Progress
    ) -> None:
        super().__init__(model, device, progress)
        self.grid = grid
        network = model.network
        assert isinstance(network, Segmenter)
        self.divisor = network.divisor
        context = max(model.patch_size // 2, 4 * self.divisor)
        self.halo = self.divisor * math.ceil(context / self.divisor)
        self.network = self._on_device(inference_copy(network))
        memory, _ = device_limits(device)
        side = math.sqrt(memory / activation_bytes(self.network, model.band_count, self.divisor))
        self.tile = tile_size or aligned_tile(max(1, int((side - 2 * self.halo) // grid.stride)))

    def describe(self) -> str:
        return tr("per-pixel segmentation with a halo of {halo} px").format(halo=self.halo)

    def _use_less_memory(self) -> None:
        side = self._smaller_parts()
        self.progress.warning(
            tr(
                "The GPU ran out of memory: tiles of {side} x {side} output pixels from now on, and classification goes "
                "on."
            ).format(side=side)
        )

    def _classify(self, src, rows: tuple[int, int], cols: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        stride = self.grid.stride
        (top, bottom, left, right), window = self.grid.segmentation_window(src, rows, cols, self.halo, self.divisor)
        row0, col0 = window.row_off, window.col_off
        data, valid = read_with_mask(src, window)
        with torch.inference_mode(), self.autocast():
            logits = self.network(self._input(data, valid))
        probabilities = torch.softmax(logits.float(), dim=1)[
            :, :, top - row0 : bottom - row0, left - col0 : right - col0
        ]
        weight = torch.from_numpy(valid[top - row0 : bottom - row0, left - col0 : right - col0]).to(self.device)
        weight = weight[None, None].float()
        if stride > 1:  # an output pixel averages its input pixels that hold data
            probabilities = nn.functional.avg_pool2d(probabilities * weight, stride)
            weight = nn.functional.avg_pool2d(weight, stride)
            probabilities = probabilities / weight.clamp_min(1e-12)
        confidence, best = probabilities[0].max(dim=0)
        index = np.where(weight[0, 0].cpu().numpy() > 0, best.cpu().numpy(), -1)
        # The network scores nodata pixels too; they get no class, so no confidence either (0 is its nodata).
        return index, np.where(index >= 0, confidence.cpu().numpy(), 0).astype(np.float32)


def tile_classifier(
    model: ModelFile,
    src,
    stride: int,
    method: str,
    batch_size: int,
    tile_size: int,
    extent: tuple[float, float, float, float] | None,
    device: torch.device,
    progress: Progress,
) -> TileClassifier:
    """The tile classifier of the model's kind; stride 0 takes the kind's default output pixel size."""
    if is_segmentation(model.architecture):
        stride = stride or 1
        grid = output_grid(stride, stride, src.transform, src.width, src.height, extent)
        if method != METHODS[0]:
            progress.info(
                tr("A segmentation network classifies every pixel at once: the method choice does not apply.")
            )
        return _on_gpu(lambda: PixelTiles(model, grid, device, tile_size, progress))
    stride = stride or default_stride(model.patch_size)
    grid = output_grid(model.patch_size, stride, src.transform, src.width, src.height, extent)
    dense = to_dense(model.network, model.patch_size, stride, model.band_count)  # type: ignore[arg-type]
    chosen = plan(method, batch_size, tile_size, dense, *device_limits(device), progress)
    return _on_gpu(lambda: PatchTiles(model, grid, device, chosen, dense, progress))


def _on_gpu(make: Callable[[], TileClassifier]) -> TileClassifier:
    """make()'s classifier, or an error that says what to do when the network does not fit on the GPU."""
    try:
        return make()
    except torch.cuda.OutOfMemoryError:
        pass
    torch.cuda.empty_cache()
    raise ImagetteError(
        tr(
            "The GPU ran out of memory while loading the network. Close other programs using the GPU, or choose the "
            "CPU as device, and run again."
        )
    )
