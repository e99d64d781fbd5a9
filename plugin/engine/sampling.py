"""Cuts training patches (imagettes) and their masks out of a raster inside labelled polygons or at points.

The raster is read by chunks (a square of CHUNK pixels plus a halo of one patch), only where
features are, so memory does not grow with the raster and patches that share pixels share reads.
Validation is split by feature, and training patches that overlap a validation patch are dropped,
so no validation pixel is ever seen in training. Each patch's mask labels the pixels whose centre
lies in a feature of the patch's own split, so a validation polygon is never a label in training.

Small features next to the patch get what they can hold:
- the class share of a patch counts its own class's pixels against what the patch could hold of
  its feature (the patch's area, or the feature's when smaller), so a polygon smaller than the
  patch still gives patches;
- with the default stride, a feature's grid is tightened (down to 1 px) until it gives about
  MIN_PATCHES_PER_FEATURE patch centres.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from rasterio.features import rasterize
from rasterio.windows import Window
from rasterio.windows import transform as window_transform

from . import dataset as ds
from .classes import ClassEntry, table_to_dicts
from .errors import ImagetteError
from .io import band_names, box_shares, check_writable, open_raster, read_with_mask
from .progress import Progress
from .versions import software_versions

CHUNK = 1024
COPY_BATCH = 1024
# The default grid is tightened inside features too small for this many patch centres. On the real-imagery
# benchmark (bench/bench_real.py, Landsat 7 at 28.5 m, 24 small training polygons, seeds 1-3) 16 instead of 4
# raised the U-Net's held-out map macro-F1 from 0.41 to 0.56 (a random forest: 0.46): each labelled pixel is seen
# at more places in its patches. On Sentinel-2 (OSM polygons of 100-5000 px, seeds 1-2) it cost 0.52 -> 0.47,
# still above the forest's 0.39; 8 was no better than 4 on Landsat (0.47). Large polygons are not affected.
MIN_PATCHES_PER_FEATURE = 16
FEW_TRAINING_PATCHES = 20  # below this, a class is said to have too few patches to learn from
# Errors of a write that the person can fix by freeing space or choosing another folder.
WRITE_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM)

REJECT_EDGE = "patch crosses the raster edge"
REJECT_NODATA = "patch holds too much nodata"
REJECT_MIXED = "too little of the patch inside its own class"
REJECT_OVERLAP = "training patch overlaps a validation patch"
REJECT_CAP = "over the per-class cap"


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
    """What to sample; sizes and strides are in raster pixels."""

    raster_path: str
    features: list[LabelledFeature]
    classes: list[ClassEntry]
    output_dir: str
    patch_size: int = 32
    stride: int = 0  # 0: half the patch size
    min_class_share: float = 0.5
    nodata_tolerance: float = 0.0
    max_per_class: int = 0  # 0: no cap
    validation_fraction: float = 0.2
    seed: int = 42
    provenance: dict = field(default_factory=dict)  # written as is into the metadata

    @property
    def grid_stride(self) -> int:
        return self.stride or max(1, self.patch_size // 2)

    def feature_strides(self, areas: np.ndarray) -> np.ndarray:
        """Grid stride inside each feature (areas in pixels): the stride asked for, else the default tightened
        for small features."""
        if self.stride:
            return np.full(len(self.features), self.stride, dtype=np.int64)
        fitting = np.floor(np.sqrt(areas / MIN_PATCHES_PER_FEATURE)).astype(np.int64)
        return np.clip(fitting, 1, self.grid_stride)  # points get 1; they give one patch each anyway


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


def _ring_area(ring: list) -> float:
    xy = np.asarray(ring, dtype=np.float64)[:, :2]
    return 0.5 * abs(float(np.dot(xy[:-1, 0], xy[1:, 1]) - np.dot(xy[1:, 0], xy[:-1, 1])))


def polygon_area(geometry: dict) -> float:
    """Area of a GeoJSON-like Polygon or MultiPolygon in squared CRS units (0 for points)."""
    polygons = {"Polygon": [geometry["coordinates"]], "MultiPolygon": geometry["coordinates"]}.get(geometry["type"], [])
    return sum(_ring_area(rings[0]) - sum(_ring_area(hole) for hole in rings[1:]) for rings in polygons)


@dataclass
class _Candidates:
    """Accepted patches of pass 1: pixel position of the centre, class code and feature."""

    rows: list = field(default_factory=list)
    cols: list = field(default_factory=list)
    codes: list = field(default_factory=list)
    groups: list = field(default_factory=list)

    def add(self, rows, cols, codes, groups) -> None:
        self.rows.append(rows)
        self.cols.append(cols)
        self.codes.append(codes)
        self.groups.append(groups)

    def arrays(self) -> tuple[np.ndarray, ...]:
        if not self.rows:
            return tuple(np.zeros(0, dtype=np.int64) for _ in range(4))
        return tuple(
            np.concatenate(parts).astype(np.int64) for parts in (self.rows, self.cols, self.codes, self.groups)
        )


def _check_config(config: SamplingConfig) -> None:
    if config.patch_size < ds.MIN_PATCH_SIZE:
        raise ImagetteError(
            f"The patch size must be at least {ds.MIN_PATCH_SIZE} pixels (got {config.patch_size}): every network "
            f"halves its input 3 times, so smaller patches cannot be trained on. Choose a patch size of {ds.MIN_PATCH_SIZE} "
            "or more (16 to 64 suits most imagery)."
        )
    if not 0 <= config.validation_fraction < 1:
        raise ImagetteError(f"The validation fraction must be between 0 and 1 (got {config.validation_fraction}).")
    if not 0 <= config.min_class_share <= 1 or not 0 <= config.nodata_tolerance <= 1:
        raise ImagetteError("The minimum class share and the nodata tolerance are fractions between 0 and 1.")
    if not config.features:
        raise ImagetteError(
            "The vector layer has no feature with a class. Check the layer, the class field and the selection."
        )


class _Sampler:
    """One sampling run: pass 1 finds and cuts valid patches, then split, filter and write."""

    def __init__(self, config: SamplingConfig, src, progress: Progress) -> None:
        self.config = config
        self.src = src
        self.progress = progress
        self.size = config.patch_size
        self.before = config.patch_size // 2  # pixels of the patch before its centre pixel
        self.rejected: Counter = Counter()
        self.warnings: list[str] = []
        self.features = config.features
        self.codes = np.array([f.code for f in self.features], dtype=np.int64)
        self.pixel_boxes = self._pixel_boxes()
        pixel_area = abs(src.transform.a * src.transform.e - src.transform.b * src.transform.d)
        areas = np.array([polygon_area(f.geometry) for f in self.features]) / pixel_area
        self.strides = config.feature_strides(areas)
        # Share of a patch its feature can fill: the patch, or the feature when smaller (points: the patch).
        self.fillable = np.where(areas > 0, np.clip(areas, 1, self.size**2), self.size**2) / self.size**2
        # One feature-index map per candidate patch (feature index + 1, 0 outside): the masks are made from them.
        self.map_dtype = np.dtype(np.uint16 if len(self.features) < 2**16 - 1 else np.int32)

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

    def chunks(self) -> list[Window]:
        """Chunk windows that hold at least one feature."""
        height, width = self.src.height, self.src.width
        inside = self.touching(0, height, 0, width)
        if not inside.any():
            raise ImagetteError(
                "The vector layer does not overlap the raster: no feature lies inside the raster's extent. "
                "Check that both layers cover the same place and that their CRS are set correctly."
            )
        outside = int((~inside).sum())
        if outside:
            self.rejected["feature outside the raster"] += outside
        windows = []
        for row in range(0, height, CHUNK):
            for col in range(0, width, CHUNK):
                if self.touching(row, row + CHUNK, col, col + CHUNK).any():
                    windows.append(Window(col, row, min(CHUNK, width - col), min(CHUNK, height - row)))
        return windows

    def run_pass_one(self, patch_file, map_file) -> _Candidates:
        windows = self.chunks()
        tightened = int((self.strides < self.config.grid_stride).sum())
        if tightened:
            self.progress.info(
                f"{tightened} feature(s) are too small for {MIN_PATCHES_PER_FEATURE} patch centres on the grid of "
                f"{self.config.grid_stride} px: their grid is tightened (down to {int(self.strides.min())} px)."
            )
        found = _Candidates()
        for window in self.progress.iterate(windows, len(windows), 0, 80):
            self._sample_chunk(window, found, patch_file, map_file)
        return found

    def _candidates_in_core(self, core: Window, halo: Window, feature_map: np.ndarray, selected: np.ndarray):
        """Centre pixels (absolute rows, cols) and feature index of every candidate in the chunk core.

        A pixel of feature f is a centre when its row and column fall on f's grid (stride s, offset s // 2).
        """
        top, left = core.row_off - halo.row_off, core.col_off - halo.col_off
        feature_index = feature_map[top : top + core.height, left : left + core.width].astype(np.int64) - 1
        rr, cc = np.nonzero(feature_index >= 0)
        index = feature_index[rr, cc]
        rows, cols = rr + core.row_off, cc + core.col_off
        stride = self.strides[index]
        keep = (rows % stride == stride // 2) & (cols % stride == stride // 2)
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

    def _sample_chunk(self, core: Window, found: _Candidates, patch_file, map_file) -> None:
        size, before = self.size, self.before
        row0, col0 = max(0, core.row_off - size), max(0, core.col_off - size)
        row1 = min(self.src.height, core.row_off + core.height + size)
        col1 = min(self.src.width, core.col_off + core.width + size)
        halo = Window(col0, row0, col1 - col0, row1 - row0)
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
        if rows.size == 0:
            return
        for i, row, col in self._point_pixels(selected):  # a point labels the pixel under it in the masks
            if row0 <= row < row1 and col0 <= col < col1:
                feature_map[row - row0, col - col0] = i + 1
        top, left = rows - before, cols - before  # absolute top-left of each patch
        inside = (top >= 0) & (left >= 0) & (top + size <= self.src.height) & (left + size <= self.src.width)
        self.rejected[REJECT_EDGE] += int((~inside).sum())
        rows, cols, index, top, left = rows[inside], cols[inside], index[inside], top[inside], left[inside]
        if rows.size == 0:
            return
        data, valid = read_with_mask(self.src, halo)
        top_in, left_in = top - row0, left - col0  # relative to the halo window
        invalid_share = box_shares(~valid, top_in, left_in, size)
        keep = invalid_share <= self.config.nodata_tolerance
        self.rejected[REJECT_NODATA] += int((~keep).sum())
        codes = self.codes[index]
        class_map = np.concatenate([[0], self.codes])[feature_map]  # feature_map holds feature index + 1, 0 outside
        from_polygon = np.array([not self.features[i].is_point for i in index], dtype=bool)
        for code in np.unique(codes[from_polygon]):
            of_code = from_polygon & (codes == code)
            share = box_shares(class_map == code, top_in[of_code], left_in[of_code], size)
            mixed = share < self.config.min_class_share * self.fillable[index[of_code]]
            self.rejected[REJECT_MIXED] += int((mixed & keep[of_code]).sum())
            keep[np.flatnonzero(of_code)[mixed]] = False
        if not keep.any():
            return
        # Windows spanning all bands: indexing by top-left gives (patches, bands, size, size) directly.
        windows = np.lib.stride_tricks.sliding_window_view(data, (data.shape[0], size, size))[0]
        patches = np.ascontiguousarray(windows[top_in[keep], left_in[keep]])
        if self.config.nodata_tolerance > 0:
            _fill_invalid(
                patches, np.lib.stride_tricks.sliding_window_view(valid, (size, size))[top_in[keep], left_in[keep]]
            )
        patch_file.write(patches.tobytes())
        labelled = np.where(valid, feature_map, 0)  # nodata pixels are never labels
        maps = np.lib.stride_tricks.sliding_window_view(labelled, (size, size))[top_in[keep], left_in[keep]]
        map_file.write(maps.astype(self.map_dtype).tobytes())
        found.add(rows[keep], cols[keep], codes[keep], np.array([self.features[i].feature_id for i in index[keep]]))

    def split(self, codes: np.ndarray, groups: np.ndarray) -> np.ndarray:
        """Whole features go to training or validation, per class, seeded; returns the split of each patch."""
        rng = np.random.default_rng(self.config.seed)
        split = np.full(codes.size, ds.TRAIN, dtype=np.uint8)
        if self.config.validation_fraction == 0:
            return split
        names = {entry.code: entry.name for entry in self.config.classes}
        for code in np.unique(codes):
            of_class = codes == code
            group_ids, counts = np.unique(groups[of_class], return_counts=True)
            if group_ids.size < 2:
                self.warn(
                    f"Class '{names[code]}' has patches from only one feature, so it cannot be both trained and "
                    "validated without leaking: all its patches go to training and it will not be validated. "
                    "Digitise at least one more feature of this class."
                )
                continue
            order = rng.permutation(group_ids.size)
            target = self.config.validation_fraction * counts.sum()
            chosen, taken = [], 0
            for position in order[:-1]:  # at least one feature stays in training
                if taken >= target:
                    break
                chosen.append(group_ids[position])
                taken += counts[position]
            split[of_class & np.isin(groups, chosen)] = ds.VALIDATION
        return split

    def drop_overlaps(self, rows: np.ndarray, cols: np.ndarray, split: np.ndarray) -> np.ndarray:
        """Mask of patches to keep: training patches sharing a pixel with a validation patch go."""
        size = self.size
        cells: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i in np.flatnonzero(split == ds.VALIDATION):
            cells[(rows[i] // size, cols[i] // size)].append(i)
        keep = np.ones(rows.size, dtype=bool)
        if not cells:
            return keep
        for i in np.flatnonzero(split == ds.TRAIN):
            cell_row, cell_col = rows[i] // size, cols[i] // size
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    for j in cells.get((cell_row + dr, cell_col + dc), ()):
                        if abs(rows[j] - rows[i]) < size and abs(cols[j] - cols[i]) < size:
                            keep[i] = False
        self.rejected[REJECT_OVERLAP] += int((~keep).sum())
        return keep

    def cap(self, codes: np.ndarray, keep: np.ndarray) -> np.ndarray:
        """Keeps at most max_per_class patches of each class, chosen at random (seeded)."""
        limit = self.config.max_per_class
        if limit <= 0:
            return keep
        rng = np.random.default_rng(self.config.seed + 1)
        keep = keep.copy()
        for code in np.unique(codes[keep]):
            members = np.flatnonzero(keep & (codes == code))
            if members.size > limit:
                dropped = rng.choice(members, members.size - limit, replace=False)
                keep[dropped] = False
                self.rejected[REJECT_CAP] += dropped.size
        return keep


def _fill_invalid(patches: np.ndarray, valid: np.ndarray) -> None:
    """Replaces nodata pixels of tolerated patches by the patch's band means, in place."""
    for patch, patch_valid in zip(patches, valid):
        if not patch_valid.all() and patch_valid.any():
            means = patch[:, patch_valid].mean(axis=1)
            patch[:, ~patch_valid] = means[:, None].astype(patch.dtype)


class _BandStatistics:
    """Running per-band mean and standard deviation, fed batch by batch."""

    def __init__(self, bands: int) -> None:
        self.total, self.total_sq, self.count = np.zeros(bands), np.zeros(bands), 0

    def add(self, batch: np.ndarray) -> None:
        values = batch.astype(np.float64)
        self.total += values.sum(axis=(0, 2, 3))
        self.total_sq += np.square(values).sum(axis=(0, 2, 3))
        self.count += values.shape[0] * values.shape[2] * values.shape[3]

    def result(self) -> tuple[list[float], list[float]]:
        mean = self.total / max(self.count, 1)
        std = np.sqrt(np.maximum(self.total_sq / max(self.count, 1) - mean**2, 0))
        return [float(value) for value in mean], [float(value) for value in np.maximum(std, 1e-6)]


def _copy_rows(candidates: Path, target: Path, selection: np.ndarray, row_shape: tuple, dtype, convert) -> None:
    """Copies the selected rows of a raw candidate file to target, in order, through convert(batch, start).

    Each batch maps only the span of rows it needs and unmaps it after, so memory stays flat
    whatever the number of patches. start is the batch's position in the selection.
    """
    row_bytes = int(np.prod(row_shape)) * np.dtype(dtype).itemsize
    with open(target, "wb") as out:
        for start in range(0, selection.size, COPY_BATCH):
            rows = selection[start : start + COPY_BATCH]
            first = int(rows[0])
            span = np.memmap(
                candidates,
                dtype=dtype,
                mode="r",
                offset=first * row_bytes,
                shape=(int(rows[-1]) - first + 1, *row_shape),
            )
            batch = np.ascontiguousarray(span[rows - first])
            del span
            out.write(np.ascontiguousarray(convert(batch, start)).tobytes())


def mask_dtype(codes: np.ndarray) -> np.dtype:
    """The smallest unsigned type that holds every class code."""
    largest = int(codes.max(initial=0))
    return np.dtype(np.uint8 if largest < 2**8 else np.uint16 if largest < 2**16 else np.uint32)


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
        check_writable(output, "dataset folder", folder=True)
        return _sample_into(config, output, progress)
    except OSError as error:
        if error.errno not in WRITE_ERRORS:
            raise
        raise ImagetteError(
            f"Cannot write the dataset in '{output}': {error.strerror}. Free some disk space or choose another "
            "folder; an earlier dataset there is left as it was."
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
                f"The patch size ({size} px) is larger than the raster ({src.width} x {src.height} px). Choose a smaller patch size."
            )
        sampler = _Sampler(config, src, progress)
        raw_path, maps_path = Path(work) / "candidates.bin", Path(work) / "candidate_maps.bin"
        with open(raw_path, "wb") as patch_file, open(maps_path, "wb") as map_file:
            rows, cols, codes, groups = sampler.run_pass_one(patch_file, map_file).arrays()
        if np.unique(codes).size < 2:
            found = ", ".join(sorted({e.name for e in config.classes if e.code in set(codes.tolist())})) or "none"
            raise ImagetteError(
                f"Patches were found for fewer than two classes (classes with patches: {found}). A classifier needs at "
                "least two. Check the patch size (smaller patches fit in smaller polygons), the minimum class share "
                "and the nodata tolerance, or digitise larger polygons."
            )
        split = sampler.split(codes, groups)
        keep = sampler.cap(codes, sampler.drop_overlaps(rows, cols, split))
        selection = np.flatnonzero(keep)
        progress.check_canceled()

        feature_split = _feature_split(config.features, groups, split)
        codes, groups, split = codes[selection], groups[selection], split[selection]
        bands, dtype = src.count, np.dtype(src.dtypes[0])
        statistics = _BandStatistics(bands)

        def measured(batch: np.ndarray, start: int) -> np.ndarray:
            training = split[start : start + len(batch)] == ds.TRAIN
            if training.any():
                statistics.add(batch[training])
            progress.set_percent(80 + 10 * start / max(selection.size, 1))
            progress.check_canceled()
            return batch

        _copy_rows(raw_path, Path(work) / ds.PATCHES_FILE, selection, (bands, size, size), dtype, measured)
        raw_path.unlink()
        mean, std = statistics.result()
        # Row s of the lookup labels a feature's pixels in patches of split s: its code if it is of that split.
        masks_dtype = mask_dtype(sampler.codes)
        lookup = np.zeros((2, len(config.features) + 1), dtype=masks_dtype)
        for split_index in (ds.TRAIN, ds.VALIDATION):
            lookup[split_index, 1:] = np.where(feature_split == split_index, sampler.codes, 0)

        def masked(maps: np.ndarray, start: int) -> np.ndarray:
            progress.set_percent(90 + 5 * start / max(selection.size, 1))
            return lookup[split[start : start + len(maps), None, None], maps]

        _copy_rows(maps_path, Path(work) / ds.MASKS_FILE, selection, (size, size), sampler.map_dtype, masked)
        maps_path.unlink()
        _warn_few_patches(sampler, codes, split)
        top_left = np.stack([rows[selection], cols[selection]]) - size // 2
        xs, ys = src.transform * (top_left[1] + size / 2, top_left[0] + size / 2)
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
                "stride": config.grid_stride,
                "min_class_share": config.min_class_share,
                "nodata_tolerance": config.nodata_tolerance,
                "max_per_class": config.max_per_class,
                "validation_fraction": config.validation_fraction,
                "seed": config.seed,
            },
            "counts": _count_table(codes, split),
            "masks": {"dtype": masks_dtype.name, "unlabelled": 0},
            "rejected": dict(sampler.rejected),
            "warnings": sampler.warnings,
            "provenance": config.provenance,
            "software": software_versions(),
        }
        for name, array in (
            ("labels", codes.astype(np.int32)),
            ("split", split),
            ("groups", groups),
            ("centres", centres),
        ):
            np.save(Path(work) / f"{name}.npy", array)
        _write_features(Path(work) / ds.FEATURES_FILE, config.features, feature_split, src.crs)
        (Path(work) / ds.METADATA_FILE).write_text(json.dumps(metadata, indent=1, ensure_ascii=False), encoding="utf-8")
        _publish(Path(work), output)
    progress.set_percent(100)
    return SamplingResult(output, metadata, centres, codes, split)


def _feature_split(features: list[LabelledFeature], groups: np.ndarray, split: np.ndarray) -> np.ndarray:
    """Split of every feature: that of its patches; training for a feature that gave none."""
    split_of_id = {int(group): int(part) for group, part in zip(groups, split)}
    return np.array([split_of_id.get(f.feature_id, ds.TRAIN) for f in features], dtype=np.int64)


def _write_features(path: Path, features: list[LabelledFeature], feature_split: np.ndarray, crs) -> None:
    """The features as GeoJSON in the raster's CRS, with their code and split: map-level validation reads them."""
    collection = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": crs.to_string()}},
        "features": [
            {
                "type": "Feature",
                "id": feature.feature_id,
                "properties": {"code": feature.code, "split": ds.SPLIT_NAMES[int(part)]},
                "geometry": feature.geometry,
            }
            for feature, part in zip(features, feature_split)
        ],
    }
    path.write_text(json.dumps(collection), encoding="utf-8")


def _warn_few_patches(sampler: _Sampler, codes: np.ndarray, split: np.ndarray) -> None:
    """Names the classes with too few training patches to learn from, and what to change."""
    names = {entry.code: entry.name for entry in sampler.config.classes}
    for code in np.unique(sampler.codes):
        count = int(((codes == code) & (split == ds.TRAIN)).sum())
        if count < FEW_TRAINING_PATCHES:
            features = int((sampler.codes == code).sum())
            sampler.warn(
                f"Class '{names.get(int(code), code)}' has {count} training patch(es) from {features} feature(s): too "
                f"few to learn from (aim for {FEW_TRAINING_PATCHES} or more). Digitise more or larger polygons of this "
                "class, choose a smaller patch size, or lower the minimum class share."
            )


def _publish(work: Path, output: Path) -> None:
    """Moves the finished files into output, the metadata last, so a dataset is never seen half-made."""
    (output / ds.METADATA_FILE).unlink(missing_ok=True)
    for path in sorted(work.iterdir(), key=lambda p: p.name == ds.METADATA_FILE):
        os.replace(path, output / path.name)
