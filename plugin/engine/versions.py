"""Versions of the software a run used, recorded in every dataset, model and log."""

from __future__ import annotations

import platform
from importlib import metadata
from pathlib import Path

PLUGIN_ROOT = Path(__file__).resolve().parents[2]


def plugin_version() -> str:
    """The version in metadata.txt, the one place it is written."""
    try:
        for line in (PLUGIN_ROOT / "metadata.txt").read_text(encoding="utf-8").splitlines():
            if line.startswith("version="):
                return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def package_version(name: str) -> str | None:
    """Installed version of a package, found without importing it."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def software_versions() -> dict[str, str | None]:
    import numpy
    import rasterio

    return {
        "imagette": plugin_version(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "rasterio": rasterio.__version__,
        "gdal": rasterio.__gdal_version__,
        "torch": package_version("torch"),
    }
