"""Cross-validation over the training polygons: a map-level score that rests on every polygon, not a handful.

With one or two validation polygons per class, the map-level score of a training run depends on which
polygons were drawn for validation: on the real-imagery benchmark (bench/bench_real.py, Landsat 7, 24
training polygons of 7 classes) it missed the held-out map's macro-F1 by 0.2 on average. Cross-validation
scores the training polygons too: they are dealt into folds, class by class; for each fold a network is
trained as the model was (same settings, seed and early stopping on the validation patches) on the training
patches clear of the fold's polygons, and its map is scored on them. Added to the model's map on the
validation polygons, every polygon is then scored once by a network that never saw its pixels. The model
written is still the one trained on every training patch; the fold networks are thrown away.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from . import dataset as ds
from .assessment import geometry_bounds
from .errors import CanceledError
from .modelfile import ModelFile
from .progress import Progress, Quiet
from .scoring import FEW_VALIDATION_FEATURES
from .validation import MapValidation, score_features

# Order of the CROSS_VALIDATION enum of imagette:trainclassifier.
MODES = ("auto", "on", "off")
FOLDS = 5
# "auto" cross-validates small datasets only: there the extra trainings are quick and the validation polygons
# few; a large dataset with one rare class would pay the folds' training time many times over.
AUTO_MAX_PATCHES = 5000
FOOTPRINT_CHUNK = 4096  # patches compared with the held-out extents at once (bounds memory)

# Trains a network on the given training patches, reporting to the given progress, and returns it as a model.
FoldTrainer = Callable[[np.ndarray, Progress], ModelFile]


def wanted(mode: str, dataset: ds.Dataset, train: np.ndarray, progress: Progress) -> bool:
    """Whether to cross-validate: always when asked, in "auto" when a class has few validation polygons."""
    if mode != "auto":
        return mode == "on"
    codes = [code for _, code in dataset.features(ds.VALIDATION)]
    few = [entry.name for entry in dataset.classes if 0 < codes.count(entry.code) < FEW_VALIDATION_FEATURES]
    if not few:
        return False
    if train.size > AUTO_MAX_PATCHES:
        progress.info(
            f"Few validation polygons for {', '.join(few)}, but {train.size} training patches: cross-validation would "
            f"train {FOLDS} more networks of that size, so it is off. Set 'Cross-validation' to 'Always' to get it."
        )
        return False
    return True


def deal_folds(codes: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """Fold of each feature, dealt class after class in a seeded order so every fold gets its share of each class.

    A class with a single feature is never held out (its fold is -1): without it, a fold's network could not
    learn the class, and would score its polygon lower than the model, which learnt it, would.
    """
    rng = np.random.default_rng(seed)
    fold = np.full(len(codes), -1, dtype=np.int64)
    dealt = 0
    for code in np.unique(codes):
        members = np.flatnonzero(codes == code)
        if members.size < 2:
            continue
        fold[rng.permutation(members)] = (dealt + np.arange(members.size)) % folds
        dealt += members.size  # the next class starts where this one stopped: folds stay even in size
    return fold


def clear_of(footprints: np.ndarray, extents: np.ndarray) -> np.ndarray:
    """Which of the (n, 4) footprints overlap none of the (m, 4) extents (xmin, ymin, xmax, ymax)."""
    clear = np.ones(len(footprints), dtype=bool)
    for start in range(0, len(footprints), FOOTPRINT_CHUNK):
        part = footprints[start : start + FOOTPRINT_CHUNK, None, :]
        overlaps = (
            (part[..., 0] < extents[:, 2])
            & (part[..., 2] > extents[:, 0])
            & (part[..., 1] < extents[:, 3])
            & (part[..., 3] > extents[:, 1])
        )
        clear[start : start + FOOTPRINT_CHUNK] = ~overlaps.any(axis=1)
    return clear


def cross_validate(
    dataset: ds.Dataset,
    train: np.ndarray,
    folds: int,
    seed: int,
    train_fold: FoldTrainer,
    device: torch.device,
    progress: Progress,
) -> MapValidation:
    """The map-level validation of every training polygon, each by the network of the fold that held it out.

    A fold's network trains on the training patches whose footprint touches none of the fold's polygons (so
    none of their pixels is seen, as input or label). Returns counts None, with the reason, when it cannot.
    """
    features = dataset.identified_features(ds.TRAIN)
    ids = np.array([feature_id for feature_id, _, _ in features], dtype=np.int64)
    assignment = deal_folds(np.array([code for _, _, code in features], dtype=np.int64), folds, seed)
    assignment[~np.isin(ids, dataset.groups[train])] = -1  # gave no patch (outside the raster, too small): not scored
    extents = np.array([geometry_bounds(geometry) for _, geometry, _ in features], dtype=np.float64).reshape(-1, 4)
    footprints = dataset.footprints(train)
    scored = MapValidation(None, 0, "no training polygon could be held out (every class has a single one)")
    for fold in range(folds):
        held = np.flatnonzero(assignment == fold)
        if not held.size:
            continue
        keep = clear_of(footprints, extents[held]) & ~np.isin(dataset.groups[train], ids[held])
        if keep.sum() < 2:
            progress.warning(
                f"Cross-validation, fold {fold + 1}/{folds}: every training patch touches one of its {held.size} "
                "polygons, so no network can be trained without them; they are not scored."
            )
            continue
        share = Quiet(progress, 100 * fold / folds, 100 * (fold + 1) / folds)
        progress.info(
            f"Cross-validation, fold {fold + 1}/{folds}: training on {int(keep.sum())} patches clear of "
            f"{held.size} training polygons, then scoring its map on them…"
        )
        try:
            model = train_fold(train[keep], share)
            result = score_features(model, dataset.metadata["raster"], [features[i][1:] for i in held], device, share)
        except CanceledError:
            return MapValidation(None, 0, "it was canceled")
        if result.counts is None:
            return result
        scored = result if scored.counts is None else scored + result
    return scored
