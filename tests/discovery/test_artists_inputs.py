"""`artists add` / `artists import` with inputs that fail: exit 3 when some failed (1 when all
did), the failed ones listed apart, nothing stored for a mistyped input, and a display name tried
as a permalink."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.discovery.helpers import home_db


def stored_inputs() -> list[str]:
    conn = home_db()
    try:
        return [r[0] for r in conn.execute("SELECT coalesce(input, urn) FROM artists ORDER BY id")]
    finally:
        conn.close()


def names(emu: Any) -> list[str]:
    return [emu.world.users[u].username for u in emu.world.artist_urns]


def test_some_inputs_failing_is_partial_and_they_are_listed_apart(emulator, mm) -> None:
    a0 = emulator.world.users[emulator.world.artist_urns[0]].permalink
    r = mm("artists", "add", a0, "no-such-dj-1", "https://soundcloud.com/no-such-dj-2")
    assert r.code == 3, r.err
    assert r.out.startswith("added ") and "no-such" not in r.out
    assert r.err.splitlines() == [
        "failed 2 of 3:",
        "  no-such-dj-1 — not found (404)",
        "  https://soundcloud.com/no-such-dj-2 — not found (404)",
    ]
    assert stored_inputs() == [a0]  # the typos left no row
    listed = mm("artists", "list", "--json").json()["items"]
    assert [row["permalink"] for row in listed] == [a0]


def test_all_inputs_failing_exits_1_and_stores_nothing(emulator, mm) -> None:
    r = mm("artists", "add", "no-such-dj", "--json")
    assert r.code == 1 and r.json()["added"] == [] and len(r.json()["failed"]) == 1
    assert stored_inputs() == []


def test_a_display_name_is_tried_as_a_permalink(emulator, mm) -> None:
    name = names(emulator)[0]  # e.g. "Static Harbour" → static-harbour
    urn = emulator.world.artist_urns[0]
    d = mm("artists", "add", name, "--json").json()
    assert [(e["input"], e["tried"], e["urn"]) for e in d["added"]] == [
        (name, emulator.world.users[urn].permalink, urn)
    ]
    r = mm("artists", "add", "Solar Collective")
    assert r.code == 1
    assert r.err.splitlines() == [
        "failed 1 of 1:",
        "  Solar Collective — not found (404); tried as the permalink solar-collective — paste"
        " the artist's page URL (https://soundcloud.com/...)",
    ]
    assert stored_inputs() == [emulator.world.users[urn].permalink]


def test_import_with_a_bad_line_is_partial(emulator, mm, tmp_path: Path) -> None:
    names_ = names(emulator)[:2]
    f = tmp_path / "artists.txt"
    f.write_text(f"{names_[0]}\nnot-an-artist-zz\n{names_[1]},2\n")
    r = mm("artists", "import", str(f), "--json")
    assert r.code == 3, r.err
    d = r.json()
    assert [e["input"] for e in d["added"]] == names_
    assert [(e["input"], e["retry"]) for e in d["failed"]] == [("not-an-artist-zz", False)]
    assert len(stored_inputs()) == 2
