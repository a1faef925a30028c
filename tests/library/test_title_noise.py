"""Title noise from real stores: decorations are ignored, versions stay apart, credits and artist
separators agree, text damaged by a wrong encoding folds; on labelled cases (see labelled_noise)."""

from __future__ import annotations

import pytest

from music_minion.library.match import Matcher, match_files
from music_minion.library.normalize import artist_key, artist_names, fold, parse_title
from music_minion.store.local_files import MatchFile, MatchTrack
from tests.library import labelled, labelled_noise
from tests.library.test_match import SETTINGS


@pytest.mark.parametrize(
    ("title", "base", "version", "featured"),
    [
        ("HUMBLE. [Explicit]", "humble", (), ()),
        ("Lose Yourself [Clean]", "lose yourself", (), ()),
        ("Yellow (Album Version)", "yellow", (), ()),
        ("One More Time (Main Version)", "one more time", (), ()),
        ("God's Plan (Edited)", "gods plan", (), ()),
        ("Royals (Bonus Track)", "royals", (), ()),
        ("Style (Deluxe Edition)", "style", (), ()),
        ("Bohemian Rhapsody (Remastered 2011)", "bohemian rhapsody", (), ()),
        ("Ocean Eyes - Single", "ocean eyes", (), ()),
        ("King (Clean Bandit Remix)", "king", (("remix", "clean bandit"),), ()),
        ("Song (Single Edit)", "song", (("edit", "single"),), ()),
        ("God's Plan (Edit)", "gods plan", (("edit", ""),), ()),
        ("Song (Original Extended Mix)", "song", (("extended", ""),), ()),
        ("Glowed Up (+ Anderson .Paak)", "glowed up", (), ("anderson paak",)),
        ("Lean On featuring MØ", "lean on", (), ("mo",)),
    ],
)
def test_store_decorations_versions_and_credits(title, base, version, featured):
    parsed = parse_title(title)
    assert (parsed.title, parsed.version, parsed.featured) == (base, version, featured)


def test_artist_separators_agree():
    keys = {
        artist_key(artist_names(a))
        for a in ("Disclosure & Sam Smith", "Disclosure, Sam Smith", "Disclosure x Sam Smith")
    }
    assert keys | {artist_key(artist_names("Disclosure and Sam Smith"))} == {"disclosure sam smith"}


@pytest.mark.parametrize(
    ("damaged", "right"),
    [("Sigur RÃ³s", "Sigur Rós"), ("CosÃ¬", "Così"), ("COSÌ", "così"), ("Donâ€™t", "Don’t")],
)
def test_text_damaged_by_a_wrong_encoding_folds(damaged, right):
    assert fold(damaged) == fold(right)


def test_real_text_that_looks_damaged_is_left_alone():
    assert fold("SÃO PAULO") == "sao paulo"


def _quality(tracks: dict, files: list) -> tuple[float, float, list]:
    ids = {key: i + 1 for i, key in enumerate(tracks)}
    key_of = {v: k for k, v in ids.items()}
    rows = [
        MatchTrack(ids[k], f"soundcloud:tracks:{ids[k]}", t, u, int(d * 1000), None)
        for k, (u, t, d) in tracks.items()
    ]
    verdicts = match_files(
        Matcher(rows, **SETTINGS),
        [MatchFile(i, t, a, int(d * 1000), None, None) for i, (a, t, d, _) in enumerate(files)],
    )
    auto = [v for v in verdicts if v.status == "auto"]
    wrong = [
        (files[v.file_id], key_of[v.track_id])
        for v in auto
        if key_of[v.track_id] != files[v.file_id][3]
    ]
    positives = sum(1 for f in files if f[3])
    return 1 - len(wrong) / max(1, len(auto)), (len(auto) - len(wrong)) / positives, wrong


def test_labelled_noise_cases_match_and_near_misses_stay_apart():
    precision, recall, wrong = _quality(labelled_noise.TRACKS, labelled_noise.FILES)
    assert precision == 1.0 and recall == 1.0, wrong


def test_both_labelled_sets_together_keep_their_precision():
    tracks = {**labelled.TRACKS, **labelled_noise.TRACKS}
    precision, recall, wrong = _quality(tracks, labelled.FILES + labelled_noise.FILES)
    assert precision >= 0.99 and recall >= 0.95, wrong
