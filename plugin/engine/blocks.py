"""A classification cut into blocks that independent tasks classify, then assembled into one map.

This is what the `imagette` command runs on a Dask cluster (plugin/distributed.py submits the tasks);
nothing here imports Dask, so any scheduler could drive it.

- plan_blocks() does the checks of classify_raster, resolves the method, tile and batch size once (on
  the machine running the command), and cuts the output grid into blocks: squares of `block` output
  pixels, a whole number of tiles (so a block is read tile by tile, each tile with its halo, exactly
  as the one-process path reads it, and gives the same classes). The plan is plain data, sent with every task and kept as `plan.json` in the parts folder.
- classify_block() is one task: it opens the raster, classifies the block's tiles with the same
  tile classifier as classify_raster and writes the block as a small GeoTIFF in `<output>.parts/`,
  atomically (temporary name, then rename): a part file that exists is complete, so a run stopped
  halfway and started again redoes only the missing blocks. The model and its tile classifier are
  loaded once per worker process and kept for the next blocks (keyed by model path and mtime). The
  engine follows the model as in one process: an exported model (.onnx) runs with ONNX Runtime, and
  nothing here imports torch then, so its workers need only onnxruntime (`pip install ".[onnx,dask]"`).
- assemble() copies the parts into the final tiled GeoTIFF (class codes with colour table, category
  names in the .aux.xml, .qml); write_vrt() instead writes a VRT over the parts, for maps too large to
  copy on one machine (see VRT_THRESHOLD).
"""

from __future__ import annotations

import json
import os
import shutil
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import rasterio
from affine import Affine
from rasterio.windows import Window

from .choices import METHODS
from .classes import NODATA_CODE, ClassEntry
from .companions import COMPANIONS, write_companions
from .errors import ImagetteError
from .geotiff import add_class_table, block_size, class_dtype, create_class_raster, create_confidence_raster
from .grid import OutputGrid, tiles
from .i18n import tr, tr_noop
from .inference import (
    CLASSIFICATION,
    CONFIDENCE,
    InferenceConfig,
    checked_model,
    configured_classifier,
    open_model,
    to_codes,
    use_cpu_threads,
)
from .io import open_raster, replaced_atomically
from .onnx_tiles import OnnxModel, OnnxTiles
from .outputs import check_class_raster, check_confidence_raster, writing
from .progress import Progress
from .qml import write_style

if TYPE_CHECKING:  # an exported ONNX model runs on workers that have no torch
    from .modelfile import ModelFile
    from .tiles import TileClassifier

DEFAULT_BLOCK = 1024  # output pixels per block side
# Output pixels above which the parts are not copied into one GeoTIFF but referenced by a VRT. Copying is
# sequential on one machine: at the ~30 MP/s that bench/bench_distributed.py measured it takes about
# 6 minutes per 10^10 pixels (a 100 000 x 100 000 px map), and needs the map's size again in free disk.
VRT_THRESHOLD = 10**10
PLAN_FILE = "plan.json"
PART = tr_noop("the block file")  # a part file, as messages name it (outputs.write_failure translates it)


@dataclass(frozen=True)
class BlockPlan:
    """Everything a task needs, as plain data: what to classify, how, and the output grid."""

    raster_path: str
    model_path: str
    model_mtime_ns: int
    device: str
    stride: int
    method: str  # the method that runs (per_patch when dense could not pay off), for the record
    request_method: str  # what tile_classifier is asked for: gives the same classifier on every worker
    batch: int
    tile: int  # output pixels per tile side, as the one-process path chooses them
    block: int  # output pixels per block side
    confidence: bool
    grid: tuple[int, int, int, int, int, int, int]  # OutputGrid fields
    extent: tuple[float, float, float, float] | None = None

    @property
    def output_grid(self) -> OutputGrid:
        return OutputGrid(*self.grid)

    def blocks(self) -> list[tuple[tuple[int, int], tuple[int, int]]]:
        """Full-grid (rows, cols) ranges of every block, row by row."""
        grid = self.output_grid
        return [
            (
                (row, min(row + self.block, grid.row0 + grid.height)),
                (col, min(col + self.block, grid.col0 + grid.width)),
            )
            for row in range(grid.row0, grid.row0 + grid.height, self.block)
            for col in range(grid.col0, grid.col0 + grid.width, self.block)
        ]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True)


def parts_folder(output_path: str | Path) -> Path:
    """Where the block files of an output go: `<output>.parts/`."""
    output_path = Path(output_path)
    return output_path.with_name(output_path.name + ".parts")


def part_path(parts: Path, rows: tuple[int, int], cols: tuple[int, int], confidence: bool = False) -> Path:
    return parts / f"r{rows[0]:07d}_c{cols[0]:07d}{'.confidence' if confidence else ''}.tif"


def _block_side(requested: int, tile: int) -> int:
    """The block side: a whole number of tiles (at least one), so blocks are read tile by tile as in one process."""
    return max(tile, requested // tile * tile)


def plan_blocks(
    config: InferenceConfig, block: int = DEFAULT_BLOCK, progress: Progress | None = None
) -> tuple[BlockPlan, ModelFile | OnnxModel]:
    """Checks inputs and outputs as classify_raster does, and plans the blocks of the classification.

    Returns:
        The plan, and the model (for its class table).

    Raises:
        ImagetteError: the model, raster, extent or output cannot be used (the message says why).
    """
    progress = progress or Progress()
    model = checked_model(config)
    with open_raster(config.raster_path) as src:
        classifier = configured_classifier(config, model, src, progress)
    grid = classifier.grid
    plan = BlockPlan(
        raster_path=str(Path(config.raster_path).resolve())
        if Path(config.raster_path).exists()
        else config.raster_path,
        model_path=str(Path(config.model_path).resolve()),
        model_mtime_ns=os.stat(config.model_path).st_mtime_ns,
        device=config.device,
        stride=grid.stride,
        method=classifier.method,
        request_method=classifier.method if classifier.method in METHODS else METHODS[0],
        batch=int(getattr(classifier, "batch", 0)),
        tile=classifier.tile,
        block=_block_side(block, classifier.tile),
        confidence=config.confidence_path is not None,
        grid=(grid.patch_size, grid.stride, grid.offset, grid.row0, grid.col0, grid.height, grid.width),
        extent=config.extent,
    )
    return plan, model


def prepare_parts(plan: BlockPlan, parts: Path) -> list[int]:
    """Creates the parts folder (or checks that the one there is of the same plan); indices of the blocks to do."""
    parts.mkdir(parents=True, exist_ok=True)
    recorded = parts / PLAN_FILE
    if recorded.exists():
        if recorded.read_text(encoding="utf-8") != plan.to_json():
            raise ImagetteError(
                tr(
                    "The folder '{parts}' holds blocks of another classification (other raster, model, stride, method "
                    "or block size). Run again with the same arguments to resume it, or delete the folder to start "
                    "afresh."
                ).format(parts=parts)
            )
    else:
        with replaced_atomically(recorded) as temporary:
            temporary.write_text(plan.to_json(), encoding="utf-8")
    return [index for index, (rows, cols) in enumerate(plan.blocks()) if not part_path(parts, rows, cols).exists()]


# The model and its tile classifier, kept by each worker process for the next blocks: (key, classifier).
_CACHED: dict[tuple, TileClassifier | OnnxTiles] = {}


def _classifier(plan: BlockPlan, src, threads: int) -> TileClassifier | OnnxTiles:
    mtime = os.stat(plan.model_path).st_mtime_ns
    if mtime != plan.model_mtime_ns:
        raise ImagetteError(
            tr(
                "The model file '{path}' changed since the classification started: its blocks would not form one map. "
                "Start the classification again."
            ).format(path=plan.model_path)
        )
    key: tuple = (plan.model_path, mtime, plan.raster_path, plan.device, plan.request_method, plan.batch, plan.tile)
    key += (plan.stride, plan.extent, threads)
    if key not in _CACHED:
        _CACHED.clear()  # one model at a time per worker
        # The engine follows the file, as the plan was checked: PyTorch (torch.load(weights_only=True)) for a model
        # file, ONNX Runtime for an .onnx file, torch then never imported.
        model = open_model(plan.model_path, device=plan.device, threads=threads)
        config = InferenceConfig(
            plan.raster_path,
            plan.model_path,
            output_path="",
            device=plan.device,
            batch_size=plan.batch,
            stride=plan.stride,
            method=plan.request_method,
            extent=plan.extent,
            tile_size=plan.tile,
        )
        _CACHED[key] = configured_classifier(config, model, src, Progress())
    if not isinstance(_CACHED[key], OnnxTiles):
        use_cpu_threads(threads)  # process-wide: set for every block, whatever ran in the worker before
    return _CACHED[key]


def classify_block(plan: BlockPlan, parts: str | Path, index: int, threads: int = 0) -> float:
    """Classifies block `index` of the plan and writes its part file(s); returns the seconds it took.

    A block whose part file exists is done already and is skipped. threads: CPU threads the network may use (0: the
    cores this process may use).
    """
    started = time.perf_counter()
    parts = Path(parts)
    rows, cols = plan.blocks()[index]
    target = part_path(parts, rows, cols)
    if target.exists():
        return 0.0
    with open_raster(plan.raster_path) as src:
        classifier = _classifier(plan, src, threads)
        model = classifier.model
        codes = np.array([entry.code for entry in model.classes], dtype=np.int64)
        height, width = rows[1] - rows[0], cols[1] - cols[0]
        values = np.full((height, width), NODATA_CODE, dtype=class_dtype(model.classes))
        confidence = np.zeros((height, width), dtype=np.float32)
        grid = classifier.grid
        inside = [
            (r, c)
            for r, c in tiles(grid, src, classifier.tile)
            if rows[0] <= r[0] < rows[1] and cols[0] <= c[0] < cols[1]
        ]
        for tile_rows, tile_cols in inside:
            index_array, top = classifier.classify(src, tile_rows, tile_cols)
            at = (
                slice(tile_rows[0] - rows[0], tile_rows[1] - rows[0]),
                slice(tile_cols[0] - cols[0], tile_cols[1] - cols[0]),
            )
            values[at] = to_codes(index_array, codes)
            confidence[at] = top
        transform = _block_transform(grid, src.transform, rows, cols)
        shape = dict(width=width, height=height, transform=transform, crs=src.crs, block=block_size(plan.tile))
        if plan.confidence:
            confidence_target = part_path(parts, rows, cols, confidence=True)
            with replaced_atomically(confidence_target) as temporary:
                with writing(PART, confidence_target):
                    with create_confidence_raster(temporary, **shape, tags={}) as dst:
                        dst.write(confidence, 1)
                check_confidence_raster(temporary, int(np.count_nonzero(confidence)), PART, confidence_target)
        with replaced_atomically(target) as temporary:  # last: its presence says the block is done
            with writing(PART, target):
                with create_class_raster(temporary, **shape, classes=model.classes, tags={}) as dst:
                    dst.write(values, 1)
            found = np.unique(values, return_counts=True)
            check_class_raster(temporary, dict(zip(found[0].tolist(), found[1].tolist())), PART, target)
    return time.perf_counter() - started


def _block_transform(
    grid: OutputGrid, raster_transform: Affine, rows: tuple[int, int], cols: tuple[int, int]
) -> Affine:
    return grid.transform(raster_transform) * Affine.translation(cols[0] - grid.col0, rows[0] - grid.row0)


def _tags(plan: BlockPlan) -> dict[str, str]:
    return {
        "IMAGETTE_MODEL": Path(plan.model_path).name,
        "IMAGETTE_STRIDE": str(plan.stride),
        "IMAGETTE_METHOD": plan.method,
    }


def _missing(plan: BlockPlan, parts: Path) -> list[int]:
    return [index for index, (rows, cols) in enumerate(plan.blocks()) if not part_path(parts, rows, cols).exists()]


def assemble(
    plan: BlockPlan,
    parts: Path,
    output_path: str | Path,
    confidence_path: str | Path | None,
    classes: Sequence[ClassEntry],
    progress: Progress | None = None,
) -> dict[int, int]:
    """Copies the part files into the output GeoTIFF (and the confidence one), styled; returns pixels per class.

    The output is tiled like the one-process output, each block written once; it appears under its
    name only when complete, with its .aux.xml and .qml.
    """
    progress = progress or Progress()
    missing = _missing(plan, parts)
    if missing:
        raise ImagetteError(
            tr("{count} block(s) of '{parts}' are missing: run the same command again to finish.").format(
                count=len(missing), parts=parts
            )
        )
    grid = plan.output_grid
    output_path = Path(output_path)
    with open_raster(plan.raster_path) as src:
        crs, raster_transform = src.crs, src.transform
    shape = dict(
        width=grid.width,
        height=grid.height,
        transform=grid.transform(raster_transform),
        crs=crs,
        block=block_size(plan.tile),
    )
    blocks = plan.blocks()
    what, confidence_what = CLASSIFICATION, CONFIDENCE
    with ExitStack() as staged:
        temporary = staged.enter_context(replaced_atomically(output_path, COMPANIONS))
        found: dict[int, int] = {}
        with writing(what, output_path):
            with create_class_raster(temporary, **shape, classes=classes, tags=_tags(plan)) as dst:
                for rows, cols in progress.iterate(blocks, len(blocks)):
                    with rasterio.open(part_path(parts, rows, cols)) as part:
                        values = part.read(1)
                    window = Window(cols[0] - grid.col0, rows[0] - grid.row0, cols[1] - cols[0], rows[1] - rows[0])
                    dst.write(values, 1, window=window)
                    for value, count in zip(*(array.tolist() for array in np.unique(values, return_counts=True))):
                        found[value] = found.get(value, 0) + count
        labelled = sum(count for value, count in found.items() if value != NODATA_CODE)
        found[NODATA_CODE] = found.get(NODATA_CODE, 0) + grid.width * grid.height - sum(found.values())
        check_class_raster(temporary, found, what, output_path)
        if confidence_path is not None:
            temporary_confidence = staged.enter_context(replaced_atomically(confidence_path, COMPANIONS))
            with writing(confidence_what, confidence_path):
                with create_confidence_raster(temporary_confidence, **shape, tags=_tags(plan)) as dst:
                    for rows, cols in blocks:
                        with rasterio.open(part_path(parts, rows, cols, confidence=True)) as part:
                            window = Window(
                                cols[0] - grid.col0, rows[0] - grid.row0, cols[1] - cols[0], rows[1] - rows[0]
                            )
                            dst.write(part.read(1), 1, window=window)
            check_confidence_raster(temporary_confidence, labelled, confidence_what, confidence_path)
            with writing(confidence_what, confidence_path):
                write_companions(temporary_confidence, None, write_style)
        with writing(what, output_path):
            write_companions(temporary, classes, write_style)
    return {entry.code: found.get(entry.code, 0) for entry in classes}


def write_vrt(
    plan: BlockPlan, parts: Path, vrt_path: str | Path, classes: Sequence[ClassEntry], confidence: bool = False
) -> Path:
    """Writes a VRT over the part files: the map without copying it, with colour table and category names inside.

    Paths to the parts are relative to the VRT, so the VRT and its parts folder can move together.
    """
    missing = _missing(plan, parts)
    if missing:
        raise ImagetteError(
            tr("{count} block(s) of '{parts}' are missing: run the same command again to finish.").format(
                count=len(missing), parts=parts
            )
        )
    vrt_path = Path(vrt_path)
    grid = plan.output_grid
    with open_raster(plan.raster_path) as src:
        crs, transform = src.crs, grid.transform(src.transform)
    dtype = "Float32" if confidence else {"uint8": "Byte", "uint16": "UInt16"}[class_dtype(classes)]
    root = ET.Element("VRTDataset", rasterXSize=str(grid.width), rasterYSize=str(grid.height))
    ET.SubElement(root, "SRS").text = crs.to_wkt()
    ET.SubElement(root, "GeoTransform").text = ", ".join(repr(v) for v in transform.to_gdal())
    metadata = ET.SubElement(root, "Metadata")
    for key, value in _tags(plan).items():
        ET.SubElement(metadata, "MDI", key=key).text = value
    band = ET.SubElement(root, "VRTRasterBand", dataType=dtype, band="1")
    ET.SubElement(band, "NoDataValue").text = str(NODATA_CODE)
    if not confidence:
        add_class_table(band, classes, color_table=True)
    for rows, cols in plan.blocks():
        width, height = cols[1] - cols[0], rows[1] - rows[0]
        source = ET.SubElement(band, "SimpleSource")
        path = part_path(parts, rows, cols, confidence=confidence)
        relative = os.path.relpath(path, vrt_path.parent)
        ET.SubElement(source, "SourceFilename", relativeToVRT="1").text = relative
        ET.SubElement(source, "SourceBand").text = "1"
        ET.SubElement(source, "SrcRect", xOff="0", yOff="0", xSize=str(width), ySize=str(height))
        ET.SubElement(
            source,
            "DstRect",
            xOff=str(cols[0] - grid.col0),
            yOff=str(rows[0] - grid.row0),
            xSize=str(width),
            ySize=str(height),
        )
    ET.indent(root)
    with replaced_atomically(vrt_path) as temporary:
        temporary.write_text(ET.tostring(root, encoding="unicode") + "\n", encoding="utf-8")
    write_style(vrt_path, None if confidence else classes)
    return vrt_path


def remove_parts(parts: Path) -> None:
    shutil.rmtree(parts, ignore_errors=True)
