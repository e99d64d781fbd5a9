"""The public choices of Imagette, one list each, torch-free so that the algorithms, the command line and the
engine all read them (the plugin loads without torch).

Each id tuple is in the order of its Processing enum, and each label tuple follows it: enum orders are a public
contract (scripts and graphical models store the index), so new choices go at the end.
"""

from __future__ import annotations

# imagette:trainclassifier ARCHITECTURE
ARCHITECTURES = ("small_cnn", "resnet18", "resnet34", "resnet50", "unet", "unet_resnet18", "unet_resnet34")
ARCHITECTURE_LABELS = (
    "Small CNN (from scratch)",
    "ResNet-18",
    "ResNet-34",
    "ResNet-50",
    "U-Net (from scratch)",
    "U-Net, ResNet-18 encoder",
    "U-Net, ResNet-34 encoder",
)
SEGMENTATION_ARCHITECTURES = ("unet", "unet_resnet18", "unet_resnet34")
# The U-Net: on the real-imagery benchmark (bench/bench_real.py) its map beat the small CNN's and a per-pixel
# random forest on held-out polygons of both scenes.
DEFAULT_ARCHITECTURE = ARCHITECTURES.index("unet")

# DEVICE of imagette:trainclassifier and imagette:classifyraster (both resolved by engine.device.select_device).
DEVICES = ("auto", "cpu", "cuda")
DEVICE_LABELS = ("Auto (CUDA GPU, then Apple GPU, then CPU)", "CPU", "CUDA GPU")

# imagette:trainclassifier PRETRAINED_MODE
PRETRAINED_MODES = ("finetune", "frozen", "scratch")
PRETRAINED_LABELS = (
    "Fine-tune every layer",
    "Frozen backbone: train the classification layer only",
    "No pretraining: start from random weights",
)

# imagette:trainclassifier CROSS_VALIDATION
CROSS_VALIDATION_MODES = ("auto", "on", "off")
CROSS_VALIDATION_LABELS = (
    "Automatic: when a class has fewer than 3 validation polygons, on small datasets",
    "Always",
    "Never",
)

# imagette:classifyraster METHOD (patch classifiers; segmentation networks always classify per pixel)
METHODS = ("dense", "per_patch")
METHOD_LABELS = ("Dense (fast)", "Per-patch (exact reference, slow)")
SEGMENTATION_METHOD = "per_pixel"

MIN_PATCH_SIZE = 8  # every network halves its input 3 times: sampling and training refuse smaller patches


def is_segmentation(architecture: str) -> bool:
    """Whether the architecture gives one class per pixel (else one class per patch)."""
    return architecture in SEGMENTATION_ARCHITECTURES
