"""The classes a class map names, read from whatever it carries, and a reference's class values matched to them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio

from .classes import plain_name, rgb_to_hex
from .errors import ImagetteError, sentence
from .geotiff import read_side_car, tagged_classes
from .i18n import tr
from .qml import read_style


@dataclass(frozen=True)
class MapClass:
    """A class code of a map, with its name and #rrggbb colour where the file or its style gives them."""

    code: int
    name: str | None = None
    color: str | None = None

    @property
    def label(self) -> str:
        return self.name or f"class {self.code}"


def map_classes(path: str | Path) -> dict[int, MapClass]:
    """The class names and colours a classification raster carries, by class code.

    Looked for, first found wins for each code: Imagette's class table in the GeoTIFF's tags; a GDAL
    raster attribute table or category names in `<file>.aux.xml`; the labels of a paletted style saved
    as `<file>.qml`. Classes so found take missing colours from the file's colour table. A raster with none of these
    (a plain integer GeoTIFF) gives an empty table: its classes are known by their codes only.
    """
    path = Path(path)
    try:
        with rasterio.open(path) as src:
            names, colors = tagged_classes(src.tags())
            try:
                palette = src.colormap(1)
            except ValueError:  # no colour table
                palette = {}
    except rasterio.errors.RasterioIOError as error:
        raise ImagetteError(
            tr("Cannot read the classification '{path}': {problem}").format(path=path, problem=sentence(error))
        ) from error
    side_car = read_side_car(path)
    for found_names, found_colors in ((side_car.names, side_car.colors), read_style(path)):
        for code, name in found_names.items():
            names.setdefault(code, name)
        for code, color in found_colors.items():
            colors.setdefault(code, color)
    # Colour tables span every value (often opaque black where unused): they colour known classes only.
    file_palette = {code: rgb_to_hex(*rgba[:3]) for code, rgba in palette.items() if rgba[3] > 0}
    for code in set(names) | set(colors):
        colors.setdefault(code, side_car.palette.get(code) or file_palette.get(code) or "")
    return {code: MapClass(code, names.get(code), colors[code] or None) for code in sorted(set(names) | set(colors))}


def match_reference_values(
    values: Iterable[str | int], classes: dict[int, MapClass], field_name: str, map_name: str = ""
) -> dict:
    """Class codes of the reference's class values: integers are codes, text is matched to class names.

    Text must match a name exactly (accents and case as written, outer spaces ignored). map_name names the map in
    messages, in the person's language (default: "the classification").

    Raises:
        ImagetteError: a text value matches no class name, or the map has no class names at all.
    """
    values = set(values)
    integers = {value for value in values if isinstance(value, (int, np.integer)) and not isinstance(value, bool)}
    codes: dict = {value: int(value) for value in integers}
    texts = sorted(str(value) for value in values - integers)
    if not texts:
        return codes
    by_name = {entry.name: entry.code for entry in classes.values() if entry.name}
    map_name = map_name or tr("the classification")
    if not by_name:
        raise ImagetteError(
            tr(
                "The class field '{field}' holds text ({values}), but {map} has no class names to match it to: no "
                "category names or attribute table in the file or its .aux.xml, no paletted style with labels in a "
                ".qml beside it. Use an integer field holding the map's class codes, or give the map a paletted style "
                "with the class names as labels and save it as its default style (.qml)."
            ).format(field=field_name, values=", ".join(repr(t) for t in texts[:5]), map=map_name)
        )
    unmatched = [text for text in texts if text.strip() not in by_name]
    if unmatched:
        hints = []
        for text in unmatched:
            near = [name for name in by_name if plain_name(name) == plain_name(text.strip())]
            hints.append(
                tr("'{value}' (did you mean '{name}'?)").format(value=text, name=near[0]) if near else f"'{text}'"
            )
        raise ImagetteError(
            tr(
                "The class value(s) {values} of field '{field}' match no class of {map}, whose classes are: {names}. "
                "Names must match exactly, accents and case included: correct the reference's values, or use an "
                "integer field of class codes."
            ).format(
                values=", ".join(hints),
                field=field_name,
                map=map_name,
                names=", ".join(repr(name) for name in sorted(by_name, key=by_name.__getitem__)),
            )
        )
    codes.update({text: by_name[text.strip()] for text in texts})
    return codes
