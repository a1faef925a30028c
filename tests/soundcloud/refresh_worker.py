"""Run by the two-process refresh test: wait for a common start time, call /me, print the result."""

from __future__ import annotations

import asyncio
import json
import sys
import time


async def main(start_at: float) -> dict:
    from music_minion import config
    from music_minion.soundcloud.client import SoundCloudClient

    while time.time() < start_at:
        await asyncio.sleep(0.002)
    async with SoundCloudClient.from_config(config.load(), auth="user") as sc:
        me = await sc.me()
        return {
            "urn": me.urn,
            "refreshes": sc._tokens.refreshes if sc._tokens else -1,
            "requests": sc.stats.requests,
        }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(float(sys.argv[1])))))
