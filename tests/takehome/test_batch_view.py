"""The batch's progress bar: what a staff member watching a long batch reads off it."""

from __future__ import annotations

import io

from rich.console import Console
from rich.progress import Progress

from takehome.batch_view import RateColumn


def test_the_rate_is_shown_per_minute_once_known():
    column, clock = RateColumn(), [100.0]
    with Progress(console=Console(file=io.StringIO()), get_time=lambda: clock[0]) as progress:
        task_id = progress.add_task("", total=10)
        task = progress.tasks[task_id]
        assert column.render(task).plain == "—/min"
        for _ in range(4):
            clock[0] += 0.5  # one submission every half second
            progress.advance(task_id)
        assert column.render(task).plain == "120/min"
