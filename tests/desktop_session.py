"""One QGIS desktop session on an X display, driven as a person would; run by tests/plugin/test_desktop.py.

    python tests/desktop_session.py SCENARIO FOLDER      # DISPLAY set, QT_QPA_PLATFORM=xcb

It starts QgsApplication with its GUI, Processing, and the plugin through classFactory with an
interface built from real widgets (a main window with its Raster menu, a raster toolbar and a message
bar: the parts of QgisInterface the plugin uses, as QgisInterface itself only exists inside the QGIS
application). It then opens the dialog through the menu action, fills it, presses Run and waits for
the task, and prints what a person would have seen as one JSON line (the test asserts on it).

Scenarios: 'train' (finished, refused and canceled runs), 'notorch' (run with torch unimportable), 'form' (inputs
refused in the dialog, values kept when it is opened again), 'assess' (Assess map accuracy from Processing's dialog),
'models' (the shipped models copied to the user's models from the menu, and opened in the Model Designer).
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
import warnings
from pathlib import Path

# Deprecations raised from the project's own code fail the session, as pyproject.toml's filterwarnings makes them
# fail a test run by pytest.
warnings.filterwarnings("error", category=DeprecationWarning, module=r"(imagette|tests)(\.|$)")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.headless import plugin_dir  # noqa: E402

sys.path.insert(0, str(plugin_dir()))
sys.path.append("/usr/share/qgis/python/plugins")

from qgis.core import QgsApplication  # noqa: E402

APP = QgsApplication([], True)
APP.initQgis()

import processing  # noqa: E402
from processing.core.Processing import Processing  # noqa: E402
from qgis.gui import QgsMessageBar  # noqa: E402
from qgis.PyQt import sip  # noqa: E402
from qgis.PyQt.QtWidgets import QApplication, QMainWindow, QVBoxLayout, QWidget  # noqa: E402

Processing.initialize()

ACTION_TEXT = "Train patch classifier in background…"
COPY_MODELS_TEXT = "Copy the land-cover models to my models"
TIMEOUT_S = 300  # only so that a broken task fails the test instead of hanging it


class DesktopInterface:
    """The part of QgisInterface the plugin uses, made of real widgets."""

    def __init__(self) -> None:
        window = QMainWindow()
        window.setWindowTitle("QGIS (test desktop)")
        central = QWidget()
        layout = QVBoxLayout(central)
        self.bar = QgsMessageBar(central)
        layout.addWidget(self.bar)
        window.setCentralWidget(central)
        self.raster_menu = window.menuBar().addMenu("&Raster")
        self.raster_toolbar = window.addToolBar("Raster")
        window.resize(1000, 700)
        window.show()
        # As in QGIS, the main window is a C++ object without a lasting Python wrapper: mainWindow() gives a
        # fresh wrapper each time, which Python collects with whatever was only referenced through it.
        sip.transferto(window, None)
        self.window_address = sip.unwrapinstance(window)

    def mainWindow(self):  # noqa: N802
        return sip.wrapinstance(self.window_address, QMainWindow)

    def messageBar(self):  # noqa: N802
        return self.bar

    def plugin_menu(self, name: str):
        for action in self.raster_menu.actions():
            if action.menu() is not None and action.text() == name:
                return action.menu()
        return None

    def addPluginToRasterMenu(self, name, action):  # noqa: N802
        menu = self.plugin_menu(name) or self.raster_menu.addMenu(name)
        menu.addAction(action)

    def removePluginRasterMenu(self, name, action):  # noqa: N802
        menu = self.plugin_menu(name)
        if menu is not None:
            menu.removeAction(action)

    def addRasterToolBarIcon(self, action):  # noqa: N802
        self.raster_toolbar.addAction(action)

    def removeRasterToolBarIcon(self, action):  # noqa: N802
        self.raster_toolbar.removeAction(action)


def wait(condition, seconds: float = TIMEOUT_S) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if condition():
            return True
        time.sleep(0.02)
    return False


def menu_action(iface: DesktopInterface, text: str = ACTION_TEXT):
    """A plugin's action, found as a person finds it: Raster > Imagette > Train ... in background…"""
    menu = iface.plugin_menu("&Imagette")
    return next(action for action in menu.actions() if action.text() == text)


def open_dialog(iface: DesktopInterface):
    """Triggers the menu action and finds the window it opened among the top-level widgets."""
    menu_action(iface).trigger()
    gc.collect()  # what used to take the dialog's Python side away
    QApplication.processEvents()
    dialogs = [w for w in QApplication.topLevelWidgets() if w.isVisible() and "(in the background)" in w.windowTitle()]
    assert len(dialogs) == 1, [w.windowTitle() for w in QApplication.topLevelWidgets() if w.isVisible()]
    return dialogs[0]


def current_message(bar) -> dict | None:
    """The message a bar shows now (the last pushed): its text and the labels of its buttons."""
    from qgis.PyQt.QtWidgets import QPushButton

    item = bar.currentItem()
    if item is None:
        return None
    return {"text": item.text(), "buttons": [button.text() for button in item.findChildren(QPushButton)]}


def run_from_dialog(iface, parameters: dict, cancel_after_first_epoch: bool = False) -> dict:
    """Opens the dialog from the menu, fills it, presses Run, waits for the task's end; what was seen."""
    from imagette.plugin import tasks

    dialog = open_dialog(iface)
    seen: dict = {"dialog_class": type(dialog).__name__}
    if not hasattr(dialog, "setParameters"):  # only the C++ window is left: Python collected the dialog
        dialog.close()
        return seen
    dialog.setParameters(parameters)
    dialog.runButton().click()
    running = tasks.running_tasks()
    manager = QgsApplication.taskManager()
    seen["tasks_in_manager"] = [task.description() for task in manager.tasks() if task in running]
    seen["dialog_visible_after_run"] = dialog.isVisible()
    seen["dialog_message"] = current_message(dialog.messageBar())
    if not running:
        seen["details"] = details_of(dialog.messageBar())
        dialog.close()
        return seen
    seen["started_messages"] = [item.text() for item in iface.bar.items()]
    if cancel_after_first_epoch:
        run = tasks._RUNNING[0]
        seen["epoch_1_seen"] = wait(lambda: any(line.startswith("Epoch 1/") for line in run.feedback.infos))
        run.task.cancel()  # what the task manager's cancel button does
    seen["ended"] = wait(lambda: not tasks.running_tasks())
    seen["result_message"] = current_message(iface.bar)
    seen["details"] = details_of(iface.bar)
    return seen


def details_of(bar) -> str | None:
    """Presses the current message's Details button, if any, and returns the text the box shows."""
    item = bar.currentItem()
    button = getattr(item, "details_button", None) if item is not None else None
    if button is None:
        return None
    button.click()
    QApplication.processEvents()
    text = item.details.text()
    item.details.close()
    return text


def scenario_train(folder: Path, iface) -> dict:
    from tests.scenes import make_scene, sampling_parameters, write_polygons

    (folder / "scene").mkdir()
    scene = make_scene(folder / "scene")
    scene.vector = write_polygons(scene, folder / "scene" / "labels.gpkg")
    sampled = processing.run(
        "imagette:samplepatches",
        sampling_parameters(scene, folder, 16, MAX_PER_CLASS=60, OUTPUT_FOOTPRINTS="TEMPORARY_OUTPUT"),
    )

    def parameters(name: str, dataset: str, epochs: int) -> dict:
        return {
            "DATASET": dataset,
            "EPOCHS": epochs,
            "DEVICE": 1,
            "OUTPUT_MODEL": str(folder / f"{name}.pt"),
            "OUTPUT_REPORT": str(folder / f"{name}.html"),
        }

    not_a_dataset = folder / "empty"
    not_a_dataset.mkdir()
    return {
        "finished": run_from_dialog(iface, parameters("finished", sampled["OUTPUT_DATASET"], 1)),
        "failed": run_from_dialog(iface, parameters("failed", str(not_a_dataset), 1)),
        "canceled": run_from_dialog(
            iface, parameters("canceled", sampled["OUTPUT_DATASET"], 200), cancel_after_first_epoch=True
        ),
    }


def output_value(value) -> str:
    """A destination's path, whether the dialog gives a string or an output definition."""
    sink = getattr(value, "sink", None)
    return str(sink.staticValue() if sink is not None else value)


def run_refused(dialog) -> dict:
    """Presses Run on a dialog whose inputs the plugin should refuse; what the dialog showed."""
    from imagette.plugin import tasks

    dialog.runButton().click()
    QApplication.processEvents()
    return {
        "tasks": len(tasks.running_tasks()),
        "dialog_visible": dialog.isVisible(),
        "message": current_message(dialog.messageBar()),
        "details": details_of(dialog.messageBar()),
    }


def scenario_form(folder: Path, iface) -> dict:
    """Inputs refused in the dialog before any task, and the values kept when the dialog is opened again."""
    from qgis.PyQt.QtWidgets import QDialogButtonBox

    from tests.scenes import make_scene, sampling_parameters, write_polygons

    (folder / "scene").mkdir()
    scene = make_scene(folder / "scene")
    scene.vector = write_polygons(scene, folder / "scene" / "labels.gpkg")
    dataset = processing.run(
        "imagette:samplepatches",
        sampling_parameters(scene, folder, 16, MAX_PER_CLASS=20, OUTPUT_FOOTPRINTS="TEMPORARY_OUTPUT"),
    )["OUTPUT_DATASET"]
    (folder / "empty").mkdir()
    (folder / "a-file").write_text("not a folder")
    seen: dict = {}

    dialog = open_dialog(iface)
    dialog.setParameters(
        {
            "DATASET": str(folder / "empty"),
            "EPOCHS": 7,
            "OUTPUT_MODEL": str(folder / "model.pt"),
            "OUTPUT_REPORT": str(folder / "report.html"),
        }
    )
    seen["not_a_dataset"] = run_refused(dialog)
    dialog.setParameters({"DATASET": dataset, "OUTPUT_MODEL": str(folder / "a-file" / "model.pt")})
    seen["unwritable_model"] = run_refused(dialog)
    dialog.setParameters({"OUTPUT_MODEL": str(folder / "model.pt"), "OUTPUT_REPORT": str(folder / "a-file" / "r.html")})
    seen["unwritable_report"] = run_refused(dialog)
    dialog.close()  # the window's cross
    QApplication.processEvents()

    def reopened() -> tuple:
        again = open_dialog(iface)
        values = again.createProcessingParameters()
        return again, {
            "DATASET": values.get("DATASET"),
            "EPOCHS": values.get("EPOCHS"),
            "OUTPUT_MODEL": output_value(values.get("OUTPUT_MODEL")),
            "OUTPUT_REPORT": output_value(values.get("OUTPUT_REPORT")),
        }

    dialog, seen["after_cross"] = reopened()
    dialog.setParameters({"EPOCHS": 9})
    dialog.buttonBox().button(QDialogButtonBox.StandardButton.Close).click()
    QApplication.processEvents()
    dialog, seen["after_close_button"] = reopened()
    dialog.close()
    seen["dataset"] = dataset
    return {"form": seen}


def scenario_assess(folder: Path, iface) -> dict:
    """Assess map accuracy from Processing's own dialog, as a person runs it from the toolbox: the 'fid' QGIS offers
    first as the class field is refused, and the class field run counts the reference on map nodata against the map."""
    import numpy as np
    import rasterio
    from imagette.plugin.engine.classes import ClassEntry
    from imagette.plugin.engine.geotiff import create_class_raster, write_side_car
    from processing.gui.AlgorithmDialog import AlgorithmDialog
    from qgis.PyQt.QtCore import QCoreApplication, QEvent
    from qgis.PyQt.QtWidgets import QTextEdit

    from tests.scenes import CLASS_COLORS, CLASSES, make_scene, write_polygons

    (folder / "scene").mkdir()
    scene = make_scene(folder / "scene")
    scene.vector = write_polygons(scene, folder / "scene" / "labels.gpkg")
    data = scene.truth.copy()
    _, _, ring = scene.polygons[0]
    column, row = (int(v) for v in ~scene.transform * ring[0])
    data[row + 2 : row + 7, column + 2 : column + 7] = 0  # 25 reference pixels the map leaves unclassified
    classes = [ClassEntry(code, name, CLASS_COLORS[code]) for code, name, _ in CLASSES]
    classification = folder / "carte.tif"
    crs = rasterio.crs.CRS.from_string(scene.crs)
    with create_class_raster(
        classification, data.shape[1], data.shape[0], scene.transform, crs, 64, classes, {}
    ) as dst:
        dst.write(data.astype(np.uint8), 1)
    write_side_car(classification, classes)

    def run(field: str) -> dict:
        algorithm = QgsApplication.processingRegistry().createAlgorithmById("imagette:assessaccuracy")
        dialog = AlgorithmDialog(algorithm, parent=iface.mainWindow())
        dialog.show()
        report = folder / f"{field}.html"
        dialog.setParameters(
            {
                "INPUT_CLASSIFICATION": str(classification),
                "REFERENCE": str(scene.vector),
                "CLASS_FIELD": field,
                "OUTPUT_REPORT": str(report),
            }
        )
        dialog.runButton().click()
        log = dialog.findChild(QTextEdit, "txtLog")
        ended = wait(lambda: "Algorithm 'Assess map accuracy' finished" in log.toPlainText(), 120)
        seen = {"ended": ended, "log": log.toPlainText(), "report": report.exists()}
        dialog.close()
        # Deleted now, while QGIS runs: left to Python's exit, QGIS 3.40 crashed destroying it (SIGSEGV).
        dialog.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        return seen

    return {"assess": {"fid": run("fid"), "classe": run("classe")}}


def scenario_models(folder: Path, iface) -> dict:
    """Raster > Imagette > Copy the land-cover models to my models, twice: what the message says, what the Models
    provider lists, whether the toolbox offers Edit Model… and the Model Designer opens the copy."""
    from processing.modeler.EditModelAction import EditModelAction
    from processing.modeler.ModelerDialog import ModelerDialog
    from processing.modeler.ModelerUtils import ModelerUtils
    from qgis.PyQt.QtCore import QCoreApplication, QEvent

    def copy() -> dict:
        menu_action(iface, COPY_MODELS_TEXT).trigger()
        QApplication.processEvents()
        return {"message": current_message(iface.bar), "details": details_of(iface.bar)}

    def editable(algorithm) -> bool:
        """Whether the toolbox's context menu offers Edit Model… for the algorithm."""
        action = EditModelAction()
        action.setData(algorithm, None)
        return action.isEnabled()

    seen: dict = {
        "folder": ModelerUtils.modelsFolders()[0],
        "settings": QgsApplication.qgisSettingsDirPath(),
        "first": copy(),
    }
    registry = QgsApplication.processingRegistry()
    listed = {}
    for algorithm in registry.providerById("model").algorithms():
        designer = ModelerDialog.create(algorithm)  # what Edit Model… opens
        designer.show()
        QApplication.processEvents()
        model = designer.model()
        listed[algorithm.id()] = {
            "file": algorithm.sourceFilePath(),
            "valid": list(algorithm.validate()),
            "editable": editable(algorithm),
            "designer_steps": sorted(model.childAlgorithms()),
            "designer_file": model.sourceFilePath(),
        }
        designer.close()
        designer.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    seen["listed"] = listed
    seen["shipped_editable"] = editable(registry.algorithmById("imagette:landcover"))
    copied = Path(seen["folder"]) / "imagette_landcover.model3"
    copied.write_text(copied.read_text(encoding="utf-8").replace("Land-cover map from polygons", "My land cover"))
    seen["second"] = copy()
    seen["kept_edit"] = "My land cover" in copied.read_text(encoding="utf-8")
    return {"models": seen}


def scenario_notorch(folder: Path, iface) -> dict:
    (folder / "dataset").mkdir()
    parameters = {
        "DATASET": str(folder / "dataset"),
        "EPOCHS": 1,
        "OUTPUT_MODEL": str(folder / "model.pt"),
        "OUTPUT_REPORT": str(folder / "report.html"),
    }
    return {"notorch": run_from_dialog(iface, parameters)}


def main() -> None:
    scenario, folder = sys.argv[1], Path(sys.argv[2])
    iface = DesktopInterface()
    import imagette

    plugin = imagette.classFactory(iface)
    plugin.initGui()
    seen = {"scenario": scenario, "menu_titles": [a.text() for a in iface.raster_menu.actions()]}
    scenarios = {
        "train": scenario_train,
        "notorch": scenario_notorch,
        "form": scenario_form,
        "assess": scenario_assess,
        "models": scenario_models,
    }
    seen.update(scenarios[scenario](folder, iface))
    plugin.unload()
    print("DESKTOP-RESULT " + json.dumps(seen), flush=True)
    # The session ends here, as a closed QGIS does: QGIS 3.40 crashed now and then (SIGSEGV) when Python's own
    # exit destroyed what Processing's dialog leaves behind, after the result above was complete.
    APP.exitQgis()
    os._exit(0)


if __name__ == "__main__":
    main()
