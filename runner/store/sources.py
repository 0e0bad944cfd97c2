"""The graded source of a scorecard (``reports.source.SourceSnapshot`` as JSON), and the
scorecards the review app opens by id.

Sources are kept out of the scorecards table so that no listing ever reads them; the store
keeps the JSON as given and the runner layer reads it back into its model.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from reports.scorecard import Scorecard
from runner.store.base import StoreBase
from runner.store.models import RunRow, ScorecardRow, SourceRow, StoreError, SubmissionRow


class SourceRecords(StoreBase):
    def record_source(self, scorecard_id: int, data: str) -> None:
        """Keep the scorecard's source; a second copy of the same scorecard's is ignored."""
        try:
            with self._transaction() as session:
                session.add(SourceRow(scorecard_id=scorecard_id, data=data))
        except IntegrityError:
            return

    def source_of(self, scorecard_id: int) -> str | None:
        with self._transaction(write=False) as session:
            return session.scalar(
                select(SourceRow.data).where(SourceRow.scorecard_id == scorecard_id)
            )

    def scorecard(self, scorecard_id: int) -> Scorecard | None:
        with self._transaction(write=False) as session:
            data = session.scalar(select(ScorecardRow.data).where(ScorecardRow.id == scorecard_id))
        return None if data is None else self._card(scorecard_id, data)

    def graded_commit(self, scorecard_id: int) -> tuple[str, str] | None:
        """The commit and hidden suite a scorecard graded (from its run: no JSON read)."""
        with self._transaction(write=False) as session:
            found = session.execute(
                select(RunRow.commit, RunRow.suite_hash)
                .join(ScorecardRow, ScorecardRow.run_id == RunRow.id)
                .where(ScorecardRow.id == scorecard_id)
            ).first()
        return None if found is None or found[0] is None else (found[0], found[1])

    def latest_card(self, submission_id: int) -> tuple[int, Scorecard] | None:
        """The submission's newest scorecard, with its id."""
        with self._transaction(write=False) as session:
            found = session.execute(
                select(ScorecardRow.id, ScorecardRow.data)
                .join(RunRow, RunRow.id == ScorecardRow.run_id)
                .where(RunRow.submission_id == submission_id)
                .order_by(ScorecardRow.id.desc()).limit(1)
            ).first()  # fmt: skip
        return None if found is None else (found.id, self._card(found.id, found.data))

    def submission_of_scorecard(self, scorecard_id: int) -> int:
        with self._transaction(write=False) as session:
            found = session.scalar(
                select(RunRow.submission_id)
                .join(ScorecardRow, ScorecardRow.run_id == RunRow.id)
                .where(ScorecardRow.id == scorecard_id)
            )
        if found is None:
            raise StoreError(f"scorecard {scorecard_id} does not exist")
        return found

    def submission_of_card(self, challenge_id: str, card_id: str) -> int | None:
        """The store's submission whose newest scorecard with this card id (a report's own
        submission id) is of ``challenge_id``: how a static report's link finds its page."""
        with self._transaction(write=False) as session:
            return session.scalar(
                select(RunRow.submission_id)
                .join(ScorecardRow, ScorecardRow.run_id == RunRow.id)
                .join(SubmissionRow, SubmissionRow.id == RunRow.submission_id)
                .where(ScorecardRow.card_id == card_id, SubmissionRow.challenge_id == challenge_id)
                .order_by(ScorecardRow.id.desc()).limit(1)
            )  # fmt: skip
