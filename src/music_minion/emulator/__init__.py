"""A SoundCloud-compatible local server: OAuth 2.1, the public API, fault injection, a seeded world.

It stands in for SoundCloud in tests and the demo, so it never imports the client (`soundcloud/`).
Entry points: `testing.start_emulator()` (tests), `server.Emulator` (the CLI's `emulator serve`).
"""
