"""Training as a background task in QGIS's task manager, through the same Processing algorithm as the toolbox.

start_training_task() is the whole mechanism and needs no GUI (the tests run it headless).
The menu action adds Processing's own parameter dialog, whose Run button hands the parameters
to start_training_task() and closes, and a message bar with a link to the report at the end.
The worker thread never touches the GUI: the task's `executed` signal is delivered on the
main thread, where the callback runs. The dialog is a Python subclass: whoever opens it keeps a
reference (the plugin does), or Python collects the subclass while the window stays, and Run
falls back to the C++ base that does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
)

from . import deps
from .i18n import tr

ALGORITHM_ID = "imagette:trainclassifier"

Callback = Callable[[bool, dict, QgsProcessingFeedback], None]


class TaskFeedback(QgsProcessingFeedback):
    """A feedback that also keeps the log lines and the errors as Python text (pushed from the worker thread)."""

    def __init__(self) -> None:
        super().__init__()
        self.infos: list[str] = []
        self.errors: list[str] = []

    def pushInfo(self, info):  # noqa: N802
        self.infos.append(info)
        super().pushInfo(info)

    def reportError(self, error, fatalError=False):  # noqa: N802, N803
        self.errors.append(error)
        super().reportError(error, fatalError)


@dataclass
class _Run:
    task: QgsProcessingAlgRunnerTask
    context: QgsProcessingContext
    feedback: QgsProcessingFeedback


# Strong references until the task has finished: the C++ task keeps using the context and the
# feedback, and Python must not collect them (or the task) underneath it.
_RUNNING: list[_Run] = []


def running_tasks() -> list[QgsProcessingAlgRunnerTask]:
    """Training tasks started here and not finished yet."""
    return [run.task for run in _RUNNING]


def start_training_task(parameters: dict, on_finished: Callback | None = None) -> QgsProcessingAlgRunnerTask:
    """Starts imagette:trainclassifier with these parameters as a task in QGIS's task manager.

    Progress shows in the status bar and the task can be canceled from the task manager; the log
    goes to the 'Processing' tab of the log messages panel.

    Args:
        parameters: the algorithm's parameters, as for processing.run().
        on_finished: called on the main thread with (successful, results, feedback) when the task ends.

    Raises:
        QgsProcessingException: the provider is not loaded, torch is not installed (with the advice) or a
            parameter value is invalid.
    """
    algorithm = QgsApplication.processingRegistry().createAlgorithmById(ALGORITHM_ID)
    if algorithm is None:
        raise QgsProcessingException(
            tr("The algorithm {algorithm} is not available: enable the Imagette plugin.").format(algorithm=ALGORITHM_ID)
        )
    if not deps.torch_available():  # told now, not as a failed task
        raise QgsProcessingException(deps.install_advice())
    context = QgsProcessingContext()
    feedback = TaskFeedback()
    valid, message = algorithm.checkParameterValues(parameters, context)
    if not valid:
        raise QgsProcessingException(message)
    check_inputs(algorithm, parameters, context)
    task = QgsProcessingAlgRunnerTask(algorithm, parameters, context, feedback)
    run = _Run(task, context, feedback)

    def finished(successful: bool, results: dict) -> None:
        _RUNNING.remove(run)
        if on_finished is not None:
            on_finished(successful, results, feedback)

    task.executed.connect(finished)
    _RUNNING.append(run)
    QgsApplication.taskManager().addTask(task)
    return task


def check_inputs(algorithm, parameters: dict, context: QgsProcessingContext) -> None:
    """What the training would find wrong in its first second, found before any task: the dataset folder is an
    Imagette dataset, the model and the report can be written (the engine's own checks, in the engine's words).

    Raises:
        QgsProcessingException: with the engine's message.
    """
    from .engine.dataset import open_dataset
    from .engine.errors import ImagetteError
    from .engine.io import MODEL_FILE, REPORT, check_writable

    try:
        open_dataset(algorithm.parameterAsFile(parameters, "DATASET", context))
        check_writable(algorithm.parameterAsFileOutput(parameters, "OUTPUT_MODEL", context), MODEL_FILE)
        report = algorithm.parameterAsFileOutput(parameters, "OUTPUT_REPORT", context)
        if report:
            check_writable(report, REPORT)
    except ImagetteError as error:
        raise QgsProcessingException(str(error)) from error


FIRST_LINE_CHARS = 110  # what a message bar shows on one line beside its buttons in a usual QGIS window


def first_line(text: str) -> str:
    """A message's first sentence, cut to FIRST_LINE_CHARS; the whole text goes behind its Details button."""
    sentence = text.strip().split("\n", 1)[0]
    end = sentence.find(". ")
    sentence = sentence[: end + 1] if end >= 0 else sentence
    return sentence if len(sentence) <= FIRST_LINE_CHARS else sentence[: FIRST_LINE_CHARS - 1].rstrip() + "…"


def push_message(bar, title: str, text: str, level, duration: int = 0, details: str | None = None):
    """Pushes text to a message bar: its first sentence (see first_line), with a Details button showing details (else
    the whole text) when they say more than that sentence.

    Returns the message bar item (its `details` attribute holds the details box once shown).
    """
    from qgis.gui import QgsMessageBar
    from qgis.PyQt.QtWidgets import QMessageBox, QPushButton

    first = first_line(text)
    details = (details or text).strip()
    item = QgsMessageBar.createMessage(title, first)
    item.details = None
    if details != first:
        button = QPushButton(tr("Details…"))

        def show_details() -> None:
            icons = {
                Qgis.MessageLevel.Critical: QMessageBox.Icon.Critical,
                Qgis.MessageLevel.Warning: QMessageBox.Icon.Warning,
            }
            icon = icons.get(level, QMessageBox.Icon.Information)
            box = QMessageBox(icon, title, details, QMessageBox.StandardButton.Close, bar.window())
            item.details = box  # referenced: a collected box would vanish at once
            box.show()

        button.clicked.connect(show_details)
        item.details_button = button
        item.layout().addWidget(button)
    bar.pushWidget(item, level, duration)
    return item


def score_text(results: dict, canceled: bool) -> tuple[str, str]:
    """The headline score of a training run in the words of its log: map-level or patch-level, never one for the other.

    Returns (short, whole): the score for the message's first line, and the sentence for its details.
    The algorithm scores the map on the validation polygons unless the run was canceled or the map could not be
    scored; map-level scores alone have an interval (MACRO_F1_LOW), so its absence says the scores are patch-level.
    """
    f1 = results.get("MACRO_F1")
    if not isinstance(f1, float):
        return tr("no scores"), tr("The dataset has no validation patches: the model could not be scored.")
    score = f"{f1:.3f}"
    if canceled:
        return (
            tr("patch-level macro-F1 {f1}, the map was not scored").format(f1=score),
            # The engine's log says: "The run was canceled: the scores are patch-level, the map was not scored."
            tr(
                "The run was canceled: the scores are patch-level, the map was not scored. Patch-level macro-F1 {f1} "
                "on the validation patches (easier than the map: the map usually scores lower)."
            ).format(f1=score),
        )
    if not isinstance(results.get("MACRO_F1_LOW"), float):
        return (
            tr("patch-level macro-F1 {f1}, the map could not be scored").format(f1=score),
            tr(
                "The map could not be scored (the log says why): patch-level macro-F1 {f1} on the validation "
                "patches (easier than the map: the map usually scores lower)."
            ).format(f1=score),
        )
    low, high = results["MACRO_F1_LOW"], results.get("MACRO_F1_HIGH")
    interval = (
        tr(" (95 % interval {low}-{high})").format(low=f"{low:.3f}", high=f"{high:.3f}")
        if isinstance(high, float)
        else ""
    )
    overall = results.get("OVERALL_ACCURACY")
    accuracy = (
        tr(", overall accuracy {accuracy}").format(accuracy=f"{overall:.3f}") if isinstance(overall, float) else ""
    )
    return (
        tr("map macro-F1 {f1} on the validation polygons").format(f1=score),
        tr("The map scores macro-F1 {f1}{interval}{accuracy} on the validation polygons.").format(
            f1=score, interval=interval, accuracy=accuracy
        ),
    )


class Result(NamedTuple):
    """How a background training ended, as the message bar tells it."""

    text: str  # one short line
    details: str  # the whole story, behind the Details button: what happened, the scores, the files
    level: Qgis.MessageLevel
    has_report: bool  # a report was written and can be opened


def result_message(successful: bool, results: dict, feedback: QgsProcessingFeedback) -> Result:
    """How a background training ended: a first line short enough for one message bar line, and the details."""
    model, report = results.get("OUTPUT_MODEL"), results.get("OUTPUT_REPORT")
    saved = bool(model) and Path(str(model)).is_file()
    has_report = bool(report) and Path(str(report)).is_file()
    files = tr("Model: {path}").format(path=model) + (
        "\n" + tr("Report: {path}").format(path=report) if has_report else ""
    )
    canceled = feedback.isCanceled()
    if canceled:
        # A cancel after the first epoch ends the algorithm normally with the best model so far, yet the task
        # counts as unsuccessful; before it, nothing is written.
        if saved:
            short, whole = score_text(results, canceled)
            return Result(
                tr("Training canceled; the best model so far was saved ({score}).").format(score=short),
                tr("Training canceled: the model of the best epoch so far was saved.") + f"\n{whole}\n{files}",
                Qgis.MessageLevel.Warning,
                has_report,
            )
        return Result(
            tr("Training canceled before the first epoch ended: no model was written."),
            tr("Training canceled before the first epoch ended: no model and no report were written.")
            + "\n"
            + tr("The log is in the Processing tab of the Log Messages panel."),
            Qgis.MessageLevel.Warning,
            False,
        )
    if successful:
        short, whole = score_text(results, canceled)
        finished = tr("Training finished: {score}.").format(score=short)
        return Result(finished, f"{whole}\n{files}", Qgis.MessageLevel.Success, has_report)
    errors = [error for error in getattr(feedback, "errors", []) if error.strip()]
    if errors:
        reason = errors[-1].strip()
    else:
        lines = [line for line in feedback.textLog().splitlines() if line.strip()]
        reason = lines[-1] if lines else tr("see the Processing log")
    failed = tr("Training failed: {reason}").format(reason=reason)
    return Result(
        first_line(failed),
        failed + "\n" + tr("The whole log is in the Processing tab of the Log Messages panel."),
        Qgis.MessageLevel.Critical,
        False,
    )


def show_result(iface, successful: bool, results: dict, feedback: QgsProcessingFeedback):
    """Tells the person how the background training ended, with a button that opens the report."""
    from qgis.PyQt.QtCore import QUrl
    from qgis.PyQt.QtGui import QDesktopServices
    from qgis.PyQt.QtWidgets import QPushButton

    result = result_message(successful, results, feedback)
    item = push_message(iface.messageBar(), "Imagette", result.text, result.level, details=result.details)
    if result.has_report:
        report = results.get("OUTPUT_REPORT")
        button = QPushButton(tr("Open report"))
        button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(report)))
        item.report_button = button
        item.layout().addWidget(button)
    return item


# The values the dialog last held in this QGIS session: a dialog opened again starts from them, so one wrong folder
# does not cost the whole form.
_REMEMBERED: dict = {}


def open_training_dialog(iface):
    """Shows Processing's parameter dialog for training; Run checks the inputs, starts the background task and closes.

    A problem found before the task (see start_training_task) is shown in the dialog, which stays open. The dialog
    starts from the values it last held in this session. Returns the dialog: the caller must keep it referenced
    while it is open (see the module's docstring).
    """
    from processing.gui.AlgorithmDialog import AlgorithmDialog
    from processing.gui.AlgorithmDialogBase import AlgorithmDialogBase

    class BackgroundTrainingDialog(AlgorithmDialog):
        def remember(self) -> None:
            try:
                parameters = self.createProcessingParameters()
            except (AlgorithmDialogBase.InvalidParameterValue, AlgorithmDialogBase.InvalidOutputExtension):
                return  # a value Processing itself refuses is not worth keeping
            _REMEMBERED.clear()
            _REMEMBERED.update(parameters)

        def runAlgorithm(self):  # noqa: N802 (Processing's name)
            try:
                parameters = self.createProcessingParameters()
            except (AlgorithmDialogBase.InvalidParameterValue, AlgorithmDialogBase.InvalidOutputExtension):
                return super().runAlgorithm()  # Processing's own display of the invalid value
            self.remember()
            try:
                start_training_task(parameters, lambda ok, results, fb: show_result(iface, ok, results, fb))
            except QgsProcessingException as error:
                push_message(self.messageBar(), "", str(error), Qgis.MessageLevel.Warning)
                return
            iface.messageBar().pushMessage(
                "Imagette",
                tr("Training started in the background: progress and cancel in the task manager."),
                Qgis.MessageLevel.Info,
                5,
            )
            self.close()

        def done(self, result):  # every way a dialog closes ends here (Close, Escape, the window's cross, Run)
            self.remember()
            super().done(result)

    algorithm = QgsApplication.processingRegistry().createAlgorithmById(ALGORITHM_ID)
    dialog = BackgroundTrainingDialog(algorithm, parent=iface.mainWindow())
    dialog.setWindowTitle(tr("{algorithm} (in the background)").format(algorithm=algorithm.displayName()))
    if _REMEMBERED:
        dialog.setParameters(dict(_REMEMBERED))
    dialog.show()
    return dialog
