"""Writes the shipped models: models/imagette_landcover.model3 (Sample training patches -> Train patch
classifier -> Classify raster) and models/imagette_landcover_assessed.model3 (the same, then Assess map accuracy).

Built with QgsProcessingModelAlgorithm, so the file is what the graphical modeler itself would save.
The model's inputs are clones of the algorithms' own parameters (same defaults, limits and help).
It writes the same file on QGIS 3.22 and 3.40 (see as_version1 and write_model).
Run it again when those parameters change, and commit the file it writes:

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/make_model.py
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_HASH_SEED", "0")  # Qt then writes XML attributes in the same order every time
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.headless import plugin_dir  # noqa: E402

sys.path.insert(0, str(plugin_dir()))
from imagette.plugin.compat import FLAG_ADVANCED, FLAG_OPTIONAL  # noqa: E402
from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildParameterSource,
    QgsProcessingModelOutput,
    QgsProcessingModelParameter,
)
from qgis.PyQt.QtCore import QPointF  # noqa: E402
from qgis.PyQt.QtXml import QDomDocument  # noqa: E402

GROUP = "Land-cover classification"
# What QGIS 3.38+ adds to a model file that QGIS 3.22 does not write, all of it meaning, with these values, what a
# file without it means to any QGIS (the destination parameters' metadata is derived again on loading): dropped so
# that 3.22 and 3.40 write the same file.
NEWER_KEYS_DEFAULT = {"internal_version": ("Version1",), "outputGroup": ("",), "outputOrder": (None,)}
DERIVED_METADATA = ("_modelChildId", "_modelChildOutputName", "_modelChildProvider")


@dataclass
class ModelSpec:
    """One shipped model: its file, name and help, its inputs and its steps.

    inputs: model input -> (algorithm whose parameter it clones, that parameter's name, help in the model's
    context or None for the algorithm's, advanced). steps: (child id, algorithm, {parameter: model input or
    (child id, child output)}, {model output: (child output, description)}).
    """

    target: Path
    name: str
    short_description: str
    help: str
    inputs: dict[str, tuple[str, str, str | None, bool]]
    steps: tuple


LANDCOVER = ModelSpec(
    REPO / "models" / "imagette_landcover.model3",
    "Land-cover map from polygons",
    "Samples patches in labelled polygons, trains a CNN on them and classifies the raster, in one run.",
    "Makes a land-cover map from an image and a few labelled polygons, in one run: 'Sample training patches' cuts "
    "patches inside the polygons, 'Train patch classifier' trains a CNN on them (validation split by polygon) and "
    "writes the model and its HTML report, and 'Classify raster' classifies the whole image with it into a styled "
    "layer.\n\n"
    "Either kind of network works: a patch classifier (small CNN, ResNets) gives one class per patch, a U-Net one "
    "class per pixel, at the image's resolution; the default is a U-Net. The default 32 px patches suit 10 to 30 m "
    "imagery for every network; on sub-metre imagery, 64 to 256 px give a U-Net the wider context a pixel needs.\n\n"
    "Read the report before trusting the map: its scores are the map's on the validation polygons, with the "
    "per-class F1 and the confusion matrix that show classes overall accuracy hides.\n\n"
    "To change any other option of the three steps, or to add steps: Raster > Imagette > Copy the land-cover models "
    "to my models, then in the Processing Toolbox, Models > Land-cover classification, right-click the copy > Edit "
    "Model… (a model of the plugin itself is read-only).",
    {
        "INPUT_RASTER": (
            "samplepatches",
            "INPUT_RASTER",
            "The image to map: patches are sampled from it, then it is classified.",
            False,
        ),
        "INPUT_VECTOR": ("samplepatches", "INPUT_VECTOR", None, False),
        "CLASS_FIELD": ("samplepatches", "CLASS_FIELD", None, False),
        "ARCHITECTURE": ("trainclassifier", "ARCHITECTURE", None, False),
        "PATCH_SIZE": ("samplepatches", "PATCH_SIZE", None, True),
        "EPOCHS": ("trainclassifier", "EPOCHS", None, True),
        "DEVICE": (
            "trainclassifier",
            "DEVICE",
            "Where training and classification run: auto takes a GPU when there is one.",
            True,
        ),
    },
    (
        (
            "sample",
            "samplepatches",
            {
                "INPUT_RASTER": "INPUT_RASTER",
                "INPUT_VECTOR": "INPUT_VECTOR",
                "CLASS_FIELD": "CLASS_FIELD",
                "PATCH_SIZE": "PATCH_SIZE",
            },
            {},
        ),
        (
            "train",
            "trainclassifier",
            {
                "DATASET": ("sample", "OUTPUT_DATASET"),
                "ARCHITECTURE": "ARCHITECTURE",
                "EPOCHS": "EPOCHS",
                "DEVICE": "DEVICE",
            },
            {"MODEL": ("OUTPUT_MODEL", "Model file"), "REPORT": ("OUTPUT_REPORT", "Training report")},
        ),
        (
            "classify",
            "classifyraster",
            {"INPUT_RASTER": "INPUT_RASTER", "MODEL": ("train", "OUTPUT_MODEL"), "DEVICE": "DEVICE"},
            {"CLASSIFICATION": ("OUTPUT_CLASSIFICATION", "Land-cover map")},
        ),
    ),
)
ASSESSED = ModelSpec(
    REPO / "models" / "imagette_landcover_assessed.model3",
    "Land-cover map from polygons, assessed against reference data",
    "Makes a land-cover map from labelled polygons and assesses it against independent reference data, in one run.",
    "Does what 'Land-cover map from polygons' does, then 'Assess map accuracy' scores the map against a reference "
    "layer you trust (polygons or, better, a stratified random sample of points, independent of the training "
    "polygons): confusion matrix, producer's and user's accuracy, F1, and for points the area-adjusted estimates "
    "with confidence intervals.\n\n"
    "To adapt it: Raster > Imagette > Copy the land-cover models to my models, then edit the copy in the Model "
    "Designer (Processing Toolbox, Models > Land-cover classification, right-click > Edit Model…).",
    {
        **LANDCOVER.inputs,
        "REFERENCE": (
            "assessaccuracy",
            "REFERENCE",
            "Reference polygons or points to assess the map against, independent of the training polygons.",
            False,
        ),
        "REFERENCE_CLASS_FIELD": ("assessaccuracy", "CLASS_FIELD", None, False),
    },
    (
        *LANDCOVER.steps,
        (
            "assess",
            "assessaccuracy",
            {
                "INPUT_CLASSIFICATION": ("classify", "OUTPUT_CLASSIFICATION"),
                "REFERENCE": "REFERENCE",
                "CLASS_FIELD": "REFERENCE_CLASS_FIELD",
            },
            {"ACCURACY_REPORT": ("OUTPUT_REPORT", "Accuracy report")},
        ),
    ),
)
MODELS = (LANDCOVER, ASSESSED)


def build_model(spec: ModelSpec) -> QgsProcessingModelAlgorithm:
    registry = QgsApplication.processingRegistry()
    model = QgsProcessingModelAlgorithm(spec.name, GROUP)
    help_content = {"ALG_DESC": spec.help, "SHORT_DESCRIPTION": spec.short_description, "ALG_CREATOR": "Imagette"}
    for column, (name, (algorithm, cloned, help_text, advanced)) in enumerate(spec.inputs.items()):
        definition = registry.algorithmById(f"imagette:{algorithm}").parameterDefinition(cloned).clone()
        definition.setName(name)
        if help_text:
            definition.setHelp(help_text)
        if advanced:
            definition.setFlags(definition.flags() | FLAG_ADVANCED)
        help_content[name] = definition.help()
        component = QgsProcessingModelParameter(name)
        component.setPosition(QPointF(120 + 220 * column, 60))
        model.addModelParameter(definition, component)

    # The order of the dialog's inputs: QGIS (3.22.x and 3.28+) saves it as the model's 'parameterOrder' and
    # applies it on load; without it, the inputs come in the order of their names (CLASS_FIELD above its layer).
    # The essential inputs in the order of spec.inputs, then the advanced ones.
    essential = [name for name, (*_, advanced) in spec.inputs.items() if not advanced]
    model.setParameterOrder(essential + [name for name in spec.inputs if name not in essential])

    for row, (child_id, algorithm, sources, outputs) in enumerate(spec.steps):
        child = QgsProcessingModelChildAlgorithm(f"imagette:{algorithm}")
        child.setChildId(child_id)
        child.setDescription(registry.algorithmById(f"imagette:{algorithm}").displayName())
        # Every other input of the step gets its default as a static value: the Model Designer (validate()) refuses
        # a mandatory input without a value, even one with a default, and shows the value where a person edits it.
        for definition in registry.algorithmById(f"imagette:{algorithm}").parameterDefinitions():
            unset = not definition.isDestination() and definition.name() not in sources
            if unset and (definition.defaultValue() is not None or not definition.flags() & FLAG_OPTIONAL):
                child.addParameterSources(
                    definition.name(),
                    [QgsProcessingModelChildParameterSource.fromStaticValue(definition.defaultValue())],
                )
        child.setPosition(QPointF(480, 200 + 160 * row))
        for parameter, source in sources.items():
            if isinstance(source, tuple):
                child.addParameterSources(parameter, [QgsProcessingModelChildParameterSource.fromChildOutput(*source)])
            else:
                child.addParameterSources(
                    parameter, [QgsProcessingModelChildParameterSource.fromModelParameter(source)]
                )
        model_outputs = {}
        for position, (name, (child_output, description)) in enumerate(outputs.items()):
            output = QgsProcessingModelOutput(name, description)
            output.setChildId(child_id)
            output.setChildOutputName(child_output)
            output.setPosition(QPointF(760, 200 + 160 * row + 60 * position))
            model_outputs[name] = output
        child.setModelOutputs(model_outputs)
        model.addChildAlgorithm(child)
    model.setHelpContent(help_content)
    return as_version1(model)


def as_version1(model: QgsProcessingModelAlgorithm) -> QgsProcessingModelAlgorithm:
    """The model as QGIS 3.22 builds it, whichever QGIS runs this.

    QGIS 3.38+ gives a model built from scratch internal_version Version2, which names its outputs after their
    descriptions ('model_file' instead of 'train:MODEL'); a model loaded from a file without that key keeps the
    names it always had (Version1). The shipped outputs' names are public: `processing.run` and qgis_process
    callers pass them. The Python API has no setter, so the model goes through its variant.
    """
    variant = model.toVariant()
    if variant.get("internal_version", "Version1") == "Version1":
        return model
    variant["internal_version"] = "Version1"
    version1 = QgsProcessingModelAlgorithm()
    if not version1.loadVariant(variant):
        raise RuntimeError(f"QGIS cannot load the model {model.name()!r} back")
    return version1


def write_model(model: QgsProcessingModelAlgorithm, path: Path) -> None:
    """Writes the .model3 with QgsProcessingModelAlgorithm.toFile, less what QGIS 3.22 would not write.

    Edited as XML, not as a Python dict: converting the model's variant to Python loses Qt's types (a
    StringList would come back as a List).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    written = path.with_name(path.name + ".partial")
    if not model.toFile(str(written)):
        sys.exit(f"Cannot write {written}")
    document = QDomDocument()
    ok, *error = document.setContent(written.read_bytes())
    written.unlink()
    if not ok:
        sys.exit(f"QGIS wrote a model file it cannot read back: {error}")
    top = document.documentElement()
    for option in _options(top):
        name = option.attribute("name")
        if name in NEWER_KEYS_DEFAULT and _value(option) in NEWER_KEYS_DEFAULT[name]:
            top.removeChild(option)
        elif name == "parameterDefinitions":
            for parameter in _options(option):
                for entry in _options(parameter):
                    if entry.attribute("name") == "metadata":
                        for item in _options(entry):
                            if item.attribute("name") in DERIVED_METADATA:
                                entry.removeChild(item)
                        if not _options(entry):  # written by 3.22 as an empty, typeless option
                            entry.removeAttribute("type")
    path.write_text(document.toString(2), encoding="utf-8")


def _options(element) -> list:
    """The <Option> children of a model file's element (QgsXmlUtils' format)."""
    children = element.childNodes()
    return [children.at(i).toElement() for i in range(children.count()) if children.at(i).isElement()]


def _value(option) -> str | None:
    """An option's value attribute, "" for an empty string, None for an empty list or map."""
    if option.hasAttribute("value"):
        return option.attribute("value")
    if option.attribute("type") == "QString":
        return ""
    return None if not _options(option) else "(not empty)"


def main() -> None:
    app = QgsApplication([], False)
    app.initQgis()
    import imagette

    plugin = imagette.classFactory(None)
    plugin.initProcessing()
    for spec in MODELS:
        model = build_model(spec)
        write_model(model, spec.target)
        outputs = ", ".join(d.name() for d in model.destinationParameterDefinitions())
        print(f"{spec.target}: inputs {', '.join(spec.inputs)}; outputs {outputs}")
    plugin.unload()
    app.exitQgis()


if __name__ == "__main__":
    main()
