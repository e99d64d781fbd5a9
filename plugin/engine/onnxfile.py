"""The ONNX model file: what Imagette writes as the model's ONNX metadata, and reads back.

An exported model is one ONNX graph with one input (a patch classifier's dense form has a second one) and
one output; everything classification needs travels in the model's metadata_props, each value a JSON string
(as Deepness reads them):
    imagette_format          "imagette-onnx"
    imagette_format_version  2 (1: before the form and the dense form of patch classifiers; still read)
    flavour                  "imagette" or "deepness" (FLAVOURS)
    kind                     "segmentation" (class scores per pixel) or "patch_classifier" (per patch)
    form                     "dense" (tiles of any height and width) or "per_patch" (patches of the
                             training size only); absent in version 1: per_patch for patch classifiers
    architecture             one of choices.ARCHITECTURES
    classes                  [{code, name, color}]; output channel i is classes[i]
    bands                    {count, names, dtype, nodata} of the training raster
    normalization            {mean, std} per band, of the raw band values
    patch_size               training patch side, in pixels
    pixel_size, crs, crs_name  of the training raster (pixel size in CRS units)
    nodata_tolerance         share of nodata a training patch could hold (patch classifiers)
    input                    {name, layout "NCHW", values, height, width, divisor}: values "normalized"
                             ((raw - mean) / std, nodata set to 0) or "raw/255" (Deepness); height and
                             width a number of pixels or "dynamic"
    output                   {name, layout "NCHW" or "NC", values "logits" or "probabilities"}
    dense                    patch classifiers in the dense form: {selector, variants}, see below
    software                 versions that exported the file; trained_with: those that trained it

A patch classifier's dense form gives the logits of its head at every feature position, (N, classes,
rows, columns): a patch's logits are the average of its feature_size x feature_size positions, `dilation`
apart. Its feature positions are `real_stride` input pixels apart; the graph holds one conversion of the
network per real stride (dense.dense_variants), chosen by its second input, which `selector` names
(`real_stride`, an int64 scalar; the largest is the network as it is, which on patches of the training size
gives each its feature map). `variants` describes each as a dense_plan.DenseGeometry without its stride and
patch size: what Imagette's tiles need to read it as PyTorch's do (dense_geometry).

The Deepness flavour adds the keys Deepness reads (DEEPNESS_KEYS; see deepness_properties).
This module owns that format: it builds the properties, writes them into an onnx.ModelProto and
reads them back from a file, with onnxruntime or onnx (whichever is installed), never torch. It also
reads models made for Deepness by other tools (deepness_model_info): their segmentation models
classify as Imagette's own exports do.
"""

from __future__ import annotations

import ast
import importlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .classes import ClassEntry, palette_color, table_from_dicts, table_to_dicts
from .dataset import PatchMetadata
from .dense_plan import DenseGeometry
from .errors import ImagetteError
from .i18n import tr

FORMAT = "imagette-onnx"
FORMAT_VERSION = 2
READ_VERSIONS = (1, 2)  # a version 1 file is a per-patch patch classifier or a U-Net: read as it is
EXTENSION = ".onnx"
FLAVOURS = ("imagette", "deepness")  # order of the FORMAT enum of imagette:exportmodel: a public contract
SEGMENTATION, PATCH_CLASSIFIER = "segmentation", "patch_classifier"
NORMALIZED, RAW_OVER_255 = "normalized", "raw/255"  # what the graph's input holds
LOGITS, PROBABILITIES = "logits", "probabilities"  # what its output holds
DYNAMIC = "dynamic"
DENSE, PER_PATCH = "dense", "per_patch"  # forms of the graph: tiles of any size, or patches of the training size
INPUT_NAME, OUTPUT_NAME = "input", "scores"
SELECTOR_NAME = "real_stride"  # the dense form's second input: which conversion runs
# What a dense variant's description holds: a DenseGeometry without what the classification sets.
VARIANT_FIELDS = tuple(entry.name for entry in fields(DenseGeometry) if entry.name not in ("stride", "patch_size"))
# What classification reads; a file without one of them is refused on opening.
REQUIRED_KEYS = (
    "imagette_format",
    "imagette_format_version",
    "kind",
    "classes",
    "bands",
    "normalization",
    "patch_size",
)
# Keys Deepness documents or reads (qgis-plugin-deepness, "Adding metadata to ONNX model", ModelBase):
# its documentation names the tile size 'tiles_size', its code reads 'tile_size': both are written.
DEEPNESS_KEYS = ("model_type", "class_names", "resolution", "tiles_size", "tile_size", "tiles_overlap", "seg_thresh")
DEEPNESS_TILE = 256  # smallest tile side written for Deepness, in pixels
DEEPNESS_MAX_OVERLAP = 0.5  # share of a Deepness tile its overlap may take; larger halos get larger tiles
DEEPNESS_SEGMENTOR = "Segmentor"  # the Deepness model type Imagette classifies with (the others detect or regress)
DEEPNESS_DEFAULT_TILE = 512  # tile side, in pixels, of a Deepness model whose graph and metadata fix none
DEEPNESS_DEFAULT_OVERLAP = 15  # percent of the tile side, for a Deepness model whose metadata give none


def import_problem(module: str) -> str | None:
    """Why an optional package (onnx for the export, onnxruntime for classification) cannot be imported, or None."""
    try:
        importlib.import_module(module)
    except Exception as error:  # a broken install fails in many ways: report any
        return f"{type(error).__name__}: {error}"
    return None


@dataclass
class OnnxModelInfo(PatchMetadata):
    """The metadata of an exported model, read back.

    Attributes:
        metadata: what classification reads, shaped as a model file's metadata (bands, normalization,
            patch_size, pixel_size, crs, crs_name, classes, dataset.sampling.nodata_tolerance).
        properties: every metadata property, decoded from JSON (strings that are not JSON as they are).
    """

    path: Path
    flavour: str
    kind: str
    form: str
    architecture: str
    input: dict
    output: dict
    metadata: dict
    properties: dict

    def dense_geometry(self, stride: int) -> DenseGeometry:
        """How the dense form reads tiles at this output stride: the variant of the largest real stride dividing
        it, the one PyTorch's conversion for that stride runs (dense.to_dense)."""
        variants = [entry for entry in self.properties["dense"]["variants"] if stride % entry["real_stride"] == 0]
        variant = max(variants, key=lambda entry: entry["real_stride"])
        return DenseGeometry(stride=stride, patch_size=self.patch_size, **variant)

    def input_normalization(self) -> tuple[list[float], list[float]]:
        """The mean and std that turn raw band values into the graph's input, (raw - mean) / std: the training
        normalisation for Imagette's format; for Deepness's, a division by 255, then the standardisation the file
        gives ((raw / 255 - mean) / std is (raw - 255 mean) / (255 std))."""
        if self.input.get("values") != RAW_OVER_255:
            normalization = self.metadata["normalization"]
            return list(normalization["mean"]), list(normalization["std"])
        standardization = self.input.get("standardization") or {}
        bands = self.band_count
        means = standardization.get("mean") or [0.0] * bands
        stds = standardization.get("std") or [1.0] * bands
        return [255 * float(mean) for mean in means], [255 * float(std) for std in stds]


def imagette_properties(
    metadata: Mapping[str, Any],
    architecture: str,
    kind: str,
    flavour: str,
    graph_input: Mapping[str, Any],
    graph_output: Mapping[str, Any],
    software: Mapping[str, Any],
) -> dict[str, Any]:
    """The properties every exported file carries, from a model file's metadata and the graph's description."""
    sampling = (metadata.get("dataset") or {}).get("sampling") or {}
    return {
        "imagette_format": FORMAT,
        "imagette_format_version": FORMAT_VERSION,
        "flavour": flavour,
        "kind": kind,
        "form": DENSE,  # what this version exports; older files' patch classifiers are per patch
        "architecture": architecture,
        "classes": list(metadata["classes"]),
        "bands": dict(metadata["bands"]),
        "normalization": dict(metadata["normalization"]),
        "patch_size": int(metadata["patch_size"]),
        "pixel_size": list(metadata.get("pixel_size") or []),
        "crs": metadata.get("crs"),
        "crs_name": metadata.get("crs_name"),
        "nodata_tolerance": float(sampling.get("nodata_tolerance", 0.0)),
        "input": dict(graph_input),
        "output": dict(graph_output),
        "software": {**software, "trained_with": metadata.get("software")},
    }


def dense_properties(variants: list[DenseGeometry]) -> dict[str, Any]:
    """The `dense` property of a patch classifier's dense form: its selector input and each variant, by real stride."""
    return {
        "selector": SELECTOR_NAME,
        "variants": [{name: getattr(variant, name) for name in VARIANT_FIELDS} for variant in variants],
    }


def deepness_tiling(patch_size: int, divisor: int) -> tuple[int, int]:
    """Tile side (pixels) and overlap (percent of the side) for Deepness, from the network's context.

    The overlap is twice the halo Imagette's own tiles read around each tile (half a training patch, at
    least four times the network's downsampling, a multiple of it), so that Deepness, which keeps the
    middle of overlapping tiles, shows no seams either.
    """
    context = max(patch_size // 2, 4 * divisor)
    halo = divisor * math.ceil(context / divisor)
    side = max(DEEPNESS_TILE, math.ceil(2 * halo / DEEPNESS_MAX_OVERLAP))
    side = divisor * math.ceil(side / divisor)
    return side, math.ceil(100 * 2 * halo / side)


def deepness_resolution(pixel_size: list[float], crs: str | None) -> float | None:
    """Training pixel size in centimetres per pixel, as Deepness takes it; None where the CRS is not in metres
    (or feet...) but in degrees, or unknown."""
    if len(pixel_size) != 2 or not crs:
        return None
    from rasterio.crs import CRS
    from rasterio.errors import CRSError

    try:
        _, to_metres = CRS.from_user_input(crs).linear_units_factor
    except CRSError:  # a geographic CRS has no linear unit
        return None
    return round(100 * to_metres * (abs(pixel_size[0]) + abs(pixel_size[1])) / 2, 4)


def deepness_properties(classes: list[dict], tile: int, overlap: int, resolution: float | None) -> dict[str, Any]:
    """The keys Deepness reads, for a segmentation network whose graph does what Deepness cannot.

    Deepness feeds a Segmentor's graph the tile's band values divided by 255 (whatever the raster's data
    type) and takes per-class probabilities out; the graph undoes the division, normalises and applies
    the softmax. No standardization_mean/std: Deepness would apply them on top (recent versions only).
    seg_thresh 0 and seg_small_segment 0 switch off Deepness's probability threshold (which would turn
    uncertain pixels into class 0, here a real class) and its removal of small areas: the map is the
    arg-max, as in Imagette.
    """
    names = {index: entry["name"] for index, entry in enumerate(classes)}
    properties: dict[str, Any] = {
        "model_type": "Segmentor",
        "class_names": names,
        "tiles_size": tile,
        "tile_size": tile,
        "tiles_overlap": overlap,
        "seg_thresh": 0,
        "seg_small_segment": 0,
    }
    if resolution is not None:
        properties["resolution"] = resolution
    return properties


def add_properties(model: Any, properties: Mapping[str, Any]) -> None:
    """Writes the properties into an onnx.ModelProto's metadata_props as JSON strings (replacing same keys)."""
    kept = [(entry.key, entry.value) for entry in model.metadata_props if entry.key not in properties]
    del model.metadata_props[:]
    for key, value in kept:
        model.metadata_props.add(key=key, value=value)
    for key, value in properties.items():
        model.metadata_props.add(key=key, value=json.dumps(value))


def _decode(value: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def open_session(path: str | Path, providers: list[str], threads: int = 0) -> Any:
    """An onnxruntime.InferenceSession on the file (threads 0: ONNX Runtime's default), or an error saying the file
    is missing or damaged."""
    import onnxruntime

    path = Path(path)
    if not path.is_file():
        raise ImagetteError(
            tr("The ONNX file '{path}' does not exist. Choose a file written by 'Export model to ONNX'.").format(
                path=path
            )
        )
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    try:
        return onnxruntime.InferenceSession(str(path), options, providers=providers)
    except Exception as error:  # noqa: BLE001 - onnxruntime raises its own Fail/InvalidProtobuf types
        raise _damaged(path, error) from error


def session_properties(session: Any) -> dict[str, Any]:
    """The metadata properties of an open ONNX Runtime session's model, decoded."""
    return {key: _decode(value) for key, value in session.get_modelmeta().custom_metadata_map.items()}


def read_properties(path: str | Path) -> dict[str, Any]:
    """The metadata properties of an ONNX file, decoded; onnxruntime reads them where installed, else onnx."""
    path = Path(path)
    if not path.is_file():
        raise ImagetteError(
            tr("The ONNX file '{path}' does not exist. Choose a file written by 'Export model to ONNX'.").format(
                path=path
            )
        )
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        try:
            import onnx
        except ImportError as error:
            raise ImagetteError(
                tr("Reading an ONNX model needs the onnxruntime package (or onnx). Install it with:  {command}").format(
                    command="pip install onnxruntime"
                )
            ) from error
        try:
            raw = {entry.key: entry.value for entry in onnx.load(str(path), load_external_data=False).metadata_props}
        except Exception as error:  # noqa: BLE001 - any failure of the reader means the same thing
            raise _damaged(path, error) from error
        return {key: _decode(value) for key, value in raw.items()}
    return session_properties(open_session(path, ["CPUExecutionProvider"]))


def _damaged(path: Path, error: Exception) -> ImagetteError:
    return ImagetteError(
        tr(
            "'{path}' is not a valid ONNX model: it is damaged or not an ONNX file ({problem}). Export the model again "
            "with 'Export model to ONNX'."
        ).format(path=path, problem=f"{type(error).__name__}: {str(error)[:200]}")
    )


def _problem(properties: Mapping[str, Any]) -> str | None:
    """What is missing or malformed in an exported file's properties, or None."""
    if properties.get("imagette_format") != FORMAT:
        if properties.get("model_type") is not None:
            return tr(
                "it is a model made for Deepness (model_type {type}), without Imagette's metadata: classify with it "
                "through 'Classify raster', which reads Deepness's"
            ).format(type=repr(properties["model_type"]))
        return tr("its metadata lacks Imagette's keys ({keys}): it was not written by Imagette's export").format(
            keys=", ".join(REQUIRED_KEYS)
        )
    missing = [key for key in REQUIRED_KEYS if key not in properties]
    if missing:
        return tr("its metadata lacks {keys}").format(keys=", ".join(repr(key) for key in missing))
    try:
        bands = int(properties["bands"]["count"])
        classes = table_from_dicts(properties["classes"])
        means, stds = list(properties["normalization"]["mean"]), list(properties["normalization"]["std"])
        patch_size = int(properties["patch_size"])
    except (KeyError, TypeError, ValueError, IndexError) as error:
        return tr("its metadata is malformed ({problem})").format(problem=f"{type(error).__name__}: {error}")
    if bands < 1 or patch_size < 1 or len(classes) < 2 or len(means) != bands or len(stds) != bands:
        return tr("its metadata does not add up ({bands} band(s), {means} mean(s), {classes} class(es))").format(
            bands=bands, means=len(means), classes=len(classes)
        )
    if properties.get("kind") not in (SEGMENTATION, PATCH_CLASSIFIER):
        return tr("its kind of network {kind} is unknown").format(kind=repr(properties.get("kind")))
    if _form(properties) not in (DENSE, PER_PATCH):
        return tr("its form {form} is unknown").format(form=repr(properties.get("form")))
    if properties["kind"] == PATCH_CLASSIFIER and _form(properties) == DENSE:
        try:
            variants = list(properties["dense"]["variants"])
            for variant in variants:
                DenseGeometry(stride=1, patch_size=patch_size, **variant)
        except (KeyError, TypeError) as error:
            return tr("its dense form is described wrongly ({problem})").format(
                problem=f"{type(error).__name__}: {error}"
            )
        if not any(variant["real_stride"] == 1 for variant in variants):
            return tr("its dense form has no variant at real stride 1, which every output stride needs")
    return None


def _form(properties: Mapping[str, Any]) -> str:
    """The graph's form; version 1 files do not say it: their patch classifiers are per patch, U-Nets dense."""
    default = PER_PATCH if properties.get("kind") == PATCH_CLASSIFIER else DENSE
    return str(properties.get("form", default))


def read_onnx_model(path: str | Path, properties: Mapping[str, Any] | None = None) -> OnnxModelInfo:
    """Reads an exported file's metadata (or checks properties already read from it), or explains what is wrong."""
    path = Path(path)
    properties = dict(read_properties(path) if properties is None else properties)
    problem = _problem(properties)
    if problem is None and properties["imagette_format_version"] not in READ_VERSIONS:
        raise ImagetteError(
            tr(
                "'{path}' is an Imagette ONNX model of format version {version}, which this version of Imagette cannot "
                "read. Update the plugin, or export the model again."
            ).format(path=path, version=properties["imagette_format_version"])
        )
    if problem is not None:
        raise ImagetteError(
            tr(
                "'{path}' is not an ONNX model exported by Imagette: {problem}. Choose a file written by 'Export model "
                "to ONNX'."
            ).format(path=path, problem=problem)
        )
    metadata = {
        key: properties.get(key)
        for key in ("bands", "normalization", "patch_size", "pixel_size", "crs", "crs_name", "classes")
    }
    metadata["dataset"] = {"sampling": {"nodata_tolerance": float(properties.get("nodata_tolerance") or 0.0)}}
    return OnnxModelInfo(
        path=path,
        flavour=str(properties.get("flavour", FLAVOURS[0])),
        kind=properties["kind"],
        form=_form(properties),
        architecture=str(properties.get("architecture", "")),
        input=dict(properties.get("input") or {}),
        output=dict(properties.get("output") or {}),
        metadata=metadata,
        properties=properties,
    )


def session_model_info(path: str | Path, session: Any) -> OnnxModelInfo:
    """The metadata of the model an ONNX Runtime session runs: an Imagette export, or a model made for Deepness."""
    properties = session_properties(session)
    if properties.get("imagette_format") != FORMAT and properties.get("model_type") is not None:

        def shapes(nodes: Any) -> list[tuple[str, list]]:
            return [(node.name, list(node.shape)) for node in nodes]

        return deepness_model_info(Path(path), properties, shapes(session.get_inputs()), shapes(session.get_outputs()))
    return read_onnx_model(path, properties)


def deepness_model_info(
    path: Path, properties: Mapping[str, Any], inputs: list[tuple[str, list]], outputs: list[tuple[str, list]]
) -> OnnxModelInfo:
    """A model made for Deepness (its keys, not Imagette's) read as a segmentation network, or why it cannot be.

    inputs, outputs: each (name, shape) of the graph, a dimension a number or a name (dynamic). Deepness feeds a
    Segmentor square tiles of band values divided by 255, standardised where the file gives standardization_mean
    and standardization_std, NCHW float32; it reads per-class probabilities: one channel per class (a softmax) or
    one channel (a sigmoid: the class against the rest, two classes here). Its tiles overlap by tiles_overlap
    percent of their side: the context of every pixel, which Imagette's segmentation tiles take from the patch
    size (a halo of half of it), so the overlap stands as the patch size. Classes are coded 1, 2... in channel
    order (0 stays nodata), with Imagette's palette.
    """
    model_type = str(properties.get("model_type")).capitalize()  # as Deepness reads it
    if model_type != DEEPNESS_SEGMENTOR:
        raise ImagetteError(
            tr(
                "'{path}' is a Deepness {type} model: Imagette classifies with Deepness segmentation models "
                "(model_type Segmentor) only. Run this one in Deepness."
            ).format(path=path, type=model_type)
        )
    input_shape = inputs[0][1] if len(inputs) == 1 else []
    output_shape = outputs[0][1] if len(outputs) == 1 else []
    nchw = len(input_shape) == len(output_shape) == 4 and all(
        isinstance(s[1], int) for s in (input_shape, output_shape)
    )
    fixed = nchw and isinstance(input_shape[2], int) and isinstance(input_shape[3], int)
    if not nchw or (fixed and input_shape[2] != input_shape[3]):  # Deepness's tiles are square
        raise ImagetteError(
            tr(
                "'{path}' is a Deepness segmentation model with {inputs} input(s) and {outputs} output(s) ({shapes}): "
                "Imagette classifies with those of one input (batch, bands, height, width) and one output (batch, "
                "classes, height, width), as Deepness does."
            ).format(
                path=path, inputs=len(inputs), outputs=len(outputs), shapes=[shape for _, shape in inputs + outputs]
            )
        )
    bands, channels = int(input_shape[1]), int(output_shape[1])
    side = int(
        input_shape[2]
        if fixed
        else properties.get("tile_size") or properties.get("tiles_size") or DEEPNESS_DEFAULT_TILE
    )
    names = _deepness_class_names(properties.get("class_names", properties.get("names")), channels)
    if names is None:
        raise ImagetteError(
            tr(
                "'{path}' is a Deepness segmentation model whose class_names ({names}) do not name its {count} output "
                "channel(s), 0 to {last}. Correct the class_names in the model's metadata."
            ).format(path=path, names=properties.get("class_names"), count=channels, last=channels - 1)
        )
    if channels == 1:
        names = [tr("not {name}").format(name=names[0]), names[0]]
    classes = [ClassEntry(index + 1, name, palette_color(index)) for index, name in enumerate(names)]
    standardization = {
        "mean": _per_band(properties.get("standardization_mean"), bands),
        "std": _per_band(properties.get("standardization_std"), bands),
    }
    for key, values in standardization.items():
        if values is not None and len(values) != bands:
            raise ImagetteError(
                tr(
                    "'{path}' is a Deepness segmentation model whose standardization_{key} holds {count} value(s) for "
                    "its {bands} band(s). Correct it in the model's metadata: one value, or one per band."
                ).format(path=path, key=key, count=len(values), bands=bands)
            )
    overlap = round(side * float(properties.get("tiles_overlap", DEEPNESS_DEFAULT_OVERLAP)) / 100)
    resolution = properties.get("resolution")
    info = OnnxModelInfo(
        path=path,
        flavour=FLAVOURS[1],
        kind=SEGMENTATION,
        form=DENSE,
        architecture=tr("Deepness segmentation model"),
        input={
            "name": inputs[0][0],
            "layout": "NCHW",
            "dtype": "float32",
            "height": side,
            "width": side,
            "values": RAW_OVER_255,
            "divisor": 1,
            "standardization": {key: value for key, value in standardization.items() if value is not None},
        },
        output={"name": outputs[0][0], "layout": "NCHW", "values": PROBABILITIES},
        metadata={
            "bands": {"count": bands, "names": []},
            "patch_size": max(1, overlap),
            "pixel_size": [float(resolution) / 100] * 2 if resolution else [],
            "crs": None,
            "crs_name": None,
            "classes": table_to_dicts(classes),
            "dataset": {"sampling": {"nodata_tolerance": 0.0}},
        },
        properties=dict(properties),
    )
    mean, std = info.input_normalization()
    info.metadata["normalization"] = {"mean": mean, "std": std}
    return info


def _deepness_class_names(value: Any, count: int) -> list[str] | None:
    """The names of output channels 0 to count - 1 from Deepness's class_names (a mapping of index to name, as JSON,
    as a Python literal with integer keys, or as a list of one such mapping), 'class 1'... where the file has none;
    None where they do not name exactly those channels."""
    if value is None:
        return [tr("class {index}").format(index=index + 1) for index in range(count)]
    if isinstance(value, str):
        try:
            value = ast.literal_eval(value)  # literals only: Deepness reads integer keys this way
        except (ValueError, SyntaxError):
            return None
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    try:
        names = {int(key): str(name) for key, name in value.items()}
    except (AttributeError, TypeError, ValueError):
        return None
    return [names[index] for index in range(count)] if sorted(names) == list(range(count)) else None


def _per_band(value: Any, bands: int) -> list[float] | None:
    """A standardisation value per band from Deepness's metadata (one number for all, or one per band)."""
    if value is None:
        return None
    values = [float(entry) for entry in (value if isinstance(value, list) else [value])]
    return values * bands if len(values) == 1 else values
