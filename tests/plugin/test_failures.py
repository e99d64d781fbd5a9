"""Faults a person meets (damaged files, unwritable or full folders, odd inputs) end in one clear message,
with nothing half-written left and nothing that worked lost. Real files, real torch, GDAL and file systems.

A full disk is a small tmpfs and a read-only folder a read-only tmpfs when the tests run as root (where
permissions do not stop writes); without root, read-only folders are made with chmod and the full-disk
tests are skipped.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
import rasterio
import torch
from imagette.algorithms.base import ImagetteAlgorithm
from imagette.plugin.engine import dataset as ds
from imagette.plugin.engine import io, outputs, training
from imagette.plugin.engine.classes import PALETTE, ClassEntry, _lab, palette_color
from imagette.plugin.engine.classes import hex_to_rgb as _hex_to_rgb
from imagette.plugin.engine.errors import ImagetteError
from imagette.plugin.engine.inference import CLASSIFICATION, InferenceConfig, classify_raster
from imagette.plugin.engine.modelfile import load_model
from imagette.plugin.engine.sampling import SamplingConfig, sample_patches
from imagette.plugin.engine.training import TrainingConfig, train_classifier
from osgeo import ogr
from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingException
from rasterio.transform import from_origin
from rasterio.windows import Window

from tests.headless import PLUGIN_DIR, QgisProcess
from tests.model_files import write_probe_model, write_random_model
from tests.plugin.conftest import RecordingFeedback, run_algorithm
from tests.scenes import CLASSES, engine_features, make_scene, write_polygons, write_raster
from tests.training_data import Recorder, sample_scene, small_dataset

SAMPLE_AGAIN = "edited after sampling.*Sample the patches again"


class ErrorFeedback(RecordingFeedback):
    """Also keeps the errors the log shows."""

    def __init__(self):
        super().__init__()
        self.errors: list[str] = []

    def reportError(self, error, fatalError=False):  # noqa: N802, N803
        self.errors.append(error)
        super().reportError(error, fatalError)


def _mount(folder: Path, options: str) -> bool:
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
    elif _mount(folder, "ro,size=1m"):
        yield folder
        subprocess.run(["umount", str(folder)], check=True)
    else:
        pytest.skip("runs as root and cannot mount a read-only file system")


@pytest.fixture
def full_disk(tmp_path):
    """A folder on a 64 KiB file system: room for the up-front checks, not for a model or a dataset."""
    folder = tmp_path / "full"
    if not _mount(folder, "size=64k"):
        pytest.skip("needs root to mount a small tmpfs")
    yield folder
    gc.collect()  # a failed torch.save keeps its file open until its traceback is freed
    subprocess.run(["umount", "--lazy", str(folder)], check=True)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    return small_dataset(tmp_path_factory.mktemp("failures"))


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    """A probe model and a raster it can classify."""
    folder = tmp_path_factory.mktemp("probe")
    scene = make_scene(folder, cells=2, cell=48, bands=2, classes=CLASSES[:3], nodata_block=False)
    classes = [ClassEntry(code, name, PALETTE[code]) for code, name, _ in CLASSES[:3]]
    with rasterio.open(scene.raster) as src:
        wkt = src.crs.to_wkt()
    return scene.raster, write_probe_model(folder / "probe.pt", classes, wkt)


def copy_dataset(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def edit_metadata(folder: Path, edit) -> None:
    path = folder / ds.METADATA_FILE
    metadata = json.loads(path.read_text(encoding="utf-8"))
    edit(metadata)
    path.write_text(json.dumps(metadata), encoding="utf-8")


def train(dataset: Path, model: Path, **config) -> training.TrainingResult:
    return train_classifier(TrainingConfig(str(dataset), str(model), epochs=1, device="cpu", **config), Recorder())


# 1. Model files -----------------------------------------------------------------------------------------


def _text_renamed(path: Path, source: Path) -> None:
    path.write_text("see notes.txt\n", encoding="utf-8")  # the reader fails with IndexError on this one


def _hello(path: Path, source: Path) -> None:
    path.write_text("hello world\n", encoding="utf-8")  # and with KeyError on this one


def _truncated(path: Path, source: Path) -> None:
    path.write_bytes(source.read_bytes()[:300])


def _without(key: str):
    def damage(path: Path, source: Path) -> None:
        payload = torch.load(source, weights_only=True)
        del payload["metadata"][key]
        torch.save(payload, path)

    return damage


def _classes_malformed(path: Path, source: Path) -> None:
    payload = torch.load(source, weights_only=True)
    payload["metadata"]["classes"] = [{"code": 1}]
    torch.save(payload, path)


def _weights_of_another_network(path: Path, source: Path) -> None:
    payload = torch.load(source, weights_only=True)
    metadata = payload["metadata"]
    metadata["bands"]["count"] = 5
    metadata["normalization"] = {"mean": [0.0] * 5, "std": [1.0] * 5}
    torch.save(payload, path)


def _plain_state_dict(path: Path, source: Path) -> None:
    torch.save(torch.load(source, weights_only=True)["state_dict"], path)


@pytest.mark.parametrize(
    "damage, reason",
    [
        (_text_renamed, "IndexError"),
        (_hello, "KeyError"),
        (_truncated, "damaged"),
        (_without("normalization"), "lacks 'normalization'"),
        (_without("classes"), "lacks 'classes'"),
        (_classes_malformed, "malformed"),
        (_weights_of_another_network, "weights do not match"),
        (_plain_state_dict, "not written by Imagette"),
    ],
    ids=[
        "text-renamed",
        "hello",
        "truncated",
        "no-normalization",
        "no-classes",
        "bad-classes",
        "wrong-bands",
        "state-dict",
    ],
)
def test_anything_but_a_valid_model_file_is_refused_by_one_message(probe, tmp_path, damage, reason):
    raster, good = probe
    bad = tmp_path / "model.pt"
    damage(bad, good)
    with pytest.raises(ImagetteError, match="is not a valid Imagette model file") as caught:
        load_model(bad)
    assert reason in str(caught.value)
    output = tmp_path / "map.tif"
    with pytest.raises(QgsProcessingException, match=f"'{bad}' is not a valid Imagette model file"):
        run_algorithm(
            "classifyraster", {"INPUT_RASTER": str(raster), "MODEL": str(bad), "OUTPUT_CLASSIFICATION": str(output)}
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.pt"]  # nothing written, not even a partial


# 2. Datasets edited or damaged after sampling ----------------------------------------------------------


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
def test_a_dataset_edited_after_sampling_is_refused_before_training(dataset, tmp_path, edit, problem):
    edited = copy_dataset(dataset, tmp_path / "dataset")
    edit_metadata(edited, edit)
    with pytest.raises(ImagetteError, match=SAMPLE_AGAIN) as caught:
        train(edited, tmp_path / "model.pt")
    assert problem in str(caught.value)
    assert not (tmp_path / "model.pt").exists()


@pytest.mark.parametrize("name, rows", [("labels.npy", 2), ("centres.npy", 5), ("masks.bin", None)])
def test_a_damaged_dataset_file_is_refused_through_the_algorithm(dataset, tmp_path, name, rows):
    damaged = copy_dataset(dataset, tmp_path / "dataset")
    path = damaged / name
    if rows is None:
        path.write_bytes(path.read_bytes()[:-64])  # a truncated copy
    else:
        np.save(path, np.load(path)[:rows])
    model = tmp_path / "model.pt"
    with pytest.raises(QgsProcessingException, match=SAMPLE_AGAIN) as caught:
        run_algorithm(
            "trainclassifier",
            {
                "DATASET": str(damaged),
                "EPOCHS": 1,
                "DEVICE": 1,
                "OUTPUT_MODEL": str(model),
                "OUTPUT_REPORT": str(tmp_path / "report.html"),
            },
        )
    assert name in str(caught.value)
    assert not model.exists()


# 3. Training into a folder that cannot be written ------------------------------------------------------


def test_training_into_a_read_only_folder_is_refused_before_any_epoch(dataset, read_only_folder, tmp_path):
    progress = Recorder()
    with pytest.raises(ImagetteError, match="Cannot write the model file .*Choose a file in a folder where you can"):
        train_classifier(
            TrainingConfig(str(dataset), str(read_only_folder / "model.pt"), epochs=1, device="cpu"), progress
        )
    assert not any(line.startswith("Dataset:") for line in progress.lines)  # refused before reading the dataset
    with pytest.raises(ImagetteError, match="Cannot write the report"):
        train(dataset, tmp_path / "model.pt", output_report=str(read_only_folder / "report.html"))
    assert list(read_only_folder.iterdir()) == [] and not (tmp_path / "model.pt").exists()


def test_a_model_path_that_is_a_folder_or_under_a_file_is_refused(dataset, tmp_path):
    with pytest.raises(ImagetteError, match="Cannot write the model file .*it is a folder"):
        train(dataset, tmp_path)
    blocker = tmp_path / "a file"
    blocker.write_text("keep me", encoding="utf-8")
    with pytest.raises(QgsProcessingException, match="Cannot write the model file"):
        run_algorithm(
            "trainclassifier",
            {
                "DATASET": str(dataset),
                "EPOCHS": 1,
                "DEVICE": 1,
                "OUTPUT_MODEL": str(blocker / "model.pt"),
                "OUTPUT_REPORT": str(tmp_path / "report.html"),
            },
        )
    assert blocker.read_text(encoding="utf-8") == "keep me"


def test_a_model_that_cannot_be_saved_after_training_is_kept_in_the_temp_folder(
    dataset, full_disk, tmp_path, monkeypatch
):
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))  # where the system temp folder is, not a fake
    target = full_disk / "model.pt"
    with pytest.raises(ImagetteError, match="could not be written to .*saved to .* instead") as caught:
        train(dataset, target)
    (rescued,) = system_temp.glob("imagette-model-*.pt")
    assert str(rescued) in str(caught.value)
    assert load_model(rescued).metadata["training"]["epochs_run"] == 1  # the whole trained model
    assert list(full_disk.iterdir()) == []  # no partial file on the full disk


# 4 and 3. Sampling: folders that cannot be written, failed runs leave nothing ----------------------------


@pytest.fixture(scope="module")
def small_scene(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small-scene")
    scene = make_scene(folder, cells=4, cell=32, classes=CLASSES[:3], seed=3)
    scene.vector = write_polygons(scene, folder / "labels.gpkg")
    return scene


def sample(scene, output, vector=None, feedback=None, **extra):
    parameters = {
        "INPUT_RASTER": str(scene.raster),
        "INPUT_VECTOR": str(vector or scene.vector),
        "CLASS_FIELD": "classe",
        "PATCH_SIZE": 8,
        "OUTPUT_DATASET": str(output),
        "OUTPUT_FOOTPRINTS": "TEMPORARY_OUTPUT",
        **extra,
    }
    return run_algorithm("samplepatches", parameters, feedback=feedback)


def test_sampling_into_a_read_only_folder_or_onto_a_file_is_refused(small_scene, read_only_folder, tmp_path):
    with pytest.raises(QgsProcessingException, match="Cannot write the dataset folder .*Choose a folder where"):
        sample(small_scene, read_only_folder / "dataset")
    assert list(read_only_folder.iterdir()) == []
    existing = tmp_path / "dataset"
    existing.write_text("a file, not a folder", encoding="utf-8")
    with pytest.raises(QgsProcessingException, match="Cannot write the dataset folder .*it is a file, not a folder"):
        sample(small_scene, existing)
    assert existing.read_text(encoding="utf-8") == "a file, not a folder"


def test_sampling_onto_a_full_disk_is_refused_and_leaves_nothing(small_scene, full_disk):
    output = full_disk / "new" / "dataset"
    with pytest.raises(QgsProcessingException, match="Cannot write the dataset in .*No space left.*Free some disk"):
        sample(small_scene, output)
    assert list(full_disk.iterdir()) == []


def test_failed_or_canceled_sampling_leaves_no_folder_it_created(small_scene, tmp_path):
    output = tmp_path / "new" / "dataset"
    far = make_scene(tmp_path, origin=(900000.0, 4000000.0), name="far.tif", cells=2, cell=32)
    with pytest.raises(QgsProcessingException, match="does not overlap"):
        sample(far, output, vector=small_scene.vector)
    assert not (tmp_path / "new").exists()
    features, table = _features(small_scene)
    config = SamplingConfig(str(small_scene.raster), features, table, str(output), patch_size=8)
    with pytest.raises(ImagetteError, match="Canceled"):
        sample_patches(config, Recorder(cancel_above=50))
    assert not (tmp_path / "new").exists()
    sample_patches(config)  # a folder that existed before is kept, and with it an earlier dataset
    before = (output / ds.METADATA_FILE).read_bytes()
    with pytest.raises(ImagetteError, match="Canceled"):
        sample_patches(config, Recorder(cancel_above=50))
    assert (output / ds.METADATA_FILE).read_bytes() == before and ds.open_dataset(output).patches.size


def _features(scene):
    return engine_features(scene), [ClassEntry(code, name, PALETTE[code]) for code, name, _ in CLASSES[:3]]


# 5. Patch sizes ------------------------------------------------------------------------------------------


def test_patch_sizes_no_network_can_use_are_refused(small_scene, tmp_path):
    features, table = _features(small_scene)
    for size in (2, 7):
        with pytest.raises(ImagetteError, match=f"at least 8 pixels \\(got {size}\\).*Choose a patch size of 8"):
            sample_patches(
                SamplingConfig(str(small_scene.raster), features, table, str(tmp_path / "d"), patch_size=size)
            )
    assert not (tmp_path / "d").exists()
    algorithm = QgsApplication.processingRegistry().algorithmById("imagette:samplepatches")
    parameter = algorithm.parameterDefinition("PATCH_SIZE")
    assert (parameter.minimum(), parameter.maximum()) == (8, 1024)
    assert "from 8" in parameter.help() and "to 1024" in parameter.help()
    for size in (1, 7, 2048):
        with pytest.raises(QgsProcessingException):
            sample(small_scene, tmp_path / "d", PATCH_SIZE=size)
    sample_scene(small_scene, tmp_path / "eight", CLASSES[:3], patch_size=8)
    assert ds.open_dataset(tmp_path / "eight").patch_size == 8


# 6. A vector layer without a CRS -------------------------------------------------------------------------


def write_without_crs(scene, path: Path) -> Path:
    """The scene's polygons with no CRS, as GDAL writes them when none is given: a shapefile without .prj, or a
    GeoPackage whose layer has the undefined SRS (srs_id 0)."""
    driver = ogr.GetDriverByName("GPKG" if path.suffix == ".gpkg" else "ESRI Shapefile")
    source = driver.CreateDataSource(str(path))
    layer = source.CreateLayer("labels", None, ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn("classe", ogr.OFTString))
    for _code, name, ring in scene.polygons:
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetField("classe", name)
        wkt = "POLYGON((" + ", ".join(f"{x} {y}" for x, y in ring) + "))"
        feature.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
        layer.CreateFeature(feature)
    source = None  # closes and writes the file
    assert not path.with_suffix(".prj").exists()
    return path


@pytest.mark.parametrize("name", ["labels.shp", "labels.gpkg"])
def test_a_vector_without_crs_is_said_to_be_taken_in_the_raster_crs(small_scene, tmp_path, name):
    vector = write_without_crs(small_scene, tmp_path / name)
    feedback = RecordingFeedback()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no numpy cast of coordinates that failed to transform
        result = sample(small_scene, tmp_path / "dataset", vector=vector, feedback=feedback)
    (warning,) = [w for w in feedback.warnings if "no coordinate reference system" in w]
    assert "taken to be in the raster's CRS (EPSG:32631)" in warning and "Assign Projection" in warning
    assert result["TOTAL_PATCHES"] > 0  # here the assumption was right
    far = make_scene(tmp_path, origin=(900000.0, 4000000.0), name="far.tif", cells=2, cell=32)
    feedback = RecordingFeedback()
    with pytest.raises(QgsProcessingException, match="does not overlap"):
        sample(far, tmp_path / "far", vector=vector, feedback=feedback)
    assert any("vector layer has no coordinate reference system" in w for w in feedback.warnings)
    assert not (tmp_path / "far").exists()


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


# 8. Errors that are not the engine's ------------------------------------------------------------------


class ReadsAMissingFile(ImagetteAlgorithm):
    """An algorithm whose work fails the way a bug or a machine fault does: an OSError from the file system."""

    NAME, DISPLAY_NAME = "readsamissingfile", "Reads a missing file"

    def initAlgorithm(self, config=None):  # noqa: N802
        pass

    def execute(self, parameters, context, feedback, progress):
        return json.loads(Path("/nonexistent/imagette/settings.json").read_text())


class Divides(ReadsAMissingFile):
    NAME, DISPLAY_NAME = "divides", "Divides"

    def execute(self, parameters, context, feedback, progress):
        return {"RATIO": len(parameters) / 0}


@pytest.mark.parametrize(
    "algorithm, sentence",
    [
        (ReadsAMissingFile, "'Reads a missing file' could not read or write a file (FileNotFoundError: "),
        (Divides, "'Divides' stopped on an unexpected error (ZeroDivisionError: division by zero). Check the inputs"),
    ],
)
def test_an_unexpected_error_is_one_sentence_with_the_traceback_in_the_log(algorithm, sentence):
    feedback = ErrorFeedback()
    with pytest.raises(QgsProcessingException) as caught:
        algorithm().processAlgorithm({}, QgsProcessingContext(), feedback)
    message = str(caught.value)
    assert message.startswith(sentence) and "Traceback" not in message and "\n" not in message
    (details,) = feedback.errors
    assert details.startswith("Details for a bug report:\nTraceback (most recent call last)")
    assert "in execute" in details


# 9. Classification: a full disk, a killed process -------------------------------------------------------


@pytest.fixture(scope="module")
def noise(tmp_path_factory):
    """A random model, a 512 x 512 px noise raster it classifies in seconds at stride 1, and a 64 x 64 px one."""
    folder = tmp_path_factory.mktemp("noise")
    rng = np.random.default_rng(0)
    rasters = []
    for size in (512, 64):
        data = rng.normal(5000, 300, (4, size, size)).clip(1, 10000).astype("uint16")
        rasters.append(write_raster(folder / f"noise{size}.tif", data, "EPSG:32631", from_origin(5e5, 48e5, 0.5, 0.5)))
    classes = [ClassEntry(code, name, PALETTE[code]) for code, name, _ in CLASSES]
    model = write_random_model(folder / "model.pt", classes, rasterio.crs.CRS.from_epsg(32631).to_wkt())
    return rasters[0], rasters[1], model


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


@pytest.fixture
def small_disk(tmp_path):
    """A folder on a 1 MiB file system, with a helper that fills it up to `free` bytes left."""
    folder = tmp_path / "disk"
    if not _mount(folder, "size=1m"):
        pytest.skip("needs root to mount a small tmpfs")

    def fill(free: int) -> None:
        ballast = folder / "ballast"
        ballast.write_bytes(b"")
        ballast.write_bytes(b"\0" * (shutil.disk_usage(folder).free - free))

    yield folder, fill
    subprocess.run(["umount", "--lazy", str(folder)], check=True)


@pytest.mark.parametrize(
    "free, failed",
    [(0, "classification"), (4096, "classification"), (8192, "classification"), (65536, "confidence raster")],
    ids=["no-byte", "4-KiB", "8-KiB", "64-KiB"],
)
def test_a_full_disk_while_classifying_keeps_the_earlier_map_its_aux_xml_and_qml(noise, small_disk, free, failed):
    """Each room left fails at another point: creating the file, GDAL's last blocks (only the read-back sees
    them), the .aux.xml, the confidence raster once the map fits."""
    raster, small, model = noise
    folder, fill = small_disk
    output, confidence = folder / "map.tif", folder / "map_confidence.tif"
    parameters = {"INPUT_RASTER": str(small), "MODEL": str(model), "DEVICE": 1, "STRIDE": 1}
    parameters |= {"OUTPUT_CLASSIFICATION": str(output), "OUTPUT_CONFIDENCE": str(confidence)}
    run_algorithm("classifyraster", parameters)  # the earlier, good map
    earlier = snapshot(folder)
    assert {"map.tif", "map.tif.aux.xml", "map.qml", "map_confidence.tif", "map_confidence.qml"} <= set(earlier)
    fill(free)
    with pytest.raises(QgsProcessingException) as caught:
        run_algorithm("classifyraster", parameters | {"INPUT_RASTER": str(raster)})  # a larger map: it cannot fit
    message = str(caught.value)
    name = confidence if failed == "confidence raster" else output
    assert message.startswith(f"Could not write the {failed} '{name}': the disk is full (only ")
    assert "Nothing was replaced" in message and "Free some space on that disk" in message
    after = snapshot(folder)
    del after["ballast"]
    assert after == earlier  # the same files, byte for byte; no .partial file left
    with rasterio.open(output) as dataset:
        dataset.read()  # and the earlier map still reads


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


def test_sigterm_stops_the_command_without_leaving_a_partial_file(noise, tmp_path):
    raster, _, model = noise
    output = tmp_path / "map.tif"
    for name in ("map.tif", "map.tif.aux.xml", "map.qml"):
        (tmp_path / name).write_text(f"earlier {name}", encoding="utf-8")
    earlier = snapshot(tmp_path)
    command = ["classify", str(raster), str(model), str(output), "--stride", "1", "--device", "cpu"]
    command += ["--confidence", str(tmp_path / "confidence.tif")]
    env = {**os.environ, "PYTHONPATH": str(PLUGIN_DIR)}
    process = subprocess.Popen([sys.executable, "-m", "imagette", *command], env=env, stderr=subprocess.PIPE, text=True)
    wait_for(".map.*.partial.tif", tmp_path, process)
    time.sleep(0.5)  # into the tiles
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert "imagette: stopped by SIGTERM; no output was replaced." in stderr and "Traceback" not in stderr
    assert snapshot(tmp_path) == earlier  # no partial file, and the earlier files as they were


def test_sigterm_to_qgis_process_classifying_leaves_no_partial_file(noise, tmp_path):
    """qgis_process runs an algorithm on its main thread, where Python gets the signal: the algorithm's clean-up runs
    before the process ends as SIGTERM ends it (a batch job's time limit, a closed terminal)."""
    raster, _, model = noise
    folder = tmp_path / "outputs"
    folder.mkdir()
    for name in ("map.tif", "map.tif.aux.xml", "map.qml"):
        (folder / name).write_text(f"earlier {name}", encoding="utf-8")
    earlier = snapshot(folder)
    parameters = {"INPUT_RASTER": raster, "MODEL": model, "DEVICE": 1, "STRIDE": 1}
    parameters |= {"OUTPUT_CLASSIFICATION": folder / "map.tif", "OUTPUT_CONFIDENCE": folder / "confidence.tif"}
    arguments = [f"{name}={value}" for name, value in parameters.items()]
    qgis = QgisProcess(tmp_path / "home")
    process = subprocess.Popen(
        ["qgis_process.bin", "run", "imagette:classifyraster", "--", *arguments],
        env=qgis.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    wait_for(".map.*.partial.tif", folder, process)
    time.sleep(0.5)  # into the tiles
    process.send_signal(signal.SIGTERM)
    log, _ = process.communicate(timeout=120)
    assert process.returncode == -signal.SIGTERM, log  # ended as SIGTERM ends it, for whoever waits on it
    assert snapshot(folder) == earlier  # no partial file, and the earlier files as they were
    assert "Stopped by SIGTERM: no output was replaced, and no temporary file is left." in log


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
