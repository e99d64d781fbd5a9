"""What of the labels reached training and validation: per split and class, the features, patches and labelled
pixels that dataset.json keeps under "labels", logged class by class, with a warning and its fix for each class
too poor to learn from."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import dataset as ds
from .classes import ClassEntry
from .i18n import tr
from .progress import Progress
from .sampling_config import LabelledFeature

FEW_TRAINING_PATCHES = 20  # below this, a class is said to have too few patches to learn from


def label_use(
    feature_codes: np.ndarray,
    feature_split: np.ndarray,
    inside: np.ndarray,
    labelled_pixels: np.ndarray,
    codes: np.ndarray,
    split: np.ndarray,
    reached: np.ndarray,
) -> dict:
    """Per split and class: features on the raster (inside), patches, labelled pixels, and (training) those that some
    training mask labels (reached). feature_*, inside, labelled_pixels and reached are per feature; codes and split
    per patch."""
    table: dict[str, dict[str, dict[str, int]]] = {name: {} for name in ds.SPLIT_NAMES}
    for split_index, name in enumerate(ds.SPLIT_NAMES):
        for code in np.unique(feature_codes[inside]):
            members = inside & (feature_codes == code) & (feature_split == split_index)
            row = {
                "features": int(members.sum()),
                "patches": int(((codes == code) & (split == split_index)).sum()),
                "labelled_pixels": int(labelled_pixels[members].sum()),
            }
            if split_index == ds.TRAIN:
                row["in_training_masks"] = int(reached[members].sum())
            table[name][str(code)] = row
    return table


def report_label_use(
    table: dict,
    classes: Sequence[ClassEntry],
    features: Sequence[LabelledFeature],
    inside: np.ndarray,
    progress: Progress,
) -> list[str]:
    """Logs, per class, what reached training and validation (table: label_use's), and warns of the classes too poor
    to learn from with the fix that suits their layout. Returns the warnings."""
    names = {entry.code: entry.name for entry in classes}
    warnings = []
    for code, training in table["train"].items():
        validation = table["validation"][code]
        labelled = training["labelled_pixels"] + validation["labelled_pixels"]
        name = names.get(int(code), code)
        progress.info(
            tr(
                "Class '{name}': {features} training feature(s), {patches} patch(es), {reached} of their {labelled} "
                "labelled pixel(s) in training masks; {validation_features} validation feature(s), "
                "{validation_patches} patch(es), {validation_share} of the class's labelled pixels."
            ).format(
                name=name,
                features=training["features"],
                patches=training["patches"],
                reached=_percent(training["in_training_masks"], training["labelled_pixels"]),
                labelled=training["labelled_pixels"],
                validation_features=validation["features"],
                validation_patches=validation["patches"],
                validation_share=_percent(validation["labelled_pixels"], labelled),
            )
        )
        if training["patches"] >= FEW_TRAINING_PATCHES:
            continue
        points = all(features[i].is_point for i in np.flatnonzero(inside) if features[i].code == int(code))
        remedy = (
            tr("Add points of this class: each point on data gives one patch.")
            if points
            else tr(
                "Digitise more or larger polygons of this class, or set a smaller stride (more patch centres in each "
                "polygon)."
            )
        )
        warning = tr(
            "Class '{name}' has {patches} training patch(es) from {features} feature(s): too few to learn from "
            "(aim for {least} or more). {remedy}"
        ).format(
            name=name,
            patches=training["patches"],
            features=training["features"],
            least=FEW_TRAINING_PATCHES,
            remedy=remedy,
        )
        warnings.append(warning)
        progress.warning(warning)
    return warnings


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "0 %"
