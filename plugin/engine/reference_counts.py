"""Counting a class map against reference polygons or points: the confusion matrix, and the reference on nodata.

Training reuses it to score a map on validation polygons, window by window or feature by feature: counts add up.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from affine import Affine
from rasterio.features import rasterize

from .geometry import Geometry
from .metrics import classification_scores


@dataclass
class ReferenceCounts:
    """What reference_confusion counted.

    confusion: (len(codes), len(codes)) int64, rows reference class, columns map class, in the order of codes.
    on_nodata: reference pixels (or points) per reference class that fell on map nodata.
    ambiguous: polygon pixels inside polygons of two or more different reference classes (not counted).
    other: reference pixels on a map value that is not in codes (not counted in the matrix).
    """

    codes: list[int]
    confusion: np.ndarray
    on_nodata: np.ndarray
    ambiguous: int = 0
    other: int = 0

    @classmethod
    def empty(cls, codes: Sequence[int]) -> ReferenceCounts:
        """Counts of nothing yet, over codes."""
        size = len(codes)
        return cls(list(codes), np.zeros((size, size), dtype=np.int64), np.zeros(size, dtype=np.int64))

    @property
    def nodata_pixels(self) -> int:
        return int(self.on_nodata.sum())

    def __iadd__(self, more: ReferenceCounts) -> ReferenceCounts:
        self.confusion += more.confusion
        self.on_nodata += more.on_nodata
        self.ambiguous += more.ambiguous
        self.other += more.other
        return self


def is_point(geometry: Geometry) -> bool:
    return geometry["type"] in ("Point", "MultiPoint")


def _point_coordinates(geometry: Geometry) -> list:
    return [geometry["coordinates"]] if geometry["type"] == "Point" else list(geometry["coordinates"])


def point_pixels(geometry: Geometry, transform: Affine) -> list[tuple[int, int]]:
    """(row, col) of the pixel under each point of a Point or MultiPoint, on the grid of transform."""
    inverse = ~transform
    pixels = []
    for x, y in (coordinates[:2] for coordinates in _point_coordinates(geometry)):
        col, row = inverse * (x, y)
        pixels.append((int(math.floor(row)), int(math.floor(col))))
    return pixels


def reference_confusion(
    class_array: np.ndarray,
    transform: Affine,
    features: Sequence[tuple[Geometry, int]],
    codes: Sequence[int],
    nodata: int | float | None = 0,
) -> ReferenceCounts:
    """Scores a class-code array on reference geometries.

    A polygon counts the pixels whose centre lies inside it (rasterio's rasterize, not all_touched); a
    point counts the pixel under it, once per point. Pixels inside polygons of two or more different
    classes have no single reference class: they are counted as ambiguous and left out. Geometries or
    points outside the array count nothing, so an array can be scored window by window and the counts added.

    Args:
        class_array: 2-D class codes; nodata (0 by default) marks pixels without a class.
        transform: affine transform of the array (its top-left pixel corner and pixel size).
        features: (GeoJSON-like geometry in the array's CRS, reference class code).
        codes: class codes of the matrix's rows and columns, in order; reference codes not in it are ignored.
        nodata: the array's nodata value, or None when every value is a class. NaN is nodata in float arrays.

    Returns:
        ReferenceCounts: the confusion matrix (rows reference, columns map) and the pixels on nodata.
    """
    codes = [int(code) for code in codes]
    size = len(codes)
    counts = ReferenceCounts.empty(codes)
    if size == 0 or class_array.size == 0:
        return counts
    rows, cols = class_array.shape
    index_of = {code: index for index, code in enumerate(codes)}

    reference: list[np.ndarray] = []  # index of the reference class per counted pixel
    mapped: list[np.ndarray] = []  # map value of the same pixel
    polygons: dict[int, list[Geometry]] = {}
    for geometry, code in features:
        if int(code) not in index_of:
            continue
        if is_point(geometry):
            for row, col in point_pixels(geometry, transform):
                if 0 <= row < rows and 0 <= col < cols:
                    reference.append(np.array([index_of[int(code)]]))
                    mapped.append(class_array[row : row + 1, col])
        else:
            polygons.setdefault(int(code), []).append(geometry)
    if polygons:
        label = np.zeros((rows, cols), dtype=np.int64)  # reference class index + 1
        classes_here = np.zeros((rows, cols), dtype=np.uint16)
        for code, shapes in polygons.items():
            inside = rasterize(
                ((shape, 1) for shape in shapes), out_shape=(rows, cols), transform=transform, fill=0, dtype="uint8"
            ).astype(bool)
            classes_here += inside
            label[inside] = index_of[code] + 1
        single = classes_here == 1
        counts.ambiguous = int((classes_here > 1).sum())
        reference.append(label[single] - 1)
        mapped.append(class_array[single])
    if not reference:
        return counts
    truth = np.concatenate(reference)
    values = np.concatenate(mapped)
    missing = np.zeros(values.shape, dtype=bool)
    if nodata is not None and not (isinstance(nodata, float) and math.isnan(nodata)):
        missing |= values == nodata
    if values.dtype.kind == "f":
        missing |= np.isnan(values)
    counts.on_nodata += np.bincount(truth[missing], minlength=size)
    truth, values = truth[~missing], values[~missing]
    lookup = np.asarray(codes, dtype=np.float64 if values.dtype.kind == "f" else np.int64)
    order = np.argsort(lookup)
    position = np.clip(np.searchsorted(lookup[order], values), 0, size - 1)
    listed = lookup[order][position] == values
    counts.other = int((~listed).sum())
    predicted = order[position[listed]]
    counts.confusion += np.bincount(truth[listed] * size + predicted, minlength=size * size).reshape(size, size)
    return counts


def unclassified_scores(counts: ReferenceCounts) -> dict:
    """Scores with the reference on map nodata counted against the map: an "unclassified" column beside the map's
    classes, so a map that leaves part of the reference without a class loses overall accuracy, kappa and the
    producer's accuracy of those classes there. The user's accuracies are those of the mapped area (no map class
    was given there). per_class holds the reference classes only, in code order; support counts their pixels on
    nodata too."""
    classes = len(counts.codes)
    extended = np.zeros((classes + 1, classes + 1), dtype=np.int64)
    extended[:classes, :classes] = counts.confusion
    extended[:classes, classes] = counts.on_nodata
    scores = classification_scores(extended)
    scores["per_class"] = scores["per_class"][:classes]
    return scores
