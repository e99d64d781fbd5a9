"""The dataset as training sees it: the targets of every patch, the patches of each split, and the class weights."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import dataset as ds
from .batches import PIXEL_BATCH_PATCH, PatchTargets, PixelTargets, batch_patches
from .choices import MIN_PATCH_SIZE, is_segmentation
from .classes import table_to_dicts
from .errors import ImagetteError
from .i18n import tr
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
            tr("The patches are {size} px; the networks need at least {least} px. Sample larger patches.").format(
                size=dataset.patch_size, least=MIN_PATCH_SIZE
            )
        )
    classes = table_to_dicts(dataset.classes)
    targets = PixelTargets(dataset) if is_segmentation(config.architecture) else PatchTargets(dataset)
    # Patch classifiers leave out the patches that cross the raster edge, hold nodata or too little of their class.
    whole = not targets.spatial
    train, validation = dataset.indices(ds.TRAIN, whole), dataset.indices(ds.VALIDATION, whole)
    if train.size < 2:
        raise ImagetteError(
            tr("The dataset '{path}' has {count} training patch(es); at least 2 are needed.").format(
                path=dataset.path, count=train.size
            )
        )
    counts = targets.counts(train, len(classes))
    for entry, count in zip(classes, counts):
        if count == 0:
            progress.warning(
                tr("Class {code} '{name}' has no training {unit}: the model cannot learn it.").format(
                    code=entry["code"], name=entry["name"], unit=tr(targets.unit)
                )
            )
    weights = loss_weights(config, targets, train, len(classes))
    if config.class_weighting:
        weighted = ", ".join(
            tr("'{name}' {weight}").format(name=c["name"], weight=f"{w:.2f}") for c, w in zip(classes, weights)
        )
        progress.info(tr("Class weights: {weights}.").format(weights=weighted))
    if targets.spatial:
        described = tr(
            "Dataset: {train} training and {validation} validation patches of {size} px, {bands} bands, {classes} "
            "classes; batches of {batch} patches (the pixels of {asked} patches of {pixel_patch} px)."
        )
    else:
        described = tr(
            "Dataset: {train} training and {validation} validation patches of {size} px, {bands} bands, {classes} "
            "classes."
        )
    progress.info(
        described.format(
            train=train.size,
            validation=validation.size,
            size=dataset.patch_size,
            bands=dataset.band_count,
            classes=len(classes),
            batch=batch_patches(config.batch_size, dataset.patch_size, True),
            asked=config.batch_size,
            pixel_patch=PIXEL_BATCH_PATCH,
        )
    )
    epoch = patches_per_epoch(
        train.size, batch_patches(config.batch_size, dataset.patch_size, targets.spatial), config.patches_per_epoch
    )
    if epoch < train.size:
        progress.info(
            tr(
                "Each epoch trains on {epoch} of the {train} training patches, a new random part each time, so that "
                "the validation score is checked as often as on a small dataset ('Patches per epoch', 0 for every "
                "patch)."
            ).format(epoch=epoch, train=train.size)
        )
    return TrainingInputs(dataset, classes, targets, train, validation, weights)


def loss_weights(config: TrainingConfig, targets: PatchTargets | PixelTargets, train: np.ndarray, classes: int):
    counts = targets.counts(train, classes)
    return class_weights(counts) if config.class_weighting else (counts > 0).astype(np.float64)
