"""The accuracy assessment's HTML report: one self-contained file, no scripts, in the person's language."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from .assessment_result import AssessmentConfig, AssessmentResult
from .html_parts import STYLE, escape, format_number, header_row, key_value_table
from .i18n import tr, tr_noop
from .io import replaced_atomically
from .map_classes import MapClass

# What the report counts the reference in, by whether it is points: one, several (translated where shown).
UNIT_WORDS = {True: (tr_noop("point"), tr_noop("points")), False: (tr_noop("pixel"), tr_noop("pixels"))}


def _swatch(entry: MapClass) -> str:
    return f'<span class="swatch" style="background:{escape(entry.color or "#ffffff")}"></span>{escape(entry.label)}'


def _percent(value: float | None, interval: float | None = None) -> str:
    if value is None:
        return "–"
    return f"{value:.1%}" + ("" if interval is None else f" ± {interval:.1%}")


def _area(value: float) -> str:
    """Large areas to the unit with thousands separators, small ones to four significant digits."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def _confusion_table(result: AssessmentResult, units: str, count_unclassified: bool = True) -> str:
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
    total = escape(tr("total"))
    rows.append(
        f'<tr><th class="name">{total}</th>{totals}<th>{int(counts.confusion.sum())}</th>'
        f"<th>{counts.nodata_pixels}</th></tr>"
    )
    reading = tr("Rows: reference class; columns: map class; counts of {units}. The diagonal is agreement.").format(
        units=units
    )
    if count_unclassified:
        last = tr(
            "The last column, reference on map nodata, counts against the map as unclassified (the headline scores)."
        )
    else:
        last = tr("The last column, reference on map nodata, is left out of every score.")
    corner, unclassified = escape(tr("reference \\ map")), escape(tr("unclassified (map nodata)"))
    return (
        f'<p class="note">{escape(reading)} {escape(last)}</p>'
        f'<table><tr><th class="name">{corner}</th>{head}<th>{total}</th><th>{unclassified}</th></tr>'
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
    head = header_row(
        (
            tr_noop("code"),
            tr_noop("class"),
            tr_noop("reference"),
            tr_noop("mapped as"),
            tr_noop("producer's accuracy"),
            tr_noop("user's accuracy"),
            "F1",
            tr_noop("map pixels"),
        )
    )
    explained = tr(
        "Producer's accuracy (recall): share of the reference of a class that the map gives that class (1 − omission "
        "error). User's accuracy (precision): share of what the map calls a class that the reference agrees with "
        "(1 − commission error). F1: their harmonic mean. Macro-F1: the mean F1 of the classes that have reference. "
        "Kappa: agreement beyond what chance would give with the same class shares."
    )
    return f"<table><tr>{head}</tr>{''.join(rows)}</table><p class=note>{escape(explained)}</p>"


def _estimates_table(result: AssessmentResult) -> str:
    estimates = result.estimates
    assert estimates is not None
    unit = escape(tr(estimates["area_unit"]))  # "ha", or "pixels" without metres
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
    if estimates["overall_accuracy_ci"] is None:
        headline = tr("Area-adjusted overall accuracy: {accuracy}, from {count} points.")
    else:
        headline = tr("Area-adjusted overall accuracy: {accuracy} (95 % confidence interval), from {count} points.")
    accuracy = _percent(estimates["overall_accuracy"], estimates["overall_accuracy_ci"])
    users, producers = escape(tr("user's accuracy")), escape(tr("producer's accuracy"))
    # The method and its source, with the estimators' subscripts: HTML in the translation too.
    method = tr(
        "Stratified estimators with the map classes as strata (Olofsson et al. 2014, eqs. 4–11): "
        "p<sub>ij</sub> = W<sub>i</sub> n<sub>ij</sub> / n<sub>i.</sub>; overall accuracy Σ p<sub>jj</sub>; "
        "user's accuracy p<sub>ii</sub> / p<sub>i.</sub>; producer's accuracy p<sub>jj</sub> / p<sub>.j</sub>; "
        "area A<sub>j</sub> = A × p<sub>.j</sub>; ± is 1.96 standard errors (95 %). They are unbiased when the points "
        "were drawn at random within each map class (stratified random sampling), or by simple random or systematic "
        "sampling; not for points placed by hand. Olofsson, P. et al. (2014), Good practices for estimating area and "
        "assessing accuracy of land change, Remote Sensing of Environment 148, 42–57."
    )
    return (
        f"<p>{escape(headline).format(accuracy=f'<b>{accuracy}</b>', count=estimates['sample_size'])}</p>"
        f'<table><tr><th class="name">{escape(tr("map class (stratum)"))}</th>'
        f"<th>W<sub>i</sub> {escape(tr('(map share)'))}</th><th>{escape(tr('points'))}</th>"
        f"<th>{users}</th><th>{producers}</th>"
        f"<th>{escape(tr('mapped area ({unit})')).format(unit=unit)}</th>"
        f"<th>{escape(tr('estimated area ({unit})')).format(unit=unit)}</th></tr>{''.join(rows)}</table>"
        f"<p class=note>{method}</p>"
    )


def render_assessment_report(result: AssessmentResult, config: AssessmentConfig) -> str:
    """The accuracy report's HTML: one self-contained file, no scripts."""
    scores = result.scores
    unit, units = (tr(word) for word in UNIT_WORDS[result.points])
    cards = "".join(
        f'<div class="card">{escape(tr(label))}<b>{format_number(scores[key])}</b></div>'
        for label, key in (
            (tr_noop("Overall accuracy"), "overall_accuracy"),
            (tr_noop("Macro-F1"), "macro_f1"),
            (tr_noop("Kappa"), "kappa"),
        )
    )
    if config.count_unclassified:
        cards += (
            f'<div class="card">{escape(tr("Overall accuracy, mapped area only"))}'
            f"<b>{format_number(result.mapped_scores['overall_accuracy'])}</b></div>"
        )
    cards += (
        f'<div class="card">{escape(tr("Coverage (reference the map classifies)"))}<b>{result.coverage:.1%}</b></div>'
    )
    if config.count_unclassified:
        counted = tr(
            "Reference {units} on map nodata count against the map, as unclassified; the mapped-area-only overall "
            "accuracy leaves them out."
        )
    else:
        counted = tr("Reference {units} on map nodata are left out: the scores describe the mapped area only.")
    if result.points:
        kind = tr("points (one pixel each)")
    else:
        kind = tr("polygons (pixels whose centre is inside)")
    facts = {
        tr("Classification"): config.classification_path,
        tr("Reference"): config.reference_description or tr("{count} features").format(count=len(config.features)),
        tr("Reference kind"): kind,
        tr("Reference {units} counted").format(units=units): int(result.counts.confusion.sum()),
        tr("Reference {units} on map nodata").format(units=units): result.counts.nodata_pixels,
        tr("Pixels in overlaps of different classes (left out)"): result.counts.ambiguous,
        tr("Reference features outside the map"): result.outside,
        tr("Map pixels (classified / nodata)"): f"{sum(result.map_pixels.values())} / {result.map_nodata_pixels}",
        tr("Pixel area"): tr("{area} square {unit}").format(area=f"{result.pixel_area:g}", unit=tr(result.area_unit)),
    }
    title = escape(tr("Imagette accuracy assessment"))
    written = tr("Written {time} UTC.").format(time=f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M}")
    weighs = tr("Scores count reference {units}: every {unit} weighs the same.").format(units=units, unit=unit)
    sections = [
        f"<h1>{title}</h1><p class=note>{escape(written)} {escape(weighs)} {escape(counted.format(units=units))}</p>",
        f'<div class="cards">{cards}</div>',
        "".join(f'<div class="warn">{escape(note)}</div>' for note in result.notes),
        f"<h2>{escape(tr('Confusion matrix'))}</h2>",
        _confusion_table(result, units, config.count_unclassified),
        f"<h2>{escape(tr('Per-class scores'))}</h2>",
        _per_class_table(result),
    ]
    if result.estimates is not None:
        sections += [f"<h2>{escape(tr('Area-adjusted estimates'))}</h2>", _estimates_table(result)]
    elif not result.points:
        not_a_sample = tr(
            "The reference is polygons, not a random sample: the scores describe agreement on those polygons and "
            "cannot be turned into unbiased map-wide accuracy or class areas. For those, assess with points drawn at "
            "random within each map class (see docs/accuracy.md)."
        )
        sections.append(f"<p class=note>{escape(not_a_sample)}</p>")
    sections += [f"<h2>{escape(tr('Inputs'))}</h2>", key_value_table(facts)]
    # The report's language, as its translation gives it: "fr" in the French one (as the training report's).
    language = escape(tr("en"))
    return (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{STYLE}</style></head><body>{''.join(sections)}</body></html>"
    )


def write_assessment_report(path: str | Path, result: AssessmentResult, config: AssessmentConfig) -> Path:
    """Writes the HTML report atomically and returns its path."""
    with replaced_atomically(path) as temporary:
        temporary.write_text(render_assessment_report(result, config), encoding="utf-8")
    return Path(path)
