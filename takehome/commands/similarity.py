"""``takehome similarity``: which submissions share code, and which known solutions each
resembles. Evidence for reviewers, never a verdict."""

from __future__ import annotations

import json
from pathlib import Path

import click

from graders.similarity.errors import SimilarityError
from graders.similarity.model import SimilarityReport
from graders.similarity.run import similarity_run
from runner.similarity_blind import similarity_blinding
from runner.similarity_index import StoredCohort, stored_cohort
from runner.store.runs import Store
from takehome import wiring
from takehome.options import challenge_option
from takehome.settings import load_settings

TOP = 20


def summary(report: SimilarityReport, top: int) -> list[str]:
    """The top pairs with percentages, then each submission's nearest known solution."""
    lines = [f"{report.challenge}: {len(report.submissions)} submissions, "
             f"{report.cohort_pairs} pairs, {report.pairs_sharing} sharing code"]  # fmt: skip
    for pair in report.pairs[:top]:
        where = f"above {pair.percentile:.0%} of pairs" if pair.percentile is not None else ""
        lines.append(f"{pair.similarity:7.1%}  {pair.a}  {pair.b}  ({pair.shared} shared; {where})")
    for sub in report.submissions:
        if sub.nearest_known:
            near = sub.nearest_known[0]
            line = f"{sub.name}: nearest known {near.b} ({near.b_kind}) {near.similarity:.1%}"
            if sub.resembles_ai_written:
                line += f"; resembles AI-written {', '.join(sub.resembles_ai_written)} (evidence)"
            lines.append(line)
    return lines


def stored_summary(cohort: StoredCohort, store: str, top: int) -> list[str]:
    """The store's ranked pairs, submissions named by neutral ids."""
    lines = [f"{cohort.challenge} ({store}): {cohort.indexed} submissions indexed "
             f"({cohort.newly_indexed} new), {len(cohort.pairs)} pairs sharing code"]  # fmt: skip
    for pair in cohort.pairs[:top]:
        lines.append(f"{pair.similarity:7.1%}  {pair.a}  {pair.b}  ({pair.shared} shared)")
    return lines


def _from_store(challenge_ref: str, as_json: bool, top: int) -> None:
    loaded = wiring.challenge(challenge_ref)
    with Store.open(load_settings().store_url) as store:
        cohort = stored_cohort(store, loaded)
        if as_json:
            pairs = [{"a": p.a, "b": p.b, "similarity": p.similarity, "shared": p.shared}
                     for p in cohort.pairs]  # fmt: skip
            click.echo(json.dumps(pairs, indent=2))
        else:
            click.echo("\n".join(stored_summary(cohort, store.name, top)))


@click.command("similarity")
@challenge_option("Bundled challenge slug or a challenge directory (its starter is removed).")
@click.argument("submissions", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--known", type=click.Path(path_type=Path), default=None,
    help="A directory of known solutions, one per subdirectory (an 'ai' in the name: AI-written).",
)  # fmt: skip
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Write an HTML report (index.html and one page per pair) into this directory.",
)  # fmt: skip
@click.option(
    "--store", "from_store", is_flag=True,
    help="Rank the challenge's stored submissions through the store's index (indexing any "
    "graded since), instead of SUBMISSIONS.",
)  # fmt: skip
@click.option(
    "--blind", is_flag=True,
    help="Blind review: submissions named submission-001..., their identities removed from "
    "paths and code in the summary, the JSON and the HTML report.",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the pairs as JSON.")
@click.option("--top", default=TOP, show_default=True, help="Pairs printed in the summary.")
@click.option(
    "--jobs", default=1, show_default=True, type=click.IntRange(1, 64),
    help="Processes reading and fingerprinting submissions.",
)  # fmt: skip
def similarity_command(
    challenge_ref: str, submissions: tuple[Path, ...], known: Path | None,
    out_dir: Path | None, from_store: bool, blind: bool, as_json: bool, top: int, jobs: int,
) -> None:  # fmt: skip
    """Rank SUBMISSIONS (directories) by how much code they share, starter removed; or, with
    --store, the challenge's graded submissions from the store's fingerprint index."""
    if from_store:
        if submissions or known is not None or out_dir is not None:
            raise SimilarityError("--store ranks the stored submissions: give no SUBMISSIONS, "
                                  "--known or --out with it")  # fmt: skip
        _from_store(challenge_ref, as_json, top)
        return
    if not submissions:
        raise SimilarityError("no submission to compare: give SUBMISSIONS, or --store")
    loaded = wiring.challenge(challenge_ref)
    run = similarity_run(loaded.root, loaded.config.id, submissions, known, out_dir, jobs,
                         similarity_blinding if blind else None)  # fmt: skip
    report = run.report
    if as_json:
        click.echo(json.dumps([p.model_dump(mode="json") for p in report.pairs], indent=2))
    else:
        click.echo("\n".join(summary(report, top)))
    if run.index is not None:
        click.echo(f"report: {run.index}", err=as_json)
