"""The geometry of the report's figures, for inline SVG drawn by the template: plain numbers
in pixels, each figure with the sample it rests on and whether that is enough to trust."""

from __future__ import annotations

from typing import Any

import numpy as np

from reports.analytics.drift import WINDOW

WIDTH = 720
LABEL = 150
ROW = 24
SPAN = 1.0
"""The forest plot's axis: -1..+1 level of offset (a wider interval is cut at the edge)."""
POINTS = 200


def _x(offset: float, left: float = LABEL, width: float = WIDTH - LABEL - 170) -> float:
    clamped = max(-SPAN, min(SPAN, offset))
    return round(left + (clamped + SPAN) / (2 * SPAN) * width, 1)


def forest(leniency: list[dict[str, Any]]) -> dict[str, Any]:
    """One line per reviewer with enough ratings: the shrunken offset and its interval."""
    shown = [row for row in leniency if row["shown"]]
    rows = [
        {"y": 30 + i * ROW, "label": row["reviewer"], "x": _x(row["offset"]),
         "low": _x(row["low"]), "high": _x(row["high"]), "n": row["ratings"],
         "score": row["score"], "side": "lenient" if row["offset"] > 0 else "strict"}
        for i, row in enumerate(shown)
    ]  # fmt: skip
    ticks = [{"x": _x(v), "label": f"{v:+g}"} for v in (-1, -0.5, 0, 0.5, 1)]
    return {
        "width": WIDTH, "height": 50 + ROW * max(len(rows), 1), "rows": rows, "ticks": ticks,
        "zero": _x(0.0), "n": sum(row["ratings"] for row in shown), "reviewers": len(shown),
        "trusted": bool(rows),
        "hidden": [f"{row['reviewer']}: {row['note']}" for row in leniency if not row["shown"]],
    }  # fmt: skip


LOW, HIGH = 0.2, 0.8
"""The heatmap's colour scale: exact agreement at or below LOW red, at or above HIGH green."""


def _colour(rate: float) -> str:
    """Exact agreement from red to green, readable on a projector."""
    share = max(0.0, min(1.0, (rate - LOW) / (HIGH - LOW)))
    return f"hsl({round(120 * share)}, 65%, {round(62 - 22 * share)}%)"


def heatmap(pairs: list[dict[str, Any]], cell: int = 22) -> dict[str, Any]:
    """Reviewer x reviewer cells: exact agreement on the rows both rated."""
    names = sorted({p["first"] for p in pairs} | {p["second"] for p in pairs})
    at = {name: i for i, name in enumerate(names)}
    cells = []
    for p in pairs:
        for a, b in ((p["first"], p["second"]), (p["second"], p["first"])):
            cells.append({
                "x": LABEL + at[b] * cell, "y": 20 + at[a] * cell, "size": cell - 2,
                "fill": _colour(p["exact"]) if p["trusted"] else "#d9d9d9",
                "title": f"{a} and {b}: {p['exact']:.0%} exact over {p['units']} rows"
                + ("" if p["trusted"] else " (too few to trust)"),
            })  # fmt: skip
    labels = [{"name": n, "x": LABEL + i * cell + cell / 2, "y": 20 + i * cell + cell / 2}
              for i, n in enumerate(names)]  # fmt: skip
    trusted = [p for p in pairs if p["trusted"]]
    return {
        "width": LABEL + cell * len(names) + 20, "height": 90 + cell * len(names),
        "cells": cells, "labels": labels, "pairs": len(pairs), "trusted_pairs": len(trusted),
        "n": sum(p["units"] for p in pairs), "trusted": bool(trusted),
    }  # fmt: skip


def _rolling(series: list[float]) -> list[float]:
    values = np.asarray(series, dtype=np.float64)
    sums = np.cumsum(np.concatenate([[0.0], values]))
    ends = np.arange(1, len(values) + 1)
    starts = np.maximum(ends - WINDOW, 0)
    return list((sums[ends] - sums[starts]) / (ends - starts))


def drift_lines(
    drift: list[dict[str, Any]], width: int = 340, height: int = 70
) -> list[dict[str, Any]]:
    """A small chart per reviewer: the mean offset of the last reviews, review by review."""
    charts = []
    for row in drift:
        mean = _rolling(row["series"])
        step = max(1, len(mean) // POINTS)
        picked = list(range(0, len(mean), step))
        scale = max(1, len(mean) - 1)

        def y(v: float) -> float:
            return round(height / 2 - max(-1.0, min(1.0, v)) * (height / 2 - 4), 1)

        points = " ".join(f"{round(i / scale * width, 1)},{y(mean[i])}" for i in picked)
        alarm = row["alarm_at"]
        charts.append({
            "reviewer": row["reviewer"], "width": width, "height": height, "points": points,
            "zero": height / 2, "n": row["reviews"], "trusted": row["shown"],
            "recent": row["recent"], "direction": row["direction"], "alarm_at": alarm,
            "alarm_x": None if alarm is None else round((alarm - 1) / scale * width, 1),
        })  # fmt: skip
    return charts


def funnel_bars(funnel: dict[str, Any] | None, width: int = WIDTH) -> dict[str, Any] | None:
    """One bar per stage, its count and the conversion from the stage before."""
    if not funnel or not funnel.get("stages"):
        return None
    stages = funnel["stages"]
    top = max(stage["count"] for stage in stages) or 1
    bars = [
        {"y": 10 + i * 34, "label": s["stage"], "count": s["count"],
         "width": round((width - LABEL - 140) * s["count"] / top, 1),
         "conversion": s.get("conversion")}
        for i, s in enumerate(stages)
    ]  # fmt: skip
    return {"width": width, "height": 20 + 34 * len(bars), "bars": bars, "n": stages[0]["count"],
            "trusted": stages[0]["count"] >= funnel.get("minimum", 30)}  # fmt: skip
