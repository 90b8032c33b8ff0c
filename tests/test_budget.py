"""The per-stage time budget: a signal on the main thread, a watchdog on any other thread."""

from __future__ import annotations

import threading
import time

import pytest

from veille.budget import time_budget
from veille.errors import StageTimeoutError


def _spin(seconds: float) -> int:
    """Pure-Python work (no blocking call a signal could cut): only a bytecode-level stop ends it."""
    n, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        n += 1
    return n


def _in_thread(fn):
    out: dict = {}

    def run():
        try:
            out["value"] = fn()
        except BaseException as err:  # noqa: BLE001 - handed back to the test
            out["error"] = err

    t = threading.Thread(target=run)
    t.start()
    t.join(30)
    assert not t.is_alive()
    return out


def test_budget_cuts_a_busy_block_on_the_main_thread():
    started = time.monotonic()
    with pytest.raises(StageTimeoutError) as info, time_budget(0.2, "slow", "art_1"):
        _spin(30)
    assert time.monotonic() - started < 5
    assert str(info.value) == "[E201] stage exceeded its 0.2s budget (stage=slow, doc=art_1)"


def test_budget_cuts_a_busy_block_on_a_worker_thread():
    def work():
        with time_budget(0.2, "slow", "art_2"):
            _spin(30)

    started = time.monotonic()
    out = _in_thread(work)
    assert time.monotonic() - started < 5
    err = out["error"]
    assert isinstance(err, StageTimeoutError)
    assert (err.code, err.stage, err.document) == ("E201", "slow", "art_2")
    assert str(err) == "[E201] stage exceeded its 0.2s budget (stage=slow, doc=art_2)"


def test_budget_that_is_not_spent_leaves_nothing_behind_on_a_worker_thread():
    def work():
        for _ in range(20):
            with time_budget(0.05, "quick", "art_3"):
                pass
        # long after every watchdog was due: none of them may fire into later code
        _spin(0.3)
        return "finished"

    assert _in_thread(work) == {"value": "finished"}


def test_no_budget_when_seconds_is_zero():
    with time_budget(0, "free", "art_4"):
        assert _spin(0.05) > 0
