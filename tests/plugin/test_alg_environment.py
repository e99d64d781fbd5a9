"""imagette:checkenvironment with torch (this venv), and the plugin in qgis_process with torch or rasterio
made unimportable (an import blocker installed by sitecustomize, so `import torch` really fails)."""

from __future__ import annotations

import sys

import pytest
import torch
from imagette.plugin import deps
from imagette.plugin.engine.pretrained import TORCHVISION_FILES
from imagette.plugin.engine.training import TrainingConfig, train_classifier

from tests.headless import QgisProcess, import_blocker
from tests.plugin.conftest import run_algorithm
from tests.training_data import Recorder, small_dataset

ALGORITHMS = ("samplepatches", "trainclassifier", "classifyraster", "checkenvironment", "assessaccuracy")


def test_reports_torch_devices_and_weights(tmp_path):
    results = run_algorithm("checkenvironment", {"OUTPUT_REPORT": str(tmp_path / "environment.html")})
    assert type(results["TORCH_VERSION"]) is str and results["TORCH_VERSION"] == torch.__version__
    assert results["CUDA_AVAILABLE"] == torch.cuda.is_available()
    # What it says 'auto' uses is what training on 'auto' then runs on (and on a machine with CUDA, CUDA).
    trained = train_classifier(
        TrainingConfig(str(small_dataset(tmp_path)), str(tmp_path / "m.pt"), epochs=1, device="auto"),
        Recorder(),
    )
    device = trained.device.split(" ")[0]
    assert results["DEVICE"] == device and device in ("cuda", "mps", "cpu")
    if torch.cuda.is_available():
        assert device == "cuda"
    assert results["REPORT"].startswith(f"torch {torch.__version__} on {device};") and "\n" not in results["REPORT"]
    html = (tmp_path / "environment.html").read_text(encoding="utf-8")
    assert "GDAL (QGIS)" in html and "GDAL (rasterio)" in html and "numpy" in html
    assert str(torch.hub.get_dir()) in html
    assert all(name in html for name in TORCHVISION_FILES.values())
    assert "<h2>PyTorch</h2>" in html and torch.__version__ in html


def test_version_line_names_each_module_or_why_it_cannot_be_imported(monkeypatch):
    import numpy
    import rasterio
    from imagette.algorithms.base import version_line

    line = version_line(load_torch=True, load_rasterio=True)
    assert f" · torch {torch.__version__} · rasterio {rasterio.__version__} · numpy {numpy.__version__}" in line
    monkeypatch.setattr(deps, "import_problem", lambda name: "OSError: libtorch_cpu.so: cannot open shared object")
    monkeypatch.delitem(sys.modules, "torch")
    assert " · torch not importable (OSError: libtorch_cpu.so: cannot open shared object) · " in version_line(True)


def test_torch_floor_is_the_one_the_code_needs():
    # torch.amp.GradScaler(device), which training builds, appeared in torch 2.3.
    assert deps.TORCH_REQUIREMENT == "torch>=2.3"
    assert '"torch>=2.3"' in deps.install_command()


def qgis_without(home, *modules: str) -> QgisProcess:
    """qgis_process.bin whose Python cannot import these modules (ModuleNotFoundError, as when not installed)."""
    blocker = import_blocker(home / "blocker", *modules)
    qgis = QgisProcess(home)
    qgis.env["PYTHONPATH"] = f"{blocker}:{qgis.env['PYTHONPATH']}"
    return qgis


def log_text(answer: dict) -> str:
    """qgis_process --json gives the log as lists of lines by kind (info, warning...)."""
    log = answer["log"]
    return "\n".join(line for lines in log.values() for line in lines) if isinstance(log, dict) else str(log)


def test_qgis_process_prints_the_torch_version(tmp_path):
    qgis = QgisProcess(tmp_path / "home")
    qgis.env["CUDA_VISIBLE_DEVICES"] = ""  # no GPU visible (on a machine with one, this checks the fallback)
    output = qgis.call("run", "imagette:checkenvironment")
    assert f"TORCH_VERSION:\t{torch.__version__}" in output
    assert "DEVICE:\tcpu" in output and "CUDA_AVAILABLE:\tfalse" in output.replace("False", "false")
    assert "\u00a0\u00a0torch: " in output  # indented rows survive the HTML log


def test_without_torch_it_runs_and_says_what_to_install(tmp_path):
    qgis = qgis_without(tmp_path / "home", "torch")
    answer = qgis.run("imagette:checkenvironment", {})
    results = answer["results"]
    assert results["TORCH_VERSION"] == "" and results["CUDA_AVAILABLE"] is False and results["DEVICE"] == ""
    assert results["REPORT"] == "no PyTorch; cannot be imported: torch (the log and report say what to install)."
    log = log_text(answer)
    assert "torch: cannot be imported (ModuleNotFoundError" in log
    # The version line that starts every run names it too, with the reason.
    assert " · torch not importable (ModuleNotFoundError: No module named 'torch') · rasterio " in log
    assert "-m pip install --user" in log and '"torch>=2.3"' in log
    # The algorithms that need torch refuse with the same advice, before any work, and say it once.
    with pytest.raises(RuntimeError, match="PyTorch is not installed") as refused:
        qgis.run(
            "imagette:trainclassifier",
            {
                "DATASET": str(tmp_path),
                "OUTPUT_MODEL": str(tmp_path / "m.pt"),
                "OUTPUT_REPORT": str(tmp_path / "r.html"),
            },
        )
    assert str(refused.value).count("PyTorch is not installed") == 1


def test_without_rasterio_the_provider_loads_and_the_check_says_what_to_install(tmp_path, scene):
    qgis = qgis_without(tmp_path / "home", "rasterio")
    listed = qgis.algorithms()
    assert all(f"imagette:{name}" in listed for name in ALGORITHMS)
    answer = qgis.run("imagette:checkenvironment", {})
    assert "cannot be imported: rasterio" in answer["results"]["REPORT"]
    assert answer["results"]["TORCH_VERSION"] == torch.__version__  # torch itself is fine
    assert "rasterio: cannot be imported (ModuleNotFoundError" in log_text(answer)
    assert " · rasterio not importable (ModuleNotFoundError: No module named 'rasterio') · numpy " in log_text(answer)
    assert "sudo apt install python3-rasterio" in log_text(answer)
    with pytest.raises(RuntimeError, match="rasterio is not installed"):
        qgis.run(
            "imagette:samplepatches",
            {
                "INPUT_RASTER": str(scene.raster),
                "INPUT_VECTOR": str(scene.vector),
                "CLASS_FIELD": "classe",
                "OUTPUT_DATASET": str(tmp_path / "dataset"),
                "OUTPUT_FOOTPRINTS": "TEMPORARY_OUTPUT",
            },
        )


def test_missing_torch_is_logged_once_in_the_message_log(monkeypatch, scene, tmp_path):
    """The dialog and processing.run() check the parameters first: the advice reaches QGIS's log once, not twice
    (raised from processAlgorithm, QGIS logged it from runPrepared and again from the feedback)."""
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingException

    monkeypatch.setattr(deps, "torch_available", lambda: False)
    logged = []
    QgsApplication.messageLog().messageReceived.connect(lambda message, tag, level: logged.append(message))
    parameters = {
        "INPUT_RASTER": str(scene.raster),
        "MODEL": str(tmp_path / "m.pt"),
        "OUTPUT_CLASSIFICATION": str(tmp_path / "c.tif"),
    }
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("imagette:classifyraster")
    valid, message = algorithm.checkParameterValues(parameters, QgsProcessingContext())  # what the dialog asks
    assert not valid and message.startswith("PyTorch is not installed") and "Then restart QGIS." in message
    with pytest.raises(QgsProcessingException, match="PyTorch is not installed"):
        run_algorithm("classifyraster", parameters)
    QgsApplication.processEvents()
    assert sum("PyTorch is not installed" in message for message in logged) == 1
    assert not (tmp_path / "c.tif").exists()
