"""Where features lie on a raster's pixel grid: the rows and columns each one spans, and the windows of the raster
that meet them, so that sampling and the assessment read a raster only where features are."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from affine import Affine
from rasterio.windows import Window


def raster_windows(height: int, width: int, side: int) -> list[Window]:
    """The windows of side x side pixels that tile a raster row by row, cut at its bottom and right edges."""
    return [
        Window(col, row, min(side, width - col), min(side, height - row))
        for row in range(0, height, side)
        for col in range(0, width, side)
    ]


class PixelBoxes:
    """The pixel box of each feature on a raster's grid: the rows and columns its bounds span, as floats.

    A feature whose bounds are NaN (a geometry without coordinates) reaches no pixel.
    """

    def __init__(
        self, bounds: Sequence[tuple[float, float, float, float]], transform: Affine, height: int, width: int
    ) -> None:
        self.height, self.width = height, width
        inverse = ~transform
        self.boxes = np.empty((len(bounds), 4))  # row0, col0, row1, col1
        for index, (xmin, ymin, xmax, ymax) in enumerate(bounds):
            cols, rows = zip(*(inverse * corner for corner in ((xmin, ymin), (xmin, ymax), (xmax, ymin), (xmax, ymax))))
            self.boxes[index] = (min(rows), min(cols), max(rows), max(cols))
        self.inside = self.touching(0, height, 0, width)  # the features the raster holds

    def touching(self, row0: float, row1: float, col0: float, col1: float) -> np.ndarray:
        """Mask of the features whose pixel box reaches into rows [row0, row1) and cols [col0, col1)."""
        boxes = self.boxes
        return (boxes[:, 2] >= row0) & (boxes[:, 0] < row1) & (boxes[:, 3] >= col0) & (boxes[:, 1] < col1)

    def windows(self, side: int) -> list[Window]:
        """The windows of raster_windows(side) that a feature's box reaches into (over the window's full side, as
        if the raster went on past its edges)."""
        return [
            window
            for window in raster_windows(self.height, self.width, side)
            if self.touching(window.row_off, window.row_off + side, window.col_off, window.col_off + side).any()
        ]
