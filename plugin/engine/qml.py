"""The QGIS default style of a class raster (`<name>.qml`): where it lies, written and read without QGIS.

Inside QGIS, plugin/styling.py has QGIS write the style itself, at style_path. Outside it (the `imagette`
command, a cluster job) this module writes the same renderers: for a class raster a paletted renderer, one
colour and label per class code on band 1, nodata (0) transparent; for a confidence raster the viridis
ramp from 0 to 1. The XML is the part of what QGIS 3.22 saves that a paletted renderer
needs; QGIS fills in defaults for what is left out when it loads the file beside the raster. Reading takes
the labels and colours of a paletted renderer from any such style, QGIS's own included.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from .classes import ClassEntry

QGIS_VERSION = "3.22.0"  # the oldest QGIS the plugin supports reads this style
# The confidence ramp, here and in plugin/styling.py: viridis (dark purple = unsure, yellow = sure), from 0 to 1.
VIRIDIS = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725")


def style_path(raster: str | Path) -> Path:
    """Where QGIS looks for a file's default style: the same name with .qml."""
    return Path(raster).with_suffix(".qml")


def style_xml(classes: Sequence[ClassEntry] | None) -> str:
    """The .qml document of a paletted renderer with the classes' colours and names; None: the confidence ramp."""
    root = ET.Element("qgis", version=QGIS_VERSION, styleCategories="AllStyleCategories")
    pipe = ET.SubElement(root, "pipe")
    common = {"band": "1", "opacity": "1", "alphaBand": "-1", "nodataColor": ""}
    if classes is None:
        renderer = ET.SubElement(
            pipe,
            "rasterrenderer",
            {"type": "singlebandpseudocolor", "classificationMin": "0", "classificationMax": "1", **common},
        )
        ET.SubElement(renderer, "rasterTransparency")
        ramp = ET.SubElement(
            ET.SubElement(renderer, "rastershader"),
            "colorrampshader",
            colorRampType="INTERPOLATED",
            classificationMode="1",
            clip="0",
            minimumValue="0",
            maximumValue="1",
        )
        for index, color in enumerate(VIRIDIS):
            value = f"{index / (len(VIRIDIS) - 1):g}"
            ET.SubElement(ramp, "item", value=value, color=color, label=value, alpha="255")
    else:
        renderer = ET.SubElement(pipe, "rasterrenderer", {"type": "paletted", **common})
        ET.SubElement(renderer, "rasterTransparency")
        palette = ET.SubElement(renderer, "colorPalette")
        for entry in classes:
            ET.SubElement(
                palette, "paletteEntry", value=str(entry.code), color=entry.color.lower(), alpha="255", label=entry.name
            )
    ET.SubElement(pipe, "brightnesscontrast", brightness="0", contrast="0", gamma="1")
    ET.SubElement(pipe, "huesaturation", saturation="0", grayscaleMode="0", invertColors="0", colorizeOn="0")
    ET.SubElement(pipe, "rasterresampler", maxOversampling="2")
    ET.SubElement(root, "blendMode").text = "0"
    ET.indent(root)
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(root, encoding="unicode") + "\n"


def write_style(raster: str | Path, classes: Sequence[ClassEntry] | None) -> Path:
    """Writes the raster's default style (.qml), replacing any older one: the classes' palette, or for
    None the confidence ramp."""
    target = style_path(raster)
    target.write_text(style_xml(classes), encoding="utf-8")
    return target


def read_style(raster: str | Path) -> tuple[dict[int, str], dict[int, str]]:
    """Labels and #rrggbb colours by class code of the paletted renderers in the raster's default style;
    empty when there is no style or it cannot be parsed."""
    names: dict[int, str] = {}
    colors: dict[int, str] = {}
    path = style_path(raster)
    if not path.is_file():
        return names, colors
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        return names, colors
    for renderer in root.iter("rasterrenderer"):
        if renderer.get("type") != "paletted":
            continue
        for entry in renderer.iter("paletteEntry"):
            try:
                code = int(float(entry.get("value", "")))
            except ValueError:
                continue
            if (entry.get("label") or "").strip():
                names[code] = entry.get("label", "").strip()
            if entry.get("color"):
                colors[code] = entry.get("color", "")[:7].lower()
    return names, colors
