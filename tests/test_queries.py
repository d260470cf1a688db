"""The saved queries of queries/: headers that load, answers that are right on the default graph,
and parameter values that are bound by the engine, never pasted into the text."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from segraph.executor import QueryRequest, execute
from segraph.namespaces import PREFIXES
from segraph.queries import (
    TYPES,
    QueryFileError,
    SavedQuery,
    bind,
    load_queries,
    load_query,
    parse_value,
)
from segraph.store import EmbeddedStore

PROJECT = Path(__file__).resolve().parents[1]
QUERY_DIR = PROJECT / "queries"
QUERIES = {q.name: q for q in load_queries(QUERY_DIR)}
EXAMPLES = PROJECT / "data" / "examples"
XSD = "http://www.w3.org/2001/XMLSchema#"
WKT = "http://www.opengis.net/ont/geosparql#wktLiteral"
SKANE = {"Helsingborg", "Malmö", "Landskrona", "Lund", "Ängelholm", "Trelleborg", "Ystad"}


@pytest.fixture(scope="module")
def store(built) -> ox.Store:
    paths, _ = built
    return EmbeddedStore(paths.store, read_only=True).oxigraph


@pytest.fixture(scope="module")
def run(store):
    """Run a saved query as the server does (bound parameters, preloaded prefixes)."""

    def run(name: str, **values: str) -> list[dict[str, dict[str, str]]]:
        query = QUERIES[name]
        answer = execute(store, QueryRequest(
            query=query.text, media_type="application/sparql-results+json",
            substitutions=bind(query, values),
            prefixes={p: str(ns) for p, ns in PREFIXES.items()}))
        return json.loads(answer.body)["results"]["bindings"]

    return run


def values(rows: list[dict[str, dict[str, str]]], var: str) -> list[str]:
    return [row[var]["value"] for row in rows if var in row]


def example_csv(name: str) -> list[dict[str, str]]:
    with open(EXAMPLES / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


# ---- every saved query --------------------------------------------------------------------

def test_there_are_enough_saved_queries_with_both_languages():
    assert len(QUERIES) >= 15
    for query in QUERIES.values():
        assert set(query.titles) == set(query.descriptions) == {"sv", "en"}, query.name
        # A query marked as answering from the fictional examples says so in both languages.
        assert ("(example data)" in query.titles["en"].replace("inferred, ", "")) == \
            ("exempeldata)" in query.titles["sv"]), query.name
    assert {p.type for q in QUERIES.values() for p in q.params} == set(TYPES)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_saved_query_answers_with_its_defaults(run, name):
    rows = run(name)
    assert rows, name
    assert all(any(term["value"] for term in row.values()) for row in rows)
    for param in QUERIES[name].params:  # the engine bound each parameter to its default
        bound = {row[param.name]["value"] for row in rows if param.name in row}
        assert bound == {str(parse_value(param.type, param.default).value)}, param.name


# ---- concrete facts -----------------------------------------------------------------------

def test_network_query_lists_the_twelve(run):
    rows = run("network-municipalities")
    assert len(rows) == 12
    by_name = {r["municipality"]["value"]: r for r in rows}
    assert set(by_name) == {"Helsingborg", "Hudiksvall", "Härjedalen", "Karlstad", "Laxå",
                            "Malmö", "Mölndal", "Sölvesborg", "Söderhamn", "Tierp",
                            "Uddevalla", "Umeå"}
    assert by_name["Härjedalen"]["county"]["value"] == "Jämtlands län"
    assert by_name["Helsingborg"]["code"]["value"] == "1283"


def test_county_parameter_keeps_to_that_county(run):
    skane = run("county-enterprise-sdg-targets", county="12")
    assert {r["countyName"]["value"] for r in skane} == {"Skåne län"}
    seats = {s for r in skane for s in r["seats"]["value"].split(", ")}
    assert seats and seats <= SKANE
    by_target = {r["target"]["value"]: int(r["enterprises"]["value"]) for r in skane}
    assert by_target["8.5"] == 4  # Nya Steget, Kodverkstan, Citadellstadens, Gröna Händer…
    gavleborg = run("county-enterprise-sdg-targets", county="21")
    assert {r["countyName"]["value"] for r in gavleborg} == {"Gävleborgs län"}
    assert run("county-enterprise-sdg-targets", county="99") == []
    skane_map = run("county-map", county="12")
    assert len(skane_map) == 33
    assert {r["code"]["value"][:2] for r in skane_map} == {"12"}
    in_network = {r["municipality"]["value"] for r in skane_map
                  if r["inNetwork"]["value"] == "true"}
    assert in_network == {"Helsingborg", "Malmö"}


def test_challenges_without_enterprise_in_orebro(run):
    rows = run("challenges-without-enterprise", municipality="1880")
    keys = {r["challenge"]["value"].rsplit("/", 1)[1] for r in rows}
    # Örebro faces four challenges; its enterprises work on disability inclusion, which is
    # narrower than socio-economic gaps, so three remain uncovered.
    assert keys == {"crime-prevention", "segregation", "unemployment"}
    assert {r["name"]["value"] for r in rows} == {"Örebro"}
    assert run("challenges-without-enterprise", municipality="2361") == []


def test_enterprise_counts_grow_in_every_network_municipality(run):
    rows = run("network-enterprise-counts")
    assert len(rows) == 12
    assert all(int(r["last"]["value"]) > int(r["first"]["value"]) for r in rows)
    malmo = next(r for r in rows if r["municipality"]["value"] == "Malmö")
    assert (malmo["first"]["value"], malmo["last"]["value"], malmo["increase"]["value"]) == \
        ("24", "61", "37")
    series = run("enterprise-counts-over-time", since="2022-01-01")
    assert {r["date"]["value"] for r in series} == {"2022-12-31"}
    total = next(r for r in series if r["municipality"]["value"].startswith("Totalt"))
    assert int(total["count"]["value"]) == sum(int(r["last"]["value"]) for r in rows) == 215


def test_legal_forms_and_work_integration_match_the_source_file(run):
    enterprises = example_csv("enterprises.csv")
    forms = Counter(e["legal_form"] for e in enterprises)
    rows = run("enterprises-by-legal-form")
    assert {r["legalForm"]["value"]: int(r["enterprises"]["value"]) for r in rows} == forms
    wise = Counter(e["municipality"][:2] for e in enterprises if e["work_integration"] == "ja")
    rows = run("work-integration-enterprises-per-county")
    assert {r["countyCode"]["value"]: int(r["enterprises"]["value"]) for r in rows} == wise
    not_reinvesting = {e["organisation_number"] for e in enterprises
                       if e["reinvests_profit"] == "nej"}
    rows = run("enterprises-by-profit-reinvestment", reinvests="false")
    assert set(values(rows, "organisationNumber")) == not_reinvesting
    assert len(run("enterprises-by-profit-reinvestment", reinvests="1")) == \
        len(enterprises) - len(not_reinvesting)


def test_agreement_parameters_filter_as_the_source_file_says(run):
    agreements = example_csv("agreements.csv")

    def value(row: dict[str, str]) -> float:
        return float(row["value_sek"].replace(",", "."))

    iop = [a["id"] for a in agreements if a["kind"] == "iop" and value(a) >= 500000]
    rows = run("agreements-of-a-kind")
    assert sorted(v.rsplit("/", 1)[1] for v in values(rows, "agreement")) == sorted(iop)
    grants = [a for a in agreements if a["kind"] == "grant" and value(a) >= 100000.5]
    rows = run("agreements-of-a-kind", kind="https://w3id.org/segraph/id/agreement-kind/grant",
               minValue="100000,5")
    assert len(rows) == len(grants) > 0
    since = Counter(a["municipality"] for a in agreements if int(a["year"]) >= 2025)
    rows = run("agreement-value-per-municipality", fromYear="2025")
    assert {r["code"]["value"]: int(r["agreements"]["value"]) for r in rows} == since
    assert rows[0]["municipality"]["value"] == "Malmö"  # the largest value comes first


def test_network_outcomes_and_responsibility(run):
    outcomes = {r["outcome"]["value"].rsplit("/", 1)[1]: r for r in run("network-outcomes")}
    assert len(outcomes) == 8
    assert outcomes["cross-sector-view"]["prevalence"]["value"] == "Alla"
    assert outcomes["policy-development"]["prevalence"]["value"] == "Flera"
    assert "prevalence" not in outcomes["dialogue"]
    rows = run("responsibility-by-unit-kind")
    political = {r["unitKind"]["value"]: int(r["municipalities"]["value"]) for r in rows
                 if r["property"]["value"].endswith("#politicalResponsibility")}
    assert political == {"municipal-executive-board": 7, "labour-market-committee": 3}
    officer = sum(int(r["municipalities"]["value"]) for r in rows
                  if r["property"]["value"].endswith("#officerResponsibility"))
    assert officer == 11  # all network municipalities but one


def test_agenda_2030_policies_belong_to_network_municipalities(run):
    network = set(values(run("network-municipalities"), "municipality"))
    rows = run("network-agenda-2030-policies")
    assert set(values(rows, "municipality")) <= network
    assert set(values(rows, "municipality")) == {"Helsingborg", "Hudiksvall", "Karlstad",
                                                  "Malmö", "Tierp", "Umeå"}
    assert "Mölndal" not in values(rows, "municipality")  # its policy links to no SDG


def test_map_queries_return_typed_wkt(run):
    for name, shape, count in (("network-map", "MULTIPOLYGON", 12),
                               ("enterprise-map", "POINT", None)):
        rows = run(name)
        assert count is None or len(rows) == count
        for row in rows:
            assert row["wkt"]["datatype"] == WKT
            assert row["wkt"]["value"].startswith(shape)
            assert row["wktLabel"]["value"]
    malmo = next(r for r in run("enterprise-map") if r["municipality"]["value"] == "Malmö")
    assert malmo["enterprises"]["value"] == "5"


def test_sdg_and_challenge_queries(run):
    goal8 = values(run("sdg-goal-targets"), "target")
    assert goal8 == [f"8.{i}" for i in range(1, 11)] + ["8.a", "8.b"]
    assert len(run("sdg-goal-targets", goal="17")) == 19
    rows = run("challenges-with-sdg-targets")
    crime = {r["target"]["value"] for r in rows if r["challenge"]["value"] == "crime-prevention"}
    assert crime == {"16.1"}
    assert len({r["challenge"]["value"] for r in rows}) == 27
    lonely = run("enterprises-by-challenge-name", challengeName="Involuntary loneliness@en")
    assert "Hjälmarens Hälsoförening (example)" in values(lonely, "name")
    assert all(r["name"]["xml:lang"] == "en" for r in lonely)
    # a language-tagged value matches only in its language
    assert run("enterprises-by-challenge-name", challengeName="Involuntary loneliness@sv") == []
    facing = run("municipalities-facing-challenge",
                 challenge="https://w3id.org/segraph/id/challenge/crime-prevention")
    assert values(facing, "municipality") == ["Örebro"]


def test_the_challenge_scheme_is_no_deeper_than_municipalities_facing_challenge_reaches(
        store, run):
    """That query follows skos:broader up to four steps (a * path inside OPTIONAL is wrong on
    Virtuoso); with it, the enterprises it finds are those of skos:broader*."""
    depth = next(iter(store.query("""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT (MAX(?n) AS ?depth) WHERE { { SELECT ?c (COUNT(?top) AS ?n)
        WHERE { ?c skos:broader+ ?top } GROUP BY ?c } }""", use_default_graph_as_union=True)))
    assert 1 <= int(depth["depth"].value) <= 4
    rows = run("municipalities-facing-challenge",
               challenge="https://w3id.org/segraph/id/challenge/unemployment")
    found = {(r["code"]["value"], r["enterprise"]["value"]) for r in rows if "enterprise" in r}
    star = {(r["code"].value, r["e"].value) for r in store.query("""
        PREFIX seg: <https://w3id.org/segraph/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX c: <https://w3id.org/segraph/id/challenge/>
        SELECT DISTINCT ?code ?e WHERE {
          ?m seg:facesChallenge c:unemployment ;
             seg:municipalityCode ?code ; seg:inLabourMarketRegion ?region .
          ?e a seg:SocialEnterprise ; seg:addressesChallenge/skos:broader* c:unemployment ;
             seg:seatMunicipality/seg:inLabourMarketRegion ?region ; rdfs:label ?name
          FILTER(lang(?name) = "sv") }""", use_default_graph_as_union=True)}
    assert found == star and len(found) > 5


def test_label_search_and_an_injection_attempt(run):
    rows = run("label-search", text="malmö")
    assert "https://w3id.org/segraph/id/municipality/1280" in values(rows, "resource")
    assert all("malmö" in r["name"]["value"].lower() for r in rows)
    # Were the value pasted into the text, this would be a syntax error or an update.
    assert run("label-search", text='x" } ; DROP ALL #') == []
    assert len(run("network-municipalities")) == 12


# ---- binding values -----------------------------------------------------------------------

@pytest.mark.parametrize(("type_", "raw", "expected"), [
    ("iri", "https://w3id.org/segraph/id/county/12",
     ox.NamedNode("https://w3id.org/segraph/id/county/12")),
    ("string", 'x" } ; DROP ALL #', ox.Literal('x" } ; DROP ALL #')),
    ("integer", " +2022 ", ox.Literal("2022", datatype=ox.NamedNode(XSD + "integer"))),
    ("decimal", "1500,5", ox.Literal("1500.5", datatype=ox.NamedNode(XSD + "decimal"))),
    ("decimal", "7.00", ox.Literal("7", datatype=ox.NamedNode(XSD + "decimal"))),
    ("boolean", "True", ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))),
    ("boolean", "0", ox.Literal("false", datatype=ox.NamedNode(XSD + "boolean"))),
    ("date", "2022-12-31", ox.Literal("2022-12-31", datatype=ox.NamedNode(XSD + "date"))),
    ("lang", "Arbetslöshet@sv", ox.Literal("Arbetslöshet", language="sv")),
    ("lang", "a@b@en-GB", ox.Literal("a@b", language="en-gb")),
])
def test_parse_value_accepts(type_, raw, expected):
    assert parse_value(type_, raw) == expected


@pytest.mark.parametrize(("type_", "raw"), [
    ("iri", "county/12"), ("iri", "ftp://example.org/x"), ("iri", "https://"),
    ("iri", "https://example.org/a b"), ("iri", "https://example.org/>{"),
    ("integer", "12.5"), ("integer", "twelve"), ("integer", ""),
    ("decimal", "1e5"), ("decimal", "1.2.3"), ("boolean", "yes"), ("date", "2022-02-30"),
    ("date", "31/12/2022"), ("lang", "Arbetslöshet"), ("lang", "@sv"), ("lang", "x@s v"),
    ("string", "x" * 1001),
])
def test_parse_value_refuses(type_, raw):
    with pytest.raises(ValueError, match="expected"):
        parse_value(type_, raw)


def test_bind_applies_defaults_and_names_the_parameter():
    query = QUERIES["agreements-of-a-kind"]
    terms = bind(query, {"minValue": "1000"})
    assert terms["kind"] == ox.NamedNode("https://w3id.org/segraph/id/agreement-kind/iop")
    assert terms["minValue"].value == "1000"
    assert bind(query, {"minValue": ""})["minValue"].value == "500000"  # empty: default
    with pytest.raises(ValueError, match=r"parameter 'kind' \(iri\).*absolute http"):
        bind(query, {"kind": "iop"})
    with pytest.raises(ValueError, match=r"parameter 'minValue'.*decimal"):
        bind(query, {"minValue": "much"})
    with pytest.raises(ValueError, match=r"unknown parameter 'county'.*kind, minValue"):
        bind(query, {"county": "12"})


# ---- header validation --------------------------------------------------------------------

GOOD = """\
# title@sv: Kommuner i ett län
# title@en: Municipalities of a county
# description@sv: Kommunerna i ett län.
# description@en: The municipalities of a county.
{params}
SELECT ?county ?m WHERE {{ ?m seg:inCounty/seg:countyCode ?county }}
"""
PARAM = "# param: county string 12 — county code"


def write(tmp_path: Path, text: str, name: str = "q.rq") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_header_loads(tmp_path):
    text = GOOD.format(params=PARAM + '\n# param@sv: county — länskod\n'
                       '# param: other string "" — an empty default')
    text = text.replace("SELECT ?county ?m", "SELECT ?county ?other ?m")
    query = load_query(write(tmp_path, text))
    assert isinstance(query, SavedQuery) and query.name == "q"
    assert query.titles == {"sv": "Kommuner i ett län", "en": "Municipalities of a county"}
    county, other = query.params
    assert (county.name, county.type, county.default) == ("county", "string", "12")
    assert county.describe("sv") == "länskod" and county.describe("en") == "county code"
    assert other.default == ""
    assert [q.name for q in load_queries(tmp_path)] == ["q"]


@pytest.mark.parametrize(("header", "line", "message"), [
    (PARAM + "\n# titel@sv: x", 6, "unknown header field 'titel'"),
    (PARAM + "\n# title@de: x", 6, "language 'de'"),
    (PARAM + "\n# title@sv: again", 6, "'title@sv' is given twice"),
    ("# param: county text 12 — county code", 5, "unknown type 'text'"),
    ("# param: county integer twelve — county code", 5, "default of parameter 'county'"),
    ("# param: county string 12 county code", 5, "dash"),
    ("# param: county string — county code", 5, "a default is required"),
    ("# param: county string 12 —", 5, "no description"),
    (PARAM + "\n" + PARAM, 6, "declared twice"),
    ("# param: format string csv — a reserved name", 5, "reserved"),
    ("# param: 1county string 12 — not a name", 5, "not a SPARQL variable name"),
    (PARAM + "\n# param@sv: region — län", 6, "no param line declares"),
    (PARAM + "\n# param: region string 01 — unused", 6, r"never uses \?region"),
])
def test_header_errors_name_file_and_line(tmp_path, header, line, message):
    with pytest.raises(QueryFileError, match=message) as excinfo:
        load_query(write(tmp_path, GOOD.format(params=header), "broken.rq"))
    assert str(excinfo.value).startswith(f"broken.rq:{line}:")


def test_a_missing_title_is_an_error(tmp_path):
    text = GOOD.format(params=PARAM).replace("# title@en: Municipalities of a county\n", "")
    with pytest.raises(QueryFileError, match=r"^broken\.rq:1: .*no '# title@en:' line"):
        load_query(write(tmp_path, text, "broken.rq"))


def test_a_parameter_must_be_projected(tmp_path):
    text = GOOD.format(params=PARAM).replace("SELECT ?county ?m", "SELECT ?m")
    with pytest.raises(QueryFileError, match=r"^broken\.rq:5: .*listed in the SELECT clause"):
        load_query(write(tmp_path, text, "broken.rq"))


def test_query_errors_name_the_file(tmp_path):
    construct = GOOD.format(params="").replace(
        "SELECT ?county ?m WHERE", "CONSTRUCT { ?m a seg:X } WHERE")
    with pytest.raises(QueryFileError, match=r"^broken\.rq: a saved query is a SELECT or ASK"):
        load_query(write(tmp_path, construct, "broken.rq"))
    syntax = GOOD.format(params="").replace("WHERE {", "WHERE {{")
    with pytest.raises(QueryFileError, match=r"^broken\.rq: the query does not run"):
        load_query(write(tmp_path, syntax, "broken.rq"))
    write(tmp_path, GOOD.format(params=PARAM), "a-good.rq")
    with pytest.raises(QueryFileError, match=r"broken\.rq"):
        load_queries(tmp_path)


def test_an_ask_query_loads(tmp_path):
    text = GOOD.format(params=PARAM).replace(
        "SELECT ?county ?m WHERE", "ASK WHERE")
    query = load_query(write(tmp_path, text, "ask.rq"))
    assert query.form == "ask" and query.params[0].name == "county"
