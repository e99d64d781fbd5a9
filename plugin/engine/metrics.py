"""Classification scores from a confusion matrix, in plain numpy.

Overall accuracy alone hides rare classes (92 % accuracy with a poplar F1 of 0.51), so every
run reports per-class precision, recall and F1, their macro average and Cohen's kappa too.
"""

from __future__ import annotations

import numpy as np

POOR_F1 = 0.5  # below this, a class is mostly missed or mostly wrong, whatever the overall accuracy


def confusion_matrix(true: np.ndarray, predicted: np.ndarray, num_classes: int) -> np.ndarray:
    """Counts of (true class, predicted class) pairs.

    Args:
        true: class indices (0..num_classes-1) of the reference.
        predicted: class indices predicted for the same samples.
        num_classes: size of the matrix.

    Returns:
        int64 array (num_classes, num_classes): rows are true classes, columns predictions.
    """
    pairs = np.asarray(true, dtype=np.int64) * num_classes + np.asarray(predicted, dtype=np.int64)
    return np.bincount(pairs, minlength=num_classes * num_classes).reshape(num_classes, num_classes)


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, 0 where the denominator is 0 (no prediction of a class: precision 0)."""
    return np.divide(numerator, denominator, out=np.zeros(numerator.shape), where=denominator > 0)


def classification_scores(confusion: np.ndarray) -> dict:
    """Scores of a confusion matrix, as plain Python data.

    Classes without reference samples (support 0) cannot be measured: their recall and F1 are
    None and they are left out of the macro-F1, which averages the measurable classes.

    Args:
        confusion: square matrix from confusion_matrix().

    Returns:
        {"overall_accuracy", "kappa", "macro_f1": float or None when the matrix is empty,
         "per_class": [{"precision", "recall", "f1", "support"}] in class index order,
         "confusion_matrix": list of lists of int}
    """
    confusion = np.asarray(confusion, dtype=np.int64)
    total = int(confusion.sum())
    tp = np.diag(confusion).astype(np.float64)
    support = confusion.sum(axis=1)
    predicted = confusion.sum(axis=0)
    precision = _ratio(tp, predicted.astype(np.float64))
    recall = _ratio(tp, support.astype(np.float64))
    f1 = _ratio(2 * precision * recall, precision + recall)
    measured = support > 0
    per_class = [
        {
            "precision": float(precision[i]),
            "recall": float(recall[i]) if measured[i] else None,
            "f1": float(f1[i]) if measured[i] else None,
            "support": int(support[i]),
        }
        for i in range(confusion.shape[0])
    ]
    if total == 0:
        return {
            "overall_accuracy": None,
            "kappa": None,
            "macro_f1": None,
            "per_class": per_class,
            "confusion_matrix": confusion.tolist(),
        }
    observed = float(tp.sum()) / total
    expected = float((support.astype(np.float64) * predicted).sum()) / total**2
    kappa = 1.0 if expected == 1.0 else (observed - expected) / (1.0 - expected)
    return {
        "overall_accuracy": observed,
        "kappa": float(kappa),
        "macro_f1": float(f1[measured].mean()),
        "per_class": per_class,
        "confusion_matrix": confusion.tolist(),
    }


def is_poor(scores: dict) -> bool:
    """Whether a per_class entry (from classification_scores) has a measured F1 below POOR_F1."""
    return scores["f1"] is not None and scores["f1"] < POOR_F1


def poorly_recognised(per_class: list[dict]) -> list[dict]:
    """The entries of per_class (from classification_scores) whose F1 is measured and below POOR_F1."""
    return [entry for entry in per_class if is_poor(entry)]


def macro_f1s(confusions: np.ndarray) -> np.ndarray:
    """Macro-F1 of each of a stack of confusion matrices (n, K, K), as classification_scores computes it."""
    confusions = np.asarray(confusions, dtype=np.float64)
    tp = np.diagonal(confusions, axis1=1, axis2=2)
    support = confusions.sum(axis=2)
    precision = _ratio(tp, confusions.sum(axis=1))
    recall = _ratio(tp, support)
    f1 = _ratio(2 * precision * recall, precision + recall)
    measured = support > 0
    return np.divide(
        (f1 * measured).sum(axis=1), measured.sum(axis=1), out=np.full(len(f1), np.nan), where=measured.any(axis=1)
    )


def macro_f1_interval(
    unit_confusions: np.ndarray, unit_classes: np.ndarray, seed: int, draws: int = 2000, level: float = 0.95
) -> tuple[float, float]:
    """Bootstrap interval of the macro-F1 of a sum of confusion matrices, resampling whole units.

    Pixels of one polygon are not independent (neighbours, one drawing): the unit of sampling, and so of
    resampling, is the polygon. Units are drawn with replacement within their class (stratified, so every
    class keeps its count of units), and the interval is the central `level` share of the draws' macro-F1.
    A class with a single unit adds no spread: the interval is then too narrow, which callers must say.

    Args:
        unit_confusions: (n, K, K) confusion matrix of each unit (polygon).
        unit_classes: (n,) reference class of each unit, the stratum it is resampled in.
        seed: seeds the draws, so a report is reproducible.
    """
    rng = np.random.default_rng(seed)
    unit_classes = np.asarray(unit_classes)
    weights = np.zeros((draws, len(unit_classes)))
    for stratum in np.unique(unit_classes):
        members = np.flatnonzero(unit_classes == stratum)
        weights[:, members] = rng.multinomial(len(members), np.full(len(members), 1 / len(members)), size=draws)
    flat = np.asarray(unit_confusions, dtype=np.float64).reshape(len(unit_classes), -1)
    drawn = (weights @ flat).reshape(draws, *np.shape(unit_confusions)[1:])
    low, high = np.nanquantile(macro_f1s(drawn), [(1 - level) / 2, (1 + level) / 2])
    return float(low), float(high)
