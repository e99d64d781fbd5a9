"""Seeded generator of small synthetic land-cover scenes: a raster, its true class map and labelled polygons.

Classes differ by texture, and some only by texture: poplar plantations (trees in rows) and forest
(the same trees at random) share their per-pixel spectra, so only a model that sees spatial
pattern can tell them apart. Used by the tests, the benchmarks and `make demo`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import rasterio
from rasterio.transform import from_origin

# code, name, texture; names carry accents on purpose.
CLASSES = (
    (1, "Peupleraie", "rows"),
    (2, "Forêt", "random"),
    (3, "Eau", "smooth"),
    (4, "Culture", "stripes"),
    (5, "Bâti", "blocks"),
)
CLASS_COLORS = {1: "#1b7837", 2: "#5aae61", 3: "#2166ac", 4: "#e6ab02", 5: "#b2182b"}
TREE_SPACING = 6


@dataclass
class Scene:
    raster: Path
    truth: np.ndarray  # class code of every pixel, 0 where nodata
    transform: object
    crs: str
    cell: int
    polygons: list = field(default_factory=list)  # (code, name, [(x, y), ...] ring in the raster CRS)


def _texture(kind: str, rng: np.random.Generator, shape: tuple[int, int], row0: int, col0: int) -> np.ndarray:
    """Brightness in 0..1 of one region, by texture kind; absolute coordinates keep row patterns aligned."""
    rows, cols = np.mgrid[row0 : row0 + shape[0], col0 : col0 + shape[1]]
    if kind in ("rows", "random"):
        canopy = np.zeros(shape)
        if kind == "rows":
            centres = [
                (r, c)
                for r in range(row0 + 2, row0 + shape[0], TREE_SPACING)
                for c in range(col0 + 2, col0 + shape[1], TREE_SPACING)
            ]
        else:
            count = shape[0] * shape[1] // TREE_SPACING**2
            centres = list(zip(rng.integers(row0, row0 + shape[0], count), rng.integers(col0, col0 + shape[1], count)))
        for r, c in centres:
            canopy = np.maximum(canopy, np.exp(-((rows - r) ** 2 + (cols - c) ** 2) / 3.0))
        return 0.15 + 0.7 * canopy
    if kind == "smooth":
        return 0.2 + 0.05 * np.sin(rows / 17.0) * np.cos(cols / 23.0)
    if kind == "stripes":
        return 0.45 + 0.25 * (np.sin(cols * 2 * np.pi / 8.0) > 0)
    return 0.3 + 0.5 * (((rows // 7) + (cols // 7)) % 2)


# Per-class band gains (blue, green, red, near infrared); the two tree classes share theirs.
GAINS = {
    "rows": (0.3, 0.6, 0.35, 1.0),
    "random": (0.3, 0.6, 0.35, 1.0),
    "smooth": (0.5, 0.45, 0.25, 0.1),
    "stripes": (0.55, 0.7, 0.6, 0.8),
    "blocks": (0.8, 0.75, 0.8, 0.5),
}


def write_raster(
    path: Path, data: np.ndarray, crs: str, transform, nodata=0, block: int = 256, descriptions=None
) -> Path:
    """Writes (bands, rows, cols) data as a tiled GeoTIFF, as orthophotos usually come."""
    profile = dict(
        driver="GTiff",
        width=data.shape[2],
        height=data.shape[1],
        count=data.shape[0],
        dtype=data.dtype.name,
        crs=crs,
        transform=transform,
        nodata=nodata,
        tiled=True,
        blockxsize=block,
        blockysize=block,
    )
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data)
        if descriptions:
            dst.descriptions = tuple(descriptions)
    return path


def make_scene(
    folder: str | Path,
    *,
    cells: int = 4,
    cell: int = 96,
    bands: int = 4,
    dtype: str = "uint16",
    classes: tuple = CLASSES,
    seed: int = 0,
    crs: str = "EPSG:32631",
    pixel_size: float = 0.5,
    origin: tuple[float, float] = (500000.0, 4800000.0),
    nodata_block: bool = True,
    noise: float = 0.03,
    name: str = "scene.tif",
) -> Scene:
    """Writes a tiled GeoTIFF of cells x cells square regions, each of one class, and returns its truth.

    Every class appears in at least two regions (so it can be split by polygon); the last region
    is nodata when nodata_block is set. Polygons are drawn inside regions, a margin away from their edges.
    """
    rng = np.random.default_rng(seed)
    size = cells * cell
    region_classes = [classes[i % len(classes)] for i in range(cells * cells)]
    rng.shuffle(region_classes)
    image = np.zeros((bands, size, size))
    truth = np.zeros((size, size), dtype=np.int32)
    gains = {kind: np.resize(GAINS[kind], bands) for _, _, kind in classes}
    for index, (code, _, kind) in enumerate(region_classes):
        r0, c0 = (index // cells) * cell, (index % cells) * cell
        brightness = _texture(kind, rng, (cell, cell), r0, c0)
        image[:, r0 : r0 + cell, c0 : c0 + cell] = gains[kind][:, None, None] * brightness
        truth[r0 : r0 + cell, c0 : c0 + cell] = code
    image += rng.normal(0, noise, image.shape)
    scale = 255 if dtype == "uint8" else 10000
    data = np.clip(image * scale, 1, scale).astype(dtype)
    nodata = 0
    if nodata_block:
        data[:, size - cell :, size - cell :] = nodata
        truth[size - cell :, size - cell :] = 0
    transform = from_origin(origin[0], origin[1], pixel_size, pixel_size)
    names = ("blue", "green", "red", "nir", "swir1", "swir2", "band7", "band8")[:bands]
    path = write_raster(Path(folder) / name, data, crs, transform, nodata, descriptions=names)
    scene = Scene(path, truth, transform, crs, cell)
    margin = cell // 8
    names = {code: name for code, name, _ in classes}
    for index, (code, _, _) in enumerate(region_classes):
        r0, c0 = (index // cells) * cell, (index % cells) * cell
        if nodata_block and index == cells * cells - 1:
            continue
        ring = [
            transform * (c0 + margin, r0 + margin),
            transform * (c0 + cell - margin, r0 + margin),
            transform * (c0 + cell - margin, r0 + cell - margin),
            transform * (c0 + margin, r0 + cell - margin),
        ]
        scene.polygons.append((code, names[code], ring + ring[:1]))
    return scene


def write_polygons(
    scene: Scene,
    path: str | Path,
    crs: str | None = None,
    field_type: str = "text",
    layer: str = "labels",
    styled: bool = False,
) -> Path:
    """Writes the scene's polygons as a GeoPackage layer, optionally reprojected, with a class field.

    field_type "text" writes the class names in 'classe'; "integer" writes the codes in 'code'.
    styled saves a categorized style with CLASS_COLORS as the layer's default style in the GeoPackage.
    Uses QGIS's own writer so the test data is what users give the plugin.
    """
    from imagette.plugin.compat import FIELD_INT, FIELD_STRING
    from qgis.core import (
        QgsCategorizedSymbolRenderer,
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransform,
        QgsFeature,
        QgsField,
        QgsGeometry,
        QgsPointXY,
        QgsProject,
        QgsRendererCategory,
        QgsSymbol,
        QgsVectorFileWriter,
        QgsVectorLayer,
    )
    from qgis.PyQt.QtGui import QColor

    target_crs = crs or scene.crs
    memory = QgsVectorLayer(f"Polygon?crs={target_crs}", layer, "memory")
    field = QgsField("classe", FIELD_STRING) if field_type == "text" else QgsField("code", FIELD_INT)
    memory.dataProvider().addAttributes([field])
    memory.updateFields()
    transform = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem(scene.crs), QgsCoordinateReferenceSystem(target_crs), QgsProject.instance()
    )
    features = []
    for code, name, ring in scene.polygons:
        feature = QgsFeature(memory.fields())
        geometry = QgsGeometry.fromPolygonXY([[QgsPointXY(x, y) for x, y in ring]])
        geometry.transform(transform)
        feature.setGeometry(geometry)
        feature.setAttributes([name if field_type == "text" else code])
        features.append(feature)
    memory.dataProvider().addFeatures(features)
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = layer
    error = QgsVectorFileWriter.writeAsVectorFormatV3(
        memory, str(path), QgsProject.instance().transformContext(), options
    )
    if error[0] != QgsVectorFileWriter.NoError:
        raise RuntimeError(f"Cannot write {path}: {error}")
    if styled:
        written = QgsVectorLayer(f"{path}|layername={layer}", layer, "ogr")
        categories = []
        for code, name in sorted({(code, name) for code, name, _ in scene.polygons}):
            symbol = QgsSymbol.defaultSymbol(written.geometryType())
            symbol.setColor(QColor(CLASS_COLORS[code]))
            value = name if field_type == "text" else code
            categories.append(QgsRendererCategory(value, symbol, name))
        written.setRenderer(QgsCategorizedSymbolRenderer(field.name(), categories))
        if hasattr(written, "saveStyleToDatabaseV2"):  # QGIS 3.44 deprecates saveStyleToDatabase for it
            _, message = written.saveStyleToDatabaseV2(layer, "Class colours", True, "")
        else:
            message = written.saveStyleToDatabase(layer, "Class colours", True, "")
        if message:
            raise RuntimeError(f"Cannot save the style in {path}: {message}")
    return Path(path)


def sampling_parameters(scene: Scene, folder: Path, patch_size: int, **extra) -> dict:
    """imagette:samplepatches parameters for the scene's polygons (class field 'classe'), written into folder."""
    return {
        "INPUT_RASTER": str(scene.raster),
        "INPUT_VECTOR": str(scene.vector),
        "CLASS_FIELD": "classe",
        "PATCH_SIZE": patch_size,
        "OUTPUT_DATASET": str(folder / "dataset"),
        "OUTPUT_FOOTPRINTS": str(folder / "footprints.gpkg"),
        **extra,
    }


def engine_features(scene: Scene) -> list:
    """The scene's polygons as the engine's LabelledFeature list (raster CRS), for sampling without QGIS."""
    from imagette.plugin.engine.sampling import LabelledFeature

    return [
        LabelledFeature(
            index,
            code,
            {"type": "Polygon", "coordinates": [ring]},
            (min(x for x, _ in ring), min(y for _, y in ring), max(x for x, _ in ring), max(y for _, y in ring)),
        )
        for index, (code, _, ring) in enumerate(scene.polygons)
    ]
