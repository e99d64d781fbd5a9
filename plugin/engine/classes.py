"""The class table: code, name and colour of each land-cover class."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from .errors import ImagetteError

# Qualitative colours that stay distinct on a map and for most colour-blind readers
# (Okabe-Ito first, then a few darker extras).
PALETTE = (
    "#e69f00",
    "#56b4e9",
    "#009e73",
    "#f0e442",
    "#0072b2",
    "#d55e00",
    "#cc79a7",
    "#999999",
    "#882255",
    "#117733",
    "#332288",
    "#44aa99",
    "#aa4499",
    "#ddcc77",
)

NODATA_CODE = 0
MAX_CODE = 65535


@dataclass(frozen=True)
class ClassEntry:
    """One class: its integer code in every raster, its name and its #rrggbb colour."""

    code: int
    name: str
    color: str

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ClassEntry:
        return cls(int(data["code"]), str(data["name"]), str(data["color"]))


def palette_color(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def name_sort_key(name: str) -> tuple[str, str]:
    """Sorts names as a person would: accents and case do not change the order."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return (plain.casefold(), name)


def codes_for_names(names: Iterable[str]) -> dict[str, int]:
    """Text classes get codes 1..K in sorted order."""
    return {name: code for code, name in enumerate(sorted(set(names), key=name_sort_key), start=1)}


def check_code(code: int) -> None:
    if code == NODATA_CODE or code < 0 or code > MAX_CODE:
        raise ImagetteError(
            f"Class code {code} cannot be used: 0 marks 'no class' (nodata) in the classification and codes "
            f"must lie between 1 and {MAX_CODE}. Recode that class in the class field, or use a text field."
        )


def table_to_dicts(classes: Iterable[ClassEntry]) -> list[dict]:
    return [entry.to_dict() for entry in classes]


def table_from_dicts(data: Iterable[dict]) -> list[ClassEntry]:
    return sorted((ClassEntry.from_dict(d) for d in data), key=lambda entry: entry.code)
