"""Is torch importable in this Python, and if not, exactly what to run to install it."""

from __future__ import annotations

import importlib.util
import os
import sys

TORCH_REQUIREMENT = "torch>=2.1"


def torch_available() -> bool:
    return importlib.util.find_spec("torch") is not None


def qgis_python() -> str:
    """The Python interpreter QGIS runs (sys.executable is the QGIS binary inside QGIS Desktop)."""
    if os.path.basename(sys.executable).lower().startswith("python"):
        return sys.executable
    if sys.platform == "win32":
        return os.path.join(sys.exec_prefix, "python.exe")
    return os.path.join(sys.exec_prefix, "bin", f"python{sys.version_info.major}.{sys.version_info.minor}")


def install_command() -> str:
    return f'"{qgis_python()}" -m pip install --user "{TORCH_REQUIREMENT}"'


def install_advice() -> str:
    """What to tell a person whose QGIS has no torch."""
    lines = [
        f"PyTorch is not installed in the Python that QGIS uses ({qgis_python()}).",
        f"Install it with:  {install_command()}",
        "For a CPU-only build (much smaller), add:  --index-url https://download.pytorch.org/whl/cpu",
    ]
    if sys.platform == "win32":
        lines.append("On Windows, run the command in the OSGeo4W Shell that came with QGIS.")
    elif sys.platform == "darwin":
        lines.append("On macOS, use the python3 inside QGIS.app (Contents/MacOS/bin/python3).")
    lines.append("Then restart QGIS.")
    return "\n".join(lines)
