"""Reopening a decided scorecard: back to the partial card the reviews were merged into.

The merged levels, the total, the kept reviews and the decision go; the automatic rows and
everything measured stay as graded. The reviews themselves are kept by the store, so the
reviewers can amend them and a manager decide again.
"""

from __future__ import annotations

from reports.scorecard import HumanRow, Scorecard, Status


def reopened(card: Scorecard) -> Scorecard:
    rows = [
        row.model_copy(update={"level": None, "score": None}) if isinstance(row, HumanRow) else row
        for row in card.criteria
    ]
    return card.model_copy(update={"criteria": rows, "status": Status.PARTIAL, "score": None,
                                   "reviews": [], "decision": None})  # fmt: skip
