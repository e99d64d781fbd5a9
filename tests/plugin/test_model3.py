"""The shipped graphical models: listed with the plugin, up to date with their generator, and runnable headless."""

from __future__ import annotations

from xml.etree import ElementTree

import numpy as np
import processing
import pytest
import rasterio
from qgis.core import QgsApplication, QgsProcessingModelAlgorithm, QgsVectorLayer

from scripts.make_model import ASSESSED, LANDCOVER, MODELS, build_model, write_model
from tests.headless import QgisProcess


@pytest.mark.parametrize("spec", MODELS, ids=lambda spec: spec.target.stem)
def test_model_file_is_what_the_generator_writes(spec, tmp_path):
    """The file clones the algorithms' parameters: when they change, run scripts/make_model.py again.

    Compared as canonical XML (Qt orders attributes by a seeded hash), so a key QGIS 3.40 adds would show.
    """
    fresh = tmp_path / spec.target.name
    write_model(build_model(spec), fresh)
    assert canonical(fresh) == canonical(spec.target)


@pytest.mark.parametrize("spec", MODELS, ids=lambda spec: spec.target.stem)
def test_generated_outputs_keep_their_public_names(spec):
    """QGIS 3.38+ would name a new model's outputs after their descriptions ('model_file'): the generator keeps
    child:OUTPUT, the names callers of the shipped model pass."""
    expected = {f"{child}:{name}" for child, _, _, outputs in spec.steps for name in outputs}
    model = build_model(spec)  # kept: the definitions belong to it
    assert {d.name() for d in model.destinationParameterDefinitions()} == expected
    assert "train:MODEL" in expected and "classify:CLASSIFICATION" in expected


def canonical(path) -> str:
    return ElementTree.canonicalize(from_file=str(path), strip_text=True)


@pytest.mark.parametrize("spec", MODELS, ids=lambda spec: spec.target.stem)
def test_model_is_valid_in_the_model_designer(spec):
    """Loaded from its file, as the Model Designer does, and as registered: no step refuses an input.

    The designer colours a step red and refuses to run the model for any mandatory input without a value, even
    one with a default: the generator gives every input a step does not take from elsewhere its default.
    """
    model = QgsProcessingModelAlgorithm()
    assert model.fromFile(str(spec.target))
    assert model.validate() == (True, [])
    registered = QgsApplication.processingRegistry().algorithmById(
        f"imagette:{spec.target.stem.removeprefix('imagette_')}"
    )
    assert registered.validate() == (True, [])


def test_model_help_agrees_with_the_defaults():
    """The patch size and the network the help names as defaults are the algorithms' defaults."""
    registry = QgsApplication.processingRegistry()
    patch_size = registry.algorithmById("imagette:samplepatches").parameterDefinition("PATCH_SIZE").defaultValue()
    train = registry.algorithmById("imagette:trainclassifier").parameterDefinition("ARCHITECTURE")
    architecture = train.options()[train.defaultValue()]
    assert f"The default {patch_size} px patches" in LANDCOVER.help
    assert ("the default is a U-Net" in LANDCOVER.help) == architecture.startswith("U-Net")


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
        LANDCOVER.target,
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


@pytest.mark.slow
@pytest.mark.parametrize("spec", MODELS, ids=lambda spec: spec.target.stem)
def test_a_model_run_never_asks_ogr_to_open_its_rasters(spec, scene, tmp_path):
    """Each shipped model runs through processing.run, the assessed one scoring its map against the reference.

    QGIS logged "[OGR] Cannot open …_map.tif" although the map loaded: a model's later step (Assess map accuracy)
    gets the earlier steps' layers as expression variables, and QGIS opened the map, not among the run's layers, by
    trying it as a vector layer first. Classify raster now leaves its outputs among the run's layers."""
    logged: list[str] = []

    def keep(message, tag, level):
        logged.append(f"[{tag}] {message}")

    log = QgsApplication.messageLog()
    log.messageReceived.connect(keep)
    try:
        assert not QgsVectorLayer(str(scene.raster), "raster as vector", "ogr").isValid()
        assert logged == [f"[OGR] Cannot open {scene.raster} ().()"]  # what the log would show, and this test see
        logged.clear()
        outputs = {
            "train:MODEL": tmp_path / "model.pt",
            "train:REPORT": tmp_path / "report.html",
            "classify:CLASSIFICATION": tmp_path / "scene_map.tif",
        }
        parameters = {"INPUT_RASTER": scene.raster, "INPUT_VECTOR": scene.vector, "CLASS_FIELD": "classe"}
        parameters |= {"ARCHITECTURE": 0, "EPOCHS": 1, "DEVICE": 1}  # the small CNN: the fastest to train
        if spec is ASSESSED:
            parameters |= {"REFERENCE": scene.vector, "REFERENCE_CLASS_FIELD": "classe"}
            outputs["assess:ACCURACY_REPORT"] = tmp_path / "accuracy.html"
        model = f"imagette:{spec.target.stem.removeprefix('imagette_')}"
        results = processing.run(model, {key: str(value) for key, value in {**parameters, **outputs}.items()})
        QgsApplication.processEvents()  # messages logged from another thread arrive through the event loop
    finally:
        log.messageReceived.disconnect(keep)
    assert results["classify:CLASSIFICATION"] == str(tmp_path / "scene_map.tif")
    assert all(path.is_file() for path in outputs.values())
    assert [line for line in logged if line.startswith("[OGR]")] == []
    assert any(line.startswith("[Processing] Classified ") for line in logged)  # the run's own log was seen
    if spec is ASSESSED:
        assert "Peupleraie" in (tmp_path / "accuracy.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("spec", MODELS, ids=lambda spec: spec.target.stem)
def test_inputs_come_in_the_order_a_person_fills_them(spec):
    """Not sorted by name (QGIS's order without the model's parameterOrder): the layer before its class field."""
    model = QgsProcessingModelAlgorithm()
    assert model.fromFile(str(spec.target))
    inputs = [p.name() for p in model.parameterDefinitions() if not p.isDestination()]
    assert inputs[:4] == ["INPUT_RASTER", "INPUT_VECTOR", "CLASS_FIELD", "ARCHITECTURE"]
    if spec is ASSESSED:
        assert inputs[4:6] == ["REFERENCE", "REFERENCE_CLASS_FIELD"]
    assert inputs[-3:] == ["PATCH_SIZE", "EPOCHS", "DEVICE"]  # the advanced ones last
