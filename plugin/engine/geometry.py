"""GeoJSON-like geometries as the engine passes them around: their extent and area, in the raster's CRS."""

from __future__ import annotations

import math

import numpy as np

Geometry = dict  # GeoJSON-like: {"type": ..., "coordinates": ...}


def geometry_bounds(geometry: Geometry) -> tuple[float, float, float, float]:
    """xmin, ymin, xmax, ymax of a GeoJSON-like geometry (NaN when it has no coordinates)."""
    xs: list[float] = []
    ys: list[float] = []

    def walk(coordinates) -> None:
        if coordinates and isinstance(coordinates[0], (int, float)):
            xs.append(float(coordinates[0]))
            ys.append(float(coordinates[1]))
        else:
            for part in coordinates:
                walk(part)

    if geometry["type"] == "GeometryCollection":
        for part in geometry["geometries"]:
            walk(part["coordinates"])
    else:
        walk(geometry["coordinates"])
    if not xs:
        return (math.nan,) * 4  # type: ignore[return-value]
    return min(xs), min(ys), max(xs), max(ys)


def _ring_area(ring: list) -> float:
    xy = np.asarray(ring, dtype=np.float64)[:, :2]
    return 0.5 * abs(float(np.dot(xy[:-1, 0], xy[1:, 1]) - np.dot(xy[1:, 0], xy[:-1, 1])))


def polygon_area(geometry: dict) -> float:
    """Area of a GeoJSON-like Polygon or MultiPolygon in squared CRS units (0 for points)."""
    polygons = {"Polygon": [geometry["coordinates"]], "MultiPolygon": geometry["coordinates"]}.get(geometry["type"], [])
    return sum(_ring_area(rings[0]) - sum(_ring_area(hole) for hole in rings[1:]) for rings in polygons)


def point_count(geometry: dict) -> int:
    """Points of a Point or MultiPoint geometry (0 for polygons)."""
    return {"Point": 1, "MultiPoint": len(geometry["coordinates"])}.get(geometry["type"], 0)
