"""Grading a scorecard's submission again from its provenance, to see what changed.

The commit is pinned to the one recorded, so a regrade differs only where the challenge, the
image or the tools did; for a blind scorecard the source comes from the staff-only identity
file beside the reports. A scorecard is a file anyone may have edited: its ids become paths
(the new report folder, the identity file, the bundled challenge), so they are checked first.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from challenges.load import Challenge
from challenges.roster import check_id
from reports.diff import scorecard_changes
from reports.scorecard import Scorecard, ScorecardError, load_scorecard
from runner.pipeline import GradeRequest, PipelineConfig, grade
from runner.recording import IDENTITIES_DIR
from runner.sandbox.engine import Engine
from runner.sandbox.run_images import RunImage

_SHA = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class Regrade:
    before: Scorecard
    after: Scorecard
    changes: list[str]


def recorded_scorecard(scorecard_path: Path) -> Scorecard:
    """The scorecard to grade again, once its ids are known to be plain directory names."""
    card = load_scorecard(scorecard_path)
    check_id(card.submission.id, f"{scorecard_path}: submission.id")
    check_id(card.challenge.id, f"{scorecard_path}: challenge.id")
    return card


def original_source(card: Scorecard, scorecard_path: Path) -> tuple[str, str | None]:
    """Source and commit to grade again (from the identity file when the card is blind)."""
    if not card.blind:
        return card.submission.source, card.submission.commit
    identity_path = scorecard_path.parent.parent / IDENTITIES_DIR / f"{card.submission.id}.json"
    try:
        identity = json.loads(identity_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ScorecardError(
            f"{scorecard_path}: a blind scorecard needs its identity file {identity_path} "
            f"to be graded again ({error})"
        ) from None
    return str(identity["source"]), str(identity["commit"])


def regrade(
    scorecard_path: Path, challenge: Challenge, client: Engine, image: RunImage,
    config: PipelineConfig, out_dir: Path,
) -> Regrade:  # fmt: skip
    """Grade the recorded commit again into ``out_dir`` and compare with the recorded card."""
    before = recorded_scorecard(scorecard_path)
    source, commit = original_source(before, scorecard_path)
    ref = commit if commit and _SHA.match(commit) else None
    same_id = None if before.blind else before.submission.id
    request = GradeRequest(source=source, challenge=challenge, ref=ref, submission_id=same_id,
                           pinned=ref is not None)  # fmt: skip
    after = grade(request, client, image, replace(config, blind=before.blind), out_dir).scorecard
    return Regrade(before=before, after=after, changes=scorecard_changes(before, after))
