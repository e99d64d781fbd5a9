"""What each phase of a training run should cost, in seconds, from what the run has measured so far.

The unit of work is the network's forward pass over one pixel: a training step costs its forward and
backward passes, an evaluation and the map-level scoring their forward pass over the pixels they read
(patches, or the tiles around the features scored, halo included). Until the first epoch is timed the rate
is a guess that only shares out the progress bar; then the training epoch's own time and the rate of the
forward pass over the validation patches stand in, and the map-level scoring's time once it has run.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .i18n import tr_noop

# The phases of a training run, in order, as the progress bar, the log and the report name them (in durations_s
# too, so the English names are also keys; tr() gives the words shown).
PREPARING, TRAINING, MAP_SCORING, CROSS_VALIDATION, WRITING = (
    tr_noop("preparing"),
    tr_noop("training"),
    tr_noop("map-level scoring"),
    tr_noop("cross-validation"),
    tr_noop("writing"),
)
GUESSED_RATE = 2e6  # forward pixels per second before any measurement: weights for the progress bar only
TRAINING_STEP = 3.0  # a training step costs about three forward passes (forward, then backward)
MIN_HALO = 32  # pixels read around each scored extent (the segmentation tiles' halo for 32 px patches)
MIN_STEPS_PER_EPOCH = 20  # small datasets repeat their patches within an epoch up to this many batches


def patches_per_epoch(train: int, batch: int, cap: int = 0, min_steps: int = MIN_STEPS_PER_EPOCH) -> int:
    """Patches an epoch passes: every training patch, repeated until the epoch takes min_steps batches; at most
    cap of them (0: no cap), but never fewer than min_steps batches."""
    least = min_steps * batch
    every = max(1, math.ceil(least / max(train, 1))) * train
    return max(least, min(every, cap)) if cap and train else every


def extent_pixels(
    extents: Sequence[tuple[float, float, float, float]], pixel_size: Sequence[float], patch_size: int
) -> int:
    """Pixels the map-level scoring reads around these (xmin, ymin, xmax, ymax) extents, halo included."""
    halo = max(MIN_HALO, patch_size // 2)
    width, height = abs(pixel_size[0]), abs(pixel_size[1])
    return int(
        sum(
            (math.ceil((x1 - x0) / width) + 2 * halo) * (math.ceil((y1 - y0) / height) + 2 * halo)
            for x0, y0, x1, y1 in extents
        )
    )


@dataclass
class RunCosts:
    """Seconds of a training run's parts, guessed at first, then from what it measured (measured is True)."""

    patch_size: int
    epoch_patches: int  # patches one training epoch passes
    validation_patches: int
    epoch_training_s: float = 0.0  # measured training part of an epoch (no evaluation)
    forward_rate: float = GUESSED_RATE  # pixels per second of the forward pass
    measured: bool = False

    def epoch(self, patches: int | None = None) -> float:
        """Seconds of one epoch: training on `patches` patches passed (default: the run's), then evaluation."""
        passed = self.epoch_patches if patches is None else patches
        if self.epoch_training_s > 0:
            training = self.epoch_training_s * passed / max(self.epoch_patches, 1)
        else:
            training = TRAINING_STEP * passed * self.patch_size**2 / self.forward_rate
        return training + (self.evaluation() if patches is None else 0.0)

    def evaluation(self) -> float:
        return self.validation_patches * self.patch_size**2 / self.forward_rate

    def scoring(self, pixels: int) -> float:
        return pixels / self.forward_rate

    def measure_epoch(self, training_s: float, evaluation_s: float) -> None:
        """Takes the times of a measured epoch: its training part, and its evaluation of the validation patches."""
        self.epoch_training_s = training_s
        if self.validation_patches and evaluation_s > 0:
            self.forward_rate = self.validation_patches * self.patch_size**2 / evaluation_s
        else:  # no evaluation to time: the forward pass from the training steps
            self.forward_rate = TRAINING_STEP * self.epoch_patches * self.patch_size**2 / max(training_s, 1e-9)
        self.measured = True

    def measure_scoring(self, pixels: int, seconds: float) -> None:
        """Takes the time of a map-level scoring over this many pixels: the rate the folds' scoring will have."""
        if pixels and seconds > 0:
            self.forward_rate = pixels / seconds
