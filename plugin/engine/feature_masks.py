"""A window's feature mask: the feature under each pixel, as its index + 1 (0 under none), polygons rasterised and
points painted with their disc of pixels."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from affine import Affine
from rasterio.features import rasterize
from rasterio.windows import Window
from rasterio.windows import transform as window_transform

from .sampling_config import LabelledFeature


def polygon_mask(features: Sequence[LabelledFeature], selected: np.ndarray, window: Window, transform: Affine):
    """The feature mask of the selected polygons over window (points are left out): a pixel belongs to the polygon
    its centre lies in."""
    polygons = [(features[i].geometry, i + 1) for i in selected if not features[i].is_point]
    shape = (int(window.height), int(window.width))
    if not polygons:
        return np.zeros(shape, dtype=np.int32)
    return rasterize(polygons, out_shape=shape, transform=window_transform(window, transform), fill=0, dtype="int32")


def point_pixels(
    features: Sequence[LabelledFeature], selected: np.ndarray, transform: Affine
) -> list[tuple[int, int, int]]:
    """(feature index, row, col) of the pixel under every point of the selected point features."""
    inverse = ~transform
    pixels = []
    for i in selected:
        geometry = features[i].geometry
        if geometry["type"] not in ("Point", "MultiPoint"):
            continue
        coords = [geometry["coordinates"]] if geometry["type"] == "Point" else geometry["coordinates"]
        for x, y in (c[:2] for c in coords):
            col, row = (int(np.floor(v)) for v in inverse * (x, y))
            pixels.append((int(i), row, col))
    return pixels


def paint_points(
    feature_mask: np.ndarray, pixels: list[tuple[int, int, int]], row0: int, col0: int, radius: int
) -> None:
    """Paints points (point_pixels, on the grid whose pixel (row0, col0) is the mask's top-left) into a feature
    mask, in place: the pixel under each, and its disc of radius pixels where no polygon lies. Discs go first and
    points' own pixels last, so that a disc never takes the pixel of another point, which may be of the other split."""
    pixels = [(i, row - row0, col - col0) for i, row, col in pixels]
    height, width = feature_mask.shape
    if radius:
        dr, dc = np.nonzero(np.hypot(*np.mgrid[-radius : radius + 1, -radius : radius + 1]) <= radius)
        free = feature_mask == 0
        for i, row, col in pixels:
            rows, cols = row + dr - radius, col + dc - radius
            inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
            rows, cols = rows[inside], cols[inside]
            feature_mask[rows[free[rows, cols]], cols[free[rows, cols]]] = i + 1
    for i, row, col in pixels:
        if 0 <= row < height and 0 <= col < width:
            feature_mask[row, col] = i + 1
