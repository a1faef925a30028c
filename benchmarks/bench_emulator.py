"""Emulator speed: list pages of 200 tracks per second, and small requests per second.

Targets (issue 3): at least 500 pages of 200 tracks per second (100,000 track objects/s) and at
least 2,000 small requests per second (`/me`, `/users/{urn}`), so the emulator is never the
bottleneck of another benchmark. The emulator runs as its own process (`emulator serve`, as in the
demo) on a large world; the load comes from a minimal keep-alive HTTP client with a few connections.
"""

from __future__ import annotations

import asyncio
import sys
import time
import urllib.parse
import urllib.request

PAGE_TARGET = 500.0
SMALL_TARGET = 2000.0


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
    from music_minion.emulator.testing import emulator_process
    from music_minion.sandbox import login_over_http

    with emulator_process(size=size) as info:
        token = login_over_http(info)["access_token"]
        artists = info["artists"]
        pages_urls = [
            f"/users/{a}/likes/tracks?linked_partitioning=true&limit={limit}&access=playable,preview,blocked"
            for a in artists
        ]
        n, tracks, elapsed = asyncio.run(_load(info, token, pages_urls, seconds, 6, follow=True))
        pages_per_s, tracks_per_s = n / elapsed, tracks / elapsed
        small_urls = ["/me"] + [f"/users/{a}" for a in artists]
        m, _, elapsed2 = asyncio.run(_load(info, token, small_urls, seconds, 16, follow=False))
        small_per_s = m / elapsed2
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
