"""One progress bar over phases whose costs are re-estimated as a run goes (plugin/engine/progress.py)."""

from __future__ import annotations

import pytest
from imagette.plugin.engine.progress import Phases, Quiet, about, left_text
from imagette.plugin.engine.run_costs import patches_per_epoch

from tests.training_data import Recorder


class Percents(Recorder):
    def __init__(self) -> None:
        super().__init__()
        self.percents: list[float] = []

    def set_percent(self, percent: float) -> None:
        super().set_percent(percent)
        self.percents.append(percent)


def test_the_bar_never_goes_back_whatever_the_estimates_do():
    outer = Percents()
    phases = Phases(outer, {"a": 1.0, "b": 1.0, "c": 2.0, "d": 1.0})
    a = phases.start("a")
    a.set_percent(50)
    assert outer.percent == pytest.approx(10)  # half of a's fifth
    assert phases.left() is None and left_text(a) == ""  # nothing measured yet
    phases.estimate("c", 18.0)  # c turns out nine times longer: what is left of the bar is shared again
    assert outer.percent == pytest.approx(10) and phases.left() is not None
    a.set_percent(100)
    assert outer.percent == pytest.approx(10 + 90 * 0.5 / 20.5)
    a.set_percent(20)  # a phase's own percent going back moves nothing
    b = phases.start("b")
    b.set_percent(100)
    phases.estimate("c", 0.5)  # shorter now: the bar keeps its place and the rest goes faster
    before = outer.percent
    phases.start("d")  # c skipped (no cross-validation, say): the bar jumps over it
    assert outer.percent == before
    Quiet(phases.start("d"), 0, 50).set_percent(100)  # restarted d: half of it, through a Quiet share
    durations = phases.finish()
    assert outer.percents == sorted(outer.percents) and outer.percents[0] == 0 and outer.percents[-1] == 100
    assert set(durations) == {"a", "b", "d", "total"} and durations["total"] >= durations["a"] + durations["b"]
    b.set_percent(100)  # an ended phase moves nothing
    assert outer.percents[-1] == 100


def test_estimates_read_as_a_person_says_them():
    assert [about(s) for s in (3, 41, 70, 600, 4000)] == [
        "about 5 s",
        "about 40 s",
        "about 1 min",
        "about 10 min",
        "about 1 h 07 min",
    ]


def test_an_epoch_passes_every_patch_of_a_small_dataset_and_a_capped_part_of_a_large_one():
    # A few dozen patches repeat until the epoch takes 20 batches; a capped dataset passes the cap, never fewer
    # than those 20 batches; 0 lifts the cap.
    assert patches_per_epoch(30, batch=8, min_steps=20) == 180
    assert patches_per_epoch(500, batch=8, min_steps=20) == 500
    assert patches_per_epoch(10_000, batch=8, cap=2048, min_steps=20) == 2048
    assert patches_per_epoch(10_000, batch=64, cap=100, min_steps=20) == 1280
    assert patches_per_epoch(10_000, batch=64, cap=0, min_steps=20) == 10_000
