"""The validation split of labelled features: whole features, per class, seeded, to the asked share of labels."""

from __future__ import annotations

import numpy as np

from . import dataset as ds


def split_features(
    codes: np.ndarray, weights: np.ndarray, on_raster: np.ndarray, fraction: float, seed: int
) -> tuple[np.ndarray, list[int]]:
    """The split of every feature, and the classes with a single feature on the raster (left unvalidated).

    Whole features go to validation, per class, so that their weights (labelled pixels; points: one each) come
    closest to the fraction of the class's: features are taken in a random order whenever taking one brings the
    class nearer its target, and a class of two or more features always keeps one in each split. Features off
    the raster stay in training.
    """
    rng = np.random.default_rng(seed)
    split = np.full(codes.size, ds.TRAIN, dtype=np.uint8)
    lone: list[int] = []
    if fraction == 0:
        return split, lone
    for code in np.unique(codes[on_raster]):
        members = np.flatnonzero(on_raster & (codes == code))
        if members.size < 2:
            lone.append(int(code))
            continue
        target, taken = fraction * weights[members].sum(), 0.0
        order = rng.permutation(members)
        for member in order[:-1]:  # the last one stays in training whatever happens
            if abs(taken + weights[member] - target) < abs(taken - target):
                split[member], taken = ds.VALIDATION, taken + weights[member]
        if not taken:  # every feature is larger than the share asked: the one nearest it validates
            split[order[np.argmin(np.abs(weights[order[:-1]] - target))]] = ds.VALIDATION
    return split, lone
