"""Training: from a dataset folder to one model file, with defaults a person can use without tuning.

What a run does, and why:
- AdamW with a short linear warm-up then cosine decay of the learning rate, computed from the
  share of training done, so it survives a batch size halved after a GPU out-of-memory error.
- Class-weighted cross-entropy (on by default): rare classes weigh as much as frequent ones,
  so the network cannot score well by ignoring them.
- Dihedral augmentation (flips and 90 degree rotations: land cover seen from above has no "up"),
  optional radiometric jitter; inputs normalised with the dataset's training statistics.
- Early stopping on validation macro-F1 with patience; the best epoch's weights are kept and
  saved, whatever happens after it (including a cancel).
- Batches are gathered from the memory-mapped patches (indices sorted, so reads are in file
  order), normalised and augmented in a background thread while the network computes.
- On CUDA: mixed precision (bfloat16 where supported, else float16 with loss scaling) and
  channels_last. Seeded: on the CPU the same seed (and thread count) gives the same model.

A dataset without validation patches trains for all epochs without early stopping and keeps
the last epoch; its scores are reported as unavailable (None), never guessed from training patches.
"""

from __future__ import annotations

import math
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from . import dataset as ds
from .batches import UNLABELLED, PatchTargets, PixelTargets, Prefetcher, dihedral, radiometric_jitter
from .choices import (
    ARCHITECTURES,
    CROSS_VALIDATION_MODES,
    DEVICES,
    MIN_PATCH_SIZE,
    PRETRAINED_MODES,
    is_segmentation,
)
from .classes import table_to_dicts
from .cross_validation import FOLDS, FoldPlan, cross_validate, plan_folds, wanted
from .device import normalize, select_device
from .errors import CanceledError, ImagetteError
from .estimates import RunCosts, extent_pixels, patches_per_epoch
from .geometry import geometry_bounds
from .io import check_writable
from .metrics import classification_scores, confusion_matrix
from .modelfile import EXTENSION, ModelFile, save_model
from .models import Network, build_model, encoder_architecture
from .pretrained import (
    Checkpoint,
    LoadReport,
    freeze_backbone,
    imagenet_checkpoint,
    load_pretrained,
    read_checkpoint,
)
from .progress import Phases, Progress, about, left_text, seconds_text
from .report import duration_split, write_report
from .scoring import log_scores, map_level, scores_of
from .validation import MapValidation
from .versions import software_versions

WEIGHT_DECAY = 0.01
WARMUP = 0.1  # share of training spent raising the learning rate
MIN_STEPS_PER_EPOCH = 20  # small datasets repeat their patches within an epoch up to this many batches
PIXEL_BATCH_PATCH = 32  # a segmentation batch holds as many pixels as batch_size patches of this side


@dataclass
class TrainingConfig:
    """What to train and how. Sizes in patches, rates per optimiser step.

    rgb_bands are 0-based band indices of red, green and blue (None: recognised from band names).
    patience is in epochs without improvement of validation macro-F1; 0 disables early stopping.
    cross_validation ("auto", "on", "off") and folds: whether the map is also scored on the training
    polygons by networks of a polygon-fold cross-validation (see cross_validation.py).
    jitter is the strength of radiometric jitter (0 = off; 0.1 = gains of +-10 %, offsets of 0.1 std).
    """

    dataset_path: str
    output_model: str
    output_report: str | None = None
    architecture: str = "small_cnn"
    weights_file: str | None = None
    pretrained_mode: str = "finetune"
    epochs: int = 30
    batch_size: int = 64
    learning_rate: float = 1e-3
    device: str = "auto"
    seed: int = 42
    class_weighting: bool = True
    augmentation: bool = True
    jitter: float = 0.0
    patience: int = 8
    rgb_bands: tuple[int, int, int] | None = None
    cross_validation: str = "auto"  # one of choices.CROSS_VALIDATION_MODES
    folds: int = FOLDS


@dataclass
class TrainingResult:
    """What a run produced. metrics holds None scores when the dataset has no validation patches."""

    model_path: Path
    report_path: Path | None
    metrics: dict
    history: list[dict]
    device: str
    duration_s: float  # the whole run: training, map-level scoring, cross-validation, writing
    best_epoch: int  # 1-based
    epochs_run: int
    canceled: bool
    stopped_early: bool
    batch_size: int  # after any halving for GPU memory
    data_wait_share: float  # share of training time spent waiting for batches
    metadata: dict = field(repr=False, default_factory=dict)  # as written in the model file
    durations: dict[str, float] = field(default_factory=dict)  # seconds of each phase and of the run ("total")


def class_weights(counts: np.ndarray) -> np.ndarray:
    """Balanced weights n / (K * n_k) from per-class counts of targets; 0 for a class without any."""
    counts = np.asarray(counts, dtype=np.float64)
    num_classes = counts.size
    present = counts > 0
    weights = np.zeros(num_classes)
    weights[present] = counts.sum() / (present.sum() * counts[present])
    return weights


def batch_patches(batch_size: int, patch_size: int, segmentation: bool) -> int:
    """Patches per batch: batch_size, or for segmentation as many pixels as batch_size patches of 32 px.

    Segmentation patches are large (64 to 256 px); counting pixels keeps a step's cost and memory
    comparable across patch sizes, and the default batch usable on a CPU.
    """
    if not segmentation:
        return batch_size
    return max(2, batch_size * PIXEL_BATCH_PATCH**2 // patch_size**2)


def scheduled_learning_rate(fraction: float, peak: float) -> float:
    """Learning rate after a fraction (0..1) of training: linear warm-up from peak/25, then cosine to peak/1000."""
    if fraction < WARMUP:
        return peak * (0.04 + 0.96 * fraction / WARMUP)
    done = min(1.0, (fraction - WARMUP) / (1.0 - WARMUP))
    return peak * (0.001 + 0.999 * 0.5 * (1.0 + math.cos(math.pi * done)))


@contextmanager
def _run_environment(seed: int, device: torch.device) -> Iterator[None]:
    """Seeds torch without disturbing the caller's random state, and picks the fastest cuDNN kernels on CUDA.

    torch.use_deterministic_algorithms() is not set: on the CPU it sends convolutions to a reference
    implementation about 8 times slower, and oneDNN's own kernels already give the same result for the
    same seed and thread count (tests/test_engine_training.py checks it). The cuDNN switch, global to
    the process QGIS shares with other code, is restored afterwards.
    """
    benchmark = torch.backends.cudnn.benchmark
    with torch.random.fork_rng(devices=[device.index or 0] if device.type == "cuda" else []):
        torch.manual_seed(seed)
        torch.backends.cudnn.benchmark = device.type == "cuda"  # the patch size is fixed: tune once
        try:
            yield
        finally:
            torch.backends.cudnn.benchmark = benchmark


def _describe(device: torch.device) -> str:
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    if device.type == "cpu":
        return f"cpu ({torch.get_num_threads()} threads)"
    return device.type


class _Trainer:
    """One training run: the network, its optimiser and the loops over batches."""

    def __init__(
        self,
        config: TrainingConfig,
        dataset: ds.Dataset,
        targets: PatchTargets | PixelTargets,
        weights: np.ndarray,
        network: Network,
        frozen: bool,
        device: torch.device,
        progress: Progress,
    ) -> None:
        self.config = config
        self.patches = dataset.patches
        self.targets = targets
        norm = dataset.metadata["normalization"]
        self.mean, self.std = np.asarray(norm["mean"], dtype=np.float32), np.asarray(norm["std"], dtype=np.float32)
        self.device = device
        self.progress = progress
        self.frozen = frozen
        self.batch_size = batch_patches(config.batch_size, dataset.patch_size, targets.spatial)
        cuda = device.type == "cuda"
        self.memory_format = torch.channels_last if cuda else torch.contiguous_format
        # memory_format is a documented argument of Module.to() that torch's type stubs lack.
        self.network = network.to(device, memory_format=self.memory_format)  # type: ignore[call-overload]
        self.amp_dtype = (torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16) if cuda else None
        self.scaler = torch.amp.GradScaler(device.type, enabled=self.amp_dtype == torch.float16)
        self.class_weight = torch.as_tensor(weights, dtype=torch.float32, device=device)
        trainable = [p for p in network.parameters() if p.requires_grad]
        self.optimizer = torch.optim.AdamW(trainable, lr=config.learning_rate, weight_decay=WEIGHT_DECAY)
        self.data_wait = 0.0
        self.train_time = 0.0

    def _losses(self, logits: Tensor, y: Tensor) -> tuple[Tensor, Tensor]:
        """Weighted sum of the cross-entropies of the labelled targets (patches or pixels), and of their weights."""
        labelled = y != UNLABELLED
        y = y.clamp_min(0)
        per_target = nn.functional.cross_entropy(logits.float(), y, reduction="none")
        weight = self.class_weight[y] * labelled
        return (per_target * weight).sum(), weight.sum()

    def _load(self, item: tuple[np.ndarray, int | None]) -> tuple[Tensor, Tensor]:
        """Reads, normalises and augments one batch (runs in the background thread)."""
        indices, seed = item
        x = normalize(self.patches[indices], self.mean, self.std)
        y = self.targets(indices)
        if seed is not None:
            rng = np.random.default_rng(seed)
            if self.config.augmentation:
                x, y = dihedral(x, rng, y) if self.targets.spatial else (dihedral(x, rng), y)
            if self.config.jitter > 0:
                x = radiometric_jitter(x, self.config.jitter, rng)
        xt, yt = torch.from_numpy(np.ascontiguousarray(x)), torch.from_numpy(np.ascontiguousarray(y))
        if self.device.type == "cuda":
            xt, yt = xt.pin_memory(), yt.pin_memory()
        return xt, yt

    def _to_device(self, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor]:
        x = x.to(self.device, non_blocking=True).contiguous(memory_format=self.memory_format)
        return x, y.to(self.device, non_blocking=True)

    def _in_parts(self, x: Tensor, y: Tensor, run: Callable[[Tensor, Tensor], Any]) -> list:
        """Runs run() on parts of at most batch_size patches; a GPU out-of-memory error halves it and retries."""
        results, start = [], 0
        while start < len(x):
            size = self.batch_size
            try:
                results.append(run(*self._to_device(x[start : start + size], y[start : start + size])))
            except torch.cuda.OutOfMemoryError:
                pass  # handled after the except block, once the failed step's tensors are freed
            else:
                start += size
                continue
            self._halve_batch()
        return results

    def _halve_batch(self) -> None:
        self.optimizer.zero_grad(set_to_none=True)
        torch.cuda.empty_cache()
        if self.batch_size <= 2:
            raise ImagetteError(
                "The GPU ran out of memory even with batches of 2 patches. Choose a smaller architecture or "
                "patch size, close other programs using the GPU, or train on the CPU."
            )
        self.batch_size //= 2
        self.progress.warning(
            f"The GPU ran out of memory: the batch size is halved to {self.batch_size} and training goes on."
        )

    def _train_step(self, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor]:
        self.optimizer.zero_grad(set_to_none=True)
        with torch.autocast(self.device.type, dtype=self.amp_dtype, enabled=self.amp_dtype is not None):
            logits = self.network(x)
        total, weight = self._losses(logits, y)
        self.scaler.scale(total / weight.clamp_min(1e-12)).backward()
        self.scaler.step(self.optimizer)
        self.scaler.update()
        return total.detach(), weight.detach()

    def _set_learning_rate(self, fraction: float) -> None:
        rate = scheduled_learning_rate(fraction, self.config.learning_rate)
        for group in self.optimizer.param_groups:
            group["lr"] = rate

    def train_epoch(self, epoch: int, indices: np.ndarray, start: float, end: float) -> float:
        """One pass over the training patches in a seeded random order; returns the mean weighted loss.

        A small dataset passes several times, in new orders and augmentations, so that an epoch takes at
        least MIN_STEPS_PER_EPOCH optimiser steps: a few dozen patches still get a trained network.
        Progress moves from start to end (percent).
        """
        epochs = self.config.epochs
        rng = np.random.default_rng([self.config.seed, epoch])
        passes = max(1, math.ceil(MIN_STEPS_PER_EPOCH * self.batch_size / max(indices.size, 1)))
        order = np.concatenate([rng.permutation(indices) for _ in range(passes)])
        parts = max(1, -(-order.size // self.batch_size))
        # Sorted within a batch: the gradient does not depend on order and the memmap is read forward.
        batches = [np.sort(part) for part in np.array_split(order, parts)]
        seeds = (
            rng.integers(0, 2**63, len(batches))
            if self.config.augmentation or self.config.jitter > 0
            else [None] * len(batches)
        )
        self.network.train()
        if self.frozen:  # the backbone's BatchNorm keeps its pretrained statistics
            for name, module in self.network.named_modules():
                if isinstance(module, nn.BatchNorm2d) and not name.startswith(self.network.NEW_LAYERS):
                    module.eval()
        loss_sum = torch.zeros((), device=self.device)
        weight_sum = torch.zeros((), device=self.device)
        seen = 0
        started = time.perf_counter()
        with Prefetcher(self._load, list(zip(batches, seeds))) as loader:
            for x, y in self.progress.iterate(loader, len(batches), start, end):
                self._set_learning_rate((epoch + seen / order.size) / epochs)
                for total, weight in self._in_parts(x, y, self._train_step):
                    loss_sum += total
                    weight_sum += weight
                seen += len(y)
        self.data_wait += loader.waited
        self.train_time += time.perf_counter() - started
        loss = float(loss_sum / weight_sum.clamp_min(1e-12))
        if not math.isfinite(loss):
            raise ImagetteError(
                f"Training diverged (the loss became {loss}) at epoch {epoch + 1}. Lower the learning rate "
                f"(now {self.config.learning_rate:g}), e.g. by 10."
            )
        return loss

    def evaluate(self, indices: np.ndarray, num_classes: int, percent: float) -> tuple[float, np.ndarray]:
        """Weighted loss and confusion matrix of the network on the given patches, without augmentation.

        Progress stays at percent; cancel is still checked before every batch.
        """
        self.network.eval()
        batches = np.array_split(indices, max(1, -(-indices.size // self.batch_size)))
        loss_sum, weight_sum = 0.0, 0.0
        predicted, true = [], []

        def run(x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor]:
            with (
                torch.inference_mode(),
                torch.autocast(self.device.type, dtype=self.amp_dtype, enabled=self.amp_dtype is not None),
            ):
                logits = self.network(x)
            total, weight = self._losses(logits, y)
            labelled = y != UNLABELLED
            return total, weight, logits.argmax(1)[labelled], y[labelled]

        with Prefetcher(self._load, [(batch, None) for batch in batches]) as loader:
            for x, y in self.progress.iterate(loader, len(batches), percent, percent):
                for total, weight, guess, truth in self._in_parts(x, y, run):
                    loss_sum += float(total)
                    weight_sum += float(weight)
                    predicted.append(guess.cpu().numpy())
                    true.append(truth.cpu().numpy())
        confusion = confusion_matrix(np.concatenate(true), np.concatenate(predicted), num_classes)
        return loss_sum / max(weight_sum, 1e-12), confusion

    def best_state(self) -> dict[str, Tensor]:
        return {
            k: v.detach().cpu().clone(memory_format=torch.contiguous_format)
            for k, v in self.network.state_dict().items()
        }


def _check_config(config: TrainingConfig) -> None:
    if config.architecture not in ARCHITECTURES:
        raise ImagetteError(f"Unknown architecture {config.architecture!r}; choose one of {', '.join(ARCHITECTURES)}.")
    if config.pretrained_mode not in PRETRAINED_MODES:
        raise ImagetteError(
            f"Unknown pretrained mode {config.pretrained_mode!r}; choose one of {', '.join(PRETRAINED_MODES)}."
        )
    if config.device not in DEVICES:
        raise ImagetteError(f"Unknown device {config.device!r}; choose one of {', '.join(DEVICES)}.")
    if config.epochs < 1 or config.batch_size < 2 or not config.learning_rate > 0:
        raise ImagetteError(
            f"Epochs must be at least 1 (got {config.epochs}), the batch size at least 2 (got {config.batch_size}) "
            f"and the learning rate above 0 (got {config.learning_rate})."
        )
    if config.patience < 0 or config.jitter < 0:
        raise ImagetteError("The patience and the jitter strength cannot be negative.")
    if config.cross_validation not in CROSS_VALIDATION_MODES or config.folds < 2:
        raise ImagetteError(
            f"Cross-validation must be one of {', '.join(CROSS_VALIDATION_MODES)} (got {config.cross_validation!r}) with at least 2 "
            f"folds (got {config.folds})."
        )


def _initialise(network: Network, config: TrainingConfig, dataset: ds.Dataset, progress: Progress) -> LoadReport | None:
    """Loads pretrained weights as the configuration asks, and freezes the backbone in frozen mode."""
    checkpoint: Checkpoint | None = None
    if config.pretrained_mode == "scratch":
        if config.weights_file:
            progress.warning("A weights file was given but 'no pretraining' was chosen: the file is not used.")
    elif config.weights_file:
        checkpoint = read_checkpoint(config.weights_file)
    elif encoder_architecture(config.architecture):
        checkpoint = read_checkpoint(imagenet_checkpoint(encoder_architecture(config.architecture), progress))
    elif config.pretrained_mode == "frozen":
        raise ImagetteError(
            "A frozen backbone needs pretrained weights: give a weights file, or choose a ResNet or fine-tuning."
        )
    if checkpoint is None:
        progress.info(f"Weights: random initialisation, seed {config.seed}.")
        return None
    report = load_pretrained(network, checkpoint, dataset.metadata["bands"]["names"], config.rgb_bands, progress)
    if config.pretrained_mode == "frozen":
        freeze_backbone(network)
        progress.info("Frozen backbone: only the classification layer is trained.")
    return report


@dataclass
class _Data:
    """The dataset as training sees it: output index of every patch, splits and class weights."""

    dataset: ds.Dataset
    classes: list[dict]
    targets: PatchTargets | PixelTargets
    train: np.ndarray
    validation: np.ndarray
    weights: np.ndarray


def _prepare(config: TrainingConfig, progress: Progress) -> _Data:
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
    weights = _loss_weights(config, targets, train, len(classes))
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
    return _Data(dataset, classes, targets, train, validation, weights)


def _loss_weights(config: TrainingConfig, targets: PatchTargets | PixelTargets, train: np.ndarray, classes: int):
    counts = targets.counts(train, classes)
    return class_weights(counts) if config.class_weighting else (counts > 0).astype(np.float64)


@dataclass
class _Fit:
    """The epochs run and the best of them."""

    history: list[dict] = field(default_factory=list)
    best_epoch: int = 0
    best_rank: tuple[float, float] = (-math.inf, -math.inf)
    best_state: dict[str, Tensor] | None = None
    best_confusion: np.ndarray | None = None
    canceled: bool = False
    stopped_early: bool = False
    last_rise: int = 0  # last epoch (1-based) whose validation macro-F1 beat every earlier one


# Called after each epoch with its number (1-based), the seconds of its training and of its validation, the
# number of epochs the run would have if the macro-F1 rose no more (early stopping's patience, or all of them),
# and the best epoch so far.
EpochTimer = Callable[[int, float, float, int, int], None]


def _fit(
    trainer: _Trainer,
    data: _Data,
    config: TrainingConfig,
    progress: Progress,
    run_epochs: int | None = None,
    on_epoch: EpochTimer | None = None,
) -> _Fit:
    """Runs the epochs: keeps the best one, stops early without progress, turns a cancel into the best so far.

    run_epochs: stop after this many epochs (a fold network stops at the epoch the model chose), the learning
    rate still following the schedule of config.epochs. Patience counts the epochs since the macro-F1 last
    rose: an epoch of the same macro-F1 and a lower validation loss is kept instead, but does not restart it
    (once the macro-F1 has stalled, the loss creeping down for ever would keep training to the last epoch).
    """
    fit = _Fit()
    epochs = run_epochs or config.epochs
    best_f1 = -math.inf
    for epoch in range(epochs):
        started = time.perf_counter()
        training_before = trainer.train_time
        try:
            train_loss = trainer.train_epoch(epoch, data.train, 100 * epoch / epochs, 100 * (epoch + 1) / epochs)
            training_s = trainer.train_time - training_before
            percent = 100 * (epoch + 1) / epochs
            val_loss, confusion = (
                trainer.evaluate(data.validation, len(data.classes), percent) if data.validation.size else (None, None)
            )
        except CanceledError:
            if fit.best_state is None:
                raise CanceledError("Canceled before the first epoch ended: no model was written.") from None
            fit.canceled = True
            progress.warning(
                f"Canceled during epoch {epoch + 1}: the model of epoch {fit.best_epoch} (the best so far) is saved."
            )
            return fit
        scores = classification_scores(confusion) if confusion is not None else None
        seconds = time.perf_counter() - started
        record = {
            "epoch": epoch + 1,
            "train_loss": train_loss,
            "val_loss": val_loss,
            "val_macro_f1": scores["macro_f1"] if scores else None,
            "val_accuracy": scores["overall_accuracy"] if scores else None,
            "learning_rate": trainer.optimizer.param_groups[0]["lr"],
            "batch_size": trainer.batch_size,
            "seconds": seconds,
        }
        fit.history.append(record)
        # Ranked by macro-F1, ties broken by the lower validation loss; without validation the last epoch wins.
        rank = (scores["macro_f1"] or 0.0, -val_loss) if scores and val_loss is not None else (float(epoch), 0.0)
        improved = rank > fit.best_rank
        if improved:
            fit.best_rank, fit.best_epoch, fit.best_confusion = rank, epoch + 1, confusion
            fit.best_state = trainer.best_state()
        if rank[0] > best_f1:
            best_f1, fit.last_rise = rank[0], epoch + 1
        stopping = bool(scores and config.patience)
        if on_epoch is not None:
            projected = min(epochs, fit.last_rise + config.patience) if stopping else epochs
            on_epoch(epoch + 1, training_s, seconds - training_s, projected, fit.best_epoch)
        measured = (
            f", validation loss {val_loss:.4f}, macro-F1 {record['val_macro_f1']:.3f}, accuracy {record['val_accuracy']:.3f}"
            + (" (best)" if improved else "")
            if scores
            else ""
        )
        progress.info(
            f"Epoch {epoch + 1}/{epochs}: training loss {train_loss:.4f}{measured}, {seconds:.1f} s"
            + (f"{left_text(progress)}." if epoch + 1 < epochs else ".")
        )
        if stopping and epoch + 1 - fit.last_rise >= config.patience:
            fit.stopped_early = epoch + 1 < epochs
            if fit.stopped_early:
                progress.info(
                    f"Early stop: no better macro-F1 for {config.patience} epochs; epoch {fit.best_epoch} is kept."
                )
            return fit
    return fit


def _model_metadata(
    config: TrainingConfig,
    data: _Data,
    fit: _Fit,
    trainer: _Trainer,
    pretrained: LoadReport | None,
    metrics: dict,
    duration: float,
) -> dict:
    """Everything the model file records, as plain data (see modelfile.py)."""
    source = data.dataset.metadata
    return {
        "bands": source["bands"],
        "normalization": source["normalization"],
        "patch_size": data.dataset.patch_size,
        "pixel_size": source["pixel_size"],
        "crs": source["crs"],
        "crs_name": source["crs_name"],
        "classes": data.classes,
        "training": {
            "architecture": config.architecture,
            "pretrained_mode": config.pretrained_mode if pretrained else "scratch",
            "pretrained": pretrained.to_dict() if pretrained else None,
            "epochs": config.epochs,
            "epochs_run": len(fit.history),
            "best_epoch": fit.best_epoch,
            "stopped_early": fit.stopped_early,
            "canceled": fit.canceled,
            "batch_size": config.batch_size,
            "final_batch_size": trainer.batch_size,
            "learning_rate": config.learning_rate,
            "optimizer": f"AdamW, weight decay {WEIGHT_DECAY}",
            "schedule": f"linear warm-up over {WARMUP:.0%} of training, then cosine decay",
            "class_weighting": config.class_weighting,
            "class_weights": [float(w) for w in data.weights],
            "augmentation": {"dihedral": config.augmentation, "jitter": config.jitter},
            "patience": config.patience,
            "cross_validation": config.cross_validation,
            "folds": config.folds,
            "rgb_bands": list(config.rgb_bands) if config.rgb_bands else None,
            "device": _describe(trainer.device),
            "mixed_precision": str(trainer.amp_dtype).removeprefix("torch.") if trainer.amp_dtype else None,
            "duration_s": duration,
            "data_wait_share": trainer.data_wait / max(trainer.train_time, 1e-9),
            "training_loop_s": trainer.train_time,  # the epochs' training passes, waits for batches included
            "data_wait_s": trainer.data_wait,
            "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        },
        "seed": config.seed,
        "metrics": metrics,
        "history": fit.history,
        "dataset": {
            "path": str(data.dataset.path.resolve()),
            **{key: source.get(key) for key in ("created", "raster", "count", "counts", "sampling")},
        },
        "software": software_versions(),
    }


def _save_or_rescue(config: TrainingConfig, network: Network, metadata: dict) -> None:
    """Writes the model file; when that fails after training (disk full, folder gone read-only), writes it to
    the system temp folder instead and raises an error naming that file: a trained model is never lost."""
    try:
        save_model(config.output_model, config.architecture, network, metadata)
        return
    except (OSError, RuntimeError) as error:  # torch reports a failed write as RuntimeError (inline_container)
        failure = error
    handle, rescue = tempfile.mkstemp(prefix="imagette-model-", suffix=EXTENSION)
    os.close(handle)
    try:
        save_model(rescue, config.architecture, network, metadata)
    except (OSError, RuntimeError) as error:
        Path(rescue).unlink(missing_ok=True)
        raise ImagetteError(
            f"The trained model could not be written to '{config.output_model}' ({failure}), nor to the temporary "
            f"folder ({error}). Free some disk space and train again."
        ) from failure
    raise ImagetteError(
        f"The trained model could not be written to '{config.output_model}' ({failure}). It was saved to "
        f"'{rescue}' instead: move that file where you want it (free some space or choose a folder where you can "
        "write), or train again."
    ) from failure


def _train_network(
    config: TrainingConfig,
    data: _Data,
    device: torch.device,
    progress: Progress,
    run_epochs: int | None = None,
    on_epoch: EpochTimer | None = None,
) -> tuple[Network, _Trainer, _Fit, LoadReport | None]:
    """Builds, initialises and trains one network on data.train; returns it on the CPU with its best epoch's weights."""
    with _run_environment(config.seed, device):
        network = build_model(config.architecture, data.dataset.band_count, len(data.classes), data.dataset.patch_size)
        pretrained = _initialise(network, config, data.dataset, progress)
        frozen = config.pretrained_mode == "frozen" and pretrained is not None
        trainer = _Trainer(config, data.dataset, data.targets, data.weights, network, frozen, device, progress)
        if trainer.amp_dtype is not None:
            progress.info(
                f"Mixed precision ({str(trainer.amp_dtype).removeprefix('torch.')}) and channels_last on the GPU."
            )
        fit = _fit(trainer, data, config, progress, run_epochs, on_epoch)
    network = trainer.network.to("cpu", memory_format=torch.contiguous_format)
    if fit.best_state is not None:  # always set once an epoch has completed
        network.load_state_dict(fit.best_state)
    return network, trainer, fit, pretrained


WRITING_S = 0.2  # seconds guessed for writing the model file and the report

# The phases of a run, in order, as the progress bar, the report and the log name them.
PREPARING, TRAINING, MAP_SCORING, CROSS_VALIDATION, WRITING = (
    "preparing",
    "training",
    "map-level scoring",
    "cross-validation",
    "writing",
)


class _Schedule:
    """A training run's phases on one progress bar, their estimated costs, and the time left in the log."""

    def __init__(self, config: TrainingConfig, progress: Progress) -> None:
        self.config = config
        self.phases = Phases(
            progress, {PREPARING: 0.1, TRAINING: 30.0, MAP_SCORING: 1.0, CROSS_VALIDATION: 0.0, WRITING: WRITING_S}
        )
        self.costs: RunCosts | None = None
        self.data: _Data | None = None
        self.folds: FoldPlan | None = None
        self.epochs = config.epochs  # the model's run: all epochs, then the projected stop, then the epochs run
        self.fold_epochs = config.epochs  # epochs of a fold network: the model's (projected) best epoch
        self.validation_pixels = 0
        self.fold_pixels = 0
        self.epoch_times: list[tuple[float, float]] = []

    def prepared(self, data: _Data, folds: FoldPlan | None) -> None:
        """Takes the dataset (and the folds, when cross-validating): the phases' costs, guessed until an epoch is timed."""
        self.data, self.folds = data, folds
        dataset = data.dataset
        batch = batch_patches(self.config.batch_size, dataset.patch_size, data.targets.spatial)
        self.costs = RunCosts(
            dataset.patch_size, patches_per_epoch(data.train.size, batch, MIN_STEPS_PER_EPOCH), data.validation.size
        )
        pixel_size, patch = dataset.metadata["pixel_size"], dataset.patch_size
        validation = [geometry_bounds(geometry) for geometry, _ in dataset.features(ds.VALIDATION)]
        self.validation_pixels = extent_pixels(validation, pixel_size, patch) if data.validation.size else 0
        if folds is not None:
            self.fold_pixels = extent_pixels([tuple(e) for e in folds.held_extents], pixel_size, patch)
        self.phases.estimate(PREPARING, self.phases.elapsed(PREPARING), measured=False)  # about over
        self._estimate(measured=False)

    def fold_cost(self) -> float:
        """Seconds of the cross-validation's networks and of their scoring."""
        if self.folds is None or self.costs is None or self.data is None:
            return 0.0
        batch = batch_patches(self.config.batch_size, self.data.dataset.patch_size, self.data.targets.spatial)
        training = sum(
            self.fold_epochs * self.costs.epoch(patches_per_epoch(fold.train.size, batch, MIN_STEPS_PER_EPOCH))
            for fold in self.folds.folds
        )
        return training + self.costs.scoring(self.fold_pixels)

    def _estimate(self, measured: bool) -> None:
        assert self.costs is not None
        phases = self.phases
        phases.estimate(TRAINING, self.epochs * self.costs.epoch(), measured)
        phases.estimate(MAP_SCORING, self.costs.scoring(self.validation_pixels), measured)
        phases.estimate(CROSS_VALIDATION, self.fold_cost(), measured)

    def epoch_timed(self, epoch: int, training_s: float, evaluation_s: float, projected: int, best: int) -> None:
        """After each epoch of the model's run: its measured times replace the guesses, the run's epochs are those
        it would have if the macro-F1 rose no more, and the folds' the best epoch so far."""
        assert self.costs is not None
        self.epochs, self.fold_epochs = projected, max(1, best)
        self.epoch_times.append((training_s, evaluation_s))
        training, evaluation = np.mean(self.epoch_times, axis=0)
        self.costs.measure_epoch(float(training), float(evaluation))
        self._estimate(measured=True)

    def trained(self, best_epoch: int) -> None:
        """The model's run is over: fold networks train for its best epoch's count."""
        self.fold_epochs = max(1, best_epoch)
        if self.costs is not None and self.costs.measured:
            self.phases.estimate(CROSS_VALIDATION, self.fold_cost())

    def scored(self) -> None:
        """The map-level scoring of the validation features is over: its pace is that of the folds' scoring."""
        if self.costs is not None and self.validation_pixels:
            self.costs.measure_scoring(self.validation_pixels, self.phases.elapsed(MAP_SCORING))
            self.phases.estimate(CROSS_VALIDATION, self.fold_cost())

    def durations(self) -> dict[str, float]:
        """Seconds of each phase that has ended, and of the whole run so far under 'total'."""
        return {**{k: v for k, v in self.phases.durations.items()}, "total": self.phases.elapsed()}


class _TrainingShare(Progress):
    """The model's run on its phase of the bar: epochs count against the projected stop, not all of them.

    The training loops report their percent of all the epochs asked; early stopping usually ends sooner.
    """

    def __init__(self, phase: Progress, schedule: _Schedule) -> None:
        self.phase, self.schedule = phase, schedule

    def set_percent(self, percent: float) -> None:
        asked, projected = self.schedule.config.epochs, max(self.schedule.epochs, 1)
        self.phase.set_percent(min(100.0, percent * asked / projected))

    def info(self, message: str) -> None:
        self.phase.info(message)

    def warning(self, message: str) -> None:
        self.phase.warning(message)

    def is_canceled(self) -> bool:
        return self.phase.is_canceled()

    def time_left(self) -> float | None:
        return self.phase.time_left()


def _cross_validation(
    config: TrainingConfig,
    data: _Data,
    metadata: dict,
    device: torch.device,
    schedule: _Schedule,
) -> Callable[[], MapValidation] | None:
    """The cross-validation map_level runs once the validation features are scored, or None when not wanted."""
    plan = schedule.folds
    if plan is None:
        return None

    def train_fold(train: np.ndarray, fold_progress: Progress) -> ModelFile:
        fold_data = replace(
            data,
            train=train,
            validation=train[:0],  # no search for a best epoch: it trains for the model's
            weights=_loss_weights(config, data.targets, train, len(data.classes)),
        )
        network, *_ = _train_network(config, fold_data, device, fold_progress, run_epochs=schedule.fold_epochs)
        return ModelFile(config.architecture, network.eval(), metadata)

    def run() -> MapValidation:
        schedule.scored()
        seconds = schedule.fold_cost()
        progress = schedule.phases.start(CROSS_VALIDATION)
        sizes = [fold.train.size for fold in plan.folds]
        progress.info(
            f"Cross-validation: {len(plan.folds)} more networks, {about(seconds)} in all: each trains for "
            f"{schedule.fold_epochs} epochs (the epoch this model chose) on the "
            + (f"{min(sizes)}-{max(sizes)}" if min(sizes) != max(sizes) else f"{sizes[0]}")
            + f" training patches clear of its share of the {sum(f.held.size for f in plan.folds)} training polygons, "
            "then its map is scored on them."
        )
        metadata["training"]["fold_networks"] = len(plan.folds)
        metadata["training"]["fold_epochs"] = schedule.fold_epochs
        share = schedule.costs.scoring(schedule.fold_pixels) / max(seconds, 1e-9) if schedule.costs else 0.1
        return cross_validate(data.dataset, plan, config.folds, train_fold, device, progress, 1.0 - share)

    return run


def train_classifier(config: TrainingConfig, progress: Progress | None = None) -> TrainingResult:
    """Trains a network on a dataset folder and writes the model file (and the HTML report if asked).

    One progress bar runs from 0 to 100 % over the whole run (training, map-level scoring, cross-validation,
    writing) and never goes back; the log names each phase as it starts, with the time left once an epoch
    has been timed, and ends with the time each phase took, which the model file and the report keep too.

    A cancel after the first epoch keeps the best model so far (result.canceled is True);
    a cancel before it raises CanceledError and writes nothing.

    Raises:
        ImagetteError: a problem the user can fix, explained.
        CanceledError: canceled before any epoch was complete.
    """
    progress = progress or Progress()
    schedule = _Schedule(config, progress)
    phases = schedule.phases
    preparing = phases.start(PREPARING)
    _check_config(config)
    check_writable(config.output_model, "model file")
    if config.output_report:
        check_writable(config.output_report, "report")
    data = _prepare(config, preparing)
    device = select_device(config.device, preparing)
    folds = (
        plan_folds(data.dataset, data.train, config.folds, config.seed)
        if wanted(config.cross_validation, data.dataset, data.train, preparing)
        else None
    )
    schedule.prepared(data, folds)
    training = _TrainingShare(phases.start(TRAINING), schedule)
    training.info(
        f"Training: up to {config.epochs} epochs"
        + (
            f", stopping once the validation macro-F1 has not risen for {config.patience} epochs…"
            if config.patience and data.validation.size
            else "…"
        )
    )
    network, trainer, fit, pretrained = _train_network(config, data, device, training, on_epoch=schedule.epoch_timed)
    schedule.trained(fit.best_epoch)
    training_s = phases.elapsed(TRAINING)
    patch_level = {**scores_of(fit.best_confusion, data.classes, data.targets.unit), "epoch": fit.best_epoch}
    metadata = _model_metadata(config, data, fit, trainer, pretrained, patch_level, training_s)
    if fit.canceled:
        progress.warning("The run was canceled: the scores are patch-level, the map was not scored.")
        metadata["metrics"] = {**patch_level, "level": "patch", "patch_level": patch_level}
    else:
        metadata["metrics"] = map_level(
            ModelFile(config.architecture, network.eval(), metadata),
            data.dataset,
            device,
            phases.start(MAP_SCORING),
            _cross_validation(config, data, metadata, device, schedule),
        )
    log_scores(metadata["metrics"], progress)
    metrics = metadata["metrics"]
    wait_share = metadata["training"]["data_wait_share"]
    progress.info(f"{wait_share:.1%} of the training time was spent waiting for patches.")
    writing = phases.start(WRITING)
    durations = schedule.durations()
    metadata["training"]["duration_s"] = durations["total"]
    metadata["training"]["durations_s"] = durations
    _save_or_rescue(config, network, metadata)
    writing.info(
        f"Model written to {config.output_model}" + (" (canceled run: best epoch so far)." if fit.canceled else ".")
    )
    try:
        report_path = write_report(config.output_report, metadata) if config.output_report else None
    except OSError as error:
        raise ImagetteError(
            f"The model was written to '{config.output_model}', but the report '{config.output_report}' could not "
            f"be written: {error}. Free some space or choose another folder for the report; the model is complete."
        ) from error
    if report_path:
        writing.info(f"Report written to {report_path}.")
    final = phases.finish()
    progress.info(
        f"Duration {seconds_text(durations['total'])}: {duration_split(durations)}; "
        f"then {seconds_text(final['total'] - durations['total'])} writing the model and report."
    )
    return TrainingResult(
        Path(config.output_model),
        report_path,
        metrics,
        fit.history,
        _describe(device),
        final["total"],
        fit.best_epoch,
        len(fit.history),
        fit.canceled,
        fit.stopped_early,
        trainer.batch_size,
        wait_share,
        metadata,
        final,
    )
