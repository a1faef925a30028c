"""A SoundCloud-compatible local server: OAuth 2.1, the public API, fault injection, a seeded world.

It stands in for SoundCloud in tests and the demo, so it never imports the client (`soundcloud/`)
or anything else of Music Minion (a test over the import graph holds it to that).
Entry points: `testing.start_emulator()` (tests, demo), `server.Emulator` (the CLI's
`emulator serve`). The endpoints and their policy are in `routes`; pointing a Music Minion config
at a running emulator is `music_minion.sandbox`'s.
"""
