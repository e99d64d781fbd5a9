"""Training: from a dataset folder to one model file, with defaults a person can use without tuning.

A run: the configuration checked (training_config.py), the dataset prepared (training_inputs.py), the network
fitted (fitting.py, trainer.py), its map scored on the validation features and, on small datasets, on every
training polygon by cross-validation (scoring.py), then the model file (trained_model.py) and the report
written; the phases share one progress bar (training_schedule.py).

A dataset without validation patches trains for all epochs without early stopping and keeps
the last epoch; its scores are reported as unavailable (None), never guessed from training patches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import torch

from .cross_validation import cross_validate, plan_folds, wanted
from .device import describe_device, select_device
from .errors import ImagetteError, sentence
from .fitting import train_network
from .i18n import tr
from .io import MODEL_FILE, REPORT, check_writable
from .modelfile import ModelFile
from .progress import Progress, about, seconds_text
from .report import duration_split, write_report
from .run_costs import CROSS_VALIDATION, MAP_SCORING, PREPARING, TRAINING, WRITING
from .scoring import log_scores, map_level, scores_of
from .trained_model import model_metadata, save_or_rescue
from .training_config import TrainingConfig, check_config
from .training_inputs import TrainingInputs, loss_weights, prepare_inputs
from .training_schedule import Schedule, TrainingShare
from .validation import MapValidation


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


def _cross_validation(
    config: TrainingConfig,
    data: TrainingInputs,
    metadata: dict,
    device: torch.device,
    schedule: Schedule,
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
            weights=loss_weights(config, data.targets, train, len(data.classes)),
        )
        network, *_ = train_network(config, fold_data, device, fold_progress, run_epochs=schedule.fold_epochs)
        return ModelFile(config.architecture, network.eval(), metadata)

    def run() -> MapValidation:
        schedule.scored()
        seconds = schedule.fold_cost()
        progress = schedule.phases.start(CROSS_VALIDATION)
        sizes = [fold.train.size for fold in plan.folds]
        progress.info(
            tr(
                "Cross-validation: {networks} more networks, {duration} in all: each trains for {epochs} epochs (as "
                "many as this model took to reach its best macro-F1) on the {patches} training patches clear of its share of the {polygons} "
                "training polygons, then its map is scored on them."
            ).format(
                networks=len(plan.folds),
                duration=about(seconds),
                epochs=schedule.fold_epochs,
                patches=f"{min(sizes)}-{max(sizes)}" if min(sizes) != max(sizes) else sizes[0],
                polygons=sum(f.held.size for f in plan.folds),
            )
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
    schedule = Schedule(config, progress)
    phases = schedule.phases
    preparing = phases.start(PREPARING)
    check_config(config)
    check_writable(config.output_model, MODEL_FILE)
    if config.output_report:
        check_writable(config.output_report, REPORT)
    data = prepare_inputs(config, preparing)
    device = select_device(config.device, preparing)
    folds = (
        plan_folds(data.dataset, data.train, config.folds, config.seed)
        if wanted(config.cross_validation, data.dataset, data.train, preparing)
        else None
    )
    schedule.prepared(data, folds)
    training = TrainingShare(phases.start(TRAINING), schedule)
    if config.patience and data.validation.size:
        announced = tr(
            "Training: up to {epochs} epochs, stopping once the validation macro-F1 has not risen for {patience} "
            "epochs…"
        )
    else:
        announced = tr("Training: up to {epochs} epochs…")
    training.info(announced.format(epochs=config.epochs, patience=config.patience))
    network, trainer, fit, pretrained = train_network(config, data, device, training, on_epoch=schedule.epoch_timed)
    schedule.trained(fit.last_rise)
    training_s = phases.elapsed(TRAINING)
    patch_level = {**scores_of(fit.best_confusion, data.classes, data.targets.unit), "epoch": fit.best_epoch}
    metadata = model_metadata(config, data, fit, trainer, pretrained, patch_level, training_s)
    if fit.canceled:
        progress.warning(tr("The run was canceled: the scores are patch-level, the map was not scored."))
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
    progress.info(tr("{share} of the training time was spent waiting for patches.").format(share=f"{wait_share:.1%}"))
    writing = phases.start(WRITING)
    durations = schedule.durations()
    metadata["training"]["duration_s"] = durations["total"]
    metadata["training"]["durations_s"] = durations
    save_or_rescue(config, network, metadata)
    if fit.canceled:
        written = tr("Model written to {path} (canceled run: best epoch so far).")
    else:
        written = tr("Model written to {path}.")
    writing.info(written.format(path=config.output_model))
    try:
        report_path = write_report(config.output_report, metadata) if config.output_report else None
    except OSError as error:
        raise ImagetteError(
            tr(
                "The model was written to '{model}', but the report '{report}' could not be written: {problem} Free "
                "some space or choose another folder for the report; the model is complete."
            ).format(model=config.output_model, report=config.output_report, problem=sentence(error))
        ) from error
    if report_path:
        writing.info(tr("Report written to {path}.").format(path=report_path))
    final = phases.finish()
    progress.info(
        tr("Duration {total}: {split}; then {writing} writing the model and report.").format(
            total=seconds_text(durations["total"]),
            split=duration_split(durations),
            writing=seconds_text(final["total"] - durations["total"]),
        )
    )
    return TrainingResult(
        Path(config.output_model),
        report_path,
        metrics,
        fit.history,
        describe_device(device),
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
