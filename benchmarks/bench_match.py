"""Matching local files to SoundCloud tracks: speed and precision on a generated labelled set.

Target: 10,000 SoundCloud tracks × 50,000 local files in < 10 s with precision ≥ 0.95.
The set holds true copies (case, accents, "(Original Mix)", feat. credits moved, typos, label
uploads titled "Artist - Title", ±2 s durations), near misses (other remixers, extended/VIP/dub/
bootleg versions, another artist with the same title) and unrelated files.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from music_minion.store.local_files import MatchFile, MatchTrack

_SYL = [
    "ka",
    "lo",
    "mi",
    "ra",
    "ven",
    "tor",
    "sa",
    "li",
    "do",
    "ne",
    "zu",
    "ba",
    "ri",
    "mon",
    "tel",
    "vi",
    "ro",
    "xa",
    "pe",
    "qui",
    "dra",
    "fel",
    "gon",
    "har",
    "jin",
    "kor",
    "lun",
    "mor",
    "nox",
    "pra",
    "sil",
    "tam",
]
_ACCENTED = {"a": "á", "e": "é", "o": "ö", "u": "ü", "i": "í"}


@dataclass
class LabelledSet:
    tracks: list[MatchTrack]
    files: list[MatchFile]
    truth: dict[
        int, tuple
    ]  # file id -> the (artist, title, version) it really is, when it is on SoundCloud
    keys: dict[int, tuple]  # track id -> its (artist, title, version)


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYL) for _ in range(rng.randint(2, 3)))


def _name(rng: random.Random, words: int) -> str:
    return " ".join(_word(rng).capitalize() for _ in range(words))


def _typo(rng: random.Random, text: str) -> str:
    i = rng.randrange(len(text))
    return text[:i] + rng.choice("aeiou") + text[i + 1 :] if text[i].isalpha() else text


def _accent(text: str) -> str:
    return "".join(_ACCENTED.get(c, c) if i % 3 == 0 else c for i, c in enumerate(text))


def labelled_set(tracks: int, files: int, seed: int = 7) -> LabelledSet:
    """A generated set of `tracks` SoundCloud tracks and `files` local files with known truth."""
    rng = random.Random(seed)
    artists = [_name(rng, rng.choice((1, 1, 2))) for _ in range(max(20, tracks // 5))]
    outsiders = [
        _name(rng, 2) + " " + _word(rng).capitalize() for _ in range(max(20, tracks // 10))
    ]
    remixers = [_name(rng, 1) + "x" for _ in range(200)]
    other_remixers = [_name(rng, 1) + "q" for _ in range(200)]
    labels = [_name(rng, 1) + " Records" for _ in range(30)]
    out_tracks, keys = [], {}
    for tid in range(1, tracks + 1):
        artist = rng.choice(artists)
        title = _name(rng, rng.choice((1, 2, 2, 3, 4)))
        version = None
        shown = title
        r = rng.random()
        if r < 0.2:
            version = ("remix", rng.choice(remixers))
            shown = f"{title} ({version[1]} Remix)"
        elif r < 0.25:
            version = ("edit", "")
            shown = f"{title} (Edit)"
        if rng.random() < 0.1:
            shown += " [Free Download]"
        uploader = artist
        if rng.random() < 0.2:
            uploader = rng.choice(labels)
            shown = f"{artist} - {shown}"
        duration = rng.randint(120_000, 480_000)
        keys[tid] = (artist, title, version)
        out_tracks.append(
            MatchTrack(
                tid,
                f"soundcloud:tracks:{tid}",
                shown,
                uploader,
                duration,
                f"https://soundcloud.com/u/t{tid}",
            )
        )
    out_files, truth = [], {}
    for fid in range(1, files + 1):
        base = out_tracks[rng.randrange(tracks)]
        artist, title, version = keys[base.id]
        duration = base.duration_ms
        r = rng.random()
        if r < 0.35:  # a true copy, disguised
            t = title
            if rng.random() < 0.3:
                t = t.lower() if rng.random() < 0.5 else t.upper()
            if rng.random() < 0.2:
                t = _accent(t)
            if rng.random() < 0.15:
                t = _typo(rng, t)
            if version and version[0] == "remix":
                t = f"{t} ({version[1]} Remix)"
            elif version:
                t = f"{t} - Edit"
            elif rng.random() < 0.4:
                t += " (Original Mix)"
            a = artist if rng.random() < 0.8 else f"{artist} feat. {rng.choice(artists)}"
            out_files.append(MatchFile(fid, t, a, duration + rng.randint(-2000, 2000), None, None))
            truth[fid] = keys[base.id]
        elif r < 0.55:  # another version of it
            kind = rng.choice(("remix", "extended", "vip", "dub", "bootleg"))
            t = (
                f"{title} ({rng.choice(other_remixers)} Remix)"
                if kind == "remix"
                else f"{title} ({kind.title()} Mix)"
            )
            out_files.append(
                MatchFile(fid, t, artist, duration + rng.randint(20_000, 90_000), None, None)
            )
        elif r < 0.65:  # another artist, same title
            out_files.append(MatchFile(fid, title, rng.choice(outsiders), duration, None, None))
        elif r < 0.72:  # same artist, one word of the title replaced, or another part number
            words = title.split()
            if rng.random() < 0.5:
                words[rng.randrange(len(words))] = _word(rng).capitalize()
                t = " ".join(words)
            else:
                t = f"{title} Part {rng.randint(2, 9)}"
            out_files.append(MatchFile(fid, t, artist, duration, None, None))
            if (artist, t, version) in keys.values():
                truth[fid] = (artist, t, version)
        else:  # unrelated
            out_files.append(
                MatchFile(
                    fid,
                    _name(rng, rng.choice((1, 2, 3))),
                    rng.choice(outsiders),
                    rng.randint(120_000, 480_000),
                    None,
                    None,
                )
            )
    return LabelledSet(out_tracks, out_files, truth, keys)


def evaluate(data: LabelledSet, verdicts) -> dict:
    """Precision and recall of automatic links; also of links including the review band."""
    auto = [v for v in verdicts if v.status in ("auto", "exact")]
    review = [v for v in verdicts if v.status == "review"]
    right_auto = sum(data.truth.get(v.file_id) == data.keys[v.track_id] for v in auto)
    right_review = sum(data.truth.get(v.file_id) == data.keys[v.track_id] for v in review)
    positives = len(data.truth)
    return {
        "auto": len(auto),
        "review": len(review),
        "positives": positives,
        "precision": right_auto / len(auto) if auto else 1.0,
        "recall": right_auto / positives if positives else 1.0,
        "review_precision": right_review / len(review) if review else 1.0,
        "recall_with_review": (right_auto + right_review) / positives if positives else 1.0,
    }


def run(quick: bool) -> list[dict]:
    from benchmarks.bench_scan import load_average
    from music_minion.library.match import Matcher, match_files
    from music_minion.library.normalize import artist_names, fold, parse_title

    n_tracks, n_files = (500, 2500) if quick else (10_000, 50_000)
    data = labelled_set(n_tracks, n_files)
    for f in (parse_title, artist_names, fold):
        f.cache_clear()  # time the normalisation too
    started, cpu = time.perf_counter(), time.process_time()
    matcher = Matcher(data.tracks, auto=92.0, review=80.0, duration_tolerance_s=4.0)
    verdicts = match_files(matcher, data.files)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    quality = evaluate(data, verdicts)
    return [
        {
            "name": "match_seconds",
            "figure": round(elapsed, 2),
            "unit": "s",
            "target": f"< 10 for 10000 tracks x 50000 files (here {n_tracks} x {n_files})",
            "passed": elapsed < 10,
            "details": {
                "tracks": n_tracks,
                "files": n_files,
                "cpu_s": round(cpu, 2),
                "load_avg_1m": load_average(),
            },
        },
        {
            "name": "match_precision",
            "figure": round(quality["precision"], 4),
            "unit": "ratio",
            "target": ">= 0.95",
            "passed": quality["precision"] >= 0.95,
            "details": {k: round(v, 4) if isinstance(v, float) else v for k, v in quality.items()},
        },
    ]


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(run("--quick" in sys.argv), indent=2))
