"""Bounded by default for CI; `--long` runs the full campaign (see RESULTS.md)."""

from __future__ import annotations

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
