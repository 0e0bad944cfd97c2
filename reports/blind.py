"""Blind review: the candidate's identity removed from every string a reviewer sees.

Applied to the whole scorecard before anything is rendered, so the HTML, Markdown and JSON
reports all come from the same cleaned document and no renderer can forget a field.

Only free text is rewritten, walking the model rather than its JSON: field names, dict keys,
enum and literal values are the document's structure (an author called "Kind Human" or
"Passed" must not turn ``kind: "human"`` into nonsense), and the identifiers the challenge
and the tools define (rubric rows, hidden test ids, hashes) are not the candidate's to
leak. Every other string field is cleaned, so a field added later is cleaned by default.
"""

from __future__ import annotations

import re
import secrets
import typing
from collections.abc import Callable, Iterable, Sequence
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel

from graders.complexity import ComplexityMeasurement, FileMaintainability, FunctionComplexity
from graders.history.commits import CommitInfo, HistoryMeasurement
from graders.identity import identity_tokens
from graders.lint import LintFinding
from reports.scorecard import (
    AutoRow,
    CaseEntry,
    ChallengeInfo,
    ChecklistEntry,
    Disagreement,
    Flag,
    HumanRow,
    LevelAnchor,
    Provenance,
    Rating,
    Scorecard,
    SubmissionInfo,
)
from reports.source import FileDiff, OmittedFile, SourceFile, SourceSnapshot

PLACEHOLDER = "[candidate]"
LOOSE_LENGTH = 7
"""Tokens this long are removed wherever they occur, inside identifiers too (kindhumancache);
shorter ones only as words, CamelCase humps included (KindHuman, kind_human)."""

_NOT_FREE_TEXT: dict[type[BaseModel], frozenset[str]] = {
    SubmissionInfo: frozenset({"commit"}),
    ChallengeInfo: frozenset({"id", "version", "title"}),
    CaseEntry: frozenset({"node_id", "name", "group"}),
    AutoRow: frozenset({"id", "title", "source"}),
    HumanRow: frozenset({"id", "title", "question", "evidence"}),
    LevelAnchor: frozenset({"anchor"}),
    ChecklistEntry: frozenset({"id", "text"}),
    Flag: frozenset({"kind"}),
    Provenance: frozenset(
        {
            "commit",
            "image_id",
            "image_tag",
            "suite_hash",
            "rubric_version",
            "challenge_version",
            "tool_versions",
            "head",
        }
    ),
    Rating: frozenset({"row", "items"}),
    Disagreement: frozenset({"row"}),
    CommitInfo: frozenset({"sha", "short"}),
    HistoryMeasurement: frozenset({"graded_commit"}),
    LintFinding: frozenset({"code"}),
    FunctionComplexity: frozenset({"rank"}),
    FileMaintainability: frozenset({"rank"}),
    ComplexityMeasurement: frozenset({"worst_rank"}),
}
"""Per model, the string fields that are structure or the challenge's own words."""

_LEFT = r"(?:(?<![A-Za-z0-9])|(?<=(?-i:[a-z0-9]))(?=(?-i:[A-Z])))"
_RIGHT = r"(?:(?![A-Za-z0-9])|(?<=(?-i:[a-z]))(?=(?-i:[A-Z0-9])))"


class BlindError(ValueError):
    """The redacted scorecard is not a valid scorecard: nothing is written (fail closed)."""


def blind_id() -> str:
    """A neutral id that says nothing about the candidate, unique per graded submission.

    Random, not derived from the source: two candidates graded from the same local folder
    must not share one, and a hash of a URL can be recomputed by anyone who guesses it.
    Who an id stands for is kept by the runner in a staff-only file.
    """
    return "candidate-" + secrets.token_hex(5)


def _pattern(tokens: Sequence[str]) -> re.Pattern[str] | None:
    loose = [t for t in tokens if len(t) >= LOOSE_LENGTH]
    words = [t for t in tokens if len(t) < LOOSE_LENGTH]
    alternatives = []
    if loose:
        alternatives.append("|".join(re.escape(t) for t in sorted(loose, key=len, reverse=True)))
    if words:
        joined = "|".join(re.escape(t) for t in sorted(words, key=len, reverse=True))
        alternatives.append(rf"{_LEFT}(?:{joined}){_RIGHT}")
    if not alternatives:
        return None
    return re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE)


def scrubber(tokens: Sequence[str]) -> Callable[[str], str]:
    """The one rewrite blind review applies to a string: every token (blank ones ignored)
    becomes the placeholder, by the rules of ``LOOSE_LENGTH``. Shared by the scorecard and the
    source snapshot so that a path in a lint finding and the same file's name stay equal."""
    pattern = _pattern([t for t in tokens if t.strip()])

    def scrub(text: str) -> str:
        return text if pattern is None else pattern.sub(PLACEHOLDER, text)

    return scrub


def _is_literal(annotation: Any) -> bool:
    if typing.get_origin(annotation) is Literal:
        return True
    return any(_is_literal(arg) for arg in typing.get_args(annotation))


def _clean_model(model: BaseModel, scrub: Callable[[str], str]) -> dict[str, Any]:
    kept = _NOT_FREE_TEXT.get(type(model), frozenset())
    cleaned: dict[str, Any] = {}
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        structural = name in kept or _is_literal(info.annotation)
        cleaned[name] = value if structural else _clean(value, scrub)
    return cleaned


def _clean(value: Any, scrub: Callable[[str], str]) -> Any:
    if isinstance(value, Enum):  # before str: a StrEnum member is a str too
        return value
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, BaseModel):
        return _clean_model(value, scrub)
    if isinstance(value, list | tuple):
        return [_clean(item, scrub) for item in value]
    if isinstance(value, dict):  # keys are structure (rule codes, stages, reviewers' names)
        return {key: _clean(item, scrub) for key, item in value.items()}
    return value


def redact(card: Scorecard, tokens: Sequence[str], new_id: str | None = None) -> Scorecard:
    """A copy of ``card`` with every token removed from its free text, a neutral id
    (``new_id``, or a fresh one) and no source."""
    data = _clean_model(card, scrubber(tokens))
    ref = None if card.submission.ref is None else PLACEHOLDER
    data["submission"] = {**data["submission"], "id": new_id or blind_id(),
                          "source": PLACEHOLDER, "ref": ref}  # fmt: skip
    data["blind"] = True
    try:
        cleaned = Scorecard.model_validate(data)
        return Scorecard.model_validate_json(cleaned.model_dump_json())
    except ValueError as error:
        raise BlindError(f"the blind scorecard does not validate: {error}") from error


def _unique(path: str, used: set[str]) -> str:
    """``path``, or ``name~2.ext``, ``name~3.ext``... when another file already took it: two
    files whose names differed only by the candidate's name must both stay readable."""
    candidate, number = path, 1
    head, dot, extension = path.rpartition(".")
    if not dot or "/" in extension or not head or head.endswith("/"):
        head, dot, extension = path, "", ""
    while candidate in used:
        number += 1
        candidate = f"{head}~{number}{dot}{extension}"
    used.add(candidate)
    return candidate


def redact_source(snapshot: SourceSnapshot, tokens: Sequence[str]) -> SourceSnapshot:
    """A copy of ``snapshot`` with every token removed from file texts, diffs, and every path
    (each component of it, so ``src/kindhuman_utils.py`` keeps its place in the tree), and no
    identity list. The same rewrite as ``redact``, so annotations still find their files."""
    scrub = scrubber([*tokens, *snapshot.identity])
    used: set[str] = set()
    files = [
        SourceFile(path=_unique(scrub(f.path), used), text=scrub(f.text), change=f.change)
        for f in snapshot.files
    ]
    used = set()
    diffs = [
        FileDiff(path=_unique(scrub(d.path), used), status=d.status, diff=scrub(d.diff))
        for d in snapshot.diffs
    ]
    omitted = [OmittedFile(path=scrub(o.path), reason=scrub(o.reason)) for o in snapshot.omitted]
    return SourceSnapshot(
        schema_version=snapshot.schema_version,
        commit=snapshot.commit,
        files=sorted(files, key=lambda f: f.path),
        omitted=omitted,
        diffs=sorted(diffs, key=lambda d: d.path),
        identity=[],
        blind=True,
    )


def identity_told(info: SubmissionInfo, history: HistoryMeasurement | None,
                  found: Iterable[str] = ()) -> list[str]:  # fmt: skip
    """The strings to remove, longest first: what any scorecard tells (the source, the ref,
    the submission id, the measured history's authors and subjects) and what was ``found``
    (the grader's look at the tree, a snapshot's identity list)."""
    commits = history.commits if history is not None else []
    told = identity_tokens(
        info.source, [(c.author_name, c.author_email) for c in commits], None, (info.id,),
        ref=info.ref, subjects=[c.subject for c in commits],
    )  # fmt: skip
    return sorted({*found, *told}, key=lambda t: (-len(t), t))
