"""Watched artists: add (resolving URLs), import from a file or my followings, retry failed resolutions."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from music_minion.errors import MinionError
from music_minion.store import artists as store
from music_minion.store.session import Store

if TYPE_CHECKING:
    from music_minion.soundcloud.client import SoundCloudClient
    from music_minion.soundcloud.models import Outcome, User

# What `add` and `import` report: added / already / failed entries (JSON-shaped, for the CLI).
Report = dict[str, list[dict[str, Any]]]


@dataclass(frozen=True)
class Wanted:
    """One artist the user asked to watch, with optional weight and tier."""

    input: str
    weight: float | None = None
    tier: str | None = None


def normalize_input(text: str) -> str:
    """The canonical form of a URL or permalink the user typed (trimmed, no trailing slash, no query)."""
    from music_minion.urls import canonical

    return canonical(text)


_PERMALINK = re.compile(r"[A-Za-z0-9_-]+")


def as_permalink(text: str) -> str | None:
    """The permalink a display name most likely has ("Solar Collective" → `solar-collective`);
    None when `text` is a URL, a URN or already shaped like a permalink."""
    if "/" in text or ":" in text or _PERMALINK.fullmatch(text):
        return None
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_]+", "-", ascii_text.lower()).strip("-")
    return slug or None


def resolved(user: User) -> store.Resolved:
    return store.Resolved(
        user.urn,
        getattr(user, "username", None),
        getattr(user, "permalink", None),
        getattr(user, "permalink_url", None),
    )


def _outcome_kind(outcome: Outcome) -> User | tuple[str, str]:
    """The user an outcome found, or (resolve_status, reason) when it failed."""
    from music_minion.soundcloud.errors import (
        AuthFailed,
        Forbidden,
        NotFound,
        Rejected,
        Unreachable,
    )
    from music_minion.soundcloud.models import User

    e = outcome.error
    if e is None:
        if isinstance(outcome.value, User):
            return outcome.value
        what = type(outcome.value).__name__.lower()
        return "failed_permanent", f"not an artist (it is a {what})"
    if isinstance(e, NotFound):
        return "failed_permanent", f"not found ({e.status})"
    if isinstance(e, Forbidden | Rejected):
        return "failed_permanent", f"permanent error {e.status or ''}".strip()
    if isinstance(e, AuthFailed):
        return "failed_transient", "not authorised (log in again)"
    if isinstance(e, Unreachable):
        return "failed_transient", f"{e.message}, will retry on the next sync"
    return "failed_transient", f"SoundCloud failed ({e.message}), will retry on the next sync"


def record_outcomes(
    conn: Store, wanted: list[Wanted], outcomes: list[Outcome], *, keep_permanent: bool = True
) -> Report:
    """Store what resolution gave for each wanted input; returns added / already / failed lists.

    A permanent failure is stored only with `keep_permanent` (a retried input keeps its row; a
    mistyped new one leaves none)."""
    from music_minion.soundcloud.models import User

    report: Report = {"added": [], "already": [], "failed": []}
    for want, outcome in zip(wanted, outcomes, strict=True):
        found = _outcome_kind(outcome)
        if isinstance(found, User):
            was_watched = store.is_watched(conn, found.urn)
            aid, _ = store.upsert_resolved(
                conn,
                resolved(found),
                input=want.input,
                watched=True,
                weight=want.weight,
                tier=want.tier,
            )
            entry = {
                "input": want.input,
                "id": aid,
                "urn": found.urn,
                "username": found.username,
            }
            report["already" if was_watched else "added"].append(entry)
        else:
            status, reason = found
            if keep_permanent or status != "failed_permanent":
                store.record_failure(
                    conn, want.input, status, reason, weight=want.weight, tier=want.tier
                )
            report["failed"].append(
                {
                    "input": want.input,
                    "status": status,
                    "reason": reason,
                    "retry": status == "failed_transient",
                }
            )
    return report


async def add(client: SoundCloudClient, conn: Store, wanted: list[Wanted]) -> Report:
    """Resolve each wanted input (one batch, never raising for one bad input) and watch the users.

    A display name is tried as a permalink; a permanent failure stores nothing."""
    typed: dict[str, str] = {}  # the permalink tried → the name typed
    seen: dict[str, Wanted] = {}
    for w in wanted:
        guess = as_permalink(w.input)
        if guess is not None:
            typed.setdefault(guess, w.input)
        seen.setdefault(guess or w.input, Wanted(guess or w.input, w.weight, w.tier))
    todo = list(seen.values())
    if not todo:
        return {"added": [], "already": [], "failed": []}
    outcomes = await _lookup(client, [w.input for w in todo])
    report = record_outcomes(conn, todo, outcomes, keep_permanent=False)
    return _name_the_guesses(report, typed)


def _name_the_guesses(report: Report, typed: dict[str, str]) -> Report:
    """Entries of display names tried as permalinks show the name typed and the permalink tried;
    a failed one says what to do."""
    for entries in report.values():
        for e in entries:
            if e["input"] not in typed:
                continue
            e["tried"], e["input"] = e["input"], typed[e["input"]]
            if "reason" in e:
                e["reason"] += (
                    f"; tried as the permalink {e['tried']} — paste the artist's page URL"
                    " (https://soundcloud.com/...)"
                )
    return report


def is_user_urn(text: str) -> bool:
    return text.startswith("soundcloud:users:") and text[len("soundcloud:users:") :].isdigit()


async def _lookup(client: SoundCloudClient, inputs: list[str]) -> list[Outcome]:
    """One outcome per input, in order: user URNs fetched directly, everything else resolved."""
    urns = [i for i in inputs if is_user_urn(i)]
    others = [i for i in inputs if not is_user_urn(i)]
    by_input: dict[str, Outcome] = {}
    if urns:
        by_input.update({o.input: o for o in (await client.users_many(urns)).outcomes})
    if others:
        by_input.update({o.input: o for o in (await client.resolve_many(others)).outcomes})
    return [by_input[i] for i in inputs]


async def retry_pending(client: SoundCloudClient, conn: Store) -> dict[str, int]:
    """Resolve again the inputs whose earlier failure was transient; counts of the outcome."""
    rows = store.list_to_retry(conn)
    if not rows:
        return {"retried": 0, "resolved": 0, "failed": 0}
    wanted = [Wanted(r["input"]) for r in rows]
    report = record_outcomes(conn, wanted, await _lookup(client, [w.input for w in wanted]))
    return {
        "retried": len(rows),
        "resolved": len(report["added"]) + len(report["already"]),
        "failed": len(report["failed"]),
    }


async def import_followings(
    client: SoundCloudClient, conn: Store, *, page_cap: int | None = None
) -> dict[str, int]:
    """Watch every user I follow on SoundCloud (needs a user token)."""
    from music_minion.discovery.sources import MyFollowings

    added = already = 0
    async for user in MyFollowings().items(client, page_cap):
        was_watched = store.is_watched(conn, user.urn)
        store.upsert_resolved(conn, resolved(user), watched=True)
        if was_watched:
            already += 1
        else:
            added += 1
    return {"added": added, "already": already}


def parse_import(path: Path) -> list[Wanted]:
    """Read an import file: one URL/permalink per line, or CSV `url[,weight[,tier]]` (header optional).

    Blank lines and `#` comments are skipped. A bad weight is a MinionError naming the line.
    """
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise MinionError(f"no such file: {path}", "check the path") from None
    except UnicodeDecodeError:
        raise MinionError(
            f"{path} is not UTF-8 text", "save it as UTF-8 (one URL per line, or CSV)"
        ) from None
    except OSError as e:
        raise MinionError(
            f"cannot read {path}: {e.strerror}", "check the file's permissions"
        ) from None
    out: list[Wanted] = []
    lines = [
        (n, line)
        for n, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    for n, line in lines:
        cells = [c.strip() for c in next(csv.reader(io.StringIO(line)))]
        if not cells or not cells[0]:
            continue
        if n == lines[0][0] and cells[0].lower() in ("url", "input", "artist", "permalink"):
            continue  # header
        weight: float | None = None
        if len(cells) > 1 and cells[1]:
            try:
                weight = float(cells[1])
            except ValueError:
                raise MinionError(
                    f"{path} line {n}: weight {cells[1]!r} is not a number",
                    "write e.g. `https://soundcloud.com/x,1.5`",
                ) from None
            if weight < 0:
                raise MinionError(
                    f"{path} line {n}: weight must be 0 or more", "use a non-negative weight"
                )
        tier = cells[2] if len(cells) > 2 and cells[2] else None
        out.append(Wanted(normalize_input(cells[0]), weight, tier))
    if not out:
        raise MinionError(f"{path} names no artists", "write one SoundCloud URL per line")
    return out
