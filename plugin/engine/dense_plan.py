"""The layout and the plan of a patch classifier's dense evaluation, without torch.

dense.py converts a network for dense evaluation (torch); what the conversion measures (strides, receptive
field, memory, work) is a DenseGeometry, which both engines read: PyTorch's tiles (tiles.py) and ONNX
Runtime's (onnx_tiles.py, where an exported file carries the geometry in its metadata). The input window
of a tile and the choice between the dense and the per-patch method live here once, so that both engines
read the same pixels and choose the same way, and give the same map.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rasterio.windows import Window

from .grid import OutputGrid, aligned_tile
from .i18n import tr
from .progress import Progress

CPU_BUDGET = 512 * 2**20  # bytes of activations per forward pass on the CPU
# Multiply-adds of the largest convolution of a forward pass on the CPU: about a second on two cores.
# Cancel is checked between convolutions, so this is how long a cancel may take.
CPU_CONVOLUTION_MACS = 1e11
BATCHES_PER_TILE = 4  # per-patch tiles hold a few batches, so batches stay full after block alignment


@dataclass
class DenseGeometry:
    """How a patch classifier converted for dense evaluation at one output stride reads its input.

    Attributes:
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


def patch_window(
    grid: OutputGrid, src, first_row: int, last_row: int, first_col: int, last_col: int, dense: DenseGeometry | None
) -> Window:
    """The input window holding the patches with top-left pixels first..last; for the dense method (dense given)
    with their margins too, starting on a multiple of the real stride from the grid's patch corners."""
    size = grid.patch_size
    row0, row1, col0, col1 = first_row, last_row + size, first_col, last_col + size
    if dense is not None:
        real = dense.real_stride
        aligned = grid.offset % real  # dense positions must fall on patch corners
        before = real * math.ceil(dense.margin_before / real)
        row0, col0 = max(aligned, row0 - before), max(aligned, col0 - before)
        row1 = min(src.height, row1 + dense.margin_after)
        col1 = min(src.width, col1 + dense.margin_after)
    return Window(col0, row0, col1 - col0, row1 - row0)


def plan(
    method: str,
    batch_size: int,
    tile_size: int,
    dense: DenseGeometry,
    memory: float,
    convolution: float,
    progress: Progress,
) -> tuple[str, int, int]:
    """The method to run, the tile side in output pixels and the batch size in patches.

    memory and convolution: the bytes of activations and the multiply-adds of one convolution that one
    forward pass may take. Batches and dense tiles are as large as these limits allow, a dense tile using as
    much memory as a batch. When dense tiles cannot pay off (the receptive-field margin outweighs the work
    that overlapping patches share, as when patches do not overlap at all), patches are evaluated one by one
    instead: the faster way, said in the log.
    """
    batch = batch_size or max(1, int(min(memory / dense.bytes_per_patch, convolution / dense.largest_macs_per_patch)))
    if method == "dense":
        side = min(
            math.sqrt(batch * dense.bytes_per_patch / dense.bytes_per_pixel),
            math.sqrt(convolution / dense.largest_macs_per_pixel),
        )
        tile = tile_size or aligned_tile(max(1, int((side - dense.region_size(1)) // dense.stride) + 1))
        if dense.pays_off(tile):
            return "dense", tile, batch
        progress.info(
            tr(
                "Dense tiles that fit in memory ({tile} x {tile} output pixels, read with the network's receptive "
                "field of {margin} px around them) would cost more than evaluating their patches one by one at this "
                "stride: evaluating per patch instead."
            ).format(tile=tile, margin=dense.margin_before + dense.margin_after)
        )
    return "per_patch", tile_size or aligned_tile(max(1, math.isqrt(BATCHES_PER_TILE * batch))), batch
