"""Rubric and measurements → Scorecard.

Scoring fails closed: a run whose report cannot be trusted (tamper suspected, no report)
earns nothing from tests, and a run that never happened for reasons that are not the
candidate's (infra error, rejected repository) carries no score at all rather than a zero.
"""

from __future__ import annotations

from challenges.load import Challenge
from challenges.rubric import MAX_LEVEL, AutoCriterion, HumanCriterion
from graders.base import Outcome
from graders.hidden_suite import CaseResult, CaseStatus, SuiteMeasurement
from reports.scorecard import (
    SCORECARD_SCHEMA_VERSION,
    AutoRow,
    CaseEntry,
    ChallengeInfo,
    ChecklistEntry,
    Flag,
    HumanRow,
    LevelAnchor,
    Measurements,
    Provenance,
    Row,
    Scorecard,
    Status,
    SubmissionInfo,
    SuiteSummary,
)

UNTRUSTED = {Outcome.TAMPER_SUSPECTED, Outcome.NO_REPORT}


def _test_max_scores(challenge: Challenge) -> dict[str, float]:
    """Points each test is worth: its row's points shared out by weight."""
    worth: dict[str, float] = {}
    for criterion in challenge.rubric.auto:
        cases = challenge.groups.get(criterion.id, ())
        weights = {case.node_id: criterion.weights.get(case.name, 1.0) for case in cases}
        total = sum(weights.values())
        for node_id, weight in weights.items():
            worth[node_id] = criterion.points * weight / total
    return worth


def _entries(challenge: Challenge, results: list[CaseResult], outcome: Outcome) -> list[CaseEntry]:
    worth = _test_max_scores(challenge)
    entries = []
    for result in results:
        earned: float | None
        if not outcome.scored:
            earned = None
        elif outcome in UNTRUSTED or result.status is not CaseStatus.PASSED:
            earned = 0.0
        else:
            earned = worth[result.node_id]
        entries.append(
            CaseEntry(
                node_id=result.node_id,
                name=result.name,
                group=result.group,
                status=result.status,
                score=earned,
                max_score=round(worth[result.node_id], 4),
                duration=result.duration,
                message=result.message,
            )
        )
    return entries


def _measured_row(
    criterion: AutoCriterion, measurements: Measurements, outcome: Outcome
) -> AutoRow:
    """A row scored by thresholds on a measurement: level first, then points = level / 4."""
    metric = criterion.metric or ""
    value = measurements.metric(criterion.source, metric) if outcome.scored else None
    if value is None:
        level, score = None, None
        detail = f"{criterion.source} was not measured" + (
            "" if outcome.scored else f" ({outcome.value.replace('_', ' ')})"
        )
    elif problem := measurements.incomplete(criterion.source):
        level, score = 1, round(criterion.points / MAX_LEVEL, 2)
        detail = f"{problem}: level 1 of {MAX_LEVEL}"
    else:
        level = criterion.level_for(value)
        score = round(criterion.points * level / MAX_LEVEL, 2)
        detail = f"{metric} = {value:.4g}: level {level} of {MAX_LEVEL}"
    return AutoRow(
        kind="auto", id=criterion.id, title=criterion.title, source=criterion.source,
        score=score, max_score=criterion.points, level=level, detail=detail,
    )  # fmt: skip


def _auto_row(criterion: AutoCriterion, entries: list[CaseEntry], outcome: Outcome) -> AutoRow:
    mine = [entry for entry in entries if entry.group == criterion.id]
    passed = sum(entry.status is CaseStatus.PASSED for entry in mine)
    score = round(sum(entry.score or 0.0 for entry in mine), 2) if outcome.scored else None
    detail = f"{passed} of {len(mine)} tests passed"
    if outcome in UNTRUSTED:
        detail += f" (not counted: {outcome.value.replace('_', ' ')})"
    return AutoRow(
        kind="auto",
        id=criterion.id,
        title=criterion.title,
        source=criterion.source,
        score=score,
        max_score=criterion.points,
        level=None,
        detail=detail,
    )


def _human_row(criterion: HumanCriterion) -> HumanRow:
    return HumanRow(
        kind="human",
        id=criterion.id,
        title=criterion.title,
        question=criterion.question,
        score=None,
        max_score=criterion.points,
        level=None,
        levels=[LevelAnchor(level=lv.level, anchor=lv.anchor) for lv in criterion.levels],
        items=[ChecklistEntry(id=i.id, text=i.text, points=i.points) for i in criterion.items],
        evidence=list(criterion.evidence),
    )


def _rows(
    challenge: Challenge, entries: list[CaseEntry], outcome: Outcome, measurements: Measurements
) -> list[Row]:
    rows: list[Row] = []
    for criterion in challenge.rubric.criteria:
        if isinstance(criterion, AutoCriterion) and criterion.source != "tests":
            rows.append(_measured_row(criterion, measurements, outcome))
        elif isinstance(criterion, AutoCriterion):
            rows.append(_auto_row(criterion, entries, outcome))
        else:
            rows.append(_human_row(criterion))
    return rows


def build_scorecard(
    challenge: Challenge,
    submission: SubmissionInfo,
    measurement: SuiteMeasurement,
    provenance: Provenance,
    flags: list[Flag],
    measurements: Measurements | None = None,
) -> Scorecard:
    """The partial scorecard of a graded (or ungradable) submission."""
    outcome = measurement.outcome
    measurements = measurements or Measurements()
    entries = _entries(challenge, measurement.results, outcome)
    rows = _rows(challenge, entries, outcome, measurements)
    auto_rows = [row for row in rows if isinstance(row, AutoRow)]
    human_rows = [row for row in rows if isinstance(row, HumanRow)]
    auto_max = sum(row.max_score for row in auto_rows)
    auto_score = round(sum(r.score or 0.0 for r in auto_rows), 2) if outcome.scored else None
    tests_max = sum(row.max_score for row in auto_rows if row.source == "tests")
    tests_score = round(sum(entry.score or 0.0 for entry in entries), 2) if outcome.scored else None
    passed = sum(entry.status is CaseStatus.PASSED for entry in entries)
    complete = not human_rows and outcome.scored
    return Scorecard(
        schema_version=SCORECARD_SCHEMA_VERSION,
        submission=submission,
        challenge=ChallengeInfo(
            id=challenge.config.id, version=challenge.config.version, title=challenge.config.title
        ),
        status=Status.COMPLETE if complete else Status.PARTIAL,
        outcome=outcome,
        reason=measurement.reason,
        auto_score=auto_score,
        auto_max_score=auto_max,
        score=auto_score if complete else None,
        max_score=challenge.rubric.total_points,
        tests=SuiteSummary(
            passed=passed,
            failed=len(entries) - passed,
            total=len(entries),
            score=tests_score,
            max_score=tests_max,
            suite_seconds=measurement.suite_seconds,
            output_bytes=measurement.output_bytes,
            output_excerpt=measurement.output_excerpt,
            results=entries,
        ),
        criteria=rows,
        flags=[*flags, *(Flag(kind="tamper", message=text) for text in measurement.flags)],
        provenance=provenance,
        measurements=measurements,
    )
