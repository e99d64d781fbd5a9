"""Fitting one network: built, initialised as the configuration asks, trained epoch by epoch, its best epoch kept.

Early stopping on validation macro-F1 with patience; the best epoch's weights are kept, whatever happens
after it (including a cancel). Seeded: on the CPU the same seed (and thread count) gives the same model.
A dataset without validation patches trains for all epochs without early stopping and keeps the last epoch.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import Tensor

from . import dataset as ds
from .errors import CanceledError, ImagetteError
from .i18n import tr
from .metrics import classification_scores
from .models import Network, build_model, encoder_architecture
from .pretrained import Checkpoint, LoadReport, freeze_backbone, imagenet_checkpoint, load_pretrained, read_checkpoint
from .progress import Progress, left_text
from .trainer import Trainer
from .training_config import TrainingConfig
from .training_inputs import TrainingInputs


@contextmanager
def _run_environment(seed: int, device: torch.device) -> Iterator[None]:
    """Seeds torch without disturbing the caller's random state, and picks the fastest cuDNN kernels on CUDA.

    torch.use_deterministic_algorithms() is not set: on the CPU it sends convolutions to a reference
    implementation about 8 times slower, and oneDNN's own kernels already give the same result for the
    same seed and thread count (tests/engine/test_engine_training.py checks it). The cuDNN switch, global to
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


def _initialise(network: Network, config: TrainingConfig, dataset: ds.Dataset, progress: Progress) -> LoadReport | None:
    """Loads pretrained weights as the configuration asks, and freezes the backbone in frozen mode."""
    checkpoint: Checkpoint | None = None
    if config.pretrained_mode == "scratch":
        if config.weights_file:
            progress.warning(tr("A weights file was given but 'no pretraining' was chosen: the file is not used."))
    elif config.weights_file:
        checkpoint = read_checkpoint(config.weights_file)
    elif encoder_architecture(config.architecture):
        checkpoint = read_checkpoint(imagenet_checkpoint(encoder_architecture(config.architecture), progress))
    elif config.pretrained_mode == "frozen":
        raise ImagetteError(
            tr("A frozen backbone needs pretrained weights: give a weights file, or choose a ResNet or fine-tuning.")
        )
    if checkpoint is None:
        progress.info(tr("Weights: random initialisation, seed {seed}.").format(seed=config.seed))
        return None
    report = load_pretrained(network, checkpoint, dataset.metadata["bands"]["names"], config.rgb_bands, progress)
    if config.pretrained_mode == "frozen":
        freeze_backbone(network)
        progress.info(tr("Frozen backbone: only the classification layer is trained."))
    return report


@dataclass
class Fit:
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
# and the epoch the macro-F1 last rose (a fold network's epochs, see cross_validation.py).
EpochTimer = Callable[[int, float, float, int, int], None]


def fit_epochs(
    trainer: Trainer,
    data: TrainingInputs,
    config: TrainingConfig,
    progress: Progress,
    run_epochs: int | None = None,
    on_epoch: EpochTimer | None = None,
) -> Fit:
    """Runs the epochs: keeps the best one, stops early without progress, turns a cancel into the best so far.

    run_epochs: stop after this many epochs (a fold network stops at the epoch the model chose), the learning
    rate still following the schedule of config.epochs. Patience counts the epochs since the macro-F1 last
    rose: an epoch of the same macro-F1 and a lower validation loss is kept instead, but does not restart it
    (once the macro-F1 has stalled, the loss creeping down for ever would keep training to the last epoch).
    """
    fit = Fit()
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
                raise CanceledError(tr("Canceled before the first epoch ended: no model was written.")) from None
            fit.canceled = True
            progress.warning(
                tr("Canceled during epoch {epoch}: the model of epoch {best} (the best so far) is saved.").format(
                    epoch=epoch + 1, best=fit.best_epoch
                )
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
            on_epoch(epoch + 1, training_s, seconds - training_s, projected, fit.last_rise)
        measured = ""
        if scores:
            measured = tr(", validation loss {loss}, macro-F1 {f1}, accuracy {accuracy}").format(
                loss=f"{val_loss:.4f}", f1=f"{record['val_macro_f1']:.3f}", accuracy=f"{record['val_accuracy']:.3f}"
            ) + (tr(" (best)") if improved else "")
        progress.info(
            tr("Epoch {epoch}/{epochs}: training loss {loss}{validation}, {seconds} s").format(
                epoch=epoch + 1,
                epochs=epochs,
                loss=f"{train_loss:.4f}",
                validation=measured,
                seconds=f"{seconds:.1f}",
            )
            + (f"{left_text(progress)}." if epoch + 1 < epochs else ".")
        )
        if stopping and epoch + 1 - fit.last_rise >= config.patience:
            fit.stopped_early = epoch + 1 < epochs
            if fit.stopped_early:
                progress.info(
                    tr("Early stop: no better macro-F1 for {patience} epochs; epoch {best} is kept.").format(
                        patience=config.patience, best=fit.best_epoch
                    )
                )
            return fit
    return fit


def train_network(
    config: TrainingConfig,
    data: TrainingInputs,
    device: torch.device,
    progress: Progress,
    run_epochs: int | None = None,
    on_epoch: EpochTimer | None = None,
) -> tuple[Network, Trainer, Fit, LoadReport | None]:
    """Builds, initialises and trains one network on data.train; returns it on the CPU with its best epoch's weights."""
    with _run_environment(config.seed, device):
        network = build_model(config.architecture, data.dataset.band_count, len(data.classes), data.dataset.patch_size)
        pretrained = _initialise(network, config, data.dataset, progress)
        frozen = config.pretrained_mode == "frozen" and pretrained is not None
        trainer = Trainer(config, data.dataset, data.targets, data.weights, network, frozen, device, progress)
        if trainer.amp_dtype is not None:
            progress.info(
                tr("Mixed precision ({precision}) on the GPU.").format(
                    precision=str(trainer.amp_dtype).removeprefix("torch.")
                )
            )
        fit = fit_epochs(trainer, data, config, progress, run_epochs, on_epoch)
    network = trainer.network.to("cpu", memory_format=torch.contiguous_format)
    if fit.best_state is not None:  # always set once an epoch has completed
        network.load_state_dict(fit.best_state)
    return network, trainer, fit, pretrained
