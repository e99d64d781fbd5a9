"""Accuracy assessment of a class map against reference polygons or points, without QGIS.

Three parts, each usable alone:
- `reference_confusion` scores a 2-D array of class codes on reference geometries: the confusion
  matrix (rows reference, columns map) over given codes, and the reference pixels that fell on nodata.
  Training reuses it to score a map on validation polygons.
- `stratified_estimates` gives the area-adjusted estimates of Olofsson et al. (2014) from a sample of
  points: overall, user's and producer's accuracy and class areas, with confidence intervals.
- `assess_accuracy` reads a classification raster by windows (its class table, its area per class,
  the windows around the references), puts the two together and writes the HTML report.

Reference: Olofsson, P., Foody, G. M., Herold, M., Stehman, S. V., Woodcock, C. E., Wulder, M. A. (2014).
Good practices for estimating area and assessing accuracy of land change. Remote Sensing of
Environment 148, 42-57. https://doi.org/10.1016/j.rse.2014.02.015
"""

from __future__ import annotations

import json
import math
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from rasterio.features import rasterize
from rasterio.windows import Window
from rasterio.windows import transform as window_transform

from .classes import palette_color
from .errors import ImagetteError
from .geometry import Geometry, geometry_bounds
from .geotiff import CLASS_TABLE_TAG, side_car_path
from .html_parts import STYLE, escape, format_number, key_value_table
from .io import replaced_atomically
from .metrics import classification_scores
from .progress import Progress

CHUNK = 1024  # side of the windows the raster is read by, in pixels
Z_95 = 1.959964  # two-sided 95 % quantile of the normal distribution
# Below this share of the reference in classes the map gives, the class field is probably not the map's codes.
OVERLAP_SHARE = 0.5
# At or below this kappa (and with 20 reference units or more), the map agrees with the reference no better than chance.
CHANCE_KAPPA = 0.05


# ---------------------------------------------------------------- class table of a map


@dataclass(frozen=True)
class MapClass:
    """A class code of a map, with its name and #rrggbb colour where the file or its style gives them."""

    code: int
    name: str | None = None
    color: str | None = None

    @property
    def label(self) -> str:
        return self.name or f"class {self.code}"


def _hex(red: int, green: int, blue: int) -> str:
    return f"#{int(red):02x}{int(green):02x}{int(blue):02x}"


def _xml_root(path: Path) -> ET.Element | None:
    if not path.is_file():
        return None
    try:
        return ET.parse(path).getroot()
    except ET.ParseError:
        return None


def _side_car_classes(path: Path) -> tuple[dict[int, str], dict[int, str], dict[int, str]]:
    """Names and colours from GDAL's `<file>.aux.xml`: a raster attribute table, else category names.

    Returns:
        (names, colours of the attribute table, colours of the colour table).
    """
    names: dict[int, str] = {}
    colors: dict[int, str] = {}
    palette: dict[int, str] = {}
    root = _xml_root(side_car_path(path))
    band = None if root is None else root.find("PAMRasterBand")
    if band is None:
        return names, colors, palette
    table = band.find("GDALRasterAttributeTable")
    if table is not None:
        usages = {}
        for definition in table.findall("FieldDefn"):
            usages[int(definition.get("index", -1))] = int(definition.findtext("Usage", "0"))
        column = {usage: index for index, usage in sorted(usages.items(), reverse=True)}
        value_column = column.get(5, column.get(3))  # GFU_MinMax, else GFU_Min
        for row in table.findall("Row"):
            cells = [cell.text or "" for cell in row.findall("F")]
            try:
                code = int(float(cells[value_column])) if value_column is not None else int(row.get("index", -1))
            except (ValueError, IndexError):
                continue
            if 2 in column and column[2] < len(cells) and cells[column[2]].strip():  # GFU_Name
                names[code] = cells[column[2]].strip()
            if all(usage in column and column[usage] < len(cells) for usage in (6, 7, 8)):  # GFU_Red/Green/Blue
                try:
                    colors[code] = _hex(*(int(float(cells[column[usage]])) for usage in (6, 7, 8)))
                except ValueError:
                    pass
    categories = band.find("CategoryNames")
    if categories is not None:
        for code, category in enumerate(categories.findall("Category")):
            text = (category.text or "").strip()
            if text and code not in names:
                names[code] = text
    color_table = band.find("ColorTable")
    if color_table is not None:
        for code, entry in enumerate(color_table.findall("Entry")):
            if entry.get("c4", "255") != "0":
                palette[code] = _hex(*(int(entry.get(key, "0")) for key in ("c1", "c2", "c3")))
    return names, colors, palette


def _style_classes(path: Path) -> tuple[dict[int, str], dict[int, str]]:
    """Labels and colours of a paletted renderer in the `.qml` default style beside the raster."""
    names: dict[int, str] = {}
    colors: dict[int, str] = {}
    root = _xml_root(path.with_suffix(".qml"))
    if root is None:
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


def map_classes(path: str | Path) -> dict[int, MapClass]:
    """The class names and colours a classification raster carries, by class code.

    Looked for, first found wins for each code: Imagette's class table in the GeoTIFF's tags; a GDAL
    raster attribute table or category names in `<file>.aux.xml`; the labels of a paletted style saved
    as `<file>.qml`. Classes so found take missing colours from the file's colour table. A raster with none of these
    (a plain integer GeoTIFF) gives an empty table: its classes are known by their codes only.
    """
    path = Path(path)
    names: dict[int, str] = {}
    colors: dict[int, str] = {}
    try:
        with rasterio.open(path) as src:
            table = src.tags().get(CLASS_TABLE_TAG)
            try:
                palette = src.colormap(1)
            except ValueError:  # no colour table
                palette = {}
    except rasterio.errors.RasterioIOError as error:
        raise ImagetteError(f"Cannot read the classification '{path}': {error}.") from error
    if table:
        try:
            for entry in json.loads(table):
                names[int(entry["code"])] = str(entry["name"])
                colors[int(entry["code"])] = str(entry["color"])
        except (ValueError, KeyError, TypeError):
            pass  # a damaged tag: the other sources still tell
    side_names, side_colors, side_palette = _side_car_classes(path)
    style_names, style_colors = _style_classes(path)
    for found_names, found_colors in ((side_names, side_colors), (style_names, style_colors)):
        for code, name in found_names.items():
            names.setdefault(code, name)
        for code, color in found_colors.items():
            colors.setdefault(code, color)
    # Colour tables span every value (often opaque black where unused): they colour known classes only.
    file_palette = {code: _hex(*rgba[:3]) for code, rgba in palette.items() if rgba[3] > 0}
    for code in set(names) | set(colors):
        colors.setdefault(code, side_palette.get(code) or file_palette.get(code) or "")
    return {code: MapClass(code, names.get(code), colors[code] or None) for code in sorted(set(names) | set(colors))}


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def match_reference_values(
    values: Iterable[str | int], classes: dict[int, MapClass], field_name: str, map_name: str = "the classification"
) -> dict:
    """Class codes of the reference's class values: integers are codes, text is matched to class names.

    Text must match a name exactly (accents and case as written, outer spaces ignored).

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
    if not by_name:
        raise ImagetteError(
            f"The class field '{field_name}' holds text ({', '.join(repr(t) for t in texts[:5])}), but {map_name} has "
            "no class names to match it to: no category names or attribute table in the file or its .aux.xml, no "
            "paletted style with labels in a .qml beside it. Use an integer field holding the map's class codes, or "
            "give the map a paletted style with the class names as labels and save it as its default style (.qml)."
        )
    unmatched = [text for text in texts if text.strip() not in by_name]
    if unmatched:
        hints = []
        for text in unmatched:
            near = [name for name in by_name if _plain(name) == _plain(text.strip())]
            hints.append(f"'{text}'" + (f" (did you mean '{near[0]}'?)" if near else ""))
        raise ImagetteError(
            f"The class value(s) {', '.join(hints)} of field '{field_name}' match no class of {map_name}, whose "
            f"classes are: {', '.join(repr(name) for name in sorted(by_name, key=by_name.__getitem__))}. Names must "
            "match exactly, accents and case included: correct the reference's values, or use an integer field of "
            "class codes."
        )
    codes.update({text: by_name[text.strip()] for text in texts})
    return codes


# ---------------------------------------------------------------- counting on geometries


@dataclass
class ReferenceCounts:
    """What reference_confusion counted.

    confusion: (len(codes), len(codes)) int64, rows reference class, columns map class, in the order of codes.
    on_nodata: reference pixels (or points) per reference class that fell on map nodata.
    ambiguous: polygon pixels inside polygons of two or more different reference classes (not counted).
    other: reference pixels on a map value that is not in codes (not counted in the matrix).
    """

    codes: list[int]
    confusion: np.ndarray
    on_nodata: np.ndarray
    ambiguous: int = 0
    other: int = 0

    @classmethod
    def empty(cls, codes: Sequence[int]) -> ReferenceCounts:
        """Counts of nothing yet, over codes."""
        size = len(codes)
        return cls(list(codes), np.zeros((size, size), dtype=np.int64), np.zeros(size, dtype=np.int64))

    @property
    def nodata_pixels(self) -> int:
        return int(self.on_nodata.sum())

    def __iadd__(self, more: ReferenceCounts) -> ReferenceCounts:
        self.confusion += more.confusion
        self.on_nodata += more.on_nodata
        self.ambiguous += more.ambiguous
        self.other += more.other
        return self


def _is_point(geometry: Geometry) -> bool:
    return geometry["type"] in ("Point", "MultiPoint")


def _point_coordinates(geometry: Geometry) -> list:
    return [geometry["coordinates"]] if geometry["type"] == "Point" else list(geometry["coordinates"])


def point_pixels(geometry: Geometry, transform: Affine) -> list[tuple[int, int]]:
    """(row, col) of the pixel under each point of a Point or MultiPoint, on the grid of transform."""
    inverse = ~transform
    pixels = []
    for x, y in (coordinates[:2] for coordinates in _point_coordinates(geometry)):
        col, row = inverse * (x, y)
        pixels.append((int(math.floor(row)), int(math.floor(col))))
    return pixels


def reference_confusion(
    class_array: np.ndarray,
    transform: Affine,
    features: Sequence[tuple[Geometry, int]],
    codes: Sequence[int],
    nodata: int | float | None = 0,
) -> ReferenceCounts:
    """Scores a class-code array on reference geometries.

    A polygon counts the pixels whose centre lies inside it (rasterio's rasterize, not all_touched); a
    point counts the pixel under it, once per point. Pixels inside polygons of two or more different
    classes have no single reference class: they are counted as ambiguous and left out. Geometries or
    points outside the array count nothing, so an array can be scored window by window and the counts added.

    Args:
        class_array: 2-D class codes; nodata (0 by default) marks pixels without a class.
        transform: affine transform of the array (its top-left pixel corner and pixel size).
        features: (GeoJSON-like geometry in the array's CRS, reference class code).
        codes: class codes of the matrix's rows and columns, in order; reference codes not in it are ignored.
        nodata: the array's nodata value, or None when every value is a class. NaN is nodata in float arrays.

    Returns:
        ReferenceCounts: the confusion matrix (rows reference, columns map) and the pixels on nodata.
    """
    codes = [int(code) for code in codes]
    size = len(codes)
    counts = ReferenceCounts.empty(codes)
    if size == 0 or class_array.size == 0:
        return counts
    rows, cols = class_array.shape
    index_of = {code: index for index, code in enumerate(codes)}

    reference: list[np.ndarray] = []  # index of the reference class per counted pixel
    mapped: list[np.ndarray] = []  # map value of the same pixel
    polygons: dict[int, list[Geometry]] = {}
    for geometry, code in features:
        if int(code) not in index_of:
            continue
        if _is_point(geometry):
            for row, col in point_pixels(geometry, transform):
                if 0 <= row < rows and 0 <= col < cols:
                    reference.append(np.array([index_of[int(code)]]))
                    mapped.append(class_array[row : row + 1, col])
        else:
            polygons.setdefault(int(code), []).append(geometry)
    if polygons:
        label = np.zeros((rows, cols), dtype=np.int64)  # reference class index + 1
        classes_here = np.zeros((rows, cols), dtype=np.uint16)
        for code, shapes in polygons.items():
            inside = rasterize(
                ((shape, 1) for shape in shapes), out_shape=(rows, cols), transform=transform, fill=0, dtype="uint8"
            ).astype(bool)
            classes_here += inside
            label[inside] = index_of[code] + 1
        single = classes_here == 1
        counts.ambiguous = int((classes_here > 1).sum())
        reference.append(label[single] - 1)
        mapped.append(class_array[single])
    if not reference:
        return counts
    truth = np.concatenate(reference)
    values = np.concatenate(mapped)
    missing = np.zeros(values.shape, dtype=bool)
    if nodata is not None and not (isinstance(nodata, float) and math.isnan(nodata)):
        missing |= values == nodata
    if values.dtype.kind == "f":
        missing |= np.isnan(values)
    counts.on_nodata += np.bincount(truth[missing], minlength=size)
    truth, values = truth[~missing], values[~missing]
    lookup = np.asarray(codes, dtype=np.float64 if values.dtype.kind == "f" else np.int64)
    order = np.argsort(lookup)
    position = np.clip(np.searchsorted(lookup[order], values), 0, size - 1)
    listed = lookup[order][position] == values
    counts.other = int((~listed).sum())
    predicted = order[position[listed]]
    counts.confusion += np.bincount(truth[listed] * size + predicted, minlength=size * size).reshape(size, size)
    return counts


# ---------------------------------------------------------------- area-adjusted estimates


def _interval(variance: float | None, z: float) -> float | None:
    return None if variance is None else z * math.sqrt(max(variance, 0.0))


def stratified_estimates(
    sample: np.ndarray, map_pixels: Sequence[int], pixel_area: float = 1.0, z: float = Z_95
) -> dict:
    """Area-adjusted accuracy and area from a stratified sample, map classes as strata (Olofsson et al. 2014).

    With W_i the share of the map in class i and n_ij the sample counts (map class i, reference class j):
        p_ij = W_i n_ij / n_i.                                        (estimated area proportions, eq. 4)
        OA = sum_j p_jj,  V(OA) = sum_i W_i^2 U_i (1 - U_i) / (n_i. - 1)                           (eq. 5)
        U_i = p_ii / p_i. = n_ii / n_i.,  V(U_i) = U_i (1 - U_i) / (n_i. - 1)                      (eq. 6)
        P_j = p_jj / p_.j,  V(P_j) = [N_j.^2 (1 - P_j)^2 U_j (1 - U_j) / (n_j. - 1)
              + P_j^2 sum_{i != j} N_i.^2 (n_ij / n_i.)(1 - n_ij / n_i.) / (n_i. - 1)] / N_.j^2    (eq. 7)
              with N_i. the map pixels of class i and N_.j = sum_i N_i. n_ij / n_i.
        p_.j = sum_i W_i n_ij / n_i.,  A_j = A p_.j                                                (eq. 9)
        S(p_.j) = sqrt(sum_i W_i^2 (n_ij / n_i.)(1 - n_ij / n_i.) / (n_i. - 1)),  S(A_j) = A S(p_.j) (eqs. 10-11)
    Confidence intervals are ± z S (z = 1.96 for 95 %).

    A stratum with fewer than two sample units has no variance: the intervals that need it are None.
    A stratum with no sample unit contributes nothing to the estimates (its share of the map is unaccounted for).

    Args:
        sample: (K, K) counts, rows map class (stratum), columns reference class, same class order.
        map_pixels: pixels of each map class over the whole map (N_i.).
        pixel_area: area of one pixel, so that areas come out in its unit.
        z: normal quantile of the confidence intervals.

    Returns:
        {"overall_accuracy", "overall_accuracy_ci", "weights", "users_accuracy", "users_accuracy_ci",
         "producers_accuracy", "producers_accuracy_ci", "area_proportion", "area_proportion_ci",
         "area", "area_ci", "mapped_area", "sample_size"}; per-class lists in class order, None where undefined.
    """
    n = np.asarray(sample, dtype=np.float64)
    mapped = np.asarray(map_pixels, dtype=np.float64)
    size = n.shape[0]
    total_pixels = mapped.sum()
    weights = mapped / total_pixels if total_pixels > 0 else np.zeros(size)
    n_row = n.sum(axis=1)  # n_i.
    sampled = n_row > 0
    share = np.divide(n, n_row[:, None], out=np.zeros_like(n), where=sampled[:, None])  # n_ij / n_i.
    p = weights[:, None] * share  # p_ij
    p_col = p.sum(axis=0)  # p_.j
    p_row = p.sum(axis=1)  # p_i.
    variable = n_row > 1
    term = np.divide(share * (1 - share), (n_row - 1)[:, None], out=np.zeros_like(n), where=variable[:, None])

    users = [float(share[i, i]) if sampled[i] else None for i in range(size)]
    users_variance = [float(term[i, i]) if variable[i] else None for i in range(size)]
    overall = float(np.trace(p))
    overall_variance = float((weights**2 * np.diag(term)).sum()) if variable[sampled].all() else None

    estimated_pixels = (mapped[:, None] * share).sum(axis=0)  # N_.j
    producers: list[float | None] = []
    producers_ci: list[float | None] = []
    for j in range(size):
        if p_col[j] <= 0:
            producers.append(None)
            producers_ci.append(None)
            continue
        pa = float(p[j, j] / p_col[j])
        producers.append(pa)
        strata = [i for i in range(size) if sampled[i] and (i == j or n[i, j] > 0)]
        if not all(variable[i] for i in strata) or not sampled[j]:
            producers_ci.append(None)
            continue
        own = mapped[j] ** 2 * (1 - pa) ** 2 * term[j, j]
        others = sum(mapped[i] ** 2 * term[i, j] for i in range(size) if i != j and sampled[i])
        producers_ci.append(_interval(float((own + pa**2 * others) / estimated_pixels[j] ** 2), z))

    area_variance = [
        float((weights**2 * term[:, j]).sum()) if all(variable[i] for i in range(size) if sampled[i]) else None
        for j in range(size)
    ]
    area_total = total_pixels * pixel_area
    proportion_ci = [_interval(v, z) for v in area_variance]
    return {
        "sample_size": int(n.sum()),
        "weights": weights.tolist(),
        "strata_sample": n_row.astype(int).tolist(),
        "overall_accuracy": overall,
        "overall_accuracy_ci": _interval(overall_variance, z),
        "users_accuracy": users,
        "users_accuracy_ci": [_interval(v, z) for v in users_variance],
        "producers_accuracy": producers,
        "producers_accuracy_ci": producers_ci,
        "map_proportion": p_row.tolist(),
        "area_proportion": p_col.tolist(),
        "area_proportion_ci": proportion_ci,
        "area": (p_col * area_total).tolist(),
        "area_ci": [None if ci is None else ci * area_total for ci in proportion_ci],
        "mapped_area": (mapped * pixel_area).tolist(),
        "unsampled_strata": [i for i in range(size) if not sampled[i] and mapped[i] > 0],
    }


# ---------------------------------------------------------------- the whole map


@dataclass
class AssessmentConfig:
    """What to assess.

    features: (geometry in the classification's CRS, reference class code); all points or all polygons.
    reference_names: names of reference codes the map does not name (shown in the report).
    """

    classification_path: str
    features: list[tuple[Geometry, int]]
    report_path: str | None = None
    reference_names: dict[int, str] = field(default_factory=dict)
    reference_description: str = ""
    z: float = Z_95
    count_unclassified: bool = True  # reference on map nodata counts against the map (see unclassified_scores)


@dataclass
class AssessmentResult:
    classes: list[MapClass]  # rows and columns of the matrix, in code order
    counts: ReferenceCounts
    scores: dict  # the headline: unclassified_scores, or mapped_scores when config.count_unclassified is False
    mapped_scores: dict  # classification_scores of the matrix alone: the mapped area only
    coverage: float  # share of the counted reference on which the map gives a class
    map_pixels: dict[int, int]  # pixels of each class code over the whole map
    map_nodata_pixels: int
    points: bool
    estimates: dict | None  # stratified_estimates, for points
    notes: list[str]
    outside: int  # reference features wholly outside the map
    pixel_area: float
    area_unit: str
    report_path: str | None = None


def _pixel_box(bounds: tuple[float, float, float, float], transform: Affine) -> tuple[float, float, float, float]:
    """(row0, row1, col0, col1) spanned by bounds on the grid of transform (a north-up grid)."""
    inverse = ~transform
    corners = [inverse * (x, y) for x in (bounds[0], bounds[2]) for y in (bounds[1], bounds[3])]
    cols = [c for c, _ in corners]
    rows = [r for _, r in corners]
    return min(rows), max(rows), min(cols), max(cols)


def _windows(height: int, width: int) -> list[Window]:
    return [
        Window(col, row, min(CHUNK, width - col), min(CHUNK, height - row))
        for row in range(0, height, CHUNK)
        for col in range(0, width, CHUNK)
    ]


def _read_codes(src, window: Window) -> np.ndarray:
    values = src.read(1, window=window)
    if values.dtype.kind == "f":
        whole = np.isnan(values) | (values == np.round(values))
        if not whole.all():
            raise ImagetteError(
                f"The raster '{src.name}' holds fractional values: it is not a classification (class codes are whole "
                "numbers). Give a raster of class codes, such as the output of 'Classify raster'."
            )
    return values


def _histogram(src, nodata, progress: Progress, start: float, end: float) -> tuple[dict[int, int], int]:
    """Pixels per class code over the whole map, read by windows, and the nodata pixels."""
    totals: dict[int, int] = {}
    missing = 0
    windows = _windows(src.height, src.width)
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


def unclassified_scores(counts: ReferenceCounts) -> dict:
    """Scores with the reference on map nodata counted against the map: an "unclassified" column beside the map's
    classes, so a map that leaves part of the reference without a class loses overall accuracy, kappa and the
    producer's accuracy of those classes there. The user's accuracies are those of the mapped area (no map class
    was given there). per_class holds the reference classes only, in code order; support counts their pixels on
    nodata too."""
    classes = len(counts.codes)
    extended = np.zeros((classes + 1, classes + 1), dtype=np.int64)
    extended[:classes, :classes] = counts.confusion
    extended[:classes, classes] = counts.on_nodata
    scores = classification_scores(extended)
    scores["per_class"] = scores["per_class"][:classes]
    return scores


def _field_doubts(
    codes: list[int],
    reference_totals: np.ndarray,
    confusion: np.ndarray,
    map_pixels: dict[int, int],
    names: dict[int, str],
    unit: str,
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
            f"Only {in_map / total:.0%} of the reference {unit}s have a class the map gives: the reference's "
            f"class(es) {', '.join(map(str, absent[:10]))}{'…' if len(absent) > 10 else ''} never occur in the map, "
            f"whose classes are {given or 'none'}. Check that the class field holds the map's class codes (or its "
            "class names): the scores below mean nothing otherwise."
        )
    scores = classification_scores(confusion)
    if not doubts and scores["kappa"] is not None and scores["kappa"] <= CHANCE_KAPPA and confusion.sum() >= 20:
        doubts.append(
            f"The map agrees with the reference no better than chance (kappa {scores['kappa']:.2f}): check that the "
            "class field holds the map's class codes (or its class names) in the same nomenclature, before reading "
            "the scores as the map's."
        )
    return doubts


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
        raise ImagetteError("The reference layer has no feature with a class: nothing to assess the map with.")
    kinds = {_is_point(geometry) for geometry, _ in features}
    if len(kinds) > 1:
        raise ImagetteError("The reference mixes points and polygons: give one kind of geometry.")
    points = kinds == {True}
    try:
        src = rasterio.open(config.classification_path)
    except rasterio.errors.RasterioIOError as error:
        raise ImagetteError(f"Cannot read the classification '{config.classification_path}': {error}.") from error
    notes: list[str] = []
    with src:
        if src.dtypes[0] in ("complex64", "complex128", "complex_int16"):
            raise ImagetteError(f"The raster '{config.classification_path}' is complex-valued: not a classification.")
        nodata = src.nodata if src.nodata is not None else 0
        if src.count > 1:
            notes.append(f"The classification has {src.count} bands: only band 1 is assessed.")
        table = map_classes(config.classification_path)
        map_pixels, map_nodata = _histogram(src, nodata, progress, 0, 50)
        reference_codes = sorted({code for _, code in features})
        codes = sorted(set(reference_codes) | set(map_pixels))
        counts = ReferenceCounts.empty(codes)
        boxes = np.array(
            [_pixel_box(geometry_bounds(geometry), src.transform) for geometry, _ in features], dtype=float
        )
        inside = (
            (boxes[:, 1] >= 0) & (boxes[:, 0] < src.height) & (boxes[:, 3] >= 0) & (boxes[:, 2] < src.width)
        ) & ~np.isnan(boxes).any(axis=1)
        windows = [
            window
            for window in _windows(src.height, src.width)
            if (
                inside
                & (boxes[:, 1] >= window.row_off)
                & (boxes[:, 0] < window.row_off + window.height)
                & (boxes[:, 3] >= window.col_off)
                & (boxes[:, 2] < window.col_off + window.width)
            ).any()
        ]
        for window in progress.iterate(windows, len(windows), 50, 95):
            near = np.flatnonzero(
                inside
                & (boxes[:, 1] >= window.row_off)
                & (boxes[:, 0] < window.row_off + window.height)
                & (boxes[:, 3] >= window.col_off)
                & (boxes[:, 2] < window.col_off + window.width)
            )
            values = _read_codes(src, window)
            counts += reference_confusion(
                values, window_transform(window, src.transform), [features[i] for i in near], codes, nodata
            )
        pixel_area = abs(src.transform.a * src.transform.e - src.transform.b * src.transform.d)
        units = (src.crs.linear_units or "").lower() if src.crs is not None else ""
    outside = int((~inside).sum())
    if counts.confusion.sum() + counts.nodata_pixels == 0:
        raise ImagetteError(
            f"No reference {'point' if points else 'pixel'} lies inside the classification ({outside} of "
            f"{len(features)} reference features lie wholly outside it"
            + ("" if points else "; a polygon counts only the pixels whose centre it holds")
            + "). Check that the reference covers the map's area and that both have the right coordinate "
            "reference system."
        )
    if counts.confusion.sum() == 0:
        raise ImagetteError(
            f"All {counts.nodata_pixels} reference {'point' if points else 'pixel'}(s) inside the classification fall "
            "on its nodata: there is nothing to score. Check that the map covers the reference, and its nodata value."
        )
    classes = [table.get(code) or MapClass(code, config.reference_names.get(code)) for code in codes]
    classes = [
        MapClass(entry.code, entry.name or config.reference_names.get(entry.code), entry.color or palette_color(i))
        for i, entry in enumerate(classes)
    ]
    names = {entry.code: entry.label for entry in classes}
    unit = "sample point" if points else "pixel"
    reference_totals = counts.confusion.sum(axis=1) + counts.on_nodata
    for index, code in enumerate(codes):
        if code not in map_pixels:
            notes.append(
                f"Reference class '{names[code]}' (code {code}) does not occur in the map: "
                f"its {int(reference_totals[index])} {unit}(s) are all mapped as other classes."
            )
        elif reference_totals[index] == 0:
            notes.append(
                f"Map class '{names[code]}' (code {code}, {map_pixels[code]} pixels) has no reference {unit}: "
                "its user's accuracy is measured only by what other classes' references say."
            )
    notes[:0] = _field_doubts(codes, reference_totals, counts.confusion, map_pixels, names, unit)
    mapped_scores = classification_scores(counts.confusion)
    scores = unclassified_scores(counts) if config.count_unclassified else mapped_scores
    coverage = float(counts.confusion.sum() / (counts.confusion.sum() + counts.nodata_pixels))
    if counts.nodata_pixels:
        notes.append(
            f"{counts.nodata_pixels} reference {unit}(s) fall on map nodata ({1 - coverage:.2%} of the reference): "
            + (
                "the scores count them against the map, as unclassified (a map that gives no class there has failed "
                f"there); on the mapped area alone, overall accuracy is {mapped_scores['overall_accuracy']:.2%}."
                if config.count_unclassified
                else "they are left out of the scores, which describe the mapped area only."
            )
        )
    if counts.ambiguous:
        notes.append(
            f"{counts.ambiguous} pixel(s) lie inside overlapping polygons of different classes and are left out."
        )
    if outside:
        notes.append(f"{outside} reference feature(s) lie wholly outside the map and count nothing.")
    estimates = None
    if points:
        mapped = [map_pixels.get(code, 0) for code in codes]
        area_scale = pixel_area / 10_000 if units in ("metre", "meter", "metres", "meters") else 1.0
        estimates = stratified_estimates(counts.confusion.T, mapped, area_scale, config.z)
        unit_name = "ha" if area_scale != 1.0 else "pixels"
        estimates["area_unit"] = unit_name
        for i in estimates["unsampled_strata"]:
            notes.append(
                f"Map class '{names[codes[i]]}' ({estimates['weights'][i]:.1%} of the map) holds no sample point: "
                "the area-adjusted estimates leave its share of the map out. Add points in every map class."
            )
        thin = [names[codes[i]] for i, n in enumerate(estimates["strata_sample"]) if n == 1]
        if thin:
            notes.append(
                f"Map class(es) {', '.join(thin)} hold a single sample point: no confidence interval can be computed "
                "where they count. Olofsson et al. (2014) suggest 50 to 100 points per map class."
            )
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
        area_unit=units or "CRS units",
    )
    for note in notes:
        progress.warning(note)
    if config.report_path:
        result.report_path = str(write_assessment_report(config.report_path, result, config))
    progress.set_percent(100)
    return result


# ---------------------------------------------------------------- the report


def _swatch(entry: MapClass) -> str:
    return f'<span class="swatch" style="background:{escape(entry.color or "#ffffff")}"></span>{escape(entry.label)}'


def _percent(value: float | None, interval: float | None = None) -> str:
    if value is None:
        return "–"
    return f"{value:.1%}" + ("" if interval is None else f" ± {interval:.1%}")


def _area(value: float) -> str:
    """Large areas to the unit with thousands separators, small ones to four significant digits."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def _confusion_table(result: AssessmentResult, unit: str, count_unclassified: bool = True) -> str:
    classes, counts = result.classes, result.counts
    head = "".join(f'<th class="name">{_swatch(entry)}</th>' for entry in classes)
    rows = []
    for index, entry in enumerate(classes):
        row = counts.confusion[index]
        cells = "".join(
            f'<td style="background:rgba(47,125,225,{value / row.sum():.2f})">{value}</td>'
            if column == index and row.sum()
            else f"<td>{value}</td>"
            for column, value in enumerate(row.tolist())
        )
        rows.append(
            f'<tr><th class="name">{_swatch(entry)}</th>{cells}<td><b>{int(row.sum())}</b></td>'
            f"<td>{int(counts.on_nodata[index])}</td></tr>"
        )
    totals = "".join(f"<th>{int(v)}</th>" for v in counts.confusion.sum(axis=0))
    rows.append(
        f'<tr><th class="name">total</th>{totals}<th>{int(counts.confusion.sum())}</th>'
        f"<th>{counts.nodata_pixels}</th></tr>"
    )
    return (
        f'<p class="note">Rows: reference class; columns: map class; counts of {unit}s. The diagonal is agreement. '
        + (
            "The last column, reference on map nodata, counts against the map as unclassified (the headline scores)."
            if count_unclassified
            else "The last column, reference on map nodata, is left out of every score."
        )
        + "</p>"
        f'<table><tr><th class="name">reference \\ map</th>{head}<th>total</th><th>unclassified (map nodata)</th></tr>'
        f"{''.join(rows)}</table>"
    )


def _per_class_table(result: AssessmentResult) -> str:
    rows = []
    for entry, scores, mapped_total in zip(result.classes, result.scores["per_class"], result.counts.confusion.sum(0)):
        users = scores["precision"] if mapped_total else None
        rows.append(
            f'<tr><td>{entry.code}</td><td class="name">{_swatch(entry)}</td><td>{scores["support"]}</td>'
            f"<td>{int(mapped_total)}</td><td>{_percent(scores['recall'])}</td><td>{_percent(users)}</td>"
            f"<td>{format_number(scores['f1'])}</td><td>{result.map_pixels.get(entry.code, 0)}</td></tr>"
        )
    return (
        '<table><tr><th>code</th><th class="name">class</th><th>reference</th><th>mapped as</th>'
        "<th>producer's accuracy</th><th>user's accuracy</th><th>F1</th><th>map pixels</th></tr>"
        f"{''.join(rows)}</table>"
        "<p class=note>Producer's accuracy (recall): share of the reference of a class that the map gives that class "
        "(1 − omission error). User's accuracy (precision): share of what the map calls a class that the reference "
        "agrees with (1 − commission error). F1: their harmonic mean. Macro-F1: the mean F1 of the classes that have "
        "reference. Kappa: agreement beyond what chance would give with the same class shares.</p>"
    )


def _estimates_table(result: AssessmentResult) -> str:
    estimates = result.estimates
    assert estimates is not None
    unit = estimates["area_unit"]
    rows = []
    for i, entry in enumerate(result.classes):
        rows.append(
            f'<tr><td class="name">{_swatch(entry)}</td><td>{estimates["weights"][i]:.4f}</td>'
            f"<td>{estimates['strata_sample'][i]}</td>"
            f"<td>{_percent(estimates['users_accuracy'][i], estimates['users_accuracy_ci'][i])}</td>"
            f"<td>{_percent(estimates['producers_accuracy'][i], estimates['producers_accuracy_ci'][i])}</td>"
            f"<td>{_area(estimates['mapped_area'][i])}</td><td>{_area(estimates['area'][i])}"
            + ("" if estimates["area_ci"][i] is None else f" ± {_area(estimates['area_ci'][i])}")
            + "</td></tr>"
        )
    return (
        f"<p>Area-adjusted overall accuracy: <b>{_percent(estimates['overall_accuracy'], estimates['overall_accuracy_ci'])}</b>"
        + ("" if estimates["overall_accuracy_ci"] is None else " (95 % confidence interval)")
        + f", from {estimates['sample_size']} points.</p>"
        '<table><tr><th class="name">map class (stratum)</th><th>W<sub>i</sub> (map share)</th><th>points</th>'
        f"<th>user's accuracy</th><th>producer's accuracy</th><th>mapped area ({unit})</th>"
        f"<th>estimated area ({unit})</th></tr>{''.join(rows)}</table>"
        "<p class=note>Stratified estimators with the map classes as strata (Olofsson et al. 2014, eqs. 4–11): "
        "p<sub>ij</sub> = W<sub>i</sub> n<sub>ij</sub> / n<sub>i.</sub>; overall accuracy Σ p<sub>jj</sub>; "
        "user's accuracy p<sub>ii</sub> / p<sub>i.</sub>; producer's accuracy p<sub>jj</sub> / p<sub>.j</sub>; "
        "area A<sub>j</sub> = A × p<sub>.j</sub>; ± is 1.96 standard errors (95 %). They are unbiased when the points "
        "were drawn at random within each map class (stratified random sampling), or by simple random or systematic "
        "sampling; not for points placed by hand. Olofsson, P. et al. (2014), Good practices for estimating area and "
        "assessing accuracy of land change, Remote Sensing of Environment 148, 42–57.</p>"
    )


def render_assessment_report(result: AssessmentResult, config: AssessmentConfig) -> str:
    """The accuracy report's HTML: one self-contained file, no scripts."""
    scores = result.scores
    unit = "point" if result.points else "pixel"
    cards = "".join(
        f'<div class="card">{label}<b>{format_number(scores[key])}</b></div>'
        for label, key in (("Overall accuracy", "overall_accuracy"), ("Macro-F1", "macro_f1"), ("Kappa", "kappa"))
    )
    if config.count_unclassified:
        cards += (
            '<div class="card">Overall accuracy, mapped area only'
            f"<b>{format_number(result.mapped_scores['overall_accuracy'])}</b></div>"
        )
    cards += f'<div class="card">Coverage (reference the map classifies)<b>{result.coverage:.1%}</b></div>'
    counted = (
        f"Reference {unit}s on map nodata count against the map, as unclassified; the mapped-area-only overall "
        "accuracy leaves them out."
        if config.count_unclassified
        else f"Reference {unit}s on map nodata are left out: the scores describe the mapped area only."
    )
    facts = {
        "Classification": config.classification_path,
        "Reference": config.reference_description or f"{len(config.features)} features",
        "Reference kind": "points (one pixel each)" if result.points else "polygons (pixels whose centre is inside)",
        f"Reference {unit}s counted": int(result.counts.confusion.sum()),
        f"Reference {unit}s on map nodata": result.counts.nodata_pixels,
        "Pixels in overlaps of different classes (left out)": result.counts.ambiguous,
        "Reference features outside the map": result.outside,
        "Map pixels (classified / nodata)": f"{sum(result.map_pixels.values())} / {result.map_nodata_pixels}",
        "Pixel area": f"{result.pixel_area:g} square {result.area_unit}",
    }
    sections = [
        f"<h1>Imagette accuracy assessment</h1><p class=note>Written {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC. "
        f"Scores count reference {unit}s: every {unit} weighs the same. {counted}</p>",
        f'<div class="cards">{cards}</div>',
        "".join(f'<div class="warn">{escape(note)}</div>' for note in result.notes),
        "<h2>Confusion matrix</h2>",
        _confusion_table(result, unit, config.count_unclassified),
        "<h2>Per-class scores</h2>",
        _per_class_table(result),
    ]
    if result.estimates is not None:
        sections += ["<h2>Area-adjusted estimates</h2>", _estimates_table(result)]
    elif not result.points:
        sections.append(
            "<p class=note>The reference is polygons, not a random sample: the scores describe agreement on those "
            "polygons and cannot be turned into unbiased map-wide accuracy or class areas. For those, assess with "
            "points drawn at random within each map class (see docs/accuracy.md).</p>"
        )
    sections += ["<h2>Inputs</h2>", key_value_table(facts)]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Imagette accuracy assessment</title>'
        f"<style>{STYLE}</style></head><body>{''.join(sections)}</body></html>"
    )


def write_assessment_report(path: str | Path, result: AssessmentResult, config: AssessmentConfig) -> Path:
    """Writes the HTML report atomically and returns its path."""
    with replaced_atomically(path) as temporary:
        temporary.write_text(render_assessment_report(result, config), encoding="utf-8")
    return Path(path)
