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
    QgsColorRampShader,
    QgsFillSymbol,
    QgsPalettedRasterRenderer,
    QgsProcessingContext,
    QgsProcessingLayerPostProcessorInterface,
    QgsRasterLayer,
    QgsRasterShader,
    QgsRuleBasedRenderer,
    QgsSingleBandPseudoColorRenderer,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QColor

from .compat import RAMP_LINEAR
from .engine.classes import ClassEntry
from .engine.errors import ImagetteError
from .engine.i18n import tr_noop
from .engine.qml import VIRIDIS, style_path
from .i18n import tr

# Post-processors waiting for QGIS to call them (QGIS calls each once); each leaves once it has run.
_PENDING: list[QgsProcessingLayerPostProcessorInterface] = []

# The legend of the patch footprints, under each class.
SPLIT_LABELS = {"train": tr_noop("training"), "validation": tr_noop("validation")}


def class_renderer(layer: QgsRasterLayer, classes: Sequence[ClassEntry]) -> QgsPalettedRasterRenderer:
    """One colour and name per class code, on band 1; code 0 (nodata) stays transparent."""
    data = [QgsPalettedRasterRenderer.Class(entry.code, QColor(entry.color), entry.name) for entry in classes]
    return QgsPalettedRasterRenderer(layer.dataProvider(), 1, data)


def confidence_renderer(layer: QgsRasterLayer) -> QgsSingleBandPseudoColorRenderer:
    """Band 1 on the viridis ramp from 0 to 1 (readable by colour-blind people and in grey), with a legend of 0,
    0.25, ... 1; 0 (nodata) stays transparent."""
    items = [
        QgsColorRampShader.ColorRampItem(index / (len(VIRIDIS) - 1), QColor(color), f"{index / (len(VIRIDIS) - 1):g}")
        for index, color in enumerate(VIRIDIS)
    ]
    ramp = QgsColorRampShader(0.0, 1.0)
    ramp.setColorRampType(RAMP_LINEAR)
    ramp.setColorRampItemList(items)
    shader = QgsRasterShader(0.0, 1.0)
    shader.setRasterShaderFunction(ramp)
    renderer = QgsSingleBandPseudoColorRenderer(layer.dataProvider(), 1, shader)
    renderer.setClassificationMin(0.0)
    renderer.setClassificationMax(1.0)
    return renderer


def footprint_renderer(classes: Sequence[ClassEntry]) -> QgsRuleBasedRenderer:
    """One rule per class in its colour, with a rule per split under it: training patches filled, validation
    patches hatched, so both the class and the split show on the map and in the legend."""
    root = QgsRuleBasedRenderer.Rule(None)
    for entry in classes:
        parent = QgsRuleBasedRenderer.Rule(None, 0, 0, f'"class_code" = {entry.code}', entry.name)
        color = QColor(entry.color)
        fill = QColor(color)
        fill.setAlpha(110)
        for split, style in (("train", "solid"), ("validation", "b_diagonal")):
            symbol = QgsFillSymbol.createSimple(
                {
                    "color": fill.name(QColor.NameFormat.HexArgb),
                    "style": style,
                    "outline_color": color.name(),
                    "outline_width": "0.4",
                }
            )
            parent.appendChild(
                QgsRuleBasedRenderer.Rule(symbol, 0, 0, f"\"split\" = '{split}'", tr(SPLIT_LABELS[split]))
            )
        root.appendChild(parent)
    return QgsRuleBasedRenderer(root)


def save_default_style(raster: str | Path, classes: Sequence[ClassEntry] | None) -> Path:
    """Writes the raster's default style (.qml), replacing any older one: the paletted style of the classes, or
    with classes None the confidence ramp.

    Raises:
        ImagetteError: QGIS cannot open the raster.
        OSError: the style cannot be written.
    """
    layer = QgsRasterLayer(str(raster), Path(raster).stem, "gdal")
    if not layer.isValid():
        raise ImagetteError(
            tr("QGIS cannot open the raster '{raster}' it has just written, to style it.").format(raster=raster)
        )
    layer.setRenderer(confidence_renderer(layer) if classes is None else class_renderer(layer, classes))
    target = style_path(raster)
    message, saved = layer.saveNamedStyle(str(target))
    if not saved:  # an OSError, as from any other write: the caller says which output and why (a full disk?)
        raise OSError(f"QGIS cannot write the style '{target}': {message}")
    return target


class ClassStyler(QgsProcessingLayerPostProcessorInterface):
    """Gives a loaded layer its style and name: the paletted renderer of the classes for a classification, the
    confidence ramp (classes None) for a confidence raster, the class and split rules for patch footprints."""

    def __init__(self, classes: Sequence[ClassEntry] | None, name: str | None) -> None:
        super().__init__()
        self.classes = None if classes is None else list(classes)
        self.name = name

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (QGIS's name)
        if isinstance(layer, QgsRasterLayer):
            if self.classes is None:
                layer.setRenderer(confidence_renderer(layer))
            else:
                layer.setRenderer(class_renderer(layer, self.classes))
        elif isinstance(layer, QgsVectorLayer) and self.classes is not None:
            layer.setRenderer(footprint_renderer(self.classes))
        if self.name:
            layer.setName(self.name)
        layer.triggerRepaint()
        if self in _PENDING:
            _PENDING.remove(self)


def style_when_loaded(
    context: QgsProcessingContext, output: str, classes: Sequence[ClassEntry] | None, name: str | None = None
) -> None:
    """Styles (and names, given a name) the output layer when Processing loads it into the project, if it does.

    classes: the class table for a classification or footprints; None for a confidence raster.
    """
    if not context.willLoadLayerOnCompletion(output):
        return
    styler = ClassStyler(classes, name)
    _PENDING.append(styler)
    context.layerToLoadOnCompletionDetails(output).setPostProcessor(styler)
