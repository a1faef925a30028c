"""The domain: sources, sync orchestration, schedule, judgments, ranking, playlist push."""
