"""``takehome reviewer``: accounts of the review app (``takehome serve``) and their one-time
sign-in links."""

from __future__ import annotations

import click

from runner.review_desk.accounts import login_link
from runner.store.runs import Store
from takehome.settings import load_settings


@click.group("reviewer")
def reviewer_group() -> None:
    """Reviewer and manager accounts of the review app."""


@reviewer_group.command("add")
@click.argument("name")
@click.option("--manager", is_flag=True, help="Also decides, reopens and sees the cohort.")
def add_command(name: str, manager: bool) -> None:
    """Create an account and print its one-time sign-in link (valid 7 days)."""
    settings = load_settings()
    with Store.open(settings.store_url) as store:
        link = login_link(store, name, settings.public_url, manager=manager)
    role = "manager" if manager else "reviewer"
    click.echo(f"{role} {name} added; send them this one-time sign-in link:", err=True)
    click.echo(link)


@reviewer_group.command("link")
@click.argument("name")
def link_command(name: str) -> None:
    """Print a new one-time sign-in link for an existing account (a new browser, a lost
    link)."""
    settings = load_settings()
    with Store.open(settings.store_url) as store:
        click.echo(login_link(store, name, settings.public_url, create=False))


@reviewer_group.command("list")
def list_command() -> None:
    """The accounts, with their roles."""
    with Store.open(load_settings().store_url) as store:
        reviewers = store.reviewers()
    if not reviewers:
        click.echo("no reviewers yet (takehome reviewer add NAME)", err=True)
    for reviewer in reviewers:
        click.echo(f"{reviewer.name}\t{reviewer.role.value}")
