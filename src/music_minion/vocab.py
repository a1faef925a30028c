"""The words the data model is made of, each declared once (no imports: the CLI's help reads them)."""

from __future__ import annotations

from typing import Literal

Verdict = Literal["liked", "not_interested", "not_quite"]
VERDICTS: tuple[Verdict, ...] = ("liked", "not_interested", "not_quite")
DISMISSALS: tuple[Verdict, ...] = ("not_interested", "not_quite")

JudgmentSource = Literal["manual", "soundcloud_like", "soundcloud_playlist"]
JUDGMENT_SOURCES: tuple[JudgmentSource, ...] = ("manual", "soundcloud_like", "soundcloud_playlist")

ProvenanceKind = Literal["like", "repost", "upload"]
PROVENANCE_KINDS: tuple[ProvenanceKind, ...] = ("like", "repost", "upload")

EXPORT_FORMATS = ("parquet", "csv", "json")
EXPORT_TABLES = ("tracks", "provenance", "judgments", "artists", "library", "runs", "pushes")
