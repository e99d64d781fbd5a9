"""SIGTERM as a clean stop for runs on a process's main thread (qgis_process, a script): standard library only, so that
the algorithms' base imports it at any time, rasterio or torch installed or not.

A process ended on the spot by SIGTERM leaves the hidden `.partial` files replaced_atomically (io.py) was writing;
turned into an exception, the same SIGTERM lets every `finally` clean up first, then ends the process as it would have.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Terminated(BaseException):
    """SIGTERM turned into an exception by stopping_on_sigterm(), so that the clean-up of replaced_atomically (and
    every other `finally`) runs: temporary files are removed and earlier outputs stay as they were. A BaseException,
    so that no `except Exception` takes it for an error of the run."""


def _raise_terminated(signum, frame) -> None:
    raise Terminated()


@contextmanager
def stopping_on_sigterm() -> Iterator[None]:
    """While the block runs, SIGTERM (a batch job's time limit, a closed terminal, `kill`) raises Terminated in it
    instead of ending the process on the spot, where a half-written `.partial` file would stay.

    Only where it changes nothing else: on the main thread (Python runs signal handlers there alone) and where
    SIGTERM has its default action, which the caller restores with end_as_terminated() after its clean-up. A
    handler someone else set (the `imagette` command's, an application's) or an ignored SIGTERM is left alone, and
    the previous action is back when the block ends.
    """
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) != signal.SIG_DFL:
        yield
        return
    signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def end_as_terminated() -> None:
    """Ends the process as the SIGTERM that stopping_on_sigterm() turned into Terminated would have, once the
    clean-up has run: its exit status says "killed by SIGTERM" to whoever started it."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)
