"""Rubric and measurements → Scorecard.

Scoring fails closed. A run whose report cannot be trusted (tamper suspected, no report)
earns nothing on any automatic row, measured rows included: lint and complexity figures are
only worth points beside a run that says the code is what was tested. A crash before any test
ran earns nothing from tests. Measured rows reward what the candidate wrote, so a tree with no
code of the candidate's (the untouched starter, an empty tree, no Python file) earns nothing
on them, whatever "0 findings" would otherwise read as; a file a tool could not read leaves
its row unscored, with a flag naming the file. A run that never happened for reasons that are
not the candidate's (infra error, rejected repository) carries no score at all, not a zero.
"""

from __future__ import annotations

from challenges.load import Challenge
from challenges.rubric import MAX_LEVEL, AutoCriterion, HumanCriterion
from graders.base import Outcome, sources
from graders.complexity import ComplexityMeasurement
from graders.hidden_suite import CaseResult, CaseStatus, SuiteMeasurement
from graders.lint import LintMeasurement
from graders.static_skips import statically_skipped
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

MEASURED_BY_FILES = ("lint", "complexity")
"""Sources whose tools read the candidate's files, and may fail on one."""


def _words(outcome: Outcome) -> str:
    return outcome.value.replace("_", " ")


def _tests_withheld(outcome: Outcome, results: list[CaseResult]) -> str | None:
    """Why no test earns points whatever the results say, if so."""
    if outcome.scored and not outcome.trusted:
        return _words(outcome)
    if outcome is Outcome.CRASH and all(r.status is CaseStatus.NOT_RUN for r in results):
        return "crash before any test ran"
    return None


def _nothing_written(measurements: Measurements) -> str | None:
    """The one verdict on whether the candidate wrote code, as the file graders recorded it."""
    recorded: LintMeasurement | ComplexityMeasurement | None = (
        measurements.lint or measurements.complexity
    )
    return recorded.nothing_written if recorded is not None else None


def _test_max_scores(challenge: Challenge) -> dict[str, float]:
    """Points each test is worth: its row's points shared out by weight. A test the suite
    itself always skips, or one rubric.toml declares unscored, is worth nothing: never
    charged."""
    nothing = _not_scored(challenge)
    worth: dict[str, float] = dict.fromkeys(challenge.unscored, 0.0)
    for criterion in challenge.rubric.auto:
        cases = challenge.groups.get(criterion.id, ())
        weights = {
            case.node_id: 0.0 if case.node_id in nothing else criterion.weights.get(case.name, 1.0)
            for case in cases
        }
        total = sum(weights.values()) or 1.0
        for node_id, weight in weights.items():
            worth[node_id] = criterion.points * weight / total
    return worth


def _entries(challenge: Challenge, results: list[CaseResult], outcome: Outcome) -> list[CaseEntry]:
    worth = _test_max_scores(challenge)
    withheld = _tests_withheld(outcome, results)
    entries = []
    for result in results:
        earned: float | None
        if not outcome.scored:
            earned = None
        elif withheld is not None or result.status is not CaseStatus.PASSED:
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
    """A row scored by thresholds on a measurement: level first, then points = level / 4;
    0 for an untrusted run or nothing written, no score when the tool could not read a file."""
    metric = criterion.metric or ""
    value = measurements.metric(criterion.source, metric) if outcome.scored else None
    nothing = _nothing_written(measurements)
    level: int | None = None
    score: float | None = 0.0
    if not outcome.scored:
        score, detail = None, f"{criterion.source} was not measured ({_words(outcome)})"
    elif not outcome.trusted:
        detail = f"not counted: {_words(outcome)}"
    elif nothing is not None:
        detail = f"{nothing}: no points"
    elif value is None:
        score, detail = None, f"{criterion.source} was not measured"
    elif problem := measurements.incomplete(criterion.source):
        score, detail = None, f"not scored: {problem}"
    else:
        level = criterion.level_for(value)
        score = round(criterion.points * level / MAX_LEVEL, 2)
        detail = f"{metric} = {value:.4g}: level {level} of {MAX_LEVEL}"
        if note := measurements.note(criterion.source):
            detail += f" (nearest: {note})"
    return AutoRow(
        kind="auto", id=criterion.id, title=criterion.title, source=criterion.source,
        score=score, max_score=criterion.points, level=level, detail=detail,
    )  # fmt: skip


def _measure_flags(challenge: Challenge, measurements: Measurements) -> list[Flag]:
    """One flag per file grader that could not read a candidate's file: it names the file."""
    scored = {criterion.source for criterion in challenge.rubric.auto}
    flags = []
    for source in sorted(set(MEASURED_BY_FILES) & sources(challenge)):
        if problem := measurements.incomplete(source):
            effect = "row is not scored" if source in scored else "evidence is incomplete"
            flags.append(Flag(kind=source, message=f"{problem}: the {source} {effect}"))
    return flags


def _not_scored(challenge: Challenge) -> frozenset[str]:
    """Tests that run and are shown but count nowhere: the suite skips them, or rubric.toml
    declares them unscored."""
    return statically_skipped(challenge) | challenge.unscored


def _auto_row(
    criterion: AutoCriterion, entries: list[CaseEntry], outcome: Outcome, withheld: str | None,
    free: frozenset[str],
) -> AutoRow:  # fmt: skip
    mine = [entry for entry in entries if entry.group == criterion.id]
    score = round(sum(entry.score or 0.0 for entry in mine), 2) if outcome.scored else None
    counted = [entry for entry in mine if entry.node_id not in free]
    passed = sum(entry.status is CaseStatus.PASSED for entry in counted)
    detail = f"{passed} of {len(counted)} tests passed"
    if len(counted) < len(mine):
        detail += f"; {len(mine) - len(counted)} not scored"
    if withheld is not None:
        detail += f" (not counted: {withheld})"
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
    challenge: Challenge,
    entries: list[CaseEntry],
    outcome: Outcome,
    measurements: Measurements,
    withheld: str | None,
) -> list[Row]:
    rows: list[Row] = []
    for criterion in challenge.rubric.criteria:
        if isinstance(criterion, AutoCriterion) and criterion.source != "tests":
            rows.append(_measured_row(criterion, measurements, outcome))
        elif isinstance(criterion, AutoCriterion):
            rows.append(_auto_row(criterion, entries, outcome, withheld, _not_scored(challenge)))
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
    withheld = _tests_withheld(outcome, measurement.results)
    rows = _rows(challenge, entries, outcome, measurements, withheld)
    auto_rows = [row for row in rows if isinstance(row, AutoRow)]
    human_rows = [row for row in rows if isinstance(row, HumanRow)]
    auto_max = sum(row.max_score for row in auto_rows)
    auto_score = round(sum(r.score or 0.0 for r in auto_rows), 2) if outcome.scored else None
    tests_max = sum(row.max_score for row in auto_rows if row.source == "tests")
    tests_score = round(sum(entry.score or 0.0 for entry in entries), 2) if outcome.scored else None
    free = _not_scored(challenge)
    counted = [entry for entry in entries if entry.node_id not in free]
    passed = sum(entry.status is CaseStatus.PASSED for entry in counted)
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
            failed=len(counted) - passed,
            total=len(counted),
            not_scored=len(entries) - len(counted),
            score=tests_score,
            max_score=tests_max,
            suite_seconds=measurement.suite_seconds,
            output_bytes=measurement.output_bytes,
            output_excerpt=measurement.output_excerpt,
            results=entries,
        ),
        criteria=rows,
        flags=[
            *flags,
            *(Flag(kind="tamper", message=text) for text in measurement.flags),
            *(_measure_flags(challenge, measurements) if outcome.scored else []),
        ],
        provenance=provenance,
        measurements=measurements,
    )
