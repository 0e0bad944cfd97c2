"""What ``takehome batch`` shows while it works: a progress bar, then a summary table."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from reports.scorecard import Scorecard
from runner.recording import Graded


class RateColumn(ProgressColumn):
    """Submissions graded per minute, over rich's recent samples (a batch of short runs
    reads better per minute than per second)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("—/min" if speed is None else f"{speed * 60:.0f}/min")


@contextmanager
def progress_bar(console: Console, total: int) -> Iterator[Callable[[Graded], None]]:
    """A bar with count, rate, ETA and the last submission; yields the per-result hook."""
    columns = (
        TextColumn("grading"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("", total=total)

        def advance(graded: Graded) -> None:
            card = graded.scorecard
            progress.update(
                task, advance=1, description=f"{card.submission.id}: {card.outcome.value}"
            )

        yield advance


def summary_table(cards: Sequence[Scorecard], kept: int) -> Table:
    table = Table(title=f"{len(cards)} submission(s), {kept} unchanged since the last run")
    for column in ("submission", "outcome", "tests", "auto", "status"):
        table.add_column(column, justify="right" if column in {"tests", "auto"} else "left")
    for card in sorted(cards, key=lambda c: c.submission.id):
        auto = "—" if card.auto_score is None else f"{card.auto_score:g}/{card.auto_max_score:g}"
        table.add_row(
            card.submission.id,
            card.outcome.value,
            f"{card.tests.passed}/{card.tests.total}",
            auto,
            card.status.value,
        )
    return table
