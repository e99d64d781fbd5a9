"""Faults a person meets in the engine alone, where QGIS is absent (the command line's and the Dask workers'
case): a dataset edited after sampling, a model file that cannot be written, a class raster GDAL did not fully
write, the partial files of a killed process. Each ends in one clear message, with nothing half-written left and
nothing that worked lost. Real files, real torch, GDAL and file systems; the sections are numbered as in
tests/plugin/test_failures.py, which meets the same faults through the algorithms.
"""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest
import rasterio
from imagette.plugin.engine import dataset as ds
from imagette.plugin.engine import i18n, io, outputs
from imagette.plugin.engine.classes import PALETTE, _lab, palette_color
from imagette.plugin.engine.classes import hex_to_rgb as _hex_to_rgb
from imagette.plugin.engine.errors import ImagetteError
from imagette.plugin.engine.inference import CLASSIFICATION, InferenceConfig, classify_raster
from imagette.plugin.engine.modelfile import load_model
from imagette.plugin.engine.training import TrainingConfig, train_classifier
from rasterio.transform import from_origin
from rasterio.windows import Window

from tests.failures import SAMPLE_AGAIN, copy_dataset, train, wait_for
from tests.headless import PLUGIN_DIR
from tests.training_data import Recorder

# 2. Datasets edited after sampling ---------------------------------------------------------------------


def edit_metadata(folder: Path, edit) -> None:
    path = folder / ds.METADATA_FILE
    metadata = json.loads(path.read_text(encoding="utf-8"))
    edit(metadata)
    path.write_text(json.dumps(metadata), encoding="utf-8")


def _fewer(metadata):
    metadata["count"] -= 3


def _more_bands(metadata):
    metadata["bands"]["count"] += 1
    metadata["normalization"]["mean"].append(0.0)
    metadata["normalization"]["std"].append(1.0)


def _fewer_means(metadata):
    metadata["normalization"]["mean"].pop()


def _drop(*keys):
    def edit(metadata):
        target = metadata
        for key in keys[:-1]:
            target = target[key]
        del target[keys[-1]]

    return edit


@pytest.mark.parametrize(
    "edit, problem",
    [
        (_fewer, "patches.bin holds"),
        (_more_bands, "patches.bin holds"),
        (_fewer_means, "does not add up"),
        (_drop("normalization"), "lacks 'normalization'"),
        (_drop("bands", "dtype"), "lacks 'bands.dtype'"),
        (_drop("masks"), "lacks 'masks'"),
        (_drop("raster"), "lacks 'raster'"),
    ],
    ids=["count-smaller", "band-added", "means-short", "no-normalization", "no-dtype", "no-masks", "no-raster"],
)
def test_a_dataset_edited_after_sampling_is_refused_before_training(failures_dataset, tmp_path, edit, problem):
    edited = copy_dataset(failures_dataset, tmp_path / "dataset")
    edit_metadata(edited, edit)
    with pytest.raises(ImagetteError, match=SAMPLE_AGAIN) as caught:
        train(edited, tmp_path / "model.pt")
    assert problem in str(caught.value)
    assert not (tmp_path / "model.pt").exists()


# 3. Training into a folder that cannot be written ------------------------------------------------------


def test_training_into_a_read_only_folder_is_refused_before_any_epoch(failures_dataset, read_only_folder, tmp_path):
    progress = Recorder()
    with pytest.raises(ImagetteError, match="Cannot write the model file .*Choose a file in a folder where you can"):
        train_classifier(
            TrainingConfig(str(failures_dataset), str(read_only_folder / "model.pt"), epochs=1, device="cpu"), progress
        )
    assert not any(line.startswith("Dataset:") for line in progress.lines)  # refused before reading the dataset
    with pytest.raises(ImagetteError, match="Cannot write the report"):
        train(failures_dataset, tmp_path / "model.pt", output_report=str(read_only_folder / "report.html"))
    assert list(read_only_folder.iterdir()) == [] and not (tmp_path / "model.pt").exists()


def test_a_model_that_cannot_be_saved_after_training_is_kept_in_the_temp_folder(
    failures_dataset, full_disk, tmp_path, monkeypatch
):
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))  # where the system temp folder is, not a fake
    target = full_disk / "model.pt"
    with pytest.raises(ImagetteError, match="could not be written to .*saved to .* instead") as caught:
        train(failures_dataset, target)
    (rescued,) = system_temp.glob("imagette-model-*.pt")
    assert str(rescued) in str(caught.value)
    assert load_model(rescued).metadata["training"]["epochs_run"] == 1  # the whole trained model
    assert list(full_disk.iterdir()) == []  # no partial file on the full disk


# 7. Colours for many classes ---------------------------------------------------------------------------


def test_every_class_gets_its_own_readable_colour():
    colours = [palette_color(index) for index in range(60)]
    assert colours[: len(PALETTE)] == list(PALETTE)  # the first classes keep their colour-blind-safe colours
    assert len(set(colours)) == len(colours)
    lab = _lab(np.array([_hex_to_rgb(c) for c in colours], dtype=np.float64))
    distance = np.linalg.norm(lab[:, None] - lab[None], axis=2) + np.eye(len(colours)) * 1e9
    assert distance.min() > 15  # CIELAB ΔE: clearly different side by side (Okabe-Ito's closest pair: 18.6)
    added = lab[len(PALETTE) :, 0]
    assert added.min() >= 30 and added.max() <= 85  # neither black nor washed out
    assert len({palette_color(index) for index in range(300)}) == 300


# 9. Classification: a class raster not fully written, a killed process ----------------------------------


def test_a_full_disk_says_how_much_is_free_in_the_reader_s_units(tmp_path):
    """The free space of a full disk is written with its unit the reader's way: MB in English, Mo in French."""
    full = OSError(errno.ENOSPC, "No space left on device")
    english = str(outputs.write_failure(CLASSIFICATION, tmp_path / "map.tif", full))
    i18n.use_locale("fr_FR")
    try:
        french = str(outputs.write_failure(CLASSIFICATION, tmp_path / "map.tif", full))
    finally:
        i18n.set_translation(None)
    assert re.search(r"the disk is full \(only \d+(\.\d)? (bytes|KB|MB|GB) free\)\.", english), english
    assert re.search(r"le disque est plein \(seulement \d+(\.\d)?\u00a0(octets|Ko|Mo|Go) libres\)", french), french


def test_a_class_raster_missing_pixels_on_disk_is_not_taken_for_written(tmp_path):
    """What read-back catches when GDAL drops a block without an error: a tile that is not on disk reads as nodata."""
    path = tmp_path / "sparse.tif"
    profile = dict(driver="GTiff", width=64, height=64, count=1, dtype="uint8", tiled=True, blockxsize=32)
    profile |= dict(crs="EPSG:32631", transform=from_origin(5e5, 48e5, 0.5, 0.5))
    with rasterio.open(path, "w", **profile, blockysize=32, nodata=0, sparse_ok=True) as dataset:
        dataset.write(np.ones((32, 32), dtype=np.uint8), 1, window=Window(0, 0, 32, 32))  # 3 tiles never written
    outputs.check_class_raster(path, {1: 1024, 0: 3072}, CLASSIFICATION, tmp_path / "map.tif")  # what is there
    with pytest.raises(ImagetteError, match="does not hold the pixels written to it") as caught:
        outputs.check_class_raster(path, {1: 4096}, CLASSIFICATION, tmp_path / "map.tif")
    assert str(caught.value).startswith(f"Could not write the classification '{tmp_path / 'map.tif'}'")
    assert "Nothing was replaced" in str(caught.value)


ENGINE_RUN = """
import sys
from imagette.plugin.engine.inference import InferenceConfig, classify_raster
classify_raster(InferenceConfig(*sys.argv[1:4], confidence_path=sys.argv[4], device="cpu", stride=1))
"""


def test_partial_files_of_a_killed_process_are_removed_by_the_next_run(noise, tmp_path):
    """A process that gets no chance to clean up (a script killed by SIGTERM outside the command and the algorithms,
    which turn it into a clean stop) leaves its partial files; the next run writing the same output removes them."""
    raster, small, model = noise
    output, confidence = tmp_path / "map.tif", tmp_path / "confidence.tif"
    env = {**os.environ, "PYTHONPATH": str(PLUGIN_DIR)}
    arguments = [str(raster), str(model), str(output), str(confidence)]
    process = subprocess.Popen([sys.executable, "-c", ENGINE_RUN, *arguments], env=env, stderr=subprocess.PIPE)
    wait_for(".confidence.*.partial.tif", tmp_path, process)
    time.sleep(0.5)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=120)
    assert process.returncode == -signal.SIGTERM
    left = {path.name for path in tmp_path.glob(".*.partial*")}
    assert {name.split(".")[1] for name in left} == {"map", "confidence"}  # what a killed run leaves
    assert all(f".{process.pid}." in name for name in left)
    running = io.partial_path(output)  # a run of this (live) process writing the same map
    running.write_bytes(b"being written")
    elsewhere = output.with_name(f".map.another-machine.{process.pid}.{'0' * 16}.partial.tif")
    elsewhere.write_bytes(b"written by a process of another machine sharing the folder")
    classify_raster(InferenceConfig(str(small), str(model), str(output), str(confidence), device="cpu", stride=1))
    assert {path.name for path in tmp_path.glob(".*.partial*")} == {running.name, elsewhere.name}
    assert output.exists() and confidence.exists()
