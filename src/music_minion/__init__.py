"""Music Minion: discover music on SoundCloud through the artists you trust."""

__version__ = "0.1.0"
