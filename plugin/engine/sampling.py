"""Cuts training patches (imagettes) out of a raster inside labelled polygons or at labelled points.

The raster is read by chunks (a square of CHUNK pixels plus a halo of one patch), only where
features are, so memory does not grow with the raster and patches that share pixels share reads.
Validation is split by feature, and training patches that overlap a validation patch are dropped,
so no validation pixel is ever seen in training.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter, defaultdict
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
from .io import band_names, box_shares, open_raster, read_with_mask
from .progress import Progress
from .versions import software_versions

CHUNK = 1024
COPY_BATCH = 1024

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


@dataclass
class SamplingResult:
    dataset_path: Path
    metadata: dict
    centres: np.ndarray
    labels: np.ndarray
    split: np.ndarray

    def footprints(self):
        """Yields (xmin, ymin, xmax, ymax, code, split name) of every patch, in the raster CRS."""
        half_x = self.metadata["patch_size"] * abs(self.metadata["pixel_size"][0]) / 2
        half_y = self.metadata["patch_size"] * abs(self.metadata["pixel_size"][1]) / 2
        for (x, y), code, split in zip(self.centres, self.labels, self.split):
            yield x - half_x, y - half_y, x + half_x, y + half_y, int(code), ds.SPLIT_NAMES[split]


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
    if config.patch_size < 2:
        raise ImagetteError(f"The patch size must be at least 2 pixels (got {config.patch_size}).")
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

    def run_pass_one(self, patch_file) -> _Candidates:
        windows = self.chunks()
        found = _Candidates()
        for window in self.progress.iterate(windows, len(windows), 0, 80):
            self._sample_chunk(window, found, patch_file)
        return found

    def _candidates_in_core(self, core: Window, halo: Window, feature_map: np.ndarray, selected: np.ndarray):
        """Centre pixels (absolute rows, cols) and feature index of every candidate in the chunk core."""
        stride = self.config.grid_stride
        offset = stride // 2
        first_row = core.row_off + (offset - core.row_off) % stride
        first_col = core.col_off + (offset - core.col_off) % stride
        grid_rows = np.arange(first_row, core.row_off + core.height, stride)
        grid_cols = np.arange(first_col, core.col_off + core.width, stride)
        rr, cc = np.meshgrid(grid_rows, grid_cols, indexing="ij")
        feature_index = feature_map[rr - halo.row_off, cc - halo.col_off] - 1
        keep = feature_index >= 0
        rows, cols, index = rr[keep], cc[keep], feature_index[keep]
        point_rows, point_cols, point_index = [], [], []
        inverse = ~self.src.transform
        for i in selected:
            feature = self.features[i]
            if not feature.is_point:
                continue
            coords = (
                [feature.geometry["coordinates"]]
                if feature.geometry["type"] == "Point"
                else feature.geometry["coordinates"]
            )
            for x, y in (c[:2] for c in coords):
                col, row = (int(np.floor(v)) for v in inverse * (x, y))
                if core.row_off <= row < core.row_off + core.height and core.col_off <= col < core.col_off + core.width:
                    point_rows.append(row)
                    point_cols.append(col)
                    point_index.append(i)
        if point_rows:
            rows = np.concatenate([rows, point_rows])
            cols = np.concatenate([cols, point_cols])
            index = np.concatenate([index, point_index])
        return rows.astype(np.int64), cols.astype(np.int64), index.astype(np.int64)

    def _sample_chunk(self, core: Window, found: _Candidates, patch_file) -> None:
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
            mixed = share < self.config.min_class_share
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
        return mean.tolist(), np.maximum(std, 1e-6).tolist()


def _copy_selected(
    candidates: Path, target: Path, selection: np.ndarray, training: np.ndarray, patch_shape: tuple, dtype, progress
) -> tuple[list[float], list[float]]:
    """Copies the selected candidate patches to target, in order, and returns the training band statistics.

    Each batch maps only the span of rows it needs and unmaps it after, so memory stays flat
    whatever the number of patches.
    """
    row_bytes = int(np.prod(patch_shape)) * dtype.itemsize
    statistics = _BandStatistics(patch_shape[0])
    batches = range(0, selection.size, COPY_BATCH)
    with open(target, "wb") as out:
        for start in progress.iterate(batches, len(batches), 80, 95):
            rows = selection[start : start + COPY_BATCH]
            first = int(rows[0])
            span = np.memmap(
                candidates,
                dtype=dtype,
                mode="r",
                offset=first * row_bytes,
                shape=(int(rows[-1]) - first + 1, *patch_shape),
            )
            batch = np.ascontiguousarray(span[rows - first])
            del span
            out.write(batch.tobytes())
            if training[start : start + COPY_BATCH].any():
                statistics.add(batch[training[start : start + COPY_BATCH]])
    return statistics.result()


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
    output.mkdir(parents=True, exist_ok=True)
    with open_raster(config.raster_path) as src, tempfile.TemporaryDirectory(prefix=".imagette-", dir=output) as work:
        size = config.patch_size
        if size > src.width or size > src.height:
            raise ImagetteError(
                f"The patch size ({size} px) is larger than the raster ({src.width} x {src.height} px). Choose a smaller patch size."
            )
        sampler = _Sampler(config, src, progress)
        raw_path = Path(work) / "candidates.bin"
        with open(raw_path, "wb") as patch_file:
            rows, cols, codes, groups = sampler.run_pass_one(patch_file).arrays()
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

        codes, groups, split = codes[selection], groups[selection], split[selection]
        bands, dtype = src.count, np.dtype(src.dtypes[0])
        mean, std = _copy_selected(
            raw_path, Path(work) / ds.PATCHES_FILE, selection, split == ds.TRAIN, (bands, size, size), dtype, progress
        )
        raw_path.unlink()
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
        (Path(work) / ds.METADATA_FILE).write_text(json.dumps(metadata, indent=1, ensure_ascii=False), encoding="utf-8")
        _publish(Path(work), output)
    progress.set_percent(100)
    return SamplingResult(output, metadata, centres, codes, split)


def _publish(work: Path, output: Path) -> None:
    """Moves the finished files into output, the metadata last, so a dataset is never seen half-made."""
    (output / ds.METADATA_FILE).unlink(missing_ok=True)
    for path in sorted(work.iterdir(), key=lambda p: p.name == ds.METADATA_FILE):
        os.replace(path, output / path.name)
