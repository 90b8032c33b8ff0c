"""WARC / WARC.gz input (news crawls such as Common Crawl News).

HTML `response` records only; the charset comes from the HTTP header, then the page's
<meta>, then detection; the main text from trafilatura; the target URI and the fetch
date travel as metadata. fastwarc is used when installed (fast), warcio otherwise.
A broken record is skipped with its record id; the rest of the file is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from .config import Settings
from .dates import normalise_iso_date
from .errors import InputError, MalformedInputError, MissingExtraError, TooLargeInputError, install_command

_CHARSET = re.compile(r"charset=[\"']?([A-Za-z0-9_\-]{1,40})", re.IGNORECASE)


def _records_fastwarc(path: Path) -> Iterator[tuple[str, str | None, str | None, str, bytes]]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    with path.open("rb") as fh:
        for rec in ArchiveIterator(fh, record_types=WarcRecordType.response, parse_http=True):
            content_type = rec.http_headers.get("Content-Type", "") if rec.http_headers else ""
            yield (rec.record_id or "", rec.headers.get("WARC-Target-URI"), rec.headers.get("WARC-Date"),
                   content_type or "", rec.reader.read())


def _records_warcio(path: Path) -> Iterator[tuple[str, str | None, str | None, str, bytes]]:
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type != "response":
                continue
            content_type = rec.http_headers.get_header("Content-Type", "") if rec.http_headers else ""
            yield (rec.rec_headers.get_header("WARC-Record-ID") or "",
                   rec.rec_headers.get_header("WARC-Target-URI"), rec.rec_headers.get_header("WARC-Date"),
                   content_type or "", rec.content_stream().read())


def iter_warc_records(path: Path):
    try:
        import fastwarc  # noqa: F401

        return _records_fastwarc(path)
    except ImportError:
        try:
            import warcio  # noqa: F401
        except ImportError as err:
            raise MissingExtraError(f"reading WARC needs fastwarc or warcio: {install_command('warc')}",
                                    stage="ingest", document=str(path)) from err
        return _records_warcio(path)


def read_warc_file(path: Path, settings: Settings, report=None):
    from .ingest import _declared_charset, decode_bytes, html_to_raw

    try:
        records = iter_warc_records(path)
        for record_id, uri, warc_date, content_type, body in records:
            source = f"{path}#{record_id}"
            if "html" not in content_type.lower():
                continue
            try:
                if len(body) > settings.max_bytes:
                    raise TooLargeInputError(f"WARC record {record_id} of {path} is over the size limit",
                                             stage="ingest", document=source)
                m = _CHARSET.search(content_type)
                declared = m.group(1).lower() if m else _declared_charset(body)
                html = decode_bytes(body, source, declared=declared)
                raw = html_to_raw(html, source, settings, url=uri)
                raw.url = uri or raw.url
                raw.fetched = normalise_iso_date(warc_date)
                yield raw
            except InputError as err:
                if report is None:
                    raise
                report.skip(source, err)
    except InputError:
        raise
    except Exception as err:  # noqa: BLE001 - fastwarc/warcio raise assorted errors on truncated files
        raise MalformedInputError(f"cannot read WARC {path}: {type(err).__name__}: {err}",
                                  stage="ingest", document=str(path)) from err
