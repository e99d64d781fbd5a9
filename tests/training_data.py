"""Seeded datasets for the training tests, sampled from tests/scenes.py rasters by the engine (no QGIS),
and a Progress that records the log and cancels on cue."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import rasterio
from imagette.plugin.engine.classes import ClassEntry
from imagette.plugin.engine.progress import Progress
from imagette.plugin.engine.sampling import LabelledFeature, SamplingConfig, sample_patches

from tests.scenes import CLASS_COLORS, CLASSES, Scene, make_scene


def sample_scene(scene: Scene, output: Path, classes=CLASSES, **sampling) -> Path:
    """Samples the scene's polygons into a dataset folder; keyword arguments go to SamplingConfig."""
    features = []
    for index, (code, _, ring) in enumerate(scene.polygons):
        xs, ys = [x for x, _ in ring], [y for _, y in ring]
        features.append(
            LabelledFeature(
                index, code, {"type": "Polygon", "coordinates": [ring]}, (min(xs), min(ys), max(xs), max(ys))
            )
        )
    table = [ClassEntry(code, name, CLASS_COLORS[code]) for code, name, _ in classes]
    sample_patches(SamplingConfig(str(scene.raster), features, table, str(output), **sampling))
    return output


def small_dataset(folder: Path, bands: int = 4, patch_size: int = 8, max_per_class: int = 8, **sampling) -> Path:
    """A few patches of three classes: enough for a training step, in well under a second."""
    classes = CLASSES[:3]
    scene = make_scene(folder, cells=4, cell=32, bands=bands, classes=classes, seed=bands)
    return sample_scene(
        scene, folder / "dataset", classes, patch_size=patch_size, max_per_class=max_per_class, **sampling
    )


def pattern_dataset(folder: Path, patch_size: int = 16, max_per_class: int = 400) -> Path:
    """Poplar (trees in rows) against forest (trees at random) with exactly the same pixel values.

    Each forest region's values are replaced, band by band and by rank, with those of a poplar
    region: the two classes then have identical per-pixel value distributions and differ only
    by spatial pattern, which only a model that sees texture can use.
    """
    scene = make_scene(folder, cells=4, cell=96, classes=CLASSES[:2], nodata_block=False, seed=7)
    cell = scene.cell
    with rasterio.open(scene.raster, "r+") as dst:
        data = dst.read()
        regions = {1: [], 2: []}
        for top in range(0, data.shape[1], cell):
            for left in range(0, data.shape[2], cell):
                regions[int(scene.truth[top, left])].append((slice(top, top + cell), slice(left, left + cell)))
        for rows, scattered in zip(regions[1], regions[2]):
            for band in data:
                reference = np.sort(band[rows], axis=None)
                order = np.argsort(band[scattered], axis=None)
                matched = np.empty_like(reference)
                matched[order] = reference
                band[scattered] = matched.reshape(cell, cell)
        dst.write(data)
    return sample_scene(scene, folder / "dataset", CLASSES[:2], patch_size=patch_size, max_per_class=max_per_class)


class Recorder(Progress):
    """Keeps log lines; cancels once progress passes cancel_above (percent)."""

    def __init__(self, cancel_above: float | None = None) -> None:
        self.lines: list[str] = []
        self.warnings: list[str] = []
        self.percent = 0.0
        self.cancel_above = cancel_above

    def set_percent(self, percent: float) -> None:
        self.percent = percent

    def info(self, message: str) -> None:
        self.lines.append(message)

    def warning(self, message: str) -> None:
        self.warnings.append(message)

    def is_canceled(self) -> bool:
        return self.cancel_above is not None and self.percent > self.cancel_above
