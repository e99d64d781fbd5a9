"""What travels beside a raster output: its side-car (`<file>.aux.xml`) and its default style (`<file>.qml`).

One list, so that an output replaced by io.replaced_atomically takes its own companions along and never keeps
an older run's, and one writer, so that the one-process and the distributed classification write the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from .classes import ClassEntry
from .geotiff import side_car_path, write_side_car
from .qml import style_path

# Writes the default style (.qml) of the raster at the path it is given: the class table's palette, or for
# classes None the confidence ramp (qml.write_style, or QGIS's own in plugin/styling.py).
StyleWriter = Callable[[Path, Sequence[ClassEntry] | None], object]
COMPANIONS = (side_car_path, style_path)


def write_companions(raster: Path, classes: Sequence[ClassEntry] | None, style: StyleWriter | None) -> None:
    """Writes the companions of a class raster (classes given: category names) or a confidence raster (None).

    style None writes no .qml (io.replaced_atomically then removes an older one beside the target).
    """
    if classes is not None:
        write_side_car(raster, classes)
    if style is not None:
        style(raster, classes)
