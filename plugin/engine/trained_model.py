"""The model file a training run writes: the metadata it records (modelfile.py owns the format), and a save
that never loses a trained network."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from .device import describe_device
from .errors import ImagetteError
from .fitting import Fit
from .i18n import tr
from .modelfile import EXTENSION, save_model
from .models import Network
from .pretrained import LoadReport
from .trainer import WARMUP, WEIGHT_DECAY, Trainer
from .training_config import TrainingConfig
from .training_inputs import TrainingInputs
from .versions import software_versions


def model_metadata(
    config: TrainingConfig,
    data: TrainingInputs,
    fit: Fit,
    trainer: Trainer,
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
            "patches_per_epoch": config.patches_per_epoch,
            "cross_validation": config.cross_validation,
            "folds": config.folds,
            "rgb_bands": list(config.rgb_bands) if config.rgb_bands else None,
            "device": describe_device(trainer.device),
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


def save_or_rescue(config: TrainingConfig, network: Network, metadata: dict) -> None:
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
            tr(
                "The trained model could not be written to '{path}' ({problem}), nor to the temporary folder "
                "({rescue_problem}). Free some disk space and train again."
            ).format(path=config.output_model, problem=failure, rescue_problem=error)
        ) from failure
    raise ImagetteError(
        tr(
            "The trained model could not be written to '{path}' ({problem}). It was saved to '{rescue}' instead: move "
            "that file where you want it (free some space or choose a folder where you can write), or train again."
        ).format(path=config.output_model, problem=failure, rescue=rescue)
    ) from failure
