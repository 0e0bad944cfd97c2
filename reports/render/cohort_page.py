"""The cohort index page: one self-contained HTML table linking every submission's report.

It is made from ``CohortRow`` summaries rather than whole scorecards, so that a cohort of
thousands renders from a database listing without parsing every scorecard.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reports.flag_levels import alarms
from reports.render.pages import points, render_page, write_text_atomically
from reports.scorecard import Scorecard


@dataclass(frozen=True)
class CohortRow:
    alias: str
    outcome: str
    status: str
    tests_passed: int
    tests_total: int
    auto_score: float | None
    auto_max_score: float
    score: float | None
    max_score: float
    recommendation: str | None
    flags: int = 0
    """Alarms a reviewer must look at (``reports.flag_levels``), routine notes left out."""

    def cells(self) -> tuple[str, str, str, str, str, str]:
        """The row's display texts, formatted here once rather than by template filters
        (ten thousand rows render in a fraction of the time)."""
        return (
            self.outcome.replace("_", " "),
            f"{self.tests_passed}/{self.tests_total}",
            f"{points(self.auto_score)} / {points(self.auto_max_score)}",
            f"{points(self.score)} / {points(self.max_score)}",
            self.status,
            (self.recommendation or "—").replace("_", " "),
        )


def row_of(card: Scorecard) -> CohortRow:
    return CohortRow(
        alias=card.submission.id, outcome=card.outcome.value, status=card.status.value,
        tests_passed=card.tests.passed, tests_total=card.tests.total,
        auto_score=card.auto_score, auto_max_score=card.auto_max_score, score=card.score,
        max_score=card.max_score,
        recommendation=card.decision.recommendation.value if card.decision else None,
        flags=len(alarms(card.flags)),
    )  # fmt: skip


def render_index(rows: Sequence[CohortRow], title: str) -> str:
    ordered = sorted(rows, key=lambda row: row.alias)
    return render_page("index.html.j2", rows=ordered, title=title)


def write_index(cards: Sequence[Scorecard], title: str, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "index.html"
    write_text_atomically(path, render_index([row_of(card) for card in cards], title))
    return path
