"""The quality gate: every check of a challenge's content, graded in one batch.

Every grading the gate needs (each sample ``runs`` times, each selected mutant once) goes
through ``runner.batch.grade_batch``: one warm pool, the same slots as a batch of candidates.
Everything is graded into a temporary directory; the first run of each sample is then moved
to ``out_dir/<sample>/`` for the author to read; the other runs and every mutant's reports are
thrown away with the temporary directory.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from pathlib import Path

from challenges.errors import ChallengeError
from challenges.load import Challenge
from challenges.samples import Sample, samples
from challenges.validate import validate_challenge
from reports.scorecard import Scorecard
from runner.batch import grade_batch
from runner.check import SampleCheck, sample_check
from runner.mutation.grading import MutationReport, judge, mutant_requests
from runner.mutation.mutants import generate, select
from runner.pipeline import GradeRequest, PipelineConfig
from runner.quality.determinism import flaky_tests, outcomes
from runner.quality.lines import (
    Line,
    ai_line,
    determinism_line,
    mutation_line,
    sample_line,
    timing_line,
)
from runner.recording import Graded
from runner.sandbox.engine import Engine
from runner.sandbox.run_images import RunImage


@dataclass(frozen=True)
class GateOptions:
    runs: int = 5
    """Runs of the reference and of each sample (flaky tests show between them)."""
    mutants: int = 60
    """Mutants of the reference graded at most (all of them when there are fewer)."""
    slots: int = 1


@dataclass
class GateReport:
    lines: list[Line] = field(default_factory=list)
    samples: list[SampleCheck] = field(default_factory=list)
    mutation: MutationReport | None = None
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return all(line.verdict != "FAIL" for line in self.lines)


def run_id(sample: Sample, run: int) -> str:
    return sample.name if run == 0 else f"{sample.name}.run{run + 1}"


def _publish(sample: Sample, graded_dir: Path, out_dir: Path) -> None:
    """The first run's reports of ``sample`` to ``out_dir/<name>/``, replacing older ones."""
    target = out_dir / sample.name
    if target.exists():
        shutil.rmtree(target)
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.move(str(graded_dir / sample.name), target)


def gate_size(challenge: Challenge, options: GateOptions) -> int:
    """How many gradings ``run_gate`` will do (for a progress bar)."""
    chosen = select(generate(challenge.root / "solution"), options.mutants)
    return len(samples(challenge)) * max(1, options.runs) + len(chosen)


def run_gate(
    challenge: Challenge,
    client: Engine,
    image: RunImage,
    config: PipelineConfig,
    out_dir: Path,
    options: GateOptions,
    available_sources: Collection[str],
    on_graded: Callable[[Graded], None] | None = None,
) -> GateReport:
    """Run every check of ``challenge``'s quality gate; reports of the samples under
    ``out_dir``."""
    started = time.monotonic()
    report = GateReport()
    try:
        validate_challenge(challenge.root, available_sources)
    except ChallengeError as error:
        report.lines.append(Line("validate", "FAIL", "the challenge does not validate",
                                 str(error).splitlines()))  # fmt: skip
        return report
    report.lines.append(Line("validate", "ok", f"{challenge.root} validates"))
    found = samples(challenge)
    all_mutants = generate(challenge.root / "solution")
    chosen = select(all_mutants, options.mutants)
    runs = max(1, options.runs)
    config = replace(config, blind=False, has_finished_work=None, review_url=None)
    with tempfile.TemporaryDirectory(prefix="takehome-check-", dir=config.work_root) as tmp:
        work, graded_dir = Path(tmp) / "trees", Path(tmp) / "reports"
        work.mkdir()
        requests = [
            GradeRequest(source=str(s.path), challenge=challenge, submission_id=run_id(s, r))
            for r in range(runs)
            for s in found
        ]
        requests += mutant_requests(challenge, chosen, work)
        graded = grade_batch(requests, client, image, config, graded_dir, options.slots,
                             on_graded)  # fmt: skip
        cards = [g.scorecard for g in graded]
        per_sample = {s.name: cards[i :: len(found)][:runs] for i, s in enumerate(found)}
        for sample in found:
            _publish(sample, graded_dir, out_dir)
        mutant_cards = cards[runs * len(found) :]
    report.samples = [sample_check(s, per_sample[s.name][0]) for s in found]
    report.lines += [sample_line(check) for check in report.samples]
    report.lines += _repeat_lines(found, per_sample, runs, challenge)
    reference_ok = all(c.ok for c in report.samples if c.sample.name == "solution")
    if chosen:
        report.mutation = MutationReport(
            distinct=len(all_mutants),
            equivalent=[m for m in all_mutants if m.equivalent is not None],
            results=[judge(m, card) for m, card in zip(chosen, mutant_cards, strict=True)],
            threshold=challenge.config.check.kill_rate,
        )
    report.lines.append(mutation_line(report.mutation, reference_ok))
    ai = ai_line(report.samples, challenge.config.check.ai_ceiling)
    if ai is not None:
        report.lines.append(ai)
    report.seconds = round(time.monotonic() - started, 1)
    return report


def _repeat_lines(found: list[Sample], per_sample: dict[str, list[Scorecard]], runs: int,
                  challenge: Challenge) -> list[Line]:  # fmt: skip
    flaky = [item for s in found for item in flaky_tests(s.name, per_sample[s.name])]
    varying = {name: counts for name, cards in per_sample.items()
               if len(counts := outcomes(cards)) > 1}  # fmt: skip
    lines = [determinism_line(runs, len(found), flaky, varying)]
    lines.append(timing_line(per_sample.get("solution", []), challenge.config.limits))
    return lines
