"""The second step of sampling: the chosen patches and masks copied from the candidate files into the dataset's,
batch by batch in flat memory, measuring on the way the training patches' band statistics and the labelled
pixels the training masks hold."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import dataset as ds
from .progress import Progress

COPY_BATCH = 1024


class BandStatistics:
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


def copy_rows(candidates: Path, target: Path, selection: np.ndarray, row_shape: tuple, dtype, convert) -> None:
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


class TrainingReach:
    """The labelled pixels that some training patch's mask labels, each counted once, by feature."""

    def __init__(self, width: int, tops: np.ndarray, lefts: np.ndarray) -> None:
        """width: the raster's, in pixels; tops, lefts: the top-left pixel on the raster of every patch copied."""
        self.width, self.tops, self.lefts = width, tops, lefts
        self.pixels: list[np.ndarray] = []
        self.features: list[np.ndarray] = []

    def add(self, feature_masks: np.ndarray, labelled: np.ndarray, patches: np.ndarray) -> None:
        """feature_masks: feature index + 1 of each pixel of the given training patches (indices into tops and
        lefts); labelled: the pixels their masks label."""
        patch, row, col = np.nonzero(labelled)
        tops, lefts = self.tops[patches], self.lefts[patches]
        pixels, first = np.unique((tops[patch] + row) * self.width + lefts[patch] + col, return_index=True)
        self.pixels.append(pixels)
        self.features.append(feature_masks[patch[first], row[first], col[first]].astype(np.int64) - 1)

    def per_feature(self, count: int) -> np.ndarray:
        if not self.pixels:
            return np.zeros(count, dtype=np.int64)
        _, first = np.unique(np.concatenate(self.pixels), return_index=True)
        return np.bincount(np.concatenate(self.features)[first], minlength=count)


def copy_patches(
    candidates: Path,
    target: Path,
    selection: np.ndarray,
    split: np.ndarray,
    row_shape: tuple,
    dtype,
    progress: Progress,
) -> tuple[list[float], list[float]]:
    """Copies the selected patches (split: theirs) and returns the band means and standard deviations of the training
    ones (progress 80 to 90 %)."""
    statistics = BandStatistics(row_shape[0])

    def measured(batch: np.ndarray, start: int) -> np.ndarray:
        training = split[start : start + len(batch)] == ds.TRAIN
        if training.any():
            statistics.add(batch[training])
        progress.set_percent(80 + 10 * start / max(selection.size, 1))
        progress.check_canceled()
        return batch

    copy_rows(candidates, target, selection, row_shape, dtype, measured)
    return statistics.result()


def mask_lookup(feature_codes: np.ndarray, feature_split: np.ndarray) -> np.ndarray:
    """The masks' labels by split and feature mask value: row s labels a feature's pixels (column: feature index + 1)
    in patches of split s with its code if the feature is of that split, else 0 (unlabelled)."""
    lookup = np.zeros((2, len(feature_codes) + 1), dtype=ds.mask_dtype(feature_codes))
    for split_index in (ds.TRAIN, ds.VALIDATION):
        lookup[split_index, 1:] = np.where(feature_split == split_index, feature_codes, 0)
    return lookup


def copy_masks(
    candidates: Path,
    target: Path,
    selection: np.ndarray,
    row_shape: tuple,
    dtype,
    lookup: np.ndarray,
    split: np.ndarray,
    reach: TrainingReach,
    progress: Progress,
) -> np.ndarray:
    """Copies the masks of the selected patches (split: theirs), made from their feature masks (dtype) through lookup
    (mask_lookup), and returns per feature the labelled pixels that some training mask labels, as reach counts them
    (progress 90 to 95 %)."""

    def masked(feature_masks: np.ndarray, start: int) -> np.ndarray:
        progress.set_percent(90 + 5 * start / max(selection.size, 1))
        batch = slice(start, start + len(feature_masks))
        masks = lookup[split[batch, None, None], feature_masks]
        training = split[batch] == ds.TRAIN
        reach.add(feature_masks[training], masks[training] > 0, start + np.flatnonzero(training))
        return masks

    copy_rows(candidates, target, selection, row_shape, dtype, masked)
    return reach.per_feature(lookup.shape[1] - 1)
