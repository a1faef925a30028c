"""The local review page: an aiohttp app on 127.0.0.1 (queue, audio proxy, verdicts, assets)."""
