"""The reconciliation service (W3C Entity Reconciliation Service API 0.2) over real HTTP: the
manifest and everything it points to, batches of the spellings people type into spreadsheets,
types, identifiers, properties, previews, suggest, data extension, JSONP and the errors."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
import requests

from segraph.reconciliation import code_forms, fold, similarity, variants

ID = "https://w3id.org/segraph/id/"
KINDS = ["Municipality", "County", "SocialEnterprise", "SocietalChallenge", "SDGGoal",
         "SDGTarget"]


def reconcile(server, queries: dict, *, method: str = "POST", **params) -> dict:
    data = {"queries": json.dumps(queries)}
    if method == "POST":
        answer = requests.post(f"{server.url}/reconcile", data=data, params=params, timeout=30)
    else:
        answer = requests.get(f"{server.url}/reconcile", params={**data, **params}, timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    return answer.json()


def best(result: dict) -> tuple[str, bool]:
    top = result["result"][0]
    return top["id"], top["match"]


# --- the normaliser on its own -----------------------------------------------------------------

def test_normalising_names():
    assert [v.key for v in variants("Malmö stad")] == ["malmö"]
    assert variants("Malmö stad")[0].hint == "Municipality"
    assert [v.key for v in variants("Stockholms län")] == ["stockholms", "stockholm"]
    assert [v.key for v in variants("Kärnans Matbod AB (svb)")] == ["kärnans matbod"]
    assert [v.key for v in variants("Forsgläntans Återbruk ek. för.")] == [
        "forsgläntans återbruk"]
    assert [v.key for v in variants("Stiftelsen Ljusgården")] == ["ljusgården"]
    assert [v.key for v in variants("Region")] == ["region"]  # never emptied
    assert fold("Håbo Älvdalen Malmö") == "Habo Alvdalen Malmo"
    assert code_forms("Mål 8") == [("8", "SDGGoal")]
    assert code_forms("delmål 8.5") == [("8.5", "SDGTarget")]
    assert code_forms("114") == [("0114", "Municipality")]
    assert code_forms("7") == [("07", "County"), ("7", "SDGGoal")]
    assert code_forms("16797425-5502") == code_forms("SE797425550201") == [
        ("7974255502", "SocialEnterprise")]
    assert code_forms("long-term-unemployment") == [("long-term-unemployment", None)]
    assert similarity("grona hander", "kooperativet grona hander") == pytest.approx(0.9)
    assert similarity("malmo", "umea") < 0.5


# --- the manifest ------------------------------------------------------------------------------

def test_the_manifest_and_what_it_points_to(live_server):
    answer = requests.get(f"{live_server.url}/reconcile", timeout=30)
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    manifest = answer.json()
    assert "0.2" in manifest["versions"]
    assert manifest["name"].startswith("segraph")
    assert manifest["identifierSpace"] == ID
    assert manifest["schemaSpace"] == "https://w3id.org/segraph/ontology#"
    assert [t["id"] for t in manifest["defaultTypes"]] == KINDS
    assert {t["id"]: t["name"] for t in manifest["defaultTypes"]}["Municipality"] == "Kommun"
    assert manifest["batchSize"] >= 10

    # the view and preview templates, with the id encoded as a URI component (the spec)
    view = manifest["view"]["url"].replace("{{id}}", quote("municipality/1280", safe=""))
    page = requests.get(view, headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200 and "<h1>Malmö</h1>" in page.text
    preview = manifest["preview"]
    assert preview["width"] > 0 and preview["height"] > 0
    card = requests.get(preview["url"].replace("{{id}}", quote("municipality/1280", safe="")),
                        timeout=30)
    assert card.status_code == 200 and card.headers["Content-Type"].startswith("text/html")
    assert "Malmö" in card.text and "Skåne län" in card.text and "1280" in card.text

    for kind in ("entity", "type", "property"):
        service = manifest["suggest"][kind]
        found = requests.get(service["service_url"] + service["service_path"],
                             params={"prefix": "m"}, timeout=30)
        assert found.status_code == 200 and "result" in found.json(), kind
    flyout = manifest["suggest"]["entity"]
    flown = requests.get(flyout["service_url"] + flyout["flyout_service_path"].replace(
        "${id}", quote("municipality/1280", safe="")), timeout=30).json()
    assert flown["id"] == "municipality/1280" and "Malmö" in flown["html"]
    proposals = manifest["extend"]["propose_properties"]
    proposed = requests.get(proposals["service_url"] + proposals["service_path"],
                            params={"type": "Municipality"}, timeout=30).json()
    assert proposed["type"] == "Municipality"
    assert {"municipalityCode", "inCounty"} <= {p["id"] for p in proposed["properties"]}


def test_the_manifest_in_english(live_server):
    manifest = requests.get(f"{live_server.url}/reconcile", params={"lang": "en"},
                            timeout=30).json()
    assert {t["id"]: t["name"] for t in manifest["defaultTypes"]}["Municipality"] == \
        "Municipality"
    assert "Swedish" in manifest["name"]


# --- queries -----------------------------------------------------------------------------------

SPELLINGS = {
    "Malmö stad": "municipality/1280", "Malmo kommun": "municipality/1280",
    "MALMÖ": "municipality/1280", "malmö": "municipality/1280",
    "Göteborgs stad": "municipality/1480", "Upplands Bro kommun": "municipality/0139",
    "Malung Salen": "municipality/2023", "Stockholm": "municipality/0180",
    "Stockholms län": "county/01", "Region Skåne": "county/12",
    "VÄSTRA GÖTALANDS LÄN": "county/14",
    "Kärnans Matbod AB": "organisation/593210-3509",
    "Kärnans Matbod AB (svb)": "organisation/593210-3509",
    "Forsglantans Aterbruk ek. för.": "organisation/737586-0827",
    "Hamnkvarterens Cykelverkstad ideell förening": "organisation/836910-6540",
    "Långtidsarbetslöshet": "challenge/long-term-unemployment",
    "Loneliness": "challenge/loneliness",
    "Ingen fattigdom": "sdg/goal/1",
}


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_spellings_of_one_name_reconcile_to_it(live_server, method):
    names = list(SPELLINGS)
    answer = reconcile(live_server, {f"q{i}": {"query": n} for i, n in enumerate(names)},
                       method=method)
    assert set(answer) == {f"q{i}" for i in range(len(names))}
    for i, name in enumerate(names):
        result = answer[f"q{i}"]
        assert best(result) == (SPELLINGS[name], True), (name, result["result"][:2])
        top = result["result"][0]
        assert top["score"] >= 90 and top["name"] and top["description"]
        assert all(set(c) >= {"id", "name", "type", "score", "match"} for c in result["result"])
        assert [c["score"] for c in result["result"]] == sorted(
            (c["score"] for c in result["result"]), reverse=True)
        assert sum(c["match"] for c in result["result"]) == 1


def test_exact_diacritics_are_preferred_but_a_close_namesake_is_no_match(live_server):
    answer = reconcile(live_server, {"habo": {"query": "Habo"}, "håbo": {"query": "Håbo"},
                                     "fuzzy": {"query": "Helsingbrog"}})
    first, second = answer["habo"]["result"][:2]
    assert (first["id"], second["id"]) == ("municipality/0643", "municipality/0305")
    assert first["score"] > second["score"] and not first["match"]
    assert answer["håbo"]["result"][0]["id"] == "municipality/0305"
    fuzzy = answer["fuzzy"]["result"][0]
    assert fuzzy["id"] == "municipality/1283" and not fuzzy["match"]
    assert {"id": "name_fuzzy", "value": True} in fuzzy["features"]


def test_types_narrow_the_candidates(live_server):
    answer = reconcile(live_server, {
        "any": {"query": "Kalmar"},
        "county": {"query": "Kalmar", "type": "County"},
        "municipality": {"query": "Kalmar", "type": "Municipality"},
        "number": {"query": "8"},
        "goal": {"query": "8", "type": ["SDGGoal"]},
        "iri": {"query": "Helsingborg", "type": "https://w3id.org/segraph/ontology#County"},
        "subclass": {"query": "Kooperativet Gröna Händer",
                     "type": "WorkIntegrationSocialEnterprise"},
    })
    anywhere = [c["id"] for c in answer["any"]["result"][:2]]
    assert anywhere == ["municipality/0880", "county/08"]
    assert not answer["any"]["result"][0]["match"]  # a municipality and a county share it
    assert best(answer["county"]) == ("county/08", True)
    assert all(c["type"][0]["id"] == "County" for c in answer["county"]["result"])
    assert best(answer["municipality"]) == ("municipality/0880", True)
    number = answer["number"]["result"]
    assert {c["id"] for c in number[:2]} == {"sdg/goal/8", "county/08"}
    assert number[0]["score"] == number[1]["score"] == 100 and not number[0]["match"]
    assert all(c["score"] < 60 for c in number[2:])
    assert best(answer["goal"]) == ("sdg/goal/8", True)
    assert all(c["type"][0]["id"] == "County" for c in answer["iri"]["result"])
    top = answer["subclass"]["result"][0]
    assert top["id"] == "organisation/797425-5502" and top["match"]
    assert {t["id"] for t in top["type"]} == {"SocialEnterprise",
                                              "WorkIntegrationSocialEnterprise"}


@pytest.mark.parametrize(("identifier", "expected"), [
    ("1280", "municipality/1280"), ("0114", "municipality/0114"),
    ("114", "municipality/0114"), ("12", "county/12"),
    ("797425-5502", "organisation/797425-5502"), ("7974255502", "organisation/797425-5502"),
    ("Mål 8", "sdg/goal/8"), ("SDG 13", "sdg/goal/13"), ("8.5", "sdg/target/8.5"),
    ("Delmål 8.5", "sdg/target/8.5"), ("long-term-unemployment",
                                       "challenge/long-term-unemployment"),
    (ID + "challenge/loneliness", "challenge/loneliness"), ("municipality/1283",
                                                             "municipality/1283"),
])
def test_identifiers(live_server, identifier, expected):
    types = {"12": "County"}
    query = {"query": identifier}
    if identifier in types:
        query["type"] = types[identifier]
    result = reconcile(live_server, {"q": query})["q"]
    assert best(result) == (expected, True)
    assert {"id": "identifier", "value": True} in result["result"][0]["features"]


def test_properties_refine_and_can_stand_alone(live_server):
    answer = reconcile(live_server, {
        "right": {"query": "Lund", "properties": [{"pid": "inCounty", "v": "Skåne"}]},
        "by-id": {"query": "Lund", "properties": [{"pid": "inCounty", "v": {"id": "county/12"}}]},
        "wrong": {"query": "Lund", "properties": [{"pid": "inCounty", "v": "Stockholms län"}]},
        "alone": {"type": "SocialEnterprise", "limit": 10,
                  "properties": [{"pid": "seg:seatMunicipality", "v": "1283"}]},
    })
    assert best(answer["right"]) == ("municipality/1281", True)
    assert {"id": "property_inCounty", "value": True} in answer["right"]["result"][0]["features"]
    assert best(answer["by-id"]) == ("municipality/1281", True)
    wrong = answer["wrong"]["result"][0]
    assert wrong["id"] == "municipality/1281" and not wrong["match"] and wrong["score"] < 90
    seated = {c["id"] for c in answer["alone"]["result"]}
    assert "organisation/797425-5502" in seated and len(seated) >= 3
    assert all("Helsingborg" in c["description"] for c in answer["alone"]["result"])


def test_the_later_draft_json_form(live_server):
    answer = requests.post(f"{live_server.url}/reconcile", json={"queries": [
        {"type": "Municipality", "conditions": [
            {"matchType": "name", "propertyValue": "Goteborg"},
            {"matchType": "property", "propertyId": "inCounty",
             "propertyValue": "Västra Götalands län"}]}]}, timeout=30)
    assert answer.status_code == 200
    candidates = answer.json()["results"][0]["candidates"]
    assert candidates[0]["id"] == "municipality/1480" and candidates[0]["match"]
    assert candidates[0]["name"][0]["str"] == "Göteborg"
    # a 0.2 batch as a JSON body is read too
    batch = requests.post(f"{live_server.url}/reconcile", json={"q0": {"query": "Lund"}},
                          timeout=30)
    assert best(batch.json()["q0"])[0] == "municipality/1281"


# --- preview, suggest, extend, JSONP -----------------------------------------------------------

def test_preview_of_an_enterprise_in_english(live_server):
    card = requests.get(f"{live_server.url}/reconcile/preview",
                        params={"id": "organisation/797425-5502", "lang": "en"}, timeout=30)
    assert card.status_code == 200
    assert 'href="/id/organisation/797425-5502"' in card.text
    assert "Work integration social enterprise" in card.text
    assert 'href="/id/municipality/1283"' in card.text  # the seat, linked
    assert "Long-term unemployment" in card.text
    missing = requests.get(f"{live_server.url}/reconcile/preview", params={"id": "nowhere/1"},
                           timeout=30)
    assert missing.status_code == 404


def test_suggest(live_server):
    def suggest(kind: str, **params) -> list[dict]:
        answer = requests.get(f"{live_server.url}/reconcile/suggest/{kind}", params=params,
                              timeout=30)
        assert answer.status_code == 200
        return answer.json()["result"]

    found = suggest("entity", prefix="Malm")
    assert found[0]["id"] == "municipality/1280" and found[0]["notable"][0]["id"] == \
        "Municipality"
    assert [e["id"] for e in suggest("entity", prefix="gröna", type="SocialEnterprise")] == [
        "organisation/797425-5502"]
    assert suggest("entity", prefix="1283")[0]["id"] == "municipality/1283"
    more = suggest("entity", prefix="s", limit=3, cursor=3)
    assert len(more) == 3 and not {e["id"] for e in more} & {
        e["id"] for e in suggest("entity", prefix="s", limit=3)}
    assert [t["id"] for t in suggest("type", prefix="kom", lang="sv")] == ["Municipality"]
    assert "inCounty" in [p["id"] for p in suggest("property", prefix="in")]


def test_data_extension(live_server):
    extend = {"ids": ["municipality/1280", "organisation/797425-5502"],
              "properties": [{"id": "inCounty"}, {"id": "operatesIn"},
                             {"id": "organisationNumber"}]}
    answer = requests.post(f"{live_server.url}/reconcile", data={"extend": json.dumps(extend)},
                           timeout=30).json()
    assert [m["id"] for m in answer["meta"]] == ["inCounty", "operatesIn", "organisationNumber"]
    assert answer["meta"][0]["type"]["id"] == "County"
    rows = answer["rows"]
    assert rows["municipality/1280"]["inCounty"] == [{"id": "county/12", "name": "Skåne län"}]
    assert {v["id"] for v in rows["organisation/797425-5502"]["operatesIn"]} == {
        "municipality/1282", "municipality/1292"}
    assert rows["organisation/797425-5502"]["organisationNumber"] == [{"str": "797425-5502"}]


def test_jsonp(live_server):
    answer = requests.get(f"{live_server.url}/reconcile", params={
        "callback": "jQuery123_456", "queries": json.dumps({"q0": {"query": "Malmö"}})},
        timeout=30)
    assert answer.headers["Content-Type"].startswith("application/javascript")
    text = answer.text
    assert text.startswith("/**/jQuery123_456(") and text.endswith(");")
    body = json.loads(text[len("/**/jQuery123_456("):-2])
    assert best(body["q0"]) == ("municipality/1280", True)
    unsafe = requests.get(f"{live_server.url}/reconcile", params={"callback": "alert(1)//"},
                          timeout=30)
    assert unsafe.headers["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(("queries", "status", "words"), [
    ("{not json", 400, "not valid JSON"),
    (json.dumps({"q0": {"limit": 3}}), 400, "needs a \"query\""),
    (json.dumps({"q0": {"query": "Malmö", "type": "Planet"}}), 400, "unknown type 'Planet'"),
    (json.dumps({"q0": {"query": "Malmö", "limit": -1}}), 400, "positive integer"),
    (json.dumps({"q0": {"query": "x", "properties": [{"pid": "colour", "v": "red"}]}}), 400,
     "unknown property"),
    (json.dumps({f"q{i}": {"query": "x"} for i in range(51)}), 413, "at most 50"),
])
def test_errors_say_what_to_fix(live_server, queries, status, words):
    answer = requests.post(f"{live_server.url}/reconcile", data={"queries": queries},
                           headers={"Accept": "application/json"}, timeout=30)
    assert answer.status_code == status
    assert words in answer.json()["error"]
