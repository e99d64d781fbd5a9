"""The training report: one self-contained HTML file (inline SVG charts, no scripts, no downloads).

It is made from the model file's metadata alone, so it can be written again from any model file.
It puts per-class scores and the confusion matrix next to overall accuracy, because overall
accuracy alone hides the classes a model fails on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from .html_parts import STYLE, escape, format_number, header_row, key_value_table
from .i18n import tr, tr_noop
from .io import replaced_atomically
from .metrics import is_poor
from .progress import seconds_text
from .run_costs import CROSS_VALIDATION, MAP_SCORING, PREPARING, TRAINING

CHART_W, CHART_H = 520, 260
FONT_SIZE = 11  # the charts' text, in pixels (their titles: 13)
# Sans-serif Latin text averages about 0.55 em a character: 0.62 bounds the words the charts show (in bold too), so
# that a label placed by it stays whole inside the chart in every translation. SVG cannot measure text itself.
CHARACTER_EM = 0.62
# The units scores are counted in (batches.py, scoring.py), marked for translation here, where they are shown.
SCORE_UNITS = (tr_noop("patches"), tr_noop("labelled pixels"), tr_noop("map pixels"))
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 44, 40
LEGEND_STEP = 120  # pixels from one legend entry to the next, at least


def _swatch(entry: dict) -> str:
    return f'<span class="swatch" style="background:{escape(entry["color"])}"></span>{escape(entry["name"])}'


def text_width(text: str, font_size: float = FONT_SIZE) -> float:
    """The width of text in the charts' sans-serif font, in pixels, estimated from above."""
    return len(text) * font_size * CHARACTER_EM


def line_chart(
    title: str,
    series: Sequence[tuple[str, str, Sequence[float | None]]],
    best_epoch: int | None,
    y_range: tuple[float, float] | None = None,
) -> str:
    """An SVG line chart of per-epoch values.

    Args:
        title: shown above the plot.
        series: (label, colour, values by epoch, None where missing).
        best_epoch: 1-based epoch marked by a dashed line, or None.
        y_range: fixed (low, high), or None to fit the values.
    """
    values = [v for _, _, vs in series for v in vs if v is not None]
    epochs = max((len(vs) for _, _, vs in series), default=0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{CHART_W}" height="{CHART_H}" role="img" '
        f'aria-label="{escape(title)}" font-size="{FONT_SIZE}" font-family="sans-serif">',
        f'<text x="{LEFT}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    if not values:
        parts.append(f'<text x="{LEFT}" y="{CHART_H // 2}">{escape(tr("No values to plot."))}</text></svg>')
        return "".join(parts)
    low, high = y_range or (min(values), max(values))
    if high - low < 1e-12:
        low, high = low - 0.5, high + 0.5
    width, height = CHART_W - LEFT - RIGHT, CHART_H - TOP - BOTTOM

    def x(epoch: float) -> float:
        return LEFT + (epoch - 1) / max(epochs - 1, 1) * width

    def y(value: float) -> float:
        return TOP + (1 - (value - low) / (high - low)) * height

    for tick in range(5):
        value = low + (high - low) * tick / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + width}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 4}" y="{y(value) + 4:.1f}" text-anchor="end">{value:.3g}</text>'
        )
    step = max(1, round(epochs / 10))
    for epoch in range(1, epochs + 1, step):
        parts.append(f'<text x="{x(epoch):.1f}" y="{TOP + height + 16}" text-anchor="middle">{epoch}</text>')
    parts.append(
        f'<text x="{LEFT + width / 2:.1f}" y="{CHART_H - 6}" text-anchor="middle">{escape(tr("epoch"))}</text>'
    )
    if best_epoch:
        # The label reads after the line, or before it where it would leave the chart (a best epoch near the last).
        best_label, line_x = tr("best"), x(best_epoch)
        after = line_x + 3 + text_width(best_label) <= CHART_W
        label_x, anchor = (line_x + 3, "start") if after else (line_x - 3, "end")
        parts.append(
            f'<line x1="{line_x:.1f}" x2="{line_x:.1f}" y1="{TOP}" y2="{TOP + height}" stroke="#888" '
            f'stroke-dasharray="4 3"/><text x="{label_x:.1f}" y="{TOP + 10}" text-anchor="{anchor}" '
            f'fill="#555">{escape(best_label)}</text>'
        )
    legend_x = LEFT
    for label, colour, series_values in series:
        points = [(x(e), y(v)) for e, v in enumerate(series_values, start=1) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2.5" fill="{colour}"/>' for px, py in points]
        parts.append(
            f'<rect x="{legend_x}" y="24" width="12" height="4" fill="{colour}"/>'
            f'<text x="{legend_x + 16}" y="30">{escape(label)}</text>'
        )
        # Every 120 px, or further where a long label (a translation) would reach the next one's swatch.
        legend_x += max(LEGEND_STEP, math.ceil(16 + text_width(label) + 12))
    parts.append(f'<rect x="{LEFT}" y="{TOP}" width="{width}" height="{height}" fill="none" stroke="#999"/></svg>')
    return "".join(parts)


# The phases a run's duration is split into, in the order the report gives them; the others count as preparing.
DURATION_PHASES = (TRAINING, MAP_SCORING, CROSS_VALIDATION)


def duration_split(durations: dict[str, float]) -> str:
    """'training 51 s, map-level scoring 1.2 s, cross-validation 4 min 10 s, preparing 0.3 s' from a run's durations.

    The training log ends with the same words (training.py).
    """
    parts = [f"{tr(name)} {seconds_text(durations[name])}" for name in DURATION_PHASES if name in durations]
    other = durations["total"] - sum(durations.get(name, 0.0) for name in DURATION_PHASES)
    return ", ".join(parts + [f"{tr(PREPARING)} {seconds_text(max(other, 0.0))}"])  # reading the dataset, planning


def _duration_split(training: dict) -> str:
    """The split of the run's duration, or '' for a model file written before it was kept."""
    return duration_split(training["durations_s"]) if training.get("durations_s") else ""


def _confusion_tables(metrics: dict, classes: list[dict]) -> str:
    matrix = metrics["confusion_matrix"]
    head = "".join(f'<th class="name">{_swatch(c)}</th>' for c in classes)
    counts, shares = [], []
    for index, (entry, row) in enumerate(zip(classes, matrix)):
        total = sum(row)
        counts.append(
            f'<tr><th class="name">{_swatch(entry)}</th>'
            + "".join(f"<td>{v}</td>" for v in row)
            + f"<td><b>{total}</b></td></tr>"
        )
        cells = []
        for column, value in enumerate(row):
            share = value / total if total else 0.0
            colour = "47,125,225" if column == index else "214,60,60"  # blue: found, red: confused
            cells.append(
                f'<td style="background:rgba({colour},{share:.2f})">{share:.0%}</td>' if total else "<td>–</td>"
            )
        shares.append(f'<tr><th class="name">{_swatch(entry)}</th>{"".join(cells)}</tr>')
    corner = escape(tr("true \\ predicted"))
    rows_and_columns = tr("Rows: true class (validation {unit}); columns: predicted class.").format(
        unit=tr(metrics.get("unit", "patches"))
    )
    return (
        f'<p class="note">{escape(rows_and_columns)}</p>'
        f'<h3>{escape(tr("Counts"))}</h3><table><tr><th class="name">{corner}</th>{head}<th>{escape(tr("total"))}</th></tr>'
        f"{''.join(counts)}</table><h3>{escape(tr('Row-normalised (recall on the diagonal)'))}</h3>"
        f'<table><tr><th class="name">{corner}</th>{head}</tr>{"".join(shares)}</table>'
    )


def _per_class_table(metrics: dict, classes: list[dict]) -> str:
    rows = []
    for entry, scores in zip(classes, metrics["per_class"]):
        rows.append(
            f'<tr{" class=poor" if is_poor(scores) else ""}><td>{entry["code"]}</td><td class="name">{_swatch(entry)}</td>'
            f"<td>{format_number(scores['precision'])}</td><td>{format_number(scores['recall'])}</td>"
            f"<td>{format_number(scores['f1'])}</td><td>{scores['support']}</td></tr>"
        )
    head = header_row(
        (tr_noop("code"), tr_noop("class"), tr_noop("precision"), tr_noop("recall"), "F1", tr_noop("support"))
    )
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _dataset_table(metadata: dict, classes: list[dict]) -> str:
    counts = metadata["dataset"].get("counts") or {}
    train, validation = counts.get("train", {}), counts.get("validation", {})
    rows = [
        f'<tr><td>{c["code"]}</td><td class="name">{_swatch(c)}</td><td>{train.get(str(c["code"]), 0)}</td>'
        f"<td>{validation.get(str(c['code']), 0)}</td></tr>"
        for c in classes
    ]
    rows.append(
        f'<tr><th></th><th class="name">{escape(tr("total"))}</th><th>{sum(train.values())}</th>'
        f"<th>{sum(validation.values())}</th></tr>"
    )
    bands = metadata["bands"]
    facts = {
        tr("Dataset folder"): metadata["dataset"].get("path"),
        tr("Source raster"): metadata["dataset"].get("raster"),
        tr("Patch size"): f"{metadata['patch_size']} px",
        tr("Pixel size"): " × ".join(f"{v:g}" for v in metadata["pixel_size"]) + " " + tr("(CRS units)"),
        tr("CRS"): metadata.get("crs_name"),
        tr("Bands"): f"{bands['count']} ({', '.join(bands['names'])}), {bands['dtype']}",
    }
    head = (
        f'<th>{escape(tr("code"))}</th><th class="name">{escape(tr("class"))}</th>'
        f"<th>{escape(tr('training patches'))}</th><th>{escape(tr('validation patches'))}</th>"
    )
    return key_value_table(facts) + f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _warnings(metadata: dict, classes: list[dict]) -> list[str]:
    metrics, training = metadata["metrics"], metadata["training"]
    notes = []
    if training.get("canceled"):
        notes.append(
            tr("The run was canceled; the model is that of epoch {epoch}, the best before the cancel.").format(
                epoch=training["best_epoch"]
            )
        )
    if not metrics["available"]:
        notes.append(
            tr(
                "The dataset has no validation patches: the model could not be measured and early stopping was off. "
                "Sample again with a validation fraction above 0."
            )
        )
        return notes
    for entry, scores in zip(classes, metrics["per_class"]):
        if scores["f1"] is None:
            notes.append(
                tr("Class '{name}' has no validation patch and could not be measured.").format(name=entry["name"])
            )
        elif is_poor(scores):
            notes.append(
                tr(
                    "Overall accuracy {accuracy} hides class '{name}': F1 {f1}, only {recall} of its validation "
                    "patches found. More or better polygons of it help most."
                ).format(
                    accuracy=f"{metrics['overall_accuracy']:.1%}",
                    name=entry["name"],
                    f1=f"{scores['f1']:.2f}",
                    recall=f"{scores['recall']:.0%}",
                )
            )
    return notes


def render_report(metadata: dict) -> str:
    """The report's HTML, from a model file's metadata."""
    metrics, training, history = metadata["metrics"], metadata["training"], metadata["history"]
    classes = metadata["classes"]
    best = training["best_epoch"]
    interval = metrics.get("macro_f1_interval")
    spread = {"macro_f1": f"<small>95 % {interval[0]:.2f}-{interval[1]:.2f}</small>" if interval else ""}
    cards = "".join(
        f'<div class="card">{label}<b>{format_number(metrics[key]) if metrics["available"] else tr("n/a")}</b>'
        f"{spread.get(key, '')}</div>"
        for label, key in (
            (tr("Overall accuracy"), "overall_accuracy"),
            (tr("Macro-F1"), "macro_f1"),
            (tr("Kappa"), "kappa"),
        )
    ) + (
        f'<div class="card">{tr("Best epoch")}<b>{best} / {training["epochs_run"]}</b></div>'
        f'<div class="card">{tr("Duration")}<b>{seconds_text(training["duration_s"])}</b>'
        f"<small>{escape(_duration_split(training))}</small></div>"
    )
    losses = [
        (label, colour, [h[key] for h in history])
        for label, colour, key in ((tr("training"), "#0072b2", "train_loss"), (tr("validation"), "#d55e00", "val_loss"))
    ]
    highest = max((v for _, _, values in losses for v in values if v is not None), default=1.0)
    loss_chart = line_chart(tr("Loss (class-weighted cross-entropy)"), losses, best, (0.0, highest))
    # Accuracy first, so that macro-F1, the score that matters, is drawn over it where they coincide.
    scores = [
        (tr("accuracy"), "#999999", [h["val_accuracy"] for h in history]),
        (tr("macro-F1"), "#009e73", [h["val_macro_f1"] for h in history]),
    ]
    score_chart = line_chart(tr("Validation scores"), scores, best, (0.0, 1.0))
    off = tr("off")
    augmentation = training["augmentation"]
    parameters = {
        tr("Architecture"): training["architecture"],
        tr("Pretrained weights"): (training["pretrained"] or {}).get("source", tr("none (random initialisation)")),
        tr("Pretrained mode"): training["pretrained_mode"],
        tr("Epochs (asked / run)"): f"{training['epochs']} / {training['epochs_run']}"
        + (" " + tr("(early stop)") if training["stopped_early"] else ""),
        tr("Patience (epochs)"): training["patience"] or off,
        tr("Cross-validation"): tr("{folds} folds of the training polygons").format(folds=training["folds"])
        if metrics.get("cross_validated_features")
        else off,
        tr("Batch size"): training["batch_size"]
        if training["final_batch_size"] == training["batch_size"]
        else tr("{asked}, halved to {final} (GPU memory)").format(
            asked=training["batch_size"], final=training["final_batch_size"]
        ),
        tr("Learning rate (peak)"): training["learning_rate"],
        tr("Optimiser"): training["optimizer"],
        tr("Schedule"): training["schedule"],
        tr("Class weighting"): ", ".join(f"{c['name']} {w:.2f}" for c, w in zip(classes, training["class_weights"]))
        if training["class_weighting"]
        else off,
        tr("Augmentation"): (tr("flips and 90° rotations") if augmentation["dihedral"] else tr("none"))
        + (
            ", " + tr("radiometric jitter {jitter}").format(jitter=f"{augmentation['jitter']:g}")
            if augmentation["jitter"]
            else ""
        ),
        tr("Seed"): metadata["seed"],
        tr("Device"): training["device"]
        + (
            ", " + tr("mixed precision {precision}").format(precision=training["mixed_precision"])
            if training["mixed_precision"]
            else ""
        ),
        tr("Duration"): seconds_text(training["duration_s"])
        + (f" ({_duration_split(training)})" if training.get("durations_s") else ""),
        tr("Time waiting for data"): tr("{share} of training time").format(share=f"{training['data_wait_share']:.1%}"),
        tr("Software"): ", ".join(f"{k} {v}" for k, v in metadata.get("software", {}).items()),
    }
    if metrics.get("level") == "map":
        folded = metrics.get("cross_validated_features", 0)
        if folded:
            measured = tr(
                "Scores are the map's: every pixel whose centre lies in one of the {validation} validation features "
                "(their labels never served for training, though training patches may have shown their imagery as "
                "context around training labels), classified as 'Classify raster' does with its defaults, against the "
                "feature's class, and in {folded} training features, each classified by the network of a "
                "{folds}-fold cross-validation that was trained without it: {pixels} map pixels ({nodata} nodata map "
                "pixels left out). The epoch was chosen on the patch-level scores, at the end of this report."
            )
        else:
            measured = tr(
                "Scores are the map's: every pixel whose centre lies in one of the {validation} validation features "
                "(their labels never served for training, though training patches may have shown their imagery as "
                "context around training labels), classified as 'Classify raster' does with its defaults, against the "
                "feature's class: {pixels} map pixels ({nodata} nodata map pixels left out). The epoch was chosen on "
                "the patch-level scores, at the end of this report."
            )
        measured = measured.format(
            validation=metrics["validation_features"],
            folded=folded,
            folds=training["folds"],
            pixels=metrics["validation_patches"],
            nodata=metrics["map_nodata_pixels"],
        )
        if interval:
            measured += " " + tr(
                "Other polygons would give another score: the macro-F1's 95 % interval, from resampling the scored "
                "polygons of each class, is {low} to {high} (too narrow when a class has one or two of them)."
            ).format(low=f"{interval[0]:.3f}", high=f"{interval[1]:.3f}")
    else:
        measured = tr(
            "Scores are measured on the validation {unit}, whose labels never served for training. They are "
            "patch-level: the map, borders included, usually scores lower."
        ).format(unit=escape(tr(metrics.get("unit", "patches"))))
    title = escape(tr("Imagette training report"))
    written = tr("Written {time} UTC.").format(time=f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M}")
    sections = [
        f"<h1>{title}</h1><p class=note>{written} {measured}</p>",
        f'<div class="cards">{cards}</div>',
        "".join(f'<div class="warn">{escape(note)}</div>' for note in _warnings(metadata, classes)),
        f"<h2>{escape(tr('Learning curves'))}</h2>",
        f'<div class="charts">{loss_chart}{score_chart}</div>',
    ]
    if metrics["available"]:
        macro_f1_note = tr(
            "Macro-F1 is the mean of the class F1 scores: every class counts the same, however rare. Overall accuracy "
            "is dominated by the largest classes."
        )
        sections += [
            f"<h2>{escape(tr('Per-class scores'))}</h2><p class=note>{escape(macro_f1_note)}</p>",
            _per_class_table(metrics, classes),
            f"<h2>{escape(tr('Confusion matrix'))}</h2>",
            _confusion_tables(metrics, classes),
        ]
    patch_level = metrics.get("patch_level")
    if metrics.get("level") == "map" and patch_level:
        heading = tr("Patch-level scores (validation {unit}, used for early stopping)").format(
            unit=tr(patch_level["unit"])
        )
        note = tr(
            "Macro-F1 {f1}, overall accuracy {accuracy}, kappa {kappa}. These patches lie mostly inside one class, "
            "away from borders: they are easier than the map."
        ).format(
            f1=format_number(patch_level["macro_f1"]),
            accuracy=format_number(patch_level["overall_accuracy"]),
            kappa=format_number(patch_level["kappa"]),
        )
        sections += [
            f"<h2>{escape(heading)}</h2><p class=note>{escape(note)}</p>",
            _per_class_table(patch_level, classes),
            _confusion_tables(patch_level, classes),
        ]
    sections += [
        f"<h2>{escape(tr('Dataset'))}</h2>",
        _dataset_table(metadata, classes),
        f"<h2>{escape(tr('Parameters'))}</h2>",
        key_value_table(parameters),
    ]
    # The report's language, as its translation gives it: "fr" in the French one.
    language = escape(tr("en"))
    return (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{STYLE}</style></head><body>{''.join(sections)}</body></html>"
    )


def write_report(path: str | Path, metadata: dict) -> Path:
    """Writes the HTML report atomically and returns its path."""
    with replaced_atomically(path) as temporary:
        temporary.write_text(render_report(metadata), encoding="utf-8")
    return Path(path)
