"""Scorecards in other tools' formats: Gradescope's results.json and a cohort CSV.

Gradescope's autograder format is documented by Gradescope ("Autograder Specifications"):
a top-level score and a list of tests with score, max_score, status, output and visibility.
Hidden tests stay hidden there too; only tests the challenge marks visible are shown.
An export written to a file (``write_export``) lands whole, and only where a file belongs.
"""

from __future__ import annotations

import csv
import io
import math
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
from reports.scorecard import AutoRow, HumanRow, Scorecard, Status

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


def _cents(values: Sequence[float], total: float) -> list[float]:
    """``values`` rounded to the cent so that they add up to ``total`` (itself in cents):
    each rounded down, then the cents left over given to the largest remainders."""
    if not values:
        return []
    target = round(total * 100)
    floors = [math.floor(value * 100 + 1e-9) for value in values]
    spare = target - sum(floors)
    if 0 <= spare <= len(values):
        by_remainder = sorted(range(len(values)), key=lambda i: floors[i] - values[i] * 100)
        for index in by_remainder[:spare]:
            floors[index] += 1
    else:  # ``values`` are not a share of ``total``: the last one takes the difference
        floors[-1] += spare
    return [cents / 100 for cents in floors]


def _test_entries(card: Scorecard, row: AutoRow, visible: set[str]) -> list[dict[str, Any]]:
    """One Gradescope test per hidden test of a tests row, their points adding up to the
    row's to the cent (hidden tests stay hidden; only visible ones are named)."""
    mine = [(n, e) for n, e in enumerate(card.tests.results, start=1) if e.group == row.id]
    scores = _cents([entry.score or 0.0 for _, entry in mine], row.score or 0.0)
    worth = _cents([entry.max_score for _, entry in mine], row.max_score)
    tests = []
    for (number, entry), score, max_score in zip(mine, scores, worth, strict=True):
        shown = entry.node_id in visible
        tests.append({
            "name": entry.name if shown else f"hidden test {number}",
            "number": str(number),
            "score": score,
            "max_score": max_score,
            "status": "passed" if entry.status is CaseStatus.PASSED else "failed",
            "output": entry.message if shown else "",
            "tags": [row.id],
            "visibility": "visible" if shown else "hidden",
        })  # fmt: skip
    return tests


def _row_entry(row: AutoRow | HumanRow, score: float) -> dict[str, Any]:
    """One Gradescope test for a whole rubric row (a measured or a rated row)."""
    if isinstance(row, AutoRow):
        output = row.detail
    else:
        output = f"rated by reviewers{f': level {row.level} of 4' if row.level else ''}"
    return {
        "name": row.title, "number": row.id, "score": score, "max_score": row.max_score,
        "output": output, "tags": [row.kind, row.id], "visibility": "after_published",
    }  # fmt: skip


def left_out(card: Scorecard) -> list[HumanRow]:
    """The rows a Gradescope export cannot carry: human rows with no score yet (a partial
    scorecard); the export's score is then the automatic part only."""
    return [row for row in card.criteria if isinstance(row, HumanRow) and row.score is None]


def gradescope_results(card: Scorecard, challenge: Challenge) -> dict[str, Any]:
    """``results.json`` for Gradescope: every rubric row, a tests row as its hidden tests and
    any other row as one test, the points adding up to the scorecard's score (a complete
    card) or its automatic score (a partial card, whose unrated human rows are left out and
    named in the output). A scorecard with no score (an infra error, a rejected repository)
    is refused: exporting a zero would charge the candidate for a run that never happened."""
    total = card.score if card.status is Status.COMPLETE else card.auto_score
    if total is None or not card.outcome.scored:
        outcome = card.outcome.value.replace("_", " ")
        raise ExportError(f"{card.submission.id}: no score to export (outcome {outcome}, never "
                          "charged to the candidate); grade the submission again")  # fmt: skip
    visible = {case.node_id for case in challenge.tests if VISIBLE_MARKER in case.markers}
    tests: list[dict[str, Any]] = []
    for row in card.criteria:
        if isinstance(row, AutoRow) and row.source == "tests":
            tests += _test_entries(card, row, visible)
        elif row.score is not None or isinstance(row, AutoRow):  # an unmeasured row earns 0
            tests.append(_row_entry(row, row.score or 0.0))
    output = (f"{card.outcome.value.replace('_', ' ')}: "
              f"{card.tests.passed} of {card.tests.total} checks passed")  # fmt: skip
    if missing := left_out(card):
        names = ", ".join(f"{row.title} ({row.id})" for row in missing)
        output += (f". Left out, not yet rated by reviewers: {names}; the score is the "
                   f"automatic part only, {total:g} of {card.auto_max_score:g} points")  # fmt: skip
    return {
        "score": total,
        "execution_time": card.tests.suite_seconds or 0.0,
        "output": output,
        "visibility": "after_published",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


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
