"""The candidate portal's and the webhook's records: invitations (the clock starts once, a link
is spent once) and webhook deliveries (a replay is recognised by its delivery id)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from runner.store.base import StoreBase, rowcount, utc_now
from runner.store.models import DeliveryRow, InvitationRow, ScorecardRow, StoreError


@dataclass(frozen=True)
class Invitation:
    """An invitation as stored; the nonce is the secret a link's signature covers."""

    id: str
    challenge_id: str
    alias: str
    created_at: datetime
    opened_at: datetime | None
    """When the candidate first opened it: the clock start, set once."""
    deadline: datetime | None
    used_at: datetime | None
    """When a repository was submitted through it; a used invitation takes no other."""
    token_nonce: str
    scorecards_before: int | None = None
    """The highest scorecard id when it was used: its grade is a later scorecard."""

    @classmethod
    def of(cls, row: InvitationRow) -> Invitation:
        return cls(row.id, row.challenge_id, row.alias, row.created_at, row.opened_at,
                   row.deadline, row.used_at, row.token_nonce,
                   row.scorecards_before)  # fmt: skip


class PortalRecords(StoreBase):
    def record_delivery(self, delivery_id: str, event: str, repository: str) -> bool:
        """Remember a webhook delivery; False when it was seen before (a replay)."""
        try:
            with self._transaction() as session:
                session.add(DeliveryRow(id=delivery_id, received_at=utc_now(), event=event,
                                        repository=repository))  # fmt: skip
        except IntegrityError:
            return False
        return True

    def forget_delivery(self, delivery_id: str) -> None:
        """Undo ``record_delivery`` when the delivery could not be handled: GitHub redelivers
        an event under the same delivery id, and that redelivery must not be a replay."""
        with self._transaction() as session:
            session.execute(delete(DeliveryRow).where(DeliveryRow.id == delivery_id))

    def create_invitation(self, challenge_id: str, alias: str,
                          deadline: datetime | None) -> Invitation:  # fmt: skip
        """A new invitation with a random id and nonce (never derived from the alias)."""
        row = InvitationRow(id=secrets.token_urlsafe(16), challenge_id=challenge_id,
                            alias=alias, created_at=utc_now(), opened_at=None, deadline=deadline,
                            used_at=None, token_nonce=secrets.token_urlsafe(32))  # fmt: skip
        with self._transaction() as session:
            session.add(row)
        return Invitation.of(row)

    def invitation(self, invitation_id: str) -> Invitation | None:
        with self._transaction(write=False) as session:
            row = session.get(InvitationRow, invitation_id)
            return None if row is None else Invitation.of(row)

    def open_invitation(self, invitation_id: str) -> Invitation:
        """Start the invitation's clock the first time it is opened; later opens keep it."""
        with self._transaction() as session:
            rowcount(session, update(InvitationRow).where(
                InvitationRow.id == invitation_id, InvitationRow.opened_at.is_(None),
            ).values(opened_at=utc_now()))  # fmt: skip
            row = session.get(InvitationRow, invitation_id)
            if row is None:
                raise StoreError(f"invitation {invitation_id} does not exist")
            return Invitation.of(row)

    def use_invitation(self, invitation_id: str, again_after: datetime | None = None) -> bool:
        """Spend the invitation on a submission; False when it was already spent (or does
        not exist). Whoever updates the row first wins, across threads and processes. With
        ``again_after`` (the use a repository that could not be fetched left), it is spent
        again only while that use is still the last one: of two re-submissions, one wins."""
        spent = (InvitationRow.used_at.is_(None) if again_after is None
                 else InvitationRow.used_at == again_after)  # fmt: skip
        with self._transaction() as session:
            newest = session.scalar(select(func.max(ScorecardRow.id))) or 0
            return rowcount(session, update(InvitationRow).where(
                InvitationRow.id == invitation_id, spent,
            ).values(used_at=utc_now(), scorecards_before=newest)) == 1  # fmt: skip

    def release_invitation(self, invitation_id: str) -> None:
        """Undo ``use_invitation`` when the submission could not be handed to grading, so
        that the candidate's link still works."""
        with self._transaction() as session:
            rowcount(session, update(InvitationRow).where(InvitationRow.id == invitation_id)
                      .values(used_at=None, scorecards_before=None))  # fmt: skip
