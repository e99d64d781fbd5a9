"""The public choices of Imagette, one list each, torch-free so that the algorithms, the command line and the
engine all read them (the plugin loads without torch).

Each id tuple is in the order of its Processing enum, and each label tuple follows it (labels marked for translation,
translated where they are shown): enum orders are a public
contract (scripts and graphical models store the index), so new choices go at the end.
"""

from __future__ import annotations

from pathlib import Path

from .errors import ImagetteError
from .i18n import tr, tr_noop

# imagette:trainclassifier ARCHITECTURE
ARCHITECTURES = ("small_cnn", "resnet18", "resnet34", "resnet50", "unet", "unet_resnet18", "unet_resnet34")
ARCHITECTURE_LABELS = (
    tr_noop("Small CNN (from scratch)"),
    tr_noop("ResNet-18"),
    tr_noop("ResNet-34"),
    tr_noop("ResNet-50"),
    tr_noop("U-Net (from scratch)"),
    tr_noop("U-Net, ResNet-18 encoder"),
    tr_noop("U-Net, ResNet-34 encoder"),
)
SEGMENTATION_ARCHITECTURES = ("unet", "unet_resnet18", "unet_resnet34")
# The U-Net: on the real-imagery benchmark (bench/bench_real.py) its map beat the small CNN's and a per-pixel
# random forest on held-out polygons of both scenes.
DEFAULT_ARCHITECTURE = ARCHITECTURES.index("unet")

# DEVICE of imagette:trainclassifier and imagette:classifyraster (both resolved by engine.device.select_device).
DEVICES = ("auto", "cpu", "cuda")
DEVICE_LABELS = (tr_noop("Auto (CUDA GPU, then Apple GPU, then CPU)"), tr_noop("CPU"), tr_noop("CUDA GPU"))

# imagette:trainclassifier PRETRAINED_MODE
PRETRAINED_MODES = ("finetune", "frozen", "scratch")
PRETRAINED_LABELS = (
    tr_noop("Fine-tune every layer"),
    tr_noop("Frozen backbone: train the classification layer only"),
    tr_noop("No pretraining: start from random weights"),
)

# imagette:trainclassifier CROSS_VALIDATION
CROSS_VALIDATION_MODES = ("auto", "on", "off")
CROSS_VALIDATION_LABELS = (
    tr_noop("Automatic: when a class has fewer than 3 validation polygons, on small datasets"),
    tr_noop("Always"),
    tr_noop("Never"),
)

# imagette:trainclassifier FOLDS default. Three folds cost two trainings of the model's size (five cost four): each
# training polygon is still scored once, by a network trained on two thirds of the others, a little weaker than the
# model, so the score errs low rather than flattering the map.
FOLDS = 3

# imagette:trainclassifier PATCHES_PER_EPOCH default (0: every patch). A larger dataset trains on a new random
# part of its patches each epoch: epochs keep a laptop's pace, early stopping looks at the validation score as
# often, and over the epochs every patch is seen.
PATCHES_PER_EPOCH = 2048

# imagette:classifyraster METHOD (patch classifiers; segmentation networks always classify per pixel)
METHODS = ("dense", "per_patch")
METHOD_LABELS = (tr_noop("Dense (fast)"), tr_noop("Per-patch (exact reference, slow)"))
SEGMENTATION_METHOD = "per_pixel"
# How the log and messages name a method: the English is the id, which the GeoTIFF's IMAGETTE_METHOD tag keeps.
METHOD_NAMES = {"dense": tr_noop("dense"), "per_patch": tr_noop("per_patch"), "per_pixel": tr_noop("per_pixel")}

# imagette:classifyraster ENGINE and `imagette classify --engine`: what runs the network. Each runs its own files:
# PyTorch the model files training writes (.pt), ONNX Runtime those exported from them (.onnx); auto follows the file.
ENGINES = ("auto", "pytorch", "onnxruntime")
ENGINE_LABELS = (
    tr_noop("Auto (PyTorch for a model file .pt, ONNX Runtime for an .onnx file)"),
    tr_noop("PyTorch"),
    tr_noop("ONNX Runtime"),
)
PYTORCH, ONNX_RUNTIME = ENGINES[1:]

MIN_PATCH_SIZE = 8  # every network halves its input 3 times: sampling and training refuse smaller patches


def method_name(method: str) -> str:
    """A method's name in messages, in the person's language."""
    return tr(METHOD_NAMES[method]) if method in METHOD_NAMES else method


def is_segmentation(architecture: str) -> bool:
    """Whether the architecture gives one class per pixel (else one class per patch)."""
    return architecture in SEGMENTATION_ARCHITECTURES


def engine_for(model_path: str, engine: str = ENGINES[0]) -> str:
    """The engine that runs the model: PYTORCH or ONNX_RUNTIME, as asked or (auto) as the file's suffix says.

    Raises:
        ImagetteError: an unknown engine, or one asked for a file it cannot run (the message gives the fix).
    """
    from .onnxfile import EXTENSION  # the ONNX file's owner; imported here, as it needs numpy

    if engine not in ENGINES:
        raise ImagetteError(
            tr("Unknown engine {engine}; choose one of {choices}.").format(
                engine=repr(engine), choices=", ".join(ENGINES)
            )
        )
    name = Path(model_path).name
    onnx = Path(model_path).suffix.lower() == EXTENSION
    if engine == PYTORCH and onnx:
        raise ImagetteError(
            tr(
                "PyTorch was asked for, but '{name}' is an ONNX file: PyTorch runs the model files (.pt) that 'Train "
                "patch classifier' writes. Choose the engine ONNX Runtime (or Auto) for this file, or give the model "
                "file (.pt) it was exported from."
            ).format(name=name)
        )
    if engine == ONNX_RUNTIME and not onnx:
        raise ImagetteError(
            tr(
                "ONNX Runtime was asked for, but '{name}' is not an ONNX file (.onnx): ONNX Runtime runs models "
                "exported from a model file. Export the model first with 'Export model to ONNX' (imagette:exportmodel) "
                "and classify the .onnx file, or choose the engine PyTorch (or Auto) for this model file."
            ).format(name=name)
        )
    return ONNX_RUNTIME if onnx else PYTORCH
