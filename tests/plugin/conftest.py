"""Real QGIS for the tests of the plugin (algorithms, provider, GUI, tasks, command line): one QgsApplication,
Processing initialised, the Imagette provider registered. tests/conftest.py has made `imagette` importable.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.append("/usr/share/qgis/python/plugins")

from qgis.core import QgsApplication, QgsProcessingFeedback, QgsSettings  # noqa: E402
from qgis.PyQt.QtCore import QSettings  # noqa: E402


def _start_qgis() -> QgsApplication:
    """QGIS with a profile of its own, in a folder removed at the end of the session, as QGIS desktop keeps its
    settings in its profile folder: the developer's QGIS settings (a language chosen in QGIS) do not reach the tests,
    and what the tests set does not reach them. QGIS 3.22 takes the folder from QgsApplication's argument, 3.40 only
    from QGIS_CUSTOM_CONFIG_PATH (as <folder>/profiles/default); the variable is removed once QGIS has read it, or
    the qgis_process the tests start would inherit it in place of the throw-away profile each of them makes."""
    profile = tempfile.mkdtemp(prefix="imagette-tests-profile-")
    atexit.register(shutil.rmtree, profile, ignore_errors=True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, profile)
    os.environ["QGIS_CUSTOM_CONFIG_PATH"] = profile
    app = QgsApplication([], False, profile)
    app.initQgis()
    del os.environ["QGIS_CUSTOM_CONFIG_PATH"]
    # English whatever the system's locale (a French desktop): QGIS's own language setting, as Settings > Options >
    # General sets it, written once the profile is known (3.40 knows it from initQgis on). A test wanting French
    # installs it (test_i18n.py's fixture `french`).
    settings = QgsSettings()
    settings.setValue("locale/overrideFlag", True)
    settings.setValue("locale/userLocale", "en_US")
    return app


# This module runs twice where the checkout's folder is a valid package name (pytest imports it as
# <folder>.tests.plugin.conftest, the tests as tests.plugin.conftest): the second run takes the QGIS of the first.
_app = QgsApplication.instance() or _start_qgis()

import processing  # noqa: E402
from processing.core.Processing import Processing  # noqa: E402

Processing.initialize()

from imagette.plugin.plugin import ImagettePlugin  # noqa: E402

_plugin = ImagettePlugin(None)
_plugin.initProcessing()


@pytest.fixture(scope="session")
def qgis_app():
    return _app


class RecordingFeedback(QgsProcessingFeedback):
    """A real feedback that also keeps what the user would read in the log."""

    def __init__(self):
        super().__init__()
        self.infos: list[str] = []
        self.warnings: list[str] = []

    def pushInfo(self, info):  # noqa: N802
        self.infos.append(info)
        super().pushInfo(info)

    def pushWarning(self, warning):  # noqa: N802
        self.warnings.append(warning)
        super().pushWarning(warning)


def run_algorithm(name: str, parameters: dict, feedback=None, context=None) -> dict:
    """Runs imagette:<name> through processing.run, as a user's script would."""
    return processing.run(f"imagette:{name}", parameters, feedback=feedback, context=context)


def sample_and_train(scene, folder, patch_size: int, **training) -> dict:
    """Samples the scene's polygons and trains on them through processing.run; returns the training outputs.

    training holds trainclassifier parameters (ARCHITECTURE, EPOCHS...); training runs on the CPU, seed 1,
    without cross-validation unless training asks for it (it would train five more networks per fixture).
    """
    from tests.scenes import sampling_parameters

    sampled = run_algorithm("samplepatches", sampling_parameters(scene, folder, patch_size))
    outputs = {"OUTPUT_MODEL": str(folder / "model.pt"), "OUTPUT_REPORT": str(folder / "report.html")}
    parameters = {"DATASET": sampled["OUTPUT_DATASET"], "DEVICE": 1, "SEED": 1, "CROSS_VALIDATION": 2}
    parameters.update(outputs, **training)
    return run_algorithm("trainclassifier", parameters)


@pytest.fixture(scope="session")
def scene(tmp_path_factory):
    """A 384 x 384 px, 4-band uint16 scene with nodata and its polygons (text field) in another CRS."""
    from tests.scenes import make_scene, write_polygons

    folder = tmp_path_factory.mktemp("scene")
    made = make_scene(folder)
    made.vector = write_polygons(made, folder / "labels.gpkg", crs="EPSG:4326")
    return made
