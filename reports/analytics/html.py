"""The calibration report as one self-contained HTML page: jinja2, autoescaped, the figures
inline SVG drawn by the template from ``figures``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

from reports.analytics.figures import drift_lines, forest, funnel_bars, heatmap

TEMPLATES = Path(__file__).parent / "templates"
_HTML = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_calibration_html(
    report: dict[str, Any], title: str = "Reviewer calibration",
    link: Callable[[str], str | None] | None = None, back: str | None = None,
) -> str:  # fmt: skip
    """The page of ``reports.analytics.report.calibration_report``'s document; ``link`` gives
    a borderline submission's page (the review app's), if it has one; ``back`` is where the
    page's first link leads (the app's cohort page)."""
    return _HTML.get_template("calibration.html.j2").render(
        title=title,
        report=report,
        link=link or (lambda _submission: None),
        back=back,
        forest=forest(report["leniency"]),
        heatmap=heatmap(report["pairs"]),
        drift=drift_lines(report["drift"]),
        funnel=funnel_bars(report.get("funnel")),
    )
