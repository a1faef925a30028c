"""Labelled cases for title noise from real stores, in the shape of `labelled.py`.

Decorations that do not change the recording (`[Explicit]`, `(Album Version)`, `(Remastered 2011)`,
`- Single`…) must not stop a match; versions (remixes with their remixer, edits, live, acoustic,
instrumental, extended) must stay apart; `(+ Artist)` and `featuring` are featured credits; `&`,
`,`, `x` and `and` between artists agree; text damaged by a wrong encoding still matches.
"""

from __future__ import annotations

# key -> (uploader_name, title, duration_s)
TRACKS: dict[str, tuple[str, str, float]] = {
    "humble": ("Kendrick Lamar", "HUMBLE.", 177),
    "lose": ("Eminem", "Lose Yourself [Clean]", 326),
    "yellow": ("Coldplay", "Yellow", 269),
    "one_more": ("Daft Punk", "One More Time", 320),
    "plan": ("Drake", "God's Plan", 198),
    "royals": ("Lorde", "Royals", 190),
    "style": ("Taylor Swift", "Style", 231),
    "rhapsody": ("Queen", "Bohemian Rhapsody", 355),
    "ocean": ("Billie Eilish", "Ocean Eyes", 200),
    "glowed": ("KAYTRANADA", "Glowed Up (feat. Anderson .Paak)", 211),
    "lean": ("Major Lazer", "Lean On (feat. MØ & DJ Snake)", 176),
    "omen": ("Disclosure & Sam Smith", "Omen", 238),
    "where": ("Skrillex x Diplo", "Where Are Ü Now", 250),
    "boxer": ("Simon & Garfunkel", "The Boxer", 308),
    "glosoli": ("Sigur Rós", "Glósóli", 375),
    "cosi": ("Zucchero", "Così Celeste", 240),
    "king": ("Years & Years", "King", 215),
    "heroes": ("David Bowie", "Heroes (2017 Remaster)", 371),
}

# (artist tag, title tag, duration_s, expected key or None)
FILES: list[tuple[str, str, float, str | None]] = [
    # decorations that do not change the recording
    ("Kendrick Lamar", "HUMBLE. [Explicit]", 177, "humble"),
    ("Eminem", "Lose Yourself", 326, "lose"),
    ("Coldplay", "Yellow (Album Version)", 269, "yellow"),
    ("Daft Punk", "One More Time (Main Version)", 320, "one_more"),
    ("Drake", "God's Plan (Edited)", 198, "plan"),
    ("Lorde", "Royals (Bonus Track)", 190, "royals"),
    ("Taylor Swift", "Style (Deluxe Edition)", 231, "style"),
    ("Queen", "Bohemian Rhapsody (Remastered 2011)", 355, "rhapsody"),
    ("Billie Eilish", "Ocean Eyes - Single", 200, "ocean"),
    ("David Bowie", "Heroes", 371, "heroes"),
    # featured credits and artist separators
    ("Kaytranada", "Glowed Up (+ Anderson .Paak)", 211, "glowed"),
    ("Major Lazer featuring MØ & DJ Snake", "Lean On", 176, "lean"),
    ("Disclosure, Sam Smith", "Omen", 238, "omen"),
    ("Skrillex and Diplo", "Where Are U Now", 250, "where"),
    ("Simon and Garfunkel", "The Boxer", 308, "boxer"),
    # text damaged by a wrong encoding (UTF-8 read as cp1252), and capitals with accents
    ("Sigur RÃ³s", "GlÃ³sÃ³li", 375, "glosoli"),
    ("Zucchero", "CosÃ¬ Celeste", 240, "cosi"),
    ("ZUCCHERO", "COSÌ CELESTE", 240, "cosi"),
    # other versions stay apart, even with a decoration-like word in the remixer's name
    ("Years & Years", "King (Clean Bandit Remix)", 215, None),
    ("Kendrick Lamar", "HUMBLE. (Skrillex Remix)", 177, None),
    ("Drake", "God's Plan (Edit)", 198, None),
    ("Coldplay", "Yellow (Live)", 269, None),
    ("Lorde", "Royals (Acoustic)", 190, None),
    ("Eminem", "Lose Yourself (Instrumental)", 326, None),
    ("Taylor Swift", "Style (Extended Mix)", 231, None),
    ("Queen", "Bohemian Rhapsody (Live Aid 1985)", 355, None),
    ("Daft Punk", "One More Time (Radio Edit)", 320, None),
    ("Billie Eilish", "Ocean Eyes (Blackbear Remix)", 200, None),
]
