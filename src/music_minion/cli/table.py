"""Every list a command prints, for the terminal it is on.

Columns declare their role: `text` may be cut with an ellipsis, `fixed` (numbers, ids, keys) is
never cut, `link` is never cut or wrapped. On a terminal each row fits one line of its width and
links are left out unless `--wide` (the footer says so). Piped (not a terminal), stdout gets plain
tab-separated lines, a header row first, every column and full values, no title; the footer and
the empty-state message then go to stderr.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import click

from music_minion.cli.common import console, state

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

Role = Literal["text", "fixed", "link"]
ALL_HINT = "`--limit 0` for all"


class Col(NamedTuple):
    """One column: its header, its role, its share of the free width and the width below which
    it is not cut (text columns), and `drop`: columns with a higher one are hidden first when a
    row cannot fit the terminal (0: always shown)."""

    name: str
    role: Role = "text"
    ratio: int = 1
    min_width: int = 8
    drop: int = 0


def fixed(name: str, drop: int = 0) -> Col:
    """A column never cut: numbers, ids, keys, short labels."""
    return Col(name, "fixed", drop=drop)


def link(name: str = "link") -> Col:
    """A URL column: never cut or wrapped; on a terminal shown only with `--wide`."""
    return Col(name, "link")


def text(name: str, ratio: int = 1, min_width: int = 8, drop: int = 0) -> Col:
    """Free text: cut with an ellipsis to fit the terminal, never below `min_width` (or its
    longest value); `ratio` weighs its share of the free width."""
    return Col(name, "text", ratio, min_width, drop)


def footer(
    shown: int, total: int | None, more: str = ALL_HINT, noun: str = "", *, exact: bool = True
) -> str | None:
    """`showing 100 of 202 — `--limit 0` for all` when a list was cut, else None (`exact` False:
    the total is a lower bound, `202+`)."""
    if total is None or (exact and total <= shown):
        return None
    counted = f"showing {shown} of {total}{'' if exact else '+'}{' ' + noun if noun else ''}"
    return f"{counted} — {more}" if more else counted


def table(
    title: str | None,
    columns: Sequence[Col | str],
    rows: Sequence[Sequence[Any]],
    *,
    empty: str | None = None,
    notes: Sequence[str | None] = (),
    out: Console | None = None,
) -> None:
    """Print rows under `columns` (a plain string is a text column), or `empty` when there are
    none; `notes` (e.g. `footer(...)`; None skipped) follow the table."""
    cols = [Col(c) if isinstance(c, str) else c for c in columns]
    cells = [["" if v is None else str(v) for v in r] for r in rows]
    out = out or console()
    lines = [n for n in notes if n]
    if not out.is_terminal:
        _plain(cols, cells, empty, lines)
        return
    if not cells:
        for n in [empty or "nothing to show", *lines]:
            out.print(n, markup=False, highlight=False)
        return
    wide = state().wide
    links = [i for i, c in enumerate(cols) if c.role == "link"]
    shown = [i for i in range(len(cols)) if i not in links]
    longest = _longest(cols, cells)
    kept = _droppable_fit(cols, longest, shown + links if wide else shown, out.width)
    below = wide and bool(links) and _need(cols, longest, kept) > out.width  # links on own lines
    if below:
        kept = _droppable_fit(cols, longest, shown, out.width)
    hidden = [
        c.name
        for i, c in enumerate(cols)
        if i not in kept and any(r[i] for r in cells) and not (below and i in links)
    ]
    if hidden:
        how = "a wider terminal" if wide else "`--wide`"
        lines.append(f"not shown: {', '.join(hidden)} — {how}, or pipe the output (tab-separated)")
    rendered = _rich(out, title, [cols[i] for i in kept], [[r[i] for i in kept] for r in cells])
    if below:
        _with_links_below(out, rendered, [[r[i] for i in links if r[i]] for r in cells])
    else:
        out.print(rendered)
    for n in lines:
        out.print(n, markup=False, highlight=False)


def _with_links_below(out: Console, rendered: Table, links: list[list[str]]) -> None:
    """The table with each row's links on the line under it, indented and never cut."""
    with out.capture() as captured:
        out.print(rendered)
    printed = captured.get().rstrip("\n").split("\n")
    head = len(printed) - len(links)  # title and header lines; then one line per row
    for line in printed[:head]:
        out.out(line, highlight=False)
    for line, row_links in zip(printed[head:], links, strict=True):
        out.out(line, highlight=False)
        for url in row_links:
            out.out(f"   {url}", highlight=False)


def _plain(cols: list[Col], cells: list[list[str]], empty: str | None, lines: list[str]) -> None:
    """Tab-separated lines on stdout; what is not data on stderr."""
    if not cells:
        lines = [empty or "nothing to show", *lines]
    else:
        click.echo("\t".join(c.name for c in cols))
    for r in cells:
        click.echo("\t".join(_one_line(v) for v in r))
    for n in lines:
        click.echo(n, err=True)


def _one_line(value: str) -> str:
    return value.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def _rich(out: Console, title: str | None, cols: list[Col], cells: list[list[str]]) -> Table:
    """A rich table whose rows fit one line of `out`: text columns are cut to make room."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    t = Table(title=title, box=box.SIMPLE_HEAD, header_style="bold", show_edge=False,
              pad_edge=False, padding=(0, 1, 0, 0), title_justify="left")  # fmt: skip
    widths = _fit(cols, cells, out.width - 2 * (len(cols) - 1))
    for i, c in enumerate(cols):
        if c.role == "text":
            t.add_column(c.name, no_wrap=True, overflow="ellipsis", width=widths[i])
        else:
            right = c.role == "fixed" and _numeric(cells, i)
            t.add_column(c.name, no_wrap=True, width=widths[i], min_width=widths[i],
                         justify="right" if right else "left")  # fmt: skip
    for r in cells:
        t.add_row(*(Text(v) for v in r))
    return t


def _longest(cols: list[Col], cells: list[list[str]]) -> list[int]:
    from rich.cells import cell_len

    return [max([cell_len(c.name), *(cell_len(r[i]) for r in cells)]) for i, c in enumerate(cols)]


def _need(cols: list[Col], longest: list[int], kept: list[int]) -> int:
    """The width the columns `kept` take with every text column at its minimum (`longest`: each
    column's widest value)."""
    each = [
        min(longest[i], cols[i].min_width) if cols[i].role == "text" else longest[i] for i in kept
    ]
    return sum(each) + 2 * (len(kept) - 1)


def _droppable_fit(cols: list[Col], longest: list[int], shown: list[int], width: int) -> list[int]:
    """The columns of `shown` that fit `width` with every text column at its minimum: the ones
    with the highest `drop` are left out first (the rightmost of equals), never one with 0."""
    kept = list(shown)
    while _need(cols, longest, kept) > width:
        droppable = [i for i in kept if cols[i].drop > 0]
        if not droppable:
            break
        kept.remove(max(droppable, key=lambda i: (cols[i].drop, i)))
    return kept


def _fit(cols: list[Col], cells: list[list[str]], room: int) -> list[int]:
    """Column widths in `room` cells: fixed and link columns as wide as their longest value, text
    columns sharing what is left by ratio, none wider than its longest value nor narrower than
    its minimum."""
    longest = _longest(cols, cells)
    fixed_width = sum(longest[i] for i, c in enumerate(cols) if c.role != "text")
    floor = sum(min(longest[i], c.min_width) for i, c in enumerate(cols) if c.role == "text")
    squeeze = fixed_width + floor > room  # (a link shown whole): text may go below its minimum
    widths = [0 if c.role == "text" else longest[i] for i, c in enumerate(cols)]
    open_ = [i for i, c in enumerate(cols) if c.role == "text"]
    free = room - sum(widths)
    while open_:
        share = max(free, 0) / sum(cols[i].ratio for i in open_)
        done = [i for i in open_ if longest[i] <= share * cols[i].ratio]
        if not done:
            for i in open_:
                least = 1 if squeeze else min(longest[i], cols[i].min_width)
                widths[i] = max(int(share * cols[i].ratio), least, 1)
            break
        for i in done:
            widths[i] = longest[i]
            free -= longest[i]
            open_.remove(i)
    return widths


def _numeric(cells: list[list[str]], i: int) -> bool:
    """Whether column `i` holds numbers only (right-aligned)."""
    values = [r[i] for r in cells if r[i]]
    return bool(values) and all(v.replace(".", "", 1).replace("-", "", 1).isdigit() for v in values)
