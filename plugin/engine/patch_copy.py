"""The second step of sampling: the chosen patches and masks copied from the candidate files into the dataset's,
batch by batch in flat memory, measuring on the way the training patches' band statistics and the labelled
pixels the training masks hold."""

from __future__ import annotations

from pathlib import Path

import numpy as np

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

    def __init__(self, width: int) -> None:
        self.width = width
        self.pixels: list[np.ndarray] = []
        self.features: list[np.ndarray] = []

    def add(self, feature_masks: np.ndarray, labelled: np.ndarray, tops: np.ndarray, lefts: np.ndarray) -> None:
        """feature_masks: feature index + 1 of each pixel of the patches; labelled: the pixels their masks label."""
        patch, row, col = np.nonzero(labelled)
        pixels, first = np.unique((tops[patch] + row) * self.width + lefts[patch] + col, return_index=True)
        self.pixels.append(pixels)
        self.features.append(feature_masks[patch[first], row[first], col[first]].astype(np.int64) - 1)

    def per_feature(self, count: int) -> np.ndarray:
        if not self.pixels:
            return np.zeros(count, dtype=np.int64)
        _, first = np.unique(np.concatenate(self.pixels), return_index=True)
        return np.bincount(np.concatenate(self.features)[first], minlength=count)
