"""Reviewers, their one-time login links and their browser sessions.

Only hashes of secrets are stored (a login token, a session cookie): a copy of the database
lets nobody sign in. Every check of a link or a session is one transaction that also spends
or extends it, so two requests with the same link cannot both succeed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from runner.store.base import StoreBase, rowcount, utc_now
from runner.store.models import LoginLinkRow, ReviewerRow, Role, StoreError, WebSessionRow


@dataclass(frozen=True)
class Reviewer:
    id: int
    name: str
    role: Role

    @property
    def is_manager(self) -> bool:
        return self.role is Role.MANAGER


def _reviewer(row: ReviewerRow) -> Reviewer:
    return Reviewer(row.id, row.name, Role(row.role))


class AccountRecords(StoreBase):
    def add_reviewer(self, name: str, role: Role) -> Reviewer:
        """A new account; a name is taken once."""
        try:
            with self._transaction() as session:
                row = ReviewerRow(name=name, role=role.value, created_at=utc_now())
                session.add(row)
                session.flush()
                return _reviewer(row)
        except IntegrityError:
            raise StoreError(f"reviewer {name!r} already exists") from None

    def reviewer_named(self, name: str) -> Reviewer | None:
        with self._transaction(write=False) as session:
            row = session.scalar(select(ReviewerRow).where(ReviewerRow.name == name))
            return None if row is None else _reviewer(row)

    def reviewers(self) -> list[Reviewer]:
        with self._transaction(write=False) as session:
            rows = session.scalars(select(ReviewerRow).order_by(ReviewerRow.name)).all()
            return [_reviewer(row) for row in rows]

    def add_login_link(self, reviewer_id: int, token_hash: str, expires_at: datetime) -> None:
        with self._transaction() as session:
            session.add(LoginLinkRow(token_hash=token_hash, reviewer_id=reviewer_id,
                                     created_at=utc_now(), expires_at=expires_at))  # fmt: skip

    def spend_login_link(self, token_hash: str) -> Reviewer | str:
        """The link's reviewer, the link now spent; or why it cannot be used."""
        now = utc_now()
        with self._transaction() as session:
            link = session.get(LoginLinkRow, token_hash)
            if link is None:
                return "this login link is not valid"
            if link.used_at is not None:
                return "this login link was already used; ask for a new one"
            if link.expires_at < now:
                return "this login link has expired; ask for a new one"
            spent = rowcount(session, update(LoginLinkRow).where(
                LoginLinkRow.token_hash == token_hash, LoginLinkRow.used_at.is_(None),
            ).values(used_at=now))  # fmt: skip
            if spent != 1:
                return "this login link was already used; ask for a new one"
            row = session.get(ReviewerRow, link.reviewer_id)
            if row is None:
                raise StoreError(
                    f"login link of a reviewer who no longer exists ({link.reviewer_id})"
                )
            return _reviewer(row)

    def add_session(self, reviewer_id: int, id_hash: str, csrf: str, expires_at: datetime) -> None:
        with self._transaction() as session:
            session.add(WebSessionRow(id_hash=id_hash, reviewer_id=reviewer_id, csrf=csrf,
                                      created_at=utc_now(), expires_at=expires_at))  # fmt: skip

    def signed_in(self, id_hash: str) -> tuple[Reviewer, str] | None:
        """The session's reviewer and CSRF token, while the session lasts."""
        with self._transaction(write=False) as session:
            found = session.execute(
                select(ReviewerRow, WebSessionRow.csrf)
                .join(WebSessionRow, WebSessionRow.reviewer_id == ReviewerRow.id)
                .where(WebSessionRow.id_hash == id_hash, WebSessionRow.expires_at > utc_now())
            ).first()
            return None if found is None else (_reviewer(found[0]), found[1])

    def end_session(self, id_hash: str) -> None:
        with self._transaction() as session:
            session.execute(delete(WebSessionRow).where(WebSessionRow.id_hash == id_hash))
