"""Writes a model file's network as ONNX, in one of two flavours (onnxfile.FLAVOURS).

- imagette: the network as it is, for Imagette's own classification and for any ONNX Runtime
  program. Input: band values normalised with the model's statistics ((raw - mean) / std, nodata 0),
  NCHW float32. Segmentation networks take tiles of any height and width (padded inside the graph to
  their downsampling, as Segmenter.forward does) and give logits (N, classes, H, W); patch classifiers
  take patches of the training size (N, bands, patch, patch) and give logits (N, classes).
- deepness: segmentation networks only, in the layout the Deepness plugin runs without editing: the
  graph takes band values divided by 255 (what Deepness feeds), undoes that, normalises, runs the
  network and returns per-class probabilities (softmax) on square tiles of a fixed side, with the keys
  Deepness reads (onnxfile.deepness_properties).

The export runs torch's TorchScript-based exporter (dynamo=False), which needs the `onnx` package but
not onnxscript. Imported by the algorithm only when it runs: importing it imports torch.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import Tensor, nn

from .choices import is_segmentation
from .dense import inference_copy
from .errors import ImagetteError
from .i18n import tr, tr_noop
from .io import check_writable, replaced_atomically
from .modelfile import ModelFile, load_model
from .models import PatchClassifier, Segmenter
from .onnxfile import (
    DYNAMIC,
    EXTENSION,
    FLAVOURS,
    INPUT_NAME,
    LOGITS,
    NORMALIZED,
    OUTPUT_NAME,
    PATCH_CLASSIFIER,
    PROBABILITIES,
    RAW_OVER_255,
    SEGMENTATION,
    add_properties,
    deepness_properties,
    deepness_resolution,
    deepness_tiling,
    imagette_properties,
    import_problem,
)
from .progress import Progress
from .versions import package_version, software_versions

OPSET = 17  # run by ONNX Runtime 1.12 (2022) and later, Deepness's included
ONNX_REQUIREMENT = "onnx"
KIND_NAMES = {SEGMENTATION: tr_noop("segmentation"), PATCH_CLASSIFIER: tr_noop("patch classifier")}  # in the log


@dataclass
class ExportResult:
    """What was written: the file, its flavour, the kind of network and the graph's input shape."""

    path: Path
    flavour: str
    kind: str
    input_shape: list[int | str]
    notes: list[str] = field(default_factory=list)


class PaddedSegmenter(nn.Module):
    """A segmentation network on tiles of any size: padded to its downsampling inside the graph, then cropped.

    Segmenter.forward pads only when needed (a Python branch the exporter would freeze for the example's
    size); this pads always, by an amount computed in the graph (0 when the size is a multiple already).
    """

    def __init__(self, network: Segmenter) -> None:
        super().__init__()
        self.network = network

    def forward(self, x: Tensor) -> Tensor:
        height, width = x.shape[-2], x.shape[-1]
        divisor = self.network.divisor
        padded = nn.functional.pad(
            x, (0, (divisor - width % divisor) % divisor, 0, (divisor - height % divisor) % divisor)
        )
        return self.network.forward_padded(padded)[..., :height, :width]


class DeepnessSegmenter(nn.Module):
    """What Deepness cannot do, baked in: raw values from Deepness's 0..1 scaling, normalisation, softmax."""

    mean: Tensor
    std: Tensor

    def __init__(self, network: Segmenter, mean: list[float], std: list[float]) -> None:
        super().__init__()
        self.network = network
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32).reshape(1, -1, 1, 1))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32).reshape(1, -1, 1, 1))

    def forward(self, x: Tensor) -> Tensor:
        normalized = (x * 255.0 - self.mean) / self.std
        # Tiles are square, of a fixed side that is a multiple of the downsampling: no padding, and the output's
        # height and width stay numbers, which Deepness checks (a square output).
        return torch.softmax(self.network.forward_padded(normalized), dim=1)


@dataclass
class ExportGraph:
    """What one flavour exports: the module, an example input, the dynamic axes, the descriptions of the graph's
    input and output (onnxfile's `input` and `output`) and the flavour's own properties."""

    module: nn.Module
    example: Tensor
    dynamic_axes: dict
    input: dict
    output: dict
    properties: dict


def _graph(model: ModelFile, flavour: str) -> ExportGraph:
    """The graph of the model's network in the flavour, or an error saying why the flavour does not fit."""
    bands, patch = model.band_count, model.patch_size
    network = inference_copy(model.network)  # batch norms folded, as PyTorch classifies (dense.py)
    normalization = model.metadata["normalization"]
    if flavour == FLAVOURS[1]:
        if not isinstance(network, Segmenter):
            raise ImagetteError(
                tr(
                    "Deepness runs segmentation networks only (its 'Segmentor' models, one class per pixel), and this "
                    "model is a patch classifier ({architecture}: one class per patch). Export it in the Imagette "
                    "format (FORMAT 0) to classify with it through ONNX Runtime, or train a U-Net (ARCHITECTURE "
                    "'U-Net') on the same dataset to use it in Deepness."
                ).format(architecture=model.architecture)
            )
        tile, overlap = deepness_tiling(patch, network.divisor)
        resolution = deepness_resolution(
            [float(v) for v in model.metadata.get("pixel_size") or []], model.metadata.get("crs")
        )
        module: nn.Module = DeepnessSegmenter(network, list(normalization["mean"]), list(normalization["std"]))
        example = torch.zeros(1, bands, tile, tile)
        axes = {INPUT_NAME: {0: "batch"}, OUTPUT_NAME: {0: "batch"}}
        described_input = {"height": tile, "width": tile, "values": RAW_OVER_255, "divisor": network.divisor}
        described_output = {"layout": "NCHW", "values": PROBABILITIES}
        extra = deepness_properties(list(model.metadata["classes"]), tile, overlap, resolution)
    elif isinstance(network, Segmenter):
        module = PaddedSegmenter(network)
        example = torch.zeros(1, bands, max(patch, 2 * network.divisor), max(patch, 2 * network.divisor))
        dynamic = {0: "batch", 2: "height", 3: "width"}
        axes = {INPUT_NAME: dynamic, OUTPUT_NAME: dynamic}
        described_input = {"height": DYNAMIC, "width": DYNAMIC, "values": NORMALIZED, "divisor": network.divisor}
        described_output = {"layout": "NCHW", "values": LOGITS}
        extra = {}
    else:
        assert isinstance(network, PatchClassifier)
        module = network
        example = torch.zeros(1, bands, patch, patch)
        axes = {INPUT_NAME: {0: "batch"}, OUTPUT_NAME: {0: "batch"}}
        described_input = {"height": patch, "width": patch, "values": NORMALIZED, "divisor": 1}
        described_output = {"layout": "NC", "values": LOGITS}
        extra = {}
    return ExportGraph(
        module.eval(),
        example,
        axes,
        {"name": INPUT_NAME, "layout": "NCHW", "dtype": "float32", **described_input},
        {"name": OUTPUT_NAME, "dtype": "float32", **described_output},
        extra,
    )


def export_onnx(
    model_path: str | Path, output_path: str | Path, flavour: str = FLAVOURS[0], progress: Progress | None = None
) -> ExportResult:
    """Exports the model file's network to output_path (.onnx) with its metadata, written atomically.

    Raises:
        ImagetteError: the model cannot be read, the flavour does not fit the network, the onnx package is
            missing, or the file cannot be written (the message says why and what to do).
    """
    progress = progress or Progress()
    output_path = Path(output_path)
    if flavour not in FLAVOURS:
        raise ImagetteError(
            tr("Unknown ONNX flavour {flavour}; choose one of {choices}.").format(
                flavour=repr(flavour), choices=", ".join(FLAVOURS)
            )
        )
    if output_path.suffix.lower() != EXTENSION:
        raise ImagetteError(
            tr("ONNX models are .onnx files: give '{path}' the .onnx extension.").format(path=output_path)
        )
    problem = import_problem("onnx")  # torch's exporter needs it
    if problem is not None:
        raise ImagetteError(
            tr(
                "Exporting to ONNX needs the '{package}' package, which cannot be imported here ({problem}). Install "
                "it into this Python with:  {command}"
            ).format(package=ONNX_REQUIREMENT, problem=problem, command=f"pip install {ONNX_REQUIREMENT}")
        )
    import onnx

    model = load_model(model_path)
    check_writable(output_path)
    kind = SEGMENTATION if is_segmentation(model.architecture) else PATCH_CLASSIFIER
    graph = _graph(model, flavour)
    software = {**software_versions(), "onnx": package_version("onnx")}
    properties = {
        **imagette_properties(model.metadata, model.architecture, kind, flavour, graph.input, graph.output, software),
        **graph.properties,
    }
    progress.info(
        tr(
            "Exporting '{model}' ({architecture}, {kind}, {bands} band(s), {classes} classes) as ONNX, {flavour} flavour."
        ).format(
            model=Path(model_path).name,
            architecture=model.architecture,
            kind=tr(KIND_NAMES[kind]),
            bands=model.band_count,
            classes=len(model.classes),
            flavour=flavour,
        )
    )
    progress.check_canceled()
    with replaced_atomically(output_path) as temporary, warnings.catch_warnings():
        # The tracer warns about the shapes it records as computations: that is what makes them dynamic.
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        with torch.no_grad():
            torch.onnx.export(
                graph.module,
                (graph.example,),
                str(temporary),
                dynamo=False,
                input_names=[INPUT_NAME],
                output_names=[OUTPUT_NAME],
                dynamic_axes=graph.dynamic_axes,
                opset_version=OPSET,
            )
        progress.check_canceled()
        written = onnx.load(str(temporary))
        add_properties(written, properties)
        onnx.checker.check_model(written)
        onnx.save(written, str(temporary))
    shape: list[int | str] = ["batch", model.band_count, graph.input["height"], graph.input["width"]]
    notes = []
    if flavour == FLAVOURS[1]:
        notes.append(
            tr(
                "Deepness: tiles of {size} x {size} px overlapping by {overlap} %, class names in its legend, "
                "probability threshold and small-area removal off."
            ).format(size=properties["tiles_size"], overlap=properties["tiles_overlap"])
        )
        if "resolution" not in properties:
            notes.append(
                tr(
                    "The training raster's CRS is not in metres (or is unknown): the file carries no resolution, and "
                    "Deepness will ask for the pixel size to process at (it needs a raster in a projected CRS)."
                )
            )
    elif kind == SEGMENTATION:
        notes.append(
            tr(
                "Input: band values normalised with the metadata's mean and std, NCHW float32, tiles of any height and "
                "width; output: class logits per pixel."
            )
        )
    else:
        notes.append(
            tr(
                "Input: band values normalised with the metadata's mean and std, NCHW float32, patches of {size} x "
                "{size} px; output: class logits per patch."
            ).format(size=model.patch_size)
        )
    for note in notes:
        progress.info(note)
    progress.set_percent(100)
    return ExportResult(output_path, flavour, kind, shape, notes)
