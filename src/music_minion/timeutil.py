"""UTC timestamps as ISO-8601 text, the one format the store keeps (string order = time order)."""

from __future__ import annotations

from datetime import UTC, datetime

ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
PEOPLE_FORMAT = "%Y-%m-%d %H:%M"


def now() -> datetime:
    return datetime.now(UTC)


def to_iso(moment: datetime) -> str:
    """UTC ISO-8601 with a `Z`, seconds precision."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(ISO_FORMAT)


def now_iso() -> str:
    return to_iso(now())


def parse_timestamp(text: str | None) -> datetime | None:
    """Parse SoundCloud's v1 `2019/01/15 15:40:49 +0000` or ISO 8601; None when absent or bad."""
    if not text or not isinstance(text, str):
        return None
    text = text.strip()
    try:
        if "/" in text[:10]:
            return datetime.strptime(text, "%Y/%m/%d %H:%M:%S %z").astimezone(UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso_or_none(text: str | None) -> str | None:
    """Normalise either SoundCloud date format to the store's ISO text."""
    moment = parse_timestamp(text)
    return to_iso(moment) if moment else None


def for_people(ts: str | float | None) -> str:
    """A moment for people, the same everywhere: `2026-11-30 14:02` in local time; "" when
    unknown. Takes the store's ISO 8601 text or epoch seconds (JSON output keeps ISO 8601)."""
    if ts is None or ts == "":
        return ""
    moment = datetime.fromtimestamp(ts, UTC) if isinstance(ts, int | float) else parse_timestamp(ts)
    return moment.astimezone().strftime(PEOPLE_FORMAT) if moment else str(ts)
