"""The class table: code, name and colour of each land-cover class."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np

from .errors import ImagetteError
from .i18n import tr

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


GRID_STEP = 0x22  # candidate colours for classes past PALETTE: the RGB cube in steps of 34 (8^3 colours)
READABLE_LIGHTNESS = (30.0, 85.0)  # CIELAB L*: darker or lighter colours are hard to tell apart on a map


def _lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of sRGB colours of shape (n, 3) in 0..255: distances there follow what people see."""
    linear = rgb / 255.0
    linear = np.where(linear <= 0.04045, linear / 12.92, ((linear + 0.055) / 1.055) ** 2.4)
    xyz = linear @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]).T
    xyz /= np.array([0.9505, 1.0, 1.089])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.column_stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])])


def hex_to_rgb(color: str) -> tuple[int, int, int]:
    """0..255 components of a #rrggbb colour."""
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def rgb_to_hex(red: int, green: int, blue: int) -> str:
    """#rrggbb of 0..255 components."""
    return f"#{int(red):02x}{int(green):02x}{int(blue):02x}"


@lru_cache(maxsize=1)
def _extended_palette() -> tuple[str, ...]:
    """PALETTE, then readable colours of the RGB grid, each the farthest (in CIELAB) from all chosen before.

    Every class up to len(_extended_palette()) (a few hundred) thus gets its own colour, the first
    ones as far apart as the grid allows.
    """
    levels = np.arange(0, 256, GRID_STEP)
    grid: np.ndarray = np.array(np.meshgrid(levels, levels, levels, indexing="ij")).reshape(3, -1).T.astype(np.float64)
    lab = _lab(grid)
    low, high = READABLE_LIGHTNESS
    readable = (lab[:, 0] >= low) & (lab[:, 0] <= high)
    grid, lab = grid[readable], lab[readable]
    chosen = list(PALETTE)
    chosen_lab = _lab(np.array([hex_to_rgb(c) for c in PALETTE], dtype=np.float64))
    nearest = np.min(np.linalg.norm(lab[:, None] - chosen_lab[None], axis=2), axis=1)
    for _ in range(len(grid)):
        best = int(np.argmax(nearest))
        if nearest[best] <= 0:
            break
        chosen.append(rgb_to_hex(*grid[best]))
        nearest = np.minimum(nearest, np.linalg.norm(lab - lab[best], axis=1))
    return tuple(chosen)


def palette_color(index: int) -> str:
    """Colour of the index-th class (0-based): its own, readable and as distinct from the others as can be."""
    palette = _extended_palette()
    return palette[index % len(palette)]


def plain_name(name: str) -> str:
    """A name without its accents and case: how a person compares names."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()


def name_sort_key(name: str) -> tuple[str, str]:
    """Sorts names as a person would: accents and case do not change the order."""
    return (plain_name(name), name)


def codes_for_names(names: Iterable[str]) -> dict[str, int]:
    """Text classes get codes 1..K in sorted order."""
    return {name: code for code, name in enumerate(sorted(set(names), key=name_sort_key), start=1)}


def check_code(code: int) -> None:
    if code == NODATA_CODE or code < 0 or code > MAX_CODE:
        raise ImagetteError(
            tr(
                "Class code {code} cannot be used: 0 marks 'no class' (nodata) in the classification and codes must "
                "lie between 1 and {largest}. Recode that class in the class field, or use a text field."
            ).format(code=code, largest=MAX_CODE)
        )


def table_to_dicts(classes: Iterable[ClassEntry]) -> list[dict]:
    return [entry.to_dict() for entry in classes]


def table_from_dicts(data: Iterable[dict]) -> list[ClassEntry]:
    return sorted((ClassEntry.from_dict(d) for d in data), key=lambda entry: entry.code)
