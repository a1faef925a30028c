"""Security: no token or client secret in any output (`--debug` logs, errors, `--json`,
`auth status`), exported file or the database; the token file is 0600; the login's callback server
listens on 127.0.0.1 only and answers one redirect; forged state and replayed codes are refused;
no SQL is built by formatting text that could come from input (a static check over src/)."""

from __future__ import annotations

import ast
import asyncio
import os
import shlex
import socket
import stat
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from music_minion.emulator.testing import SECRET_MARKERS, start_emulator
from music_minion.sandbox import configure
from tests.reliability.helpers import Home

pytestmark = pytest.mark.slow

SRC = Path(__file__).resolve().parents[2] / "src" / "music_minion"


def issued_secrets(emu: Any) -> set[str]:
    """The client secret and every token the emulator ever issued (live, expired or spent)."""
    o = emu.emulator.oauth
    return {emu.client_secret, *o.access, *o.refresh, *o.spent_refresh}


def leaks(text: str | bytes, secrets: set[str]) -> list[str]:
    data = text if isinstance(text, bytes) else text.encode("utf-8", "replace")
    found = [m for m in SECRET_MARKERS if m.encode() in data]
    return found + [s[:10] + "…" for s in secrets if s and s.encode() in data]


def test_a_full_run_leaks_no_secret_anywhere(tmp_path: Path) -> None:
    home = Home(tmp_path / "home")
    export = tmp_path / "export"
    outputs: list[tuple[str, str]] = []
    with start_emulator(seed=6, size="small") as emu:
        env = {
            **home.env(),
            "BROWSER": f"{shlex.quote(sys.executable)} -m music_minion.emulator.browser %s",
        }
        configure(emu, home.root)

        def run(*args: str, ok: bool = True) -> None:
            import subprocess

            r = subprocess.run(
                [sys.executable, "-m", "music_minion", *args],
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=120,
            )
            outputs.append((" ".join(args), r.stdout + r.stderr))
            assert (r.returncode == 0) or not ok, (args, r.stderr)

        run("--debug", "auth", "login")
        token_file = home.data / "tokens.json"
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        run("--debug", "auth", "status")
        run("auth", "status", "--json")
        run("--debug", "artists", "import-followings", "--json")
        emu.expire_tokens()  # the sync refreshes (rotates) the tokens with debug logs on
        run("--debug", "sync", "--push", "--json")
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        emu.expire_tokens()
        emu.set_faults("rate=0.3,seed=3,kinds=oauth,429,500,drop,truncate")
        run(
            "--debug", "sync", "--all", "--push", ok=False
        )  # errors on the way must not leak either
        emu.set_faults(None)
        run("--debug", "feed", "--limit", "5")
        run("feed", "--json")
        run("--debug", "playlist", "show", "--json")
        run("sync", "history", "--json")
        run("config", "show")
        run("config", "show", "--json")
        run("config", "get", "soundcloud.client_secret")
        run("db", "check", "--json")
        for fmt in ("json", "csv", "parquet"):
            run("export", fmt, str(export / fmt) + "/", "--what", "all")
        run("--debug", "auth", "logout")
        # A wrong secret and a refused refresh: their errors must not echo what was sent.
        run("config", "set", "soundcloud.client_secret", "emu-secret-not-the-right-one-0000")
        run("--debug", "auth", "login", ok=False)
        secrets = issued_secrets(emu) | {"emu-secret-not-the-right-one-0000"}
    assert len(secrets) > 4
    bad = {cmd: leaks(text, secrets) for cmd, text in outputs if leaks(text, secrets)}
    assert not bad, bad
    files = [
        p
        for p in [*home.data.rglob("*"), *export.rglob("*")]
        if p.is_file() and p.name != "tokens.json"
    ]
    assert any(p.suffix == ".parquet" for p in files) and any(
        p.name.startswith("music-minion.db") for p in files
    )
    bad_files = {
        str(p): leaks(p.read_bytes(), secrets) for p in files if leaks(p.read_bytes(), secrets)
    }
    assert not bad_files, bad_files


def _listeners(port: int) -> list[str]:
    """Local addresses (hex, as in /proc/net/tcp{,6}) listening on `port`."""
    out = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            addr, _, p = local.rpartition(":")
            if int(p, 16) == port and state == "0A":  # LISTEN
                out.append(addr)
    return out


def _redirect_of(url: str) -> str:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a: Any, **k: Any) -> None:
            return None

    try:
        urllib.request.build_opener(NoRedirect).open(url, timeout=10)
    except urllib.error.HTTPError as e:
        assert e.code == 302
        return e.headers["Location"]
    raise AssertionError("authorize did not redirect")


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except (urllib.error.URLError, OSError):
        return -1  # nothing listens (or the connection was cut)


@pytest.mark.skipif(
    not Path("/proc/net/tcp").exists(), reason="needs Linux /proc/net/tcp to see listeners"
)
def test_callback_listens_on_loopback_only_and_answers_once(emulator) -> None:
    from music_minion import config
    from music_minion.soundcloud.login import login

    port = urllib.parse.urlsplit(emulator.redirect_uri).port
    seen: dict[str, Any] = {}

    def browser(url: str) -> None:
        seen["listeners"] = _listeners(port)
        callback = _redirect_of(url)
        seen["first"] = _get(callback)
        seen["again"] = _get(callback)  # a replayed redirect is not taken

    user = asyncio.run(login(config.load(), browser=browser, timeout_s=20))
    assert user.urn == emulator.user_urn
    assert seen["listeners"] == ["0100007F"], seen  # 127.0.0.1 only: not 0.0.0.0, not ::
    assert seen["first"] == 200 and seen["again"] in (410, -1), seen
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass  # and once the login is done nothing listens any more
    assert _listeners(port) == []


def test_forged_state_and_replayed_code_are_refused(emulator, home: Path) -> None:
    from music_minion import config
    from music_minion.cli.errors import line as error_line
    from music_minion.soundcloud.errors import LoginFailed
    from music_minion.soundcloud.login import login
    from music_minion.soundcloud.tokens import TokenStore

    captured: list[str] = []

    async def browser(url: str) -> None:
        callback = _redirect_of(url)
        captured.append(callback)
        await asyncio.to_thread(_get, callback)

    asyncio.run(login(config.load(), browser=browser, timeout_s=20))
    store = TokenStore(home / "data", _namespace())
    first = store.load("user", fresh=True)
    old = urllib.parse.urlsplit(captured[0])
    old_q = dict(urllib.parse.parse_qsl(old.query))

    # the old redirect as a whole: its state belongs to the earlier attempt
    with pytest.raises(LoginFailed, match="state mismatch") as e1:
        asyncio.run(
            login(config.load(), paste=True, read_redirect=lambda url: captured[0], timeout_s=20)
        )

    # the old (spent) code with this attempt's state: the token endpoint refuses it
    def replay(url: str) -> str:
        state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))["state"]
        query = urllib.parse.urlencode({"code": old_q["code"], "state": state})
        return urllib.parse.urlunsplit(old._replace(query=query))

    with pytest.raises(LoginFailed) as e2:
        asyncio.run(login(config.load(), paste=True, read_redirect=replay, timeout_s=20))
    for err in (e1.value, e2.value):
        line = error_line(err)
        assert (
            "\n" not in line
            and not leaks(line, issued_secrets(emulator))
            and old_q["code"] not in line
        )
    # the failed attempts left the stored login as it was
    assert store.load("user", fresh=True) == first
    assert stat.S_IMODE((home / "data" / "tokens.json").stat().st_mode) == 0o600


def _namespace() -> str:
    from music_minion import config
    from music_minion.soundcloud import oauth

    return oauth.AppSettings.from_config(config.load()).namespace


# ---- no SQL from formatted input -----------------------------------------------------------------
# Every piece of text formatted into SQL in src/, by file. Each comes from code, never from input.
ALLOWED: dict[str, dict[str, str]] = {
    "store/db.py": {
        "BUSY_TIMEOUT_MS": "a module constant",
        "sql": "the text of a migration file shipped in the package",
        "version": "the number in a shipped migration's file name",
        "name": "a shipped migration's file name",
        "now_iso()": "a timestamp made by code",
        "n": "table names read from sqlite_master",
    },
    "store/session.py": {
        "int(cache_mib) * 1024": "an int() of a code-chosen size",
        "int(checkpoint_pages)": "an int() of a code-chosen page count",
    },
    "store/ranking.py": {
        "marks": "'?, ?, …' placeholders, one per bound value",
        "name": "index names read from sqlite_master",
        "sql": "index definitions read back from sqlite_master",
        "_CANDIDATE_COLUMNS": "a module constant column list",
        "where": "clauses from _where(): constant text with ? placeholders",
        "cases": "CASE clauses from exclusions(): constant text with ? placeholders",
        "LISTENS_SQL": "a module constant count of counted review-page listens",
        "OWNED_CONDITION": "a module constant condition on local_files.state",
    },
    "store/curators.py": {
        "JUDGED_SQL": "store/ranking.py's constant exclusion clause",
        "OWNED_SQL": "store/ranking.py's constant exclusion clause",
    },
    "store/tracks.py": {
        "marks": "'?, ?, …' placeholders, one per bound value",
        "', '.join(TRACK_COLUMNS)": "the module's constant column list",
        "', '.join('?' * (len(TRACK_COLUMNS) + 2))": "one ? placeholder per column",
        "', '.join((f'{c} = coalesce(excluded.{c}, {c})' for c in _DATA))": "constant column names",
        "' OR '.join((f'(excluded.{c} IS NOT NULL AND excluded.{c} IS NOT {c})' for c in _DATA))": "constant column names",
    },
    "store/sync_runs.py": {"sets": "'col = ?' for column names checked against a fixed set"},
    "store/snapshot.py": {
        "table": "checked against the module's fixed table spec first",
        "_select()": "builds a SELECT from the module's fixed table spec",
        "_SOURCE[table]": "the module's constant source of a table checked against the spec first",
    },
    "store/artists.py": {"where": "one of two constant WHERE clauses"},
    "store/local_files.py": {
        "_upsert_sql()": "built once at import from the module's constant column lists",
        "_sql_in()": "an SQL list of the module's constant match states",
        "where": "from _filters(): constant clauses with ? placeholders",
        "' AND '.join(clauses)": "one constant LIKE clause with ? placeholders per search word",
    },
}
EXEC = ("execute", "executemany", "executescript")


FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _own_nodes(scope: ast.AST):
    """The nodes of `scope` without descending into nested functions (they are scopes of their own)."""
    todo = list(ast.iter_child_nodes(scope))
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, FUNCS):
            todo.extend(ast.iter_child_nodes(node))


def _assignments(scope: ast.AST) -> dict[str, list[ast.expr]]:
    """Values assigned to each plain name directly in `scope` (`=`, annotated, and `+=`)."""
    out: dict[str, list[ast.expr]] = {}
    for node in _own_nodes(scope):
        if isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    out.setdefault(t.id, []).append(node.value)
        elif (
            isinstance(node, ast.AnnAssign | ast.AugAssign)
            and isinstance(node.target, ast.Name)
            and node.value
        ):
            out.setdefault(node.target.id, []).append(node.value)
    return out


def _lookup(name: str, scopes: list[dict]) -> list[ast.expr]:
    for assigned in reversed(scopes):  # innermost first, as Python resolves a closure's names
        if name in assigned:
            return assigned[name]
    return []


def formatted_parts(expr: ast.expr, scopes: list[dict], seen: frozenset = frozenset()) -> list[str]:
    """The non-constant pieces of an SQL expression, following names to what was assigned to them."""
    if isinstance(expr, ast.Constant):
        return []
    if isinstance(expr, ast.JoinedStr):
        return [
            p
            for v in expr.values
            if isinstance(v, ast.FormattedValue)
            for p in _piece(v.value, scopes, seen)
        ]
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return formatted_parts(expr.left, scopes, seen) + formatted_parts(expr.right, scopes, seen)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod):
        return formatted_parts(expr.left, scopes, seen) + [ast.unparse(expr.right)]
    if (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr == "format"
    ):
        return formatted_parts(expr.func.value, scopes, seen) + [ast.unparse(a) for a in expr.args]
    if isinstance(expr, ast.Name):
        values = _lookup(expr.id, scopes)
        if values and expr.id not in seen:
            return [p for v in values for p in formatted_parts(v, scopes, seen | {expr.id})]
        return [expr.id]
    return [ast.unparse(expr)]


def _piece(value: ast.expr, scopes: list[dict], seen: frozenset) -> list[str]:
    """A formatted value: a name bound only to constant text is fine; anything else is a piece."""
    if isinstance(value, ast.Name) and value.id not in seen:
        bound = _lookup(value.id, scopes)
        if bound and all(isinstance(b, ast.Constant) and isinstance(b.value, str) for b in bound):
            return []
    return [ast.unparse(value)]


def sql_pieces(source: str) -> list[tuple[int, str]]:
    """(line, piece) for every non-constant piece of SQL passed to execute*() in `source`."""
    found: set[tuple[int, str]] = set()

    def visit(scope: ast.AST, scopes: list[dict]) -> None:
        scopes = [*scopes, _assignments(scope)]
        for node in _own_nodes(scope):
            if isinstance(node, FUNCS):
                visit(node, scopes)
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in EXEC
                and node.args
            ):
                found.update((node.lineno, p) for p in formatted_parts(node.args[0], scopes))

    visit(ast.parse(source), [])
    return sorted(found)


def test_the_sql_checker_catches_formatted_input() -> None:
    bad = """
def find(conn, name, limit):
    conn.execute(f"SELECT * FROM artists WHERE username = '{name}'")
    conn.execute("SELECT * FROM tracks LIMIT %s" % limit)
    sql = "SELECT * FROM t WHERE a = "
    sql += name
    conn.execute(sql)
    conn.execute("SELECT {}".format(name))
    conn.execute("SELECT 1 WHERE x = ?", (name,))
"""
    assert [p for _, p in sql_pieces(bad)] == ["name", "limit", "name", "name"]


def test_no_sql_is_formatted_from_input() -> None:
    problems = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith("emulator/"):
            continue  # the stand-in server keeps no SQL
        for line, piece in sql_pieces(path.read_text("utf-8")):
            allowed = ALLOWED.get(rel, {})
            if (
                piece not in allowed and f"{piece.split('(')[0]}()" not in allowed
            ):  # a call: by its name
                problems.append(f"{rel}:{line}: {piece}")
    assert not problems, "SQL built from text that is not on the allow-list:\n" + "\n".join(
        problems
    )


def test_token_file_is_private_from_the_first_byte(emulator, home: Path) -> None:
    """Even with a permissive umask, the token file is never readable by others, not even briefly."""
    from music_minion import config
    from music_minion.soundcloud.login import login
    from tests.helpers import browser_stand_in

    old = os.umask(0)
    try:
        asyncio.run(login(config.load(), browser=browser_stand_in, timeout_s=20))
    finally:
        os.umask(old)
    path = home / "data" / "tokens.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not [
        p for p in path.parent.iterdir() if p.name.startswith("tokens.json.")
    ]  # no temp copies left
