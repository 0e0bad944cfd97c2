"""The review app over HTTP, as a reviewer's browser (without script) and a hostile client
would use it: sign-in, sessions and CSRF, assignment, saves with a version, submission,
independence, stale reviews after a regrade, the manager's decision and reopening, and the
blind rules on every page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from challenges.load import Challenge
from runner.review_desk.blinding import CodeCache
from runner.review_desk.review_page import open_review
from runner.review_desk.similar import similar_work
from runner.store.models import Role
from tests.takehome.review_site import IDENTITY, ReviewSite, csrf_of, serve_review_site, version_of


@pytest.fixture
def site(tmp_path: Path, kv_store: Challenge) -> Iterator[ReviewSite]:
    yield from serve_review_site(tmp_path, kv_store)


def human_rows(site: ReviewSite) -> list[tuple[str, bool]]:
    """(row id, rated by level) of the bundled rubric's human rows."""
    return [(c.id, bool(c.levels)) for c in site.challenge.rubric.criteria if c.kind == "human"]


def form(site: ReviewSite, html: str, level: int, action: str = "save",
         note: str = "clear names", version: int | None = None) -> dict[str, object]:  # fmt: skip
    current = version if version is not None else version_of(html)
    data: dict[str, object] = {"csrf": csrf_of(html), "action": action, "version": current}
    for row, levels in human_rows(site):
        data[f"kind:{row}"] = "levels" if levels else "items"
        if levels:
            data[f"level:{row}"] = str(level)
        data[f"justification:{row}"] = f"{note} kvstore.py:3"
    return data


def review_page(client: httpx.Client, submission: int) -> str:
    page = client.get(f"/review/{submission}")
    assert page.status_code == 200, page.text
    return page.text


def test_a_login_link_works_once_and_pages_need_a_session(site: ReviewSite) -> None:
    submission = site.grade("1" * 40)
    anonymous = site.client()
    assert anonymous.get(f"/review/{submission}").headers["location"] == "/login"
    link = site.link("ann")
    shown = anonymous.get(link)
    assert shown.status_code == 200
    assert 'action="/login"' in shown.text
    token = link.rsplit("/", 1)[-1]
    assert anonymous.post("/login", data={"token": token}).status_code == 303
    again = site.client().post("/login", data={"token": token})
    assert again.status_code == 403
    assert "already used" in again.text
    forged = site.client().post("/login", data={"token": "x" * 43})
    assert forged.status_code == 403
    assert "not valid" in forged.text
    assert "takehome_session" in anonymous.cookies
    assert anonymous.get("/review").status_code == 200


def test_posts_without_the_sessions_csrf_token_change_nothing(site: ReviewSite) -> None:
    submission = site.grade("1" * 40)
    ann = site.signed_in("ann")
    site.signed_in("bob")
    ann.get("/review")
    html = review_page(ann, submission)
    data = form(site, html, 3)
    data["csrf"] = "forged"
    refused = ann.post(f"/review/{submission}", data=data)
    assert refused.status_code == 403
    assert "out of date" in refused.text
    assert version_of(review_page(ann, submission)) == version_of(html) + 0
    logout = ann.post("/logout", data={"csrf": "forged"})
    assert logout.status_code == 403
    assert ann.post("/logout", data={"csrf": csrf_of(html)}).status_code == 303
    assert ann.get(f"/review/{submission}").headers["location"] == "/login"


def test_submissions_go_to_k_reviewers_by_load_and_others_see_nothing(site: ReviewSite) -> None:
    submissions = [site.grade(str(n) * 40, alias=f"cand{n}") for n in range(1, 7)]
    clients = {name: site.signed_in(name) for name in ("ann", "bob", "cem")}
    clients["ann"].get("/review")  # the queue assigns what is pending
    loads = {name: sum(site.store.is_assigned(s, site.store.reviewer_named(name).id)
                       for s in submissions) for name in clients}  # fmt: skip
    assert sorted(loads.values()) == [4, 4, 4]  # 6 submissions x 2 reviewers over 3 people
    for submission in submissions:
        assert len(site.store.assignees(submission)) == 2
        outsider = next(n for n in clients if n not in site.store.assignees(submission))
        refused = clients[outsider].get(f"/review/{submission}")
        assert refused.status_code == 404
        assert "not assigned to you" in refused.text
        queue = clients[outsider].get("/review").text
        assert f'/review/{submission}"' not in queue


def test_a_save_over_an_older_version_overwrites_nothing(site: ReviewSite) -> None:
    submission = site.grade("1" * 40)
    ann = site.signed_in("ann")
    ann.get("/review")
    first_tab = second_tab = review_page(ann, submission)
    saved = ann.post(f"/review/{submission}", data=form(site, first_tab, 3, note="tab one"))
    assert saved.status_code == 303
    stale = ann.post(f"/review/{submission}", data=form(site, second_tab, 1, note="tab two"),
                     headers={"X-Requested-With": "fetch"})  # fmt: skip
    assert stale.status_code == 409
    assert "another tab" in stale.json()["error"]
    assert "nothing was overwritten" in stale.json()["error"]
    now = review_page(ann, submission)
    assert "tab one" in now
    assert "tab two" not in now


def test_a_review_needs_every_row_and_others_ratings_wait_for_ones_own(site: ReviewSite) -> None:
    submission = site.grade("1" * 40)
    ann, bob = site.signed_in("ann"), site.signed_in("bob")
    ann.get("/review")
    html = review_page(ann, submission)
    partial = form(site, html, 3, action="submit")
    first_row = human_rows(site)[0][0]
    partial[f"justification:{first_row}"] = ""
    refused = ann.post(f"/review/{submission}", data=partial)
    assert refused.status_code == 400
    assert f"{first_row}: a justification is required" in refused.text
    ready = form(site, review_page(ann, submission), 3, action="submit", note="ANN-SAYS")
    done = ann.post(f"/review/{submission}", data=ready)
    assert done.status_code == 303
    bob_page = review_page(bob, submission)
    assert "ANN-SAYS" not in bob_page
    assert "once you have submitted yours" in bob_page
    # The rule itself, not only the page: what the library hands any page before bob's review.
    bob_account = site.store.reviewer_named("bob")
    assert bob_account is not None
    assert open_review(site.store, bob_account, submission, True, CodeCache()).others == []
    bob.post(f"/review/{submission}", data=form(site, bob_page, 2, action="submit", note="BOB"))
    assert "ANN-SAYS" in review_page(bob, submission)
    seconds = site.store.review_seconds(site.store.latest_card(submission)[0])
    assert set(seconds) == {"ann", "bob"}
    assert all(value >= 0 for value in seconds.values())


def test_a_regrade_of_another_commit_makes_the_review_stale(site: ReviewSite) -> None:
    submission = site.grade("1" * 40)
    ann = site.signed_in("ann")
    site.signed_in("bob")
    ann.get("/review")
    ann.post(f"/review/{submission}", data=form(site, review_page(ann, submission), 3,
                                                action="submit"))  # fmt: skip
    old_id = site.store.latest_card(submission)[0]
    assert [r.reviewer for r in site.store.reviews_of(old_id)] == ["ann"]
    assert site.grade("2" * 40) == submission  # the candidate pushed; graded again
    new_id = site.store.latest_card(submission)[0]
    assert site.store.reviews_of(new_id) == []  # not merged into the new grade
    html = review_page(ann, submission)
    assert "Your review rates commit 111111111111" in html
    assert "222222222222" in html
    refused = ann.post(f"/review/{submission}", data=form(site, html, 3, action="submit"))
    assert refused.status_code == 409
    assert "confirm it for the new one" in refused.text
    moved = ann.post(f"/review/{submission}", data={"csrf": csrf_of(html), "action": "confirm",
                                                    "version": version_of(html)})  # fmt: skip
    assert moved.status_code == 303
    html = review_page(ann, submission)
    assert "Your review rates commit" not in html
    ann.post(f"/review/{submission}", data=form(site, html, 3, action="submit"))
    assert [r.reviewer for r in site.store.reviews_of(new_id)] == ["ann"]


def test_a_manager_decides_with_disagreements_shown_first_and_can_reopen(site: ReviewSite) -> None:
    submission = site.grade("1" * 40)
    ann, bob = site.signed_in("ann"), site.signed_in("bob")
    boss = site.signed_in("boss", manager=True)
    ann.get("/review")
    ann.post(
        f"/review/{submission}", data=form(site, review_page(ann, submission), 1, action="submit")
    )
    bob.post(
        f"/review/{submission}", data=form(site, review_page(bob, submission), 4, action="submit")
    )
    assert ann.get(f"/manage/{submission}").status_code == 403
    page = boss.get(f"/manage/{submission}").text
    assert "differ by two levels or more" in page
    assert "Record the decision" in page
    decided = boss.post(
        f"/manage/{submission}",
        data={
            "csrf": csrf_of(page),
            "action": "decide",
            "recommendation": "yes",
            "reason": "solid",
        },
    )
    assert decided.status_code == 303
    page = boss.get(f"/manage/{submission}").text
    assert "yes</strong> by boss" in page
    late = ann.post(f"/review/{submission}", data=form(site, review_page(ann, submission), 2))
    assert late.status_code == 409
    assert "already decided" in late.text
    boss.post(f"/manage/{submission}", data={"csrf": csrf_of(page), "action": "reopen",
                                             "reason": "new evidence"})  # fmt: skip
    assert "Record the decision" in boss.get(f"/manage/{submission}").text
    amended = ann.post(f"/review/{submission}", data=form(site, review_page(ann, submission), 2,
                                                          action="submit"))  # fmt: skip
    assert amended.status_code == 303
    with site.store.engine.connect() as connection:
        actions = [row[0] for row in connection.exec_driver_sql(
            "SELECT action FROM audit_log ORDER BY id").all()]  # fmt: skip
    assert "decide" in actions
    assert "reopen" in actions


def test_every_page_of_a_blind_review_hides_the_candidate(site: ReviewSite) -> None:
    submission = site.grade("1" * 40)
    ann = site.signed_in("ann")
    boss = site.signed_in("boss", manager=True)
    pages = [ann.get("/review").text, review_page(ann, submission)]
    pages += [boss.get("/review").text, boss.get(f"/manage/{submission}").text,
              boss.get("/manage").text]  # fmt: skip
    review = pages[1]
    assert "data-line=" in review
    assert 'class="cv-file"' in review
    assert "[candidate]_helpers.py" in review  # a file named after the candidate, renamed
    for html in pages:
        for planted in IDENTITY:
            assert planted.lower() not in html.lower(), planted
    assert "<script>alert(1)</script>" not in review  # the README's markup is inert


def test_a_static_reports_link_finds_the_submission(site: ReviewSite) -> None:
    submission = site.grade("1" * 40)
    ann = site.signed_in("ann")
    site.signed_in("bob")
    ann.get("/review")
    found = ann.get(f"/review/find/{site.challenge.config.id}/kindhuman42")
    assert found.status_code == 303
    assert found.headers["location"] == f"/review/{submission}"
    assert ann.get(f"/review/find/{site.challenge.config.id}/nobody").status_code == 404


def test_the_calibration_page_is_for_managers_and_needs_reviews(site: ReviewSite) -> None:
    submission = site.grade("1" * 40)
    ann = site.signed_in("ann")
    boss = site.signed_in("boss", manager=True)
    assert ann.get("/manage/calibration").status_code == 403
    empty = boss.get("/manage/calibration")
    assert empty.status_code == 404
    assert "no completed reviews yet" in empty.text
    ann.get("/review")
    ann.post(f"/review/{submission}", data=form(site, review_page(ann, submission), 3,
                                                action="submit"))  # fmt: skip
    page = boss.get("/manage/calibration")
    assert page.status_code == 200
    assert "Agreement per rubric row" in page.text


def test_time_spent_in_the_review_app_reaches_the_funnel(site: ReviewSite) -> None:
    invitation = site.store.create_invitation(site.challenge.config.id, "kindhuman42", None)
    site.store.open_invitation(invitation.id)
    site.store.use_invitation(invitation.id)
    submission = site.grade("1" * 40)
    ann = site.signed_in("ann")
    ann.get("/review")
    ann.post(f"/review/{submission}", data=form(site, review_page(ann, submission), 3,
                                                action="submit"))  # fmt: skip
    (record,) = site.store.funnel_records()
    assert len(record.review_seconds) == 1
    assert record.review_seconds[0] >= 0


def test_submission_numbers_that_do_not_exist_are_not_found(site: ReviewSite) -> None:
    ann = site.signed_in("ann")
    for path in ("/review/abc", "/review/99999999999999999999999999", "/review/0",
                 "/manage/123456789012345678901234567890"):  # fmt: skip
        assert ann.get(path).status_code in {403, 404}, path
    assert ann.get("/review/99999999999999999999999999").status_code == 404


def test_work_graded_or_reviewers_added_after_a_queue_view_is_assigned(site: ReviewSite) -> None:
    first = site.grade("1" * 40, alias="cand1")
    ann = site.signed_in("ann")
    assert f'/review/{first}"' in ann.get("/review").text  # nothing pending after this view
    later = site.grade("2" * 40, alias="cand2")
    assert f'/review/{later}"' in ann.get("/review").text
    bob = site.signed_in("bob")  # a second reviewer: each submission wants two
    assert f'/review/{later}"' in bob.get("/review").text
    assert site.store.assignees(first) == ["ann", "bob"]


def test_similar_work_is_shown_with_links_where_the_reader_may_follow(site: ReviewSite) -> None:
    first = site.grade("1" * 40, alias="cand1")
    second = site.grade("2" * 40, alias="cand2")  # the same code as cand1's
    ann = site.signed_in("ann")
    boss = site.signed_in("boss", manager=True)
    ann.get("/review")
    page = review_page(ann, second)
    assert 'id="similar"' in page
    assert "reference</span> solution <strong>" in page  # the reference, from the scorecard
    assert f"submission-{first}" in page
    assert f'<a href="/review/{first}">submission-{first}</a>' in page  # ann has both
    decision = boss.get(f"/manage/{second}").text
    assert f'<a href="/manage/{first}">submission-{first}</a>' in decision
    cem = site.store.add_reviewer("cem", Role.REVIEWER)  # assigned to nothing: no link
    card = site.store.latest_card(second)
    assert card is not None
    shown = similar_work(site.store, cem, second, card[1])
    assert [(e.name, e.href) for e in shown.earlier] == [(f"submission-{first}", None)]
