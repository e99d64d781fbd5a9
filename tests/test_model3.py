"""The shipped graphical model: listed with the plugin, up to date with its generator, and runnable headless."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from qgis.core import QgsApplication, QgsProcessingModelAlgorithm

from scripts.make_model import TARGET, build_model
from tests.headless import QgisProcess


def test_model_file_is_what_the_generator_writes(tmp_path):
    """The file clones the algorithms' parameters: when they change, run scripts/make_model.py again."""
    fresh = tmp_path / TARGET.name
    assert build_model().toFile(str(fresh))
    committed, regenerated = QgsProcessingModelAlgorithm(), QgsProcessingModelAlgorithm()
    assert committed.fromFile(str(TARGET)) and regenerated.fromFile(str(fresh))
    assert committed.toVariant() == regenerated.toVariant()


def test_model_is_an_imagette_algorithm_with_declared_outputs():
    model = QgsApplication.processingRegistry().algorithmById("imagette:landcover")
    assert model is not None and model.displayName() == "Land-cover map from polygons"
    assert {p.name() for p in model.parameterDefinitions() if not p.isDestination()} >= {
        "INPUT_RASTER",
        "INPUT_VECTOR",
        "CLASS_FIELD",
    }
    assert {output.name() for output in model.outputDefinitions()} == {
        "train:MODEL",
        "train:REPORT",
        "classify:CLASSIFICATION",
    }


@pytest.mark.slow
def test_model_file_runs_in_qgis_process(scene, tmp_path):
    qgis = QgisProcess(tmp_path / "home")
    assert "imagette:landcover" in qgis.algorithms()
    outputs = {
        "train:MODEL": tmp_path / "model.pt",
        "train:REPORT": tmp_path / "report.html",
        "classify:CLASSIFICATION": tmp_path / "classes.tif",
    }
    answer = qgis.run(
        TARGET,
        {
            "INPUT_RASTER": scene.raster,
            "INPUT_VECTOR": scene.vector,
            "CLASS_FIELD": "classe",
            "EPOCHS": 3,
            "DEVICE": 1,
            **outputs,
        },
    )
    assert {name: answer["results"][name] for name in outputs} == {name: str(path) for name, path in outputs.items()}
    assert all(path.is_file() for path in outputs.values())
    assert (tmp_path / "classes.qml").is_file()
    with rasterio.open(tmp_path / "classes.tif") as src, rasterio.open(scene.raster) as image:
        assert src.crs == image.crs
        codes = set(np.unique(src.read(1)).tolist())
    # Text classes get codes 1..5; 0 is nodata (the scene's nodata corner and its edges).
    assert 0 in codes and len(codes - {0}) >= 2 and codes <= {0, 1, 2, 3, 4, 5}
    assert "Peupleraie" in (tmp_path / "report.html").read_text(encoding="utf-8")
