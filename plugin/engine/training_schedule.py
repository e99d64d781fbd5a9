"""A training run's phases on one progress bar: their names, their estimated costs, and the time left in the log."""

from __future__ import annotations

import numpy as np

from . import dataset as ds
from .batches import batch_patches
from .cross_validation import FoldPlan
from .geometry import geometry_bounds
from .progress import Phases, Progress
from .run_costs import (
    CROSS_VALIDATION,
    MAP_SCORING,
    PREPARING,
    TRAINING,
    WRITING,
    RunCosts,
    extent_pixels,
    patches_per_epoch,
)
from .training_config import TrainingConfig
from .training_inputs import TrainingInputs

WRITING_S = 0.2  # seconds guessed for writing the model file and the report


class Schedule:
    """A training run's phases on one progress bar, their estimated costs, and the time left in the log."""

    def __init__(self, config: TrainingConfig, progress: Progress) -> None:
        self.config = config
        self.phases = Phases(
            progress, {PREPARING: 0.1, TRAINING: 30.0, MAP_SCORING: 1.0, CROSS_VALIDATION: 0.0, WRITING: WRITING_S}
        )
        self.costs: RunCosts | None = None
        self.data: TrainingInputs | None = None
        self.folds: FoldPlan | None = None
        self.epochs = config.epochs  # the model's run: all epochs, then the projected stop, then the epochs run
        self.fold_epochs = config.epochs  # epochs of a fold network: those the model took to reach its best macro-F1
        self.validation_pixels = 0
        self.fold_pixels = 0
        self.epoch_times: list[tuple[float, float]] = []

    def prepared(self, data: TrainingInputs, folds: FoldPlan | None) -> None:
        """Takes the dataset (and the folds, when cross-validating): the phases' costs, guessed until an epoch is timed."""
        self.data, self.folds = data, folds
        dataset = data.dataset
        batch = batch_patches(self.config.batch_size, dataset.patch_size, data.targets.spatial)
        self.costs = RunCosts(
            dataset.patch_size,
            patches_per_epoch(data.train.size, batch, self.config.patches_per_epoch),
            data.validation.size,
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
            self.fold_epochs
            * self.costs.epoch(patches_per_epoch(fold.train.size, batch, self.config.patches_per_epoch))
            for fold in self.folds.folds
        )
        return training + self.costs.scoring(self.fold_pixels)

    def _estimate(self, measured: bool) -> None:
        assert self.costs is not None
        phases = self.phases
        phases.estimate(TRAINING, self.epochs * self.costs.epoch(), measured)
        phases.estimate(MAP_SCORING, self.costs.scoring(self.validation_pixels), measured)
        phases.estimate(CROSS_VALIDATION, self.fold_cost(), measured)

    def epoch_timed(self, epoch: int, training_s: float, evaluation_s: float, projected: int, rise: int) -> None:
        """After each epoch of the model's run: its measured times replace the guesses, the run's epochs are those
        it would have if the macro-F1 rose no more, and the folds' those up to its last rise so far."""
        assert self.costs is not None
        self.epochs, self.fold_epochs = projected, max(1, rise)
        self.epoch_times.append((training_s, evaluation_s))
        training, evaluation = np.mean(self.epoch_times, axis=0)
        self.costs.measure_epoch(float(training), float(evaluation))
        self._estimate(measured=True)

    def trained(self, last_rise: int) -> None:
        """The model's run is over: fold networks train for as many epochs as it took to reach its best macro-F1."""
        self.fold_epochs = max(1, last_rise)
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


class TrainingShare(Progress):
    """The model's run on its phase of the bar: epochs count against the projected stop, not all of them.

    The training loops report their percent of all the epochs asked; early stopping usually ends sooner.
    """

    def __init__(self, phase: Progress, schedule: Schedule) -> None:
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
