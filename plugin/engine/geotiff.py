"""Class rasters on disk: tiled, compressed GeoTIFFs carrying their class table, and their side-car; written and read.

A JSON copy of the class table lives inside the GeoTIFF, and so does the colour table of 8-bit maps.
Category names cannot: GDAL's GeoTIFF driver keeps them in the side-car `<file>.aux.xml` (its PAM
file), so that is where they are written, in the format GDAL itself writes, without needing GDAL's
Python bindings. The colour table of 16-bit maps (class codes above 255) goes there too, because
rasterio writes TIFF palettes for 8-bit values only; GDAL, and so QGIS, read either. Reading takes
what any GDAL program may have written there too: a raster attribute table, category names, a colour table.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import rasterio
from affine import Affine
from rasterio.crs import CRS

from .classes import NODATA_CODE, ClassEntry, hex_to_rgb, rgb_to_hex, table_to_dicts

GEOTIFF_SUFFIXES = (".tif", ".tiff")
LARGEST_BLOCK = 256
SMALLEST_BLOCK = 16  # TIFF tiles are multiples of 16 pixels
CLASS_TABLE_TAG = "IMAGETTE_CLASSES"


def class_dtype(classes: Sequence[ClassEntry]) -> str:
    """The smallest type that holds every class code: uint8 up to 255, else uint16."""
    return "uint8" if max(entry.code for entry in classes) <= 255 else "uint16"


def block_size(tile: int) -> int:
    """GeoTIFF block side for tiles of `tile` output pixels: tiles that are whole blocks write each block once."""
    if tile >= LARGEST_BLOCK:
        return LARGEST_BLOCK
    return max(SMALLEST_BLOCK, tile // SMALLEST_BLOCK * SMALLEST_BLOCK)


def _profile(width: int, height: int, transform: Affine, crs: CRS, dtype: str, block: int) -> dict:
    return {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": 1,
        "dtype": dtype,
        "crs": crs,
        "transform": transform,
        "nodata": NODATA_CODE,
        "tiled": True,
        "blockxsize": block,
        "blockysize": block,
        "compress": "deflate",
        "predictor": 3 if dtype == "float32" else 1,
        "bigtiff": "IF_SAFER",  # a 100 000 px wide map outgrows classic TIFF's 4 GB
    }


def create_class_raster(
    path: Path,
    width: int,
    height: int,
    transform: Affine,
    crs: CRS,
    block: int,
    classes: Sequence[ClassEntry],
    tags: dict,
):
    """Opens a new class raster for writing, with its colour table and class table set before any pixel.

    Returns:
        The rasterio dataset writer; class code 0 is nodata and transparent.
    """
    dtype = class_dtype(classes)
    dst = rasterio.open(path, "w", **_profile(width, height, transform, crs, dtype, block))
    if dtype == "uint8":
        dst.write_colormap(1, _colors(classes))
    dst.update_tags(**{CLASS_TABLE_TAG: json.dumps(table_to_dicts(classes), ensure_ascii=False)}, **tags)
    return dst


def create_confidence_raster(path: Path, width: int, height: int, transform: Affine, crs: CRS, block: int, tags: dict):
    """Opens a new float32 raster for the top-class probability; 0 is nodata (a top probability never is 0)."""
    dst = rasterio.open(path, "w", **_profile(width, height, transform, crs, "float32", block))
    dst.update_tags(**tags)
    return dst


def _colors(classes: Sequence[ClassEntry]) -> dict[int, tuple[int, int, int, int]]:
    """RGBA of every class code; 0 (nodata) is transparent."""
    colors = {NODATA_CODE: (0, 0, 0, 0)}
    for entry in classes:
        colors[entry.code] = (*hex_to_rgb(entry.color), 255)
    return colors


def add_class_table(band: ET.Element, classes: Sequence[ClassEntry], color_table: bool) -> None:
    """Adds the class names (GDAL category names, index = class code) to a band's XML, in the form GDAL
    writes in a side-car or a VRT; with color_table, the palette too."""
    names = {entry.code: entry.name for entry in classes}
    if color_table:
        ET.SubElement(band, "ColorInterp").text = "Palette"
    categories = ET.SubElement(band, "CategoryNames")
    for code in range(max(names) + 1):
        ET.SubElement(categories, "Category").text = names.get(code, "")
    if color_table:
        table = ET.SubElement(band, "ColorTable")
        colors = _colors(classes)
        for code in range(max(names) + 1):
            rgba = colors.get(code, (0, 0, 0, 0))
            ET.SubElement(table, "Entry", {f"c{i + 1}": str(value) for i, value in enumerate(rgba)})


def side_car_path(raster: str | Path) -> Path:
    """Where GDAL keeps a file's PAM metadata: `<file>.aux.xml`."""
    raster = Path(raster)
    return raster.with_name(raster.name + ".aux.xml")


def write_side_car(path: Path, classes: Sequence[ClassEntry]) -> Path:
    """Writes `<path>.aux.xml`: class names as GDAL category names (index = class code), and for
    16-bit maps the colour table.

    Replaces any older side-car: it would describe a previous file of the same name.
    """
    dataset = ET.Element("PAMDataset")
    band = ET.SubElement(dataset, "PAMRasterBand", band="1")
    add_class_table(band, classes, color_table=class_dtype(classes) != "uint8")
    side_car = side_car_path(path)
    ET.ElementTree(dataset).write(side_car, encoding="UTF-8", xml_declaration=False)
    return side_car


def tagged_classes(tags: dict[str, str]) -> tuple[dict[int, str], dict[int, str]]:
    """Names and colours by class code from the class table create_class_raster writes into the tags.

    Empty where the tag is absent; a damaged tag gives what was read before the damage.
    """
    names: dict[int, str] = {}
    colors: dict[int, str] = {}
    table = tags.get(CLASS_TABLE_TAG)
    if table:
        try:
            for entry in json.loads(table):
                names[int(entry["code"])] = str(entry["name"])
                colors[int(entry["code"])] = str(entry["color"])
        except (ValueError, KeyError, TypeError):
            pass  # a damaged tag: the other sources still tell
    return names, colors


@dataclass
class SideCarClasses:
    """What a side-car says of the classes, by class code.

    names: from a raster attribute table, else category names; colors: from the attribute table;
    palette: the colour table (it spans every value, often opaque black where unused).
    """

    names: dict[int, str] = field(default_factory=dict)
    colors: dict[int, str] = field(default_factory=dict)
    palette: dict[int, str] = field(default_factory=dict)


# GDAL's field usages (GDALRATFieldUsage) in a raster attribute table's FieldDefn.
GFU_NAME, GFU_MIN, GFU_MIN_MAX, GFU_RED, GFU_GREEN, GFU_BLUE = 2, 3, 5, 6, 7, 8


def read_side_car(raster: str | Path) -> SideCarClasses:
    """The class names and colours in the raster's side-car, as write_side_car or any GDAL program writes them;
    empty when there is no side-car or it cannot be parsed."""
    found = SideCarClasses()
    path = side_car_path(raster)
    if not path.is_file():
        return found
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        return found
    band = root.find("PAMRasterBand")
    if band is None:
        return found
    table = band.find("GDALRasterAttributeTable")
    if table is not None:
        _read_attribute_table(table, found)
    categories = band.find("CategoryNames")
    if categories is not None:
        for code, category in enumerate(categories.findall("Category")):
            text = (category.text or "").strip()
            if text and code not in found.names:
                found.names[code] = text
    color_table = band.find("ColorTable")
    if color_table is not None:
        for code, entry in enumerate(color_table.findall("Entry")):
            if entry.get("c4", "255") != "0":
                found.palette[code] = rgb_to_hex(*(int(entry.get(key, "0")) for key in ("c1", "c2", "c3")))
    return found


def _read_attribute_table(table: ET.Element, found: SideCarClasses) -> None:
    """Names and colours of a GDAL raster attribute table's rows, by the value in their min-max (else min) column."""
    usages = {}
    for definition in table.findall("FieldDefn"):
        usages[int(definition.get("index", -1))] = int(definition.findtext("Usage", "0"))
    column = {usage: index for index, usage in sorted(usages.items(), reverse=True)}
    value_column = column.get(GFU_MIN_MAX, column.get(GFU_MIN))
    rgb = (GFU_RED, GFU_GREEN, GFU_BLUE)
    for row in table.findall("Row"):
        cells = [cell.text or "" for cell in row.findall("F")]
        try:
            code = int(float(cells[value_column])) if value_column is not None else int(row.get("index", -1))
        except (ValueError, IndexError):
            continue
        if GFU_NAME in column and column[GFU_NAME] < len(cells) and cells[column[GFU_NAME]].strip():
            found.names[code] = cells[column[GFU_NAME]].strip()
        if all(usage in column and column[usage] < len(cells) for usage in rgb):
            try:
                found.colors[code] = rgb_to_hex(*(int(float(cells[column[usage]])) for usage in rgb))
            except ValueError:
                pass
