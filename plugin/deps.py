"""Is torch importable in this Python, and if not, exactly what to run to install it.

Also the full environment check (versions, GPUs, where pretrained weights are looked for) that
'Check deep-learning environment' reports. Nothing heavy is imported at module level: the plugin
imports this at load, with or without torch.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import re
import shutil
import sys
import sysconfig
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from .engine.errors import ImagetteError
from .engine.i18n import tr
from .engine.progress import Progress
from .engine.versions import package_version, plugin_version

# The oldest torch the engine runs on: training builds torch.amp.GradScaler(device) (torch 2.3; before it only
# torch.cuda.amp.GradScaler existed). The rest is older: torch.load(weights_only=True) (1.13),
# torch.cuda.OutOfMemoryError (1.13), torch.autocast and torch.cuda.is_bf16_supported (1.10),
# torch.nn.utils.fusion.fuse_conv_bn_eval, torch.inference_mode (1.9). Python 3.13 needs torch 2.5 or newer,
# which pip picks by itself.
TORCH_REQUIREMENT = "torch>=2.3"
CUDA_INDEX_URL = "https://download.pytorch.org/whl/cu126"
QGIS_GDAL_LABEL = "GDAL (QGIS)"
GIB = 1024**3


def torch_available() -> bool:
    """Whether torch is installed in this Python, found without importing it (importing takes seconds)."""
    return installed("torch")


def import_problem(name: str) -> str | None:
    """Why `import name` fails here ("ModuleNotFoundError: ..."), or None when it imports."""
    try:
        importlib.import_module(name)
    except Exception as error:  # a broken install fails in many ways (missing DLL, ABI mismatch): report any
        return f"{type(error).__name__}: {error}"
    return None


def debian_like() -> bool:
    """A Debian or Ubuntu system, whose Python comes without pip and refuses ensurepip."""
    return sys.platform.startswith("linux") and Path("/etc/debian_version").exists()


def pip_available() -> bool:
    return installed("pip")


def get_pip_advice() -> str:
    """How to get pip into QGIS's Python when it has none (Debian does not pull python3-pip in with QGIS)."""
    if debian_like():
        command = "sudo apt install python3-pip"
    else:
        command = f'"{qgis_python()}" -m ensurepip --user'
    return tr("pip is not installed for this Python: first run  {command}").format(command=command)


def qgis_python() -> str:
    """The interpreter of the Python QGIS runs.

    Taken from sys.exec_prefix: inside QGIS sys.executable is the QGIS binary, or whatever 'python3'
    comes first on PATH (a pyenv shim, another Python), not the Python QGIS embeds.
    """
    if sys.platform == "win32":
        candidate = os.path.join(sys.exec_prefix, "python.exe")
    else:
        candidate = os.path.join(sys.exec_prefix, "bin", f"python{sys.version_info.major}.{sys.version_info.minor}")
    return candidate if os.path.exists(candidate) else sys.executable


def externally_managed() -> bool:
    """Whether pip refuses to install into this Python without a flag (PEP 668: Debian 12, Ubuntu 23.04+)."""
    marker = Path(sysconfig.get_path("stdlib")) / "EXTERNALLY-MANAGED"
    return sys.prefix == sys.base_prefix and marker.exists()


def pip_install() -> str:
    """The start of a pip command that installs into the user's site-packages of QGIS's Python."""
    # With --user, --break-system-packages lets pip write to the home folder only; system files stay untouched.
    flags = "--user --break-system-packages" if externally_managed() else "--user"
    return f'"{qgis_python()}" -m pip install {flags}'


def install_command() -> str:
    return f'{pip_install()} "{TORCH_REQUIREMENT}"'


def install_advice() -> str:
    """What to tell a person whose QGIS has no torch."""
    lines = [tr("PyTorch is not installed in the Python that QGIS uses ({python}).").format(python=qgis_python())]
    if not pip_available():
        lines.append(get_pip_advice())
    lines += [
        tr("Install PyTorch with:  {command}").format(command=install_command()),
        tr("For a CPU-only build (much smaller), add:  {option}").format(
            option="--index-url https://download.pytorch.org/whl/cpu"
        ),
    ]
    if sys.platform == "win32":
        lines.append(tr("On Windows, run the command in the OSGeo4W Shell that came with QGIS."))
    elif sys.platform == "darwin":
        lines.append(tr("On macOS, use the python3 inside QGIS.app (Contents/MacOS/bin/python3)."))
    lines.append(tr("Then restart QGIS."))
    return "\n".join(lines)


def rasterio_advice() -> str:
    """What to tell a person whose QGIS Python cannot import rasterio."""
    lines = [tr("rasterio is not installed in the Python that QGIS uses ({python}).").format(python=qgis_python())]
    if debian_like():
        # The Debian package shares QGIS's GDAL; a pip wheel brings a second GDAL into the process.
        lines.append(tr("Install Debian's package, which uses QGIS's own GDAL:  sudo apt install python3-rasterio"))
    elif sys.platform == "win32":
        lines.append(tr("Install python3-rasterio with the OSGeo4W installer that installed QGIS (Advanced install)."))
    else:
        if not pip_available():
            lines.append(get_pip_advice())
        lines.append(tr("Install it with:  {command}").format(command=f'{pip_install()} "rasterio"'))
    lines.append(tr("Then restart QGIS."))
    return "\n".join(lines)


def require_rasterio() -> None:
    """Raises an ImagetteError that says what to install when rasterio cannot be imported.

    Called by the algorithms that read rasters before they import the engine modules that need it.
    """
    problem = import_problem("rasterio")
    if problem is not None:
        raise ImagetteError(f"{rasterio_advice()}\n({problem})")


# ONNX export (imagette:exportmodel): torch's exporter needs the onnx package; onnxruntime runs the exported file.
ONNX_REQUIREMENTS = ("onnx", "onnxruntime")


def installed(name: str) -> bool:
    """Whether a package is installed in this Python, found without importing it."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a finder that refuses it, or a module left half-imported
        return False


def onnx_available() -> bool:
    """Whether the onnx package, which ONNX export needs, is installed in this Python."""
    return installed("onnx")


def onnxruntime_available() -> bool:
    """Whether ONNX Runtime, which classification with an exported (.onnx) model needs, is installed in this Python."""
    return installed("onnxruntime")


def _package_advice(missing: str, install: str) -> str:
    """What to tell a person whose QGIS Python lacks a package: what needs it (a template naming the {python}), then
    how to install it there."""
    lines = [missing.format(python=qgis_python())]
    if not pip_available():
        lines.append(get_pip_advice())
    lines += [install, tr("Then restart QGIS.")]
    return "\n".join(lines)


def onnx_advice() -> str:
    """What to tell a person whose QGIS Python has no onnx package, which ONNX export needs."""
    requirements = " ".join(f'"{name}"' for name in ONNX_REQUIREMENTS)
    return _package_advice(
        tr("Exporting to ONNX needs the onnx package, which is not installed in the Python that QGIS uses ({python})."),
        tr("Install it, with ONNX Runtime to run the exported models, with:  {command}").format(
            command=f"{pip_install()} {requirements}"
        ),
    )


def onnxruntime_advice() -> str:
    """What to tell a person whose QGIS Python has no ONNX Runtime, which classifying an .onnx model needs."""
    return _package_advice(
        tr(
            "Classifying with an ONNX model (.onnx) needs ONNX Runtime, which is not installed in the Python that QGIS "
            "uses ({python})."
        ),
        tr("Install it with:  {command}  (or classify the model file (.pt) with PyTorch)").format(
            command=f'{pip_install()} "onnxruntime"'
        ),
    )


def cuda_install_command() -> str:
    """Replaces a CPU-only torch by a CUDA build; the index's CUDA version must suit the NVIDIA driver."""
    return f'{pip_install()} --upgrade --force-reinstall "{TORCH_REQUIREMENT}" --index-url {CUDA_INDEX_URL}'


@dataclass
class Environment:
    """What the environment check found: sections of (label, value) rows, and what to do about problems."""

    sections: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)
    torch_version: str = ""  # empty when torch cannot be imported
    cuda_available: bool = False
    device: str = ""  # what DEVICE 'auto' resolves to (cuda, mps or cpu); empty without torch
    missing: list[str] = field(default_factory=list)  # modules that cannot be imported: torch, rasterio, numpy

    def text(self, with_advice: bool = True, indent: str = "  ") -> str:
        """The report as lines of text; indent starts each row (QGIS's log keeps only non-breaking spaces)."""
        lines = [tr("Imagette deep-learning environment")]
        for title, rows in self.sections:
            lines.append(f"{title}:")
            lines.extend(f"{indent}{label}: {value}" for label, value in rows)
        if with_advice:
            lines.append(tr("What to do:") if self.advice else tr("Everything Imagette needs is in place."))
            for item in self.advice:
                first, *rest = item.splitlines()
                lines.append(f"{indent}- {first}")
                lines.extend(f"{indent}  {line}" for line in rest)
        return "\n".join(lines)

    def summary(self) -> str:
        """One line: the torch version and device, and what is missing or needs fixing."""
        if self.torch_version:
            torch = tr("torch {version} on {device}").format(version=self.torch_version, device=self.device)
        else:
            torch = tr("no PyTorch")
        if self.missing:
            return tr("{torch}; cannot be imported: {modules} (the log and report say what to install).").format(
                torch=torch, modules=", ".join(self.missing)
            )
        if self.advice:
            return tr("{torch}; {count} thing(s) to fix (the log and report say how).").format(
                torch=torch, count=len(self.advice)
            )
        return tr("{torch}; everything Imagette needs is in place.").format(torch=torch)

    def html(self) -> str:
        title = escape(tr("Imagette deep-learning environment"))
        parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"]
        parts.append(f"<h1>{title}</h1>")
        for title, rows in self.sections:
            parts.append(f"<h2>{escape(title)}</h2><table>")
            parts.extend(
                f"<tr><th align='left'>{escape(label)}</th><td>{escape(value)}</td></tr>" for label, value in rows
            )
            parts.append("</table>")
        parts.append(f"<h2>{escape(tr('What to do'))}</h2>")
        if self.advice:
            parts.append("<ul>" + "".join(f"<li><pre>{escape(item)}</pre></li>" for item in self.advice) + "</ul>")
        else:
            parts.append(f"<p>{escape(tr('Everything Imagette needs is in place.'))}</p>")
        return "\n".join(parts + ["</body></html>"])


class _Collected(Progress):
    """Keeps the engine's log lines instead of printing them."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def info(self, message: str) -> None:
        self.lines.append(message)


def check_environment(host: dict[str, str]) -> Environment:
    """Versions, torch and its devices, pretrained-weight locations, and what to install or fix.

    Args:
        host: versions only the caller knows (QGIS's own, the GDAL QGIS runs), label -> value.
    """
    env = Environment()
    rows = [("Imagette", plugin_version()), *host.items(), ("Python", f"{platform.python_version()} ({qgis_python()})")]
    rows.append(("numpy", _module_version("numpy", env)))
    rows.append(("rasterio", _module_version("rasterio", env)))
    rasterio_gdal = None
    if "rasterio" not in env.missing:
        rasterio_gdal = str(sys.modules["rasterio"].__gdal_version__)
    rows.append(("GDAL (rasterio)", rasterio_gdal or "-"))
    env.sections.append((tr("Software"), rows))
    if "rasterio" in env.missing:
        env.advice.append(rasterio_advice())
    if "numpy" in env.missing:
        env.advice.append(
            tr(
                "numpy cannot be imported: QGIS's Python installation is broken; reinstall QGIS (Debian: python3-numpy)."
            )
        )
    qgis_gdal = host.get(QGIS_GDAL_LABEL)
    if qgis_gdal and rasterio_gdal and qgis_gdal != rasterio_gdal:
        env.advice.append(
            tr(
                "rasterio runs GDAL {rasterio} and QGIS GDAL {qgis}: two GDAL libraries in one process can crash QGIS. "
                "Use the rasterio that comes with QGIS (Debian/Ubuntu: python3-rasterio; OSGeo4W: python3-rasterio) "
                "and uninstall the pip one."
            ).format(rasterio=rasterio_gdal, qgis=qgis_gdal)
        )
    try:
        import torch
    except Exception as error:  # a broken install fails in many ways (missing DLL, ABI mismatch): report any
        env.missing.append("torch")
        problem = f"{type(error).__name__}: {error}"
        env.sections.append(("PyTorch", [("torch", tr("cannot be imported ({problem})").format(problem=problem))]))
        env.advice.append(install_advice())
        _describe_onnx(env)
        return env
    _describe_torch(torch, env)
    _describe_onnx(env)
    return env


def _describe_onnx(env: Environment) -> None:
    """The ONNX packages and ONNX Runtime's execution providers. Optional: what lacks is said, not advised."""
    rows = []
    for name, purpose in (
        ("onnx", tr("exporting models to ONNX")),
        ("onnxruntime", tr("running exported ONNX models")),
    ):
        problem = import_problem(name)
        if problem is not None:
            rows.append(
                (
                    name,
                    tr("cannot be imported, needed only for {purpose} ({problem}): {command}").format(
                        purpose=purpose, problem=problem, command=f'{pip_install()} "{name}"'
                    ),
                )
            )
            continue
        module = sys.modules[name]
        version = getattr(module, "__version__", None) or package_version(name) or tr("version unknown")
        rows.append((name, str(version)))
        if name == "onnxruntime":
            rows.append((tr("ONNX Runtime providers"), ", ".join(module.get_available_providers())))
    env.sections.append(("ONNX", rows))


def _module_version(name: str, env: Environment) -> str:
    """The module's version as plain text, or why it cannot be imported (then name goes to env.missing)."""
    problem = import_problem(name)
    if problem is not None:
        env.missing.append(name)
        return tr("cannot be imported ({problem})").format(problem=problem)
    return str(getattr(sys.modules[name], "__version__", None) or package_version(name) or tr("unknown"))


def _describe_torch(torch, env: Environment) -> None:
    from .engine.device import select_device

    # torch.__version__ is a TorchVersion, a str subclass that QGIS does not take as text: plain str.
    env.torch_version = str(torch.__version__)
    env.cuda_available = bool(torch.cuda.is_available())
    yes, no = tr("yes"), tr("no")
    rows = [
        ("torch", env.torch_version),
        (tr("Built for CUDA"), torch.version.cuda or tr("no (CPU-only build)")),
        (
            tr("CPU threads"),
            tr("{threads} (of {cores} logical cores)").format(threads=torch.get_num_threads(), cores=os.cpu_count()),
        ),
        (tr("CUDA available"), yes if env.cuda_available else no),
    ]
    for index in range(torch.cuda.device_count() if env.cuda_available else 0):
        properties = torch.cuda.get_device_properties(index)
        free, total = torch.cuda.mem_get_info(index)
        rows.append(
            (
                tr("CUDA device {index}").format(index=index),
                tr("{name}, {total} GiB ({free} GiB free), compute capability {capability}").format(
                    name=properties.name,
                    total=f"{total / GIB:.1f}",
                    free=f"{free / GIB:.1f}",
                    capability=f"{properties.major}.{properties.minor}",
                ),
            )
        )
    mps = getattr(torch.backends, "mps", None)
    rows.append(
        (tr("Apple MPS available"), tr("yes (memory shared with the CPU)") if mps and mps.is_available() else no)
    )
    choice = _Collected()
    env.device = select_device("auto", choice).type
    rows.append((tr("DEVICE 'auto' uses"), " ".join(choice.lines).removeprefix("Device: ")))
    env.sections.append(("PyTorch", rows))

    if _version_tuple(env.torch_version) < _version_tuple(TORCH_REQUIREMENT.split(">=")[1]):
        env.advice.append(
            tr("torch {version} is too old for Imagette; upgrade it:  {command}").format(
                version=env.torch_version, command=f"{install_command()} --upgrade"
            )
        )
    if not env.cuda_available and shutil.which("nvidia-smi"):
        if torch.version.cuda is None:
            env.advice.append(
                tr(
                    "An NVIDIA GPU is present but this torch is a CPU-only build. Install a CUDA build (pick the CUDA "
                    "version your driver supports, see https://pytorch.org/get-started/locally/):  {command}"
                ).format(command=cuda_install_command())
            )
        else:
            env.advice.append(
                tr(
                    "This torch is built for CUDA {cuda} but sees no GPU: update the NVIDIA driver (nvidia-smi shows "
                    "the CUDA version it supports) or install a torch built for an older CUDA."
                ).format(cuda=torch.version.cuda)
            )

    hub = Path(torch.hub.get_dir())
    weights = [(tr("torch hub cache"), tr("{folder} (TORCH_HOME moves it)").format(folder=hub))]
    if "rasterio" in env.missing:  # engine.pretrained writes files through engine.io, which imports rasterio
        env.sections.append((tr("Pretrained weights"), weights))
        return
    from .engine.pretrained import DOWNLOAD_URL, TORCHVISION_FILES, hub_checkpoint_path

    for architecture in TORCHVISION_FILES:
        path = hub_checkpoint_path(architecture)
        presence = tr("present") if path.is_file() else tr("absent")
        weights.append(
            (tr("{architecture} ImageNet weights").format(architecture=architecture), f"{path} ({presence})")
        )
    weights.append(
        (
            tr("Offline use"),
            tr(
                "absent files are downloaded on first use when online; otherwise copy them from {address}, names "
                "unchanged, to {folder}, or give a file as 'Pretrained weights file'"
            ).format(address=DOWNLOAD_URL, folder=hub / "checkpoints"),
        )
    )
    env.sections.append((tr("Pretrained weights"), weights))


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version)[:2])
