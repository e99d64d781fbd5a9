"""Background training through QGIS's task manager, in a headless QGIS."""

from __future__ import annotations

import time

import numpy as np
import pytest
from imagette.plugin import tasks
from imagette.plugin.engine.metrics import classification_scores
from imagette.plugin.engine.modelfile import load_model
from qgis.core import Qgis, QgsApplication, QgsProcessingException, QgsProcessingFeedback
from qgis.PyQt.QtCore import QCoreApplication, Qt

from tests.plugin.conftest import run_algorithm
from tests.scenes import sampling_parameters

SAFETY_S = 300  # only so that a broken task manager fails the test instead of hanging it


@pytest.fixture(scope="module")
def dataset(scene, tmp_path_factory):
    folder = tmp_path_factory.mktemp("task")
    parameters = sampling_parameters(scene, folder, 16, MAX_PER_CLASS=60, OUTPUT_FOOTPRINTS="TEMPORARY_OUTPUT")
    return run_algorithm("samplepatches", parameters)["OUTPUT_DATASET"]


def run_to_end(parameters: dict, cancel_after: str | None = None, hold: bool = False) -> list[tuple]:
    """Starts the task, lets the event loop deliver its end, and returns what on_finished received.

    cancel_after: cancel, from the main thread as the task manager's button does, once a log line starting with this
    text was written. hold: the run's thread waits at its first progress step after that line until the cancel has
    landed, so that the cancel falls there however fast or busy the machine.
    """
    calls: list[tuple] = []
    task = tasks.start_training_task(parameters, lambda *args: calls.append(args))
    assert task in tasks.running_tasks() and QgsApplication.taskManager().tasks()
    feedback = tasks._RUNNING[-1].feedback

    def logged() -> bool:
        return cancel_after is not None and any(line.startswith(cancel_after) for line in feedback.infos)

    def wait_for_the_cancel(_percent: float) -> None:
        deadline = time.monotonic() + SAFETY_S
        while logged() and not feedback.isCanceled() and time.monotonic() < deadline:
            time.sleep(0.01)

    if hold:  # called on the run's own thread, at each progress step
        feedback.progressChanged.connect(wait_for_the_cancel, Qt.ConnectionType.DirectConnection)
    deadline = time.monotonic() + SAFETY_S
    while not calls and time.monotonic() < deadline:
        if logged() and not feedback.isCanceled():
            task.cancel()
        QCoreApplication.processEvents()
        time.sleep(0.02)
    assert tasks.running_tasks() == []  # references released once finished
    return calls


def parameters_for(dataset, folder) -> dict:
    return {
        "DATASET": dataset,
        "EPOCHS": 1,
        "DEVICE": 1,
        "OUTPUT_MODEL": str(folder / "model.pt"),
        "OUTPUT_REPORT": str(folder / "report.html"),
    }


def test_training_runs_as_a_task_and_reports_on_the_main_thread(dataset, tmp_path):
    [(successful, results, feedback)] = run_to_end(parameters_for(dataset, tmp_path))
    assert successful, feedback.textLog()
    metadata = load_model(results["OUTPUT_MODEL"]).metadata
    assert metadata["training"]["epochs_run"] == 1
    assert results["OUTPUT_REPORT"] == str(tmp_path / "report.html") and (tmp_path / "report.html").is_file()
    assert "Epoch 1/1" in feedback.textLog()
    # The scores returned are the map's on the validation polygons, those of the confusion matrix the model file
    # keeps, and the message bar says so.
    scores = metadata["metrics"]
    assert scores["level"] == "map" and scores["validation_features"] > 0
    recomputed = classification_scores(np.array(scores["confusion_matrix"]))
    assert (results["MACRO_F1"], results["OVERALL_ACCURACY"]) == pytest.approx(
        (recomputed["macro_f1"], recomputed["overall_accuracy"])
    )
    assert results["MACRO_F1_LOW"] <= results["MACRO_F1"] <= results["MACRO_F1_HIGH"]
    message = tasks.result_message(successful, results, feedback).text
    assert message == f"Training finished: map macro-F1 {results['MACRO_F1']:.3f} on the validation polygons."


def test_task_canceled_while_training_its_first_epoch_leaves_no_model_and_says_so(dataset, tmp_path):
    # Held at the first batch after the network was built: the cancel lands in the middle of epoch 1.
    parameters = parameters_for(dataset, tmp_path) | {"EPOCHS": 200}
    [(successful, results, feedback)] = run_to_end(parameters, cancel_after="Weights: ", hold=True)
    assert not successful and feedback.isCanceled()
    log = feedback.textLog()
    assert "Weights: random initialisation" in log and "Epoch 1/200" not in log  # it trained, and no epoch ended
    assert "Canceled before the first epoch ended: no model was written." in feedback.errors
    assert list(tmp_path.iterdir()) == []  # neither the model nor the report
    result = tasks.result_message(successful, results, feedback)
    assert result.text == "Training canceled before the first epoch ended: no model was written."
    assert result.level == Qgis.MessageLevel.Warning and not result.has_report


@pytest.mark.parametrize(("parameter", "value"), [("DATASET", None), ("EPOCHS", 0), ("BATCH_SIZE", 1)])
def test_invalid_parameters_are_refused_before_any_task(dataset, tmp_path, parameter, value):
    # QGIS's own words, naming the parameter: what the person reads in the message bar.
    with pytest.raises(QgsProcessingException, match=f"^Incorrect parameter value for {parameter}$"):
        tasks.start_training_task(parameters_for(dataset, tmp_path) | {parameter: value})
    assert tasks.running_tasks() == [] and not any(tmp_path.iterdir())


def test_a_folder_that_is_not_a_dataset_is_refused_before_any_task(tmp_path):
    (tmp_path / "empty").mkdir()
    parameters = parameters_for(str(tmp_path / "empty"), tmp_path)
    with pytest.raises(QgsProcessingException, match="is not an Imagette dataset: it has no dataset.json"):
        tasks.start_training_task(parameters)
    assert tasks.running_tasks() == []


def test_task_canceled_after_an_epoch_keeps_the_best_model_and_says_so(dataset, tmp_path):
    parameters = parameters_for(dataset, tmp_path) | {"EPOCHS": 200}
    [(successful, results, feedback)] = run_to_end(parameters, cancel_after="Epoch 1/200")
    assert feedback.isCanceled()
    metadata = load_model(tmp_path / "model.pt").metadata
    assert metadata["training"]["canceled"] is True and 1 <= metadata["training"]["epochs_run"] < 200
    result = tasks.result_message(successful, results, feedback)
    # One truth on cancel: the log and the message bar both say the scores are patch-level.
    said = "The run was canceled: the scores are patch-level, the map was not scored."
    assert said in feedback.textLog() and said in result.details
    assert result.text.startswith("Training canceled; the best model so far was saved (patch-level macro-F1 ")
    assert result.text.endswith(", the map was not scored).")
    assert "map macro-F1" not in result.text + result.details and "validation polygons" not in result.details
    assert f"Model: {tmp_path / 'model.pt'}" in result.details and result.level == Qgis.MessageLevel.Warning
    assert result.has_report and (tmp_path / "report.html").is_file()
    assert "canceled" in (tmp_path / "report.html").read_text(encoding="utf-8").lower()


def ended_feedback(canceled: bool) -> QgsProcessingFeedback:
    feedback = tasks.TaskFeedback()
    if canceled:
        feedback.cancel()
    return feedback


def test_the_message_names_the_level_of_its_scores(tmp_path):
    (tmp_path / "model.pt").write_bytes(b"model")
    (tmp_path / "report.html").write_text("report")
    results = {"OUTPUT_MODEL": str(tmp_path / "model.pt"), "OUTPUT_REPORT": str(tmp_path / "report.html")}
    mapped = results | {"MACRO_F1": 0.972, "MACRO_F1_LOW": 0.95, "MACRO_F1_HIGH": 0.99, "OVERALL_ACCURACY": 0.98}
    patch_level = results | {"MACRO_F1": 0.972, "MACRO_F1_LOW": None, "MACRO_F1_HIGH": None}

    finished = tasks.result_message(True, mapped, ended_feedback(False))
    assert finished.text == "Training finished: map macro-F1 0.972 on the validation polygons."
    assert finished.details.startswith("The map scores macro-F1 0.972 (95 % interval 0.950-0.990), overall accuracy")
    assert finished.level == Qgis.MessageLevel.Success and finished.has_report
    unscored = tasks.result_message(True, patch_level, ended_feedback(False))
    assert unscored.text == "Training finished: patch-level macro-F1 0.972, the map could not be scored."
    # A canceled run's scores are patch-level whatever the outputs hold.
    for given in (mapped, patch_level):
        canceled = tasks.result_message(False, given, ended_feedback(True))
        assert "The run was canceled: the scores are patch-level, the map was not scored." in canceled.details
        assert "map macro-F1" not in canceled.text + canceled.details and canceled.level == Qgis.MessageLevel.Warning


def test_every_result_message_has_a_short_first_line_and_details_with_the_whole_story(tmp_path):
    (tmp_path / "model.pt").write_bytes(b"model")
    (tmp_path / "report.html").write_text("report")
    results = {
        "OUTPUT_MODEL": str(tmp_path / "model.pt"),
        "OUTPUT_REPORT": str(tmp_path / "report.html"),
        "MACRO_F1": 0.9,
        "MACRO_F1_LOW": 0.8,
        "MACRO_F1_HIGH": 0.95,
    }
    failing = ended_feedback(False)
    reason = (
        "The model was written to '/a/very/long/path/to/somewhere/model.pt', but the report could not be "
        "written: No space left on device. Free some space or choose another folder for the report."
    )
    failing.reportError(reason)
    ended = {
        "finished": tasks.result_message(True, results, ended_feedback(False)),
        "canceled": tasks.result_message(False, results, ended_feedback(True)),
        "canceled early": tasks.result_message(False, {}, ended_feedback(True)),
        "failed": tasks.result_message(False, {}, failing),
    }
    for name, result in ended.items():
        assert "\n" not in result.text and len(result.text) <= tasks.FIRST_LINE_CHARS, name
        assert tasks.first_line(result.text) == result.text, name  # push_message shows it unchanged
        assert result.details.strip() and result.details != result.text, name  # a Details button on each
    for name in ("finished", "canceled"):
        assert f"Model: {tmp_path / 'model.pt'}\nReport: {tmp_path / 'report.html'}" in ended[name].details
    assert ended["failed"].text.endswith("…") and f"Training failed: {reason}" in ended["failed"].details
    assert ended["failed"].level == Qgis.MessageLevel.Critical
