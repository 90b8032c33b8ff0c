"""Fuzzing every reader: random bytes, broken encodings, NULs, huge lines, nested HTML, bad JSONL/WARC.

Expected for every input: a clean skip with a named reason (an E1xx code) or documents —
never an uncaught exception, never a hang.
"""

from __future__ import annotations

import gzip
import json
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veille.config import Settings
from veille.ingest import IngestReport, decode_bytes, read_inputs

pytestmark = pytest.mark.slow  # a fuzzing campaign: `pytest -m "not slow"` leaves it to CI

CODE = re.compile(r"^E1\d\d: ")
SETTINGS = Settings(max_bytes=2_000_000, max_chars=200_000)


def _read_one(name: str, data: bytes) -> tuple[list, IngestReport]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        report = IngestReport()
        docs = list(read_inputs([str(path)], SETTINGS, report))
    for s in report.skipped:
        assert CODE.match(s.reason), s.reason
        assert name in s.source
    for d in docs:
        assert isinstance(d.text, str) and d.text.strip()
    return docs, report


@given(st.binary(max_size=4096))
def test_fuzz_text_reader_random_bytes(data: bytes):
    _read_one("page.txt", data)


@given(st.text(max_size=2000), st.sampled_from(["utf-8", "latin-1", "cp1252", "utf-16"]),
       st.integers(min_value=0, max_value=50))
def test_fuzz_text_reader_encodings_and_truncation(text: str, encoding: str, cut: int):
    data = text.encode(encoding, errors="replace")
    _read_one("page.txt", data[: max(0, len(data) - cut)])


@given(st.binary(max_size=4096))
def test_fuzz_html_reader_random_bytes(data: bytes):
    _read_one("page.html", data)


@given(st.recursive(st.text(max_size=40), lambda inner: st.tuples(st.sampled_from(["div", "p", "b", "article",
                                                                                  "script", "table", "x"]),
                                                                 st.lists(inner, max_size=4)), max_leaves=60),
       st.booleans())
@settings(max_examples=300)
def test_fuzz_html_reader_nested_and_unclosed(tree, close_tags: bool):
    def render(node) -> str:
        if isinstance(node, str):
            return node.replace("<", "&lt;")
        tag, children = node
        inner = "".join(render(c) for c in children)
        return f"<{tag}>{inner}" + (f"</{tag}>" if close_tags else "")

    _read_one("page.html", f"<html><body>{render(tree)}</body></html>".encode())


def test_fuzz_html_reader_deep_nesting():
    _read_one("deep.html", ("<div>" * 5000 + "Texte profond." + "</div>" * 10).encode())


@given(st.lists(st.one_of(st.binary(max_size=200), st.dictionaries(st.text(max_size=8),
                                                                   st.one_of(st.text(max_size=50), st.integers(),
                                                                             st.none()), max_size=4)
                          .map(lambda d: json.dumps(d).encode())), max_size=20))
def test_fuzz_jsonl_reader_malformed_lines(lines):
    _read_one("docs.jsonl", b"\n".join(lines))


@given(st.binary(max_size=2048))
def test_fuzz_warc_reader_random_and_gzipped_bytes(data: bytes):
    _read_one("crawl.warc", data)
    _read_one("crawl.warc.gz", gzip.compress(data))


@given(st.binary(max_size=3000))
def test_fuzz_decode_bytes_always_returns_text(data: bytes):
    assert isinstance(decode_bytes(data, "x"), str)


def test_reader_single_10mb_line_is_refused_with_reason():
    docs, report = _read_one("huge.txt", b"a" * 10_000_000)
    assert docs == []
    assert report.skipped[0].reason.startswith("E104")


def test_reader_punctuation_or_digits_only_pages():
    for body in ("!!!...???---" * 100, "0123456789 " * 500, "\x00" * 10 + "texte"):
        _read_one("odd.txt", body.encode())
