"""The `imagette` command on real files: help, errors, one-process and Dask runs against imagette:classifyraster.

The command runs in a fresh interpreter as `python -m imagette`, with qgis, PyQt5 and processing made
unimportable, so it is checked to need no QGIS. Dask runs use real local clusters of two single-threaded
worker processes: one started by the command (--workers 2), one started here and reached by address
(--scheduler), shared by the retry and resume tests to keep them fast. Maps are compared at stride 1
(385 x 385 output pixels, 256 px tiles): 4 blocks of one tile each.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
import rasterio
import tomllib
from imagette.plugin.engine.blocks import parts_folder
from imagette.plugin.engine.classes import ClassEntry
from imagette.plugin.engine.versions import plugin_version
from qgis.core import QgsPalettedRasterRenderer, QgsRasterLayer, QgsSingleBandPseudoColorRenderer

from tests.headless import PLUGIN_DIR, REPO
from tests.model_files import write_random_model
from tests.plugin.conftest import run_algorithm
from tests.scenes import CLASS_COLORS, CLASSES
from tests.worker_faults import FAIL_ALWAYS, FAIL_ONCE, LOSE_WORKER_ONCE, WORKER_FAULTS, preload_env

distributed = pytest.importorskip("distributed", reason="Dask runs need dask[distributed] (make test installs it)")

SCENE_CLASSES = [ClassEntry(code, name, CLASS_COLORS[code]) for code, name, _ in CLASSES]
BLOCK = 256  # output pixels: 4 blocks over the 385 x 385 px map
# `python -m imagette` with QGIS made unimportable (any import of these modules fails).
NO_QGIS = (
    "import runpy, sys\n"
    "for blocked in ('qgis', 'PyQt5', 'processing') + tuple(sys.argv[1].split(',')):\n"
    "    sys.modules[blocked] = None\n"
    "del sys.argv[1]\n"
    "runpy.run_module('imagette', run_name='__main__', alter_sys=True)\n"
)


def imagette(*args: str, block: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Runs the command in a fresh interpreter; block: more modules to make unimportable (comma-separated) in it;
    env: more environment variables (for the command and the worker processes of the Dask cluster it starts)."""
    env = {**os.environ, "PYTHONPATH": str(PLUGIN_DIR), **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", NO_QGIS, block, *args], capture_output=True, text=True, env=env, timeout=300
    )


def read(path) -> np.ndarray:
    with rasterio.open(path) as dataset:
        return dataset.read(1)


@pytest.fixture(scope="module")
def model(scene, tmp_path_factory):
    crs = rasterio.crs.CRS.from_string(scene.crs).to_wkt()
    return write_random_model(tmp_path_factory.mktemp("model") / "modèle.pt", SCENE_CLASSES, crs)


@pytest.fixture(scope="module")
def reference(scene, model, tmp_path_factory):
    """The map and confidence imagette:classifyraster gives at stride 1, through processing.run."""
    folder = tmp_path_factory.mktemp("qgis")
    run_algorithm(
        "classifyraster",
        {
            "INPUT_RASTER": str(scene.raster),
            "MODEL": str(model),
            "STRIDE": 1,
            "OUTPUT_CLASSIFICATION": str(folder / "qgis.tif"),
            "OUTPUT_CONFIDENCE": str(folder / "qgis_confidence.tif"),
        },
    )
    classes = read(folder / "qgis.tif")
    assert classes.shape == (385, 385) and len(np.unique(classes)) >= 3  # nodata and at least two classes
    return classes, read(folder / "qgis_confidence.tif")


@pytest.fixture(scope="module")
def cluster():
    """A local cluster of 2 single-threaded worker processes, reached by the command through --scheduler; its workers
    fail where the tests ask them to (tests/worker_faults.py)."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, preload=[WORKER_FAULTS]
    ) as local:
        yield local.scheduler_address


def assert_same_map(classes_path, confidence_path, reference):
    classes, confidence = reference
    np.testing.assert_array_equal(read(classes_path), classes)
    # Class codes are identical; probabilities agree to float precision (1 vs 2 torch threads sum in another order).
    np.testing.assert_allclose(read(confidence_path), confidence, atol=1e-5)


def assert_styled(path, confidence_path=None):
    layer = QgsRasterLayer(str(path), "map", "gdal")  # loads the .qml beside it as its default style
    renderer = layer.renderer()
    assert isinstance(renderer, QgsPalettedRasterRenderer)
    assert [(int(c.value), c.label, c.color.name()) for c in renderer.classes()] == [
        (e.code, e.name, e.color) for e in SCENE_CLASSES
    ]
    if confidence_path is not None:
        ramp = QgsRasterLayer(str(confidence_path), "confidence", "gdal").renderer()
        assert isinstance(ramp, QgsSingleBandPseudoColorRenderer)
        assert (ramp.classificationMin(), ramp.classificationMax()) == (0.0, 1.0)


def test_help_documents_the_command():
    top = subprocess.run(
        [sys.executable, "-m", "imagette", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(PLUGIN_DIR)},
    )
    assert top.returncode == 0 and "classify" in top.stdout
    classify = imagette("classify", "--help")
    assert classify.returncode == 0, classify.stderr
    options = (
        "--stride",
        "--method",
        "--device",
        "--engine",
        "--confidence",
        "--workers",
        "--scheduler",
        "--block-size",
    )
    for option in options:
        assert option in classify.stdout
    assert 'pip install "dask[distributed]"' in classify.stdout


def test_the_package_version_is_the_plugins():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["version"] == plugin_version()
    assert project["scripts"]["imagette"] == "imagette.plugin.cli:main"


def test_errors_are_the_engines_messages_without_traceback(scene, model, tmp_path):
    missing = imagette("classify", str(tmp_path / "absent.tif"), str(model), str(tmp_path / "map.tif"))
    assert missing.returncode == 2
    assert "imagette: error: Cannot read the raster" in missing.stderr and "Traceback" not in missing.stderr
    no_dask = imagette(
        "classify", str(scene.raster), str(model), str(tmp_path / "map.tif"), "--workers", "2", block="distributed"
    )
    assert no_dask.returncode == 2 and 'pip install "dask[distributed]"' in no_dask.stderr
    assert not (tmp_path / "map.tif").exists()


def test_one_process_gives_the_qgis_map_and_outputs(scene, model, reference, tmp_path):
    output, confidence = tmp_path / "carte.tif", tmp_path / "confiance.tif"
    run = imagette(
        "classify", str(scene.raster), str(model), str(output), "--stride", "1", "--confidence", str(confidence)
    )
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "carte.qml",
        "carte.tif",
        "carte.tif.aux.xml",
        "confiance.qml",
        "confiance.tif",
    ]
    assert_same_map(output, confidence, reference)
    assert_styled(output, confidence)


def test_two_local_workers_give_the_qgis_map_pixel_for_pixel(scene, model, reference, tmp_path):
    output, confidence = tmp_path / "carte.tif", tmp_path / "confiance.tif"
    args = [str(scene.raster), str(model), str(output), "--stride", "1", "--confidence", str(confidence)]
    run = imagette("classify", *args, "--workers", "2", "--block-size", str(BLOCK))
    assert run.returncode == 0, run.stderr
    assert "in 4 block(s)" in run.stderr and "blocks 4/4" in run.stderr
    assert_same_map(output, confidence, reference)
    assert_styled(output, confidence)
    assert not parts_folder(output).exists()  # assembled, then removed
    with rasterio.open(output) as dataset:
        assert dataset.block_shapes == [(256, 256)] and dataset.colormap(1)[SCENE_CLASSES[0].code][:3] == (27, 120, 55)


def test_a_failed_block_is_retried(scene, model, reference, cluster, tmp_path):
    output, confidence = tmp_path / "carte.tif", tmp_path / "confiance.tif"
    parts = parts_folder(output)
    parts.mkdir()
    (parts / f"{FAIL_ONCE}2").touch()  # the first attempt at block 2 raises in its worker (worker_faults.py)
    args = [str(scene.raster), str(model), str(output), "--stride", "1", "--confidence", str(confidence)]
    run = imagette("classify", *args, "--scheduler", cluster, "--block-size", str(BLOCK), "--keep-parts")
    assert run.returncode == 0, run.stderr  # without the retry, the run would fail
    assert not (parts / f"{FAIL_ONCE}2").exists()  # consumed: the first attempt did fail
    assert len(list(parts.glob("r*.tif"))) == 8  # 4 blocks, class and confidence parts
    assert_same_map(output, confidence, reference)


# A U-Net per pixel, and a small CNN in the dense form of an exported patch classifier (stride 2: 192 x 192 output
# pixels, 9 tiles of 64 in 4 blocks of 128). Seeds whose untrained networks map two classes or more (found by trying).
@pytest.mark.parametrize(
    ("architecture", "seed", "stride", "method", "blocks"),
    [("unet", 3, 1, "per_pixel", 9), ("small_cnn", 1, 2, "dense", 4)],
)
def test_an_exported_model_in_several_blocks_on_the_cluster_gives_the_one_process_map(
    scene, cluster, tmp_path, architecture, seed, stride, method, blocks
):
    from imagette.plugin.engine.distributed import classify_distributed
    from imagette.plugin.engine.inference import InferenceConfig, classify_raster
    from imagette.plugin.engine.onnx_export import export_onnx

    crs = rasterio.crs.CRS.from_string(scene.crs).to_wkt()
    model = write_random_model(
        tmp_path / "model.pt", SCENE_CLASSES, crs, architecture=architecture, patch=16, seed=seed
    )
    exported = str(export_onnx(model, tmp_path / "model.onnx").path)
    configs = {
        # Tiles of 64 output pixels (the command has no tile size), blocks of 128, so that the halos and receptive
        # fields cross the seams between blocks as well as between tiles.
        name: InferenceConfig(
            str(scene.raster),
            exported,
            str(tmp_path / f"{name}.tif"),
            str(tmp_path / f"{name}_c.tif"),
            stride=stride,
            tile_size=64,
        )
        for name in ("one", "dask")
    }
    assert classify_raster(configs["one"]).method == method
    echoed: list[str] = []
    result = classify_distributed(configs["dask"], scheduler=cluster, block=128, echo=echoed.append)
    assert (result.blocks, result.classified) == (blocks, blocks) and f"blocks {blocks}/{blocks}" in echoed
    assert f"stride {stride}, {method})" in echoed[0] and not parts_folder(result.output_path).exists()
    expected = read(configs["one"].output_path)
    assert len(set(expected[expected > 0].tolist())) > 1 and (expected == 0).any()
    np.testing.assert_array_equal(read(configs["dask"].output_path), expected)
    # One ONNX Runtime thread per worker against all cores in one process: sums in another order.
    np.testing.assert_allclose(read(configs["dask"].confidence_path), read(configs["one"].confidence_path), atol=1e-5)


def test_a_block_failing_every_attempt_stops_the_run_with_its_reason(scene, model, cluster, tmp_path):
    output = tmp_path / "carte.tif"
    parts = parts_folder(output)
    parts.mkdir()
    (parts / f"{FAIL_ALWAYS}2").touch()  # every attempt at block 2 raises, and counts itself (worker_faults.py)
    args = [str(scene.raster), str(model), str(output), "--stride", "1", "--scheduler", cluster]
    run = imagette("classify", *args, "--block-size", str(BLOCK))
    attempts = len((parts / f"{FAIL_ALWAYS}2").read_text(encoding="utf-8").splitlines())
    assert run.returncode == 2 and attempts == 3 and not output.exists()
    # What the person reads: the attempts counted in words, the worker's reason, one full stop, what to do.
    assert (
        f"imagette: error: Block 2 failed {attempts} times: RuntimeError: Block 2 failed on purpose ({FAIL_ALWAYS}2, "
        "tests/worker_faults.py). The blocks done are kept: run the same command again to resume.\n"
    ) in run.stderr


def test_a_lost_worker_costs_only_its_block(scene, model, reference, tmp_path):
    output, confidence = tmp_path / "carte.tif", tmp_path / "confiance.tif"
    parts = parts_folder(output)
    parts.mkdir()
    (parts / f"{LOSE_WORKER_ONCE}1").touch()  # the worker process that takes block 1 exits at once (worker_faults.py)
    args = [str(scene.raster), str(model), str(output), "--stride", "1", "--confidence", str(confidence)]
    # The cluster the command starts, whose scheduler it configures: its workers load the faults' preload.
    run = imagette("classify", *args, "--workers", "2", "--block-size", str(BLOCK), "--keep-parts", env=preload_env())
    assert run.returncode == 0, run.stderr  # Dask ran block 1 again on a live worker
    assert not (parts / f"{LOSE_WORKER_ONCE}1").exists()  # consumed: a worker did die
    assert len(list(parts.glob("r*.tif"))) == 8
    assert_same_map(output, confidence, reference)


def test_a_stopped_run_resumes_without_redoing_finished_blocks(scene, model, reference, cluster, tmp_path):
    output, confidence = tmp_path / "carte.tif", tmp_path / "confiance.tif"
    parts = parts_folder(output)
    args = [str(scene.raster), str(model), str(output), "--stride", "1", "--confidence", str(confidence)]
    args += ["--scheduler", cluster, "--block-size", str(BLOCK)]
    stopped = imagette("classify", *args, "--stop-after", "1")
    assert stopped.returncode == 0, stopped.stderr
    assert "Stopped after 1 block(s)" in stopped.stderr and not output.exists()
    done = {path.name: path.stat().st_mtime_ns for path in parts.glob("r*.tif")}
    assert 2 <= len(done) <= 8  # class and confidence parts of at least one block, not of all four

    resumed = imagette("classify", *args, "--vrt")  # finishes the blocks, then writes a VRT over the parts
    assert resumed.returncode == 0, resumed.stderr
    skipped = int(resumed.stderr.split(" done already")[0].rsplit(";", 1)[1])
    assert skipped >= len(done) // 2
    assert "blocks 4/4" in resumed.stderr
    assert {name: (parts / name).stat().st_mtime_ns for name in done} == done  # finished blocks were not redone
    vrt, confidence_vrt = output.with_suffix(".vrt"), confidence.with_suffix(".vrt")
    assert_same_map(vrt, confidence_vrt, reference)
    assert_styled(vrt)
    with rasterio.open(vrt) as dataset:
        assert dataset.transform == rasterio.open(scene.raster).transform * rasterio.Affine.translation(-0.5, -0.5)
