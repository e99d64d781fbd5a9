"""The engine's window on the caller: progress, log lines and cancel, without QGIS."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import TypeVar

from .errors import CanceledError

T = TypeVar("T")

log = logging.getLogger("imagette")


class Progress:
    """Reports to the Python log and never cancels.

    Processing algorithms pass a subclass that forwards to QgsProcessingFeedback;
    notebooks and scripts can use this class as it is.
    """

    def set_percent(self, percent: float) -> None:
        """Sets overall progress, 0 to 100."""

    def info(self, message: str) -> None:
        log.info(message)

    def warning(self, message: str) -> None:
        log.warning(message)

    def is_canceled(self) -> bool:
        return False

    def check_canceled(self) -> None:
        """Raises CanceledError when the user asked to stop."""
        if self.is_canceled():
            raise CanceledError()

    def iterate(self, items: Iterable[T], total: int, start: float = 0.0, end: float = 100.0) -> Iterator[T]:
        """Yields items, checking cancel before each and moving progress from start to end.

        Loops written with this cannot forget progress or cancel.
        """
        span = end - start
        for index, item in enumerate(items):
            self.check_canceled()
            yield item
            self.set_percent(start + span * (index + 1) / max(total, 1))


class Quiet(Progress):
    """Runs a step inside another stage: forwards cancel, and progress only when given a share of it.

    No log lines reach the person: the stage around it says what it does (map-level validation, the
    networks of cross-validation).
    """

    def __init__(self, outer: Progress, start: float | None = None, end: float | None = None) -> None:
        self.outer = outer
        self.start, self.end = start, end

    def set_percent(self, percent: float) -> None:
        if self.start is not None and self.end is not None:
            self.outer.set_percent(self.start + (self.end - self.start) * percent / 100)

    def info(self, message: str) -> None:
        log.debug(message)

    def warning(self, message: str) -> None:
        log.debug(message)

    def is_canceled(self) -> bool:
        return self.outer.is_canceled()
