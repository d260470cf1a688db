"""/queries over real HTTP: the list, one query as HTML, JSON and CSV, parameters that are
checked and bound (never pasted), and the same limits and errors as /sparql."""

from __future__ import annotations

import csv
import io
import re

import pytest
import requests
from servers import LiveServer

JSON = {"Accept": "application/json"}
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
SPARQL_JSON = "application/sparql-results+json"


def get(server, path: str, **kwargs) -> requests.Response:
    return requests.get(server.url + path, timeout=30, **kwargs)


# ---- the list -----------------------------------------------------------------------------

def test_list_as_json(live_server):
    response = get(live_server, "/queries", headers=JSON)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    queries = {q["name"]: q for q in response.json()["queries"]}
    assert len(queries) >= 15
    county = queries["county-enterprise-sdg-targets"]
    assert set(county["title"]) == set(county["description"]) == {"sv", "en"}
    assert county["params"] == [{
        "name": "county", "type": "string", "default": "12",
        "description": {"sv": "länskod med två siffror (t.ex. 12 Skåne, 21 Gävleborg)",
                        "en": "county code, two digits (e.g. 12 Skåne, 21 Gävleborg)"}}]
    assert county["url"] == live_server.url + "/queries/county-enterprise-sdg-targets"
    assert "seg:contributesToSDGTarget" in county["sparql"]
    same = get(live_server, "/queries?format=json")
    assert same.json() == response.json()
    etag = response.headers["ETag"]
    again = get(live_server, "/queries", headers={**JSON, "If-None-Match": etag})
    assert again.status_code == 304


def test_list_as_html_in_both_languages(live_server):
    swedish = get(live_server, "/queries", headers=HTML)
    assert swedish.status_code == 200
    assert swedish.headers["Content-Type"].startswith("text/html")
    assert '<html lang="sv">' in swedish.text
    assert "Kommunerna i SKR:s utvecklingsnätverk sociala företag" in swedish.text
    assert 'href="/queries/network-municipalities"' in swedish.text
    assert 'rel="alternate"' in swedish.headers["Link"]
    english = get(live_server, "/queries", headers={**HTML, "Accept-Language": "en-GB,en;q=0.8"})
    assert "The municipalities of SKR&#39;s development network on social enterprises" \
        in english.text
    assert '<html lang="en">' in get(live_server, "/queries?lang=en", headers=HTML).text


# ---- one query ----------------------------------------------------------------------------

def test_query_with_a_parameter_as_json(live_server):
    path = "/queries/county-enterprise-sdg-targets?county=12"
    response = get(live_server, path, headers=JSON)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(SPARQL_JSON)
    assert response.headers["X-Query-Name"] == "county-enterprise-sdg-targets"
    assert response.headers["X-Query-Parameters"] == "county=12"
    document = response.json()
    assert set(document) == {"head", "results"}  # the W3C document, unchanged
    rows = document["results"]["bindings"]
    assert rows and {r["countyName"]["value"] for r in rows} == {"Skåne län"}
    assert response.headers["X-Result-Rows"] == str(len(rows))
    same = get(live_server, path + "&format=json")
    assert same.json() == document
    assert get(live_server, path, headers={**JSON, "If-None-Match": response.headers["ETag"]}
               ).status_code == 304
    other = get(live_server, "/queries/county-enterprise-sdg-targets?county=21", headers=JSON)
    assert other.headers["ETag"] != response.headers["ETag"]
    assert {r["countyName"]["value"] for r in other.json()["results"]["bindings"]} == \
        {"Gävleborgs län"}


def test_query_with_parameters_as_csv(live_server):
    response = get(live_server, "/queries/agreement-value-per-municipality?fromYear=2025",
                   headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["municipality"] for r in rows} >= {"Malmö", "Tierp"}
    assert all(r["fromYear"] == "2025" and int(r["firstYear"]) >= 2025 for r in rows)
    by_format = get(live_server, "/queries/agreement-value-per-municipality?fromYear=2025"
                                 "&format=csv")
    assert by_format.text == response.text
    defaults = get(live_server, "/queries/agreement-value-per-municipality?format=csv")
    assert defaults.headers["X-Query-Parameters"] == "fromYear=2022"
    assert len(defaults.text.splitlines()) > len(rows) + 1


def test_query_page_has_a_form_and_the_table(live_server):
    response = get(live_server, "/queries/challenges-without-enterprise?municipality=1880",
                   headers=HTML)
    assert response.status_code == 200
    page = response.text
    assert "Samhällsutmaningar i en kommun som inget socialt företag arbetar med" in page
    assert re.search(r'<input id="param-municipality" name="municipality" value="1880"', page)
    assert "<table" in page and "Brottsförebyggande" in page
    assert "format=csv" in page and "format=json" in page
    assert "truncated" not in page
    english = get(live_server, "/queries/challenges-without-enterprise?lang=en")
    assert "Challenges in a municipality that no social enterprise works on" in english.text
    assert "Crime prevention" in english.text
    defaults = get(live_server, "/queries/enterprises-by-profit-reinvestment", headers=HTML)
    assert '<option value="false" selected>' in defaults.text


def test_values_are_escaped_in_the_page(live_server):
    response = get(live_server, "/queries/label-search",
                   params={"text": '<script>alert("x")</script>'}, headers=HTML)
    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in response.text


def test_an_injection_attempt_is_a_plain_value(live_server):
    response = get(live_server, "/queries/label-search",
                   params={"text": 'x" } ; DROP ALL #', "format": "json"})
    assert response.status_code == 200
    assert response.json()["results"]["bindings"] == []
    union = get(live_server, "/queries/challenges-without-enterprise",
                params={"municipality": '1880" } UNION { ?m ?p ?o } #', "format": "json"})
    assert union.status_code == 200 and union.json()["results"]["bindings"] == []
    network = get(live_server, "/queries/network-municipalities?format=json")
    assert len(network.json()["results"]["bindings"]) == 12  # nothing was dropped


@pytest.mark.parametrize(("path", "name", "expected"), [
    ("/queries/agreement-value-per-municipality?fromYear=last+year", "fromYear", "whole number"),
    ("/queries/municipalities-facing-challenge?challenge=challenge/unemployment", "challenge",
     "absolute http"),
    ("/queries/policies-adopted-since?since=2022-13-01", "since", "YYYY-MM-DD"),
    ("/queries/agreements-of-a-kind?minValue=lots", "minValue", "decimal"),
    ("/queries/enterprises-by-profit-reinvestment?reinvests=maybe", "reinvests", "true or false"),
    ("/queries/enterprises-by-challenge-name?challengeName=Arbetslöshet", "challengeName",
     "text@tag"),
    ("/queries/county-map?county=12&county=14", "county", "once"),
])
def test_a_bad_parameter_is_a_400_naming_it(live_server, path, name, expected):
    response = get(live_server, path, headers=JSON)
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False and body["status"] == 400
    assert f"'{name}'" in body["error"] and expected in body["error"]
    page = get(live_server, path, headers=HTML)
    assert page.status_code == 400 and f"&#39;{name}&#39;" in page.text
    assert 'class="error"' in page.text
    csv_answer = get(live_server, path + "&format=csv")
    assert csv_answer.status_code == 400 and f"'{name}'" in csv_answer.text


def test_unknown_query_and_unknown_format(live_server):
    response = get(live_server, "/queries/no-such-query", headers=JSON)
    assert response.status_code == 404
    assert "no-such-query" in response.json()["error"]
    assert get(live_server, "/queries/network-map?format=turtle").status_code == 406
    assert get(live_server, "/queries/network-map", headers={"Accept": "image/png"}
               ).status_code == 406


# ---- limits -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_server(built):
    """3 rows at most, two requests a minute."""
    paths, _ = built
    server = LiveServer(paths.var, "--workers", "1", "--max-rows", "3", "--rate-limit", "12")
    yield server
    server.stop()


def test_truncation_is_shown_and_the_rate_limit_applies(small_server):
    page = get(small_server, "/queries/network-municipalities", headers=HTML)
    assert page.status_code == 200
    assert 'class="warning truncated"' in page.text and "max_rows" in page.text
    assert page.headers["X-Result-Truncated"].startswith("true")
    assert page.text.count("<tr>") == 1 + 3
    answer = get(small_server, "/queries/network-municipalities?format=json")
    assert len(answer.json()["results"]["bindings"]) == 3
    limited = get(small_server, "/queries/network-municipalities?format=csv")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1


def test_a_query_past_the_time_limit_is_a_503(built):
    paths, _ = built
    server = LiveServer(paths.var, "--workers", "1", "--query-timeout", "0.001",
                        "--rate-limit", "0")
    try:
        response = get(server, "/queries/label-search?text=a", headers=JSON)
        assert response.status_code == 503
        assert "label-search" in response.json()["error"]
    finally:
        server.stop()
