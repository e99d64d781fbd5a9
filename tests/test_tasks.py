"""Background training through QGIS's task manager, in a headless QGIS."""

from __future__ import annotations

import time

import pytest
from imagette.plugin import tasks
from imagette.plugin.engine.modelfile import load_model
from qgis.core import Qgis, QgsApplication, QgsProcessingException
from qgis.PyQt.QtCore import QCoreApplication

from tests.conftest import run_algorithm
from tests.scenes import sampling_parameters

SAFETY_S = 300  # only so that a broken task manager fails the test instead of hanging it


@pytest.fixture(scope="module")
def dataset(scene, tmp_path_factory):
    folder = tmp_path_factory.mktemp("task")
    parameters = sampling_parameters(scene, folder, 16, MAX_PER_CLASS=60, OUTPUT_FOOTPRINTS="TEMPORARY_OUTPUT")
    return run_algorithm("samplepatches", parameters)["OUTPUT_DATASET"]


def run_to_end(parameters: dict, cancel: bool = False, cancel_after: str | None = None) -> list[tuple]:
    """Starts the task, lets the event loop deliver its end, and returns what on_finished received.

    cancel: cancel at once; cancel_after: cancel once a log line starting with this text was written.
    """
    calls: list[tuple] = []
    task = tasks.start_training_task(parameters, lambda *args: calls.append(args))
    assert task in tasks.running_tasks() and QgsApplication.taskManager().tasks()
    feedback = tasks._RUNNING[-1].feedback
    if cancel:
        task.cancel()
    deadline = time.monotonic() + SAFETY_S
    while not calls and time.monotonic() < deadline:
        if cancel_after and not feedback.isCanceled() and any(line.startswith(cancel_after) for line in feedback.infos):
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
    assert load_model(results["OUTPUT_MODEL"]).metadata["training"]["epochs_run"] == 1
    assert results["OUTPUT_REPORT"] == str(tmp_path / "report.html") and (tmp_path / "report.html").is_file()
    assert 0 <= results["MACRO_F1"] <= 1
    assert "Epoch 1/1" in feedback.textLog()


def test_canceled_task_leaves_no_model(dataset, tmp_path):
    [(successful, _, feedback)] = run_to_end(parameters_for(dataset, tmp_path), cancel=True)
    assert not successful and feedback.isCanceled()
    assert not (tmp_path / "model.pt").exists()


def test_invalid_parameters_are_refused_before_any_task():
    with pytest.raises(QgsProcessingException):
        tasks.start_training_task({"EPOCHS": 1})
    assert tasks.running_tasks() == []


def test_task_canceled_after_an_epoch_keeps_the_best_model_and_says_so(dataset, tmp_path):
    parameters = parameters_for(dataset, tmp_path) | {"EPOCHS": 200}
    [(successful, results, feedback)] = run_to_end(parameters, cancel_after="Epoch 1/200")
    assert feedback.isCanceled()
    metadata = load_model(tmp_path / "model.pt").metadata
    assert metadata["training"]["canceled"] is True and 1 <= metadata["training"]["epochs_run"] < 200
    message, level, has_report = tasks.result_message(successful, results, feedback)
    assert message.startswith("Training canceled; the best model so far was saved (map macro-F1 ")
    assert message.endswith(f": {tmp_path / 'model.pt'}") and level == Qgis.Warning
    assert has_report and (tmp_path / "report.html").is_file()
    assert "canceled" in (tmp_path / "report.html").read_text(encoding="utf-8").lower()
