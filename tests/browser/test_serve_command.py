"""`veille serve` as a user starts it after the README's base install (`pip install -e .`): the command
in its own process, then the pages and the API read from Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

from ..serve_corpus import build_store
from .conftest import _free_port, _require_browser

pytestmark = pytest.mark.slow  # a headless Chromium and a server process: `pytest -m "not slow"` leaves them to CI

ROOT = Path(__file__).resolve().parents[2]
#: what the web app imports beyond the pipeline: these must come with the base install, not an extra
WEB_DISTRIBUTIONS = ("fastapi", "uvicorn", "jinja2", "python-multipart")


def _name(requirement: str) -> str:
    for sep in "<>=!~[; ":
        requirement = requirement.split(sep)[0]
    return requirement.strip().lower()


def test_the_web_app_comes_with_the_base_install():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    base = {_name(r) for r in project["dependencies"]}
    assert set(WEB_DISTRIBUTIONS) <= base
    # the extras are for Spark and development only
    assert not (set(WEB_DISTRIBUTIONS) & {_name(r) for r in project["optional-dependencies"].get("web", [])})


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    _require_browser()
    db = str(tmp_path_factory.mktemp("serve-command") / "store.db")
    build_store(db).close()
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "veille.cli", "serve", "--db", db, "--port", str(port)],
                            env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(url + "/api/events", timeout=2):
                break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"veille serve exited: {proc.stderr.read().decode(errors='replace')[-2000:]}") from None
            if time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("veille serve did not answer within 90 s") from None
            time.sleep(0.2)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_veille_serve_command_answers_pages_and_api(browser, served):
    context = browser.new_context()
    page = context.new_page()
    try:
        response = page.goto(served + "/")
        assert response is not None and response.status == 200
        assert page.locator("svg.timeline, main").count() >= 1
        for path in ("/api/events", "/api/articles", "/api/actors"):
            answer = page.request.get(served + path)
            assert answer.status == 200, path
            body = answer.json()
            assert isinstance(body, dict) and body.get("items"), (path, body)
    finally:
        context.close()
