"""The gate's verdicts, one line per check, each with the details that explain it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from challenges.model import Limits
from graders.similarity.corpus import ai_written
from reports.scorecard import Scorecard
from runner.check import SampleCheck
from runner.mutation.grading import MutationReport
from runner.quality.determinism import Flaky

Verdict = Literal["ok", "FAIL", "warn", "info", "skip"]
HEADROOM = 3.0
"""The timeout should be at least this many times the suite's time."""


@dataclass(frozen=True)
class Line:
    check: str
    verdict: Verdict
    text: str
    details: list[str] = field(default_factory=list)

    def render(self) -> list[str]:
        head = f"{self.verdict:<4} {self.check:<12} {self.text}"
        return [head, *(f"       - {detail}" for detail in self.details)]


def is_ai_written(check: SampleCheck) -> bool:
    expected = check.sample.expected
    return expected.ai_written or ai_written(expected.description)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


def sample_line(check: SampleCheck) -> Line:
    card, label = check.scorecard, " [AI-written]" if is_ai_written(check) else ""
    text = (f"{check.sample.name + label:<28} {card.outcome.value:<14} "
            f"tests {_pct(check.percent):>6}  auto {_pct(check.auto_percent):>6}")  # fmt: skip
    return Line("sample", "ok" if check.ok else "FAIL", text, list(check.problems))


def determinism_line(runs: int, samples: int, flaky: Sequence[Flaky],
                     varying: dict[str, dict[str, int]]) -> Line:  # fmt: skip
    if runs < 2:
        return Line("determinism", "skip", "one run of each sample: nothing to compare (--runs)")
    details = [item.describe() for item in flaky]
    for name, counts in varying.items():
        seen = ", ".join(f"{outcome} x{count}" for outcome, count in counts.items())
        details.append(f"{name}: outcome differs between runs ({seen})")
    if details:
        what = f"{len(flaky)} flaky test(s)" if flaky else "outcomes differ"
        return Line("determinism", "FAIL", f"{what} over {runs} runs of {samples} samples", details)
    return Line("determinism", "ok", f"{runs} runs of {samples} samples: every test the same")


def mutation_line(report: MutationReport | None, reference_ok: bool) -> Line:
    if report is None:
        return Line("mutation", "skip", "no mutants asked for (--mutants 0)")
    rate = report.kill_rate
    graded = report.killed + len(report.survived)
    text = (f"kill rate {_pct(None if rate is None else round(100 * rate, 1))} "
            f"(threshold {report.threshold * 100:g}%): {report.killed} killed, "
            f"{len(report.survived)} survived of {graded} graded; {len(report.equivalent)} "
            f"equivalent kept apart; {report.distinct} distinct mutants made")  # fmt: skip
    details = [f"survived {r.mutant.hint()}" for r in report.survived]
    details += [f"not graded ({r.outcome}) {r.mutant.hint()}" for r in report.not_graded]
    details += [f"equivalent ({m.equivalent}) {m.hint()}" for m in report.equivalent]
    if not reference_ok:
        return Line("mutation", "FAIL", "not meaningful: the reference fails its checks; " + text,
                    details)  # fmt: skip
    return Line("mutation", "ok" if report.passed else "FAIL", text, details)


def ai_line(checks: Sequence[SampleCheck], ceiling: float | None) -> Line | None:
    """The AI-written baseline beside the human samples; held to ``ceiling`` when set."""
    ai = [check for check in checks if is_ai_written(check)]
    if not ai:
        if ceiling is None:
            return None
        return Line("ai-baseline", "FAIL", f"ceiling {ceiling:g}% set, but no sample is "
                    "labelled ai_written")  # fmt: skip
    humans = ", ".join(f"{c.sample.name} {_pct(c.auto_percent)}" for c in checks
                       if not is_ai_written(c) and c.sample.name != "starter")  # fmt: skip
    scores = ", ".join(f"{c.sample.name} {_pct(c.auto_percent)}" for c in ai)
    text = f"AI-written {scores} (auto total) beside human samples: {humans}"
    if ceiling is None:
        return Line("ai-baseline", "info", text + "; no ceiling set ([check] ai_ceiling)")
    over = [c for c in ai if c.auto_percent is None or c.auto_percent > ceiling]
    return Line("ai-baseline", "FAIL" if over else "ok", f"{text}; ceiling {ceiling:g}%",
                [f"{c.sample.name} scores above the ceiling" for c in over])  # fmt: skip


def timing_line(reference: Sequence[Scorecard], limits: Limits) -> Line:
    """The reference's slowest suite and slowest test against the wall and per-test timeouts."""
    suites = [card.tests.suite_seconds for card in reference if card.tests.suite_seconds]
    tests = [case.duration for card in reference for case in card.tests.results]
    if not suites:
        return Line("timing", "warn", "the reference's suite time is unknown")
    suite, test = max(suites), max(tests, default=0.0)
    wall_room = limits.wall_seconds / suite
    test_room = limits.test_seconds / test if test else float("inf")
    text = (f"suite {suite:.2f}s of {limits.wall_timeout} wall timeout ({wall_room:.1f}x "
            f"headroom); slowest test {test:.2f}s of {limits.test_timeout} "
            f"({test_room:.1f}x)")  # fmt: skip
    short = [what for what, room in (("wall timeout", wall_room), ("test timeout", test_room))
             if room < HEADROOM]  # fmt: skip
    if short:
        return Line("timing", "warn", text, [f"{what}: under {HEADROOM:g}x headroom"
                                             for what in short])  # fmt: skip
    return Line("timing", "ok", text)
