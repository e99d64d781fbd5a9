"""The building blocks of Imagette's HTML reports (training and accuracy assessment): one style sheet, escaping,
numbers, per-class table heads and key-value tables, so both reports look and read the same."""

from __future__ import annotations

import html
from collections.abc import Sequence

from .i18n import tr

STYLE = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}
th{background:#f3f3f3}td.name,th.name{text-align:left}.cards{display:flex;gap:1em;flex-wrap:wrap}
.card{border:1px solid #ccc;border-radius:6px;padding:.6em 1em;min-width:9em}.card b{display:block;font-size:1.6em}
.warn{background:#fff4d6;border-left:4px solid #e6a100;padding:.5em 1em;margin:.4em 0}
.poor{background:#fde2e2}.swatch{display:inline-block;width:.9em;height:.9em;margin-right:.4em;vertical-align:middle;
border:1px solid #555}.charts{display:flex;gap:1em;flex-wrap:wrap}.note{color:#555;font-size:.9em}
"""


def escape(value: object) -> str:
    return html.escape(str(value))


def format_number(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def key_value_table(facts: dict) -> str:
    rows = "".join(
        f'<tr><th class="name">{escape(k)}</th><td class="name">{escape(v)}</td></tr>' for k, v in facts.items()
    )
    return f"<table>{rows}</table>"


def header_row(words: Sequence[str]) -> str:
    """The head of a per-class table: each word translated, the class column aligned left as its names are."""
    return "".join(f"<th{' class=name' if word == 'class' else ''}>{escape(tr(word))}</th>" for word in words)
