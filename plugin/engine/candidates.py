"""The candidate patches of a sampling run: found and cut window by window where features are, each with its
feature mask, marked classifiable or not, then capped per class.

A pixel of a polygon is a candidate's centre when its row and column fall on the polygon's grid (spacing s, offset
s // 2); the pixel under a point is one. The raster is read by windows of CHUNK pixels plus a halo of one patch, only
where features are, so memory does not grow with the raster and patches that share pixels share reads. Patches and
feature masks go to two raw files, one row per candidate, from which patch_copy.py copies the ones kept.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from rasterio.windows import Window

from .errors import ImagetteError
from .feature_masks import paint_points, point_pixels, polygon_mask
from .i18n import tr, tr_noop
from .io import box_shares, read_padded
from .pixel_boxes import PixelBoxes
from .progress import Progress
from .sampling_config import SamplingConfig

CHUNK = 1024  # side of the windows the raster is read by, in pixels
# The default grid is tightened inside features too small for this many patch centres. On the real-imagery
# benchmark (bench/bench_real.py, Landsat 7 at 28.5 m, 24 small training polygons, seeds 1-3) 16 instead of 4
# raised the U-Net's held-out map macro-F1 from 0.41 to 0.56 (a random forest: 0.46): each labelled pixel is seen
# at more places in its patches. On Sentinel-2 (OSM polygons of 100-5000 px, seeds 1-2) it cost 0.52 -> 0.47,
# still above the forest's 0.39; 8 was no better than 4 on Landsat (0.47). Large polygons are not affected.
MIN_PATCHES_PER_FEATURE = 16

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
class Candidates:
    """The candidates in the order of the raw files: pixel position of the centre, feature index and whether patch
    classifiers may use them."""

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


def centre_spacings(config: SamplingConfig, areas: np.ndarray) -> np.ndarray:
    """Spacing of the centres inside each feature (areas in pixels): the spacing asked for, else the default tightened
    for small features, down to 1 px, until they hold about MIN_PATCHES_PER_FEATURE centres."""
    if config.stride:
        return np.full(len(config.features), config.stride, dtype=np.int64)
    fitting = np.floor(np.sqrt(areas / MIN_PATCHES_PER_FEATURE)).astype(np.int64)
    return np.clip(fitting, 1, config.grid_spacing)  # points get 1; they give one patch each anyway


class CandidateSearch:
    """Finds and cuts the candidates of one sampling run, counting the features' labelled pixels on the way and the
    candidates it rejects or marks not classifiable, by reason."""

    def __init__(
        self,
        config: SamplingConfig,
        src,
        feature_codes: np.ndarray,
        boxes: PixelBoxes,
        areas: np.ndarray,
        progress: Progress,
    ) -> None:
        self.config, self.src, self.progress = config, src, progress
        self.features, self.codes, self.boxes = config.features, feature_codes, boxes
        self.size = config.patch_size
        self.before = config.patch_size // 2  # pixels of the patch before its centre pixel
        self.spacings = centre_spacings(config, areas)
        # Share of a patch its feature can fill: the patch, or the feature when smaller (points: the patch).
        self.fillable = np.where(areas > 0, np.clip(areas, 1, self.size**2), self.size**2) / self.size**2
        self.feature_mask_dtype = np.dtype(np.uint16 if len(self.features) < 2**16 - 1 else np.int32)
        # Labelled pixels of every feature that hold data (a point labels the pixel under it).
        self.labelled_pixels = np.zeros(len(self.features), dtype=np.int64)
        self.rejected: Counter = Counter()
        self.not_classifiable: Counter = Counter()

    def run(self, patch_file, feature_mask_file) -> Candidates:
        """Writes every candidate's patch and feature mask to the two files (progress 0 to 80 %).

        Raises:
            ImagetteError: no feature lies on the raster.
        """
        if not self.boxes.inside.any():
            raise ImagetteError(
                tr(
                    "The vector layer does not overlap the raster: no feature lies inside the raster's extent. "
                    "Check that both layers cover the same place and that their CRS are set correctly."
                )
            )
        outside = int((~self.boxes.inside).sum())
        if outside:
            self.rejected[REJECT_OUTSIDE] += outside
        windows = self.boxes.windows(CHUNK)
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
        found = Candidates()
        for window in self.progress.iterate(windows, len(windows), 0, 80):
            self._search_window(window, found, patch_file, feature_mask_file)
        return found

    def _search_window(self, core: Window, found: Candidates, patch_file, feature_mask_file) -> None:
        """The candidates centred in core, cut from core and a halo of one patch around it."""
        size = self.size
        # The halo reaches one patch beyond the core on every side, past the raster's edge where the core meets it.
        halo = Window(core.col_off - size, core.row_off - size, core.width + 2 * size, core.height + 2 * size)
        row0, col0 = halo.row_off, halo.col_off
        selected = np.flatnonzero(self.boxes.touching(row0, row0 + halo.height, col0, col0 + halo.width))
        feature_mask = polygon_mask(self.features, selected, halo, self.src.transform)
        points = point_pixels(self.features, selected, self.src.transform)
        rows, cols, index = self._centres(core, halo, feature_mask, points)
        paint_points(feature_mask, points, row0, col0, self.config.point_radius)
        data, valid = read_padded(self.src, halo)
        labelled = np.where(valid, feature_mask, 0)  # nodata pixels are never labels
        in_core = labelled[size : size + core.height, size : size + core.width]
        self.labelled_pixels += np.bincount(in_core.ravel(), minlength=len(self.features) + 1)[1:]
        on_data = valid[rows - row0, cols - col0]
        self.rejected[REJECT_NODATA_CENTRE] += int((~on_data).sum())
        rows, cols, index = (array[on_data] for array in (rows, cols, index))
        if rows.size == 0:
            return
        top_in, left_in = rows - self.before - row0, cols - self.before - col0  # top-left of each patch in the halo
        classifiable = self._classifiable(halo, valid, feature_mask, index, top_in, left_in)
        # Windows spanning all bands: indexing by top-left gives (patches, bands, size, size) directly.
        windows = np.lib.stride_tricks.sliding_window_view(data, (data.shape[0], size, size))[0]
        patches = np.ascontiguousarray(windows[top_in, left_in])
        _fill_invalid(patches, np.lib.stride_tricks.sliding_window_view(valid, (size, size))[top_in, left_in])
        patch_file.write(patches.tobytes())
        feature_masks = np.lib.stride_tricks.sliding_window_view(labelled, (size, size))[top_in, left_in]
        feature_mask_file.write(feature_masks.astype(self.feature_mask_dtype).tobytes())
        found.add(rows, cols, index, classifiable)

    def _centres(
        self, core: Window, halo: Window, polygons: np.ndarray, points: list[tuple[int, int, int]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Centre pixels (rows, cols on the raster) and feature index of the candidates centred in core: the pixels
        of each polygon (polygons: the halo's feature mask of polygons) on its grid, then the pixels under points."""
        top, left = core.row_off - halo.row_off, core.col_off - halo.col_off
        feature_index = polygons[top : top + core.height, left : left + core.width].astype(np.int64) - 1
        rr, cc = np.nonzero(feature_index >= 0)
        index = feature_index[rr, cc]
        rows, cols = rr + core.row_off, cc + core.col_off
        spacing = self.spacings[index]
        keep = (rows % spacing == spacing // 2) & (cols % spacing == spacing // 2)
        rows, cols, index = rows[keep], cols[keep], index[keep]
        in_core = [
            (i, row, col)
            for i, row, col in points
            if core.row_off <= row < core.row_off + core.height and core.col_off <= col < core.col_off + core.width
        ]
        if in_core:
            point_index, point_rows, point_cols = zip(*in_core)
            rows = np.concatenate([rows, point_rows])
            cols = np.concatenate([cols, point_cols])
            index = np.concatenate([index, point_index])
        return rows.astype(np.int64), cols.astype(np.int64), index.astype(np.int64)

    def _classifiable(
        self,
        halo: Window,
        valid: np.ndarray,
        feature_mask: np.ndarray,
        index: np.ndarray,
        top_in: np.ndarray,
        left_in: np.ndarray,
    ) -> np.ndarray:
        """Whether patch classifiers may use each candidate (top-left corner top_in, left_in in the halo): it lies
        inside the raster, holds no more nodata than tolerated and, centred in a polygon, enough of its own class.
        Counts the others by reason."""
        size = self.size
        top, left = top_in + halo.row_off, left_in + halo.col_off
        inside = (top >= 0) & (left >= 0) & (top + size <= self.src.height) & (left + size <= self.src.width)
        tolerated = box_shares(~valid, top_in, left_in, size) <= self.config.nodata_tolerance
        classifiable = inside & tolerated
        self.not_classifiable[NOT_CLASSIFIABLE_EDGE] += int((~inside).sum())
        self.not_classifiable[NOT_CLASSIFIABLE_NODATA] += int((inside & ~tolerated).sum())
        codes = self.codes[index]
        class_map = np.concatenate([[0], self.codes])[feature_mask]  # feature_mask holds feature index + 1, 0 outside
        from_polygon = np.array([not self.features[i].is_point for i in index], dtype=bool)
        for code in np.unique(codes[from_polygon]):
            of_code = from_polygon & (codes == code)
            share = box_shares(class_map == code, top_in[of_code], left_in[of_code], size)
            mixed = share < self.config.min_class_share * self.fillable[index[of_code]]
            self.not_classifiable[NOT_CLASSIFIABLE_MIXED] += int((mixed & classifiable[of_code]).sum())
            classifiable[np.flatnonzero(of_code)[mixed]] = False
        return classifiable


def _fill_invalid(patches: np.ndarray, valid: np.ndarray) -> None:
    """Replaces the nodata (and outside) pixels of patches by the patch's band means, in place."""
    for patch, patch_valid in zip(patches, valid):
        if not patch_valid.all() and patch_valid.any():
            means = patch[:, patch_valid].mean(axis=1)
            patch[:, ~patch_valid] = means[:, None].astype(patch.dtype)


def cap_per_class(codes: np.ndarray, classifiable: np.ndarray, limit: int, seed: int) -> np.ndarray:
    """Mask of the candidates kept: at most limit of each class (0: no cap), chosen at random (seeded).

    Classifiable patches are drawn first, so that a patch classifier, which trains on those alone, gets
    the cap too wherever the class has that many. The others are rejected as REJECT_CAP.
    """
    keep = np.ones(codes.size, dtype=bool)
    if limit <= 0:
        return keep
    rng = np.random.default_rng(seed + 1)
    for code in np.unique(codes):
        members = rng.permutation(np.flatnonzero(codes == code))
        if members.size > limit:
            keep[members[np.argsort(~classifiable[members], kind="stable")][limit:]] = False
    return keep
