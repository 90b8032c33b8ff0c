"""A per-stage time budget that works in any thread.

On the main thread the budget is a real-time timer (`SIGALRM`): the handler raises between two
bytecodes and also cuts a blocking call that the signal interrupts (`time.sleep`, a socket read).
Signals reach the main thread only, so on any other thread (the web app's workers, a caller's
thread pool) a watchdog timer raises the error in the running thread instead, through CPython's
`PyThreadState_SetAsyncExc`: the stage stops at its next bytecode, so a stage stuck inside one long
C call (a regex, a spaCy parse) is cut when that call returns — the same point at which a signal
handler would run. Either way the stage sees a `StageTimeoutError` (E201) naming the stage and the
document, and the pipeline drops that stage's layer and goes on.
"""

from __future__ import annotations

import ctypes
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import StageTimeoutError


def _error(seconds: float, stage: str, document: str) -> StageTimeoutError:
    return StageTimeoutError(f"stage exceeded its {seconds:g}s budget", stage=stage, document=document)


@contextmanager
def time_budget(seconds: float, stage: str, document: str) -> Iterator[None]:
    """Raise `StageTimeoutError` in the block if it runs longer than `seconds` (0 or less: no
    budget), on the main thread by a signal, on any other thread by a watchdog."""
    if not seconds or seconds <= 0:
        yield
        return
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with _signal_budget(seconds, stage, document):
            yield
    elif sys.implementation.name == "cpython":
        with _watchdog_budget(seconds, stage, document):
            yield
    else:  # no way to interrupt a thread: the stage runs to its end
        yield


@contextmanager
def _signal_budget(seconds: float, stage: str, document: str) -> Iterator[None]:
    def on_alarm(signum, frame):
        raise _error(seconds, stage, document)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _watchdog_budget(seconds: float, stage: str, document: str) -> Iterator[None]:
    # the async call takes an exception class, not an instance: a subclass made for this budget
    # builds the full E201 error (message, stage, document) when the interpreter raises it
    expired = type("StageBudgetExpired", (StageTimeoutError,), {
        "__init__": lambda self, *args: StageTimeoutError.__init__(
            self, f"stage exceeded its {seconds:g}s budget", stage=stage, document=document),
    })
    thread_id = ctypes.c_ulong(threading.get_ident())
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    def fire() -> None:
        with lock:
            if not state["done"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(thread_id, ctypes.py_object(expired))

    watchdog = threading.Timer(seconds, fire)
    watchdog.daemon = True
    watchdog.start()
    try:
        yield
    finally:
        with lock:
            state["done"] = True
            watchdog.cancel()
            if state["fired"]:
                # the block ended between the watchdog's decision and the interpreter raising:
                # withdraw the pending error so that it cannot surface after the block
                ctypes.pythonapi.PyThreadState_SetAsyncExc(thread_id, None)
