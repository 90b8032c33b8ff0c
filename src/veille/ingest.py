"""Readers: files, directories, globs → `RawDocument`s, streamed one at a time.

Every kind of input (plain text, HTML, JSONL, TimeML) is normalised here into text
plus metadata, so later stages never see bytes or encodings. A file that cannot be
read raises an `InputError` subclass with a stable code; `read_inputs` logs it,
records it in the report and goes on with the next file.
"""

from __future__ import annotations

import glob
import json
import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

from .config import Settings
from .dates import normalise_iso_date
from .errors import (
    BinaryInputError,
    EmptyInputError,
    EncodingError,
    InputError,
    MalformedInputError,
    MissingInputError,
    TooLargeInputError,
    UnsupportedInputError,
    skip_reason,
)
from .models import RawDocument

log = logging.getLogger("veille.ingest")

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
TIMEML_SUFFIXES = {".tml"}
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")

# Magic numbers of common binary formats that sometimes hide behind a .txt/.html name.
BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"\x7fELF",
                b"BZh", b"\xfd7zXZ", b"Rar!", b"\x00\x00\x01\x00", b"RIFF", b"OggS", b"ID3", b"%!PS")


@dataclass
class Skipped:
    source: str
    reason: str


@dataclass
class IngestReport:
    """What an ingest run read, added, linked and skipped (printed by the CLI, returned by the API)."""

    read: int = 0
    added: int = 0
    unchanged: int = 0
    near_duplicates: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)

    def skip(self, source: str, err: Exception) -> None:
        reason = skip_reason(err)
        log.warning("skipped %s: %s", source, reason)
        self.skipped.append(Skipped(source, reason))

    def to_dict(self) -> dict:
        return {"read": self.read, "added": self.added, "unchanged": self.unchanged,
                "near_duplicates": self.near_duplicates,
                "skipped": [{"source": s.source, "reason": s.reason} for s in self.skipped],
                "article_ids": list(self.article_ids)}


# --------------------------------------------------------------------------- paths


def expand_paths(inputs: Iterable[str | os.PathLike], on_missing: Callable[[str, Exception], None]
                 ) -> Iterator[Path]:
    """Files named by paths, directories (recursive, sorted) and glob patterns, in a stable order."""
    for item in inputs:
        s = str(item)
        p = Path(s)
        if p.is_file():
            yield p
        elif p.is_dir():
            yield from sorted(x for x in p.rglob("*") if x.is_file() and not _hidden(x, p))
        elif glob.has_magic(s):
            matches = sorted(Path(m) for m in glob.glob(s, recursive=True))
            if not matches:
                on_missing(s, MissingInputError(f"no file matches {s!r}", stage="ingest", document=s))
            for m in matches:
                if m.is_file():
                    yield m
                elif m.is_dir():
                    yield from expand_paths([m], on_missing)
        else:
            on_missing(s, MissingInputError(f"no such file or directory: {s}", stage="ingest", document=s))


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


# --------------------------------------------------------------------------- decoding


def looks_binary(data: bytes) -> bool:
    head = data[:4096]
    if any(head.startswith(m) for m in BINARY_MAGIC):
        return True
    if b"\x00" in head:
        # UTF-16 text has NULs too; accept it only with a BOM
        return not (head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff"))
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return bool(head) and control / len(head) > 0.05


def decode_bytes(data: bytes, source: str, declared: str | None = None) -> str:
    """Bytes → str: BOMs, then the declared charset, then UTF-8, then detection, then cp1252.

    Latin-1 and Windows-1252 French pages decode correctly (é, è, à, œ, ’ and « » included).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    for enc in filter(None, (declared, "utf-8")):
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    mostly = mostly_utf8(data)
    if mostly is not None:
        text, bad = mostly
        # a UTF-8 page with a few broken bytes stays UTF-8: decoding it all as cp1252 would garble
        # every accent ("prÃ©sident"); the broken bytes become U+FFFD and are reported
        log.warning("%s: E102: %d invalid UTF-8 byte sequence(s) replaced by U+FFFD; the document is kept",
                    source, bad)
        return text
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        if best is not None and best.encoding and best.encoding.replace("_", "").lower() not in {"utf8"}:
            enc = best.encoding
            # charset-normalizer hesitates between latin-1 variants on short French text; cp1252 is a
            # superset of latin-1's printable range and the usual web encoding.
            if enc.lower() in {"latin_1", "iso8859_1", "iso8859_15", "cp1250", "mac_roman"}:
                enc = "cp1252"
            try:
                return data.decode(enc)
            except (UnicodeDecodeError, LookupError):
                pass
    except ImportError:  # optional: detection improves non-Latin pages only
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        try:
            return data.decode("latin-1")
        except UnicodeDecodeError as err:  # pragma: no cover - latin-1 decodes every byte
            raise EncodingError(f"cannot decode {source}: {err}", stage="ingest", document=source) from err


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def mostly_utf8(data: bytes, max_bad_share: float = 0.01) -> tuple[str, int] | None:
    """(text decoded as UTF-8 with replacement, number of invalid sequences) when the bytes are UTF-8
    with a few broken sequences: more well-formed multibyte characters than broken ones, and broken
    ones under `max_bad_share` of the bytes. None for text in another encoding."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    if bad <= 0:
        return None
    good = len(_UTF8_MULTIBYTE.findall(data))
    return (text, bad) if good > bad and bad <= max(1, max_bad_share * len(data)) else None


def _read_bytes(path: Path, settings: Settings) -> bytes:
    size = path.stat().st_size
    if size > settings.max_bytes:
        raise TooLargeInputError(
            f"{path} is {size:,} bytes, over the {settings.max_bytes:,}-byte limit (max_bytes)",
            stage="ingest", document=str(path))
    if size == 0:
        raise EmptyInputError(f"{path} is empty", stage="ingest", document=str(path))
    data = path.read_bytes()
    if looks_binary(data):
        raise BinaryInputError(f"{path} looks like a binary file, not text or HTML",
                               stage="ingest", document=str(path))
    return data


def _limit(text: str, source: str, settings: Settings) -> str:
    if len(text) > settings.max_chars:
        log.warning("truncated %s from %d to %d characters (max_chars)", source, len(text), settings.max_chars)
        text = text[: settings.max_chars]
    return text


def _require_text(text: str, source: str) -> str:
    if not text or not text.strip():
        raise EmptyInputError(f"{source} has no text", stage="ingest", document=source)
    return text


# --------------------------------------------------------------------------- readers


def read_text_file(path: Path, settings: Settings) -> Iterator[RawDocument]:
    text = decode_bytes(_read_bytes(path, settings), str(path))
    # NULs go before the emptiness check: a file of NULs and spaces has no text
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    text = _require_text(_limit(text, str(path), settings), str(path))
    yield RawDocument(source_path=str(path), text=text)


def html_to_raw(html: str, source: str, settings: Settings, url: str | None = None) -> RawDocument:
    """Main text and metadata of an HTML page via trafilatura."""
    import trafilatura

    try:
        result = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False,
            favor_precision=False, date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as err:  # noqa: BLE001 - trafilatura/lxml raise many kinds on broken markup
        log.warning("%s: trafilatura failed (%s: %s); reading the page as plain text", source,
                    type(err).__name__, err)
        result = None
    data: dict[str, Any] = {}  # trafilatura's document as a dict
    if result is not None:
        data = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    if not (data.get("text") or "").strip():
        # what trafilatura's own baseline does when its tree walk finds nothing (markup nested deeper
        # than lxml's limit, odd layouts): all visible text in order, one line per block, then the
        # line cleaner (full rules, as for a text page) removes the furniture
        text = _require_text(html_visible_text(html), source)
        log.info("%s: no main text from the HTML extractor; using the page's visible text", source)
        return RawDocument(source_path=source, text=_limit(text, source, settings), url=url)
    text = _require_text(data.get("text") or "", source)
    title = data.get("title") or None
    if title and not text.startswith(title):
        # keep the title as the first line so the cleaner can separate it like in plain text
        text = f"{title}\n{text}"
    return RawDocument(
        source_path=source, text=_limit(text, source, settings), url=data.get("url") or url,
        title=title, outlet=data.get("sitename") or data.get("hostname") or None,
        published=normalise_iso_date(data.get("date")), byline=data.get("author") or None,
        is_html_extract=True,
    )


_INVISIBLE = re.compile(r"<(script|style|noscript|template|head|svg)\b.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_BLOCK = re.compile(r"</?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|section|article|header|footer|nav|aside|"
                    r"blockquote|pre|figure|figcaption|main|dd|dt|dl|form|hr)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>")


def html_visible_text(html: str) -> str:
    """All visible text of a page in document order, one line per block element; no tree is built,
    so any depth of nesting reads."""
    body = _INVISIBLE.sub(" ", html)
    body = _TAG.sub("", _BLOCK.sub("\n", body))
    lines = (" ".join(unescape(line).split()) for line in body.split("\n"))
    return "\n".join(line for line in lines if line)


def _declared_charset(data: bytes) -> str | None:
    import re

    m = re.search(rb"<meta[^>]{0,200}?charset=[\"']?([A-Za-z0-9_\-]{1,40})", data[:4096], re.IGNORECASE)
    return m.group(1).decode("ascii").lower() if m else None


def read_html_file(path: Path, settings: Settings) -> Iterator[RawDocument]:
    data = _read_bytes(path, settings)
    html = decode_bytes(data, str(path), declared=_declared_charset(data))
    yield html_to_raw(html, str(path), settings)


def read_jsonl_file(path: Path, settings: Settings, report: IngestReport | None = None
                    ) -> Iterator[RawDocument]:
    """One document per line: `text` required; `url`, `title`, `published`, `outlet` optional.

    A malformed line is skipped with its line number; the other lines are read.
    """
    size = path.stat().st_size
    if size == 0:
        raise EmptyInputError(f"{path} is empty", stage="ingest", document=str(path))
    with path.open("rb") as fh:
        for lineno, line in enumerate(fh, 1):
            source = f"{path}:{lineno}"
            if not line.strip():
                continue
            try:
                if len(line) > settings.max_bytes:
                    raise TooLargeInputError(f"line {lineno} of {path} is over the size limit",
                                             stage="ingest", document=source)
                try:
                    obj = json.loads(decode_bytes(line, source))
                except json.JSONDecodeError as err:
                    raise MalformedInputError(f"line {lineno} of {path} is not valid JSON: {err.msg}",
                                              stage="ingest", document=source) from err
                if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                    raise MalformedInputError(f"line {lineno} of {path} has no string 'text' field",
                                              stage="ingest", document=source)
                text = _require_text(_limit(obj["text"], source, settings), source)
                if obj.get("html"):
                    raw = html_to_raw(text, source, settings, url=obj.get("url"))
                else:
                    raw = RawDocument(source_path=source, text=text.replace("\x00", ""))
                raw.url = _str_or_none(obj.get("url")) or raw.url
                raw.title = _str_or_none(obj.get("title")) or raw.title
                raw.outlet = _str_or_none(obj.get("outlet") or obj.get("source")) or raw.outlet
                raw.published = normalise_iso_date(_str_or_none(obj.get("published"))) or raw.published
                raw.language = _str_or_none(obj.get("language")) or raw.language
                yield raw
            except InputError as err:
                if report is None:
                    raise
                report.skip(source, err)


def _str_or_none(value) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def read_timeml_file(path: Path, settings: Settings) -> Iterator[RawDocument]:
    from .timeml import read_tml

    text, dct, _gold = read_tml(path)
    yield RawDocument(source_path=str(path), text=_require_text(text, str(path)), published=dct,
                      is_html_extract=True)


def read_path(path: Path, settings: Settings, report: IngestReport | None = None) -> Iterator[RawDocument]:
    suffix = path.suffix.lower()
    if path.name.lower().endswith(WARC_SUFFIXES):
        from .warc import read_warc_file

        yield from read_warc_file(path, settings, report)
    elif suffix in HTML_SUFFIXES:
        yield from read_html_file(path, settings)
    elif suffix in JSONL_SUFFIXES:
        yield from read_jsonl_file(path, settings, report)
    elif suffix in TIMEML_SUFFIXES:
        yield from read_timeml_file(path, settings)
    elif suffix in TEXT_SUFFIXES or not suffix:
        data_head = path.open("rb").read(2048) if path.stat().st_size else b""
        if data_head.lstrip().lower().startswith((b"<!doctype html", b"<html")):
            yield from read_html_file(path, settings)
        else:
            yield from read_text_file(path, settings)
    else:
        raise UnsupportedInputError(
            f"{path}: unsupported file type {suffix!r} (expected text, HTML, JSONL, WARC or TimeML)",
            stage="ingest", document=str(path))


def read_inputs(inputs: Iterable[str | os.PathLike], settings: Settings | None = None,
                report: IngestReport | None = None) -> Iterator[RawDocument]:
    """Stream RawDocuments from paths, directories and globs; bad inputs are skipped and reported."""
    settings = settings or Settings()
    report = report if report is not None else IngestReport()
    for path in expand_paths(inputs, report.skip):
        try:
            for raw in read_path(path, settings, report):
                report.read += 1
                yield raw
        except InputError as err:
            report.skip(str(path), err)
        except FileNotFoundError as err:
            # listed, then gone before it was read (a crawler rotating files): a missing input
            report.skip(str(path), MissingInputError(f"{path} vanished before it was read: {err.strerror}",
                                                     stage="ingest", document=str(path)))
        except (OSError, ValueError) as err:
            report.skip(str(path), InputError(f"cannot read {path}: {type(err).__name__}: {err}",
                                              stage="ingest", document=str(path)))
