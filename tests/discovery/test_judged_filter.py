"""`judged --verdict V` with none of V says how many judgments of other verdicts there are."""

from __future__ import annotations


def test_a_verdict_filter_counts_the_others(synced, mm) -> None:
    _emu, _ = synced
    assert mm("feed").code == 0
    assert mm("judge", "1", "liked").code == 0
    out = mm("judged", "--verdict", "not_quite").out
    assert "no not_quite judgments (" in out and "of other verdicts" in out
