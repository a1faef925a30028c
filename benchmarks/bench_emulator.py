"""Emulator speed: list pages of 200 tracks per second, and small requests per second.

Targets (issue 3): at least 500 pages of 200 tracks per second (100,000 track objects/s) and at
least 2,000 small requests per second (`/me`, `/users/{urn}`), so the emulator is never the
bottleneck of another benchmark. The emulator runs as its own process (`emulator serve`, as in the
demo) on a large world; the load comes from a minimal keep-alive HTTP client with a few connections.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request

PAGE_TARGET = 500.0
SMALL_TARGET = 2000.0


def _start_server(size: str) -> tuple[subprocess.Popen, dict]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "music_minion",
            "emulator",
            "serve",
            "--json",
            "--auto-approve",
            "--size",
            size,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    line = proc.stdout.readline()
    if not line:
        proc.kill()
        raise RuntimeError(f"emulator did not start: {proc.stderr.read()[-500:]}")
    return proc, json.loads(line)


def _login(info: dict) -> str:
    """A user token through the real authorization-code + PKCE flow."""
    from music_minion.emulator.testing import pkce_pair

    verifier, challenge = pkce_pair()
    q = urllib.parse.urlencode(
        {
            "client_id": info["client_id"],
            "redirect_uri": info["redirect_uri"],
            "response_type": "code",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "state": "bench",
        }
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    try:
        urllib.request.build_opener(NoRedirect).open(
            f"{info['auth_base']}/authorize?{q}", timeout=10
        )
        raise RuntimeError("authorize did not redirect")
    except urllib.error.HTTPError as e:
        location = e.headers["Location"]
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["code"][0]
    form = urllib.parse.urlencode(
        {
            "grant_type": "authorization_code",
            "client_id": info["client_id"],
            "client_secret": info["client_secret"],
            "redirect_uri": info["redirect_uri"],
            "code_verifier": verifier,
            "code": code,
        }
    ).encode()
    with urllib.request.urlopen(
        urllib.request.Request(f"{info['auth_base']}/oauth/token", data=form), timeout=10
    ) as r:
        return json.loads(r.read())["access_token"]


class _Conn:
    """A minimal keep-alive HTTP/1.1 client, light enough that the load generator is not the bottleneck."""

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port = host, port
        self.auth = f"Authorization: OAuth {token}\r\n".encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(
            b"GET "
            + path.encode()
            + b" HTTP/1.1\r\nHost: "
            + self.host.encode()
            + b"\r\n"
            + self.auth
            + b"\r\n"
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        at = head.lower().index(b"content-length:") + 15
        length = int(head[at : head.index(b"\r\n", at)])
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def _load(
    info: dict, token: str, paths: list[str], seconds: float, workers: int, follow: bool
) -> tuple[int, int, float]:
    """Hit `paths` round-robin (following next_href when `follow`) for `seconds`: (requests, tracks, elapsed)."""
    parts = urllib.parse.urlsplit(info["api_base"])
    base = info["api_base"]
    done = tracks = 0
    stop_at = 0.0

    async def worker(conn: _Conn, offset: int) -> None:
        nonlocal done, tracks
        i = offset
        path = paths[i % len(paths)]
        while time.perf_counter() < stop_at:
            status, body = await conn.get(path)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
            done += 1
            if follow:
                tracks += body.count(b'"kind":"track"')
                at = body.rfind(b'"next_href":"')
                if at >= 0:
                    path = body[at + 13 : body.index(b'"', at + 13)].decode()[len(base) :]
                    continue
            i += workers
            path = paths[i % len(paths)]

    conns = [_Conn(parts.hostname, parts.port, token) for _ in range(workers)]
    try:
        stop_at = time.perf_counter() + seconds / 4  # warm-up: fill the server's encode caches
        await asyncio.gather(*(worker(c, k) for k, c in enumerate(conns)))
        done = tracks = 0
        t0 = time.perf_counter()
        stop_at = t0 + seconds
        await asyncio.gather(*(worker(c, k) for k, c in enumerate(conns)))
        return done, tracks, time.perf_counter() - t0
    finally:
        for c in conns:
            c.close()


def run(quick: bool) -> list[dict]:
    size, seconds, limit = ("tiny", 0.6, 5) if quick else ("large", 5.0, 200)
    proc, info = _start_server(size)
    try:
        token = _login(info)
        world = json.loads(
            urllib.request.urlopen(f"{info['api_base']}/_emulator/world", timeout=30).read()
        )
        artists = world["artists"]
        pages_urls = [
            f"/users/{a}/likes/tracks?linked_partitioning=true&limit={limit}&access=playable,preview,blocked"
            for a in artists
        ]
        n, tracks, elapsed = asyncio.run(_load(info, token, pages_urls, seconds, 6, follow=True))
        pages_per_s, tracks_per_s = n / elapsed, tracks / elapsed
        small_urls = ["/me"] + [f"/users/{a}" for a in artists]
        m, _, elapsed2 = asyncio.run(_load(info, token, small_urls, seconds, 16, follow=False))
        small_per_s = m / elapsed2
    finally:
        proc.terminate()
        proc.communicate(timeout=20)
    details = {"size": size, "seconds": seconds, "limit": limit}
    return [
        {
            "name": "emulator_list_pages",
            "figure": round(pages_per_s, 1),
            "unit": "pages/s",
            "target": f">= {PAGE_TARGET:.0f} pages of 200 tracks/s",
            "passed": quick or pages_per_s >= PAGE_TARGET,
            "details": {**details, "pages": n, "tracks_per_s": round(tracks_per_s)},
        },
        {
            "name": "emulator_track_objects",
            "figure": round(tracks_per_s),
            "unit": "tracks/s",
            "target": ">= 100,000 track objects/s",
            "passed": quick or tracks_per_s >= 100_000,
            "details": details,
        },
        {
            "name": "emulator_small_requests",
            "figure": round(small_per_s, 1),
            "unit": "requests/s",
            "target": f">= {SMALL_TARGET:.0f} requests/s (/me, /users/{{urn}})",
            "passed": quick or small_per_s >= SMALL_TARGET,
            "details": {**details, "requests": m},
        },
    ]


if __name__ == "__main__":
    for fig in run("--quick" in sys.argv):
        print(
            f"{fig['name']:28} {fig['figure']:>12} {fig['unit']:12} {'ok' if fig['passed'] else 'MISSED'}  {fig['target']}"
        )
