"""The scores a training run reports: patch-level during training, map-level as its headline, and their log.

Patch-level scores (validation patches, or their labelled pixels for segmentation) choose the best
epoch. The headline scores are the map's on the validation features (see validation.py), because
validation patches are the easy cases and a person publishes the map; when the map cannot be scored,
the patch-level ones stand in, said so in the log and the report.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from . import dataset as ds
from .metrics import classification_scores, macro_f1_interval, poorly_recognised
from .modelfile import ModelFile
from .progress import Progress, left_text
from .validation import MapValidation, validate_map

# Below this many validation features, a class's map-level score rests on too few drawings to be more than rough.
FEW_VALIDATION_FEATURES = 3


def scores_of(confusion: np.ndarray | None, classes: list[dict], unit: str) -> dict:
    """Validation scores with class codes and names, or None scores when there was no validation.

    unit names what was counted: patches (patch classifiers) or labelled pixels (segmentation).
    """
    if confusion is None:
        return {
            "available": False,
            "overall_accuracy": None,
            "macro_f1": None,
            "kappa": None,
            "per_class": [],
            "confusion_matrix": [],
            "validation_patches": 0,
            "unit": unit,
        }
    scores = classification_scores(confusion)
    scores["per_class"] = [{"code": c["code"], "name": c["name"], **s} for c, s in zip(classes, scores["per_class"])]
    return {"available": True, **scores, "validation_patches": int(confusion.sum()), "unit": unit}


def log_scores(metrics: dict, progress: Progress) -> None:
    if not metrics["available"]:
        progress.warning(
            "The dataset has no validation patches: accuracy, macro-F1 and kappa are unavailable and early stopping was "
            "off (the last epoch is kept). Sample again with a validation fraction above 0 to measure the model."
        )
        return
    interval = metrics.get("macro_f1_interval")
    progress.info(
        f"Validation: overall accuracy {metrics['overall_accuracy']:.3f}, macro-F1 {metrics['macro_f1']:.3f}"
        + (f" (95 % interval {interval[0]:.3f}-{interval[1]:.3f} over the features scored)" if interval else "")
        + f", kappa {metrics['kappa']:.3f} on {metrics['validation_patches']} {metrics['unit']}."
    )
    for entry in metrics["per_class"]:
        if entry["f1"] is None:
            progress.warning(f"Class {entry['code']} '{entry['name']}' has no validation patch: it cannot be measured.")
            continue
        progress.info(
            f"  {entry['code']} '{entry['name']}': precision {entry['precision']:.3f}, recall {entry['recall']:.3f}, "
            f"F1 {entry['f1']:.3f}, {entry['support']} {metrics['unit']}."
        )
    poor = poorly_recognised(metrics["per_class"])
    if poor:
        names = ", ".join(f"'{e['name']}' (F1 {e['f1']:.2f}, recall {e['recall']:.2f})" for e in poor)
        progress.warning(
            f"Overall accuracy {metrics['overall_accuracy']:.1%} hides poorly recognised classes: {names}. Look at the "
            "confusion matrix in the report; more or better polygons of these classes help most."
        )


def map_level(
    model: ModelFile,
    dataset: ds.Dataset,
    device: torch.device,
    progress: Progress,
    cross_validation: Callable[[], MapValidation] | None = None,
) -> dict:
    """The headline scores: the map's on the validation features, else the patch-level ones, said so.

    cross_validation, when given, scores the training features too (see cross_validation.py); it runs once
    the validation features could be scored, and its scores are added to theirs.
    Returns the metrics with "level" ("map" or "patch") and the patch-level scores under "patch_level".
    """
    patch_level = model.metadata["metrics"]
    if not patch_level["available"]:
        return {**patch_level, "level": "patch", "patch_level": patch_level}
    progress.info(
        f"Patch-level validation (early stopping): macro-F1 {patch_level['macro_f1']:.3f}, overall accuracy "
        f"{patch_level['overall_accuracy']:.3f} on {patch_level['validation_patches']} {patch_level['unit']}. "
        f"Map-level scoring: classifying the map around the {len(dataset.features(ds.VALIDATION))} validation "
        f"features, as 'Classify raster' would{left_text(progress)}…"
    )
    validation = validate_map(model, dataset, device, progress)
    if validation.counts is None or not validation.counts.confusion.any():
        progress.warning(
            f"The map could not be scored on the validation features: {validation.reason or 'no map pixel fell in them'}. "
            "The scores below are patch-level: they measure easy validation patches and are usually higher than the "
            "map's. Keep the raster where it was sampled from to get map-level scores."
        )
        return {**patch_level, "level": "patch", "patch_level": patch_level}
    scored = validation
    if cross_validation is not None:
        folds = cross_validation()
        if folds.counts is None:
            progress.warning(
                f"Cross-validation did not score the training features: {folds.reason}. The scores below rest on the "
                "validation features only."
            )
        scored = validation + folds  # the validation features' alone when the folds were not scored
    counts = scored.counts
    assert counts is not None  # the validation features were scored, checked above
    cross_validated_features = scored.features - validation.features
    return {
        **scores_of(counts.confusion, model.metadata["classes"], "map pixels"),
        "epoch": patch_level["epoch"],
        "level": "map",
        "validation_features": validation.features,
        "cross_validated_features": cross_validated_features,
        "map_nodata_pixels": counts.nodata_pixels,
        **_uncertainty(
            scored,
            cross_validated_features > 0,
            model.metadata["classes"],
            model.metadata["seed"],
            dataset.label_word,
            progress,
        ),
        "patch_level": patch_level,
    }


def _uncertainty(
    validation: MapValidation, cross_validated: bool, classes: list[dict], seed: int, labels: str, progress: Progress
) -> dict:
    """The macro-F1's bootstrap interval over the scored features, and a warning for classes with few of them.

    A handful of validation polygons gives a score that another handful would change by 0.1 or more; the
    interval says how much, and the warning says where it is too narrow (one feature adds no spread).
    labels names the features as the person drew them ("polygons" or "points").
    """
    features_per_class = {c["code"]: validation.feature_codes.count(c["code"]) for c in classes}
    few = [
        f"'{c['name']}' ({features_per_class[c['code']]})"
        for c in classes
        if 0 < features_per_class[c["code"]] < FEW_VALIDATION_FEATURES
    ]
    if few:
        remedy = (
            f" (cross-validation scored all it could: a class's only training {labels[:-1]} is never held out)."
            if cross_validated
            else ", sample with a larger validation fraction, or set 'Cross-validation' to 'Always'."
        )
        progress.warning(
            f"Few {labels} scored for {', '.join(few)}: the map-level scores of these classes rest on too few {labels} "
            f"to be more than rough, and the interval below understates it. Add more {labels} of them{remedy}"
        )
    low, high = macro_f1_interval(validation.per_feature, np.array(validation.feature_codes), seed)
    return {"macro_f1_interval": [low, high], "validation_features_per_class": features_per_class}
