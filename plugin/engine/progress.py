"""The engine's window on the caller: progress, log lines and cancel, without QGIS."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

from .errors import CanceledError
from .i18n import tr

T = TypeVar("T")

log = logging.getLogger("imagette")
EXTRAPOLATE_AFTER = 0.1  # share of a phase done after which its time left follows its own pace


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

    def time_left(self) -> float | None:
        """Estimated seconds to the end of the run, None when not known (see Phases)."""
        return None

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

    def time_left(self) -> float | None:
        return self.outer.time_left()


def about(seconds: float) -> str:
    """A duration as a person reads an estimate: 'about 40 s', 'about 3 min', 'about 1 h 20 min'."""
    if seconds < 55:
        return tr("about {seconds} s").format(seconds=max(5, 5 * round(seconds / 5)))
    minutes = max(1, round(seconds / 60))
    if minutes < 60:
        return tr("about {minutes} min").format(minutes=minutes)
    return tr("about {hours} h {minutes} min").format(hours=minutes // 60, minutes=f"{minutes % 60:02d}")


def left_text(progress: Progress) -> str:
    """'; about 3 min left', to end a log line, or '' while the time left is not known."""
    left = progress.time_left()
    return "" if left is None else tr("; {duration} left").format(duration=about(left))


def seconds_text(seconds: float) -> str:
    """A measured duration: '4.2 s', '75 s', '12 min 30 s'."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 120:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


class Phases:
    """One progress bar over a run made of phases: 0 to 100 %, never back, with the time left.

    Each phase has an estimated cost in seconds: rough weights at first, measured ones once part of
    the run has been timed (the caller says so through estimate()). A phase that starts gets the part
    of the bar still to fill that its cost has among the costs still to come; when an estimate
    changes, what is left of the bar is shared again from where it stands, so the bar never goes back,
    and a phase that ends sooner than planned (early stopping) makes it jump forward. The time each
    phase took is kept for the report.
    """

    def __init__(self, progress: Progress, costs: dict[str, float]) -> None:
        self.progress = progress
        self.order = list(costs)
        self.costs = dict(costs)
        self.durations: dict[str, float] = {}
        self.timed = False  # whether the costs rest on a measurement
        self.percent = 0.0
        self.current: str | None = None
        self.begun = time.perf_counter()
        self._started = self.begun
        self._done = 0.0  # share of the current phase done
        self._window = (0.0, 0.0, 0.0)  # the current phase's share done, and the bar's percent, at its start; bar's end
        progress.set_percent(0.0)

    def start(self, name: str) -> Progress:
        """Ends the current phase (phases planned between it and this one were skipped) and starts this one.

        Returns the phase's progress: its 0-100 % fill the phase's part of the bar; log lines and cancel pass through.
        """
        self._close()
        for skipped in self.order[: self.order.index(name)]:
            if skipped not in self.durations:
                self.costs[skipped] = 0.0
        self.current, self._done, self._started = name, 0.0, time.perf_counter()
        self._share()
        return _Phase(self, name)

    def estimate(self, name: str, seconds: float, measured: bool = True) -> None:
        """Sets a phase's estimated cost (the current phase's: its whole cost, done and to come)."""
        self.costs[name] = max(0.0, seconds)
        self.timed = self.timed or measured
        if self.current is not None:
            self._share()

    def elapsed(self, name: str | None = None) -> float:
        """Seconds since the run began, or since the named phase (the current one) began."""
        return time.perf_counter() - (self._started if name else self.begun)

    def left(self) -> float | None:
        """Estimated seconds to the end of the run, None until the costs rest on a measurement."""
        if not self.timed:
            return None
        return self._remaining_now() + sum(self.costs[name] for name in self._later())

    def finish(self) -> dict[str, float]:
        """Ends the run at 100 %; returns the seconds of each phase that ran, and of the whole run under 'total'."""
        self._close()
        self.current = None
        self.percent = 100.0
        self.progress.set_percent(100.0)
        return {**self.durations, "total": time.perf_counter() - self.begun}

    def _set_done(self, name: str, share: float) -> None:
        if name != self.current:
            return  # a phase that has ended moves the bar no more
        self._done = min(1.0, max(self._done, share))
        done_then, start, end = self._window
        fraction = (self._done - done_then) / (1.0 - done_then) if done_then < 1.0 else 1.0
        percent = start + (end - start) * fraction
        if percent > self.percent:
            self.percent = percent
            self.progress.set_percent(percent)

    def _later(self) -> list[str]:
        return self.order[self.order.index(self.current) + 1 :] if self.current else self.order

    def _remaining(self) -> float:
        return self.costs[self.current] * (1.0 - self._done) if self.current else 0.0

    def _remaining_now(self) -> float:
        """What is left of the current phase: extrapolated from its own pace once a tenth of it is done."""
        if self.current is None:
            return 0.0
        if self._done >= EXTRAPOLATE_AFTER:
            return self.elapsed(self.current) * (1.0 - self._done) / self._done
        return self._remaining()

    def _share(self) -> None:
        remaining = self._remaining()
        total = remaining + sum(self.costs[name] for name in self._later())
        end = self.percent + (100.0 - self.percent) * (remaining / total if total > 0 else 1.0)
        self._window = (self._done, self.percent, end)

    def _close(self) -> None:
        if self.current is not None:
            self._set_done(self.current, 1.0)
            self.durations[self.current] = self.durations.get(self.current, 0.0) + self.elapsed(self.current)


class _Phase(Progress):
    """The progress of one phase of a Phases run."""

    def __init__(self, phases: Phases, name: str) -> None:
        self.phases, self.name = phases, name

    def set_percent(self, percent: float) -> None:
        self.phases._set_done(self.name, percent / 100)

    def info(self, message: str) -> None:
        self.phases.progress.info(message)

    def warning(self, message: str) -> None:
        self.phases.progress.warning(message)

    def is_canceled(self) -> bool:
        return self.phases.progress.is_canceled()

    def time_left(self) -> float | None:
        return self.phases.left()
