"""Cross-validation over the training polygons: a map-level score that rests on every polygon, not a handful.

With one or two validation polygons per class, the map-level score of a training run depends on which
polygons were drawn for validation: on the real-imagery benchmark (bench/bench_real.py, Landsat 7, 24
training polygons of 7 classes) it missed the held-out map's macro-F1 by 0.2 on average. Cross-validation
scores the training polygons too: they are dealt into folds, class by class; for each fold a network is
trained as the model was (same settings and seed, on the same learning-rate schedule) on the training patches
clear of the fold's polygons, and its map is scored on them. A fold network does not search for its own best
epoch: that search would need its own validation every epoch and its patience's extra epochs, and it would
measure another procedure than the model's. It trains for as many epochs as the model took to reach its best
validation macro-F1: the model's later epochs of the same macro-F1, kept for a lower validation loss, sharpen its
confidence more than its map, and on the demo scene they made the folds cost 13 epochs each instead of 5. Added to the model's map on the
validation polygons, every polygon is then scored once by a network that never saw its pixels. The model
written is still the one trained on every training patch; the fold networks are thrown away.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from . import dataset as ds
from .choices import FOLDS
from .errors import CanceledError
from .geometry import geometry_bounds
from .i18n import tr
from .modelfile import ModelFile
from .progress import Progress, Quiet, left_text
from .scoring import FEW_VALIDATION_FEATURES
from .validation import MapValidation, score_features

# "auto" cross-validates small datasets only: there the extra trainings are quick and the validation polygons
# few; a large dataset with one rare class would pay the folds' training time many times over.
AUTO_MAX_PATCHES = 5000
FOOTPRINT_CHUNK = 4096  # patches compared with the held-out extents at once (bounds memory)

# Trains a network on the given training patches, reporting to the given progress, and returns it as a model.
FoldTrainer = Callable[[np.ndarray, Progress], ModelFile]


def wanted(mode: str, dataset: ds.Dataset, train: np.ndarray, progress: Progress) -> bool:
    """Whether to cross-validate: always when asked, in "auto" when a class has few validation polygons."""
    labels = dataset.label_word
    if mode != "auto":
        if mode == "on":
            progress.info(
                tr(
                    "Cross-validation is on, as asked: once this network is trained, more networks are trained "
                    "without part of the training {labels} to score the map on those too (their cost is said before "
                    "they start)."
                ).format(labels=labels)
            )
        return mode == "on"
    codes = [code for _, code in dataset.features(ds.VALIDATION)]
    few = [entry.name for entry in dataset.classes if 0 < codes.count(entry.code) < FEW_VALIDATION_FEATURES]
    if not few:
        return False
    if train.size > AUTO_MAX_PATCHES:
        progress.info(
            tr(
                "Few validation {labels} for {classes}, but {patches} training patches: cross-validation would train "
                "{folds} more networks of that size, so it is off. Set 'Cross-validation' to 'Always' to get it."
            ).format(labels=labels, classes=", ".join(few), patches=train.size, folds=FOLDS)
        )
        return False
    if len(few) == 1:
        turned_on = tr(
            "Cross-validation is on: {classes} has fewer than {least} validation {labels}, so once this network is "
            "trained, more networks are trained without part of the training {labels} to score the map on those too "
            "(their cost is said before they start; set 'Cross-validation' to 'Never' to skip them)."
        )
    else:
        turned_on = tr(
            "Cross-validation is on: {classes} have fewer than {least} validation {labels}, so once this network is "
            "trained, more networks are trained without part of the training {labels} to score the map on those too "
            "(their cost is said before they start; set 'Cross-validation' to 'Never' to skip them)."
        )
    progress.info(turned_on.format(classes=", ".join(few), least=FEW_VALIDATION_FEATURES, labels=labels))
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


@dataclass
class Fold:
    """One fold: the training features it holds out (indices into the dataset's training features) and the
    training patches its network trains on (clear of them)."""

    number: int  # 1-based
    held: np.ndarray
    train: np.ndarray


@dataclass
class FoldPlan:
    """How the training polygons are dealt into folds, before any network is trained."""

    features: list  # the dataset's training features: (id, geometry, class code)
    extents: np.ndarray  # (features, 4) bounds of each
    folds: list[Fold]
    unscored: list[tuple[int, int]]  # (fold number, features held) of folds no network can be trained for

    @property
    def held_extents(self) -> np.ndarray:
        """Bounds of every feature a fold network scores."""
        held = [fold.held for fold in self.folds]
        return self.extents[np.concatenate(held)] if held else self.extents[:0]


def plan_folds(dataset: ds.Dataset, train: np.ndarray, folds: int, seed: int) -> FoldPlan:
    """Deals the training features that gave patches into folds, and finds each fold's training patches.

    A fold's network trains on the training patches whose footprint touches none of the fold's polygons (so
    none of their pixels is seen, as input or label).
    """
    features = dataset.identified_features(ds.TRAIN)
    ids = np.array([feature_id for feature_id, _, _ in features], dtype=np.int64)
    assignment = deal_folds(np.array([code for _, _, code in features], dtype=np.int64), folds, seed)
    assignment[~np.isin(ids, dataset.groups[train])] = -1  # gave no patch (outside the raster, too small): not scored
    extents = np.array([geometry_bounds(geometry) for _, geometry, _ in features], dtype=np.float64).reshape(-1, 4)
    footprints = dataset.footprints(train)
    planned, unscored = [], []
    for fold in range(folds):
        held = np.flatnonzero(assignment == fold)
        if not held.size:
            continue
        keep = clear_of(footprints, extents[held]) & ~np.isin(dataset.groups[train], ids[held])
        if keep.sum() < 2:
            unscored.append((fold + 1, held.size))
        else:
            planned.append(Fold(fold + 1, held, train[keep]))
    return FoldPlan(features, extents, planned, unscored)


def cross_validate(
    dataset: ds.Dataset,
    plan: FoldPlan,
    folds: int,
    train_fold: FoldTrainer,
    device: torch.device,
    progress: Progress,
    training_share: float = 0.9,
) -> MapValidation:
    """The map-level validation of every training polygon, each by the network of the fold that held it out.

    Each fold fills an even part of the progress, training_share of it for training its network, the rest for
    scoring its map. Returns counts None, with the reason, when it cannot.
    """
    scored = MapValidation(None, 0, tr("no training polygon could be held out (every class has a single one)"))
    for number, held in plan.unscored:
        progress.warning(
            tr(
                "Cross-validation, fold {number}/{folds}: every training patch touches one of its {held} {labels}, so "
                "no network can be trained without them; they are not scored."
            ).format(number=number, folds=folds, held=held, labels=dataset.label_word)
        )
    count = len(plan.folds)
    for index, fold in enumerate(plan.folds):
        start, end = 100 * index / count, 100 * (index + 1) / count
        middle = start + (end - start) * training_share
        progress.info(
            tr(
                "Cross-validation, fold {number}/{folds}: training on {patches} patches clear of {held} training "
                "{labels}, then scoring its map on them{left}…"
            ).format(
                number=fold.number,
                folds=folds,
                patches=fold.train.size,
                held=fold.held.size,
                labels=dataset.label_word,
                left=left_text(progress),
            )
        )
        try:
            model = train_fold(fold.train, Quiet(progress, start, middle))
            result = score_features(
                model,
                dataset.metadata["raster"],
                [plan.features[i][1:] for i in fold.held],
                device,
                Quiet(progress, middle, end),
            )
        except CanceledError:
            return MapValidation(None, 0, tr("it was canceled"))
        if result.counts is None:
            return result
        scored = result if scored.counts is None else scored + result
    return scored
