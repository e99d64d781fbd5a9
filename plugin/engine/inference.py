"""Classifies a whole raster with a model file, tile by tile, into a class GeoTIFF.

The output grid and its tiles are in grid.py; how a tile becomes classes, for each kind of network,
in tiles.py (and dense.py for patch classifiers), or for an exported ONNX model in onnx_tiles.py (then
torch is never imported). This module checks the inputs, runs the tiles
with progress and cancel, and writes the outputs: each tile is classified and written at its
offset, so nothing the size of the raster is allocated. classify_extents() gives the same map over
small extents in memory, for map-level validation.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from affine import Affine
from rasterio.crs import CRS
from rasterio.windows import Window

from .choices import ENGINES, METHODS, ONNX_RUNTIME, engine_for
from .classes import NODATA_CODE, ClassEntry
from .companions import COMPANIONS, StyleWriter, write_companions
from .errors import ImagetteError
from .geotiff import (
    GEOTIFF_SUFFIXES,
    block_size,
    create_class_raster,
    create_confidence_raster,
)
from .grid import output_grid, tiles
from .i18n import tr, tr_noop
from .io import check_writable, open_raster, replaced_atomically
from .onnx_tiles import OnnxModel, OnnxTiles, load_onnx_model, onnx_tile_classifier
from .onnxfile import DENSE, PATCH_CLASSIFIER
from .outputs import check_class_raster, check_confidence_raster, writing
from .progress import Progress, Quiet

if TYPE_CHECKING:  # torch is imported where a PyTorch model runs: an exported ONNX model runs without it
    import torch
    from torch import nn

    from .modelfile import ModelFile
    from .tiles import TileClassifier

PIXEL_SIZE_TOLERANCE = 0.01  # relative difference of pixel sizes that is worth a warning
# The outputs, as messages name them (outputs.write_failure translates them).
CLASSIFICATION, CONFIDENCE = tr_noop("the classification"), tr_noop("the confidence raster")


@dataclass
class InferenceConfig:
    """What to classify and how; sizes and strides are in input pixels.

    Attributes:
        raster_path: raster to classify (any GDAL raster with the model's band count).
        model_path: model file written by training (.pt, run with PyTorch), or an ONNX file exported from one in
            the Imagette format (.onnx, run with ONNX Runtime, no PyTorch needed: onnx_tiles.py).
        output_path: class GeoTIFF to write (.tif); its .aux.xml is written beside it.
        confidence_path: optional float32 GeoTIFF of the top-class probability.
        device: one of device.DEVICE_CHOICES.
        batch_size: patches evaluated per forward pass; the dense method's tiles use as much memory
            as that many patches. 0 sizes it to the device's memory.
        stride: output pixel size in input pixels; 0 chooses the default: an eighth of the patch for patch
            classifiers (grid.default_stride), 1 (full resolution) for segmentation networks.
        method: one of METHODS; dense evaluates per patch where dense tiles cannot pay off (see tiles.py).
            Segmentation networks ignore it.
        extent: (xmin, ymin, xmax, ymax) in the raster's CRS; the output covers only this area,
            snapped outwards to the output grid. None: the whole raster.
        tile_size: output pixels per tile side; 0 sizes tiles from the memory budget.
        engine: one of ENGINES: what runs the network; auto follows the model's file (choices.engine_for).
    """

    raster_path: str
    model_path: str
    output_path: str
    confidence_path: str | None = None
    device: str = "auto"
    batch_size: int = 0
    stride: int = 0
    method: str = "dense"
    extent: tuple[float, float, float, float] | None = None
    tile_size: int = 0
    engine: str = ENGINES[0]


@dataclass
class InferenceResult:
    """What was written: paths, the method that ran, the output grid and how many pixels each class got."""

    output_path: Path
    confidence_path: Path | None
    classes: list[ClassEntry]
    model_name: str
    stride: int
    method: str
    tile_size: int  # output pixels per tile side
    width: int
    height: int
    transform: Affine
    pixel_counts: dict[int, int] = field(default_factory=dict)  # class code -> output pixels
    seconds: float = 0.0


@contextmanager
def _cancel_between_layers(network: nn.Module, progress: Progress) -> Iterator[None]:
    """Checks for cancel before every convolution, so a large tile still stops within a second."""
    from torch import nn

    handles = [
        module.register_forward_pre_hook(lambda *_: progress.check_canceled())
        for module in network.modules()
        if isinstance(module, nn.Conv2d)
    ]
    try:
        yield
    finally:
        for handle in handles:
            handle.remove()


def _check_inputs(model: ModelFile | OnnxModel, src, config: InferenceConfig, progress: Progress) -> None:
    """Refuses what cannot work and warns about what may not work well, before any work."""
    bands = model.metadata["bands"]
    if src.count != model.band_count:
        names = ", ".join(bands.get("names") or []) or tr("unnamed")
        raise ImagetteError(
            tr(
                "The raster '{raster}' has {count} band(s) but the model '{model}' was trained on {trained} band(s) "
                "({names}). Choose a raster with the same bands, in the same order, as the one the model was trained "
                "on, or train a model on this raster."
            ).format(
                raster=config.raster_path,
                count=src.count,
                model=Path(config.model_path).name,
                trained=model.band_count,
                names=names,
            )
        )
    trained = [float(v) for v in model.metadata.get("pixel_size", [])]
    here = [abs(src.transform.a), abs(src.transform.e)]
    if len(trained) == 2 and any(abs(h - t) > PIXEL_SIZE_TOLERANCE * t for h, t in zip(here, trained)):
        progress.warning(
            tr(
                "The raster's pixel size ({width} x {height}) differs from the training raster's ({trained_width} x "
                "{trained_height}): objects look smaller or larger to the model than in training, and results may be "
                "poor. Resample the raster to the training pixel size for best results."
            ).format(
                width=f"{here[0]:g}",
                height=f"{here[1]:g}",
                trained_width=f"{trained[0]:g}",
                trained_height=f"{trained[1]:g}",
            )
        )
    trained_crs = model.metadata.get("crs")
    if trained_crs and CRS.from_user_input(trained_crs) != src.crs:
        progress.warning(
            tr(
                "The raster's CRS ({crs}) differs from the training raster's ({trained}). The output is in the raster's "
                "CRS; check that pixel sizes and orientation are comparable."
            ).format(crs=src.crs.to_string(), trained=model.metadata.get("crs_name") or trained_crs)
        )
    if model.patch_size > src.width or model.patch_size > src.height:
        raise ImagetteError(
            tr(
                "The raster ({width} x {height} px) is smaller than the model's patch ({patch} px): no patch fits in "
                "it. Classify a larger raster."
            ).format(width=src.width, height=src.height, patch=model.patch_size)
        )


def _check_config(config: InferenceConfig) -> None:
    engine_for(config.model_path, config.engine)
    if config.method not in METHODS:
        raise ImagetteError(
            tr("Unknown method {method}; choose one of {choices}.").format(
                method=repr(config.method), choices=", ".join(METHODS)
            )
        )
    if config.stride < 0 or config.batch_size < 0 or config.tile_size < 0:
        raise ImagetteError(tr("The stride, batch size and tile size must be positive (or 0 for automatic)."))
    for path in (config.output_path, config.confidence_path):
        if path and Path(path).suffix.lower() not in GEOTIFF_SUFFIXES:
            raise ImagetteError(tr("Imagette writes GeoTIFF files: give '{path}' a .tif extension.").format(path=path))


def _check_outputs(config: InferenceConfig) -> None:
    for path in (config.output_path, config.confidence_path):
        if path:
            check_writable(path)


def checked_model(config: InferenceConfig) -> ModelFile | OnnxModel:
    """The model, opened by the engine that runs it (choices.engine_for), once the configuration and the outputs'
    folders have been checked (before any work): a model file (.pt) with PyTorch, an ONNX file exported by Imagette
    (.onnx) with ONNX Runtime, torch then never imported."""
    _check_config(config)
    model = open_model(config.model_path, config.engine, config.device)
    _check_outputs(config)
    return model


def open_model(
    model_path: str, engine: str = ENGINES[0], device: str = "auto", threads: int = 0
) -> ModelFile | OnnxModel:
    """The model opened by the engine that runs it; threads: the CPU threads of an ONNX Runtime session (0: the
    cores this process may use; PyTorch's are set by use_cpu_threads)."""
    if engine_for(model_path, engine) == ONNX_RUNTIME:
        return load_onnx_model(model_path, device, threads)
    from .modelfile import load_model

    return load_model(model_path)


def configured_classifier(
    config: InferenceConfig, model: ModelFile | OnnxModel, src, progress: Progress
) -> TileClassifier | OnnxTiles:
    """The model's tile classifier as the configuration asks for it, once the raster is checked against the model."""
    _check_inputs(model, src, config, progress)
    if isinstance(model, OnnxModel):
        if config.method == METHODS[0] and model.info.kind == PATCH_CLASSIFIER and model.info.form != DENSE:
            progress.info(
                tr(
                    "This ONNX file holds its patch classifier in the per-patch form only (exported by an older "
                    "Imagette): it is evaluated patch by patch, many times slower than densely. Export the model again "
                    "for the dense form."
                )
            )
        return onnx_tile_classifier(
            model, src, config.stride, config.method, config.batch_size, config.tile_size, config.extent, progress
        )
    from .device import select_device
    from .tiles import tile_classifier

    device = select_device(config.device, progress)
    return tile_classifier(
        model,
        src,
        config.stride,
        config.method,
        config.batch_size,
        config.tile_size,
        config.extent,
        device,
        progress,
    )


def to_codes(index: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Class codes of output indices; index -1 (nodata) becomes NODATA_CODE."""
    return np.where(index >= 0, codes[np.maximum(index, 0)], NODATA_CODE)


def _classified_tiles(
    classifier: TileClassifier | OnnxTiles, src, work: list, progress: Progress
) -> Iterator[tuple[Window, np.ndarray, np.ndarray]]:
    """(window in the output grid, class index, confidence) of every tile, with progress and cancel."""
    grid = classifier.grid
    # ONNX Runtime's tiles check for cancel between the runs of their graph.
    guard = nullcontext() if isinstance(classifier, OnnxTiles) else _cancel_between_layers(classifier.network, progress)
    with guard:
        for rows, cols in progress.iterate(work, len(work)):
            index, confidence = classifier.classify(src, rows, cols)
            yield (
                Window(cols[0] - grid.col0, rows[0] - grid.row0, cols[1] - cols[0], rows[1] - rows[0]),
                index,
                confidence,
            )


def classify_extents(
    model: ModelFile,
    src,
    extents: Sequence[tuple[float, float, float, float]],
    device: torch.device,
    progress: Progress,
) -> Iterator[tuple[np.ndarray, Affine]]:
    """Class codes (NODATA_CODE where none) of the map over each extent, in memory, and their transform.

    The same tile classifier, grid and defaults as classify_raster over the whole raster, so the codes
    are those of the map a person gets; only the tiles that cover each extent are classified. Meant
    for small extents (around validation polygons): each array covers its whole extent.
    """
    from .tiles import tile_classifier

    quiet = Quiet(progress)
    classifier = tile_classifier(model, src, 0, METHODS[0], 0, 0, None, device, quiet)
    full = classifier.grid
    codes = np.array([entry.code for entry in model.classes], dtype=np.int64)
    with _cancel_between_layers(classifier.network, quiet):
        for extent in extents:
            grid = output_grid(full.patch_size, full.stride, src.transform, src.width, src.height, extent)
            out = np.full((grid.height, grid.width), NODATA_CODE, dtype=np.int64)
            for rows, cols in tiles(grid, src, classifier.tile):
                index, _ = classifier.classify(src, rows, cols)
                out[rows[0] - grid.row0 : rows[1] - grid.row0, cols[0] - grid.col0 : cols[1] - grid.col0] = to_codes(
                    index, codes
                )
            yield out, grid.transform(src.transform)


def use_cpu_threads(threads: int = 0) -> None:
    """Sets PyTorch's CPU threads (process-wide); 0: the cores this process may use, which PyTorch may undercount."""
    import torch

    threads = threads or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)


def classify_raster(
    config: InferenceConfig, progress: Progress | None = None, style: StyleWriter | None = None
) -> InferenceResult:
    """Classifies the raster with the model and writes the class GeoTIFF (and the confidence one).

    Outputs are written beside their target under temporary names, closed, read back and checked, given
    their category names (`<output>.aux.xml`) and, with style, their default style (.qml); only then do
    they replace their target, side-cars first. An error (a full disk included), a cancel or a killed
    process leaves no file behind and the earlier outputs of that name as they were.

    Args:
        style: writes the default style (.qml) of the raster at the path it is given: the class table's
            palette, or for classes None the confidence ramp (qml.write_style, or QGIS's in styling.py).
            None: no .qml; an older one beside the target is removed.

    Raises:
        ImagetteError: the model, raster, extent or output cannot be used, or an output cannot be
            written (the message says why).
        CanceledError: progress asked to stop.
    """
    progress = progress or Progress()
    started = time.perf_counter()
    # PyTorch or ONNX Runtime, through the same grid, tiles and outputs.
    model = checked_model(config)
    classes = model.classes
    codes = np.array([entry.code for entry in classes], dtype=np.int64)  # output index i is classes[i]
    output_path = Path(config.output_path)
    confidence_path = Path(config.confidence_path) if config.confidence_path else None
    with open_raster(config.raster_path) as src, ExitStack() as staged:
        if not isinstance(model, OnnxModel):  # ONNX Runtime's session takes them when it opens
            use_cpu_threads()
        classifier = configured_classifier(config, model, src, progress)
        grid, stride, method, tile = classifier.grid, classifier.grid.stride, classifier.method, classifier.tile
        transform = grid.transform(src.transform)
        tags = {
            "IMAGETTE_MODEL": Path(config.model_path).name,
            "IMAGETTE_STRIDE": str(stride),
            "IMAGETTE_METHOD": method,
        }
        shape = dict(width=grid.width, height=grid.height, transform=transform, crs=src.crs, block=block_size(tile))
        # (temporary file, target, what it is called in messages)
        written = [(staged.enter_context(replaced_atomically(output_path, COMPANIONS)), output_path, CLASSIFICATION)]
        if confidence_path is not None:
            written.append(
                (staged.enter_context(replaced_atomically(confidence_path, COMPANIONS)), confidence_path, CONFIDENCE)
            )
        work = tiles(grid, src, tile)
        description = classifier.describe()
        progress.info(
            tr(
                "Model '{model}': {architecture}, {classes} classes, {patch} px patches. {description}, stride {stride} "
                "px: output {width} x {height} pixels of {stride} input pixels, in {tiles} tile(s) of up to {tile} x "
                "{tile}."
            ).format(
                model=Path(config.model_path).name,
                architecture=model.architecture,
                classes=len(classes),
                patch=model.patch_size,
                description=description[:1].upper() + description[1:],
                stride=stride,
                width=grid.width,
                height=grid.height,
                tiles=len(work),
                tile=tile,
            )
        )
        if not work:
            progress.warning(tr("No patch fits inside the raster within the extent: the output holds only nodata."))
        counts = np.zeros(len(codes), dtype=np.int64)
        with ExitStack() as files:
            opened = []
            for temporary, target, what in written:
                with writing(what, target):
                    if what == CLASSIFICATION:
                        dataset = create_class_raster(temporary, **shape, classes=classes, tags=tags)
                    else:
                        dataset = create_confidence_raster(temporary, **shape, tags=tags)
                opened.append((files.enter_context(dataset), target, what))
            for window, index, confidence in _classified_tiles(classifier, src, work, progress):
                labelled = index >= 0
                counts += np.bincount(index[labelled], minlength=len(codes))
                for dataset, target, what in opened:
                    values = to_codes(index, codes).astype(dataset.dtypes[0]) if what == CLASSIFICATION else confidence
                    with writing(what, target):
                        dataset.write(values, 1, window=window)
            for dataset, target, what in opened:
                with writing(what, target):
                    dataset.close()  # GDAL writes the blocks still in its cache now
        labelled_count = int(counts.sum())
        expected = {int(code): int(count) for code, count in zip(codes, counts)}
        expected[NODATA_CODE] = expected.get(NODATA_CODE, 0) + grid.width * grid.height - labelled_count
        for temporary, target, what in written:  # every raster is checked before any side-car takes space
            if what == CLASSIFICATION:
                check_class_raster(temporary, expected, what, target)
            else:
                check_confidence_raster(temporary, labelled_count, what, target)
        for temporary, target, what in written:
            with writing(what, target):
                write_companions(temporary, classes if what == CLASSIFICATION else None, style)
    seconds = time.perf_counter() - started
    progress.info(
        tr("Classified {megapixels} megapixels in {seconds} s; pixels per class: {counts}.").format(
            megapixels=f"{grid.width * grid.height * stride**2 / 1e6:.1f}",
            seconds=f"{seconds:.1f}",
            counts=", ".join(f"{entry.name} {count}" for entry, count in zip(classes, counts.tolist())),
        )
    )
    progress.set_percent(100)
    return InferenceResult(
        output_path=output_path,
        confidence_path=confidence_path,
        classes=classes,
        model_name=Path(config.model_path).stem,
        stride=stride,
        method=method,
        tile_size=tile,
        width=grid.width,
        height=grid.height,
        transform=transform,
        pixel_counts={entry.code: int(count) for entry, count in zip(classes, counts.tolist())},
        seconds=seconds,
    )
