"""Raster access shared by sampling and inference: opening with clear errors, windowed reads, masks."""

from __future__ import annotations

import glob
import os
import re
import secrets
import socket
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import rasterio
from rasterio.enums import MaskFlags
from rasterio.windows import Window

from .errors import ImagetteError, sentence
from .i18n import tr, tr_noop

SUPPORTED_DTYPES = ("uint8", "uint16", "int16", "uint32", "int32", "float32", "float64")
# What check_writable can be asked about, as its refusal names it (translated there).
OUTPUT = tr_noop("the output")
DATASET_FOLDER = tr_noop("the dataset folder")
MODEL_FILE = tr_noop("the model file")
REPORT = tr_noop("the report")


def open_raster(path: str) -> rasterio.DatasetReader:
    """Opens a raster for reading, or raises an error that says why it cannot be used."""
    try:
        src = rasterio.open(path)
    except (rasterio.errors.RasterioIOError, OSError) as error:
        raise ImagetteError(
            tr(
                "Cannot read the raster '{path}': {problem} Check that the file exists and is a raster GDAL can open."
            ).format(path=path, problem=sentence(error))
        ) from error
    if src.crs is None:
        src.close()
        raise ImagetteError(
            tr(
                "The raster '{path}' has no coordinate reference system. Assign one (Raster > Projections > Assign "
                "Projection) and run again."
            ).format(path=path)
        )
    if src.dtypes[0] not in SUPPORTED_DTYPES:
        src.close()
        raise ImagetteError(
            tr("The raster '{path}' has data type {dtype}; Imagette reads {dtypes}.").format(
                path=path, dtype=src.dtypes[0], dtypes=", ".join(SUPPORTED_DTYPES)
            )
        )
    return src


def check_writable(path: str | Path, what: str = OUTPUT, folder: bool = False) -> None:
    """Says 'cannot write here' before any work rather than after it.

    Creates the missing folders (as writing would) and a temporary file in the folder that will hold
    the output: path's parent, or path itself when folder is True. Refuses a file path that is a
    folder, a folder path that is a file, and a folder that cannot be written. what: OUTPUT, DATASET_FOLDER,
    MODEL_FILE or REPORT.
    """
    path = Path(path)
    try:
        if folder and path.exists() and not path.is_dir():
            raise NotADirectoryError(tr("it is a file, not a folder"))
        if not folder and path.is_dir():
            raise IsADirectoryError(tr("it is a folder"))
        parent = path if folder else path.parent
        parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=parent):
            pass
    except OSError as error:
        if folder:
            refusal = tr("Cannot write {what} '{path}': {problem} Choose a folder where you can write.")
        else:
            refusal = tr("Cannot write {what} '{path}': {problem} Choose a file in a folder where you can write.")
        problem = sentence(error.strerror or error)
        raise ImagetteError(refusal.format(what=tr(what), path=path, problem=problem)) from error


def band_names(src: rasterio.DatasetReader) -> list[str]:
    """Band descriptions where set, else 'band N'."""
    return [desc or f"band {index}" for index, desc in enumerate(src.descriptions, start=1)]


def read_with_mask(src: rasterio.DatasetReader, window: Window) -> tuple[np.ndarray, np.ndarray]:
    """Reads all bands of a window and the pixels that hold data there.

    Returns:
        (data of shape (bands, rows, cols), valid of shape (rows, cols)); a pixel is
        valid when every band holds data (not nodata, not NaN, not masked).
    """
    data = src.read(window=window)
    if all(MaskFlags.all_valid in flags for flags in src.mask_flag_enums):
        valid = np.ones(data.shape[1:], dtype=bool)
    elif all(MaskFlags.nodata in flags for flags in src.mask_flag_enums):
        nodata = np.asarray(src.nodatavals, dtype=data.dtype).reshape(-1, 1, 1)
        valid = ~np.any(data == nodata, axis=0)
    else:
        valid = np.all(src.read_masks(window=window) > 0, axis=0)
    if data.dtype.kind == "f":
        valid &= ~np.any(np.isnan(data), axis=0)
    return data, valid


def read_padded(src: rasterio.DatasetReader, window: Window) -> tuple[np.ndarray, np.ndarray]:
    """read_with_mask over a window that may reach past the raster's edges: the part outside is 0 and not valid."""
    data = np.zeros((src.count, int(window.height), int(window.width)), dtype=src.dtypes[0])
    valid = np.zeros(data.shape[1:], dtype=bool)
    row0, col0 = max(0, window.row_off), max(0, window.col_off)
    row1 = min(src.height, window.row_off + window.height)
    col1 = min(src.width, window.col_off + window.width)
    inner = (slice(row0 - window.row_off, row1 - window.row_off), slice(col0 - window.col_off, col1 - window.col_off))
    data[(slice(None), *inner)], valid[inner] = read_with_mask(src, Window(col0, row0, col1 - col0, row1 - row0))
    return data, valid


def _box_sums(integral: np.ndarray, top: np.ndarray, left: np.ndarray, size: int) -> np.ndarray:
    """Sums of size x size boxes with top-left corners (top, left), from a padded integral image."""
    bottom, right = top + size, left + size
    return integral[bottom, right] - integral[top, right] - integral[bottom, left] + integral[top, left]


def _integral(mask: np.ndarray) -> np.ndarray:
    out = np.zeros((mask.shape[0] + 1, mask.shape[1] + 1), dtype=np.int64)
    np.cumsum(np.cumsum(mask, axis=0, dtype=np.int64), axis=1, out=out[1:, 1:])
    return out


def box_shares(mask: np.ndarray, top: np.ndarray, left: np.ndarray, size: int) -> np.ndarray:
    """Share of True pixels in size x size boxes with top-left corners (top, left) (broadcastable arrays).

    Only the span the boxes cover is integrated, and nothing when the mask is empty (the usual
    nodata mask): polygons are small next to a chunk, and integrating whole chunks once per class
    was most of the sampling time.
    """
    if not mask.any():
        return np.zeros(np.broadcast(top, left).shape)
    row0, col0 = top.min(), left.min()
    integral = _integral(mask[row0 : top.max() + size, col0 : left.max() + size])
    return _box_sums(integral, top - row0, left - col0, size) / size**2


def formable_patches(
    valid: np.ndarray, tops: np.ndarray, lefts: np.ndarray, size: int, nodata_tolerance: float
) -> np.ndarray:
    """Mask (rows, cols) of the patches with top-left corners tops x lefts that can be classified: their centre
    holds data and they hold no more nodata than training tolerated."""
    nodata_share = box_shares(~valid, tops[:, None], lefts[None, :], size)
    return valid[np.ix_(tops + size // 2, lefts + size // 2)] & (nodata_share <= nodata_tolerance)


PARTIAL = ".partial"  # marks the temporary files replaced_atomically writes beside their target


def _host() -> str:
    """This machine's name, reduced to letters, digits and dashes (so it parses back out of a file name)."""
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname()) or "host"


def partial_path(target: str | Path) -> Path:
    """A new hidden temporary name beside target: `.<stem>.<host>.<pid>.<random>.partial<suffix>`.

    The machine and process in the name let a later run tell a file left by a process that was killed
    (SIGTERM, SIGKILL, a power cut) from one that a running process is still writing.
    """
    target = Path(target)
    return target.with_name(f".{target.stem}.{_host()}.{os.getpid()}.{secrets.token_hex(8)}{PARTIAL}{target.suffix}")


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill would terminate the process there
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def remove_stale_partials(target: str | Path) -> list[Path]:
    """Removes the temporary files of target (and their side-cars) left by processes of this machine that are
    gone; returns them. Files of running processes, and of other machines (a shared folder), are kept."""
    target = Path(target)
    pattern = re.compile(
        re.escape(f".{target.stem}.") + r"(?P<host>[A-Za-z0-9-]+)\.(?P<pid>\d+)\.[0-9a-f]{16}" + re.escape(PARTIAL)
    )
    removed: list[Path] = []
    try:
        candidates = list(target.parent.glob(f".{glob.escape(target.stem)}.*{PARTIAL}*"))
    except OSError:
        return removed
    host = _host()
    for path in candidates:
        match = pattern.match(path.name)
        if match and match["host"] == host and not _process_alive(int(match["pid"])):
            try:
                path.unlink()
                removed.append(path)
            except OSError:
                pass  # another run removed it first, or the folder is read-only: nothing to do
    return removed


@contextmanager
def replaced_atomically(target: str | Path, companions: Sequence[Callable[[Path], Path]] = ()) -> Iterator[Path]:
    """Yields a temporary file path beside target; on success it replaces target, else it is removed.

    Whatever happens inside (an error, a cancel), no half-written file is left at target. Temporary
    files that killed processes left beside target are removed first (see partial_path).

    Args:
        companions: functions giving a file's side-cars (its .aux.xml, its .qml) from its path. The
            side-cars written beside the temporary file replace those of target just before target
            itself; the target's older side-cars that got no new one are removed (they described the
            older file). On failure they are removed with the temporary file.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(target)
    # Created like any new file, so the result gets the user's usual permissions (mkstemp's are 0600).
    temporary = partial_path(target)
    temporary.touch(exist_ok=False)
    try:
        yield temporary
        for companion in companions:
            if companion(temporary).exists():
                os.replace(companion(temporary), companion(target))
            else:
                companion(target).unlink(missing_ok=True)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
        for companion in companions:
            companion(temporary).unlink(missing_ok=True)
