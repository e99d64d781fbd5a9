"""Writes a model file's network as ONNX, in one of two flavours (onnxfile.FLAVOURS).

- imagette: the network as it is, for Imagette's own classification and for any ONNX Runtime
  program. Input: band values normalised with the model's statistics ((raw - mean) / std, nodata 0),
  NCHW float32. Segmentation networks take tiles of any height and width (padded inside the graph to
  their downsampling, as Segmenter.forward does) and give logits (N, classes, H, W). Patch classifiers
  are exported in their dense form (onnxfile's `dense`): tiles of any height and width, the logits of
  the head at every feature position, in one conversion per real stride (dense.dense_variants) that a
  second input chooses, so that ONNX Runtime evaluates tiles densely at any output stride as PyTorch does.
- deepness: segmentation networks only, in the layout the Deepness plugin runs without editing: the
  graph takes band values divided by 255 (what Deepness feeds), undoes that, normalises, runs the
  network and returns per-class probabilities (softmax) on square tiles of a fixed side, with the keys
  Deepness reads (onnxfile.deepness_properties).

The export runs torch's TorchScript-based exporter (dynamo=False), which needs the `onnx` package but
not onnxscript. Imported by the algorithm only when it runs: importing it imports torch.
"""

from __future__ import annotations

import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from .choices import is_segmentation
from .dense import dense_variants, inference_copy
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
    SELECTOR_NAME,
    add_properties,
    deepness_properties,
    deepness_resolution,
    deepness_tiling,
    dense_properties,
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


class PositionScores(nn.Module):
    """A patch classifier converted for dense evaluation, with its head applied at every feature position.

    The head is linear, so it commutes with the patch's global average (as in dense.dense_logits): a patch's
    logits are the average of its positions' logits, which the reader takes at the output stride it chose.
    """

    def __init__(self, network: PatchClassifier) -> None:
        super().__init__()
        self.network = network

    def forward(self, x: Tensor) -> Tensor:
        head = self.network.head
        return nn.functional.conv2d(self.network.forward_features(x), head.weight[:, :, None, None], head.bias)


@dataclass
class ExportGraph:
    """What one flavour exports: the modules (one, or one per real stride of a patch classifier's dense form), an
    example input, the dynamic axes, the descriptions of the graph's input and output (onnxfile's `input` and
    `output`) and the flavour's own properties."""

    modules: dict[int, nn.Module]
    example: Tensor
    dynamic_axes: dict
    input: dict
    output: dict
    properties: dict


def _graph(model: ModelFile, flavour: str) -> ExportGraph:
    """The graph of the model's network in the flavour, or an error saying why the flavour does not fit."""
    bands, patch = model.band_count, model.patch_size
    normalization = model.metadata["normalization"]
    if isinstance(model.network, PatchClassifier):
        if flavour == FLAVOURS[1]:
            raise ImagetteError(
                tr(
                    "Deepness runs segmentation networks only (its 'Segmentor' models, one class per pixel), and this "
                    "model is a patch classifier ({architecture}: one class per patch). Export it in the Imagette "
                    "format (FORMAT 0) to classify with it through ONNX Runtime, or train a U-Net (ARCHITECTURE "
                    "'U-Net') on the same dataset to use it in Deepness."
                ).format(architecture=model.architecture)
            )
        variants = dense_variants(model.network, patch, bands)  # batch norms folded, as PyTorch classifies
        modules: dict[int, nn.Module] = {variant.real_stride: PositionScores(variant.network) for variant in variants}
        # Twice the patch: a tile larger than a patch, so that no size of the example is mistaken for a constant.
        example = torch.zeros(1, bands, 2 * patch, 2 * patch)
        axes = {INPUT_NAME: {0: "batch", 2: "height", 3: "width"}, OUTPUT_NAME: {0: "batch", 2: "rows", 3: "columns"}}
        described_input = {"height": DYNAMIC, "width": DYNAMIC, "values": NORMALIZED, "divisor": 1}
        described_output = {"layout": "NCHW", "values": LOGITS}
        extra = {"dense": dense_properties(list(variants))}
    elif flavour == FLAVOURS[1]:
        network = inference_copy(model.network)  # batch norms folded, as PyTorch classifies (dense.py)
        tile, overlap = deepness_tiling(patch, network.divisor)
        resolution = deepness_resolution(
            [float(v) for v in model.metadata.get("pixel_size") or []], model.metadata.get("crs")
        )
        modules = {1: DeepnessSegmenter(network, list(normalization["mean"]), list(normalization["std"]))}
        example = torch.zeros(1, bands, tile, tile)
        axes = {INPUT_NAME: {0: "batch"}, OUTPUT_NAME: {0: "batch"}}
        described_input = {"height": tile, "width": tile, "values": RAW_OVER_255, "divisor": network.divisor}
        described_output = {"layout": "NCHW", "values": PROBABILITIES}
        extra = deepness_properties(list(model.metadata["classes"]), tile, overlap, resolution)
    else:
        network = inference_copy(model.network)
        modules = {1: PaddedSegmenter(network)}
        example = torch.zeros(1, bands, max(patch, 2 * network.divisor), max(patch, 2 * network.divisor))
        dynamic = {0: "batch", 2: "height", 3: "width"}
        axes = {INPUT_NAME: dynamic, OUTPUT_NAME: dynamic}
        described_input = {"height": DYNAMIC, "width": DYNAMIC, "values": NORMALIZED, "divisor": network.divisor}
        described_output = {"layout": "NCHW", "values": LOGITS}
        extra = {}
    return ExportGraph(
        {key: module.eval() for key, module in modules.items()},
        example,
        axes,
        {"name": INPUT_NAME, "layout": "NCHW", "dtype": "float32", **described_input},
        {"name": OUTPUT_NAME, "dtype": "float32", **described_output},
        extra,
    )


def _traced(module: nn.Module, example: Tensor, axes: dict) -> Any:
    """The module as an onnx.ModelProto, traced by torch's TorchScript-based exporter."""
    import onnx

    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings(), torch.no_grad():
        # The tracer warns about the shapes it records as computations: that is what makes them dynamic.
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        torch.onnx.export(
            module,
            (example,),
            f"{folder}/graph.onnx",
            dynamo=False,
            input_names=[INPUT_NAME],
            output_names=[OUTPUT_NAME],
            dynamic_axes=axes,
            opset_version=OPSET,
        )
        return onnx.load(f"{folder}/graph.onnx")


def _chosen_by_real_stride(graphs: dict[int, Any]) -> Any:
    """One model running the graph of the real stride its SELECTOR_NAME input names.

    Each graph becomes a branch of nested If nodes (ONNX Runtime computes every output of a graph whatever a run
    asks for, so the graphs cannot stand side by side as outputs; an If runs its chosen branch only). The selector
    is an int64 scalar; a value that names no smaller real stride runs the largest, the network as it is. It has
    no default: an input with a default (an initializer) makes ONNX Runtime warn on every session it opens.
    Each branch holds its own copy of the weights, although the conversions differ only in strides, paddings and
    dilations: ONNX Runtime prepares the weights of its fastest CPU convolutions only where they are the branch's
    own, and the dense tiles ran about 1.5 times slower on weights stored once in the main graph.
    """
    from onnx import TensorProto, helper, numpy_helper

    reals = sorted(graphs)
    branches = {}
    for real, model in graphs.items():
        graph, prefix = model.graph, f"r{real}_"
        nodes = []
        for node in graph.node:
            renamed = helper.make_node(
                node.op_type,
                [name if name in ("", INPUT_NAME) else prefix + name for name in node.input],
                [prefix + name for name in node.output],
                name=prefix + node.name,
                domain=node.domain,
            )
            renamed.attribute.extend(node.attribute)
            nodes.append(renamed)
        weights = []
        for tensor in graph.initializer:
            weights.append(type(tensor)())
            weights[-1].CopyFrom(tensor)
            weights[-1].name = prefix + tensor.name
        result = helper.make_tensor_value_info(prefix + graph.output[0].name, TensorProto.FLOAT, None)
        branches[real] = helper.make_graph(nodes, f"real_stride_{real}", [], [result], initializer=weights)
    initializers = []
    # From the largest real stride down: each If runs its real stride's branch, or else the chain built so far.
    chosen = branches[reals[-1]]
    for real in reversed(reals[:-1]):
        condition, output = f"real_stride_is_{real}", f"scores_from_{real}"
        initializers.append(numpy_helper.from_array(np.array(real, dtype=np.int64), f"real_stride_{real}"))
        nodes = [
            helper.make_node("Equal", [SELECTOR_NAME, f"real_stride_{real}"], [condition]),
            helper.make_node("If", [condition], [output], then_branch=branches[real], else_branch=chosen),
        ]
        chosen = helper.make_graph(
            nodes, f"from_real_stride_{real}", [], [helper.make_tensor_value_info(output, TensorProto.FLOAT, None)]
        )
    largest = graphs[reals[-1]]
    scores = type(largest.graph.output[0])()
    scores.CopyFrom(largest.graph.output[0])
    main = helper.make_graph(
        [*chosen.node, helper.make_node("Identity", [chosen.output[0].name], [OUTPUT_NAME])],
        "imagette_dense_patch_classifier",
        [largest.graph.input[0], helper.make_tensor_value_info(SELECTOR_NAME, TensorProto.INT64, [])],
        [scores],
        initializer=initializers,
    )
    return helper.make_model(main, opset_imports=largest.opset_import, ir_version=largest.ir_version)


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
    with replaced_atomically(output_path) as temporary:
        traced = {}
        for real, module in graph.modules.items():
            traced[real] = _traced(module, graph.example, graph.dynamic_axes)
            progress.check_canceled()
        # A dense form always takes the selector, even with one real stride; other graphs are one module.
        written = _chosen_by_real_stride(traced) if "dense" in graph.properties else traced[1]
        add_properties(written, properties)
        onnx.checker.check_model(written)
        onnx.save(written, str(temporary))
    shape: list[int | str] = ["batch", model.band_count, graph.input["height"], graph.input["width"]]
    feature_size = graph.properties["dense"]["variants"][0]["feature_size"] if "dense" in graph.properties else 0
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
                "Input: band values normalised with the metadata's mean and std, NCHW float32, tiles of any height and "
                "width; output: the class logits at every position of the feature map, a patch's being the average "
                "of its {size} x {size} positions; the input '{selector}' chooses the real stride (the network's "
                "downsampling: the network as it is)."
            ).format(size=feature_size, selector=SELECTOR_NAME)
        )
    for note in notes:
        progress.info(note)
    progress.set_percent(100)
    return ExportResult(output_path, flavour, kind, shape, notes)
