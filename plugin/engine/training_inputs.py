"""The dataset as training sees it: the targets of every patch, the patches of each split, and the class weights."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import dataset as ds
from .batches import PIXEL_BATCH_PATCH, PatchTargets, PixelTargets, batch_patches
from .choices import MIN_PATCH_SIZE, is_segmentation
from .classes import table_to_dicts
from .errors import ImagetteError
from .progress import Progress
from .run_costs import patches_per_epoch
from .training_config import TrainingConfig


def class_weights(counts: np.ndarray) -> np.ndarray:
    """Balanced weights n / (K * n_k) from per-class counts of targets; 0 for a class without any."""
    counts = np.asarray(counts, dtype=np.float64)
    num_classes = counts.size
    present = counts > 0
    weights = np.zeros(num_classes)
    weights[present] = counts.sum() / (present.sum() * counts[present])
    return weights


@dataclass
class TrainingInputs:
    """The dataset as training sees it: output index of every patch, splits and class weights."""

    dataset: ds.Dataset
    classes: list[dict]
    targets: PatchTargets | PixelTargets
    train: np.ndarray
    validation: np.ndarray
    weights: np.ndarray


def prepare_inputs(config: TrainingConfig, progress: Progress) -> TrainingInputs:
    dataset = ds.open_dataset(config.dataset_path)
    if dataset.patch_size < MIN_PATCH_SIZE:
        raise ImagetteError(
            f"The patches are {dataset.patch_size} px; the networks need at least {MIN_PATCH_SIZE} px. Sample larger patches."
        )
    classes = table_to_dicts(dataset.classes)
    targets = PixelTargets(dataset) if is_segmentation(config.architecture) else PatchTargets(dataset)
    # Patch classifiers leave out the patches that cross the raster edge, hold nodata or too little of their class.
    whole = not targets.spatial
    train, validation = dataset.indices(ds.TRAIN, whole), dataset.indices(ds.VALIDATION, whole)
    if train.size < 2:
        raise ImagetteError(f"The dataset '{dataset.path}' has {train.size} training patch(es); at least 2 are needed.")
    counts = targets.counts(train, len(classes))
    for entry, count in zip(classes, counts):
        if count == 0:
            progress.warning(
                f"Class {entry['code']} '{entry['name']}' has no training {targets.unit}: the model cannot learn it."
            )
    weights = loss_weights(config, targets, train, len(classes))
    if config.class_weighting:
        progress.info("Class weights: " + ", ".join(f"'{c['name']}' {w:.2f}" for c, w in zip(classes, weights)) + ".")
    progress.info(
        f"Dataset: {train.size} training and {validation.size} validation patches of {dataset.patch_size} px, "
        f"{dataset.band_count} bands, {len(classes)} classes"
        + (
            f"; batches of {batch_patches(config.batch_size, dataset.patch_size, True)} patches (the pixels of "
            f"{config.batch_size} patches of {PIXEL_BATCH_PATCH} px)."
            if targets.spatial
            else "."
        )
    )
    epoch = patches_per_epoch(
        train.size, batch_patches(config.batch_size, dataset.patch_size, targets.spatial), config.patches_per_epoch
    )
    if epoch < train.size:
        progress.info(
            f"Each epoch trains on {epoch} of the {train.size} training patches, a new random part "
            "each time, so that the validation score is checked as often as on a small dataset ('Patches per epoch', "
            "0 for every patch)."
        )
    return TrainingInputs(dataset, classes, targets, train, validation, weights)


def loss_weights(config: TrainingConfig, targets: PatchTargets | PixelTargets, train: np.ndarray, classes: int):
    counts = targets.counts(train, classes)
    return class_weights(counts) if config.class_weighting else (counts > 0).astype(np.float64)
