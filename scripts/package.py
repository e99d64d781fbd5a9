"""Builds the installable plugin zip: dist/imagette-<version>.zip with one imagette/ folder inside.

Only what QGIS runs goes in (metadata, code, icon, licence, README and the guides it links, shipped models, the
translations: the .qm Qt loads, built by `make package`, and the .ts the command line reads): no tests,
benchmarks, demo, scripts or development files. The guide's Markdown pages also go in as HTML pages beside them
(plugin/guide_html.py, which also writes them for a working copy's Help), which the Help buttons open: a browser
opens those on every desktop. Reads the working tree, so uncommitted files are packaged too; entries are sorted and
timestamped alike, so the same tree gives the same zip.

    python3 scripts/package.py [--output DIR]      # prints the zip's path
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "imagette"
# __main__.py and pyproject.toml: `pip install .` in the unpacked folder installs the `imagette` command.
INCLUDED = (
    "metadata.txt",
    "__init__.py",
    "__main__.py",
    "pyproject.toml",
    "icon.svg",
    "LICENSE",
    "README.md",
    "docs",
    "plugin",
    "algorithms",
    "models",
    "i18n",
)
SKIPPED_SUFFIXES = (".pyc", ".pyo")
TIMESTAMP = (2020, 1, 1, 0, 0, 0)


def plugin_files(root: Path = REPO) -> list[Path]:
    """Files of the plugin proper, relative to root; caches and hidden files left out."""
    files = []
    for name in INCLUDED:
        path = root / name
        candidates = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for candidate in candidates:
            relative = candidate.relative_to(root)
            hidden = any(part.startswith(".") or part == "__pycache__" for part in relative.parts)
            if not hidden and candidate.suffix not in SKIPPED_SUFFIXES:
                files.append(relative)
    return files


def guide_pages(files: list[Path]) -> dict[str, bytes]:
    """The HTML page of each Markdown page among files, by its path relative to the plugin folder."""
    sys.path.insert(0, str(REPO))
    from plugin.guide_html import html_name, to_html

    return {
        html_name(relative.as_posix()): to_html((REPO / relative).read_text(encoding="utf-8")).encode("utf-8")
        for relative in files
        if relative.suffix == ".md"
    }


def check_translations(root: Path = REPO) -> None:
    """Refuses to package a translation whose .qm is missing or older than its .ts: QGIS would show English."""
    for source in sorted((root / "i18n").glob("*.ts")):
        built = source.with_suffix(".qm")
        if not built.is_file() or built.stat().st_mtime < source.stat().st_mtime:
            sys.exit(f"{built.relative_to(root)} is missing or older than its .ts: build it with `make package`.")


def build(output: Path) -> Path:
    check_translations()
    sys.path.insert(0, str(REPO))
    from plugin.engine.versions import plugin_version

    output.mkdir(parents=True, exist_ok=True)
    archive = output / f"{PACKAGE}-{plugin_version()}.zip"
    files = plugin_files()
    contents = {relative.as_posix(): (REPO / relative).read_bytes() for relative in files}
    contents.update(guide_pages(files))
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name in sorted(contents):
            entry = zipfile.ZipInfo(f"{PACKAGE}/{name}", TIMESTAMP)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(entry, contents[name])
    return archive


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=Path, default=REPO / "dist", help="folder for the zip (default: dist/)")
    print(build(parser.parse_args().output))


if __name__ == "__main__":
    main()
