"""Raster outputs that are checked on disk before they replace anything, and the message when a write fails.

GDAL keeps written blocks in its cache and writes many of them only when the file is closed; errors
there (a full disk, a lost network drive) are printed, not raised, by the rasterio versions Imagette
runs on. So every output is closed, then read back and compared with what was written (pixels per
class code, or pixels holding a value), before replaced_atomically() puts it in place: a damaged file
never replaces a good one.
"""

from __future__ import annotations

import errno
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import rasterio
from rasterio.errors import RasterioError

from .errors import ImagetteError, sentence
from .i18n import tr, tr_noop

try:
    from rasterio._err import CPLE_BaseError
except ImportError:  # pragma: no cover (rasterio keeps it there since 1.0)
    CPLE_BaseError = RasterioError  # type: ignore[misc, assignment]

WRITE_ERRORS = (OSError, RasterioError, CPLE_BaseError)
# Free space below which a failed write is put down to a full disk (with errno ENOSPC in the error it always is).
NEARLY_FULL_BYTES = 64 * 2**20


# Each unit with its number, so that a language writes both its way (French: octets, Ko, Mo, Go).
SIZE_UNITS = (tr_noop("{size} bytes"), tr_noop("{size} KB"), tr_noop("{size} MB"), tr_noop("{size} GB"))


def _size(count: float) -> str:
    for unit in SIZE_UNITS:
        if count < 1000 or unit == SIZE_UNITS[-1]:
            return tr(unit).format(size=f"{count:.0f}" if unit == SIZE_UNITS[0] else f"{count:.1f}")
        count /= 1000
    return ""


def _disk_full(folder: Path, cause: BaseException | str | None) -> tuple[bool, int | None]:
    """(is the disk holding folder full?, its free bytes, None if unknown)."""
    chain: list[BaseException] = []
    while isinstance(cause, BaseException) and cause not in chain:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    no_space = any(getattr(error, "errno", None) == errno.ENOSPC or "No space left" in str(error) for error in chain)
    try:
        free: int | None = shutil.disk_usage(folder).free
    except OSError:
        free = None
    return no_space or (free is not None and free < NEARLY_FULL_BYTES), free


def write_failure(what: str, target: str | Path, cause: BaseException | str | None = None) -> ImagetteError:
    """The error a person reads when an output could not be written: what (inference.CLASSIFICATION or CONFIDENCE,
    translated here), why (a full disk first), what to do.

    Call it while the damaged temporary file is still on disk (it counts as used space).
    """
    target = Path(target)
    full, free = _disk_full(target.parent, cause)
    if full:
        if free is None:
            failure = tr("Could not write {what} '{target}': the disk is full.")
        else:
            failure = tr("Could not write {what} '{target}': the disk is full (only {free} free).")
        advice = tr("Free some space on that disk, or choose a folder on another disk, and run again.")
    else:
        failure = (
            tr("Could not write {what} '{target}': {problem}") if cause else tr("Could not write {what} '{target}'.")
        )
        advice = tr("Check that the disk or network drive is still there and can be written, and run again.")
    kept = tr("Nothing was replaced: a file of that name from an earlier run is unchanged, with its .aux.xml and .qml.")
    failure = failure.format(what=tr(what), target=target, free=_size(free or 0), problem=sentence(cause or ""))
    return ImagetteError(f"{failure} {kept} {advice}")


@contextmanager
def writing(what: str, target: str | Path) -> Iterator[None]:
    """Turns an error of the file system or GDAL raised inside into write_failure's message."""
    try:
        yield
    except WRITE_ERRORS as error:
        raise write_failure(what, target, error) from error


def check_class_raster(path: Path, expected: dict[int, int], what: str, target: str | Path) -> None:
    """Reads the closed class raster back; raises write_failure's error unless it holds `expected` pixels per
    code (nodata included) and can be read whole."""
    found: dict[int, int] = {}
    with writing(what, target):
        with rasterio.open(path) as written:
            for _, window in written.block_windows(1):
                values, counts = np.unique(written.read(1, window=window), return_counts=True)
                for value, count in zip(values.tolist(), counts.tolist()):
                    found[value] = found.get(value, 0) + count
    if {code: count for code, count in found.items() if count} != {c: n for c, n in expected.items() if n}:
        raise write_failure(what, target, tr("the file on disk does not hold the pixels written to it"))


def check_confidence_raster(path: Path, labelled: int, what: str, target: str | Path) -> None:
    """Reads the closed confidence raster back; raises write_failure's error unless `labelled` pixels hold a
    value (not 0) and it can be read whole."""
    found = 0
    with writing(what, target):
        with rasterio.open(path) as written:
            for _, window in written.block_windows(1):
                found += int(np.count_nonzero(written.read(1, window=window)))
    if found != labelled:
        raise write_failure(what, target, tr("the file on disk does not hold the pixels written to it"))
