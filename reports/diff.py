"""What changed between two scorecards of the same submission, row by row."""

from __future__ import annotations

from reports.scorecard import Scorecard


def _points(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _row_text(score: float | None, level: int | None) -> str:
    return _points(score) + (f" (level {level})" if level is not None else "")


def scorecard_changes(before: Scorecard, after: Scorecard) -> list[str]:
    """One line per difference a reviewer would care about; empty when the grade reproduced."""
    changes = []
    if before.submission.commit != after.submission.commit:
        changes.append(f"commit: {before.submission.commit} -> {after.submission.commit}")
    if before.outcome != after.outcome:
        changes.append(f"outcome: {before.outcome.value} -> {after.outcome.value}")
    if before.tests.passed != after.tests.passed:
        changes.append(f"tests passed: {before.tests.passed} -> {after.tests.passed}")
    old_rows = {row.id: row for row in before.criteria}
    for row in after.criteria:
        old = old_rows.pop(row.id, None)
        if old is None:
            changes.append(f"row {row.id}: new, {_row_text(row.score, row.level)}")
        elif row.kind == "auto" and (old.score, old.level) != (row.score, row.level):
            changes.append(f"row {row.id}: {_row_text(old.score, old.level)} -> "
                           f"{_row_text(row.score, row.level)}")  # fmt: skip
    changes += [f"row {row_id}: no longer in the rubric" for row_id in old_rows]
    if before.auto_score != after.auto_score:
        changes.append(f"auto score: {_points(before.auto_score)} -> {_points(after.auto_score)}")
    old_p, new_p = before.provenance, after.provenance
    for label, old_value, new_value in (
        ("hidden suite", old_p.suite_hash, new_p.suite_hash),
        ("rubric version", old_p.rubric_version, new_p.rubric_version),
        ("image", old_p.image_id, new_p.image_id),
    ):
        if old_value != new_value:
            changes.append(f"{label}: {old_value} -> {new_value}")
    for tool in sorted(set(old_p.tool_versions) | set(new_p.tool_versions)):
        old_v, new_v = old_p.tool_versions.get(tool), new_p.tool_versions.get(tool)
        if old_v != new_v:
            changes.append(f"{tool}: {old_v} -> {new_v}")
    return changes
