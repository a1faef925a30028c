"""Local audio files: scan their tags into the store and match them to SoundCloud tracks."""
