"""``takehome similarity``: which submissions share code, and which known solutions each
resembles. Evidence for reviewers, never a verdict."""

from __future__ import annotations

import json
from pathlib import Path

import click

from graders.similarity.model import SimilarityReport
from graders.similarity.run import similarity_run
from takehome import wiring
from takehome.options import challenge_option

TOP = 20


def summary(report: SimilarityReport, top: int) -> list[str]:
    """The top pairs with percentages, then each submission's nearest known solution."""
    lines = [f"{report.challenge}: {len(report.submissions)} submissions, "
             f"{report.cohort_pairs} pairs, {len(report.pairs)} sharing code"]  # fmt: skip
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


@click.command("similarity")
@challenge_option("Bundled challenge slug or a challenge directory (its starter is removed).")
@click.argument("submissions", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--known", type=click.Path(path_type=Path), default=None,
    help="A directory of known solutions, one per subdirectory (an 'ai' in the name: AI-written).",
)  # fmt: skip
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Write an HTML report (index.html and one page per pair) into this directory.",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the pairs as JSON.")
@click.option("--top", default=TOP, show_default=True, help="Pairs printed in the summary.")
@click.option(
    "--jobs", default=1, show_default=True, type=click.IntRange(1, 64),
    help="Processes reading and fingerprinting submissions.",
)  # fmt: skip
def similarity_command(
    challenge_ref: str, submissions: tuple[Path, ...], known: Path | None,
    out_dir: Path | None, as_json: bool, top: int, jobs: int,
) -> None:  # fmt: skip
    """Rank SUBMISSIONS (directories) by how much code they share, starter removed."""
    loaded = wiring.challenge(challenge_ref)
    run = similarity_run(loaded.root, loaded.config.id, submissions, known, out_dir, jobs)
    report = run.comparison.report
    if as_json:
        click.echo(json.dumps([p.model_dump(mode="json") for p in report.pairs], indent=2))
    else:
        click.echo("\n".join(summary(report, top)))
    if run.index is not None:
        click.echo(f"report: {run.index}", err=as_json)
