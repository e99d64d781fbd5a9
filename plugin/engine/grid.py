"""The output grid of a classification, and its tiles.

An output pixel is `stride` input pixels wide and classifies the patch whose geometric centre is the
output pixel's centre. Output pixel j's patch has its top-left input column at `offset + j * stride`,
where offset = (stride - patch - (patch - stride) % 2) / 2; when patch - stride is odd the output grid
is shifted half an input pixel up and left so that both centres coincide. A segmentation network's
"patch" is the output pixel itself (patch = stride, offset 0): its grid is the input grid, coarsened
by the stride. The grid covers the whole raster (or the requested extent).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from affine import Affine
from rasterio.windows import Window

from .errors import ImagetteError
from .geotiff import block_size
from .i18n import tr


def default_stride(patch_size: int) -> int:
    """Stride used when none is given: an eighth of the patch, so 8 output pixels span one patch.

    Finer strides add little detail (a patch label is about the whole patch) and cost more; with the
    networks' downsampling of 8, this keeps most of the dense network's strides real.
    """
    return max(1, patch_size // 8)


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

    def segmentation_window(self, src, rows: tuple[int, int], cols: tuple[int, int], halo: int, divisor: int):
        """The input pixels of output rows [r0, r1) x cols [c0, c1) for a segmentation network: (top, bottom, left,
        right), and the window read around them, the halo added and its top-left aligned on the network's
        downsampling (divisor) so that the tiling cannot change the result."""
        top, bottom = rows[0] * self.stride, rows[1] * self.stride
        left, right = cols[0] * self.stride, cols[1] * self.stride
        row0 = max(0, (top - halo) // divisor * divisor)
        col0 = max(0, (left - halo) // divisor * divisor)
        row1, col1 = min(src.height, bottom + halo), min(src.width, right + halo)
        return (top, bottom, left, right), Window(col0, row0, col1 - col0, row1 - row0)

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
            tr(
                "The extent ({xmin}, {ymin}, {xmax}, {ymax}) does not overlap the raster. Choose an extent inside the "
                "raster, or leave it empty to classify the whole raster."
            ).format(xmin=xmin, ymin=ymin, xmax=xmax, ymax=ymax)
        )
    return OutputGrid(patch_size, stride, offset, row0, col0, row1 - row0, col1 - col0)


def aligned_tile(tile: int) -> int:
    """The tile side rounded down to whole GeoTIFF blocks, so that every block is written once."""
    block = block_size(tile)
    return tile - tile % block if tile >= block else tile


def tiles(grid: OutputGrid, src, tile: int) -> list[tuple[tuple[int, int], tuple[int, int]]]:
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
