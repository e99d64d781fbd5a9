"""Cuts training patches (imagettes) and their masks out of a raster inside labelled polygons or at points.

The raster is read by chunks (a square of CHUNK pixels plus a halo of one patch), only where
features are, so memory does not grow with the raster and patches that share pixels share reads.

Every label the user drew should reach training, so nothing is dropped for being near the other split:
- the split is decided first, by whole features, per class and seeded, so that the validation
  features hold the share of labelled pixels (points: of points) that was asked for;
- each patch's mask labels the pixels whose centre lies in a feature of the patch's own split, so a
  validation label is never a training target, though a training patch may see validation imagery
  as context around its labels;
- a patch that crosses the raster edge, holds nodata or lies mostly outside its own class is kept,
  its outside and nodata pixels unlabelled and filled with the patch's band means: segmentation
  networks learn from its labelled pixels. It is marked not classifiable, and patch classifiers (one
  class per patch) leave it out, as the minimum class share and the nodata tolerance ask.

Small features next to the patch get what they can hold:
- the class share of a patch counts its own class's pixels against what the patch could hold of
  its feature (the patch's area, or the feature's when smaller), so a polygon smaller than the
  patch still gives patches;
- with the default spacing, a feature's grid is tightened (down to 1 px) until it gives about
  MIN_PATCHES_PER_FEATURE patch centres.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from rasterio.features import rasterize
from rasterio.windows import Window
from rasterio.windows import transform as window_transform

from . import dataset as ds
from .choices import MIN_PATCH_SIZE
from .classes import ClassEntry, table_to_dicts
from .errors import ImagetteError
from .geometry import point_count, polygon_area
from .i18n import tr, tr_noop
from .io import DATASET_FOLDER, band_names, box_shares, check_writable, open_raster, read_with_mask
from .label_split import split_features
from .patch_copy import BandStatistics, TrainingReach, copy_rows
from .progress import Progress
from .versions import software_versions

CHUNK = 1024
# The default grid is tightened inside features too small for this many patch centres. On the real-imagery
# benchmark (bench/bench_real.py, Landsat 7 at 28.5 m, 24 small training polygons, seeds 1-3) 16 instead of 4
# raised the U-Net's held-out map macro-F1 from 0.41 to 0.56 (a random forest: 0.46): each labelled pixel is seen
# at more places in its patches. On Sentinel-2 (OSM polygons of 100-5000 px, seeds 1-2) it cost 0.52 -> 0.47,
# still above the forest's 0.39; 8 was no better than 4 on Landsat (0.47). Large polygons are not affected.
MIN_PATCHES_PER_FEATURE = 16
FEW_TRAINING_PATCHES = 20  # below this, a class is said to have too few patches to learn from
# Errors of a write that the person can fix by freeing space or choosing another folder.
WRITE_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM)

# Why a patch is not classifiable: patch classifiers leave it out, segmentation networks learn from its labels.
# These reasons, and those a candidate or a feature is rejected for, are the English keys of the dataset's
# metadata ("not_classifiable", "rejected"); tr() gives the words shown where they are logged.
NOT_CLASSIFIABLE_EDGE = tr_noop("patch crosses the raster edge")
NOT_CLASSIFIABLE_NODATA = tr_noop("patch holds more nodata than tolerated")
NOT_CLASSIFIABLE_MIXED = tr_noop("too little of the patch inside its own class")
REJECT_NODATA_CENTRE = tr_noop("patch centre on nodata")
REJECT_CAP = tr_noop("over the per-class cap")
REJECT_OUTSIDE = tr_noop("feature outside the raster")


@dataclass
class LabelledFeature:
    """A polygon or point with its class, in the raster's CRS."""

    feature_id: int
    code: int
    geometry: dict  # GeoJSON-like: Polygon, MultiPolygon, Point or MultiPoint
    bounds: tuple[float, float, float, float]  # xmin, ymin, xmax, ymax

    @property
    def is_point(self) -> bool:
        return self.geometry["type"] in ("Point", "MultiPoint")


@dataclass
class SamplingConfig:
    """What to sample; sizes and spacings are in raster pixels."""

    raster_path: str
    features: list[LabelledFeature]
    classes: list[ClassEntry]
    output_dir: str
    patch_size: int = 32
    stride: int = 0  # spacing of the patch centres (the public STRIDE's name); 0: half the patch size
    min_class_share: float = 0.5
    nodata_tolerance: float = 0.0
    max_per_class: int = 0  # 0: no cap
    point_radius: int = 0  # a point labels the pixels within this many pixels of its own (0: its pixel only)
    validation_fraction: float = 0.2
    seed: int = 42
    provenance: dict = field(default_factory=dict)  # written as is into the metadata

    @property
    def grid_spacing(self) -> int:
        return self.stride or max(1, self.patch_size // 2)

    def feature_spacings(self, areas: np.ndarray) -> np.ndarray:
        """Spacing of the centres inside each feature (areas in pixels): the spacing asked for, else the default tightened
        for small features."""
        if self.stride:
            return np.full(len(self.features), self.stride, dtype=np.int64)
        fitting = np.floor(np.sqrt(areas / MIN_PATCHES_PER_FEATURE)).astype(np.int64)
        return np.clip(fitting, 1, self.grid_spacing)  # points get 1; they give one patch each anyway


@dataclass
class SamplingResult:
    dataset_path: Path
    metadata: dict
    centres: np.ndarray
    labels: np.ndarray
    split: np.ndarray

    def footprints(self):
        """Yields (xmin, ymin, xmax, ymax, code, split name) of every patch, in the raster CRS."""
        boxes = ds.patch_boxes(self.centres, self.metadata)
        for (xmin, ymin, xmax, ymax), code, split in zip(boxes.tolist(), self.labels, self.split):
            yield xmin, ymin, xmax, ymax, int(code), ds.SPLIT_NAMES[split]


@dataclass
class _Candidates:
    """Patches of pass 1: pixel position of the centre, feature index and whether patch classifiers may use it."""

    rows: list = field(default_factory=list)
    cols: list = field(default_factory=list)
    features: list = field(default_factory=list)
    classifiable: list = field(default_factory=list)

    def add(self, rows, cols, features, classifiable) -> None:
        self.rows.append(rows)
        self.cols.append(cols)
        self.features.append(features)
        self.classifiable.append(classifiable)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        if not self.rows:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty, np.zeros(0, dtype=bool)
        rows, cols, features = (
            np.concatenate(parts).astype(np.int64) for parts in (self.rows, self.cols, self.features)
        )
        return rows, cols, features, np.concatenate(self.classifiable).astype(bool)


def _check_config(config: SamplingConfig) -> None:
    if config.patch_size < MIN_PATCH_SIZE:
        raise ImagetteError(
            tr(
                "The patch size must be at least {least} pixels (got {size}): every network halves its input 3 "
                "times, so smaller patches cannot be trained on. Choose a patch size of {least} or more (16 to 64 "
                "suits most imagery)."
            ).format(least=MIN_PATCH_SIZE, size=config.patch_size)
        )
    if not 0 <= config.validation_fraction < 1:
        raise ImagetteError(
            tr("The validation fraction must be between 0 and 1 (got {fraction}).").format(
                fraction=config.validation_fraction
            )
        )
    if not 0 <= config.min_class_share <= 1 or not 0 <= config.nodata_tolerance <= 1:
        raise ImagetteError(tr("The minimum class share and the nodata tolerance are fractions between 0 and 1."))
    if not config.features:
        raise ImagetteError(
            tr("The vector layer has no feature with a class. Check the layer, the class field and the selection.")
        )


class _Sampler:
    """One sampling run: split the features, find and cut patches (pass 1), then cap and write."""

    def __init__(self, config: SamplingConfig, src, progress: Progress) -> None:
        self.config = config
        self.src = src
        self.progress = progress
        self.size = config.patch_size
        self.before = config.patch_size // 2  # pixels of the patch before its centre pixel
        self.rejected: Counter = Counter()
        self.not_classifiable: Counter = Counter()
        self.warnings: list[str] = []
        self.features = config.features
        self.codes = np.array([f.code for f in self.features], dtype=np.int64)
        self.pixel_boxes = self._pixel_boxes()
        pixel_area = abs(src.transform.a * src.transform.e - src.transform.b * src.transform.d)
        areas = np.array([polygon_area(f.geometry) for f in self.features]) / pixel_area
        self.spacings = config.feature_spacings(areas)
        # Share of a patch its feature can fill: the patch, or the feature when smaller (points: the patch).
        self.fillable = np.where(areas > 0, np.clip(areas, 1, self.size**2), self.size**2) / self.size**2
        # One feature-index map per candidate patch (feature index + 1, 0 outside): the masks are made from them.
        self.feature_mask_dtype = np.dtype(np.uint16 if len(self.features) < 2**16 - 1 else np.int32)
        self.inside = self.touching(0, src.height, 0, src.width)
        points = np.array([point_count(f.geometry) for f in self.features], dtype=np.float64)
        self.feature_split = self.split(np.where(points > 0, points, areas))
        # Labelled pixels of every feature that hold data (a point labels the pixel under it), counted in pass 1.
        self.labelled_pixels = np.zeros(len(self.features), dtype=np.int64)

    def warn(self, message: str) -> None:
        self.warnings.append(message)
        self.progress.warning(message)

    def _pixel_boxes(self) -> np.ndarray:
        """Row/col bounds (row0, col0, row1, col1) of every feature, as floats."""
        inverse = ~self.src.transform
        boxes = np.empty((len(self.features), 4))
        for index, feature in enumerate(self.features):
            xmin, ymin, xmax, ymax = feature.bounds
            cols, rows = zip(*(inverse * corner for corner in ((xmin, ymin), (xmin, ymax), (xmax, ymin), (xmax, ymax))))
            boxes[index] = (min(rows), min(cols), max(rows), max(cols))
        return boxes

    def touching(self, row0: float, row1: float, col0: float, col1: float) -> np.ndarray:
        """Mask of the features whose pixel box reaches into rows [row0, row1) and cols [col0, col1)."""
        boxes = self.pixel_boxes
        return (boxes[:, 2] >= row0) & (boxes[:, 0] < row1) & (boxes[:, 3] >= col0) & (boxes[:, 1] < col1)

    def split(self, weights: np.ndarray) -> np.ndarray:
        """Split of every feature (see split_features), with a warning for each class that cannot be validated."""
        split, lone = split_features(
            self.codes, weights, self.inside, self.config.validation_fraction, self.config.seed
        )
        names = {entry.code: entry.name for entry in self.config.classes}
        for code in lone:
            self.warn(
                tr(
                    "Class '{name}' has only one feature on the raster, so it cannot be both trained and validated "
                    "without leaking: it goes to training and will not be validated. Digitise at least one more "
                    "feature of this class."
                ).format(name=names[code])
            )
        return split

    def chunks(self) -> list[Window]:
        """Chunk windows that hold at least one feature."""
        height, width = self.src.height, self.src.width
        if not self.inside.any():
            raise ImagetteError(
                tr(
                    "The vector layer does not overlap the raster: no feature lies inside the raster's extent. "
                    "Check that both layers cover the same place and that their CRS are set correctly."
                )
            )
        outside = int((~self.inside).sum())
        if outside:
            self.rejected[REJECT_OUTSIDE] += outside
        windows = []
        for row in range(0, height, CHUNK):
            for col in range(0, width, CHUNK):
                if self.touching(row, row + CHUNK, col, col + CHUNK).any():
                    windows.append(Window(col, row, min(CHUNK, width - col), min(CHUNK, height - row)))
        return windows

    def run_pass_one(self, patch_file, feature_mask_file) -> _Candidates:
        windows = self.chunks()
        tightened = int((self.spacings < self.config.grid_spacing).sum())
        if tightened:
            self.progress.info(
                tr(
                    "{count} feature(s) are too small for {centres} patch centres on the grid of {spacing} px: their "
                    "grid is tightened (down to {least} px)."
                ).format(
                    count=tightened,
                    centres=MIN_PATCHES_PER_FEATURE,
                    spacing=self.config.grid_spacing,
                    least=int(self.spacings.min()),
                )
            )
        found = _Candidates()
        for window in self.progress.iterate(windows, len(windows), 0, 80):
            self._sample_chunk(window, found, patch_file, feature_mask_file)
        return found

    def _candidates_in_core(self, core: Window, halo: Window, feature_map: np.ndarray, selected: np.ndarray):
        """Centre pixels (absolute rows, cols) and feature index of every candidate in the chunk core.

        A pixel of feature f is a centre when its row and column fall on f's grid (spacing s, offset s // 2).
        """
        top, left = core.row_off - halo.row_off, core.col_off - halo.col_off
        feature_index = feature_map[top : top + core.height, left : left + core.width].astype(np.int64) - 1
        rr, cc = np.nonzero(feature_index >= 0)
        index = feature_index[rr, cc]
        rows, cols = rr + core.row_off, cc + core.col_off
        spacing = self.spacings[index]
        keep = (rows % spacing == spacing // 2) & (cols % spacing == spacing // 2)
        rows, cols, index = rows[keep], cols[keep], index[keep]
        point_rows, point_cols, point_index = [], [], []
        for i, row, col in self._point_pixels(selected):
            if core.row_off <= row < core.row_off + core.height and core.col_off <= col < core.col_off + core.width:
                point_rows.append(row)
                point_cols.append(col)
                point_index.append(i)
        if point_rows:
            rows = np.concatenate([rows, point_rows])
            cols = np.concatenate([cols, point_cols])
            index = np.concatenate([index, point_index])
        return rows.astype(np.int64), cols.astype(np.int64), index.astype(np.int64)

    def _point_pixels(self, selected: np.ndarray) -> Iterator[tuple[int, int, int]]:
        """(feature index, row, col) of the pixel under every point of the selected point features."""
        inverse = ~self.src.transform
        for i in selected:
            geometry = self.features[i].geometry
            if geometry["type"] not in ("Point", "MultiPoint"):
                continue
            coords = [geometry["coordinates"]] if geometry["type"] == "Point" else geometry["coordinates"]
            for x, y in (c[:2] for c in coords):
                col, row = (int(np.floor(v)) for v in inverse * (x, y))
                yield int(i), row, col

    def _paint_points(self, feature_map: np.ndarray, row0: int, col0: int, selected: np.ndarray) -> None:
        """Labels the pixel under every point in the feature map (feature index + 1), and its disc of point_radius
        where no polygon lies. Discs go first and points' own pixels last, so that a disc never takes the pixel
        of another point, which may be of the other split."""
        radius = self.config.point_radius
        pixels = [(i, row - row0, col - col0) for i, row, col in self._point_pixels(selected)]
        height, width = feature_map.shape
        if radius:
            dr, dc = np.nonzero(np.hypot(*np.mgrid[-radius : radius + 1, -radius : radius + 1]) <= radius)
            free = feature_map == 0
            for i, row, col in pixels:
                rows, cols = row + dr - radius, col + dc - radius
                inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
                rows, cols = rows[inside], cols[inside]
                feature_map[rows[free[rows, cols]], cols[free[rows, cols]]] = i + 1
        for i, row, col in pixels:
            if 0 <= row < height and 0 <= col < width:
                feature_map[row, col] = i + 1

    def _read_halo(self, halo: Window) -> tuple[np.ndarray, np.ndarray]:
        """The halo's data and valid pixels; the part outside the raster is 0 and not valid."""
        data = np.zeros((self.src.count, int(halo.height), int(halo.width)), dtype=self.src.dtypes[0])
        valid = np.zeros(data.shape[1:], dtype=bool)
        row0, col0 = max(0, halo.row_off), max(0, halo.col_off)
        row1 = min(self.src.height, halo.row_off + halo.height)
        col1 = min(self.src.width, halo.col_off + halo.width)
        inner = (slice(row0 - halo.row_off, row1 - halo.row_off), slice(col0 - halo.col_off, col1 - halo.col_off))
        data[(slice(None), *inner)], valid[inner] = read_with_mask(
            self.src, Window(col0, row0, col1 - col0, row1 - row0)
        )
        return data, valid

    def _sample_chunk(self, core: Window, found: _Candidates, patch_file, feature_mask_file) -> None:
        size, before = self.size, self.before
        # The halo reaches one patch beyond the core on every side, past the raster's edge where the core meets it.
        halo = Window(core.col_off - size, core.row_off - size, core.width + 2 * size, core.height + 2 * size)
        row0, col0 = halo.row_off, halo.col_off
        row1, col1 = row0 + halo.height, col0 + halo.width
        selected = np.flatnonzero(self.touching(row0, row1, col0, col1))
        polygons = [(self.features[i].geometry, i + 1) for i in selected if not self.features[i].is_point]
        shape = (int(halo.height), int(halo.width))
        transform = window_transform(halo, self.src.transform)
        feature_map = (
            rasterize(polygons, out_shape=shape, transform=transform, fill=0, dtype="int32")
            if polygons
            else np.zeros(shape, dtype=np.int32)
        )
        rows, cols, index = self._candidates_in_core(core, halo, feature_map, selected)
        self._paint_points(feature_map, row0, col0, selected)
        data, valid = self._read_halo(halo)
        labelled = np.where(valid, feature_map, 0)  # nodata pixels are never labels
        in_core = labelled[size : size + core.height, size : size + core.width]
        self.labelled_pixels += np.bincount(in_core.ravel(), minlength=len(self.features) + 1)[1:]
        top_in, left_in = rows - before - row0, cols - before - col0  # top-left of each patch in the halo
        on_data = valid[rows - row0, cols - col0]
        self.rejected[REJECT_NODATA_CENTRE] += int((~on_data).sum())
        rows, cols, index, top_in, left_in = (array[on_data] for array in (rows, cols, index, top_in, left_in))
        if rows.size == 0:
            return
        top, left = top_in + row0, left_in + col0
        inside = (top >= 0) & (left >= 0) & (top + size <= self.src.height) & (left + size <= self.src.width)
        tolerated = box_shares(~valid, top_in, left_in, size) <= self.config.nodata_tolerance
        classifiable = inside & tolerated
        self.not_classifiable[NOT_CLASSIFIABLE_EDGE] += int((~inside).sum())
        self.not_classifiable[NOT_CLASSIFIABLE_NODATA] += int((inside & ~tolerated).sum())
        codes = self.codes[index]
        class_map = np.concatenate([[0], self.codes])[feature_map]  # feature_map holds feature index + 1, 0 outside
        from_polygon = np.array([not self.features[i].is_point for i in index], dtype=bool)
        for code in np.unique(codes[from_polygon]):
            of_code = from_polygon & (codes == code)
            share = box_shares(class_map == code, top_in[of_code], left_in[of_code], size)
            mixed = share < self.config.min_class_share * self.fillable[index[of_code]]
            self.not_classifiable[NOT_CLASSIFIABLE_MIXED] += int((mixed & classifiable[of_code]).sum())
            classifiable[np.flatnonzero(of_code)[mixed]] = False
        # Windows spanning all bands: indexing by top-left gives (patches, bands, size, size) directly.
        windows = np.lib.stride_tricks.sliding_window_view(data, (data.shape[0], size, size))[0]
        patches = np.ascontiguousarray(windows[top_in, left_in])
        _fill_invalid(patches, np.lib.stride_tricks.sliding_window_view(valid, (size, size))[top_in, left_in])
        patch_file.write(patches.tobytes())
        feature_masks = np.lib.stride_tricks.sliding_window_view(labelled, (size, size))[top_in, left_in]
        feature_mask_file.write(feature_masks.astype(self.feature_mask_dtype).tobytes())
        found.add(rows, cols, index, classifiable)

    def cap(self, codes: np.ndarray, classifiable: np.ndarray) -> np.ndarray:
        """Mask of the patches kept: at most max_per_class of each class, chosen at random (seeded).

        Classifiable patches are drawn first, so that a patch classifier, which trains on those alone, gets
        the cap too wherever the class has that many.
        """
        keep = np.ones(codes.size, dtype=bool)
        limit = self.config.max_per_class
        if limit <= 0:
            return keep
        rng = np.random.default_rng(self.config.seed + 1)
        for code in np.unique(codes):
            members = rng.permutation(np.flatnonzero(codes == code))
            if members.size > limit:
                dropped = members[np.argsort(~classifiable[members], kind="stable")][limit:]
                keep[dropped] = False
                self.rejected[REJECT_CAP] += dropped.size
        return keep


def _fill_invalid(patches: np.ndarray, valid: np.ndarray) -> None:
    """Replaces the nodata (and outside) pixels of patches by the patch's band means, in place."""
    for patch, patch_valid in zip(patches, valid):
        if not patch_valid.all() and patch_valid.any():
            means = patch[:, patch_valid].mean(axis=1)
            patch[:, ~patch_valid] = means[:, None].astype(patch.dtype)


def _count_table(codes: np.ndarray, split: np.ndarray) -> dict[str, dict[str, int]]:
    return {
        name: {str(code): int(((codes == code) & (split == index)).sum()) for code in np.unique(codes)}
        for index, name in enumerate(ds.SPLIT_NAMES)
    }


def sample_patches(config: SamplingConfig, progress: Progress | None = None) -> SamplingResult:
    """Samples patches and writes the dataset folder at config.output_dir.

    The folder's files are written beside it first and moved in at the end, dataset.json last,
    so an error or a cancel leaves no half-written dataset behind.
    """
    progress = progress or Progress()
    _check_config(config)
    output = Path(config.output_dir)
    created = _first_missing(output)
    try:
        check_writable(output, DATASET_FOLDER, folder=True)
        return _sample_into(config, output, progress)
    except OSError as error:
        if error.errno not in WRITE_ERRORS:
            raise
        raise ImagetteError(
            tr(
                "Cannot write the dataset in '{folder}': {problem}. Free some disk space or choose another folder; "
                "an earlier dataset there is left as it was."
            ).format(folder=output, problem=error.strerror)
        ) from error
    finally:
        if created is not None and not (output / ds.METADATA_FILE).is_file():
            shutil.rmtree(created, ignore_errors=True)  # only folders this run made: nothing else is in them


def _first_missing(folder: Path) -> Path | None:
    """The outermost of folder and its parents that does not exist yet (None when folder exists)."""
    missing = None
    for candidate in (folder.absolute(), *folder.absolute().parents):
        if candidate.exists():
            break
        missing = candidate
    return missing


def _sample_into(config: SamplingConfig, output: Path, progress: Progress) -> SamplingResult:
    with open_raster(config.raster_path) as src, tempfile.TemporaryDirectory(prefix=".imagette-", dir=output) as work:
        size = config.patch_size
        if size > src.width or size > src.height:
            raise ImagetteError(
                tr(
                    "The patch size ({size} px) is larger than the raster ({width} x {height} px). Choose a smaller "
                    "patch size."
                ).format(size=size, width=src.width, height=src.height)
            )
        sampler = _Sampler(config, src, progress)
        raw_path, feature_masks_path = Path(work) / "candidates.bin", Path(work) / "candidate_feature_masks.bin"
        with open(raw_path, "wb") as patch_file, open(feature_masks_path, "wb") as feature_mask_file:
            rows, cols, index, classifiable = sampler.run_pass_one(patch_file, feature_mask_file).arrays()
        codes = sampler.codes[index]
        if np.unique(codes).size < 2:
            found = ", ".join(sorted({e.name for e in config.classes if e.code in set(codes.tolist())})) or tr("none")
            raise ImagetteError(
                tr(
                    "Patches were found for fewer than two classes (classes with patches: {found}). A classifier "
                    "needs at least two. Check the patch size (smaller patches fit in smaller polygons), or digitise "
                    "larger polygons."
                ).format(found=found)
            )
        selection = np.flatnonzero(sampler.cap(codes, classifiable))
        progress.check_canceled()

        rows, cols, index, classifiable = (array[selection] for array in (rows, cols, index, classifiable))
        codes, split = sampler.codes[index], sampler.feature_split[index]
        groups = np.array([f.feature_id for f in config.features], dtype=np.int64)[index]
        bands, dtype = src.count, np.dtype(src.dtypes[0])
        statistics = BandStatistics(bands)

        def measured(batch: np.ndarray, start: int) -> np.ndarray:
            training = split[start : start + len(batch)] == ds.TRAIN
            if training.any():
                statistics.add(batch[training])
            progress.set_percent(80 + 10 * start / max(selection.size, 1))
            progress.check_canceled()
            return batch

        copy_rows(raw_path, Path(work) / ds.PATCHES_FILE, selection, (bands, size, size), dtype, measured)
        raw_path.unlink()
        mean, std = statistics.result()
        # Row s of the lookup labels a feature's pixels in patches of split s: its code if it is of that split.
        masks_dtype = ds.mask_dtype(sampler.codes)
        lookup = np.zeros((2, len(config.features) + 1), dtype=masks_dtype)
        for split_index in (ds.TRAIN, ds.VALIDATION):
            lookup[split_index, 1:] = np.where(sampler.feature_split == split_index, sampler.codes, 0)
        tops, lefts = rows - size // 2, cols - size // 2
        reach = TrainingReach(src.width)

        def masked(feature_masks: np.ndarray, start: int) -> np.ndarray:
            progress.set_percent(90 + 5 * start / max(selection.size, 1))
            batch = slice(start, start + len(feature_masks))
            masks = lookup[split[batch, None, None], feature_masks]
            training = split[batch] == ds.TRAIN
            reach.add(feature_masks[training], masks[training] > 0, tops[batch][training], lefts[batch][training])
            return masks

        copy_rows(
            feature_masks_path, Path(work) / ds.MASKS_FILE, selection, (size, size), sampler.feature_mask_dtype, masked
        )
        feature_masks_path.unlink()
        label_use = _label_use(sampler, codes, split, reach.per_feature(len(config.features)))
        _report_label_use(sampler, label_use)
        xs, ys = src.transform * (lefts + size / 2, tops + size / 2)
        centres = np.column_stack([xs, ys]).astype(np.float64)
        present = set(codes.tolist())
        metadata = {
            "format": ds.FORMAT,
            "format_version": ds.FORMAT_VERSION,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "count": int(selection.size),
            "patch_size": size,
            "bands": {"count": bands, "names": band_names(src), "dtype": dtype.name, "nodata": src.nodata},
            "classes": table_to_dicts(e for e in config.classes if e.code in present),
            "normalization": {"mean": mean, "std": std},
            "pixel_size": [abs(src.transform.a), abs(src.transform.e)],
            "crs": src.crs.to_wkt(),
            "crs_name": src.crs.to_string(),
            "raster": str(Path(config.raster_path).resolve()),
            "sampling": {
                "stride": config.grid_spacing,
                "min_class_share": config.min_class_share,
                "nodata_tolerance": config.nodata_tolerance,
                "max_per_class": config.max_per_class,
                "point_radius": config.point_radius,
                "validation_fraction": config.validation_fraction,
                "seed": config.seed,
            },
            "counts": _count_table(codes, split),
            "classifiable_counts": _count_table(codes[classifiable], split[classifiable]),
            "labels": label_use,
            "masks": {"dtype": masks_dtype.name, "unlabelled": 0},
            "rejected": dict(sampler.rejected),
            "not_classifiable": dict(sampler.not_classifiable),
            "warnings": sampler.warnings,
            "provenance": config.provenance,
            "software": software_versions(),
        }
        arrays = {"labels": codes.astype(np.int32), "split": split, "groups": groups, "centres": centres}
        ds.write_arrays(Path(work), {**arrays, ds.CLASSIFIABLE: classifiable})
        features = [(f.feature_id, f.code, f.geometry) for f in config.features]
        ds.write_features(Path(work), features, sampler.feature_split, src.crs.to_string())
        ds.write_metadata(Path(work), metadata)
        _publish(Path(work), output)
    progress.set_percent(100)
    return SamplingResult(output, metadata, centres, codes, split)


def _label_use(sampler: _Sampler, codes: np.ndarray, split: np.ndarray, reached: np.ndarray) -> dict:
    """Per split and class: features on the raster, patches, labelled pixels, and (training) those in its masks."""
    table: dict[str, dict[str, dict[str, int]]] = {name: {} for name in ds.SPLIT_NAMES}
    for split_index, name in enumerate(ds.SPLIT_NAMES):
        for code in np.unique(sampler.codes[sampler.inside]):
            members = sampler.inside & (sampler.codes == code) & (sampler.feature_split == split_index)
            row = {
                "features": int(members.sum()),
                "patches": int(((codes == code) & (split == split_index)).sum()),
                "labelled_pixels": int(sampler.labelled_pixels[members].sum()),
            }
            if split_index == ds.TRAIN:
                row["in_training_masks"] = int(reached[members].sum())
            table[name][str(code)] = row
    return table


def _report_label_use(sampler: _Sampler, label_use: dict) -> None:
    """Logs, per class, what reached training and validation, and names the classes too poor to learn from with
    the fix that suits their layout."""
    names = {entry.code: entry.name for entry in sampler.config.classes}
    for code, training in label_use["train"].items():
        validation = label_use["validation"][code]
        labelled = training["labelled_pixels"] + validation["labelled_pixels"]
        name = names.get(int(code), code)
        sampler.progress.info(
            tr(
                "Class '{name}': {features} training feature(s), {patches} patch(es), {reached} of their {labelled} "
                "labelled pixel(s) in training masks; {validation_features} validation feature(s), "
                "{validation_patches} patch(es), {validation_share} of the class's labelled pixels."
            ).format(
                name=name,
                features=training["features"],
                patches=training["patches"],
                reached=_percent(training["in_training_masks"], training["labelled_pixels"]),
                labelled=training["labelled_pixels"],
                validation_features=validation["features"],
                validation_patches=validation["patches"],
                validation_share=_percent(validation["labelled_pixels"], labelled),
            )
        )
        if training["patches"] >= FEW_TRAINING_PATCHES:
            continue
        of_class = sampler.inside & (sampler.codes == int(code))
        points = all(sampler.features[i].is_point for i in np.flatnonzero(of_class))
        remedy = (
            tr("Add points of this class: each point on data gives one patch.")
            if points
            else tr(
                "Digitise more or larger polygons of this class, or set a smaller stride (more patch centres in each "
                "polygon)."
            )
        )
        sampler.warn(
            tr(
                "Class '{name}' has {patches} training patch(es) from {features} feature(s): too few to learn from "
                "(aim for {least} or more). {remedy}"
            ).format(
                name=name,
                patches=training["patches"],
                features=training["features"],
                least=FEW_TRAINING_PATCHES,
                remedy=remedy,
            )
        )


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "0 %"


def _publish(work: Path, output: Path) -> None:
    """Moves the finished files into output, the metadata last, so a dataset is never seen half-made."""
    (output / ds.METADATA_FILE).unlink(missing_ok=True)
    for path in sorted(work.iterdir(), key=lambda p: p.name == ds.METADATA_FILE):
        os.replace(path, output / path.name)
