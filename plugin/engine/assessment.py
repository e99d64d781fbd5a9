"""Accuracy assessment of a class map against reference polygons or points, without QGIS.

`assess_accuracy` reads a classification raster by windows (its classes, its area per class, the windows
around the references), counts the reference there (reference_counts.py), gives the area-adjusted estimates
for points (area_estimates.py), says what looks wrong in notes, and writes the report (assessment_report.py).
"""

from __future__ import annotations

import numpy as np
import rasterio
from rasterio.windows import Window
from rasterio.windows import transform as window_transform

from .area_estimates import stratified_estimates
from .assessment_report import write_assessment_report
from .assessment_result import AssessmentConfig, AssessmentResult
from .classes import palette_color
from .errors import ImagetteError, sentence
from .geometry import Geometry, geometry_bounds
from .i18n import tr, tr_noop
from .map_classes import MapClass, map_classes
from .metrics import classification_scores
from .pixel_boxes import PixelBoxes, raster_windows
from .progress import Progress
from .reference_counts import ReferenceCounts, is_point, reference_confusion, unclassified_scores

CHUNK = 1024  # side of the windows the raster is read by, in pixels
# Below this share of the reference in classes the map gives, the class field is probably not the map's codes.
OVERLAP_SHARE = 0.5
# At or below this kappa (and with 20 reference units or more), the map agrees with the reference no better than chance.
CHANCE_KAPPA = 0.05
# The names a CRS gives its metres; the first is the one the report shows, translated.
METRE_NAMES = (tr_noop("metre"), "meter", "metres", "meters")
# What the notes count the reference in, by whether it is points: one, one or more, several (translated where shown).
UNIT_WORDS = {
    True: (tr_noop("sample point"), tr_noop("sample point(s)"), tr_noop("sample points")),
    False: (tr_noop("pixel"), tr_noop("pixel(s)"), tr_noop("pixels")),
}


def _read_codes(src, window: Window) -> np.ndarray:
    values = src.read(1, window=window)
    if values.dtype.kind == "f":
        whole = np.isnan(values) | (values == np.round(values))
        if not whole.all():
            raise ImagetteError(
                tr(
                    "The raster '{raster}' holds fractional values: it is not a classification (class codes are whole "
                    "numbers). Give a raster of class codes, such as the output of 'Classify raster'."
                ).format(raster=src.name)
            )
    return values


def _histogram(src, nodata, progress: Progress, start: float, end: float) -> tuple[dict[int, int], int]:
    """Pixels per class code over the whole map, read by windows, and the nodata pixels."""
    totals: dict[int, int] = {}
    missing = 0
    windows = raster_windows(src.height, src.width, CHUNK)
    for window in progress.iterate(windows, len(windows), start, end):
        values = _read_codes(src, window)
        absent = np.zeros(values.shape, dtype=bool) if nodata is None else values == nodata
        if values.dtype.kind == "f":
            absent |= np.isnan(values)
        missing += int(absent.sum())
        values = values[~absent]
        if values.dtype in (np.uint8, np.uint16):
            found = np.bincount(values.ravel())
            codes = np.flatnonzero(found)
            amounts = found[codes]
        else:
            codes, amounts = np.unique(values, return_counts=True)
        for code, amount in zip(codes, amounts):
            totals[int(code)] = totals.get(int(code), 0) + int(amount)
    return totals, missing


def _class_notes(
    codes: list[int],
    reference_totals: np.ndarray,
    map_pixels: dict[int, int],
    names: dict[int, str],
    units: tuple[str, str, str],
) -> list[str]:
    """Classes that only the reference has, or only the map (units: UNIT_WORDS, translated)."""
    notes = []
    for index, code in enumerate(codes):
        if code not in map_pixels:
            notes.append(
                tr(
                    "Reference class '{name}' (code {code}) does not occur in the map: its {count} {units} are all "
                    "mapped as other classes."
                ).format(name=names[code], code=code, count=int(reference_totals[index]), units=units[1])
            )
        elif reference_totals[index] == 0:
            notes.append(
                tr(
                    "Map class '{name}' (code {code}, {pixels} pixels) has no reference {unit}: its user's accuracy is "
                    "measured only by what other classes' references say."
                ).format(name=names[code], code=code, pixels=map_pixels[code], unit=units[0])
            )
    return notes


def _sample_notes(estimates: dict, names: list[str]) -> list[str]:
    """Map classes (strata) whose sample points are too few for the area-adjusted estimates."""
    notes = [
        tr(
            "Map class '{name}' ({share} of the map) holds no sample point: the area-adjusted estimates leave its "
            "share of the map out. Add points in every map class."
        ).format(name=names[i], share=f"{estimates['weights'][i]:.1%}")
        for i in estimates["unsampled_strata"]
    ]
    thin = [names[i] for i, n in enumerate(estimates["strata_sample"]) if n == 1]
    if thin:
        notes.append(
            tr(
                "Map class(es) {names} hold a single sample point: no confidence interval can be computed where they "
                "count. Olofsson et al. (2014) suggest 50 to 100 points per map class."
            ).format(names=", ".join(thin))
        )
    return notes


def _field_doubts(
    codes: list[int],
    reference_totals: np.ndarray,
    confusion: np.ndarray,
    map_pixels: dict[int, int],
    names: dict[int, str],
    units: tuple[str, str, str],
) -> list[str]:
    """Warnings that the reference's class values are probably not the map's classes: most of the reference has
    classes the map never gives (an integer field of other codes), or the map agrees with it no better than chance
    (codes of another nomenclature that happen to overlap). Scores are computed either way; these say to look."""
    doubts = []
    total = int(reference_totals.sum())
    in_map = int(sum(reference_totals[i] for i, code in enumerate(codes) if code in map_pixels))
    if total and in_map < OVERLAP_SHARE * total:
        absent = [code for i, code in enumerate(codes) if code not in map_pixels and reference_totals[i]]
        given = ", ".join(
            f"{code} '{names[code]}'" if names[code] != str(code) else str(code) for code in sorted(map_pixels)
        )
        doubts.append(
            tr(
                "Only {share} of the reference {units} have a class the map gives: the reference's class(es) {absent} "
                "never occur in the map, whose classes are {given}. Check that the class field holds the map's class "
                "codes (or its class names): the scores below mean nothing otherwise."
            ).format(
                share=f"{in_map / total:.0%}",
                units=units[2],
                absent=", ".join(map(str, absent[:10])) + ("…" if len(absent) > 10 else ""),
                given=given or tr("none"),
            )
        )
    scores = classification_scores(confusion)
    if not doubts and scores["kappa"] is not None and scores["kappa"] <= CHANCE_KAPPA and confusion.sum() >= 20:
        doubts.append(
            tr(
                "The map agrees with the reference no better than chance (kappa {kappa}): check that the class field "
                "holds the map's class codes (or its class names) in the same nomenclature, before reading the "
                "scores as the map's."
            ).format(kappa=f"{scores['kappa']:.2f}")
        )
    return doubts


def _count_references(
    src, features: list[tuple[Geometry, int]], codes: list[int], nodata, progress: Progress
) -> tuple[ReferenceCounts, int]:
    """Counts the reference on the map, reading only the windows that features meet (progress 50 to 95 %).

    Returns:
        The counts, and how many features lie wholly outside the map.
    """
    counts = ReferenceCounts.empty(codes)
    boxes = PixelBoxes([geometry_bounds(geometry) for geometry, _ in features], src.transform, src.height, src.width)

    def near(window: Window) -> np.ndarray:
        """The features inside the map whose pixel box meets the window (a window lies inside the map)."""
        row0, col0 = window.row_off, window.col_off
        return np.flatnonzero(boxes.touching(row0, row0 + window.height, col0, col0 + window.width))

    windows = [
        (window, found) for window in raster_windows(src.height, src.width, CHUNK) if (found := near(window)).size
    ]
    for window, found in progress.iterate(windows, len(windows), 50, 95):
        values = _read_codes(src, window)
        counts += reference_confusion(
            values, window_transform(window, src.transform), [features[i] for i in found], codes, nodata
        )
    return counts, int((~boxes.inside).sum())


def assess_accuracy(config: AssessmentConfig, progress: Progress | None = None) -> AssessmentResult:
    """Scores a classification raster on reference polygons or points and writes the report.

    The map is read twice by windows of CHUNK pixels, never whole: once over the whole raster for the
    area of each class (the strata weights), once only where references are.

    Raises:
        ImagetteError: no reference, mixed points and polygons, nothing of the reference inside the map.
    """
    progress = progress or Progress()
    features = [(geometry, int(code)) for geometry, code in config.features]
    if not features:
        raise ImagetteError(tr("The reference layer has no feature with a class: nothing to assess the map with."))
    kinds = {is_point(geometry) for geometry, _ in features}
    if len(kinds) > 1:
        raise ImagetteError(tr("The reference mixes points and polygons: give one kind of geometry."))
    points = kinds == {True}
    try:
        src = rasterio.open(config.classification_path)
    except rasterio.errors.RasterioIOError as error:
        raise ImagetteError(
            tr("Cannot read the classification '{path}': {problem}").format(
                path=config.classification_path, problem=sentence(error)
            )
        ) from error
    notes: list[str] = []
    with src:
        if src.dtypes[0] in ("complex64", "complex128", "complex_int16"):
            raise ImagetteError(
                tr("The raster '{path}' is complex-valued: not a classification.").format(
                    path=config.classification_path
                )
            )
        nodata = src.nodata if src.nodata is not None else 0
        if src.count > 1:
            notes.append(tr("The classification has {bands} bands: only band 1 is assessed.").format(bands=src.count))
        table = map_classes(config.classification_path)
        map_pixels, map_nodata = _histogram(src, nodata, progress, 0, 50)
        reference_codes = sorted({code for _, code in features})
        codes = sorted(set(reference_codes) | set(map_pixels))
        counts, outside = _count_references(src, features, codes, nodata, progress)
        pixel_area = abs(src.transform.a * src.transform.e - src.transform.b * src.transform.d)
        units = (src.crs.linear_units or "").lower() if src.crs is not None else ""
    if counts.confusion.sum() + counts.nodata_pixels == 0:
        if points:
            nothing_inside = tr(
                "No reference point lies inside the classification ({outside} of {total} reference features lie "
                "wholly outside it). Check that the reference covers the map's area and that both have the right "
                "coordinate reference system."
            )
        else:
            nothing_inside = tr(
                "No reference pixel lies inside the classification ({outside} of {total} reference features lie "
                "wholly outside it; a polygon counts only the pixels whose centre it holds). Check that the reference "
                "covers the map's area and that both have the right coordinate reference system."
            )
        raise ImagetteError(nothing_inside.format(outside=outside, total=len(features)))
    if counts.confusion.sum() == 0:
        if points:
            all_on_nodata = tr(
                "All {count} reference point(s) inside the classification fall on its nodata: there is nothing to "
                "score. Check that the map covers the reference, and its nodata value."
            )
        else:
            all_on_nodata = tr(
                "All {count} reference pixel(s) inside the classification fall on its nodata: there is nothing to "
                "score. Check that the map covers the reference, and its nodata value."
            )
        raise ImagetteError(all_on_nodata.format(count=counts.nodata_pixels))
    classes = [table.get(code) or MapClass(code, config.reference_names.get(code)) for code in codes]
    classes = [
        MapClass(entry.code, entry.name or config.reference_names.get(entry.code), entry.color or palette_color(i))
        for i, entry in enumerate(classes)
    ]
    names = {entry.code: entry.label for entry in classes}
    words = (tr(UNIT_WORDS[points][0]), tr(UNIT_WORDS[points][1]), tr(UNIT_WORDS[points][2]))
    reference_totals = counts.confusion.sum(axis=1) + counts.on_nodata
    notes += _class_notes(codes, reference_totals, map_pixels, names, words)
    notes[:0] = _field_doubts(codes, reference_totals, counts.confusion, map_pixels, names, words)
    mapped_scores = classification_scores(counts.confusion)
    scores = unclassified_scores(counts) if config.count_unclassified else mapped_scores
    coverage = float(counts.confusion.sum() / (counts.confusion.sum() + counts.nodata_pixels))
    if counts.nodata_pixels:
        if config.count_unclassified:
            on_nodata = tr(
                "{count} reference {units} fall on map nodata ({share} of the reference): the scores count them "
                "against the map, as unclassified (a map that gives no class there has failed there); on the mapped "
                "area alone, overall accuracy is {accuracy}."
            )
        else:
            on_nodata = tr(
                "{count} reference {units} fall on map nodata ({share} of the reference): they are left out of the "
                "scores, which describe the mapped area only."
            )
        notes.append(
            on_nodata.format(
                count=counts.nodata_pixels,
                units=words[1],
                share=f"{1 - coverage:.2%}",
                accuracy=f"{mapped_scores['overall_accuracy']:.2%}",
            )
        )
    if counts.ambiguous:
        notes.append(
            tr("{count} pixel(s) lie inside overlapping polygons of different classes and are left out.").format(
                count=counts.ambiguous
            )
        )
    if outside:
        notes.append(
            tr("{count} reference feature(s) lie wholly outside the map and count nothing.").format(count=outside)
        )
    estimates = None
    if points:
        mapped = [map_pixels.get(code, 0) for code in codes]
        area_scale = pixel_area / 10_000 if units in METRE_NAMES else 1.0
        estimates = stratified_estimates(counts.confusion.T, mapped, area_scale, config.z)
        estimates["area_unit"] = "ha" if area_scale != 1.0 else "pixels"
        notes += _sample_notes(estimates, [names[code] for code in codes])
    result = AssessmentResult(
        classes=classes,
        counts=counts,
        scores=scores,
        mapped_scores=mapped_scores,
        coverage=coverage,
        map_pixels=map_pixels,
        map_nodata_pixels=map_nodata,
        points=points,
        estimates=estimates,
        notes=notes,
        outside=outside,
        pixel_area=pixel_area,
        area_unit=units or tr_noop("CRS units"),
    )
    for note in notes:
        progress.warning(note)
    if config.report_path:
        result.report_path = str(write_assessment_report(config.report_path, result, config))
    progress.set_percent(100)
    return result
