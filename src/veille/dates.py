"""Small calendar helpers shared by ingest, timex, events and merge (no heavy imports)."""

from __future__ import annotations

import re
from datetime import date

_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def normalise_iso_date(value: str | None) -> str | None:
    """'2023-09-19T10:00:00+02:00' -> '2023-09-19'; '2023-9' -> '2023-09'; junk -> None."""
    if not value:
        return None
    m = _ISO.match(str(value))
    if not m:
        return None
    year, month, day = m.group(1), m.group(2), m.group(3)
    try:
        if day:
            return date(int(year), int(month), int(day)).isoformat()
        if month:
            if not 1 <= int(month) <= 12:
                return None
            return f"{year}-{int(month):02d}"
    except ValueError:
        return None
    return year


def precision_of_iso(value: str | None) -> str | None:
    """'2023-09-19' -> 'day', '2023-09' -> 'month', '2023' -> 'year'."""
    if not value:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return "day"
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return "month"
    if re.fullmatch(r"\d{4}", value):
        return "year"
    if re.fullmatch(r"\d{4}-W\d{2}", value):
        return "week"
    return None


def parse_iso_day(value: str | None) -> date | None:
    """The first day covered by an ISO value of any precision, or None."""
    v = normalise_iso_date(value)
    if not v:
        return None
    parts = [int(p) for p in v.split("-")]
    while len(parts) < 3:
        parts.append(1)
    return date(*parts)
