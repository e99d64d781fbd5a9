"""The Help buttons point at the user guide shipped in the plugin, never at a placeholder address."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import pytest
from imagette.plugin import guide
from imagette.plugin.guide_html import html_name, to_html
from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QUrl

from tests.headless import REPO


@pytest.fixture(autouse=True)
def user_cache(tmp_path, monkeypatch):
    """The user's cache folder, where a working copy's Help writes the guide: a fresh one, not this user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


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
        page = guide.GUIDES.get(algorithm.name(), guide.GUIDE_README)
        assert {page, html_name(page)} <= packaged


def test_images_of_the_guide_exist_have_alt_text_and_ship(tmp_path):
    """The guide's screenshots (scripts/screenshots.py) ship beside the pages that show them, which the Help opens."""
    import sys

    sys.path.insert(0, str(REPO / "scripts"))
    import package

    packaged = {name.removeprefix("imagette/") for name in zipfile.ZipFile(package.build(tmp_path)).namelist()}
    pages = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]  # docs/fr/ too
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


def unpacked_plugin(tmp_path) -> tuple[Path, set[str]]:
    """The zip `make package` builds, unpacked: the plugin folder and the names it holds."""
    import sys

    sys.path.insert(0, str(REPO / "scripts"))
    import package

    with zipfile.ZipFile(package.build(tmp_path / "dist")) as bundle:
        bundle.extractall(tmp_path / "plugins")
        names = {name.removeprefix("imagette/") for name in bundle.namelist()}
    return tmp_path / "plugins" / "imagette", names


def test_help_opens_an_html_page_of_the_installed_plugin(tmp_path, monkeypatch):
    """Installed from the zip, every Help button opens a shipped .html page (a browser opens it on any desktop; a .md
    file only where something handles Markdown)."""
    plugin, names = unpacked_plugin(tmp_path)
    monkeypatch.setattr(guide, "PLUGIN_DIR", plugin)
    provider = QgsApplication.processingRegistry().providerById("imagette")
    for algorithm in provider.algorithms():
        url = QUrl(algorithm.helpUrl() if algorithm.name() in guide.GUIDES else guide.guide_url(algorithm.name()))
        path = Path(url.toLocalFile())
        assert url.isLocalFile() and path.suffix == ".html" and path.is_file(), (algorithm.id(), url.toString())
        assert path.relative_to(plugin).as_posix() in names
        assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_help_of_a_working_copy_opens_html_written_from_its_markdown(user_cache):
    """A working copy linked into QGIS (this checkout) has no HTML pages: every Help button opens one written from its
    Markdown into the user's cache, whose links and images resolve there as in the zip."""
    assert not (guide.PLUGIN_DIR / "README.html").exists()
    provider = QgsApplication.processingRegistry().providerById("imagette")
    for algorithm in provider.algorithms():
        url = QUrl(algorithm.helpUrl() if algorithm.name() in guide.GUIDES else guide.guide_url(algorithm.name()))
        path = Path(url.toLocalFile())
        assert url.isLocalFile() and path.suffix == ".html" and path.is_file(), (algorithm.id(), url.toString())
        assert path.is_relative_to(user_cache) and path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    folder = guide.cache_folder()
    names = {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}
    assert {"README.html", "docs/training.html", "docs/fr/demarrage.html", "docs/images/samplepatches.png"} <= names
    assert broken_links(folder, names) == []


def test_a_working_copy_guide_follows_its_markdown(tmp_path, monkeypatch):
    """An edited page is written again at the next Help; the others are left as they are."""
    checkout = tmp_path / "checkout"
    (checkout / "docs").mkdir(parents=True)
    (checkout / "README.md").write_text("# Imagette\n\nSee [training](docs/training.md).\n", encoding="utf-8")
    training = checkout / "docs" / "training.md"
    training.write_text("# Training\n", encoding="utf-8")
    monkeypatch.setattr(guide, "PLUGIN_DIR", checkout)
    page = guide.guide_path("trainclassifier")
    readme = guide.guide_path("samplepatches")
    assert page == guide.cache_folder() / "docs" / "training.html" and "<h1" in page.read_text(encoding="utf-8")
    assert '<a href="docs/training.html">training</a>' in readme.read_text(encoding="utf-8")
    readme_written = readme.stat().st_mtime_ns
    training.write_text("# Training\n\n## Reading the report\n", encoding="utf-8")
    later = page.stat().st_mtime + 10  # a file system's clock may count whole seconds
    os.utime(training, (later, later))
    assert guide.guide_path("trainclassifier") == page
    assert '<h2 id="reading-the-report">' in page.read_text(encoding="utf-8")
    assert readme.stat().st_mtime_ns == readme_written


def broken_links(folder: Path, names: set[str]) -> list[str]:
    """The relative links and images of the HTML pages among names, under folder, that point at no file among names,
    or at no id there."""
    pages = sorted(name for name in names if name.endswith(".html"))
    ids = {page: set(re.findall(r' id="([^"]+)"', (folder / page).read_text(encoding="utf-8"))) for page in pages}
    broken = []
    for page in pages:
        text = (folder / page).read_text(encoding="utf-8")
        assert "```" not in text and "](" not in text and "**" not in text, page  # no Markdown left over
        for target in re.findall(r' (?:href|src)="([^"]+)"', text):
            if re.match(r"^[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            resolved = (Path(page).parent / path).as_posix() if path else page
            resolved = str(Path(resolved)).replace("\\", "/")
            while "/../" in f"/{resolved}":
                resolved = re.sub(r"[^/]+/\.\./", "", resolved, count=1)
            if resolved not in names or (anchor and anchor not in ids.get(resolved, set())):
                broken.append(f"{page}: {target}")
    return broken


def test_the_html_guide_links_and_images_resolve_inside_the_package(tmp_path):
    """Every relative link and image of the shipped HTML pages points at a shipped file, and at an id there."""
    plugin, names = unpacked_plugin(tmp_path)
    pages = {name for name in names if name.endswith(".html")}
    assert {"README.html", "docs/training.html", "docs/classification.html", "docs/accuracy.html"} <= pages
    assert broken_links(plugin, names) == []


def test_markdown_becomes_html():
    page = to_html(
        "# Title\n\nSome *text* with **bold**, `a < b` and [a guide](docs/training.md#speed).\n\n"
        "1. First\n   - nested `x`\n2. Second\n\n| a | b \\| c |\n|---|---|\n| 1 | p<sub>i</sub> |\n\n"
        "```sh\nrun --x <y>\n```\n\n![alt text](images/x.png)\n"
    )
    assert "<title>Title</title>" in page and '<h1 id="title">Title</h1>' in page
    assert "<em>text</em>" in page and "<strong>bold</strong>" in page and "<code>a &lt; b</code>" in page
    assert '<a href="docs/training.html#speed">a guide</a>' in page
    assert "<ol>\n<li>First\n<ul>\n<li>nested <code>x</code></li>\n</ul></li>\n<li>Second</li>\n</ol>" in page
    assert "<th>b | c</th>" in page and "<td>p<sub>i</sub></td>" in page
    assert '<pre><code class="language-sh">run --x &lt;y&gt;</code></pre>' in page
    assert '<img src="images/x.png" alt="alt text">' in page
