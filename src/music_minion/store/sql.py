"""Small helpers every store module uses to build parameters (never SQL text from input).

- `like_contains(text)`: a LIKE pattern matching `text` anywhere, with `%`, `_` and `\\` escaped;
  use it with `LIKE ? ESCAPE '\\'`.
- `inserted_id(cur)`: the rowid of the row an INSERT just added.
- `json_list(values)`: one parameter holding a whole list, for `IN (SELECT value FROM json_each(?))`,
  so a query takes any number of ids without chunking or formatted placeholders.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

# A value SQLite stores as it is (a query parameter or a column of a plain row).
SqlValue = str | int | float | bytes | None


def like_escape(text: str) -> str:
    """`text` with LIKE's wildcards and the escape character escaped (ESCAPE '\\')."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def like_contains(text: str) -> str:
    """A LIKE pattern that matches `text` anywhere in a value."""
    return f"%{like_escape(text)}%"


def inserted_id(cur: sqlite3.Cursor) -> int:
    """The rowid of the row an INSERT through `cur` just added."""
    rowid = cur.lastrowid
    if rowid is None:
        raise TypeError("the statement inserted no row")
    return rowid


def json_list(values: Iterable[int | str]) -> str:
    """A JSON array of `values`, one parameter for `json_each(?)`."""
    return json.dumps(list(values))
