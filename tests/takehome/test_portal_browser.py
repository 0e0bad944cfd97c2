"""The candidate portal in a real browser: headless Chromium driven by Playwright.

What only a browser shows: that the page's own stylesheet survives the Content-Security-Policy
(an unstyled page is what a candidate would see if it did not), that the form posts where the
policy allows (``form-action 'self'``), and the whole round trip a candidate makes. Chromium is
Debian's (/usr/bin/chromium, installed by scripts/setup.sh), never a download, and it resolves
no name but the loopback server's: ``--host-resolver-rules`` fails every other lookup locally.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from challenges.load import Challenge
from tests.takehome.test_portal import GOOD_URL, SPEC_LINE, Portal, serve_portal

pytestmark = pytest.mark.browser


@pytest.fixture
def site(tmp_path: Path, kv_store: Challenge) -> Iterator[Portal]:
    yield from serve_portal(tmp_path, ("kv-store", kv_store))


@dataclass
class Tab:
    """A browser page and what the browser reported while it was open."""

    page: Page
    problems: list[str] = field(default_factory=list)


@pytest.fixture
def tab(browser: Browser, site: Portal) -> Iterator[Tab]:
    context = browser.new_context(base_url=str(site.client.base_url))
    opened = Tab(context.new_page())
    # A refused URL comes back with status 400 on purpose; anything else logged is a problem.
    opened.page.on(
        "console",
        lambda message: (
            None
            if "status of 400" in message.text
            else opened.problems.append(f"{message.type}: {message.text}")
        ),
    )
    opened.page.on("pageerror", lambda error: opened.problems.append(str(error)))
    yield opened
    context.close()


def test_the_link_opens_a_styled_page_with_the_spec(tab: Tab, site: Portal, kv_store):
    page = tab.page
    response = page.goto(site.invite())
    assert response is not None
    assert response.status == 200
    assert page.locator("main > h1").inner_text() == kv_store.config.title
    assert page.get_by_text(SPEC_LINE).is_visible()
    assert page.locator("section.spec h2", has_text="The task").is_visible()
    # The inline stylesheet applied despite default-src 'none': main is a 52rem card.
    width = page.locator("main").evaluate("element => getComputedStyle(element).maxWidth")
    assert width == "832px"
    assert tab.problems == [], "the browser reported errors (a CSP violation?)"


def test_a_refused_url_is_shown_and_the_right_one_received(tab: Tab, site: Portal):
    page = tab.page
    path = site.invite()
    page.goto(path)
    page.get_by_label("Your repository").fill("https://evil.example.com/alice/kv-store")
    page.get_by_role("button", name="Submit for grading").click()
    alert = page.get_by_role("alert")
    assert "not accepted" in alert.inner_text()
    assert "evil.example.com" in alert.inner_text()
    assert page.get_by_label("Your repository").input_value().startswith("https://evil.")
    assert site.queued.requests == []

    page.get_by_label("Your repository").fill(GOOD_URL)
    page.get_by_role("button", name="Submit for grading").click()
    assert page.locator("main > h1").inner_text().endswith(": received")
    assert GOOD_URL in page.locator("p.ok").inner_text()
    assert [request.source for request in site.queued.requests] == [GOOD_URL]
    assert tab.problems == []

    again = page.goto(path)
    assert again is not None
    assert again.status == 403
    assert "already used" in page.content()


def test_the_browser_will_not_submit_an_empty_form(tab: Tab, site: Portal):
    page = tab.page
    page.goto(site.invite())
    page.get_by_role("button", name="Submit for grading").click()
    assert page.get_by_label("Your repository").evaluate("element => element.validity.valueMissing")
    assert site.queued.requests == []
