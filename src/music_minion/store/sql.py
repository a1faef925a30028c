"""Small helpers every store module uses to build parameters (never SQL text from input).

- `like_contains(text)`: a LIKE pattern matching `text` anywhere, with `%`, `_` and `\\` escaped;
  use it with `LIKE ? ESCAPE '\\'`.
- `json_list(values)`: one parameter holding a whole list, for `IN (SELECT value FROM json_each(?))`,
  so a query takes any number of ids without chunking or formatted placeholders.
"""

from __future__ import annotations

import json
from collections.abc import Iterable


def like_escape(text: str) -> str:
    """`text` with LIKE's wildcards and the escape character escaped (ESCAPE '\\')."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def like_contains(text: str) -> str:
    """A LIKE pattern that matches `text` anywhere in a value."""
    return f"%{like_escape(text)}%"


def json_list(values: Iterable[int | str]) -> str:
    """A JSON array of `values`, one parameter for `json_each(?)`."""
    return json.dumps(list(values))
