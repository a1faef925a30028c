"""A digest as Markdown, a static HTML page, or an Atom feed (RFC 4287) that readers open as is."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

from music_minion.discovery.digest import Digest
from music_minion.timeutil import for_people
from music_minion.words import plural

FORMATS = ("md", "html", "atom")
ATOM_NS = "http://www.w3.org/2005/Atom"
TITLE = "Music Minion digest"


def _figures(d: Digest) -> str:
    f = d.figures
    return (
        f"{plural(f['curators_checked'], 'curator')} checked, {plural(f['new_picks'], 'new pick')}, "
        f"{f['liked']} liked, {f['dismissed']} dismissed"
    )


def _nothing(d: Digest) -> str:
    return f"Nothing new since {for_people(d.since)}."


def markdown(d: Digest) -> str:
    lines = [f"# {TITLE}", "", f"Since {for_people(d.since)} · {_figures(d)}", ""]
    if not d.picks:
        lines.append(_nothing(d))
    for i, p in enumerate(d.picks, 1):
        lines.append(f"{i}. [{p.title}]({p.link}) — {p.artist}  \n   {p.why}")
    return "\n".join(lines) + "\n"


def page(d: Digest) -> str:
    e = html.escape
    items = "".join(
        f'<li><a href="{e(p.link)}">{e(p.title)}</a> — {e(p.artist)}<br><small>{e(p.why)}</small></li>\n'
        for p in d.picks
    )
    body = f"<ol>\n{items}</ol>" if d.picks else f"<p>{e(_nothing(d))}</p>"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{TITLE}</title>\n</head>\n<body>\n<h1>{TITLE}</h1>\n"
        f"<p>Since {e(for_people(d.since))} · {e(_figures(d))}</p>\n{body}\n</body>\n</html>\n"
    )


def atom(d: Digest) -> str:
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _text(feed, "title", TITLE)
    _text(feed, "subtitle", _figures(d) if d.picks else f"{_nothing(d)} {_figures(d)}")
    _text(feed, "id", "urn:music-minion:digest")
    _text(feed, "updated", d.at)
    author = ET.SubElement(feed, f"{{{ATOM_NS}}}author")
    _text(author, "name", "Music Minion")
    for p in d.picks:
        entry = ET.SubElement(feed, f"{{{ATOM_NS}}}entry")
        _text(entry, "title", f"{p.title} — {p.artist}" if p.artist else p.title)
        _text(entry, "id", f"urn:music-minion:{p.urn}")
        _text(entry, "updated", p.first_seen_at)
        if p.link:
            ET.SubElement(entry, f"{{{ATOM_NS}}}link", href=p.link, rel="alternate")
        _text(entry, "summary", p.why)
    return ET.tostring(feed, encoding="unicode", xml_declaration=True) + "\n"


def _text(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}").text = text


def render(d: Digest, fmt: str) -> str:
    return {"md": markdown, "html": page, "atom": atom}[fmt](d)
