"""imagette:checkenvironment with torch (this venv) and without it (QGIS's own Python through qgis_process)."""

from __future__ import annotations

import subprocess

import pytest
import torch
from imagette.plugin.engine.pretrained import TORCHVISION_FILES

from tests.conftest import run_algorithm
from tests.headless import QgisProcess


def test_reports_torch_devices_and_weights(tmp_path):
    results = run_algorithm("checkenvironment", {"OUTPUT_REPORT": str(tmp_path / "environment.html")})
    assert results["TORCH_VERSION"] == torch.__version__
    assert results["CUDA_AVAILABLE"] == torch.cuda.is_available()
    mps = torch.backends.mps.is_available()
    assert results["DEVICE"] == ("cuda" if torch.cuda.is_available() else "mps" if mps else "cpu")
    report = results["REPORT"]
    assert "GDAL (QGIS)" in report and "GDAL (rasterio)" in report and "numpy" in report
    assert str(torch.hub.get_dir()) in report
    assert all(name in report for name in TORCHVISION_FILES.values())
    html = (tmp_path / "environment.html").read_text(encoding="utf-8")
    assert "<h2>PyTorch</h2>" in html and torch.__version__ in html


def test_without_torch_it_runs_and_says_what_to_install(tmp_path):
    if subprocess.run(["/usr/bin/python3", "-c", "import torch"], capture_output=True).returncode == 0:
        pytest.skip("QGIS's own Python has torch here")
    qgis = QgisProcess(tmp_path / "home")
    qgis.env["PYTHONPATH"] = ""  # QGIS's own Python only: the venv's torch is out of reach
    results = qgis.run("imagette:checkenvironment", {})["results"]
    assert results["TORCH_VERSION"] == "" and results["CUDA_AVAILABLE"] is False and results["DEVICE"] == ""
    assert "torch: cannot be imported" in results["REPORT"]
    assert "-m pip install --user" in results["REPORT"] and '"torch>=' in results["REPORT"]
