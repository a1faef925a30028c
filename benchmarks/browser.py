"""The headless Chromium the review page's benchmark and browser tests drive (Debian's package;
never a browser download): where it is, and how it is started."""

from __future__ import annotations

import os
import shutil

BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]


def chromium_path() -> str | None:
    """Debian's Chromium, or any `chromium` on PATH."""
    if os.path.exists("/usr/bin/chromium"):
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")
