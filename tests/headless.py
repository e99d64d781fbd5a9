"""The plugin in a headless QGIS: a plugin folder, a throw-away profile and qgis_process.bin calls.

Shared by the tests that call qgis_process, the model generator and `make demo`. Debian's
/usr/bin/qgis_process wrapper passes an option QGIS 3.22 rejects, so qgis_process.bin is called.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sysconfig
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PLUGIN_DIR = REPO / ".build" / "plugins"


@contextmanager
def virtual_display(log: Path, seconds: float = 20) -> Iterator[str]:
    """A fresh Xvfb display (':N'), stopped on leaving; used by the desktop tests and scripts/screenshots.py.

    Raises RuntimeError, saying why, when Xvfb is missing or does not start within seconds. Its errors go
    to log: a file, not a pipe nobody reads (Xvfb would block once it is full).
    """
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise RuntimeError("Xvfb is not installed (Debian package xvfb; `make test` installs it)")
    read, write = os.pipe()
    with log.open("wb") as errors:
        server = subprocess.Popen(
            [xvfb, "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    os.close(write)
    try:
        # Xvfb writes the number, then a newline: read up to it, and keep the pipe open while it runs (a write
        # to a closed pipe is fatal to Xvfb).
        answer, deadline = b"", time.monotonic() + seconds
        while not answer.endswith(b"\n") and select.select([read], [], [], max(0, deadline - time.monotonic()))[0]:
            chunk = os.read(read, 64)
            if not chunk:
                break
            answer += chunk
        if not answer.endswith(b"\n"):
            raise RuntimeError(f"Xvfb did not start within {seconds} s: {log.read_text(errors='replace')[-500:]}")
        yield f":{answer.decode().strip()}"
    finally:
        server.terminate()
        server.wait(10)
        os.close(read)


def plugin_dir() -> Path:
    """A folder holding the repository as the plugin 'imagette' (a link), as QGIS_PLUGINPATH wants."""
    PLUGIN_DIR.mkdir(parents=True, exist_ok=True)
    link = PLUGIN_DIR / "imagette"
    if not link.exists():
        link.symlink_to(REPO, target_is_directory=True)
    return PLUGIN_DIR


class QgisProcess:
    """qgis_process.bin with Imagette enabled in a fresh profile under home; the user's profile is never touched.

    QGIS's Python also sees this Python's packages (torch lives in the project's venv).
    """

    def __init__(self, home: Path, plugins: Path | None = None) -> None:
        paths = [sysconfig.get_path("purelib"), os.environ.get("PYTHONPATH", "")]
        self.env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "HOME": str(home),
            "QGIS_PLUGINPATH": str(plugins or plugin_dir()),
            "PYTHONPATH": os.pathsep.join(path for path in paths if path),
        }
        self.call("plugins", "enable", "imagette")

    def call(self, *arguments: str) -> str:
        """Runs qgis_process.bin with arguments and returns its standard output; raises with its log if it fails."""
        process = subprocess.run(["qgis_process.bin", *arguments], env=self.env, capture_output=True, text=True)
        if process.returncode != 0:
            raise RuntimeError(
                f"qgis_process.bin {' '.join(arguments)} failed ({process.returncode}):\n"
                f"{process.stdout[-4000:]}\n{process.stderr[-4000:]}"
            )
        return process.stdout

    def run(self, algorithm: str, parameters: dict) -> dict:
        """Runs an algorithm id or a .model3 path and returns the whole JSON answer (results, log, inputs)."""
        arguments = [f"{name}={value}" for name, value in parameters.items()]
        return json.loads(self.call("--json", "run", str(algorithm), "--", *arguments))

    def algorithms(self) -> dict:
        """Algorithms of the imagette provider as qgis_process lists them, by id."""
        return json.loads(self.call("--json", "list"))["providers"]["imagette"]["algorithms"]


def import_blocker(folder: Path, *modules: str) -> Path:
    """A folder whose sitecustomize.py makes importing these modules fail as if they were not installed.

    Put it first on PYTHONPATH of a Python or qgis_process.bin: `import torch` then raises ModuleNotFoundError.
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(
        "import sys\n\n"
        f"BLOCKED = {sorted(modules)!r}\n\n\n"
        "class Blocker:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in BLOCKED:\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "        return None\n\n\n"
        "sys.meta_path.insert(0, Blocker())\n",
        encoding="utf-8",
    )
    return folder
