"""The user guide shipped inside the plugin (README.md and docs/), as file:// URLs for the Help buttons.

scripts/package.py puts README.md and docs/ in the zip with an HTML page beside each Markdown page, so the guide is
there wherever the plugin is installed, offline too, and opens in a browser on any desktop (a `.md` file opens only
where something handles Markdown). A working copy without the HTML pages (a linked checkout) gets the Markdown.
tests/plugin/test_guide.py checks every page named here exists, and that the packaged plugin's Help opens HTML.
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


def html_page(markdown_page: str) -> str:
    """The HTML page scripts/package.py writes beside a Markdown page (scripts/guide_html.html_name)."""
    return markdown_page.removesuffix(".md") + ".html"


def guide_path(algorithm_name: str) -> Path:
    """The algorithm's guide page: its HTML page where the plugin has one (installed from the zip), else Markdown."""
    page = GUIDES.get(algorithm_name, README)
    html = PLUGIN_DIR / html_page(page)
    return html if html.is_file() else PLUGIN_DIR / page


def guide_url(algorithm_name: str) -> str:
    """file:// URL of the algorithm's guide page in the installed plugin folder."""
    return QUrl.fromLocalFile(str(guide_path(algorithm_name))).toString()
