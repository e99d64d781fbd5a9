"""Writes models/imagette_landcover.model3: Sample training patches -> Train patch classifier -> Classify raster.

Built with QgsProcessingModelAlgorithm, so the file is what the graphical modeler itself would save.
The model's inputs are clones of the algorithms' own parameters (same defaults, limits and help).
Run it again when those parameters change, and commit the file it writes:

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/make_model.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_HASH_SEED", "0")  # Qt then writes XML attributes in the same order every time
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.headless import plugin_dir  # noqa: E402

sys.path.insert(0, str(plugin_dir()))
from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildParameterSource,
    QgsProcessingModelOutput,
    QgsProcessingModelParameter,
    QgsProcessingParameterDefinition,
)
from qgis.PyQt.QtCore import QPointF  # noqa: E402

TARGET = REPO / "models" / "imagette_landcover.model3"
NAME = "Land-cover map from polygons"
GROUP = "Land-cover classification"
SHORT_DESCRIPTION = "Samples patches in labelled polygons, trains a CNN on them and classifies the raster, in one run."
HELP = (
    "Makes a land-cover map from an image and a few labelled polygons, in one run: 'Sample training patches' cuts "
    "patches inside the polygons, 'Train patch classifier' trains a CNN on them (validation split by polygon) and "
    "writes the model and its HTML report, and 'Classify raster' classifies the whole image with it into a styled "
    "layer.\n\n"
    "Either kind of network works: a patch classifier (small CNN, ResNets) gives one class per patch, a U-Net one "
    "class per pixel, at the image's resolution. For a U-Net, set the patch size to 64 px or more.\n\n"
    "Read the report before trusting the map: the per-class F1 and the confusion matrix show classes that overall "
    "accuracy hides. Open the model in the graphical modeler to change any other option of the three steps."
)
# Model input -> (algorithm whose parameter it clones, help in the model's context, advanced)
INPUTS = {
    "INPUT_RASTER": ("samplepatches", "The image to map: patches are sampled from it, then it is classified.", False),
    "INPUT_VECTOR": ("samplepatches", None, False),
    "CLASS_FIELD": ("samplepatches", None, False),
    "ARCHITECTURE": ("trainclassifier", None, False),
    "PATCH_SIZE": ("samplepatches", None, True),
    "EPOCHS": ("trainclassifier", None, True),
    "DEVICE": ("trainclassifier", "Where training and classification run: auto takes a GPU when there is one.", True),
}
# child id, algorithm, {parameter: model input or (child id, child output)}, {model output: (child output, description)}
STEPS = (
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
)


def build_model() -> QgsProcessingModelAlgorithm:
    registry = QgsApplication.processingRegistry()
    model = QgsProcessingModelAlgorithm(NAME, GROUP)
    help_content = {"ALG_DESC": HELP, "SHORT_DESCRIPTION": SHORT_DESCRIPTION, "ALG_CREATOR": "Imagette"}
    for column, (name, (algorithm, help_text, advanced)) in enumerate(INPUTS.items()):
        definition = registry.algorithmById(f"imagette:{algorithm}").parameterDefinition(name).clone()
        if help_text:
            definition.setHelp(help_text)
        if advanced:
            definition.setFlags(definition.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        help_content[name] = definition.help()
        component = QgsProcessingModelParameter(name)
        component.setPosition(QPointF(120 + 220 * column, 60))
        model.addModelParameter(definition, component)

    for row, (child_id, algorithm, sources, outputs) in enumerate(STEPS):
        child = QgsProcessingModelChildAlgorithm(f"imagette:{algorithm}")
        child.setChildId(child_id)
        child.setDescription(registry.algorithmById(f"imagette:{algorithm}").displayName())
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
    return model


def main() -> None:
    app = QgsApplication([], False)
    app.initQgis()
    import imagette

    plugin = imagette.classFactory(None)
    plugin.initProcessing()
    model = build_model()
    TARGET.parent.mkdir(exist_ok=True)
    if not model.toFile(str(TARGET)):
        sys.exit(f"Cannot write {TARGET}")
    print(
        f"{TARGET}: inputs {', '.join(INPUTS)}; outputs {', '.join(d.name() for d in model.destinationParameterDefinitions())}"
    )
    plugin.unload()
    app.exitQgis()


if __name__ == "__main__":
    main()
