"""A stand-in for the user's browser: `python -m music_minion.emulator.browser URL`.

It opens the authorize URL and follows redirects, as a browser does after the user clicks
"Connect" on the emulator's auto-approve page. Point `$BROWSER` at it (`... %s`) and
`music-minion auth login` completes without a person. Only ever used against the emulator.
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request


def visit(url: str, timeout_s: float = 30.0) -> int:
    """GET `url`, following redirects; returns the final HTTP status."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:  # noqa: S310 - loopback only
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as e:
        return e.code


if __name__ == "__main__":
    status = visit(sys.argv[1])
    sys.exit(0 if status < 400 else 1)
