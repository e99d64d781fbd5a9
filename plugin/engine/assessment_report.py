"""The accuracy assessment's HTML report: one self-contained file, no scripts."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from .assessment_result import AssessmentConfig, AssessmentResult
from .html_parts import STYLE, escape, format_number, key_value_table
from .io import replaced_atomically
from .map_classes import MapClass


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
