"""What the failure tests of both layers share (tests/engine/test_engine_failures.py, the engine alone, and
tests/plugin/test_failures.py, through QGIS): folders that cannot be written or fill up, a small dataset, a noise
raster with a random model, and helpers that copy a dataset, train on it and wait for a process's files. Nothing
here imports qgis; tests/conftest.py registers it as a plugin, so that its fixtures serve both layers.

A full disk is a small tmpfs and a read-only folder a read-only tmpfs when the tests run as root (where
permissions do not stop writes); without root, read-only folders are made with chmod and the full-disk
tests are skipped.
"""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
import rasterio
from imagette.plugin.engine.classes import PALETTE, ClassEntry
from rasterio.transform import from_origin

from tests.scenes import CLASSES, write_raster
from tests.training_data import Recorder, small_dataset

SAMPLE_AGAIN = "edited after sampling.*Sample the patches again"


def mount(folder: Path, options: str) -> bool:
    """Mounts a tmpfs with options at folder; False where that cannot be done (not root, no mount)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True)
    return done.returncode == 0


@pytest.fixture
def read_only_folder(tmp_path):
    """An empty folder nobody may write to: chmod 555, or a read-only tmpfs for root."""
    folder = tmp_path / "read-only"
    if os.geteuid() != 0:
        folder.mkdir()
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
    elif mount(folder, "ro,size=1m"):
        yield folder
        subprocess.run(["umount", str(folder)], check=True)
    else:
        pytest.skip("runs as root and cannot mount a read-only file system")


@pytest.fixture
def full_disk(tmp_path):
    """A folder on a 64 KiB file system: room for the up-front checks, not for a model or a dataset."""
    folder = tmp_path / "full"
    if not mount(folder, "size=64k"):
        pytest.skip("needs root to mount a small tmpfs")
    yield folder
    gc.collect()  # a failed torch.save keeps its file open until its traceback is freed
    subprocess.run(["umount", "--lazy", str(folder)], check=True)


@pytest.fixture(scope="module")
def failures_dataset(tmp_path_factory) -> Path:
    """A small dataset of three classes, sampled once per test module, that the tests copy, damage or train on."""
    return small_dataset(tmp_path_factory.mktemp("failures"))


@pytest.fixture(scope="module")
def noise(tmp_path_factory):
    """A random model, a 512 x 512 px noise raster it classifies in seconds at stride 1, and a 64 x 64 px one."""
    from tests.model_files import write_random_model  # torch, only for the tests that ask for this fixture

    folder = tmp_path_factory.mktemp("noise")
    rng = np.random.default_rng(0)
    rasters = []
    for size in (512, 64):
        data = rng.normal(5000, 300, (4, size, size)).clip(1, 10000).astype("uint16")
        rasters.append(write_raster(folder / f"noise{size}.tif", data, "EPSG:32631", from_origin(5e5, 48e5, 0.5, 0.5)))
    classes = [ClassEntry(code, name, PALETTE[code]) for code, name, _ in CLASSES]
    model = write_random_model(folder / "model.pt", classes, rasterio.crs.CRS.from_epsg(32631).to_wkt())
    return rasters[0], rasters[1], model


def copy_dataset(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def train(dataset: Path, model: Path, **config):
    """One epoch on the CPU; the engine's TrainingResult."""
    from imagette.plugin.engine.training import TrainingConfig, train_classifier

    return train_classifier(TrainingConfig(str(dataset), str(model), epochs=1, device="cpu", **config), Recorder())


def wait_for(pattern: str, folder: Path, process: subprocess.Popen, seconds: float = 120) -> list[Path]:
    """Waits until files matching pattern appear in folder while process runs; fails if it ends first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = sorted(folder.glob(pattern))
        if found:
            return found
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    raise AssertionError(f"no {pattern} in {folder} after {seconds} s")
