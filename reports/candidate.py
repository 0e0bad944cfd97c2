"""What a candidate may see of their own result, built from the scorecard by allow-list.

Nothing is copied from the scorecard unless it is named here: the hidden tests' names, source,
messages and output, the reviewers' rows and the integrity flags never reach a candidate,
whatever the scorecard holds. The challenge's feedback policy picks how much of the allowed
part is shown: nothing but a receipt, a pass count, or the results of tests marked visible.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from challenges.load import Challenge
from challenges.model import FeedbackPolicy
from graders.base import Outcome
from graders.hidden_suite import CaseStatus
from reports.scorecard import Scorecard

VISIBLE_MARKER = "visible"

_INCOMPLETE = "The automated checks could not complete; a reviewer will look at it."
CANDIDATE_WORDS = {
    Outcome.PASSED: "Every automated check passed.",
    Outcome.TEST_FAILURES: "Some automated checks did not pass.",
    Outcome.TIMEOUT: "The automated checks ran out of time.",
    Outcome.MEMORY_LIMIT: "The automated checks ran out of memory.",
    Outcome.CRASH: "Your code could not be loaded by the automated checks.",
    Outcome.NO_REPORT: _INCOMPLETE,
    Outcome.TAMPER_SUSPECTED: _INCOMPLETE,
    Outcome.REPO_REJECTED: "Your repository could not be fetched; check the link and try again.",
    Outcome.INFRA_ERROR: "Grading is delayed on our side; it will be retried.",
}


class VisibleTest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Name of a test the challenge marks visible.")
    passed: bool = Field(description="Whether it passed.")


class CandidateView(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1] = Field(description="Version of this format.")
    submission: str = Field(description="Submission id.")
    challenge: str = Field(description="Challenge title.")
    commit: str = Field(description="The commit that was graded.")
    policy: FeedbackPolicy = Field(description="The challenge's feedback policy.")
    message: str = Field(description="What happened, in words for the candidate.")
    passed: int | None = Field(description="Checks passed (summary and visible policies).")
    total: int | None = Field(description="Checks run (summary and visible policies).")
    visible_tests: list[VisibleTest] = Field(description="Results of tests marked visible.")


def candidate_view(scorecard: Scorecard, challenge: Challenge) -> CandidateView:
    """The candidate's view of ``scorecard`` under ``challenge``'s feedback policy."""
    policy = challenge.config.feedback
    show_counts = policy is not FeedbackPolicy.NONE and scorecard.outcome.scored
    visible_ids = {c.node_id for c in challenge.tests if VISIBLE_MARKER in c.markers}
    visible = []
    if policy is FeedbackPolicy.VISIBLE_TESTS and scorecard.outcome.scored:
        visible = [
            VisibleTest(name=entry.name, passed=entry.status is CaseStatus.PASSED)
            for entry in scorecard.tests.results
            if entry.node_id in visible_ids
        ]
    return CandidateView(
        schema_version=1,
        submission=scorecard.submission.id,
        challenge=challenge.config.title,
        commit=scorecard.submission.commit,
        policy=policy,
        message=CANDIDATE_WORDS[scorecard.outcome],
        passed=scorecard.tests.passed if show_counts else None,
        total=scorecard.tests.total if show_counts else None,
        visible_tests=visible,
    )
