"""The review app in a real browser (headless Debian Chromium through Playwright, loopback
only): what a reviewer and a manager do, with the page's script running, keys and clicks.

Screenshots of the review, decision and cohort pages are taken every run (an unstyled or
broken page shows there); with TAKEHOME_UPDATE_SCREENSHOTS=1 they replace those in docs/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from challenges.load import Challenge
from tests.takehome.review_site import IDENTITY, ReviewSite, serve_review_site

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def site(tmp_path: Path, kv_store: Challenge) -> Iterator[ReviewSite]:
    yield from serve_review_site(tmp_path, kv_store)


@pytest.fixture
def contexts(browser: Browser, site: ReviewSite) -> Iterator[list[BrowserContext]]:
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def sign_in(browser: Browser, site: ReviewSite, contexts: list[BrowserContext], name: str,
            manager: bool = False) -> Page:  # fmt: skip
    context = browser.new_context(base_url=site.base, viewport={"width": 1400, "height": 900})
    contexts.append(context)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" and "status of 4" not in message.text else None)  # fmt: skip
    page.goto(site.link(name, manager))
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("header .who")).to_contain_text(name)
    page.problems = problems  # type: ignore[attr-defined]
    return page


def shot(page: Page, tmp_path: Path, name: str) -> None:
    target = DOCS if os.environ.get("TAKEHOME_UPDATE_SCREENSHOTS") == "1" else tmp_path
    target.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target / name), full_page=False)


def human_rows(site: ReviewSite) -> list[tuple[str, bool]]:
    return [(c.id, bool(c.levels)) for c in site.challenge.rubric.criteria if c.kind == "human"]


def rate_by_keyboard(page: Page, site: ReviewSite, level: str, note: str) -> None:
    """Every row with keys only: a digit, e to write, Escape, j to the next row."""
    for _row, _levels in human_rows(site):
        page.keyboard.press(level)
        page.keyboard.press("e")
        page.keyboard.type(note)
        page.keyboard.press("Escape")
        page.keyboard.press("j")
    expect(page.locator("#save-status")).to_contain_text("Saved")


def submit_by_keyboard(page: Page, site: ReviewSite, level: str, note: str) -> None:
    rate_by_keyboard(page, site, level, note)
    page.keyboard.press("Control+Enter")
    expect(page.locator("#save-status")).to_contain_text("Submitted")


def open_review(browser: Browser, site: ReviewSite, contexts: list[BrowserContext], name: str,
                submission: int) -> Page:  # fmt: skip
    """Signed in as ``name``, the queue visited (it assigns what is pending), the review page
    of ``submission`` open."""
    page = sign_in(browser, site, contexts, name)
    page.goto("/review")
    page.goto(f"/review/{submission}")
    return page


def test_login_queue_and_a_whole_review_without_the_mouse(
    browser: Browser, site: ReviewSite, contexts: list[BrowserContext], tmp_path: Path
) -> None:
    submission = site.grade("1" * 40)
    page = sign_in(browser, site, contexts, "ann")
    sign_in(browser, site, contexts, "bob")
    page.goto("/review")
    waiting = page.locator("section[data-state='waiting']")
    expect(waiting).to_contain_text(f"submission-{submission}")
    page.keyboard.press("Tab")  # the queue's links are reached by keyboard as well
    page.goto(f"/review/{submission}")
    # The evidence is on the page: anchors, auto rows, failing tests, the code and its findings.
    expect(page.locator("fieldset.hrow").first).to_contain_text("1")
    expect(page.locator(".auto-rows")).to_be_visible()
    expect(page.locator("ul.failing li").first).to_contain_text("AssertionError")
    expect(page.locator(".cv-file[data-file='kvstore.py'] tr[data-line='1']")).to_be_visible()
    expect(page.locator(".cv-notes").first).to_be_visible()
    expect(page.locator("#diffs")).to_contain_text("kvstore.py")
    page.keyboard.press("?")
    expect(page.locator("#keys-help")).to_be_visible()
    page.keyboard.press("Escape")
    rate_by_keyboard(page, site, "3", "names say what they hold")
    page.evaluate("window.scrollTo(0, 0); document.querySelector('.rubric').scrollTop = 0")
    shot(page, tmp_path, "review-page.png")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#save-status")).to_contain_text("Submitted")
    latest = site.store.latest_card(submission)[0]
    (review,) = site.store.reviews_of(latest)
    assert review.reviewer == "ann"
    assert {r.row for r in review.ratings} == {row for row, _ in human_rows(site)}
    assert all(r.level == 3 for r in review.ratings if r.level is not None)
    assert page.problems == []  # type: ignore[attr-defined]


def test_a_clicked_line_is_cited_and_autosave_survives_a_reload(
    browser: Browser, site: ReviewSite, contexts: list[BrowserContext]
) -> None:
    submission = site.grade("1" * 40)
    page = open_review(browser, site, contexts, "ann", submission)
    line = page.locator(".cv-file[data-file='kvstore.py'] tr[data-line='5'] td.cv-n a")
    line.click()
    first = page.locator("fieldset.hrow").first.locator("textarea")
    expect(first).to_have_value("kvstore.py:5")
    expect(page.locator("#save-status")).to_contain_text("Saved")
    page.reload()
    expect(page.locator("fieldset.hrow").first.locator("textarea")).to_have_value("kvstore.py:5")
    assert page.problems == []  # type: ignore[attr-defined]


def test_two_tabs_never_overwrite_each_other(
    browser: Browser, site: ReviewSite, contexts: list[BrowserContext]
) -> None:
    submission = site.grade("1" * 40)
    one = open_review(browser, site, contexts, "ann", submission)
    two = one.context.new_page()
    two.goto(f"/review/{submission}")
    one.locator("fieldset.hrow").first.locator("textarea").fill("written in tab one")
    expect(one.locator("#save-status")).to_contain_text("Saved")
    two.locator("fieldset.hrow").first.locator("textarea").fill("written in tab two")
    expect(two.locator("#save-status")).to_contain_text("another tab")
    expect(two.locator("fieldset.hrow").first.locator("textarea")).to_have_value(
        "written in tab two"  # still on screen, to copy: nothing typed is thrown away
    )
    one.reload()
    expect(one.locator("fieldset.hrow").first.locator("textarea")).to_have_value(
        "written in tab one"
    )


def test_others_ratings_appear_only_after_ones_own(
    browser: Browser, site: ReviewSite, contexts: list[BrowserContext]
) -> None:
    submission = site.grade("1" * 40)
    ann = sign_in(browser, site, contexts, "ann")
    bob = sign_in(browser, site, contexts, "bob")
    ann.goto("/review")
    ann.goto(f"/review/{submission}")
    submit_by_keyboard(ann, site, "2", "ANN-ONLY")
    bob.goto(f"/review/{submission}")
    assert "ANN-ONLY" not in bob.content()
    expect(bob.locator(".independence")).to_be_visible()
    rate_by_keyboard(bob, site, "3", "bob says")
    bob.keyboard.press("Control+Enter")
    expect(bob.locator(".others")).to_contain_text("ANN-ONLY")


def test_a_regrade_marks_the_review_stale_until_confirmed(
    browser: Browser, site: ReviewSite, contexts: list[BrowserContext]
) -> None:
    submission = site.grade("1" * 40)
    page = open_review(browser, site, contexts, "ann", submission)
    submit_by_keyboard(page, site, "3", "fine")
    site.grade("2" * 40, extra="pushed later")
    page.reload()
    expect(page.locator("#stale")).to_contain_text("graded again")
    page.get_by_role("button", name="Move my ratings to the new grade").click()
    expect(page.locator("#stale")).to_have_count(0)
    expect(page.locator(".cv-file").first).to_be_visible()
    assert "pushed later" in page.content()  # the new commit's code is what is shown


def test_the_manager_decides_after_seeing_disagreements_and_can_reopen(
    browser: Browser, site: ReviewSite, contexts: list[BrowserContext], tmp_path: Path
) -> None:
    submission = site.grade("1" * 40)
    for name, level in (("ann", "1"), ("bob", "4")):
        page = open_review(browser, site, contexts, name, submission)
        submit_by_keyboard(page, site, level, f"{name} reasons")
    boss = sign_in(browser, site, contexts, "boss", manager=True)
    boss.goto("/manage")
    expect(boss.locator("table.cohort")).to_contain_text("2 / 2")
    shot(boss, tmp_path, "cohort-page.png")
    boss.goto(f"/manage/{submission}")
    expect(boss.locator("#disagreements")).to_contain_text("differ by two levels or more")
    expect(boss.locator("tr.disagree").first).to_be_visible()
    shot(boss, tmp_path, "decision-page.png")
    boss.get_by_label("yes", exact=True).check()
    boss.get_by_label("Reason").fill("clean design, tests pass")
    boss.get_by_role("button", name="Record the decision").click()
    expect(boss.locator("p.ok")).to_contain_text("by boss")
    boss.get_by_label("Why reopen").fill("a reviewer asked to amend")
    boss.get_by_role("button", name="Reopen").click()
    expect(boss.get_by_role("button", name="Record the decision")).to_be_visible()


def test_a_blind_review_page_holds_no_identity_anywhere_in_its_html(
    browser: Browser, site: ReviewSite, contexts: list[BrowserContext]
) -> None:
    submission = site.grade("1" * 40)
    page = open_review(browser, site, contexts, "ann", submission)
    expect(page.locator(".cv-readme")).to_be_visible()
    html = page.content().lower()
    for planted in IDENTITY:
        assert planted.lower() not in html, planted


def test_the_manager_reads_the_calibration_page_and_opens_a_borderline_case(
    browser: Browser, site: ReviewSite, contexts: list[BrowserContext], tmp_path: Path
) -> None:
    submissions = [site.grade(str(n) * 40, alias=f"cand{n}") for n in (1, 2)]
    for name, level in (("ann", "1"), ("bob", "4")):
        page = sign_in(browser, site, contexts, name)
        page.goto("/review")
        for submission in submissions:
            page.goto(f"/review/{submission}")
            submit_by_keyboard(page, site, level, f"{name} reasons")
    boss = sign_in(browser, site, contexts, "boss", manager=True)
    boss.goto("/manage")
    boss.get_by_role("link", name="Calibration").click()
    expect(boss.locator("h1")).to_have_text("Reviewer calibration")
    expect(boss.get_by_role("img", name="Reviewer offsets with intervals")).to_be_visible()
    expect(boss.get_by_text("too few to trust").first).to_be_visible()  # two submissions only
    shot(boss, tmp_path, "calibration-page.png")
    html = boss.content().lower()
    for planted in IDENTITY:
        assert planted.lower() not in html, planted
    case = boss.locator("a[href^='/manage/']").first
    target = case.get_attribute("href")
    case.click()
    expect(boss).to_have_url(f"{site.base}{target}")
    expect(boss.locator("#disagreements")).to_be_visible()
