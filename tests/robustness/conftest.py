"""Bounded by default for CI; `--long` runs the full campaign (see RESULTS.md)."""

from __future__ import annotations

import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings


def pytest_addoption(parser):
    parser.addoption("--long", action="store_true", default=False,
                     help="robustness: 10,000 fuzz examples per reader and 100 kills")


def pytest_configure(config):
    long = config.getoption("--long", default=False)
    settings.register_profile("bounded", max_examples=1000, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    settings.register_profile("long", max_examples=10_000, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    settings.load_profile("long" if long else "bounded")


@pytest.fixture(scope="session")
def long_mode(request) -> bool:
    return bool(request.config.getoption("--long"))


@pytest.fixture(scope="session")
def robustness_record(request) -> dict:
    """Figures the tests report (kills, records lost, duplicates) for RESULTS.md."""
    return request.config.stash.setdefault(RECORD, {})


RECORD = pytest.StashKey[dict]()
OUTCOMES = pytest.StashKey[list]()


def pytest_runtest_logreport(report):
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        config = getattr(report, "config", None) or _CONFIG.get("config")
        if config is not None:
            config.stash.setdefault(OUTCOMES, []).append((report.nodeid, report.outcome, report.duration))


_CONFIG: dict = {}


def pytest_sessionstart(session):
    _CONFIG["config"] = session.config
    _CONFIG["start"] = time.time()


def pytest_sessionfinish(session, exitstatus):
    """In --long mode, record the campaign's figures in tests/robustness/RESULTS.md."""
    config = session.config
    if not config.getoption("--long", default=False):
        return
    outcomes = [o for o in config.stash.get(OUTCOMES, []) if "robustness" in o[0]]
    if not outcomes:
        return
    record = config.stash.get(RECORD, {})
    failed = [o for o in outcomes if o[1] != "passed"]
    lines = [
        "# Robustness campaign — last `--long` run",
        "",
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        f"- command: `python -m pytest tests/robustness --long` ({time.time() - _CONFIG['start']:.0f} s)",
        "- fuzzing: up to 10,000 Hypothesis examples per reader test (text, HTML, nested HTML, JSONL, WARC,"
        " decoding), 1,000 for the full pipeline on French-like noise, fixed pathological pages,"
        " adversarial strings against every compiled lexicon regex",
        f"- crash safety: {record.get('kills', '?')} SIGKILLs at random points of `veille ingest`, then a"
        f" complete re-run ({record.get('pending_kills', '?')} of the kills left a merge pending: killed between"
        " a commit and the end of the cross-document merge; the whole export is then compared with a clean"
        " run's, byte for byte):"
        f" records lost {record.get('lost', '?')}, duplicates {record.get('duplicates', '?')},"
        f" integrity_check {record.get('integrity', '?')}",
        f"- tests: {len(outcomes)}, passed {len(outcomes) - len(failed)}, failed (crashes or hangs) {len(failed)}",
        "",
        "| test | outcome | seconds |",
        "|---|---|---|",
    ]
    lines += [f"| `{nodeid.split('::', 1)[-1]}` | {outcome} | {duration:.1f} |" for nodeid, outcome, duration in outcomes]
    (Path(__file__).parent / "RESULTS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
