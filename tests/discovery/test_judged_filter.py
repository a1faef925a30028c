"""`judged --verdict V` with none of V says how many judgments of other verdicts there are."""

from __future__ import annotations


def test_a_verdict_filter_counts_the_others(synced, mm) -> None:
    _emu, _ = synced
    assert mm("feed").code == 0
    assert mm("judge", "1", "liked").code == 0
    r = mm("judged", "--verdict", "not_quite")  # piped: the hint on stderr, nothing on stdout
    every = sum(mm("judged", "--json").json()["counts"].values())  # learned ones too
    assert r.out == "" and f"no not_quite judgments ({every} judgments in all)" in r.err
