"""Styling of class rasters in QGIS: a paletted renderer from the class table, saved and applied.

Two paths, so the map looks right wherever it is opened:
- the renderer is saved as the GeoTIFF's default style (`<name>.qml` beside it), which QGIS loads with the file;
- when the algorithm runs from the toolbox, a layer post-processor styles and names the loaded layer.
  QGIS calls it on the main thread after the run, through a plain pointer: Python must keep it alive
  until then, which _PENDING does.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from qgis.core import (
    QgsPalettedRasterRenderer,
    QgsProcessingContext,
    QgsProcessingLayerPostProcessorInterface,
    QgsRasterLayer,
)
from qgis.PyQt.QtGui import QColor

from .engine.classes import ClassEntry
from .engine.errors import ImagetteError

# Post-processors waiting for QGIS to call them (QGIS calls each once); each leaves once it has run.
_PENDING: list[ClassStyler] = []


def class_renderer(layer: QgsRasterLayer, classes: Sequence[ClassEntry]) -> QgsPalettedRasterRenderer:
    """One colour and name per class code, on band 1; code 0 (nodata) stays transparent."""
    data = [QgsPalettedRasterRenderer.Class(entry.code, QColor(entry.color), entry.name) for entry in classes]
    return QgsPalettedRasterRenderer(layer.dataProvider(), 1, data)


def style_path(raster: str | Path) -> Path:
    """Where QGIS looks for a file's default style: the same name with .qml."""
    return Path(raster).with_suffix(".qml")


def save_default_style(raster: str | Path, classes: Sequence[ClassEntry]) -> Path:
    """Writes the paletted style as the raster's default style (.qml), replacing any older one."""
    layer = QgsRasterLayer(str(raster), Path(raster).stem, "gdal")
    if not layer.isValid():
        raise ImagetteError(f"QGIS cannot open the classification '{raster}' it has just written, to style it.")
    layer.setRenderer(class_renderer(layer, classes))
    target = style_path(raster)
    message, saved = layer.saveNamedStyle(str(target))
    if not saved:
        raise ImagetteError(f"Cannot write the style '{target}': {message}. Check that the folder is writable.")
    return target


class ClassStyler(QgsProcessingLayerPostProcessorInterface):
    """Gives the loaded classification its paletted renderer and the model's name."""

    def __init__(self, classes: Sequence[ClassEntry], name: str) -> None:
        super().__init__()
        self.classes = list(classes)
        self.name = name

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (QGIS's name)
        if isinstance(layer, QgsRasterLayer):
            layer.setRenderer(class_renderer(layer, self.classes))
            layer.setName(self.name)
            layer.triggerRepaint()
        if self in _PENDING:
            _PENDING.remove(self)


def style_when_loaded(context: QgsProcessingContext, output: str, classes: Sequence[ClassEntry], name: str) -> None:
    """Styles and names the output layer when Processing loads it into the project, if it does."""
    if not context.willLoadLayerOnCompletion(output):
        return
    styler = ClassStyler(classes, name)
    _PENDING.append(styler)
    context.layerToLoadOnCompletionDetails(output).setPostProcessor(styler)
