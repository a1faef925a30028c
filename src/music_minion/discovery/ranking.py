"""Ranking: a pure function of candidate rows and the config."""

from __future__ import annotations

from typing import Any


def smoothed_hit_rate(liked: int, dismissed: int, cfg: Any) -> float:
    """liked / (liked + dismissed), smoothed toward 0.5 by `ranking.hit_rate_prior` pseudo-judgments."""
    prior = float(cfg["ranking.hit_rate_prior"]) if not isinstance(cfg, int | float) else float(cfg)
    return (liked + prior * 0.5) / (liked + dismissed + prior) if (liked + dismissed + prior) > 0 else 0.5
