"""`make package`: the zip holds the plugin and nothing else, and QGIS lists every algorithm from it once unpacked."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from imagette.plugin.engine.versions import plugin_version
from qgis.core import QgsApplication

from tests.headless import REPO, QgisProcess

sys.path.append("/usr/share/qgis/python")  # QGIS's own plugin installer
from pyplugin_installer.unzip import unzip  # noqa: E402

REQUIRED = {"metadata.txt", "__init__.py", "icon.svg", "LICENSE", "plugin", "algorithms"}
# docs: the guides the README links; README.html and docs/*.html: their HTML pages, which the Help buttons open;
# __main__.py, pyproject.toml: the `imagette` command (pip install .); i18n: the translations
ALLOWED = REQUIRED | {"README.md", "README.html", "docs", "models", "__main__.py", "pyproject.toml", "i18n"}


def test_zip_holds_only_the_plugin_and_qgis_process_lists_its_algorithms(tmp_path):
    build = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "package.py"), "--output", str(tmp_path / "dist")],
        capture_output=True,
        text=True,
        check=True,
    )
    archive = tmp_path / "dist" / f"imagette-{plugin_version()}.zip"
    assert build.stdout.strip() == str(archive)
    with zipfile.ZipFile(archive) as bundle:
        names = bundle.namelist()
    assert all(name.startswith("imagette/") for name in names)
    # QGIS's installer takes the folder of the first metadata.txt (sorted) as the plugin's name.
    assert sorted(name for name in names if name.endswith("metadata.txt"))[0] == "imagette/metadata.txt"
    top = {name.split("/")[1] for name in names}
    assert REQUIRED <= top <= ALLOWED
    assert {"imagette/i18n/imagette_fr.ts", "imagette/i18n/imagette_fr.qm"} <= set(names)  # the command line's, Qt's
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc") or "/." in name]

    plugins = tmp_path / "plugins"
    unzip(str(archive), str(plugins))
    listed = QgisProcess(tmp_path / "home", plugins).algorithms()
    expected = {
        algorithm.id() for algorithm in QgsApplication.processingRegistry().providerById("imagette").algorithms()
    }
    assert set(listed) == expected
    assert "imagette:samplepatches" in expected
