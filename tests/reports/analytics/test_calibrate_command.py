"""``takehome calibrate``: from a ratings file or the store's reviews to JSON and a
self-contained HTML page; a bad line is one error naming it, exit 1."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from reports.analytics.simulate import SimulatedReviewer, simulate
from reports.review import RatingInput, build_review
from reports.scorecard import HumanRow
from runner.store.ratings import RatingRecords
from runner.store.runs import Store
from takehome.cli import cli
from takehome.errors import run_guarded
from tests.reports.conftest import hostile_card

TEAM = [SimulatedReviewer(f"r{i:02d}", offset=(i - 5) / 10) for i in range(10)] + [
    SimulatedReviewer("drifter", drift=0.6, drift_from=40)
]


def takehome(capsys, *args):
    code = run_guarded(lambda: cli.main(args=list(args), prog_name="takehome",
                                        standalone_mode=False))  # fmt: skip
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def ratings_csv(tmp_path):
    path = tmp_path / "ratings.csv"
    lines = ["submission,reviewer,criterion,level,rated_at"] + [
        f"{r.submission},{r.reviewer},{r.criterion},{r.level},{r.rated_at.isoformat()}"
        for r in simulate(TEAM, 600, seed=5)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_json_from_a_ratings_file_and_the_html_page(capsys, tmp_path, ratings_csv):
    page = tmp_path / "report.html"
    code, out, err = takehome(capsys, "calibrate", "--ratings", str(ratings_csv), "--json",
                              "--out", str(page))  # fmt: skip
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["ratings"] == 600 * 2 * 4
    assert [row["criterion"] for row in report["agreement"]] == ["design", "testing", "docs",
                                                                  "naming"]  # fmt: skip
    assert all(row["trusted"] and row["low"] < row["alpha"] < row["high"]
               for row in report["agreement"])  # fmt: skip
    lenient = [row["reviewer"] for row in report["leniency"]]
    assert lenient[-1] == "r00"
    assert lenient.index("r09") <= 1  # the drifter, lenient since review 40, may be first
    assert [d["reviewer"] for d in report["drift"] if d["alarm_at"]].count("drifter") == 1
    assert report["cohort"] is None
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") == 2 + len(TEAM)  # forest, heatmap, a drift chart each
    assert "<script" not in html
    assert "http" not in html.split("</head>")[0]


def test_since_keeps_the_later_ratings_and_the_summary_names_the_drift(capsys, ratings_csv):
    code, out, _ = takehome(capsys, "calibrate", "--ratings", str(ratings_csv), "--since",
                            "2026-01-13", "--json")  # fmt: skip
    assert code == 0
    assert 0 < json.loads(out)["ratings"] < 600 * 8
    code, out, _ = takehome(capsys, "calibrate", "--ratings", str(ratings_csv))
    assert code == 0
    assert "design: alpha 0." in out
    assert "drift: drifter turned lenient at review" in out


def test_a_bad_line_is_exit_1_naming_the_file_and_line(capsys, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("s1,ana,design,3\ns1,bo,design,3\ns2,ana,design,9\n", encoding="utf-8")
    code, out, err = takehome(capsys, "calibrate", "--ratings", str(path), "--json")
    assert (code, out) == (1, "")
    assert err == f"error: {path}: line 3: level '9' is not a whole number from 1 to 4\n"


def _store_with_reviews(url, kv_store):
    card = hostile_card(kv_store)
    rows = [row.id for row in card.criteria if isinstance(row, HumanRow) and row.levels]
    with Store.open(url) as store:
        for s in range(6):
            info = card.submission.model_copy(update={"id": f"cand-{s}",
                                                      "source": f"/subs/cand-{s}"})  # fmt: skip
            copy = card.model_copy(update={"submission": info})
            scorecard_id = store.record_scorecard(copy)
            for who, level in (("ana", 1 + s % 4), ("ben", 1 + (s + 1) % 4)):
                given = {r: RatingInput(level=level, justification="ok") for r in rows}
                store.add_review(scorecard_id, build_review(copy, who, given, "test"))
    return rows


def test_the_store_s_reviews_are_rating_records_with_their_scorecards(tmp_path, kv_store):
    url = f"sqlite:///{tmp_path / 'takehome.db'}"
    rows = _store_with_reviews(url, kv_store)
    with RatingRecords.open(url) as store:
        ratings, cards = store.completed_ratings()
        assert len(ratings) == 6 * 2 * len(rows)
        assert sorted(c.submission.id for c in cards) == [f"cand-{s}" for s in range(6)]
        assert {(r.submission, r.reviewer, r.level) for r in ratings if r.criterion == rows[0]} \
            == {(f"cand-{s}", who, 1 + (s + k) % 4) for s in range(6)
                for k, who in enumerate(("ana", "ben"))}  # fmt: skip
        assert store.completed_ratings(challenge="other") == ([], [])
        later = datetime(2999, 1, 1, tzinfo=UTC)
        assert store.completed_ratings(since=later) == ([], [])
        assert len(store.completed_ratings(challenge=kv_store.config.id)[0]) == len(ratings)


def test_the_command_reads_the_store_and_reports_the_cohort(capsys, tmp_path, kv_store,
                                                            monkeypatch):  # fmt: skip
    url = f"sqlite:///{tmp_path / 'takehome.db'}"
    _store_with_reviews(url, kv_store)
    monkeypatch.setenv("TAKEHOME_DATABASE_URL", url)
    code, out, err = takehome(capsys, "calibrate", "--json")
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["cohort"]["scorecards"] == 6
    assert report["funnel"] is None  # graded without invitations
    assert any(t["flag"] == "everyone passes" for t in report["cohort"]["tests"])
    code, out, err = takehome(capsys, "calibrate", "--challenge", "nope")
    assert code == 1
    assert "no completed ratings of nope" in err


def test_a_thin_report_greys_its_figures_and_escapes_names(capsys, tmp_path):
    path = tmp_path / "few.csv"
    path.write_text("s1,<b>ana</b>,design,3\ns1,bo,design,2\ns2,<b>ana</b>,design,4\n"
                    "s2,bo,design,4\n", encoding="utf-8")  # fmt: skip
    page = tmp_path / "few.html"
    code, _, _ = takehome(capsys, "calibrate", "--ratings", str(path), "--out", str(page))
    assert code == 0
    html = page.read_text(encoding="utf-8")
    assert html.count('class="thin"') >= 4  # the alpha row, the forest, the heatmap, drift
    assert "too few to trust" in html
    assert "&lt;b&gt;ana&lt;/b&gt;: not enough ratings yet (2 of 30)" in html
    assert "<b>ana" not in html


def test_a_submission_regraded_and_reviewed_again_counts_once(tmp_path, kv_store):
    url = f"sqlite:///{tmp_path / 'takehome.db'}"
    rows = _store_with_reviews(url, kv_store)
    card = hostile_card(kv_store)
    regraded = card.model_copy(update={
        "submission": card.submission.model_copy(update={
            "id": "cand-0", "source": "/subs/cand-0", "commit": "f" * 40}),
        "provenance": card.provenance.model_copy(update={"commit": "f" * 40}),
    })  # fmt: skip
    with Store.open(url) as store:
        scorecard_id = store.record_scorecard(regraded)
        given = {r: RatingInput(level=4, justification="ok") for r in rows}
        store.add_review(scorecard_id, build_review(regraded, "cy", given, "test"))
    with RatingRecords.open(url) as store:
        ratings, cards = store.completed_ratings()
    assert len(cards) == 6
    assert next(c for c in cards if c.submission.id == "cand-0").submission.commit == "f" * 40
    assert {r.reviewer for r in ratings if r.submission == "cand-0"} == {"cy"}
    assert len(ratings) == (5 * 2 + 1) * len(rows)


@pytest.mark.parametrize(
    "lines",
    [
        ["s1,ana,design,3", "s2,ana,design,3"],  # one reviewer: nothing co-rated
        [f"s{i},{who},design,3" for i in range(40) for who in ("ana", "bo")],  # all agree
        [f"s{i},{who},design,{1 + i % 4}" for i in range(40) for who in ("ana", "bo", "cy")],
    ],
    ids=["one-reviewer", "all-the-same-level", "perfect-agreement"],
)
def test_degenerate_ratings_give_a_report_without_nan(capsys, tmp_path, lines):
    path = tmp_path / "r.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = takehome(capsys, "calibrate", "--ratings", str(path), "--json",
                              "--out", str(tmp_path / "r.html"))  # fmt: skip
    assert (code, err) == (0, "")

    def refuse(constant):
        raise AssertionError(f"{constant} in the JSON")

    report = json.loads(out, parse_constant=refuse)
    assert report["ratings"] == len(lines)
    assert "nan" not in (tmp_path / "r.html").read_text(encoding="utf-8").lower()
