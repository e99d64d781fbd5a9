"""The training report's charts: every label whole inside the chart, in English and in French."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from imagette.plugin.engine import i18n, report

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(params=["en", "fr_FR"])
def language(request):
    i18n.use_locale(request.param)
    yield request.param
    i18n.set_translation(None)


def label_extents(svg: str) -> list[tuple[str, float, float, float]]:
    """Each text of a chart: (text, left, right, baseline), from its anchor and its estimated width."""
    root = ElementTree.fromstring(svg)
    extents = []
    for text in root.iter(f"{SVG}text"):
        size = float(text.get("font-size", root.get("font-size")))
        width = report.text_width(text.text or "", size)
        x = float(text.get("x"))
        left = {"start": x, "middle": x - width / 2, "end": x - width}[text.get("text-anchor", "start")]
        extents.append((text.text or "", left, left + width, float(text.get("y"))))
    return extents


@pytest.mark.parametrize("epochs, best", [(30, 30), (30, 29), (30, 1), (1, 1), (200, 200)])
def test_every_label_of_a_chart_lies_inside_it(language, epochs, best):
    """A best epoch at the last epoch put the 'best' label past the right edge ('be' was left of it)."""
    losses = [
        (i18n.tr("training"), "#0072b2", [1.0 / epoch for epoch in range(1, epochs + 1)]),
        (i18n.tr("validation"), "#d55e00", [1.2 / epoch for epoch in range(1, epochs + 1)]),
    ]
    svg = report.line_chart(i18n.tr("Loss (class-weighted cross-entropy)"), losses, best, (0.0, 1.2))
    extents = label_extents(svg)
    outside = [
        extent
        for extent in extents
        if extent[1] < 0 or extent[2] > report.CHART_W or not 0 < extent[3] <= report.CHART_H
    ]
    assert outside == []
    best_labels = [extent for extent in extents if extent[0] == i18n.tr("best")]
    assert len(best_labels) == 1
    if language == "fr_FR":
        assert best_labels[0][0] == "meilleure"  # the translation is on: the longer word fits too
    # Beside the dashed line of the best epoch, on either side.
    line = next(
        element for element in ElementTree.fromstring(svg).iter(f"{SVG}line") if element.get("stroke-dasharray")
    )
    _, left, right, _ = best_labels[0]
    assert min(abs(left - float(line.get("x1"))), abs(right - float(line.get("x1")))) <= 3


def test_legend_labels_do_not_run_into_each_other(language):
    """French names the validation accuracy 'précision globale', longer than the 120 px an entry had: the next entry
    moves right; English keeps its places."""
    scores = [
        (i18n.tr("accuracy"), "#999999", [0.5, 0.7, 0.8]),
        (i18n.tr("macro-F1"), "#009e73", [0.4, 0.6, 0.7]),
    ]
    svg = report.line_chart(i18n.tr("Validation scores"), scores, 3, (0.0, 1.0))
    swatches = [
        float(rect.get("x")) for rect in ElementTree.fromstring(svg).iter(f"{SVG}rect") if rect.get("y") == "24"
    ]
    legend = [extent for extent in label_extents(svg) if extent[3] == 30]
    assert [label for label, *_ in legend] == [label for label, _, _ in scores]
    assert legend[0][2] < swatches[1] and legend[1][2] <= report.CHART_W
    if language == "fr_FR":
        assert legend[0][0] == "précision globale"
    else:
        assert swatches == [report.LEFT, report.LEFT + report.LEGEND_STEP]
