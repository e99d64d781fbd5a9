"""Cross-validation over training polygons: folds, leak-free fold training, and the scores it adds."""

from __future__ import annotations

import time

import numpy as np
import torch
from imagette.plugin.engine import dataset as ds
from imagette.plugin.engine.cross_validation import AUTO_MAX_PATCHES, cross_validate, deal_folds, plan_folds, wanted
from imagette.plugin.engine.modelfile import load_model
from imagette.plugin.engine.reference_counts import ReferenceCounts
from imagette.plugin.engine.report import duration_split
from imagette.plugin.engine.training import train_classifier
from imagette.plugin.engine.validation import MapValidation

from tests.engine.test_engine_training import config
from tests.scenes import CLASSES
from tests.training_data import Recorder, small_dataset


def polygon_box(geometry: dict) -> tuple[float, float, float, float]:
    xs, ys = zip(*geometry["coordinates"][0])
    return min(xs), min(ys), max(xs), max(ys)


def test_folds_are_dealt_per_class_evenly_and_never_hold_out_a_lone_polygon():
    codes = np.array([1] * 5 + [2] * 3 + [3] + [4] * 2)
    folds = deal_folds(codes, 5, seed=7)
    assert folds[codes == 3].tolist() == [-1]  # its class would be missing from that fold's training
    for code in (1, 2, 4):
        assert len(set(folds[codes == code])) == (codes == code).sum()  # a class's polygons in different folds
    sizes = np.bincount(folds[folds >= 0], minlength=5)
    assert sizes.max() - sizes.min() <= 1 and sizes.sum() == 10
    assert deal_folds(codes, 5, seed=7).tolist() == folds.tolist()
    assert deal_folds(codes, 5, seed=8).tolist() != folds.tolist()


def test_each_training_polygon_is_scored_once_by_a_network_that_never_saw_its_pixels(tmp_path):
    dataset = ds.open_dataset(small_dataset(tmp_path, patch_size=24, max_per_class=60, stride=4))
    model_path = train_classifier(config(dataset.path, tmp_path)).model_path
    train = dataset.indices(ds.TRAIN)
    seen = []

    def train_fold(indices: np.ndarray, progress) -> object:
        seen.append(indices)
        return load_model(model_path)  # a real model: only the patches each fold trains on are under test

    scored = cross_validate(dataset, plan_folds(dataset, train, 3, 5), 3, train_fold, torch.device("cpu"), Recorder())
    features = dataset.identified_features(ds.TRAIN)
    folds = deal_folds(np.array([code for _, _, code in features]), 3, 5)
    folds[~np.isin([feature_id for feature_id, _, _ in features], dataset.groups[train])] = -1  # gave no patch
    assert len(seen) == 3
    half = dataset.patch_size * dataset.metadata["pixel_size"][0] / 2
    for fold, indices in enumerate(seen):
        held = [features[i] for i in np.flatnonzero(folds == fold)]
        assert indices.size and set(indices) < set(train)
        assert not set(dataset.groups[indices]) & {feature_id for feature_id, _, _ in held}
        for x, y in dataset.centres[indices]:  # no pixel of a held-out polygon inside a training patch
            for _, geometry, _ in held:
                xmin, ymin, xmax, ymax = polygon_box(geometry)
                assert x + half <= xmin or x - half >= xmax or y + half <= ymin or y - half >= ymax
        # the patches that were left out are exactly those touching a held-out polygon
        left_out = np.setdiff1d(train, indices)
        assert all(
            any(
                abs(x - (xmin + xmax) / 2) < half + (xmax - xmin) / 2
                and abs(y - (ymin + ymax) / 2) < half + (ymax - ymin) / 2
                for xmin, ymin, xmax, ymax in (polygon_box(g) for _, g, _ in held)
            )
            for x, y in dataset.centres[left_out]
        )
    dealt = np.flatnonzero(folds >= 0)
    assert scored.features == dealt.size == len(scored.feature_codes)
    assert sorted(scored.feature_codes) == sorted(features[i][2] for i in dealt)
    for code, confusion in zip(scored.feature_codes, scored.per_feature):  # each polygon counts in its own row
        row = [entry.code for entry in dataset.classes].index(code)
        assert confusion.sum() > 0 and confusion[row].sum() == confusion.sum()
    assert np.array_equal(scored.per_feature.sum(axis=0), scored.counts.confusion)


def test_scorings_add_up_and_one_that_failed_adds_nothing():
    def scored(confusion: list[list[int]], code: int) -> MapValidation:
        counts = ReferenceCounts.empty([1, 2])
        counts.confusion += np.array(confusion)
        return MapValidation(counts, 1, "", counts.confusion[None].copy(), [code])

    first, second = scored([[3, 1], [0, 0]], 1), scored([[0, 0], [2, 5]], 2)
    both = first + second
    assert both.counts.confusion.tolist() == [[3, 1], [2, 5]] and both.features == 2
    assert both.feature_codes == [1, 2] and both.per_feature.shape == (2, 2, 2)
    assert first.counts.confusion.tolist() == [[3, 1], [0, 0]]  # the terms are left as they were
    failed = MapValidation(None, 0, "it was canceled")
    assert first + failed is first and failed + first is first


def test_auto_cross_validates_small_datasets_whose_classes_have_few_validation_polygons(tmp_path):
    dataset = ds.open_dataset(small_dataset(tmp_path))
    validation_codes = [code for _, code in dataset.features(ds.VALIDATION)]
    assert min(validation_codes.count(code) for code, _, _ in CLASSES[:3]) < 3  # the fixture's case
    train = dataset.indices(ds.TRAIN)
    assert wanted("auto", dataset, train, Recorder()) and wanted("on", dataset, train, Recorder())
    assert not wanted("off", dataset, train, Recorder())
    recorder = Recorder()
    assert not wanted("auto", dataset, np.arange(AUTO_MAX_PATCHES + 1), recorder)
    assert any("cross-validation would train" in line and "'Always'" in line for line in recorder.lines)


def test_cross_validation_adds_the_training_polygons_to_the_scores_and_leaves_the_model_unchanged(tmp_path):
    dataset = small_dataset(tmp_path, patch_size=8, max_per_class=60)
    (tmp_path / "plain").mkdir()
    plain = train_classifier(config(dataset, tmp_path / "plain"))
    progress = Recorder()
    report = tmp_path / "report.html"
    folded = train_classifier(
        config(dataset, tmp_path, cross_validation="on", folds=2, output_report=str(report)), progress
    )
    for name, value in load_model(plain.model_path).network.state_dict().items():
        assert torch.equal(value, load_model(folded.model_path).network.state_dict()[name]), name
    assert plain.metrics["cross_validated_features"] == 0
    assert folded.metrics["validation_features"] == plain.metrics["validation_features"]
    assert folded.metrics["cross_validated_features"] > 0
    assert folded.metrics["validation_patches"] > plain.metrics["validation_patches"]  # more map pixels scored
    assert any("Cross-validation, fold 2/2" in line for line in progress.lines)
    assert "trained without it" in report.read_text() and "2 folds of the training polygons" in report.read_text()


class Timeline(Recorder):
    """A Recorder that keeps every percent, and when each log line came and where the bar stood then."""

    def __init__(self) -> None:
        super().__init__()
        self.percents: list[float] = []
        self.events: list[tuple[float, float, str]] = []  # (perf_counter, percent, line)

    def set_percent(self, percent: float) -> None:
        super().set_percent(percent)
        self.percents.append(percent)

    def info(self, message: str) -> None:
        super().info(message)
        self.events.append((time.perf_counter(), self.percent, message))

    def first(self, start: str) -> int:
        return next(i for i, (_, _, line) in enumerate(self.events) if line.startswith(start))


def test_one_progress_bar_and_a_duration_that_covers_the_whole_run_with_cross_validation(tmp_path):
    dataset = small_dataset(tmp_path, patch_size=8, max_per_class=60)
    progress, report = Timeline(), tmp_path / "report.html"
    started = time.perf_counter()
    result = train_classifier(
        config(dataset, tmp_path, epochs=3, cross_validation="on", folds=2, output_report=str(report)), progress
    )
    wall = time.perf_counter() - started
    # One bar from 0 to 100 %, never back, that moves during the folds too.
    percents = progress.percents
    assert percents == sorted(percents) and percents[0] == 0 and percents[-1] == 100
    announced = progress.first("Cross-validation: 2 more networks")
    first_fold, scored = progress.first("Cross-validation, fold 1/2"), progress.first("Validation: overall accuracy")
    assert progress.first("Epoch 3/3") < announced < first_fold  # told once the model is trained, before any fold
    assert "about" in progress.events[announced][2]
    # Fold networks train for as many epochs as the model took to reach its best macro-F1 (not the later epochs
    # of the same macro-F1 it may keep for their lower validation loss).
    scores = [epoch["val_macro_f1"] for epoch in result.history]
    rise = 1 + scores.index(max(scores))
    assert f"trains for {rise} epochs" in progress.events[announced][2]
    assert progress.events[announced][1] < progress.events[progress.first("Cross-validation, fold 2/2")][1] < 100
    assert len({p for p in percents if progress.events[first_fold][1] <= p < 100}) > 2
    # The log names each phase as it starts, with the time left once an epoch was timed.
    assert progress.first("Training: up to 3 epochs") < progress.first("Epoch 1/3")
    assert "left" in progress.events[progress.first("Epoch 1/3")][2]
    assert "Map-level scoring" in progress.events[progress.first("Patch-level validation")][2]
    assert "left" in progress.events[first_fold][2]
    # The duration is the whole run, at least the wall time of the phases it lists, split as the log ends.
    durations = result.metadata["training"]["durations_s"]
    assert result.metadata["training"]["duration_s"] == durations["total"] <= result.duration_s <= wall
    training_to_scored = progress.events[scored][0] - progress.events[progress.first("Training: up to")][0]
    assert durations["training"] + durations["map-level scoring"] + durations["cross-validation"] >= training_to_scored
    assert durations["cross-validation"] >= progress.events[scored][0] - progress.events[announced][0]
    split = duration_split(durations)
    assert split.startswith("training ") and "map-level scoring" in split and "cross-validation" in split
    assert split in report.read_text(encoding="utf-8")
    assert progress.lines[-1].startswith("Duration ") and split in progress.lines[-1]
    assert result.metadata["training"]["fold_epochs"] == rise <= result.best_epoch
