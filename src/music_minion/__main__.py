from music_minion.cli.main import run

run()
