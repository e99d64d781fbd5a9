"""ONNX export (issue 22) and ONNX Runtime through QGIS and the command line: the algorithms (exportmodel,
classifyraster's ENGINE), qgis_process and the `imagette` command where torch cannot be imported, Dask workers
without torch, and the environment check. Real torch, onnx and onnxruntime on small untrained models; the engine
alone (the exported graph against torch, the metadata, ONNX Runtime's tiles and maps) is tested in
tests/engine/test_engine_onnx.py.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import onnxruntime
import pytest
import rasterio
from imagette.plugin.engine.onnx_export import export_onnx
from imagette.plugin.engine.onnxfile import read_onnx_model

from tests.model_files import SPARSE_CLASSES, UTM_WKT, write_random_model
from tests.plugin.conftest import run_algorithm


def test_exportmodel_through_processing(tmp_path):
    model = write_random_model(tmp_path / "model.pt", SPARSE_CLASSES, UTM_WKT, architecture="unet", patch=32)
    results = run_algorithm("exportmodel", {"MODEL": str(model), "FORMAT": 1, "OUTPUT_ONNX": str(tmp_path / "m.onnx")})
    assert results == {"OUTPUT_ONNX": str(tmp_path / "m.onnx")}
    assert read_onnx_model(results["OUTPUT_ONNX"]).flavour == "deepness"


def test_exportmodel_refuses_a_patch_classifier_for_deepness(tmp_path):
    from qgis.core import QgsProcessingException

    model = write_random_model(tmp_path / "model.pt", SPARSE_CLASSES, UTM_WKT, architecture="small_cnn", patch=32)
    with pytest.raises(QgsProcessingException, match="Deepness runs segmentation networks only"):
        run_algorithm("exportmodel", {"MODEL": str(model), "FORMAT": 1, "OUTPUT_ONNX": str(tmp_path / "m.onnx")})


def test_exportmodel_without_the_onnx_package_says_what_to_install(tmp_path, monkeypatch):
    from qgis.core import QgsProcessingException

    model = write_random_model(tmp_path / "model.pt", SPARSE_CLASSES, UTM_WKT, architecture="unet", patch=32)
    monkeypatch.setitem(sys.modules, "onnx", None)  # any import of onnx now fails, as where it is not installed
    with pytest.raises(
        QgsProcessingException, match=r"needs the onnx package(.|\n)*-m pip install .*\"onnx\" \"onnxruntime\""
    ):
        run_algorithm("exportmodel", {"MODEL": str(model), "OUTPUT_ONNX": str(tmp_path / "m.onnx")})
    assert not list(tmp_path.glob("*.onnx"))


def test_environment_check_reports_onnx_runtime_and_its_providers(tmp_path, monkeypatch):
    from imagette.plugin import deps

    run_algorithm("checkenvironment", {"OUTPUT_REPORT": str(tmp_path / "environment.html")})
    html = (tmp_path / "environment.html").read_text(encoding="utf-8")
    assert "<h2>ONNX</h2>" in html and onnxruntime.__version__ in html and "CPUExecutionProvider" in html
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # as where it is not installed
    environment = deps.check_environment({})
    rows = dict(dict(environment.sections)["ONNX"])
    assert rows["onnxruntime"].startswith("cannot be imported, needed only for running exported ONNX models")
    assert '-m pip install --user "onnxruntime"' in rows["onnxruntime"]
    assert not [item for item in environment.advice if "onnx" in item.lower()], "optional: reported, not advised"


def test_classifyraster_takes_an_onnx_model_where_torch_cannot_be_imported(tmp_path):
    from tests.headless import QgisProcess, import_blocker
    from tests.scenes import make_scene

    scene = make_scene(tmp_path, cells=2, cell=32)
    model = write_random_model(tmp_path / "model.pt", SPARSE_CLASSES, UTM_WKT, architecture="unet", patch=16, seed=3)
    exported = export_onnx(model, tmp_path / "model.onnx").path
    qgis = QgisProcess(tmp_path / "home")
    qgis.env["PYTHONPATH"] = f"{import_blocker(tmp_path / 'blocker', 'torch')}:{qgis.env['PYTHONPATH']}"
    output = tmp_path / "map.tif"
    answer = qgis.run(
        "imagette:classifyraster",
        {"INPUT_RASTER": str(scene.raster), "MODEL": str(exported), "OUTPUT_CLASSIFICATION": str(output)},
    )
    assert answer["results"]["OUTPUT_CLASSIFICATION"] == str(output)
    log = json.dumps(answer["log"])
    assert "torch not importable (ModuleNotFoundError" in log and "(ONNX Runtime)" in log
    with rasterio.open(output) as dst:
        assert set(np.unique(dst.read(1)).tolist()) <= {0, 3, 7, 9} and dst.read(1).any()
    assert output.with_suffix(".qml").is_file()
    # A model file still needs torch, and says so before any work.
    with pytest.raises(RuntimeError, match="PyTorch is not installed"):
        qgis.run(
            "imagette:classifyraster",
            {"INPUT_RASTER": str(scene.raster), "MODEL": str(model), "OUTPUT_CLASSIFICATION": str(output)},
        )


def test_classifyraster_styles_the_map_of_a_model_made_for_deepness_with_its_class_names(tmp_path):
    from imagette.plugin.engine.classes import palette_color
    from qgis.core import QgsPalettedRasterRenderer, QgsRasterLayer

    from tests.model_files import write_deepness_model
    from tests.scenes import make_scene

    scene = make_scene(tmp_path, cells=2, cell=64, bands=3, dtype="uint8")
    model = tmp_path / "landcover_deepness.onnx"
    names = ["background", "water", "forest"]
    write_deepness_model(model, 3, {"model_type": "Segmentor", "class_names": dict(enumerate(names))})
    output = tmp_path / "map.tif"
    run_algorithm(
        "classifyraster",
        {"INPUT_RASTER": str(scene.raster), "MODEL": str(model), "OUTPUT_CLASSIFICATION": str(output)},
    )
    layer = QgsRasterLayer(str(output), "map", "gdal")  # loads map.qml as its default style
    assert layer.isValid() and isinstance(layer.renderer(), QgsPalettedRasterRenderer)
    styled = [(int(entry.value), entry.label, entry.color.name()) for entry in layer.renderer().classes()]
    assert styled == [(index + 1, name, palette_color(index)) for index, name in enumerate(names)]


def test_imagette_command_classifies_with_an_onnx_model_without_torch(tmp_path):
    from tests.plugin.test_cli import imagette
    from tests.scenes import make_scene

    scene = make_scene(tmp_path, cells=2, cell=32)
    model = write_random_model(tmp_path / "model.pt", SPARSE_CLASSES, UTM_WKT, architecture="unet", patch=16, seed=3)
    exported = export_onnx(model, tmp_path / "model.onnx").path
    output = tmp_path / "map.tif"
    process = imagette("classify", str(scene.raster), str(exported), str(output), block="torch")
    assert process.returncode == 0, process.stderr
    assert "(ONNX Runtime)" in process.stderr and output.is_file() and output.with_suffix(".qml").is_file()


def test_dask_workers_without_torch_give_the_one_process_map_of_an_onnx_model(tmp_path):
    pytest.importorskip("distributed", reason="Dask runs need dask[distributed] (make test installs it)")
    from tests.headless import PLUGIN_DIR, import_blocker
    from tests.plugin.test_cli import imagette
    from tests.scenes import make_scene

    scene = make_scene(tmp_path, cells=2, cell=64)
    model = write_random_model(
        tmp_path / "model.pt", SPARSE_CLASSES, UTM_WKT, architecture="resnet18", patch=16, std=1000, seed=3
    )
    exported = export_onnx(model, tmp_path / "model.onnx").path
    # torch unimportable in the command and in every Dask worker process it starts (they inherit PYTHONPATH).
    no_torch = {"PYTHONPATH": f"{import_blocker(tmp_path / 'blocker', 'torch')}:{PLUGIN_DIR}"}
    maps = {}
    for name, dask in (("one", ()), ("dask", ("--workers", "2", "--block-size", "32"))):
        output, confidence = tmp_path / f"{name}.tif", tmp_path / f"{name}_confidence.tif"
        # Per patch, in small batches and so small tiles: 4 blocks (the dense form crosses blocks in test_cli).
        arguments = (str(scene.raster), str(exported), str(output), "--stride", "2", "--method", "patch")
        arguments += ("--batch-size", "16", "--confidence", str(confidence))
        run = imagette("classify", *arguments, *dask, env=no_torch)
        assert run.returncode == 0, run.stderr
        with rasterio.open(output) as classes, rasterio.open(confidence) as top:
            maps[name] = (classes.read(1), top.read(1), classes.transform)
    assert "in 4 block(s)" in run.stderr and "4 block(s) classified" in run.stderr  # their seams are tested too
    (codes, confidence, transform), (expected, expected_confidence, expected_transform) = maps["dask"], maps["one"]
    assert len(set(expected[expected > 0].tolist())) > 1 and (expected == 0).any()
    np.testing.assert_array_equal(codes, expected)
    assert transform == expected_transform
    # One ONNX Runtime thread per worker against all cores in one process: sums in another order.
    np.testing.assert_allclose(confidence, expected_confidence, atol=1e-5, rtol=0)


# The ENGINE choice (imagette:classifyraster ENGINE, `imagette classify --engine`): each engine runs its own files.


def test_classifyraster_engine_choice_runs_or_refuses_with_the_fix(tmp_path, monkeypatch):
    from imagette.plugin import deps
    from qgis.core import QgsProcessingException

    from tests.scenes import make_scene

    scene = make_scene(tmp_path, cells=2, cell=32)
    model = write_random_model(tmp_path / "model.pt", SPARSE_CLASSES, UTM_WKT, architecture="unet", patch=16, seed=3)
    exported = export_onnx(model, tmp_path / "model.onnx").path
    maps = {}
    for engine, path in ((1, model), (2, exported)):  # PyTorch with the model file, ONNX Runtime with its export
        output = tmp_path / f"engine{engine}.tif"
        run_algorithm(
            "classifyraster",
            {
                "INPUT_RASTER": str(scene.raster),
                "MODEL": str(path),
                "ENGINE": engine,
                "OUTPUT_CLASSIFICATION": str(output),
            },
        )
        with rasterio.open(output) as dst:
            maps[engine] = dst.read(1)
    assert (maps[1] == maps[2]).mean() >= 0.999 and len(set(maps[1][maps[1] > 0].tolist())) > 1

    def refusal(path, engine) -> str:
        parameters = {"INPUT_RASTER": str(scene.raster), "MODEL": str(path), "ENGINE": engine}
        with pytest.raises(QgsProcessingException) as refused:
            run_algorithm("classifyraster", {**parameters, "OUTPUT_CLASSIFICATION": str(tmp_path / "refused.tif")})
        assert not (tmp_path / "refused.tif").exists()
        return str(refused.value)

    wrong_file = refusal(model, 2)
    assert "ONNX Runtime was asked for, but 'model.pt' is not an ONNX file (.onnx)" in wrong_file
    assert "Export the model first with 'Export model to ONNX'" in wrong_file
    wrong_file = refusal(exported, 1)
    assert "PyTorch was asked for, but 'model.onnx' is an ONNX file" in wrong_file
    assert "Choose the engine ONNX Runtime (or Auto)" in wrong_file
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # as where it is not installed
    missing = refusal(exported, 2)
    assert "Classifying with an ONNX model (.onnx) needs ONNX Runtime, which is not installed" in missing
    assert f'Install it with:  {deps.pip_install()} "onnxruntime"' in missing
    monkeypatch.setitem(sys.modules, "torch", None)
    assert "PyTorch is not installed in the Python that QGIS uses" in refusal(model, 1)


def test_imagette_command_engine_choice_refuses_with_the_fix(tmp_path):
    from tests.plugin.test_cli import imagette
    from tests.scenes import make_scene

    scene = make_scene(tmp_path, cells=2, cell=32)
    model = write_random_model(tmp_path / "model.pt", SPARSE_CLASSES, UTM_WKT, architecture="unet", patch=16, seed=3)
    exported = export_onnx(model, tmp_path / "model.onnx").path
    output = tmp_path / "map.tif"
    arguments = ("classify", str(scene.raster))
    refused = imagette(*arguments, str(model), str(output), "--engine", "onnxruntime")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "imagette: error: ONNX Runtime was asked for, but 'model.pt' is not an ONNX file" in refused.stderr
    assert "Export the model first with 'Export model to ONNX'" in refused.stderr
    refused = imagette(*arguments, str(exported), str(output), "--engine", "pytorch")
    assert refused.returncode == 2 and "PyTorch was asked for, but 'model.onnx' is an ONNX file" in refused.stderr
    missing = imagette(*arguments, str(exported), str(output), "--engine", "onnxruntime", block="onnxruntime")
    assert missing.returncode == 2 and "needs onnxruntime, which cannot be imported here" in missing.stderr
    assert "pip install onnxruntime" in missing.stderr and not output.exists()
    chosen = imagette(*arguments, str(exported), str(output), "--engine", "onnxruntime", block="torch")
    assert chosen.returncode == 0, chosen.stderr
    assert "(ONNX Runtime)" in chosen.stderr and output.is_file()
