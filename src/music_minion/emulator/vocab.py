"""Word lists the world generator draws names, titles, genres and tags from."""

from __future__ import annotations

FIRST = (
    "Ada", "Bex", "Cleo", "Dario", "Elif", "Finn", "Greta", "Hugo", "Ines", "Jonah", "Kaia", "Lior",
    "Mara", "Nils", "Oona", "Pablo", "Quinn", "Rosa", "Sami", "Tove", "Umar", "Vera", "Wren", "Yuki",
)
ALIAS_A = (
    "Deep", "Night", "Velvet", "Static", "Lunar", "Hollow", "Neon", "Quiet", "Solar", "Paper",
    "Glass", "Copper", "Violet", "Echo", "Basement", "Northern", "Slow", "Analog", "Bright", "Drift",
)
ALIAS_B = (
    "Tides", "Motion", "Theory", "Signal", "Gardens", "Machine", "Club", "Collective", "Pulse",
    "Assembly", "Weather", "Frequency", "Rooms", "Ritual", "Orbit", "Harbour", "Atlas", "Union",
)
TITLE_A = (
    "Midnight", "Falling", "Golden", "Electric", "Lost", "Endless", "Broken", "Silent", "Burning",
    "Distant", "Sweet", "Heavy", "Crystal", "Summer", "Winter", "Restless", "Hidden", "Wild",
    "Faded", "Secret", "Higher", "Deeper", "Blue", "Red", "Open", "Morning", "Late", "First",
)
TITLE_B = (
    "Hours", "Lights", "Dreams", "Waves", "Skies", "Streets", "Hearts", "Voices", "Rivers",
    "Signals", "Machines", "Shadows", "Colours", "Circles", "Lines", "Memories", "Engines",
    "Gardens", "Rooms", "Horizons", "Steps", "Drums", "Strings", "Feelings", "Roads",
)
GENRES = (
    "House", "Deep House", "Techno", "Minimal", "Drum & Bass", "Dubstep", "Ambient", "Disco",
    "Electronica", "Trance", "Hip-hop & Rap", "Downtempo", "Breakbeat", "Afro House",
)
TAGS = (
    "club", "vinyl", "warm up", "peak time", "late night", "melodic", "groovy", "dark", "uplifting",
    "promo", "free download", "bootleg", "dub", "live", "chill", "emotional", "rave", "hypnotic",
)
LABELS = ("Nightshift Records", "Drift Audio", "Copper Tone", "Harbour Music", "Self-released", "Atlas Works")
CITIES = (
    ("Berlin", "Germany"), ("London", "United Kingdom"), ("Amsterdam", "Netherlands"),
    ("Lisbon", "Portugal"), ("Detroit", "United States"), ("Tbilisi", "Georgia"),
    ("Melbourne", "Australia"), ("Montreal", "Canada"), ("Tokyo", "Japan"), ("Paris", "France"),
)
MIX_NAMES = ("Essential Mix", "Podcast", "Live at Harbour", "Boiler Session", "Radio Show", "Studio Mix")
