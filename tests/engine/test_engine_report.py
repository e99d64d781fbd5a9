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
