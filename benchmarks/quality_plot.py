"""The weekly curves of `bench_quality` runs as a PNG (ours, oracle, baselines); matplotlib is
imported only here and only when plotting, so the benchmark runs without it (no plot)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CURVES = (
    ("expected_precision", "ours (pushed playlist)", "-", 2.4),
    ("oracle", "oracle (best N by truth)", "--", 1.4),
    ("count_only", "count-only (distinct supporters)", "-.", 1.4),
    ("waterfall", "waterfall (slot caps by hit rate)", ":", 1.6),
    ("random", "random", ":", 1.0),
)


def plot(results: list[dict[str, Any]], path: Path) -> Path | None:
    """One panel per run: expected precision per week. Returns the path, None without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    fig, axes = plt.subplots(1, len(results), figsize=(6.4 * len(results), 4.2), squeeze=False)
    for ax, result in zip(axes[0], results, strict=True):
        weeks = [w["week"] for w in result["weeks"]]
        for key, label, style, width in CURVES:
            values = [w[key] for w in result["weeks"]]
            ax.plot(weeks, values, style, label=label, linewidth=width, marker="o", markersize=3)
        p = result["params"]
        mix = ", ".join(f"{k} {v:g}" for k, v in p["curators"].items())
        ax.set_title(f"seed {p['seed']} · {p['size']} · {mix}", fontsize=9)
        ax.set_xlabel("simulated week")
        ax.set_ylabel("expected precision (mean true like probability)")
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
