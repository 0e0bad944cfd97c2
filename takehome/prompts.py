"""The terminal walk through a scorecard's human rows for ``takehome review``."""

from __future__ import annotations

import click

from reports.review import RatingInput
from reports.scorecard import HumanRow, Scorecard


def _evidence(card: Scorecard, source: str) -> str:
    if source == "tests":
        return (f"tests: {card.tests.passed} of {card.tests.total} passed, "
                f"outcome {card.outcome.value}")  # fmt: skip
    return f"{source}: see the report"


def _ask(row: HumanRow, card: Scorecard) -> RatingInput:
    click.echo("")
    click.secho(f"{row.title} ({row.max_score:g} points)", bold=True)
    click.echo(row.question)
    for anchor in row.levels:
        click.echo(f"  {anchor.level}  {anchor.anchor}")
    for item in row.items:
        click.echo(f"  [{item.id}] {item.text} ({item.points:g})")
    for source in row.evidence:
        click.echo(f"  evidence: {_evidence(card, source)}")
    level: int | None = None
    items: list[str] | None = None
    if row.levels:
        level = click.prompt("level", type=click.IntRange(1, 4))
    else:
        chosen = click.prompt("items earned (ids, comma-separated, or -)", default="-")
        items = [i.strip() for i in chosen.split(",") if i.strip() not in {"", "-"}]
    justification = ""
    while not justification.strip():
        justification = click.prompt("justification", default="", show_default=False)
        if not justification.strip():
            click.echo("a justification is required")
    return RatingInput(level=level, items=items, justification=justification)


def prompt_ratings(card: Scorecard) -> dict[str, RatingInput]:
    """Ask for a rating of every human row, in rubric order."""
    click.echo(f"{card.challenge.title}: submission {card.submission.id}, "
               f"outcome {card.outcome.value}. Rate each row on its own.")  # fmt: skip
    return {row.id: _ask(row, card) for row in card.criteria if isinstance(row, HumanRow)}
