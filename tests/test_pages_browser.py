"""Resource pages in a real browser: Debian's chromium driven by Playwright (sync API).

From Helsingborg's page the test follows links the way a reader would: to an enterprise seated
there, on to a challenge the enterprise works on, and from the challenge's map back to a
municipality that has identified it (a real mouse click on the highlighted area); it also uses
the language switch and checks that the choice holds on the next page. Nothing may be fetched
from anywhere but the live server. Without /usr/bin/chromium the tests skip.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

SCREENSHOTS = os.environ.get("SEGRAPH_SCREENSHOTS")  # a directory: save what the tests saw


# A point inside an SVG area, in page coordinates: the first point of a grid over the area's
# bounding box that lies in its fill and is the topmost element there (so a click reaches it).
POINT_INSIDE = """selector => {
    const path = document.querySelector(selector);
    const box = path.getBBox(), ctm = path.getScreenCTM(), svg = path.ownerSVGElement;
    for (let i = 1; i < 12; i++) for (let j = 1; j < 12; j++) {
        const p = svg.createSVGPoint();
        p.x = box.x + box.width * i / 12; p.y = box.y + box.height * j / 12;
        if (!path.isPointInFill(p)) continue;
        const s = p.matrixTransform(ctm);
        const hit = document.elementFromPoint(s.x, s.y);
        if (hit === path || (hit && hit.closest('a') === path.closest('a')))
            return {x: s.x, y: s.y};
    }
    return null;
}"""


class Reader:
    """A fresh browser context on the live server that records requests and script errors."""

    def __init__(self, browser, server, locale: str) -> None:
        self.server = server
        self.origin = urlsplit(server.url).netloc
        self.context = browser.new_context(locale=locale,
                                           viewport={"width": 1300, "height": 1000})
        self.context.set_default_timeout(15_000)
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _route(self, route) -> None:
        parts = urlsplit(route.request.url)
        if parts.scheme in ("data", "blob") or parts.netloc == self.origin:
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def open(self, path: str) -> None:
        response = self.page.goto(self.server.url + path)
        assert response is not None and response.status == 200

    def follow(self, selector: str, path: str) -> None:
        """Click the link ``selector`` and wait for the page at ``path``."""
        with self.page.expect_navigation():
            self.page.click(selector)
        assert urlsplit(self.page.url).path == path
        assert self.page.locator("h1").count() == 1

    def h1(self) -> str:
        return self.page.locator("h1").inner_text().strip()

    def screenshot(self, name: str) -> None:
        if SCREENSHOTS:
            self.page.screenshot(path=str(Path(SCREENSHOTS) / f"pages-{name}.png"),
                                 full_page=True)

    def assert_clean(self) -> None:
        assert not self.outside, f"requests left {self.origin}: {self.outside}"
        assert not self.errors, f"script errors: {self.errors}"


@pytest.fixture()
def reader(browser, live_server):
    readers: list[Reader] = []

    def open_reader(locale: str = "sv-SE") -> Reader:
        readers.append(Reader(browser, live_server, locale))
        return readers[-1]

    yield open_reader
    for r in readers:
        r.context.close()


def test_from_a_municipality_to_a_challenge_and_back(reader):
    r = reader("sv-SE")
    r.open("/id/municipality/1283")
    assert r.h1() == "Helsingborg"
    marked = r.page.locator("svg path.hl")
    assert marked.count() == 1 and marked.is_visible()
    assert marked.locator("title").text_content() == "Helsingborg"
    box = marked.bounding_box()
    assert box is not None and box["width"] > 0 and box["height"] > 0
    assert r.page.locator("svg path").count() == 290
    r.screenshot("municipality")

    # to an enterprise seated in Helsingborg, then to a challenge it works on
    r.follow('.facts a[href="/id/organisation/797425-5502"]', "/id/organisation/797425-5502")
    assert r.h1() == "Kooperativet Gröna Händer (exempel)"
    r.follow('.facts a[href="/id/challenge/long-term-unemployment"]',
             "/id/challenge/long-term-unemployment")
    assert r.h1() == "Långtidsarbetslöshet"
    targets = r.page.locator("ul.targets").inner_text()
    assert "8.5 Anständiga jobb och lika lön för alla" in targets
    r.screenshot("challenge")

    # back to a municipality by clicking it on the challenge's map
    area = 'svg a[href="/id/municipality/2182"] path.hl'
    assert r.page.locator(area).locator("title").text_content() == "Söderhamn"
    point = r.page.evaluate(POINT_INSIDE, area)
    assert point is not None, "no clickable point inside Söderhamn's area"
    with r.page.expect_navigation():
        r.page.mouse.click(point["x"], point["y"])
    assert urlsplit(r.page.url).path == "/id/municipality/2182"
    assert r.h1() == "Söderhamn"
    faced = r.page.locator('.facts a[href="/id/challenge/long-term-unemployment"]')
    assert faced.count() >= 1  # the way back to the challenge is there too
    r.assert_clean()


def test_the_language_switch_holds_across_pages(reader):
    r = reader("sv-SE")
    r.open("/id/challenge/unemployment")
    assert r.page.locator("html").get_attribute("lang") == "sv"
    assert r.page.get_by_role("heading", name="Delmål i Agenda 2030").count() == 1

    with r.page.expect_navigation():
        r.page.click('nav.switch a[lang="en"]')
    assert r.page.locator("html").get_attribute("lang") == "en"
    assert r.h1() == "Unemployment"
    assert r.page.locator('nav.switch a[aria-current="true"]').inner_text() == "English"
    r.screenshot("challenge-en")

    r.follow('.facts a[href="/id/sdg/target/8.5"]', "/id/sdg/target/8.5")
    assert r.page.locator("html").get_attribute("lang") == "en", "the choice holds"
    assert r.h1() == "8.5 Decent jobs and equal pay for everyone"
    r.follow('.facts a[href="/id/sdg/goal/8"]', "/id/sdg/goal/8")
    assert r.h1() == "Goal 8: Decent work and economic growth"

    with r.page.expect_navigation():
        r.page.click('nav.switch a[lang="sv"]')
    assert r.h1() == "Mål 8: Anständiga arbetsvillkor och ekonomisk tillväxt"
    r.follow('.facts a[href="/id/challenge/unemployment"]', "/id/challenge/unemployment")
    assert r.h1() == "Arbetslöshet"
    r.assert_clean()
