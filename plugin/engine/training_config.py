"""What to train and how: the training run's configuration, checked before anything is read."""

from __future__ import annotations

from dataclasses import dataclass

from .choices import ARCHITECTURES, CROSS_VALIDATION_MODES, DEVICES, FOLDS, PATCHES_PER_EPOCH, PRETRAINED_MODES
from .errors import ImagetteError
from .i18n import tr


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
    patches_per_epoch: int = PATCHES_PER_EPOCH  # 0: every training patch each epoch
    rgb_bands: tuple[int, int, int] | None = None
    cross_validation: str = "auto"  # one of choices.CROSS_VALIDATION_MODES
    folds: int = FOLDS


def check_config(config: TrainingConfig) -> None:
    if config.architecture not in ARCHITECTURES:
        raise ImagetteError(
            tr("Unknown architecture {architecture}; choose one of {choices}.").format(
                architecture=repr(config.architecture), choices=", ".join(ARCHITECTURES)
            )
        )
    if config.pretrained_mode not in PRETRAINED_MODES:
        raise ImagetteError(
            tr("Unknown pretrained mode {mode}; choose one of {choices}.").format(
                mode=repr(config.pretrained_mode), choices=", ".join(PRETRAINED_MODES)
            )
        )
    if config.device not in DEVICES:
        raise ImagetteError(
            tr("Unknown device {device}; choose one of {choices}.").format(
                device=repr(config.device), choices=", ".join(DEVICES)
            )
        )
    if config.epochs < 1 or config.batch_size < 2 or not config.learning_rate > 0:
        raise ImagetteError(
            tr(
                "Epochs must be at least 1 (got {epochs}), the batch size at least 2 (got {batch_size}) and the "
                "learning rate above 0 (got {rate})."
            ).format(epochs=config.epochs, batch_size=config.batch_size, rate=config.learning_rate)
        )
    if config.patience < 0 or config.jitter < 0 or config.patches_per_epoch < 0:
        raise ImagetteError(tr("The patience, the jitter strength and the patches per epoch cannot be negative."))
    if config.cross_validation not in CROSS_VALIDATION_MODES or config.folds < 2:
        raise ImagetteError(
            tr("Cross-validation must be one of {choices} (got {mode}) with at least 2 folds (got {folds}).").format(
                choices=", ".join(CROSS_VALIDATION_MODES), mode=repr(config.cross_validation), folds=config.folds
            )
        )
