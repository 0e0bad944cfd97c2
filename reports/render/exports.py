"""Scorecards in other tools' formats: Gradescope's results.json and a cohort CSV.

Gradescope's autograder format is documented by Gradescope ("Autograder Specifications"):
a top-level score and a list of tests with score, max_score, status, output and visibility.
Hidden tests stay hidden there too; only tests the challenge marks visible are shown.
An export written to a file (``write_export``) lands whole, and only where a file belongs.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from challenges.base_error import TakehomeError
from challenges.files import is_directory
from challenges.load import Challenge
from graders.hidden_suite import CaseStatus
from reports.candidate import VISIBLE_MARKER
from reports.render.pages import write_text_atomically
from reports.scorecard import Scorecard

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportError(TakehomeError):
    """An export cannot be written where it was asked to go."""


def _target(path: Path) -> Path:
    """Where the export lands: ``path`` if nothing is there or a regular file is (a symlink
    to one: the file it points at). A directory, a FIFO, a device or a socket is refused, not
    replaced: the atomic rename would put a file in place of ``/dev/null`` or of a pipe some
    program reads."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.lexists(path):
            raise ExportError(f"{path}: is a symlink to a file that does not exist") from None
        return path
    except (OSError, ValueError) as error:  # ValueError: a NUL byte in the name
        reason = error.strerror if isinstance(error, OSError) else "not a valid file name"
        raise ExportError(f"{path}: cannot be written: {reason}") from None
    if not stat.S_ISREG(mode):
        kind = "a directory" if stat.S_ISDIR(mode) else "not a regular file"
        raise ExportError(f"{path}: is {kind}; give the name of a new or existing file")
    return path.resolve() if path.is_symlink() else path


def write_export(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole (a temporary file, then a rename), as a new file or
    over a regular one; any problem (a missing or read-only directory...) names the path."""
    target = _target(path)
    try:
        write_text_atomically(target, text)
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        if not is_directory(target.parent):
            reason = f"{target.parent} is not an existing directory"
        raise ExportError(f"{path}: cannot be written: {reason}") from None


def gradescope_results(card: Scorecard, challenge: Challenge) -> dict[str, Any]:
    """``results.json`` for Gradescope from the scorecard's automatic part."""
    visible = {case.node_id for case in challenge.tests if VISIBLE_MARKER in case.markers}
    tests = []
    for number, entry in enumerate(card.tests.results, start=1):
        shown = entry.node_id in visible
        tests.append({
            "name": entry.name if shown else f"hidden test {number}",
            "number": str(number),
            "score": entry.score or 0.0,
            "max_score": entry.max_score,
            "status": "passed" if entry.status is CaseStatus.PASSED else "failed",
            "output": entry.message if shown else "",
            "tags": [entry.group],
            "visibility": "visible" if shown else "hidden",
        })  # fmt: skip
    return {
        "score": card.tests.score or 0.0,
        "execution_time": card.tests.suite_seconds or 0.0,
        "output": f"{card.outcome.value.replace('_', ' ')}: "
                  f"{card.tests.passed} of {card.tests.total} checks passed",
        "visibility": "after_published",
        "stdout_visibility": "hidden",
        "tests": tests,
    }  # fmt: skip


def _cell(value: object) -> str:
    """A CSV cell that spreadsheets will not evaluate as a formula."""
    text = "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def cohort_csv(cards: Sequence[Scorecard]) -> str:
    """One row per submission, one column per rubric row (in the first scorecard's order)."""
    row_ids = [row.id for row in cards[0].criteria] if cards else []
    header = ["submission", "challenge", "version", "commit", "outcome", "status",
              "tests_passed", "tests_total", "auto_score", "score", "max_score",
              *row_ids, "recommendation"]  # fmt: skip
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for card in cards:
        scores = {row.id: row.score for row in card.criteria}
        writer.writerow([_cell(v) for v in (
            card.submission.id, card.challenge.id, card.challenge.version,
            card.submission.commit, card.outcome.value, card.status.value,
            card.tests.passed, card.tests.total, card.auto_score, card.score, card.max_score,
            *(scores.get(row_id) for row_id in row_ids),
            card.decision.recommendation.value if card.decision else None,
        )])  # fmt: skip
    return buffer.getvalue()
