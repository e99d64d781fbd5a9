"""The training engine on real datasets sampled from seeded scenes: models, scores, reproducibility, cancel."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import torch
from imagette.plugin.engine import dataset as ds
from imagette.plugin.engine.batches import PatchTargets, dihedral
from imagette.plugin.engine.choices import ARCHITECTURES, is_segmentation
from imagette.plugin.engine.device import normalize
from imagette.plugin.engine.errors import CanceledError
from imagette.plugin.engine.metrics import classification_scores, confusion_matrix
from imagette.plugin.engine.modelfile import load_model
from imagette.plugin.engine.models import build_model
from imagette.plugin.engine.trainer import scheduled_learning_rate
from imagette.plugin.engine.training import TrainingConfig, train_classifier
from imagette.plugin.engine.training_inputs import class_weights

from tests.training_data import Recorder, pattern_dataset, small_dataset


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    """Tiny 3- and 5-band datasets of 8 px patches."""
    return {bands: small_dataset(tmp_path_factory.mktemp(f"bands{bands}"), bands=bands) for bands in (3, 5)}


@pytest.fixture(scope="module")
def pattern(tmp_path_factory):
    return pattern_dataset(tmp_path_factory.mktemp("pattern"))


def config(dataset, tmp_path, **options) -> TrainingConfig:
    # Cross-validation would train every fixture five more times; tests/engine/test_cross_validation.py covers it.
    options = {"epochs": 1, "batch_size": 8, "device": "cpu", "seed": 3, "cross_validation": "off", **options}
    return TrainingConfig(str(dataset), str(tmp_path / "model.pt"), **options)


def weighted_loss(model_path, dataset_path) -> float:
    """The validation loss of a saved model, computed here from the model file alone."""
    model, data = load_model(model_path), ds.open_dataset(dataset_path)
    norm = model.metadata["normalization"]
    indices = data.indices(ds.VALIDATION, classifiable_only=True)  # what patch classifiers validate on
    x = torch.from_numpy(normalize(data.patches[indices], np.array(norm["mean"]), np.array(norm["std"])))
    codes = [c["code"] for c in model.metadata["classes"]]
    y = torch.from_numpy(np.searchsorted(codes, data.labels[indices]))
    weight = torch.tensor(model.metadata["training"]["class_weights"], dtype=torch.float32)
    with torch.no_grad():
        return float(torch.nn.functional.cross_entropy(model.network(x), y, weight=weight))


def test_scores_of_a_known_confusion_matrix():
    true = np.array([0] * 10 + [1] * 10 + [2] * 80)
    predicted = np.array([0] * 8 + [1] * 2 + [1] * 5 + [2] * 5 + [2] * 80)
    confusion = confusion_matrix(true, predicted, 3)
    assert confusion.tolist() == [[8, 2, 0], [0, 5, 5], [0, 0, 80]]
    scores = classification_scores(confusion)
    assert scores["overall_accuracy"] == pytest.approx(0.93)
    f1 = [2 * 8 / 18, 2 * (5 / 7 * 0.5) / (5 / 7 + 0.5), 2 * (80 / 85) / (80 / 85 + 1)]
    assert [c["f1"] for c in scores["per_class"]] == pytest.approx(f1)
    assert scores["macro_f1"] == pytest.approx(np.mean(f1))
    expected = (10 * 8 + 10 * 7 + 80 * 85) / 100**2
    assert scores["kappa"] == pytest.approx((0.93 - expected) / (1 - expected))
    # A class absent from validation is not measurable: no recall or F1, out of the macro average.
    empty = classification_scores(confusion_matrix(np.array([0, 0, 1]), np.array([0, 1, 1]), 3))
    assert empty["per_class"][2]["f1"] is None and empty["macro_f1"] == pytest.approx((2 / 3 + 2 / 3) / 2)


def test_dihedral_augmentation_and_schedule():
    patch = np.arange(2 * 3 * 3, dtype=np.float32).reshape(1, 2, 3, 3)
    seen = {dihedral(patch, np.random.default_rng(seed)).tobytes() for seed in range(64)}
    assert len(seen) == 8  # the eight flips and rotations of a square, nothing else
    for turned in seen:
        assert sorted(np.frombuffer(turned, dtype=np.float32)) == sorted(patch.ravel())
    assert scheduled_learning_rate(0.0, 1.0) == pytest.approx(0.04)
    assert scheduled_learning_rate(0.1, 1.0) == pytest.approx(1.0)
    assert scheduled_learning_rate(1.0, 1.0) == pytest.approx(0.001)


@pytest.mark.parametrize("bands", [3, 5])
@pytest.mark.parametrize("architecture", ARCHITECTURES)
def test_every_architecture_trains_a_step(architecture, bands, datasets, tmp_path):
    # Batches of 2: an epoch takes at least MIN_STEPS_PER_EPOCH steps, each seconds long for a ResNet encoder on a CPU.
    options = {"architecture": architecture, "pretrained_mode": "scratch", "batch_size": 2}
    result = train_classifier(config(datasets[bands], tmp_path, **options), Recorder())
    model = load_model(result.model_path)
    assert model.architecture == architecture and model.band_count == bands
    torch.manual_seed(3)  # the training's seed: the network it started from
    untrained = dict(build_model(architecture, bands, 3, 8).named_parameters())
    trained = model.network.state_dict()
    # Learnable parameters only: BatchNorm's running statistics change without any optimiser step.
    assert any(not torch.equal(value, trained[name]) for name, value in untrained.items())
    assert np.isfinite(result.history[0]["train_loss"])
    with torch.no_grad():
        expected = (2, 3, 8, 8) if is_segmentation(architecture) else (2, 3)  # per pixel or per patch
        assert model.network(torch.zeros(2, bands, 8, 8)).shape == expected
    json.dumps(model.metadata)  # plain data only


def test_class_weighting_changes_the_loss(tmp_path):
    data = small_dataset(tmp_path, max_per_class=0)
    labels = ds.open_dataset(data).labels[ds.open_dataset(data).indices(ds.TRAIN, classifiable_only=True)]
    counts = np.bincount(np.searchsorted([1, 2, 3], labels), minlength=3)
    assert len(set(counts.tolist())) > 1, "the fixture must be imbalanced"
    weights = class_weights(np.bincount(np.searchsorted([1, 2, 3], labels), minlength=3))
    assert weights == pytest.approx(counts.sum() / (3 * counts))
    assert (counts * weights).sum() == pytest.approx(counts.sum())  # same total weight as unweighted
    weighted = train_classifier(config(data, tmp_path / "w"), Recorder())
    plain = train_classifier(config(data, tmp_path / "p", class_weighting=False), Recorder())
    assert weighted.metadata["training"]["class_weights"] == pytest.approx(weights.tolist())
    assert plain.metadata["training"]["class_weights"] == [1.0, 1.0, 1.0]
    assert weighted.history[0]["train_loss"] != pytest.approx(plain.history[0]["train_loss"], rel=1e-3)


def test_same_seed_same_model_on_cpu(datasets, tmp_path):
    options = {"epochs": 2, "jitter": 0.1}
    first = train_classifier(config(datasets[3], tmp_path / "a", **options), Recorder())
    second = train_classifier(config(datasets[3], tmp_path / "b", **options), Recorder())
    other = train_classifier(config(datasets[3], tmp_path / "c", seed=4, **options), Recorder())
    a, b, c = (load_model(r.model_path).network.state_dict() for r in (first, second, other))
    assert all(torch.equal(a[key], b[key]) for key in a)
    assert first.metrics == second.metrics
    assert [h["train_loss"] for h in first.history] == [h["train_loss"] for h in second.history]
    assert not all(torch.equal(a[key], c[key]) for key in a)


def test_early_stopping_keeps_the_best_epoch(pattern, tmp_path):
    # Validation labels swapped: the better the network learns the patterns, the worse it scores,
    # so the best epoch is an early one and the last epochs are worse.
    flipped = tmp_path / "flipped"
    shutil.copytree(pattern, flipped)
    data = ds.open_dataset(flipped)
    labels = data.labels.copy()
    validation = data.split == ds.VALIDATION
    labels[validation] = 3 - labels[validation]
    np.save(flipped / "labels.npy", labels)
    progress = Recorder()
    result = train_classifier(config(flipped, tmp_path, epochs=8, patience=2, batch_size=32), progress)
    # Patience counts the epochs since the macro-F1 last rose; an epoch that only lowers the loss is kept, no more.
    f1 = [h["val_macro_f1"] for h in result.history]
    last_rise = 1 + f1.index(max(f1))
    assert result.stopped_early and result.epochs_run == last_rise + 2 < 8
    ranks = [(h["val_macro_f1"], -h["val_loss"]) for h in result.history]
    assert result.best_epoch == 1 + ranks.index(max(ranks)) >= last_rise
    saved = weighted_loss(result.model_path, flipped)
    assert saved == pytest.approx(result.history[result.best_epoch - 1]["val_loss"], rel=1e-4)
    assert saved != pytest.approx(result.history[-1]["val_loss"], rel=1e-3)
    assert any("Early stop" in line for line in progress.lines)


def test_cancel_keeps_the_best_model_so_far(datasets, tmp_path):
    class CancelAfterFirstEpoch(Recorder):
        def is_canceled(self) -> bool:  # during the second of three epochs
            return any(line.startswith("Epoch 1/3") for line in self.lines)

    progress = CancelAfterFirstEpoch()
    result = train_classifier(config(datasets[3], tmp_path, epochs=3), progress)
    assert result.canceled and result.epochs_run == 1 and result.best_epoch == 1
    model = load_model(result.model_path)
    assert model.metadata["training"]["canceled"] is True
    assert any("Canceled during epoch 2" in line for line in progress.warnings)
    assert [p.name for p in tmp_path.iterdir()] == ["model.pt"]  # no temporary file left


def test_cancel_before_the_first_epoch_writes_nothing(datasets, tmp_path):
    with pytest.raises(CanceledError, match="no model was written"):
        train_classifier(config(datasets[3], tmp_path, epochs=3), Recorder(cancel_above=-1))
    assert list(tmp_path.iterdir()) == []


def test_no_validation_patches_trains_without_scores(tmp_path):
    data = small_dataset(tmp_path, validation_fraction=0.0)
    progress = Recorder()
    result = train_classifier(config(data, tmp_path, epochs=2, output_report=str(tmp_path / "report.html")), progress)
    assert result.metrics["available"] is False and result.metrics["macro_f1"] is None
    assert result.best_epoch == 2 and not result.stopped_early  # the last epoch is kept
    assert any("no validation patches" in w for w in progress.warnings)
    assert "no validation patches" in (tmp_path / "report.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_small_cnn_learns_classes_that_differ_only_by_pattern(pattern, tmp_path):
    data = ds.open_dataset(pattern)
    rows, scattered = (data.patches[data.labels == code] for code in (1, 2))
    # Same per-pixel values in both classes (up to where patches fall): only texture tells them apart.
    assert np.abs(rows.mean(axis=(0, 2, 3)) / scattered.mean(axis=(0, 2, 3)) - 1).max() < 0.05
    progress = Recorder()
    report = tmp_path / "report.html"
    result = train_classifier(config(pattern, tmp_path, epochs=4, batch_size=32, output_report=str(report)), progress)
    assert result.metrics["macro_f1"] >= 0.9
    assert result.data_wait_share < 0.5
    assert any(line.startswith("Epoch 1/4") for line in progress.lines)
    page = report.read_text(encoding="utf-8")
    assert page.count("<svg") == 2 and "<polyline" in page and "Peupleraie" in page and "For&ecirc;t" not in page
    assert "Forêt" in page and "Row-normalised" in page


def test_poorly_recognised_class_is_reported(datasets, tmp_path):
    # An untrained network (learning rate near 0) recognises some classes badly, whatever its accuracy.
    progress = Recorder()
    report = tmp_path / "report.html"
    result = train_classifier(config(datasets[3], tmp_path, learning_rate=1e-9, output_report=str(report)), progress)
    poor = [c["name"] for c in result.metrics["per_class"] if c["f1"] is not None and c["f1"] < 0.5]
    assert poor
    warning = next(w for w in progress.warnings if "hides" in w)
    assert all(name in warning for name in poor)
    assert report.read_text(encoding="utf-8").count('class="warn"') >= len(poor)


def test_gpu_out_of_memory_halves_the_batch_and_goes_on(datasets):
    # The error a CUDA allocation raises, provoked for parts above 8 patches: the CPU has no memory limit to hit.
    from imagette.plugin.engine.trainer import Trainer as _Trainer

    data = ds.open_dataset(datasets[3])
    progress = Recorder()
    trainer = _Trainer(
        TrainingConfig(str(datasets[3]), "unused.pt", batch_size=32),
        data,
        PatchTargets(data),
        np.ones(3),
        build_model("small_cnn", 3, 3, 8),
        False,
        torch.device("cpu"),
        progress,
    )
    seen = []

    def run(x, y):
        if len(x) > 8:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory.")
        seen.append(len(x))
        return len(x)

    x, y = torch.zeros(20, 3, 8, 8), torch.zeros(20, dtype=torch.int64)
    assert trainer._in_parts(x, y, run) == [8, 8, 4]  # every patch processed once, in parts that fit
    assert trainer.batch_size == 8 and len(progress.warnings) == 2
    assert "halved to 16" in progress.warnings[0] and "halved to 8" in progress.warnings[1]


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_training_uses_mixed_precision_and_saves_a_cpu_model(datasets, tmp_path):
    result = train_classifier(config(datasets[3], tmp_path, device="cuda", epochs=2), Recorder())
    assert result.device.startswith("cuda")
    assert result.metadata["training"]["mixed_precision"] in ("bfloat16", "float16")
    model = load_model(result.model_path)
    assert all(t.device.type == "cpu" and t.is_contiguous() for t in model.network.state_dict().values())


def test_a_dataset_larger_than_the_epoch_trains_each_epoch_on_a_part_and_says_so(tmp_path):
    dataset = small_dataset(tmp_path, max_per_class=60)
    train = ds.open_dataset(dataset).indices(ds.TRAIN, classifiable_only=True).size
    recorder = Recorder()
    # Batches of 2: an epoch takes at least 20 of them (40 patches), so 50 is a part of the training patches.
    result = train_classifier(config(dataset, tmp_path, batch_size=2, patches_per_epoch=50), recorder)
    assert train > 50
    assert f"Each epoch trains on 50 of the {train} training patches, a new random part each time" in "\n".join(
        recorder.lines
    )
    assert result.metadata["training"]["patches_per_epoch"] == 50
