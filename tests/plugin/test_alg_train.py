"""imagette:trainclassifier through Processing: its public contract, a run, a graphical model chain, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from imagette.plugin.engine.choices import (
    ARCHITECTURE_LABELS,
    CROSS_VALIDATION_LABELS,
    CROSS_VALIDATION_MODES,
    DEVICE_LABELS,
    DEVICES,
    PRETRAINED_LABELS,
    PRETRAINED_MODES,
)
from imagette.plugin.engine.modelfile import load_model
from qgis.core import (
    QgsApplication,
    QgsProcessingException,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildParameterSource,
    QgsProcessingOutputNumber,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterFile,
)

from tests.plugin.conftest import RecordingFeedback, run_algorithm

CONTRACT = [
    "DATASET",
    "ARCHITECTURE",
    "WEIGHTS_FILE",
    "EPOCHS",
    "BATCH_SIZE",
    "LEARNING_RATE",
    "DEVICE",
    "SEED",
    "OUTPUT_MODEL",
    "OUTPUT_REPORT",
]
ADVANCED = [
    "PRETRAINED_MODE",
    "CLASS_WEIGHTING",
    "PATIENCE",
    "AUGMENTATION",
    "JITTER",
    "RGB_BANDS",
    "CROSS_VALIDATION",
    "FOLDS",
    "PATCHES_PER_EPOCH",
]


def sampling(scene, folder) -> dict:
    return {
        "INPUT_RASTER": str(scene.raster),
        "INPUT_VECTOR": str(scene.vector),
        "CLASS_FIELD": "classe",
        "PATCH_SIZE": 16,
        "MAX_PER_CLASS": 150,
        "OUTPUT_DATASET": str(folder / "dataset"),
        "OUTPUT_FOOTPRINTS": "TEMPORARY_OUTPUT",
    }


@pytest.fixture(scope="module")
def dataset(scene, tmp_path_factory):
    folder = tmp_path_factory.mktemp("train")
    return run_algorithm("samplepatches", sampling(scene, folder))["OUTPUT_DATASET"]


def training(dataset, folder, **extra) -> dict:
    return {
        "DATASET": dataset,
        "EPOCHS": 2,
        "BATCH_SIZE": 32,
        "DEVICE": 1,
        "OUTPUT_MODEL": str(folder / "model.pt"),
        "OUTPUT_REPORT": str(folder / "report.html"),
        **extra,
    }


def test_contract():
    algorithm = QgsApplication.processingRegistry().algorithmById("imagette:trainclassifier")
    names = [p.name() for p in algorithm.parameterDefinitions()]
    assert names == CONTRACT + ADVANCED
    advanced = [
        p.name() for p in algorithm.parameterDefinitions() if p.flags() & QgsProcessingParameterDefinition.FlagAdvanced
    ]
    assert advanced == ADVANCED
    dataset = algorithm.parameterDefinition("DATASET")
    assert dataset.type() == "file" and dataset.behavior() == QgsProcessingParameterFile.Folder
    assert algorithm.parameterDefinition("WEIGHTS_FILE").flags() & QgsProcessingParameterDefinition.FlagOptional
    assert algorithm.parameterDefinition("OUTPUT_REPORT").fileFilter() == "HTML files (*.html)"
    assert "*.pt" in algorithm.parameterDefinition("OUTPUT_MODEL").fileFilter()
    # The enums read the engine's one list of each choice; their orders are a public contract.
    for name, labels in (
        ("ARCHITECTURE", ARCHITECTURE_LABELS),
        ("DEVICE", DEVICE_LABELS),
        ("PRETRAINED_MODE", PRETRAINED_LABELS),
        ("CROSS_VALIDATION", CROSS_VALIDATION_LABELS),
    ):
        assert algorithm.parameterDefinition(name).options() == list(labels)
    assert DEVICES == ("auto", "cpu", "cuda") and PRETRAINED_MODES == ("finetune", "frozen", "scratch")
    assert CROSS_VALIDATION_MODES == ("auto", "on", "off")
    numbers = [o.name() for o in algorithm.outputDefinitions() if isinstance(o, QgsProcessingOutputNumber)]
    assert numbers == ["OVERALL_ACCURACY", "MACRO_F1", "KAPPA", "MACRO_F1_LOW", "MACRO_F1_HIGH"]


def test_trains_and_returns_scores(dataset, tmp_path):
    feedback = RecordingFeedback()
    # A learning rate too low to learn much: scores that differ from one another, so that each is checked.
    results = run_algorithm("trainclassifier", training(dataset, tmp_path, LEARNING_RATE=1e-5), feedback=feedback)
    model = load_model(results["OUTPUT_MODEL"])
    # The scores, worked out here from the confusion matrix the model file keeps (rows: truth, columns: map).
    confusion = np.array(model.metadata["metrics"]["confusion_matrix"], dtype=float)
    total, truth, mapped = confusion.sum(), confusion.sum(axis=1), confusion.sum(axis=0)
    accuracy, chance = np.trace(confusion) / total, (truth * mapped).sum() / total**2
    f1 = [2 * confusion[i, i] / (truth[i] + mapped[i]) for i in range(len(truth)) if truth[i]]  # classes measured
    assert total > 0 and len(f1) >= 2 and len({accuracy, np.mean(f1), 1.0}) == 3  # scores that tell apart
    assert results["OVERALL_ACCURACY"] == pytest.approx(accuracy)
    assert results["MACRO_F1"] == pytest.approx(np.mean(f1))
    assert results["KAPPA"] == pytest.approx((accuracy - chance) / (1 - chance))
    assert results["MACRO_F1_LOW"] <= results["MACRO_F1"] <= results["MACRO_F1_HIGH"]
    assert [results["MACRO_F1_LOW"], results["MACRO_F1_HIGH"]] == model.metadata["metrics"]["macro_f1_interval"]
    assert "Confusion matrix" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert any(line.startswith("Epoch 2/2") for line in feedback.infos)
    assert any(line.startswith("Device: CPU") for line in feedback.infos)


def test_the_feedback_sees_one_bar_and_the_log_ends_with_the_durations(dataset, tmp_path):
    class ProgressFeedback(RecordingFeedback):
        def __init__(self) -> None:
            super().__init__()
            self.percents: list[float] = []
            self.progressChanged.connect(self.percents.append)

    feedback = ProgressFeedback()
    results = run_algorithm(
        "trainclassifier",
        training(dataset, tmp_path, ARCHITECTURE=0, EPOCHS=1, CROSS_VALIDATION=1, FOLDS=2),
        feedback=feedback,
    )
    percents = feedback.percents
    # From 0 (the feedback's start: set again, it signals nothing) to 100 %, folds included, never back.
    assert percents == sorted(percents) and percents[0] < 5 and percents[-1] == 100 and len(set(percents)) > 10
    folds = next(i for i, line in enumerate(feedback.infos) if line.startswith("Cross-validation: 2 more networks"))
    assert folds < next(i for i, line in enumerate(feedback.infos) if line.startswith("Cross-validation, fold 1/2"))
    durations = load_model(results["OUTPUT_MODEL"]).metadata["training"]["durations_s"]
    ours = [line for line in feedback.infos if not line.startswith(("Results:", "Execution completed"))]  # Processing's
    assert ours[-1].startswith("Duration ") and "cross-validation" in ours[-1]
    assert durations["total"] >= durations["training"] + durations["cross-validation"]


def test_chains_after_sampling_in_a_graphical_model(scene, tmp_path):
    model = QgsProcessingModelAlgorithm("chain", "tests")
    sample = QgsProcessingModelChildAlgorithm("imagette:samplepatches")
    sample.generateChildId(model)
    for name, value in sampling(scene, tmp_path).items():
        if name not in ("OUTPUT_DATASET", "OUTPUT_FOOTPRINTS"):
            sample.addParameterSources(name, [QgsProcessingModelChildParameterSource.fromStaticValue(value)])
    model.addChildAlgorithm(sample)
    train = QgsProcessingModelChildAlgorithm("imagette:trainclassifier")
    train.generateChildId(model)
    train.addParameterSources(
        "DATASET", [QgsProcessingModelChildParameterSource.fromChildOutput(sample.childId(), "OUTPUT_DATASET")]
    )
    for name, value in {
        "EPOCHS": 1,
        "DEVICE": 1,
        "OUTPUT_MODEL": str(tmp_path / "model.pt"),
        "OUTPUT_REPORT": str(tmp_path / "report.html"),
    }.items():
        train.addParameterSources(name, [QgsProcessingModelChildParameterSource.fromStaticValue(value)])
    model.addChildAlgorithm(train)
    import processing

    results = processing.run(model, {})
    assert (
        load_model(tmp_path / "model.pt").metadata["dataset"]["path"]
        == results["CHILD_RESULTS"][sample.childId()]["OUTPUT_DATASET"]
    )
    assert 0 <= results["CHILD_RESULTS"][train.childId()]["MACRO_F1"] <= 1


def test_bad_inputs_are_explained(dataset, tmp_path):
    with pytest.raises(QgsProcessingException, match="not an Imagette dataset"):
        run_algorithm("trainclassifier", training(str(tmp_path), tmp_path))
    with pytest.raises(QgsProcessingException, match="three different band numbers"):
        run_algorithm("trainclassifier", training(dataset, tmp_path, RGB_BANDS="3,2"))
    if not torch.cuda.is_available():
        with pytest.raises(QgsProcessingException, match="CUDA was asked for"):
            run_algorithm("trainclassifier", training(dataset, tmp_path, DEVICE=2))
    assert not (tmp_path / "model.pt").exists()
