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
from .i18n import tr
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
            tr(
                "The dataset has no validation patches: accuracy, macro-F1 and kappa are unavailable and early "
                "stopping was off (the last epoch is kept). Sample again with a validation fraction above 0 to "
                "measure the model."
            )
        )
        return
    interval = metrics.get("macro_f1_interval")
    unit = tr(metrics["unit"])  # one of report.SCORE_UNITS
    spread = (
        tr(" (95 % interval {low}-{high} over the features scored)").format(
            low=f"{interval[0]:.3f}", high=f"{interval[1]:.3f}"
        )
        if interval
        else ""
    )
    progress.info(
        tr("Validation: overall accuracy {accuracy}, macro-F1 {f1}{interval}, kappa {kappa} on {count} {unit}.").format(
            accuracy=f"{metrics['overall_accuracy']:.3f}",
            f1=f"{metrics['macro_f1']:.3f}",
            interval=spread,
            kappa=f"{metrics['kappa']:.3f}",
            count=metrics["validation_patches"],
            unit=unit,
        )
    )
    for entry in metrics["per_class"]:
        if entry["f1"] is None:
            progress.warning(
                tr("Class {code} '{name}' has no validation patch: it cannot be measured.").format(
                    code=entry["code"], name=entry["name"]
                )
            )
            continue
        progress.info(
            tr("  {code} '{name}': precision {precision}, recall {recall}, F1 {f1}, {support} {unit}.").format(
                code=entry["code"],
                name=entry["name"],
                precision=f"{entry['precision']:.3f}",
                recall=f"{entry['recall']:.3f}",
                f1=f"{entry['f1']:.3f}",
                support=entry["support"],
                unit=unit,
            )
        )
    poor = poorly_recognised(metrics["per_class"])
    if poor:
        names = ", ".join(
            tr("'{name}' (F1 {f1}, recall {recall})").format(
                name=e["name"], f1=f"{e['f1']:.2f}", recall=f"{e['recall']:.2f}"
            )
            for e in poor
        )
        progress.warning(
            tr(
                "Overall accuracy {accuracy} hides poorly recognised classes: {names}. Look at the confusion matrix in "
                "the report; more or better polygons of these classes help most."
            ).format(accuracy=f"{metrics['overall_accuracy']:.1%}", names=names)
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
        tr(
            "Patch-level validation (early stopping): macro-F1 {f1}, overall accuracy {accuracy} on {count} {unit}. "
            "Map-level scoring: classifying the map around the {features} validation features, as 'Classify raster' "
            "would{left}…"
        ).format(
            f1=f"{patch_level['macro_f1']:.3f}",
            accuracy=f"{patch_level['overall_accuracy']:.3f}",
            count=patch_level["validation_patches"],
            unit=tr(patch_level["unit"]),
            features=len(dataset.features(ds.VALIDATION)),
            left=left_text(progress),
        )
    )
    validation = validate_map(model, dataset, device, progress)
    if validation.counts is None or not validation.counts.confusion.any():
        progress.warning(
            tr(
                "The map could not be scored on the validation features: {reason}. The scores below are patch-level: "
                "they measure easy validation patches and are usually higher than the map's. Keep the raster where it "
                "was sampled from to get map-level scores."
            ).format(reason=validation.reason or tr("no map pixel fell in them"))
        )
        return {**patch_level, "level": "patch", "patch_level": patch_level}
    scored = validation
    if cross_validation is not None:
        folds = cross_validation()
        if folds.counts is None:
            progress.warning(
                tr(
                    "Cross-validation did not score the training features: {reason}. The scores below rest on the "
                    "validation features only."
                ).format(reason=folds.reason)
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
            (dataset.label_word_one, dataset.label_word),
            progress,
        ),
        "patch_level": patch_level,
    }


def _uncertainty(
    validation: MapValidation,
    cross_validated: bool,
    classes: list[dict],
    seed: int,
    words: tuple[str, str],
    progress: Progress,
) -> dict:
    """The macro-F1's bootstrap interval over the scored features, and a warning for classes with few of them.

    A handful of validation polygons gives a score that another handful would change by 0.1 or more; the
    interval says how much, and the warning says where it is too narrow (one feature adds no spread).
    words name a feature and the features as the person drew them ("polygon", "polygons"; or "point", "points").
    """
    label, labels = words
    features_per_class = {c["code"]: validation.feature_codes.count(c["code"]) for c in classes}
    few = [
        f"'{c['name']}' ({features_per_class[c['code']]})"
        for c in classes
        if 0 < features_per_class[c["code"]] < FEW_VALIDATION_FEATURES
    ]
    if few:
        remedy = (
            tr(" (cross-validation scored all it could: a class's only training {label} is never held out).")
            if cross_validated
            else tr(", sample with a larger validation fraction, or set 'Cross-validation' to 'Always'.")
        )
        progress.warning(
            tr(
                "Few {labels} scored for {classes}: the map-level scores of these classes rest on too few {labels} to "
                "be more than rough, and the interval below understates it. Add more {labels} of them{remedy}"
            ).format(labels=labels, classes=", ".join(few), remedy=remedy.format(label=label))
        )
    low, high = macro_f1_interval(validation.per_feature, np.array(validation.feature_codes), seed)
    return {"macro_f1_interval": [low, high], "validation_features_per_class": features_per_class}
