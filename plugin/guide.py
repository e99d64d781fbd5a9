"""The user guide shipped inside the plugin (README.md and docs/), as file:// URLs for the Help buttons.

scripts/package.py puts README.md and docs/ in the zip, so the guide is there wherever the plugin is
installed, offline too; tests/test_guide.py checks every file named here exists and is packaged.
"""

from __future__ import annotations

from pathlib import Path

from qgis.PyQt.QtCore import QUrl

PLUGIN_DIR = Path(__file__).resolve().parents[1]
README = "README.md"
# The guide page of each algorithm, by its name(); others (shipped models) get the README.
GUIDES = {
    "samplepatches": README,
    "trainclassifier": "docs/training.md",
    "classifyraster": "docs/classification.md",
    "assessaccuracy": "docs/accuracy.md",
    "exportmodel": "docs/onnx.md",
    "checkenvironment": README,
}


def guide_path(algorithm_name: str) -> Path:
    return PLUGIN_DIR / GUIDES.get(algorithm_name, README)


def guide_url(algorithm_name: str) -> str:
    """file:// URL of the algorithm's guide page in the installed plugin folder."""
    return QUrl.fromLocalFile(str(guide_path(algorithm_name))).toString()
