"""The Help buttons point at the user guide shipped in the plugin, never at a placeholder address."""

from __future__ import annotations

import re
import zipfile

from imagette.plugin import guide
from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QUrl

from tests.headless import REPO


def test_every_algorithm_has_a_shipped_guide_page(tmp_path):
    import sys

    sys.path.insert(0, str(REPO / "scripts"))
    import package

    packaged = {name.removeprefix("imagette/") for name in zipfile.ZipFile(package.build(tmp_path)).namelist()}
    provider = QgsApplication.processingRegistry().providerById("imagette")
    for algorithm in provider.algorithms():
        if algorithm.name() in guide.GUIDES:  # the Help button of Imagette's own algorithms
            assert algorithm.helpUrl() == guide.guide_url(algorithm.name())
        url = QUrl(guide.guide_url(algorithm.name()))
        assert url.isLocalFile() and url.toString().startswith("file:///")
        path = guide.guide_path(algorithm.name())
        assert path.is_file(), path
        assert path.relative_to(guide.PLUGIN_DIR).as_posix() in packaged


def test_images_of_the_guide_exist_have_alt_text_and_ship(tmp_path):
    """The guide's screenshots (scripts/screenshots.py) ship beside the pages that show them, which the Help opens."""
    import sys

    sys.path.insert(0, str(REPO / "scripts"))
    import package

    packaged = {name.removeprefix("imagette/") for name in zipfile.ZipFile(package.build(tmp_path)).namelist()}
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    images = {}
    for page in pages:
        for alt, target in re.findall(r"!\[([^\]]*)\]\(([^)\s]+)\)", page.read_text(encoding="utf-8")):
            image = (page.parent / target).resolve()
            assert alt.strip(), f"{page.name}: {target} has no alt text"
            assert image.is_file(), f"{page.name}: {target} is missing"
            images[image.relative_to(REPO).as_posix()] = page.name
    assert {"docs/images/samplepatches.png", "docs/images/assessaccuracy.png"} <= set(images)
    assert set(images) <= packaged, set(images) - packaged


def test_metadata_has_no_placeholder_address():
    assert "example.org" not in (REPO / "metadata.txt").read_text(encoding="utf-8")
