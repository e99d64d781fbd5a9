"""Processing conventions over every Imagette algorithm (QGIS's own compliance rules), and import boundaries.

The engine must run without QGIS, and the plugin must load without torch: both are checked in
fresh Python processes, where nothing the test session imported can hide a stray import.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from qgis.core import QgsApplication, QgsProcessingAlgorithm, QgsProcessingModelAlgorithm

from tests.headless import PLUGIN_DIR, REPO
from tests.plugin.conftest import run_algorithm

ENGINE = REPO / "plugin" / "engine"
HTML_TAG = re.compile(r"<[^>]+>")
LOWER_ID = re.compile(r"[a-z][a-z0-9_]*")


def imagette_algorithms() -> list[QgsProcessingAlgorithm]:
    return QgsApplication.processingRegistry().providerById("imagette").algorithms()


ALGORITHMS = {algorithm.id(): algorithm for algorithm in imagette_algorithms()}


@pytest.fixture(params=sorted(ALGORITHMS))
def algorithm(request) -> QgsProcessingAlgorithm:
    return ALGORITHMS[request.param]


def test_the_provider_has_the_algorithms_in_one_group():
    assert {"imagette:samplepatches", "imagette:checkenvironment"} <= set(ALGORITHMS)
    assert len({(algorithm.groupId(), algorithm.group()) for algorithm in ALGORITHMS.values()}) == 1


def test_names_groups_and_tags(algorithm):
    assert LOWER_ID.fullmatch(algorithm.name()), algorithm.name()
    assert algorithm.group() and LOWER_ID.fullmatch(algorithm.groupId())
    assert algorithm.tags() and all(tag.strip() for tag in algorithm.tags())


def test_display_name_is_sentence_case(algorithm):
    first, *others = algorithm.displayName().split()
    assert first[0].isupper()
    # Title-cased words ("Patch") break sentence case; acronyms (CNN) and names like ResNet do not.
    assert not [word for word in others if word[0].isupper() and word[1:].islower()], algorithm.displayName()


def test_descriptions_follow_qgis_style(algorithm):
    description = algorithm.shortDescription()
    assert description.split()[0].endswith("s"), f"starts with a verb in the third person: {description!r}"
    assert description.endswith(".") and not HTML_TAG.search(description)
    assert algorithm.shortHelpString().strip()


def test_every_parameter_has_help(algorithm):
    for parameter in algorithm.parameterDefinitions():
        assert parameter.help().strip(), f"{algorithm.id()} {parameter.name()} has no help"


def test_outputs_are_declared(algorithm):
    assert algorithm.outputDefinitions()
    for parameter in algorithm.destinationParameterDefinitions():
        assert algorithm.outputDefinition(parameter.name()) is not None, parameter.name()
    for output in algorithm.outputDefinitions():
        assert " " not in output.name(), f"{output.name()!r}: a key with spaces cannot be chained in models"


def test_no_algorithm_blocks_the_interface(algorithm):
    # QGIS before 3.26 runs every graphical model on the main thread (qgis/QGIS#47689); a shipped model adds nothing.
    allowed = QgsProcessingModelAlgorithm().flags() if isinstance(algorithm, QgsProcessingModelAlgorithm) else 0
    assert not int(algorithm.flags()) & int(QgsProcessingAlgorithm.FlagNoThreading) & ~int(allowed)


@pytest.mark.slow
def test_returned_keys_are_declared_outputs(scene, tmp_path):
    """Runs every algorithm once (a short chain) and checks it returns only declared outputs."""
    runs = {
        "checkenvironment": {"OUTPUT_REPORT": str(tmp_path / "environment.html")},
        "samplepatches": {
            "INPUT_RASTER": str(scene.raster),
            "INPUT_VECTOR": str(scene.vector),
            "CLASS_FIELD": "classe",
            "OUTPUT_DATASET": str(tmp_path / "dataset"),
            "OUTPUT_FOOTPRINTS": str(tmp_path / "footprints.gpkg"),
        },
        "trainclassifier": {
            "DATASET": str(tmp_path / "dataset"),
            "EPOCHS": 1,
            "OUTPUT_MODEL": str(tmp_path / "model.pt"),
            "OUTPUT_REPORT": str(tmp_path / "report.html"),
        },
        "classifyraster": {
            "INPUT_RASTER": str(scene.raster),
            "MODEL": str(tmp_path / "model.pt"),
            "OUTPUT_CLASSIFICATION": str(tmp_path / "classes.tif"),
        },
        "exportmodel": {"MODEL": str(tmp_path / "model.pt"), "OUTPUT_ONNX": str(tmp_path / "model.onnx")},
        "assessaccuracy": {
            "INPUT_CLASSIFICATION": str(tmp_path / "classes.tif"),
            "REFERENCE": str(scene.vector),
            "CLASS_FIELD": "classe",
            "OUTPUT_REPORT": str(tmp_path / "accuracy.html"),
        },
    }
    tools = {a.name(): a for a in ALGORITHMS.values() if not isinstance(a, QgsProcessingModelAlgorithm)}
    assert set(tools) == set(runs), "give every new algorithm a run here"
    for name, parameters in runs.items():
        results = run_algorithm(name, parameters)
        declared = {output.name() for output in tools[name].outputDefinitions()}
        assert set(results) <= declared, f"{name} returned undeclared {set(results) - declared}"


def engine_sources() -> list[Path]:
    return sorted(ENGINE.glob("*.py"))


@pytest.mark.parametrize("source", engine_sources(), ids=lambda path: path.name)
def test_engine_sources_never_import_qgis_or_the_plugin(source):
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level <= 1, f"{source.name} imports from outside the engine"
            modules = [node.module or ""]
        else:
            continue
        assert not [m for m in modules if m.split(".")[0] in ("qgis", "PyQt5", "processing")], source.name


def run_python(code: str, home: Path) -> subprocess.CompletedProcess:
    """Runs code in a fresh interpreter (this venv's) with the plugin importable as 'imagette'."""
    return subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(PLUGIN_DIR)!r})\n{code}"],
        capture_output=True,
        text=True,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(home)},
    )


def test_engine_imports_without_qgis(tmp_path):
    modules = [f"imagette.plugin.engine.{path.stem}" for path in engine_sources() if path.stem != "__init__"]
    code = (
        "import importlib\n"
        "for blocked in ('qgis', 'PyQt5', 'processing'):\n"
        "    sys.modules[blocked] = None  # any import of it now fails\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
    )
    process = run_python(code, tmp_path)
    assert process.returncode == 0, process.stderr


def test_plugin_loads_and_registers_without_importing_torch(tmp_path):
    code = (
        "from qgis.core import QgsApplication\n"
        "app = QgsApplication([], False)\n"
        "app.initQgis()\n"
        "import imagette\n"
        "plugin = imagette.classFactory(None)\n"
        "plugin.initProcessing()\n"
        "algorithms = QgsApplication.processingRegistry().providerById('imagette').algorithms()\n"
        "assert len(algorithms) >= 2, algorithms\n"
        "for algorithm in algorithms:\n"
        "    algorithm.createInstance().initAlgorithm({})\n"
        "print(sorted(m for m in sys.modules if m == 'torch' or m.startswith('torch.')))\n"
        "plugin.unload()\n"
        "app.exitQgis()\n"
    )
    process = run_python(code, tmp_path)
    assert process.returncode == 0, process.stderr
    assert process.stdout.strip().splitlines()[-1] == "[]", process.stdout


def test_deprecations_raised_from_the_plugins_code_fail_and_only_those():
    """pyproject.toml's filterwarnings: what QGIS, Qt or Python deprecate in our calls is fixed as it appears, on
    every QGIS version CI runs; what libraries raise among themselves is theirs."""
    deprecated_call = compile("import warnings\nwarnings.warn('old API', DeprecationWarning)", "call.py", "exec")
    for module in ("imagette", "imagette.algorithms.base", "tests.scenes"):
        with pytest.raises(DeprecationWarning):
            exec(deprecated_call, {"__name__": module})
    for module in ("qgis.core", "imagetteish"):
        exec(deprecated_call, {"__name__": module})
