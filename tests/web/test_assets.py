"""The page's files ship in the wheel: every file under web/static is matched by the package data
of pyproject.toml (setuptools' globs do not cross folders)."""

from __future__ import annotations

import tomllib
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "music_minion"


def test_every_static_file_is_package_data():
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["music_minion"]
    files = [p for p in (PACKAGE / "web" / "static").rglob("*") if p.is_file()]
    assert any(p.name == "hls.light.min.js" for p in files)
    for path in files:
        relative = PurePosixPath(path.relative_to(PACKAGE).as_posix())
        matching = [
            g
            for g in patterns
            if len(PurePosixPath(g).parts) == len(relative.parts) and relative.match(g)
        ]
        assert matching, f"{relative} is not package data"
