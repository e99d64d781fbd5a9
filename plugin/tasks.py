"""Training as a background task in QGIS's task manager, through the same Processing algorithm as the toolbox.

start_training_task() is the whole mechanism and needs no GUI (the tests run it headless).
The menu action adds Processing's own parameter dialog, whose Run button hands the parameters
to start_training_task() and closes, and a message bar with a link to the report at the end.
The worker thread never touches the GUI: the task's `executed` signal is delivered on the
main thread, where the callback runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
)

ALGORITHM_ID = "imagette:trainclassifier"

Callback = Callable[[bool, dict, QgsProcessingFeedback], None]


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
        QgsProcessingException: the provider is not loaded or a parameter value is invalid.
    """
    algorithm = QgsApplication.processingRegistry().createAlgorithmById(ALGORITHM_ID)
    if algorithm is None:
        raise QgsProcessingException(f"The algorithm {ALGORITHM_ID} is not available: enable the Imagette plugin.")
    context = QgsProcessingContext()
    feedback = QgsProcessingFeedback()
    valid, message = algorithm.checkParameterValues(parameters, context)
    if not valid:
        raise QgsProcessingException(message)
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


def show_result(iface, successful: bool, results: dict, feedback: QgsProcessingFeedback) -> None:
    """Tells the person how the background training ended, with a button that opens the report."""
    from qgis.gui import QgsMessageBar
    from qgis.PyQt.QtCore import QUrl
    from qgis.PyQt.QtGui import QDesktopServices
    from qgis.PyQt.QtWidgets import QPushButton

    bar = iface.messageBar()
    if not successful:
        errors = [line for line in feedback.textLog().splitlines() if line.strip()]
        reason = errors[-1] if errors else "see the log"
        bar.pushMessage("Imagette", f"Training failed or was canceled: {reason}", Qgis.Critical, 0)
        return
    f1 = results.get("MACRO_F1")
    score = f"validation macro-F1 {f1:.3f}" if isinstance(f1, float) else "no validation patches, no scores"
    state = "canceled; the best model so far was saved" if feedback.isCanceled() else "finished"
    item = QgsMessageBar.createMessage("Imagette", f"Training {state} ({score}): {results.get('OUTPUT_MODEL')}")
    button = QPushButton("Open report")
    report = results.get("OUTPUT_REPORT")
    button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(report)))
    item.layout().addWidget(button)
    bar.pushWidget(item, Qgis.Warning if feedback.isCanceled() else Qgis.Success, 0)


def open_training_dialog(iface) -> None:
    """Shows Processing's parameter dialog for training; Run starts the background task and closes it."""
    from processing.gui.AlgorithmDialog import AlgorithmDialog
    from processing.gui.AlgorithmDialogBase import AlgorithmDialogBase

    class BackgroundTrainingDialog(AlgorithmDialog):
        def runAlgorithm(self):  # noqa: N802 (Processing's name)
            try:
                parameters = self.createProcessingParameters()
            except (AlgorithmDialogBase.InvalidParameterValue, AlgorithmDialogBase.InvalidOutputExtension):
                return super().runAlgorithm()  # Processing's own display of the invalid value
            try:
                start_training_task(parameters, lambda ok, results, fb: show_result(iface, ok, results, fb))
            except QgsProcessingException as error:
                self.messageBar().pushMessage("", str(error), level=Qgis.Warning, duration=8)
                return
            iface.messageBar().pushMessage(
                "Imagette", "Training started in the background: progress and cancel in the task manager.", Qgis.Info, 5
            )
            self.close()

    algorithm = QgsApplication.processingRegistry().createAlgorithmById(ALGORITHM_ID)
    dialog = BackgroundTrainingDialog(algorithm, parent=iface.mainWindow())
    dialog.setWindowTitle(f"{algorithm.displayName()} (in the background)")
    dialog.show()
