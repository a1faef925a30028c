"""Match local files to SoundCloud tracks: exact by URN/URL tag, else fuzzy on artist and title.

Scoring (0-100) = 0.6 × title similarity + 0.4 × artist similarity (rapidfuzz), over normalised
text (see `normalize`). A candidate must share the version signature (a remix is not the original),
score at least 70 on both title and artist, and — when both durations are known — lie within the
duration tolerance to be linked automatically; outside it the pair can only go to review.
Numbers in titles must agree ("Part 1" is not "Part 2"), and an automatic link needs every title
word to have a close counterpart on the other side (a typo passes, another word does not).
Bands: score above auto → `auto` (a score exactly at the threshold deserves a look, so goes to
review); ≥ review → `review`; else unmatched.

Candidates are blocked through an inverted index of title words (the two rarest words of the
file's title; for titles made only of very common words, those tracks that also share an artist
word), falling back to the artist's tracks when that finds nothing (a typo in every rare word),
so each file is compared with a handful of tracks, not all of them.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from music_minion.errors import ConfigError
from music_minion.library.normalize import Parsed, artist_key, artist_names, parse_title
from music_minion.library.tags import URN_RE, track_page_url
from music_minion.store import local_files
from music_minion.store.local_files import FileMatch, MatchFile, MatchTrack
from music_minion.store.session import Store
from music_minion.timeutil import now_iso

if TYPE_CHECKING:
    from music_minion.config import Config

TITLE_WEIGHT = 0.6
MIN_PART = 70.0  # least title and least artist similarity of any candidate
MAX_POSTINGS = 400  # title words in more tracks than this do not block on their own
_STOP = frozenset(
    {
        "the",
        "a",
        "an",
        "of",
        "and",
        "in",
        "on",
        "to",
        "my",
        "me",
        "you",
        "i",
        "it",
        "is",
        "de",
        "la",
        "le",
    }
)


@dataclass(slots=True)
class Candidate:
    """A SoundCloud track prepared for matching."""

    track_id: int
    parsed: Parsed
    artists: tuple[str, ...]  # each way of naming the artist: title prefix, uploader
    duration_ms: int | None
    kinds: tuple[str, ...] = ()
    numbers: frozenset[str] = frozenset()


def _words(text: str) -> list[str]:
    """Blocking words: no stop words or single letters, unless that leaves nothing ("Me & You")."""
    tokens = text.split()
    return [w for w in tokens if w not in _STOP and (len(w) > 1 or w.isdigit())] or tokens


def versions_agree(a: Parsed, b: Parsed) -> bool | None:
    """True: same version; None: same kinds but the remixer is named on one side only; False: different."""
    if a.kinds != b.kinds:
        return False
    unsure = False
    for (_, who_a), (_, who_b) in zip(a.version, b.version, strict=True):
        if who_a == who_b:
            continue
        if not who_a or not who_b:
            unsure = True
            continue
        from rapidfuzz import fuzz

        if fuzz.token_set_ratio(who_a, who_b) < 90:
            return False
    return None if unsure else True


def _numbers(title: str) -> frozenset[str]:
    return frozenset(w.lstrip("0") or "0" for w in title.split() if w.isdigit())


def words_agree(a: str, b: str, floor: float = 75.0) -> bool:
    """Every word of each title has a close counterpart in the other (a typo, not another word)."""
    from rapidfuzz import fuzz, process

    wa, wb = a.split(), b.split()
    for left, right in ((wa, wb), (wb, wa)):
        for w in left:
            if w in right:
                continue
            hit = process.extractOne(w, right, scorer=fuzz.ratio, score_cutoff=floor)
            if hit is None:
                return False
    return True


class Matcher:
    """Matches files against a fixed set of SoundCloud tracks."""

    def __init__(
        self,
        tracks: Iterable[MatchTrack],
        *,
        auto: float,
        review: float,
        duration_tolerance_s: float,
    ) -> None:
        self.auto, self.review = auto, review
        self.tolerance_ms = duration_tolerance_s * 1000
        self.by_urn: dict[str, int] = {}
        self.by_url: dict[str, int] = {}
        self.candidates: list[Candidate] = []
        self._titles: defaultdict[str, list[int]] = defaultdict(list)
        self._artists: defaultdict[str, set[int]] = defaultdict(set)
        for track in tracks:
            self._add(track)
        self.title_index = dict(self._titles)
        self.artist_index = dict(self._artists)
        del self._titles, self._artists

    def _add(self, track: MatchTrack) -> None:
        """Index one track: by URN and page URL, and as candidates under its title and artist words."""
        if track.urn:
            self.by_urn[track.urn] = track.id
        url = track_page_url(track.permalink_url or "")
        if url:
            self.by_url[url] = track.id
        title, uploader = track.title, track.uploader_name
        if not title:
            return
        parsed = parse_title(title, True)
        if not parsed.title:
            return
        names = []
        if parsed.title_artist:
            names.append(artist_key(artist_names(parsed.title_artist)))
        if uploader:
            names.append(artist_key(artist_names(uploader)))
        if not names:
            return
        forms = [(parsed, tuple(dict.fromkeys(names)))]
        if parsed.title_artist and uploader:
            # "Untitled - Part 2" by its own artist is a title with a dash, not "Artist - Title".
            forms.append((parse_title(title, False), (artist_key(artist_names(uploader)),)))
        for form, form_names in forms:
            i = len(self.candidates)
            self.candidates.append(
                Candidate(
                    track.id, form, form_names, track.duration_ms, form.kinds, _numbers(form.title)
                )
            )
            for w in set(_words(form.title)):
                self._titles[w].append(i)
            for name in form_names:
                for w in set(_words(name)):
                    self._artists[w].add(i)

    def _block(self, title_words: list[str], artist_words: list[str]) -> set[int]:
        lists = [self.title_index[w] for w in set(title_words) if w in self.title_index]
        if not lists:
            return set()
        narrow = sorted((p for p in lists if len(p) <= MAX_POSTINGS), key=len)
        if narrow:
            # The two rarest words: one of them may carry a typo, both rarely do.
            return set().union(*narrow[:2])
        # Only very common title words ("intro", "love"): keep tracks that also share an artist word.
        shortest: list[int] = min(lists, key=len)
        return {i for w in set(artist_words) for i in self.artist_index.get(w, ())}.intersection(
            shortest
        )

    def match(
        self,
        file_id: int,
        title: str | None,
        artist: str | None,
        duration_ms: int | None = None,
        sc_urn: str | None = None,
        sc_url: str | None = None,
    ) -> FileMatch:
        """The best track for one file."""
        if sc_urn and URN_RE.fullmatch(sc_urn) and sc_urn in self.by_urn:
            return FileMatch(file_id, self.by_urn[sc_urn], "exact", 100.0)
        if sc_url and sc_url in self.by_url:
            return FileMatch(file_id, self.by_url[sc_url], "exact", 100.0)
        none = FileMatch(file_id, None, None, None)
        if not title or not artist:
            return none
        parsed = parse_title(title, False)
        names = artist_names(artist)
        if parsed.title_artist is None and " - " in title:
            # "Artist - Title" in the title tag: drop the prefix when it names the file's artist.
            alt = parse_title(title, True)
            if alt.title_artist and set(artist_names(alt.title_artist)) & set(names):
                parsed = alt
        file_artist = artist_key(names)
        if not parsed.title or not file_artist:
            return none
        artist_words = _words(file_artist)
        found = self._best(
            parsed, file_artist, duration_ms, self._block(_words(parsed.title), artist_words)
        )
        if found is None:
            # A typo in every rare title word ("Jinoellun"): fall back to the artist's tracks.
            by_artist = self._artist_block(artist_words)
            found = self._best(parsed, file_artist, duration_ms, by_artist) if by_artist else None
        if found is None:
            return none
        status, score, track_id = found
        return FileMatch(file_id, track_id, status, score)

    def _artist_block(self, artist_words: list[str]) -> set[int]:
        lists = [self.artist_index[w] for w in set(artist_words) if w in self.artist_index]
        narrow = [p for p in lists if len(p) <= MAX_POSTINGS]
        return set.intersection(*narrow) if narrow else set()

    def _best(
        self, parsed: Parsed, file_artist: str, duration_ms: int | None, ids: set[int]
    ) -> tuple[str, float, int] | None:
        """(status, score, track_id) of the best candidate among `ids`, or None."""
        if not ids:
            return None
        from rapidfuzz.fuzz import ratio, token_set_ratio, token_sort_ratio

        best: tuple[float, float, int] | None = None  # (score, -duration gap, index)
        best_status = None
        title = parsed.title
        numbers = _numbers(title)
        kinds = parsed.kinds
        several_words = " " in title
        candidates = self.candidates
        for i in ids:
            cand = candidates[i]
            if cand.kinds != kinds:
                continue
            agree = versions_agree(parsed, cand.parsed) if kinds else True
            if agree is False:
                continue
            if numbers != cand.numbers:
                if numbers and cand.numbers:
                    continue  # "Part 1" is not "Part 2"
                agree = None
            other = cand.parsed.title
            t_score = 100.0 if title == other else ratio(title, other)
            if t_score < 100 and several_words:
                t_score = max(t_score, token_sort_ratio(title, other))
            if t_score < MIN_PART:
                continue
            a_score = 0.0
            for name in cand.artists:
                a_score = max(
                    a_score, 100.0 if name == file_artist else token_set_ratio(file_artist, name)
                )
            if a_score < MIN_PART:
                continue
            score = round(TITLE_WEIGHT * t_score + (1 - TITLE_WEIGHT) * a_score, 1)
            if score < self.review:
                continue
            gap = abs(duration_ms - cand.duration_ms) if duration_ms and cand.duration_ms else None
            sure = agree is True and (gap is None or gap <= self.tolerance_ms)
            status = "auto" if score > self.auto and sure else "review"
            if (
                status == "auto"
                and t_score < 100
                and not words_agree(parsed.title, cand.parsed.title)
            ):
                status = "review"  # one word swapped for another: "Red Lights" / "Blue Lights"
            key = (score + (0.05 if status == "auto" else 0), -(gap or 0), -i)
            if best is None or key > best:
                best, best_status = key, (status, score, cand.track_id)
        return best_status


def match_files(matcher: Matcher, files: Iterable[MatchFile]) -> list[FileMatch]:
    """The match of each file."""
    match = matcher.match
    return [match(f.id, f.title, f.artist, f.duration_ms, f.sc_urn, f.sc_url) for f in files]


def match_library(
    db: Store, *, auto: float, review: float, duration_tolerance_s: float, redo: bool = False
) -> dict[str, Any]:
    """Match the store's open files to its SoundCloud tracks and save the results; returns counts."""
    if review > auto:
        raise ConfigError(
            f"library.match_review ({review:g}) is above library.match_auto ({auto:g})",
            "set match_review at or below match_auto",
        )
    started = time.perf_counter()
    files = local_files.list_files_to_match(db, redo=redo)
    matcher = Matcher(
        local_files.list_tracks_to_match(db) if files else [],  # nothing to match: no tracks
        auto=auto,
        review=review,
        duration_tolerance_s=duration_tolerance_s,
    )
    matches = match_files(matcher, files)
    local_files.save_matches(db, matches, now_iso())
    counts = {"exact": 0, "auto": 0, "review": 0, "unmatched": 0}
    for m in matches:
        counts[m.status or "unmatched"] += 1
    return {
        "tracks": len({c.track_id for c in matcher.candidates}),
        "files": len(files),
        **counts,
        "elapsed_s": round(time.perf_counter() - started, 3),
    }


def match_from_config(
    db: Store, cfg: Config | None = None, *, redo: bool = False
) -> dict[str, Any]:
    """`match_library` with the thresholds of the config (for `sync` after new tracks arrive)."""
    if cfg is None:
        from music_minion import config

        cfg = config.load()
    return match_library(
        db,
        auto=cfg.library.match_auto,
        review=cfg.library.match_review,
        duration_tolerance_s=cfg.library.duration_tolerance_s,
        redo=redo,
    )
