"""The user guide shipped inside the plugin (README.md and docs/), as file:// URLs of HTML pages for the Help buttons.

A browser opens an HTML page on any desktop; a `.md` file opens only where something handles Markdown. scripts/
package.py puts an HTML page beside each Markdown page in the zip, so the installed plugin has its guide, offline
too. A plugin folder without them (a working copy linked into QGIS) gets them written on demand, by the same code
(guide_html.py), into a cache folder of the user's. tests/plugin/test_guide.py checks every page named here exists,
and that Help opens HTML in both cases.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from qgis.PyQt.QtCore import QStandardPaths, QUrl

from .guide_html import GUIDE_README, html_name, write_guide

PLUGIN_DIR = Path(__file__).resolve().parents[1]
# The guide page of each algorithm, by its name(); others (shipped models) get the README.
GUIDES = {
    "samplepatches": GUIDE_README,
    "trainclassifier": "docs/training.md",
    "classifyraster": "docs/classification.md",
    "assessaccuracy": "docs/accuracy.md",
    "exportmodel": "docs/onnx.md",
    "checkenvironment": GUIDE_README,
}


def cache_folder() -> Path:
    """Where the guide of a plugin folder without HTML pages is written: one folder per plugin folder (two working
    copies may hold different pages), in the user's cache (~/.cache on Linux)."""
    cache = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericCacheLocation)
    key = hashlib.sha256(str(PLUGIN_DIR).encode("utf-8")).hexdigest()[:16]
    return Path(cache) / "imagette" / "guide" / key


def guide_path(algorithm_name: str) -> Path:
    """The HTML page of the algorithm's guide: the plugin's own (installed from the zip), else one written from the
    Markdown into cache_folder(); the Markdown page itself only where that cannot be written (a full disk)."""
    page = GUIDES.get(algorithm_name, GUIDE_README)
    shipped = PLUGIN_DIR / html_name(page)
    if shipped.is_file():
        return shipped
    folder = cache_folder()
    try:
        write_guide(PLUGIN_DIR, folder)
    except OSError:
        return PLUGIN_DIR / page
    return folder / html_name(page)


def guide_url(algorithm_name: str) -> str:
    """file:// URL of the algorithm's guide page."""
    return QUrl.fromLocalFile(str(guide_path(algorithm_name))).toString()
