"""Quality gate: every dev-set score stays at or above its pinned floor (eval/baseline.json)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from veille.evaluate import run_scorer

pytestmark = pytest.mark.slow  # every dev set through its scorer: `pytest -m "not slow"` leaves it to CI

ROOT = Path(__file__).resolve().parents[1]
BASELINE = json.loads((ROOT / "eval" / "baseline.json").read_text(encoding="utf-8"))


@cache
def scores_for(stage: str) -> dict[str, float]:
    return run_scorer(stage, ROOT / "eval" / stage)


@pytest.mark.parametrize(("stage", "metric"), [(s, m) for s, ms in BASELINE.items() for m in ms])
def test_quality_gate_score_at_or_above_floor(stage: str, metric: str) -> None:
    floor = BASELINE[stage][metric]
    got = scores_for(stage)[metric]
    assert got >= floor, f"{stage}.{metric} dropped to {got:.4f} (floor {floor})"
