"""grade_batch against the real engine: what a user sees when a batch is cut short."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.batch import PREPARE_AHEAD, grade_batch
from runner.pipeline import GradeRequest

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("no_leftovers")]

KV = Path(__file__).parents[2] / "challenges" / "catalog" / "kv-store"


def test_ctrl_c_finishes_the_runs_under_way_and_starts_no_other(
    kv_store, engine, kv_image, pipeline_config, tmp_path
):
    requests = [
        GradeRequest(str(KV / "solution"), kv_store, submission_id=f"copy-{n}") for n in range(12)
    ]
    seen: list[str] = []

    def interrupt(graded) -> None:  # the user presses Ctrl-C as the first result comes in
        seen.append(graded.scorecard.submission.id)
        raise KeyboardInterrupt

    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):  # noqa: PT011 - Ctrl-C has no message
        grade_batch(requests, engine, kv_image, pipeline_config, out, 1, on_graded=interrupt)
    written = sorted(path.parent.name for path in out.glob("*/scorecard.json"))
    assert seen[0] in written
    assert 1 <= len(written) <= 1 + PREPARE_AHEAD  # what was under way, not the 12
    assert list(pipeline_config.work_root.iterdir()) == []  # trees and handoffs cleaned up
