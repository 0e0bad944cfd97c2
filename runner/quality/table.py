"""The gate's figures as one Markdown table per challenge (for an issue note or a README):
each sample's score per automatic row, the AI-written baseline marked, then the mutants and
the check's wall time."""

from __future__ import annotations

from runner.check import auto_rows
from runner.quality.gate import GateReport
from runner.quality.lines import is_ai_written


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:g} %"


def markdown_table(report: GateReport) -> str:
    """A Markdown table of ``report``'s samples by row, and a line of mutation figures."""
    if not report.samples:
        return ""
    rows = list(auto_rows(report.samples[0].scorecard))
    head = ["sample", "outcome", *rows, "tests", "auto total", "verdict"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for check in report.samples:
        card, by_id = check.scorecard, auto_rows(check.scorecard)
        cells = [
            f"{by_id[row].score:g}/{by_id[row].max_score:g}"
            if row in by_id and by_id[row].score is not None
            else "—"
            for row in rows
        ]
        name = check.sample.name + (" (AI-written)" if is_ai_written(check) else "")
        verdict = "ok" if check.ok else "FAIL"
        lines.append("| " + " | ".join([name, card.outcome.value, *cells, _pct(check.percent),
                                        _pct(check.auto_percent), verdict]) + " |")  # fmt: skip
    mutation = report.mutation
    if mutation is not None:
        rate = mutation.kill_rate
        lines.append("")
        lines.append(
            f"Mutants: {mutation.distinct} made, {len(mutation.results)} graded, "
            f"{mutation.killed} killed, {len(mutation.survived)} survived, "
            f"{len(mutation.equivalent)} equivalent, {len(mutation.not_graded)} not graded; "
            f"kill rate {'—' if rate is None else f'{100 * rate:.1f} %'}."
        )
    lines.append(f"Check wall time: {report.seconds:g} s.")
    return "\n".join(lines) + "\n"
