"""The /match page in a real browser (Debian's chromium driven by Playwright): a person types a
Swedish description and reads the challenges, goals and targets it addresses with their
evidence and the enterprises that fit; picks a municipality (from its page, or in the form) and
reads every reason; switches language and keeps the result. Nothing is fetched from anywhere but
the live server, and the forms work without script. Without /usr/bin/chromium the tests skip."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from test_pages_browser import Reader

DESCRIPTION = ("Vi driver ett kafé och en cateringverksamhet där långtidsarbetslösa får "
               "arbetsträning och handledning, och vi ordnar träffar mot ofrivillig ensamhet "
               "bland äldre i stadsdelen.")


@pytest.fixture()
def reader(browser, live_server):
    readers: list[Reader] = []

    def open_reader(locale: str = "sv-SE", *, script: bool = True) -> Reader:
        readers.append(Reader(browser, live_server, locale))
        if not script:  # the same pages with JavaScript off: the forms are plain HTML
            readers[-1].context.close()
            reader = readers[-1]
            reader.context = browser.new_context(locale=locale, java_script_enabled=False,
                                                 viewport={"width": 1300, "height": 1000})
            reader.context.set_default_timeout(15_000)
            reader.context.route("**/*", reader._route)
            reader.page = reader.context.new_page()
        return readers[-1]

    yield open_reader
    for r in readers:
        r.context.close()


def submit(r: Reader, form: str) -> None:
    with r.page.expect_navigation():
        r.page.click(f"form.{form} button[type=submit]")
    assert urlsplit(r.page.url).path == "/match"


@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
def test_a_description_gives_challenges_with_evidence_and_enterprises(reader, script):
    r = reader("sv-SE", script=script)
    r.open("/match")
    assert r.h1() == "Matchning"
    assert r.page.locator('header.site a[href="/match"]').inner_text() == "Matchning"
    r.page.fill("textarea#text", DESCRIPTION)
    r.page.select_option("select#near", "1283")
    submit(r, "describe")
    assert parse_qs(urlsplit(r.page.url).query)["municipality"] == ["1283"]

    challenges = r.page.locator("table.challenges")
    row = challenges.locator("tr", has=r.page.locator(
        'a[href="/id/challenge/long-term-unemployment"]'))
    assert row.count() == 1
    assert row.locator("a").inner_text() == "Långtidsarbetslöshet"
    assert "långtidsarbetslösa" in row.locator("ul.evidence").inner_text()
    assert float(row.locator("td.n").inner_text().replace(",", ".")) > 0
    loneliness = challenges.locator('a[href="/id/challenge/loneliness"]')
    assert loneliness.count() == 1
    goals = r.page.locator("table.goals").inner_text()
    assert "Mål 8:" in goals
    assert r.page.locator('table.targets a[href^="/id/sdg/target/"]').count() >= 1
    assert r.page.locator("textarea#text").input_value() == DESCRIPTION  # kept for editing

    heading = r.page.locator("#enterprises h2")
    assert "Helsingborg" in heading.inner_text()
    enterprises = r.page.locator("ol.matches > li")
    assert enterprises.count() >= 3
    first = enterprises.first
    assert first.locator('h3 a[href^="/id/organisation/"]').count() == 1
    assert first.locator("li.reason.challenge").count() >= 1
    assert "Samhällsutmaning" in first.locator("li.reason").first.inner_text()
    scores = [float(s.replace(",", ".").split()[0])
              for s in enterprises.locator("span.score").all_inner_texts()]
    assert scores == sorted(scores, reverse=True)
    r.screenshot(f"match-text-{'script' if script else 'noscript'}")

    # every result leads to its page
    name = first.locator("h3 a").inner_text()
    href = first.locator("h3 a").get_attribute("href")
    r.follow("ol.matches > li:first-child h3 a", href)
    assert r.h1() == name
    r.assert_clean()


def test_a_text_that_addresses_nothing(reader):
    r = reader("sv-SE")
    r.open("/match")
    r.page.fill("textarea#text", "Qwzx plomf grabbel snorkvist.")
    submit(r, "describe")
    assert "tar inte upp någon" in r.page.locator("#links").inner_text()
    assert r.page.locator("table.links").count() == 0
    r.assert_clean()


def test_from_a_municipality_page_to_its_matches_and_every_reason(reader):
    r = reader("sv-SE")
    r.open("/id/municipality/1283")
    r.follow("a.matching", "/match")
    assert parse_qs(urlsplit(r.page.url).query)["municipality"] == ["1283"]
    heading = r.page.locator("#enterprises h2")
    assert heading.inner_text().startswith("Sociala företag som passar")
    assert heading.locator('a[href="/id/municipality/1283"]').inner_text() == "Helsingborg"
    assert r.page.locator("select#municipality").input_value() == "1283"
    enterprises = r.page.locator("ol.matches > li")
    assert enterprises.count() >= 3
    for i in range(enterprises.count()):  # every match says why
        assert enterprises.nth(i).locator("li.reason").count() >= 1
    first = enterprises.first
    geography = first.locator("li.reason.geography")
    assert geography.count() == 1 and "Geografi" in geography.inner_text()
    assert first.locator('li.reason a[href^="/id/challenge/"]').count() >= 1
    r.screenshot("match-municipality")

    # pick another municipality in the form
    r.page.select_option("select#municipality", "1280")
    submit(r, "pick")
    assert r.page.locator('#enterprises h2 a[href="/id/municipality/1280"]').inner_text() == \
        "Malmö"
    r.assert_clean()


def test_a_municipality_without_needs_asks_for_them_in_one_step(reader):
    r = reader("sv-SE")
    r.open("/match?municipality=2584")
    assert r.page.locator("p.note").inner_text() == (
        "Inga samhällsutmaningar är registrerade för Kiruna. Beskriv era behov i textrutan "
        "för att matcha på dem.")
    assert "endast efter närhet" in r.page.locator("#no-needs h2").inner_text()
    assert r.page.locator("select#near").input_value() == "2584"  # already chosen
    r.page.fill("textarea#text", DESCRIPTION)
    submit(r, "describe")
    assert parse_qs(urlsplit(r.page.url).query)["municipality"] == ["2584"]
    assert r.page.locator('#enterprises h2 a[href="/id/municipality/2584"]').inner_text() == \
        "Kiruna"
    assert r.page.locator("ol.matches li.reason.challenge").count() >= 1
    r.assert_clean()


def test_the_language_switch_keeps_the_result(reader):
    r = reader("sv-SE")
    r.open("/match?municipality=1283")
    with r.page.expect_navigation():
        r.page.click('nav.switch a[lang="en"]')
    assert r.page.locator("html").get_attribute("lang") == "en"
    assert r.h1() == "Matching"
    assert r.page.locator('header.site a[href="/match?lang=en"]').inner_text() == "Matching"
    assert r.page.locator("#enterprises h2").inner_text().startswith(
        "Social enterprises that fit")
    assert "Societal challenge" in r.page.locator("ol.matches li.reason").first.inner_text()
    r.screenshot("match-municipality-en")

    # the choice holds: a description now reads in English too
    r.page.fill("textarea#text", DESCRIPTION)
    submit(r, "describe")
    assert r.page.locator("html").get_attribute("lang") == "en"
    row = r.page.locator("table.challenges tr", has=r.page.locator(
        'a[href="/id/challenge/long-term-unemployment"]'))
    assert row.locator("a").inner_text() == "Long-term unemployment"
    assert "Language of the text: Swedish (detected)" in r.page.locator("#links").inner_text()
    r.assert_clean()
