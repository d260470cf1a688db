"""/api/link, /api/match and /api/openapi.json over real HTTP: answers checked against the
OpenAPI document's own response schemas, and the document itself checked with
openapi-spec-validator."""

from __future__ import annotations

import json
from itertools import pairwise

import pytest
import requests

jsonschema = pytest.importorskip("jsonschema", reason="pip install -e '.[test]'")

ID = "https://w3id.org/segraph/id/"
SWEDISH = ("Vi driver ett kafé där långtidsarbetslösa får arbetsträning, och vi ordnar "
           "träffar mot ofrivillig ensamhet bland äldre.")
ENGLISH = ("We offer work training to people in long-term unemployment, and we repair and "
           "reuse donated bicycles.")


@pytest.fixture(scope="module")
def document(live_server) -> dict:
    answer = requests.get(f"{live_server.url}/api/openapi.json", timeout=30)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/json")
    return answer.json()


@pytest.fixture(scope="module")
def check(document):
    """``check(name, data)``: ``data`` is valid against the component schema ``name``."""

    def validate(name: str, data: object) -> None:
        schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
        jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        ).validate(data)

    return validate


def post(server, path: str, body: object, **kwargs) -> requests.Response:
    return requests.post(f"{server.url}{path}", json=body, timeout=30, **kwargs)


def get(server, path: str, **params) -> requests.Response:
    return requests.get(f"{server.url}{path}", params=params, timeout=30)


def uris(items: list[dict]) -> list[str]:
    return [item["uri"] for item in items]


# --- the document ------------------------------------------------------------------------------

def test_the_openapi_document_is_valid(document):
    validator = pytest.importorskip("openapi_spec_validator",
                                    reason="pip install -e '.[test]'")
    validator.validate(document)
    assert document["openapi"].startswith("3.1")
    assert {"/api/link", "/api/match", "/reconcile"} <= set(document["paths"])
    assert set(document["paths"]["/api/match"]) == {"get", "post"}
    text = document["components"]["schemas"]["LinkRequest"]["properties"]["text"]
    assert text["maxLength"] == 10000  # the max_text_length setting


def test_the_schemas_refuse_what_they_should(check):
    good = {"uri": ID + "sdg/goal/8", "label": "x", "score": 0.5, "evidence": [],
            "notation": "8"}
    check("GoalLink", good)
    for bad in ({**good, "notation": "8.5"}, {k: v for k, v in good.items() if k != "notation"},
                {**good, "extra": 1}):
        with pytest.raises(jsonschema.ValidationError):
            check("GoalLink", bad)


# --- /api/link ---------------------------------------------------------------------------------

def test_link_a_swedish_text(live_server, check):
    answer = post(live_server, "/api/link", {"text": SWEDISH})
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    result = answer.json()
    check("LinkResult", result)
    assert result["lang"] == "sv"
    challenges = uris(result["challenges"])
    assert {ID + "challenge/long-term-unemployment", ID + "challenge/loneliness"} <= set(
        challenges[:4])
    unemployment = result["challenges"][challenges.index(
        ID + "challenge/long-term-unemployment")]
    assert unemployment["label"] == "Långtidsarbetslöshet"
    assert any("långtidsarbetslösa" in e["text"] for e in unemployment["evidence"])
    assert ID + "sdg/goal/8" in uris(result["goals"])
    goal = result["goals"][uris(result["goals"]).index(ID + "sdg/goal/8")]
    assert goal["notation"] == "8"
    assert all(t["notation"].split(".")[0].isdigit() for t in result["targets"])
    for kind in ("challenges", "goals", "targets"):
        scores = [x["score"] for x in result[kind]]
        assert scores == sorted(scores, reverse=True)


def test_link_an_english_text_with_a_limit(live_server, check):
    result = post(live_server, "/api/link", {"text": ENGLISH, "lang": "en", "limit": 2}).json()
    check("LinkResult", result)
    assert result["lang"] == "en"
    assert ID + "challenge/long-term-unemployment" in uris(result["challenges"])
    assert all(len(result[k]) <= 2 for k in ("challenges", "goals", "targets"))
    assert result["challenges"][0]["label"][0].isupper()


def test_a_text_about_nothing_links_to_nothing(live_server, check):
    result = post(live_server, "/api/link", {"text": "Qwzx plomf grabbel snorkvist."}).json()
    check("LinkResult", result)
    assert result["challenges"] == result["goals"] == result["targets"] == []


@pytest.mark.parametrize(("body", "status", "words"), [
    ({"text": ""}, 400, "empty"),
    ({"text": "   "}, 400, "empty"),
    ({}, 400, "\"text\""),
    ({"text": 5}, 400, "must be a string"),
    ({"text": SWEDISH, "lang": "de"}, 400, "lang must be"),
    ({"text": SWEDISH, "limit": 0}, 400, "limit must be"),
    ({"text": "å" * 10001}, 413, "10,001 characters"),
    (["not", "an", "object"], 400, "JSON object"),
])
def test_link_errors(live_server, check, body, status, words):
    answer = post(live_server, "/api/link", body)
    assert answer.status_code == status
    assert answer.headers["Content-Type"].startswith("application/json")
    check("Error", answer.json())
    assert words in answer.json()["messages"]["en"]


def test_link_refuses_a_form_and_a_get(live_server):
    form = requests.post(f"{live_server.url}/api/link", data={"text": SWEDISH}, timeout=30)
    assert form.status_code == 400 and "JSON object" in form.json()["messages"]["en"]
    assert get(live_server, "/api/link", text=SWEDISH).status_code == 405


def test_a_browser_may_post_json_from_another_origin(live_server):
    preflight = requests.options(f"{live_server.url}/api/link", timeout=30, headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]


# --- /api/match --------------------------------------------------------------------------------

def check_matches(matches: list[dict]) -> None:
    assert [m["score"] for m in matches] == sorted((m["score"] for m in matches), reverse=True)
    for m in matches:
        assert m["reasons"], m["uri"]
        assert m["score"] == pytest.approx(sum(r["score"] for r in m["reasons"]), abs=0.01)


def test_enterprises_for_a_municipality(live_server, check):
    answer = get(live_server, "/api/match", municipality="1283", limit=5)
    assert answer.status_code == 200
    result = answer.json()
    check("Matches", result)
    assert result["subject"] == {"kind": "municipality", "uri": ID + "municipality/1283",
                                 "label": "Helsingborg"}
    assert result["lang"] == "sv" and "municipalities" not in result
    assert "note" not in result and "nearby" not in result  # it has needs
    needs = {n["uri"]: n for n in result["needs"]}
    assert needs[ID + "challenge/unemployment"]["source"] == "asserted"
    assert needs[ID + "challenge/unemployment"]["label"] == "Arbetslöshet"
    derived = needs[ID + "challenge/long-term-unemployment"]
    assert derived["source"] == "agreement" and derived["weight"] == 0.6 and derived["evidence"]
    enterprises = result["enterprises"]
    assert 3 <= len(enterprises) <= 5
    check_matches(enterprises)
    factors = {r["factor"] for m in enterprises for r in m["reasons"]}
    assert {"challenge", "geography"} <= factors
    seated = [r for m in enterprises for r in m["reasons"] if r["factor"] == "geography"
              and ID + "municipality/1283" in r["evidence"]]
    assert seated and "Helsingborg" in seated[0]["text"]

    # the same municipality by name, id and IRI; in English
    for same in ("Helsingborgs stad", "municipality/1283", ID + "municipality/1283"):
        again = get(live_server, "/api/match", municipality=same, limit=5).json()
        assert uris(again["enterprises"]) == uris(enterprises), same
    english = get(live_server, "/api/match", municipality="1283", limit=5, lang="en").json()
    check("Matches", english)
    assert english["lang"] == "en"
    assert uris(english["enterprises"]) == uris(enterprises)
    assert english["enterprises"][0]["reasons"][0]["text"] != \
        enterprises[0]["reasons"][0]["text"]

    # a client that holds the answer gets a 304
    tag = answer.headers["ETag"]
    held = requests.get(f"{live_server.url}/api/match", params={"municipality": "1283",
                                                                "limit": 5},
                        headers={"If-None-Match": tag}, timeout=30)
    assert held.status_code == 304


NORDANSTIG, KIRUNA = ID + "municipality/2132", ID + "municipality/2584"
NO_NEEDS = {"sv": "Inga samhällsutmaningar är registrerade för {}. Beskriv era behov i textrutan "
                  "för att matcha på dem.",
            "en": "No societal challenges are recorded for {}. Describe your needs in the text "
                  "box to match on them."}


def test_a_municipality_without_needs_gets_a_note_and_the_enterprises_nearby(live_server,
                                                                              check):
    answer = get(live_server, "/api/match", municipality="Nordanstig", lang="en")
    assert answer.status_code == 200
    result = answer.json()
    check("Matches", result)
    assert result["subject"]["uri"] == NORDANSTIG
    assert result["needs"] == [] and result["enterprises"] == []
    assert set(result["note"]) == {"sv", "en"}
    assert result["note"]["sv"].startswith(
        "Inga samhällsutmaningar är registrerade för Nordanstig")
    assert "endast efter närhet" in result["note"]["sv"]
    assert result["note"]["en"].startswith("No societal challenges are recorded for Nordanstig")
    assert "by proximity only" in result["note"]["en"]
    assert "POST /api/match" in result["note"]["en"]
    nearby = result["nearby"]
    # operates there (1.5) > same FA region (1.0) > same county (0.5), then by name
    assert [m["score"] for m in nearby] == [1.5, 1.5, 1.0, 1.0, 0.5, 0.5, 0.5]
    swedish = get(live_server, "/api/match", municipality="2132", lang="sv").json()["nearby"]
    assert uris(swedish) == uris(nearby)
    for first, then in pairwise(swedish):  # ties by Swedish name
        assert (-first["score"], first["label"]) < (-then["score"], then["label"])
    check_matches(nearby)
    for m in nearby:
        assert m["basis"] == "proximity"
        (reason,) = m["reasons"]
        assert reason["factor"] == "geography" and reason["score"] == m["score"]
        assert NORDANSTIG in reason["evidence"] and "Nordanstig" in reason["text"]
    texts = [m["reasons"][0]["text"] for m in nearby]
    assert texts[0].startswith("Operates in Nordanstig")
    assert "in the same labour-market region as Nordanstig" in texts[2]
    assert "in the same county as Nordanstig (Gävleborgs län)" in texts[-1]
    short = get(live_server, "/api/match", municipality="2132", limit=3, lang="en").json()
    check("Matches", short)
    assert short["nearby"] == nearby[:3]

    # nothing near Kiruna: said so, and an empty list
    kiruna = get(live_server, "/api/match", municipality="2584").json()
    check("Matches", kiruna)
    assert kiruna["subject"]["uri"] == KIRUNA
    assert kiruna["needs"] == kiruna["enterprises"] == kiruna["nearby"] == []
    assert "Kiruna" in kiruna["note"]["sv"] and "Kiruna" in kiruna["note"]["en"]
    with pytest.raises(jsonschema.ValidationError):  # the document is exact about nearby
        check("Matches", {**result, "nearby": [{**nearby[0], "basis": "needs"}]})
    with pytest.raises(jsonschema.ValidationError):
        check("Matches", {**result, "nearby": [{**nearby[0], "reasons": [
            {**nearby[0]["reasons"][0], "factor": "challenge"}]}]})


def test_the_match_page_for_a_municipality_without_needs(live_server):
    page = get(live_server, "/match", municipality="2132", lang="sv")
    assert page.status_code == 200
    html = page.text
    section = html[html.index('<section class="result" id="no-needs">'):]
    section = section[:section.index("</section>")]
    message = NO_NEEDS["sv"].format("Nordanstig").replace(
        "textrutan", '<a href="#text">textrutan</a>')
    assert message in section
    assert "endast efter närhet" in section
    assert 'id="enterprises"' not in html  # nothing is presented as matched on needs
    items = section.split("<li><h3>")[1:]
    assert len(items) == 7
    assert all('<span class="basis">endast efter närhet</span>' in item for item in items)
    assert all(item.count('class="reason ') == 1 and 'class="reason geography"' in item
               for item in items)
    assert "Är verksamt i Nordanstig" in items[0]
    assert "samma FA-region som Nordanstig" in items[2]
    assert "samma län som Nordanstig" in items[-1]
    # the text form already names Nordanstig: typing the needs and submitting matches on them
    describe = html[html.index('<form class="describe"'):]
    describe = describe[:describe.index("</form>")]
    assert '<option value="2132" selected>' in describe

    english = get(live_server, "/match", municipality="2584", lang="en").text
    message = NO_NEEDS["en"].format("Kiruna").replace(
        "text box", '<a href="#text">text box</a>')
    assert message in english
    assert "No social enterprise in the graph is seated or operates in the municipality" in \
        english
    assert "by proximity only" in english

    typed = get(live_server, "/match", municipality="2132", lang="sv",
                text="Vi behöver arbetsträning för långtidsarbetslösa och stöd mot ensamhet.")
    assert typed.status_code == 200
    assert 'id="no-needs"' not in typed.text
    enterprises = typed.text[typed.text.index('id="enterprises"'):]
    assert '– närmast <a href="/id/municipality/2132">Nordanstig</a>' in enterprises
    assert 'class="reason challenge"' in enterprises
    assert 'class="reason geography"' in enterprises


def test_errors_are_in_the_requests_language_and_carry_both(live_server, check):
    swedish = post(live_server, "/api/link", {"text": " "})
    english = requests.post(f"{live_server.url}/api/link", json={"text": " "}, timeout=30,
                            headers={"Accept-Language": "en-GB,en;q=0.9"})
    for answer in (swedish, english):
        assert answer.status_code == 400
        check("Error", answer.json())
    assert swedish.json()["error"] == swedish.json()["messages"]["sv"]
    assert swedish.json()["error"].startswith("Texten är tom")
    assert english.json()["error"] == english.json()["messages"]["en"]
    assert english.json()["error"].startswith("The text is empty")
    assert swedish.json()["messages"] == english.json()["messages"]


def test_an_unknown_municipality_names_the_closest(live_server, check):
    answer = get(live_server, "/api/match", municipality="Helsingbrog")
    assert answer.status_code == 400
    body = answer.json()
    check("Error", body)
    assert "Helsingborg (municipality/1283)" in body["error"]
    assert body["closest"][0]["uri"] == ID + "municipality/1283"
    nothing = get(live_server, "/api/match", municipality="Zzyzx").json()
    assert nothing["closest"] == [] and "Zzyzx" in nothing["error"]


def test_municipalities_for_an_enterprise_and_both_for_a_challenge(live_server, check):
    by_enterprise = get(live_server, "/api/match", enterprise="797425-5502", limit=3).json()
    check("Matches", by_enterprise)
    assert by_enterprise["subject"]["uri"] == ID + "organisation/797425-5502"
    assert by_enterprise["municipalities"][0]["uri"] == ID + "municipality/1283"
    check_matches(by_enterprise["municipalities"])

    challenge = get(live_server, "/api/match", challenge="loneliness", limit=4).json()
    check("Matches", challenge)
    assert challenge["subject"]["label"] == "Ofrivillig ensamhet"
    assert challenge["enterprises"] and challenge["municipalities"]
    assert any(r["factor"] == "challenge" and ID + "challenge/loneliness" in r["evidence"]
               for r in challenge["enterprises"][0]["reasons"])
    by_label = get(live_server, "/api/match", challenge="Långtidsarbetslöshet").json()
    assert by_label["subject"]["uri"] == ID + "challenge/long-term-unemployment"


@pytest.mark.parametrize(("params", "words"), [
    ({}, "exactly one of"),
    ({"municipality": "1283", "enterprise": "797425-5502"}, "exactly one of"),
    ({"municipality": "1283", "limit": "many"}, "limit must be"),
    ({"municipality": "1283", "lang": "fi"}, "lang must be"),
    ({"enterprise": "Nobody AB"}, "No enterprise"),
    ({"challenge": "boredom"}, "No challenge"),
])
def test_match_errors(live_server, check, params, words):
    answer = get(live_server, "/api/match", **params)
    assert answer.status_code == 400
    check("Error", answer.json())
    assert words in answer.json()["messages"]["en"]


def test_match_a_description_near_a_municipality(live_server, check):
    answer = post(live_server, "/api/match", {"text": SWEDISH, "municipality": "Malmö stad",
                                             "limit": 5})
    assert answer.status_code == 200
    result = answer.json()
    check("TextMatches", result)
    assert result["subject"]["kind"] == "text" and result["subject"]["uri"] is None
    assert result["municipality"]["uri"] == ID + "municipality/1280"
    assert ID + "challenge/long-term-unemployment" in uris(result["link"]["challenges"])
    enterprises = result["enterprises"]
    assert enterprises
    check_matches(enterprises)
    linked = set(uris(result["link"]["challenges"]))
    for m in enterprises:
        evidence = {e for r in m["reasons"] if r["factor"] in ("challenge", "broader-narrower")
                    for e in r["evidence"]}
        assert evidence & linked or any(r["factor"] == "sdg-target" for r in m["reasons"])
    assert any(r["factor"] == "geography" for r in enterprises[0]["reasons"])

    anywhere = post(live_server, "/api/match", {"text": SWEDISH, "lang": "sv"}).json()
    check("TextMatches", anywhere)
    assert "municipality" not in anywhere
    assert all(r["factor"] != "geography" for m in anywhere["enterprises"]
               for r in m["reasons"])


@pytest.mark.parametrize(("body", "status", "words"), [
    ({"text": ""}, 400, "empty"),
    ({"text": SWEDISH, "municipality": "Atlantis"}, 400, "No municipality"),
    ({"text": SWEDISH, "municipality": 1283}, 400, "kommunkod"),
    ({"text": "x" * 10001}, 413, "max_text_length"),
])
def test_match_text_errors(live_server, check, body, status, words):
    answer = post(live_server, "/api/match", body)
    assert answer.status_code == status
    check("Error", answer.json())
    assert words in answer.json()["messages"]["en"]


# --- the reconciliation service, against the same document -------------------------------------

def test_reconciliation_answers_match_the_document(live_server, check):
    check("Manifest", get(live_server, "/reconcile").json())
    batch = {"q0": {"query": "Malmö stad"}, "q1": {"query": "8.5", "type": "SDGTarget"}}
    answer = requests.post(f"{live_server.url}/reconcile",
                           data={"queries": json.dumps(batch)}, timeout=30).json()
    check("ReconciliationResults", answer)
    assert answer["q1"]["result"][0]["id"] == "sdg/target/8.5"
