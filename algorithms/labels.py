"""Labelled vector layers as both sampling and accuracy assessment read them: the layers resolved with
clear messages, and every feature's class value with its geometry in the raster's CRS."""

from __future__ import annotations

from collections.abc import Callable

from qgis.core import NULL, QgsCoordinateTransform, QgsGeometry, QgsProcessingException

from ..plugin.compat import FIELD_DOUBLE, FIELD_STRING, INTEGER_FIELD_TYPES
from ..plugin.i18n import tr

# A class field giving more than this share of more than this many features their own class is refused.
UNIQUE_CLASS_SHARE = 0.8
UNIQUE_CLASS_FEATURES = 10


def is_set(crs) -> bool:
    """Whether a layer has a coordinate reference system. A GeoPackage written without one gets a placeholder
    ('Undefined geographic SRS', 'Undefined Cartesian SRS') that QGIS calls valid but that cannot be transformed."""
    return crs.isValid() and not (not crs.authid() and crs.description().casefold().startswith("undefined"))


def resolve_layers(algorithm, parameters, context, raster_name: str, vector_name: str, field_name: str, what: str):
    """The raster layer, the vector source and the class field's index, or a message naming what is wrong.

    what names the raster in messages, translated: "The raster", "The classification".
    """
    raster = algorithm.parameterAsRasterLayer(parameters, raster_name, context)
    if raster is None:
        raise QgsProcessingException(algorithm.invalidRasterError(parameters, raster_name))
    source = algorithm.parameterAsSource(parameters, vector_name, context)
    if source is None:
        raise QgsProcessingException(algorithm.invalidSourceError(parameters, vector_name))
    if not is_set(raster.crs()):
        raise QgsProcessingException(
            tr(
                "{what} '{name}' has no coordinate reference system. Assign one "
                "(Raster > Projections > Assign Projection) and run again."
            ).format(what=what, name=raster.name())
        )
    field = algorithm.parameterAsString(parameters, field_name, context)
    field_index = source.fields().lookupField(field)
    if field_index < 0:
        raise QgsProcessingException(
            tr("The class field '{field}' does not exist in the vector layer. Its fields are: {fields}.").format(
                field=field, fields=", ".join(source.fields().names())
            )
        )
    return raster, source, field_index


def class_rows(
    context, source, field_index: int, raster_crs
) -> tuple[list[tuple[int, int | str, QgsGeometry]], bool, int]:
    """(feature id, class value, geometry in the raster CRS) of every feature with a class and a geometry.

    Returns the rows, whether the values are integer codes (else text, outer spaces removed), and how
    many features were skipped for an empty class or geometry. A real field counts as integer codes
    when every value is a whole number. A layer without a CRS is taken to be in the raster's CRS, and the
    log (the context's feedback) says so.
    """
    field = source.fields().at(field_index)
    real = field.type() == FIELD_DOUBLE
    if field.type() not in INTEGER_FIELD_TYPES and field.type() != FIELD_STRING and not real:
        raise QgsProcessingException(
            tr("The class field '{field}' is of type {type}; use an integer or a text field.").format(
                field=field.name(), type=field.typeName()
            )
        )
    integer = field.type() in INTEGER_FIELD_TYPES or real
    transform = None
    if is_set(source.sourceCrs()):
        transform = QgsCoordinateTransform(source.sourceCrs(), raster_crs, context.transformContext())
    elif context.feedback() is not None:
        assumed = raster_crs.authid() or raster_crs.description()
        context.feedback().pushWarning(
            tr(
                "The vector layer has no coordinate reference system (a shapefile without its .prj file, or a "
                "GeoPackage layer whose SRS is undefined, for instance): its coordinates were taken to be in the "
                "raster's CRS ({crs}). If they are not, assign the layer its CRS (Vector > Data Management Tools > "
                "Assign Projection) and run again."
            ).format(crs=assumed)
        )
    rows, skipped = [], 0
    for feature in source.getFeatures():
        value = feature.attribute(field_index)
        geometry = QgsGeometry(feature.geometry())
        if value is None or value == NULL or str(value).strip() == "" or geometry.isEmpty():
            skipped += 1
            continue
        if real and float(value) != int(float(value)):
            raise QgsProcessingException(
                tr(
                    "The class field '{field}' holds {value}, which is not a class code (a whole number). "
                    "Use an integer or a text field."
                ).format(field=field.name(), value=value)
            )
        if transform is not None:
            geometry.transform(transform)
        rows.append((feature.id(), int(float(value)) if integer else str(value).strip(), geometry))
    return rows, integer, skipped


def check_class_field(source, field_index: int, values: list, styled: Callable[[], str | None] = lambda: None) -> None:
    """Refuses a class field that gives nearly every feature its own class, naming the likely class fields.

    QGIS offers the layer's first field (often 'fid') as the class field, and a Processing parameter cannot
    have a default that depends on the layer. Run as is, sampling would make every polygon its own class, and an
    assessment would score the map on dozens of classes it cannot have (an overall accuracy of 2 %, said without
    a word): refused before any work, the message names the fields that look like classes instead.

    Args:
        values: the class value of every feature with one.
        styled: gives the field the layer's categorized style uses, if any (named first); asked only on refusal.
    """
    if len(values) <= UNIQUE_CLASS_FEATURES or len(set(values)) <= UNIQUE_CLASS_SHARE * len(values):
        return
    fields = source.fields()
    name = fields.at(field_index).name()
    style_field = styled()
    candidates = []
    for index, field in enumerate(fields):
        if index == field_index or not (field.type() == FIELD_STRING or field.name() == style_field):
            continue
        distinct = len(source.uniqueValues(index))
        if 2 <= distinct <= UNIQUE_CLASS_SHARE * len(values):
            candidates.append((field.name() != style_field, field.name(), distinct))
    hints = [
        (
            tr("'{field}' ({count} classes, used by the layer style)")
            if field == style_field
            else tr("'{field}' ({count} classes)")
        ).format(field=field, count=distinct)
        for _, field, distinct in sorted(candidates)
    ]
    if hints:
        hint = tr("Choose {fields} as the class field.").format(fields=tr(" or ").join(hints))
    else:
        hint = tr("Choose the field naming the class.")
    raise QgsProcessingException(
        tr(
            "The class field '{field}' gives {classes} classes to {features} features: nearly every feature has its "
            "own class, so '{field}' is probably not the class field (an identifier?)."
        ).format(field=name, classes=len(set(values)), features=len(values))
        + " "
        + hint
    )
