"""Explainable graph matching on the built graph: directions, factors, reasons, write-back, CLI."""

from __future__ import annotations

import importlib.util
import json
import shutil
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from segraph.cli import main
from segraph.matching import (
    FACTORS,
    GEOGRAPHY,
    METHOD,
    WEIGHTS,
    Match,
    Matcher,
    UnknownResource,
    matches_graph,
)
from segraph.matching.index import label
from segraph.matching.scoring import activity_part, geography_part, topical_parts, total
from segraph.matching.writeback import match_iri
from segraph.namespaces import GRAPH, ID
from segraph.sources import shapes_and_reference
from segraph.store import EmbeddedStore
from segraph.validation import validate_graph

PROJECT = Path(__file__).resolve().parents[1]
SEG = "https://w3id.org/segraph/ontology#"
HELSINGBORG = str(ID["municipality/1283"])
POLICY = str(ID["policy/example-1283-policy-sociala-foretag"])
TOPICAL = {"challenge", "broader-narrower", "sdg-target"}


def challenge(key: str) -> str:
    return str(ID[f"challenge/{key}"])


def in_memory(paths, extra: list[ox.Quad] = ()) -> ox.Store:
    """The built graph (and ``extra`` quads) in an in-memory store, as the server holds it."""
    disk = EmbeddedStore(paths.store, read_only=True).oxigraph
    memory = ox.Store()
    memory.extend(disk.quads_for_pattern(None, None, None, None))
    memory.extend(extra)
    return memory


@pytest.fixture(scope="module")
def matcher(built) -> Matcher:
    paths, _ = built
    return Matcher.from_store(in_memory(paths))


def by_label(matcher: Matcher, start: str) -> str:
    (iri,) = [e.iri for e in matcher.index.enterprises.values()
              if label(e.labels, "sv").startswith(start)]
    return iri


def enterprise_quads(name: str, seat: str, challenges: list[str], operates: tuple[str, ...] = (),
                     activities: tuple[str, ...] = ()) -> list[ox.Quad]:
    """A test enterprise in graph/local (not validated: matching reads asserted data only)."""
    node, local = ox.NamedNode(str(ID[f"organisation/test-{name}"])), ox.NamedNode(GRAPH["local"])
    quads = [
        ox.Quad(node, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                ox.NamedNode(SEG + "SocialEnterprise"), local),
        ox.Quad(node, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                ox.Literal(f"Test {name}", language="sv"), local),
        ox.Quad(node, ox.NamedNode(SEG + "seatMunicipality"), ox.NamedNode(seat), local)]
    quads += [ox.Quad(node, ox.NamedNode(SEG + "addressesChallenge"),
                      ox.NamedNode(challenge(c)), local) for c in challenges]
    quads += [ox.Quad(node, ox.NamedNode(SEG + "operatesIn"), ox.NamedNode(m), local)
              for m in operates]
    quads += [ox.Quad(node, ox.NamedNode(SEG + "activityType"),
                      ox.NamedNode(str(ID[f"activity-type/{a}"])), local) for a in activities]
    return quads


def reasons_sum(match: Match) -> float:
    return sum(r.score for r in match.reasons)


# ---- a municipality's enterprises --------------------------------------------------------

def test_helsingborgs_top_enterprises_address_its_challenges(matcher):
    profile = matcher.profile("1283")
    asserted = {c for c, n in profile.needs.items() if n.source == "asserted"}
    assert asserted == {challenge(k) for k in ("socioeconomic-gaps", "income-inequality",
                                               "unemployment", "segregation")}
    top = matcher.enterprises_for_municipality("1283", limit=10)
    assert len(top) == 10
    assert [m.score for m in top] == sorted((m.score for m in top), reverse=True)
    for match in top:
        assert match.subject == HELSINGBORG
        assert abs(reasons_sum(match) - match.score) < 1e-6
        topical = [r for r in match.reasons if r.factor in TOPICAL]
        assert topical, match.label
        assert all("Helsingborg" in r.text["sv"] and "Helsingborg" in r.text["en"]
                   for r in topical if r.factor != "sdg-target")
        assert {r.factor for r in match.reasons} <= set(FACTORS)
        assert [r.factor for r in match.reasons] == sorted(
            (r.factor for r in match.reasons), key=FACTORS.index)
        assert sum(r.factor == "geography" for r in match.reasons) == 1
    sentences = {(r.text["sv"], r.text["en"]) for m in top[:3] for r in m.reasons}
    assert ("Arbetar med Arbetslöshet, som Helsingborg har identifierat",
            "Works on unemployment, which Helsingborg has identified") in sentences
    # An enterprise working on an asserted challenge gets the full challenge weight for it.
    for match in top:
        for reason in match.reasons:
            if reason.factor == "challenge" and reason.evidence[0] in asserted:
                assert reason.score == WEIGHTS["challenge"]
                assert "har identifierat" in reason.text["sv"]


def test_the_code_and_the_iri_name_the_same_municipality(matcher):
    assert matcher.enterprises_for_municipality("1283", limit=5) == \
        matcher.enterprises_for_municipality(HELSINGBORG, limit=5)
    with pytest.raises(UnknownResource, match="9999"):
        matcher.enterprises_for_municipality("9999")
    # A municipality with no known challenge, asserted or derived, gets no enterprise.
    assert matcher.enterprises_for_municipality("0114") == []


NORDANSTIG, KIRUNA = str(ID["municipality/2132"]), str(ID["municipality/2584"])


def test_without_needs_the_enterprises_near_are_ranked_by_geography_alone(built):
    paths, _ = built
    plain = Matcher.from_store(in_memory(paths))
    for place in (NORDANSTIG, KIRUNA):  # neither has a recorded or derived challenge
        assert place not in plain.municipalities_with_needs()
        assert plain.profile(place).needs == {}
        assert plain.enterprises_for_municipality(place) == []
    assert plain.enterprises_near("2584") == []  # nothing in Norrbotten
    home = plain.municipality(NORDANSTIG)
    # A seat in Nordanstig comes first; its name sorts last so only the score can order it.
    extra = enterprise_quads("zz-home", NORDANSTIG, ["unemployment"])
    matcher = Matcher.from_store(in_memory(paths, extra))
    near = matcher.enterprises_near("2132", limit=100)
    assert near[0].label == "Test zz-home" and near[0].score == GEOGRAPHY["municipality"]
    assert {m.score for m in near} == {GEOGRAPHY[k] for k in (
        "municipality", "operates", "fa-region", "county")}
    for match in near:
        assert match.subject == NORDANSTIG
        (reason,) = match.reasons  # geography is the only reason
        assert reason.factor == "geography" and reason.score == match.score
        assert "Nordanstig" in reason.text["sv"] and "Nordanstig" in reason.text["en"]
    assert [(m.score, m.label) for m in near] == sorted(
        ((m.score, m.label) for m in near), key=lambda pair: (-pair[0], pair[1]))
    by_score = {m.score: m.reasons[0] for m in near}
    assert by_score[GEOGRAPHY["operates"]].text["sv"].startswith("Är verksamt i Nordanstig")
    assert "samma FA-region som Nordanstig" in by_score[GEOGRAPHY["fa-region"]].text["sv"]
    assert "same county as Nordanstig" in by_score[GEOGRAPHY["county"]].text["en"]
    assert home.fa_region in by_score[GEOGRAPHY["fa-region"]].evidence
    assert home.county in by_score[GEOGRAPHY["county"]].evidence
    # Every enterprise that is near is offered, and none that is not; limit cuts the list.
    places = matcher.index.municipalities

    def is_near(where: str | None) -> bool:
        other = places.get(where or "")
        return other is not None and (other.iri == NORDANSTIG or other.county == home.county
                                      or other.fa_region == home.fa_region)

    assert {m.candidate for m in near} == {
        e.iri for e in matcher.index.enterprises.values()
        if e.seat is not None and any(is_near(w) for w in (e.seat, *e.operates))}
    assert matcher.enterprises_near("2132", limit=3) == near[:3]
    assert matcher.enterprises_near(NORDANSTIG, limit=0) == []
    with pytest.raises(UnknownResource):
        matcher.enterprises_near("9999")


def test_derived_challenges_are_marked(matcher):
    profile = matcher.profile("1283")
    assert profile.needs[challenge("disability-inclusion")].source == "policy"
    assert profile.needs[challenge("long-term-unemployment")].source == "agreement"
    matches = {m.candidate: m for m in matcher.enterprises_for_municipality("1283", limit=60)}
    forsglantan = matches[by_label(matcher, "Forsgläntans Återbruk")]
    (policy,) = [r for r in forsglantan.reasons
                 if r.evidence[0] == challenge("disability-inclusion")]
    assert policy.factor == "challenge"
    assert policy.score == pytest.approx(WEIGHTS["challenge"] * 0.5)
    assert POLICY in policy.evidence and str(ID["sdg/target/8.5"]) in policy.evidence
    assert "(härlett)" in policy.text["sv"] and "delmål 8.5" in policy.text["sv"]
    assert "(derived)" in policy.text["en"] and "target 8.5" in policy.text["en"]
    grona = matches[by_label(matcher, "Kooperativet Gröna Händer")]
    (agreement,) = [r for r in grona.reasons
                    if r.evidence[0] == challenge("long-term-unemployment")]
    assert str(ID["agreement/example-a001"]) in agreement.evidence
    assert "härlett ur avtalet" in agreement.text["sv"] and "derived from" in agreement.text["en"]
    stated = [r for m in matches.values() for r in m.reasons if r.factor == "challenge"
              and profile.needs[r.evidence[0]].source == "asserted"]
    assert stated and not any("härlett" in r.text["sv"] or "derived" in r.text["en"]
                              for r in stated)


def test_geography_orders_otherwise_equal_enterprises(built):
    paths, _ = built
    plain = Matcher.from_store(in_memory(paths))
    home = plain.municipality("1283")
    places = plain.index.municipalities.values()
    same_fa = min(m.iri for m in places if m.fa_region == home.fa_region and m.iri != home.iri)
    same_county = min(m.iri for m in places
                      if m.county == home.county and m.fa_region != home.fa_region)
    far = min(m.iri for m in places if m.county != home.county)
    # Names in the opposite order of the expected ranking, so that only the score can order them.
    cases = [("e-home", home.iri, ()), ("d-operates", far, (home.iri,)), ("c-fa", same_fa, ()),
             ("b-county", same_county, ()), ("a-far", far, ())]
    extra = [q for name, seat, operates in cases
             for q in enterprise_quads(name, seat, ["unemployment"], operates)]
    matcher = Matcher.from_store(in_memory(paths, extra))
    found = [m for m in matcher.enterprises_for_municipality("1283", limit=500)
             if m.label.startswith("Test ")]
    assert [m.label for m in found] == ["Test e-home", "Test d-operates", "Test c-fa",
                                        "Test b-county", "Test a-far"]
    geography = [next(r for r in m.reasons if r.factor == "geography") for m in found]
    assert [r.score for r in geography] == [GEOGRAPHY[k] for k in (
        "municipality", "operates", "fa-region", "county", "elsewhere")]
    assert [round(m.score - g.score, 3) for m, g in zip(found, geography, strict=True)] == \
        [WEIGHTS["challenge"]] * 5
    assert geography[0].text["sv"] == "Har sitt säte i Helsingborg"
    assert "samma FA-region som Helsingborg" in geography[2].text["sv"]
    assert "same county as Helsingborg" in geography[3].text["en"]
    assert home.fa_region in geography[2].evidence and home.county in geography[3].evidence


def test_broader_and_narrower_count_with_their_own_factor(built):
    paths, _ = built
    plain = Matcher.from_store(in_memory(paths))
    unemployment, youth = challenge("unemployment"), challenge("youth-unemployment")
    gaps = challenge("socioeconomic-gaps")
    subject = min(m for m in plain.municipalities_with_needs()
                  if plain.profile(m).needs.get(unemployment) is not None
                  and plain.profile(m).needs[unemployment].source == "asserted"
                  and not {youth, gaps, challenge("long-term-unemployment")}
                  & plain.profile(m).needs.keys())
    extra = enterprise_quads("narrower", str(ID["municipality/0114"]), ["youth-unemployment"]) \
        + enterprise_quads("broader", str(ID["municipality/0114"]), ["socioeconomic-gaps"])
    matcher = Matcher.from_store(in_memory(paths, extra))
    found = {m.label: m for m in matcher.enterprises_for_municipality(subject, limit=500)}
    narrower, broader = found["Test narrower"], found["Test broader"]
    (link,) = [r for r in narrower.reasons if r.factor in ("challenge", "broader-narrower")]
    assert link.factor == "broader-narrower"
    assert link.score == WEIGHTS["broader-narrower"]
    assert link.evidence[:2] == (youth, unemployment)
    assert link.text["sv"].startswith("Arbetar med Ungdomsarbetslöshet, ett smalare begrepp "
                                      "under Arbetslöshet, som ")
    assert "a narrower concept under unemployment" in link.text["en"]
    (up,) = [r for r in broader.reasons if r.factor == "broader-narrower"]
    # The link goes to the strongest of the subject's narrower challenges (then the first IRI).
    linked = up.evidence[1]
    assert up.evidence[0] == gaps and linked in matcher.index.challenges[gaps].narrower
    needs = matcher.profile(subject).needs
    assert linked == min((c for c in matcher.index.challenges[gaps].narrower if c in needs),
                         key=lambda c: (-needs[c].weight, c))
    assert f"det bredare begreppet för {matcher.labels(linked)['sv']}" in up.text["sv"]
    assert up.text["en"].startswith("Works on socioeconomic disparities, the broader concept of ")
    # The target both share (8.5) is explained by the link and not counted again.
    assert not any(str(ID["sdg/target/8.5"]) in r.evidence
                   for r in narrower.reasons if r.factor == "sdg-target")


# ---- the other directions -----------------------------------------------------------------

def test_municipalities_for_an_enterprise(matcher):
    grona = by_label(matcher, "Kooperativet Gröna Händer")
    found = matcher.municipalities_for_enterprise(grona, limit=50)
    assert found and found[0].candidate == HELSINGBORG
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
    for match in found:
        assert match.subject == grona
        assert match.candidate in matcher.index.municipalities
        assert any(r.factor in TOPICAL for r in match.reasons)
        assert abs(reasons_sum(match) - match.score) < 1e-6
    first = [r for r in found[0].reasons if r.factor == "challenge"]
    assert all(r.text["sv"].startswith("Kooperativet Gröna Händer (exempel) arbetar med ")
               for r in first)
    assert [r.text["sv"] for r in found[0].reasons if r.factor == "geography"] == \
        ["Kooperativet Gröna Händer (exempel) har sitt säte i Helsingborg"]
    with pytest.raises(UnknownResource):
        matcher.municipalities_for_enterprise(str(ID["organisation/000000-0000"]))


def test_a_challenge_gives_enterprises_and_municipalities(matcher):
    key = "long-term-unemployment"
    assert matcher.for_challenge(key) == matcher.for_challenge(challenge(key))
    found = matcher.for_challenge(key, limit=100)
    assert set(found) == {"enterprises", "municipalities"}
    enterprises = found["enterprises"]
    direct = {e.iri for e in matcher.index.enterprises.values() if challenge(key) in e.challenges}
    related = {e.iri for e in matcher.index.enterprises.values()
               if challenge("unemployment") in e.challenges} - direct
    assert direct and related
    assert {m.candidate for m in enterprises} == direct | related
    first = enterprises[:len(direct)]
    assert {m.candidate for m in first} == direct
    assert all(m.reasons[0].factor == "challenge" and m.reasons[0].score == 3.0 for m in first)
    assert all(m.reasons[0].text["sv"] == "Arbetar med Långtidsarbetslöshet" for m in first)
    later = enterprises[len(direct):]
    assert all({r.factor for r in m.reasons} == {"broader-narrower"} for m in later)
    assert "det bredare begreppet för Långtidsarbetslöshet" in later[0].reasons[0].text["sv"]
    municipalities = {m.candidate: m for m in found["municipalities"]}
    soderhamn = municipalities[str(ID["municipality/2182"])]
    assert soderhamn.reasons[0].text == {"sv": "Har identifierat Långtidsarbetslöshet",
                                         "en": "Has identified long-term unemployment"}
    helsingborg = municipalities[HELSINGBORG]
    assert any("härlett ur avtalet" in r.text["sv"] for r in helsingborg.reasons)
    assert soderhamn.score > helsingborg.score - WEIGHTS["broader-narrower"]
    with pytest.raises(UnknownResource):
        matcher.for_challenge("no-such-challenge")


def test_enterprises_for_a_linked_text(matcher):
    weights = {challenge("loneliness"): 0.9, challenge("long-term-unemployment"): 0.45,
               "https://example.org/not-a-challenge": 5.0}
    found = matcher.enterprises_for_challenges(weights, limit=10)
    assert found and all(m.subject == "text" for m in found)
    assert all(r.factor != "geography" for m in found for r in m.reasons)
    lonely = [r for m in found for r in m.reasons if r.factor == "challenge"
              and r.evidence[0] == challenge("loneliness")]
    assert lonely and all(r.score == 3.0 and r.text["sv"].endswith("som texten handlar om")
                          for r in lonely)
    assert all(r.score == 1.5 for m in found for r in m.reasons if r.factor == "challenge"
               and r.evidence[0] == challenge("long-term-unemployment"))
    local = matcher.enterprises_for_challenges(weights, municipality="1283", limit=10)
    assert all(sum(r.factor == "geography" for r in m.reasons) == 1 for m in local)
    assert matcher.enterprises_for_challenges({}) == []
    assert matcher.enterprises_for_challenges({challenge("loneliness"): 0.0}) == []


def test_to_json_follows_the_interface(matcher):
    (match,) = matcher.enterprises_for_municipality("1283", limit=1)
    for lang in ("sv", "en"):
        data = match.to_json(lang)
        assert set(data) == {"uri", "label", "score", "reasons"}
        assert data["uri"] == match.candidate and data["score"] == match.score
        assert data["label"] == match.labels[lang]
        for reason, shown in zip(match.reasons, data["reasons"], strict=True):
            assert set(shown) == {"factor", "score", "text", "evidence"}
            assert shown["text"] == reason.text[lang]
            assert shown["evidence"] == list(reason.evidence)
        json.dumps(data)  # plain JSON types only
    assert match.to_json("en")["label"].endswith("(example)")
    assert match.to_json("sv")["label"].endswith("(exempel)")


def test_results_are_deterministic(built, matcher):
    paths, _ = built
    again = Matcher.from_store(in_memory(paths))
    for code in ("1283", "1280", "2480"):
        assert again.enterprises_for_municipality(code) == \
            matcher.enterprises_for_municipality(code)
    when = datetime(2024, 1, 1, tzinfo=UTC)
    one = matches_graph(matcher.enterprises_for_municipality("1283"), method=METHOD,
                        matcher=matcher, generated_at=when)
    two = matches_graph(again.enterprises_for_municipality("1283"), method=METHOD,
                        matcher=again, generated_at=when)
    assert sorted(one.serialize(format="nt").splitlines()) == \
        sorted(two.serialize(format="nt").splitlines())


# ---- write-back ---------------------------------------------------------------------------

def test_matches_graph_conforms_and_round_trips_through_sparql(matcher):
    matches = matcher.enterprises_for_municipality("1283", limit=5)
    graph = matches_graph(matches, method=METHOD, matcher=matcher)
    shapes, reference = shapes_and_reference(PROJECT)
    report = validate_graph(graph, shapes, reference=reference)
    assert report.conforms and not report.violations, report.to_text()
    store = ox.Store()
    store.load(graph.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES)
    rows = list(store.query(f"""
        PREFIX seg: <{SEG}> PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?match ?candidate ?score ?rank ?example ?time ?version WHERE {{
          ?match a seg:Match ; seg:matchSubject <{HELSINGBORG}> ; seg:matchCandidate ?candidate ;
                 seg:matchScore ?score ; seg:matchRank ?rank ; seg:matchMethod "{METHOD}" ;
                 seg:isExample ?example ; prov:wasGeneratedBy ?run .
          ?run prov:endedAtTime ?time ;
               prov:wasAssociatedWith/<https://schema.org/softwareVersion> ?version .
        }} ORDER BY ?rank"""))
    assert [r["candidate"].value for r in rows] == [m.candidate for m in matches]
    assert [int(r["rank"].value) for r in rows] == [1, 2, 3, 4, 5]
    assert [Decimal(r["score"].value) for r in rows] == \
        [Decimal(f"{m.score:.3f}") for m in matches]
    assert all(r["example"].value == "true" and r["version"].value for r in rows)
    for row, match in zip(rows, matches, strict=True):
        assert row["match"].value == str(match_iri(HELSINGBORG, match.candidate, METHOD))
        reasons = list(store.query(f"""
            PREFIX seg: <{SEG}>
            SELECT ?factor ?points ?sv ?en WHERE {{
              <{row['match'].value}> seg:hasReason ?r .
              ?r seg:reasonFactor ?factor ; seg:reasonScore ?points ;
                 seg:reasonText ?sv , ?en FILTER(lang(?sv) = "sv" && lang(?en) = "en") }}"""))
        assert sorted((r["factor"].value, Decimal(r["points"].value), r["sv"].value,
                       r["en"].value) for r in reasons) == \
            sorted((r.factor, Decimal(f"{r.score:.3f}"), r.text["sv"], r.text["en"])
                   for r in match.reasons)
    assert match_iri(HELSINGBORG, matches[0].candidate, METHOD) != \
        match_iri(HELSINGBORG, matches[0].candidate, "other-method")


def test_the_build_writes_every_municipalitys_top_ten(built, matcher):
    paths, result = built
    store = EmbeddedStore(paths.store, read_only=True)
    rows = list(store.query(f"""
        PREFIX seg: <{SEG}>
        SELECT ?subject ?candidate ?rank WHERE {{ GRAPH <{GRAPH['matches']}> {{
          ?m a seg:Match ; seg:matchSubject ?subject ; seg:matchCandidate ?candidate ;
             seg:matchRank ?rank }} }} ORDER BY ?subject ?rank""").raw)
    per_subject: dict[str, list[str]] = {}
    for row in rows:
        per_subject.setdefault(row["subject"].value, []).append(row["candidate"].value)
    assert set(per_subject) == set(matcher.municipalities_with_needs())
    for subject, candidates in per_subject.items():
        assert candidates == [m.candidate for m in
                              matcher.enterprises_for_municipality(subject, limit=10)]
    assert result.graphs["matches"] > 0
    # Described like every other graph; the activity's time comes from the inputs, not a clock.
    assert bool(store.query(f"""
        PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX prov: <http://www.w3.org/ns/prov#>
        ASK {{ GRAPH <{GRAPH['metadata']}> {{ <{GRAPH['matches']}> dcterms:title ?t ;
               prov:wasGeneratedBy ?a ; <http://rdfs.org/ns/void#triples> ?n }}
             GRAPH <{GRAPH['matches']}> {{ ?run prov:endedAtTime
               "2026-11-26T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> }} }}""").raw)


# ---- the command line ---------------------------------------------------------------------

def test_cli_match_table_json_and_errors(built, capsys):
    paths, _ = built
    where = ["--project-dir", str(PROJECT), "--var-dir", str(paths.var)]
    assert main(["match", "--municipality", "1283", "--limit", "3", *where]) == 0
    out = capsys.readouterr().out
    assert "Sociala företag för Helsingborg" in out and "poäng" in out and "Kärnans" in out
    assert main(["match", "--municipality", "1283", "--lang", "en", "--format", "json",
                 "--limit", "2", *where]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["subject"] == HELSINGBORG and len(data["results"]) == 2
    assert data["results"][0]["reasons"][0]["text"].startswith("Works on")
    assert main(["match", "--challenge", "loneliness", "--format", "json", *where]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"subject", "enterprises", "municipalities"}
    assert data["subject"] == challenge("loneliness") and data["enterprises"]
    grona = "https://w3id.org/segraph/id/organisation/797425-5502"
    assert main(["match", "--enterprise", grona, "--lang", "en", *where]) == 0
    assert "Municipalities that need what Kooperativet Gröna Händer" in capsys.readouterr().out
    assert main(["match", "--municipality", "9999", *where]) == 2
    assert "no municipality '9999'" in capsys.readouterr().err
    assert main(["match", *where]) == 2


def test_cli_names_needs_nearby_and_text(built, capsys):
    paths, _ = built
    where = ["--project-dir", str(PROJECT), "--var-dir", str(paths.var)]
    # A name in any spelling that reconciles; a municipality without needs says so and lists
    # the enterprises near it by proximity only.
    assert main(["match", "--municipality", "Nordanstigs kommun", "--lang", "en",
                 "--format", "json", *where]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["subject"].endswith("/municipality/2132") and data["results"] == []
    assert data["note"].startswith("No societal challenges are recorded for Nordanstig")
    assert data["nearby"] and all(
        [r["factor"] for r in m["reasons"]] == ["geography"] for m in data["nearby"])
    assert [m["score"] for m in data["nearby"]] == sorted(
        (m["score"] for m in data["nearby"]), reverse=True)
    assert main(["match", "--municipality", "Nordanstig", *where]) == 0
    captured = capsys.readouterr()
    assert "endast efter närhet" in captured.out and "Inga samhällsutmaningar" in captured.err
    assert main(["match", "--municipality", "Stokholm", *where]) == 2
    assert "closest: Stockholm" in capsys.readouterr().err
    # A description of needs, ranked near a municipality.
    text = "Vi vill att fler långtidsarbetslösa får arbetsträning i parkskötseln."
    assert main(["match", "--text", text, "--municipality", "Helsingborg", "--format", "json",
                 "--limit", "3", *where]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["link"]["challenges"][0]["uri"] == challenge("long-term-unemployment")
    assert 0 < len(data["enterprises"]) <= 3
    assert {r["factor"] for m in data["enterprises"] for r in m["reasons"]} >= {"challenge",
                                                                               "geography"}
    assert main(["match", "--text", text, "--write", *where]) == 2


def test_cli_write_replaces_the_subjects_matches_in_the_store(built, tmp_path, capsys):
    paths, _ = built
    copy = tmp_path / "store"
    shutil.copytree(paths.store, copy)
    args = ["--project-dir", str(PROJECT), "--store", str(copy)]

    def counts() -> dict[str, int]:
        store = EmbeddedStore(copy, read_only=True)
        rows = store.query(f"""PREFIX seg: <{SEG}> SELECT ?s (COUNT(?m) AS ?n) WHERE {{
            GRAPH <{GRAPH['matches']}> {{ ?m seg:matchSubject ?s }} }} GROUP BY ?s""").raw
        found = {r["s"].value: int(r["n"].value) for r in rows}
        triples = store.query(f"""SELECT ?n WHERE {{ GRAPH <{GRAPH['metadata']}> {{
            <{GRAPH['matches']}> <http://rdfs.org/ns/void#triples> ?n }} }}""").raw
        size = store.query(f"""SELECT (COUNT(*) AS ?n) WHERE {{
            GRAPH <{GRAPH['matches']}> {{ ?s ?p ?o }} }}""").raw
        assert [int(r["n"].value) for r in triples] == [int(next(iter(size))["n"].value)]
        del store
        return found

    before = counts()
    assert before[HELSINGBORG] == 10
    assert main(["match", "--municipality", "1283", "--limit", "3", "--write", *args]) == 0
    assert "3 match(es) written" in capsys.readouterr().err
    after = counts()
    assert after[HELSINGBORG] == 3
    assert {k: v for k, v in after.items() if k != HELSINGBORG} == \
        {k: v for k, v in before.items() if k != HELSINGBORG}
    assert main(["match", "--write", "--limit", "2", "--format", "json", *args]) == 0
    capsys.readouterr()
    assert set(counts().values()) <= {1, 2} and set(counts()) == set(before)


# ---- ten thousand generated enterprises ---------------------------------------------------

def generator():
    path = PROJECT / "benchmarks" / "matching" / "generate_enterprises.py"
    spec = importlib.util.spec_from_file_location("generate_enterprises", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_enterprises_conform_to_the_shapes():
    triples = list(generator().enterprises(25, seed=11))
    graph = Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode(),
                          format="nt")
    shapes, reference = shapes_and_reference(PROJECT)
    report = validate_graph(graph, shapes, reference=reference)
    assert report.conforms and not report.violations, report.to_text()
    assert list(generator().enterprises(25, seed=11)) == triples  # the seed fixes the data


def test_from_store_indexes_ten_thousand_generated_enterprises(built):
    paths, _ = built
    triples = list(generator().enterprises(10_000))
    local = ox.NamedNode(GRAPH["local"])
    store = in_memory(paths, [ox.Quad(t.subject, t.predicate, t.object, local) for t in triples])
    matcher = Matcher.from_store(store)
    index = matcher.index
    generated = {t.subject.value for t in triples}
    assert len(generated) == 10_000
    assert len(index.enterprises) == 10_000 + 52
    addresses = sum(t.predicate.value == SEG + "addressesChallenge" for t in triples)
    assert sum(len(index.enterprises[e].challenges) for e in generated) == addresses
    operates = sum(t.predicate.value == SEG + "operatesIn" for t in triples)
    assert sum(len(index.enterprises[e].operates) for e in generated) == operates
    assert all(index.enterprises[e].seat in index.municipalities for e in generated)
    assert all(index.enterprises[e].example for e in generated)
    # The fast ranking (scores without sentences, groups pruned) is the plain one.
    for code in ("1283", "2460"):
        profile = matcher.profile(code)
        place = index.municipalities[profile.subject]
        plain = []
        for enterprise in index.enterprises.values():
            parts = topical_parts(index, profile, enterprise.challenges, None)
            if parts:
                parts.append(geography_part(index, place, enterprise, None, profile.names))
                bought = activity_part(index, profile, enterprise, None)
                parts += [bought] if bought else []
                plain.append((-total(parts), label(enterprise.labels, "sv"), enterprise.iri))
        plain.sort()
        fast = matcher.enterprises_for_municipality(code, limit=25)
        assert [(m.score, m.candidate) for m in fast] == [(-s, iri) for s, _, iri in plain[:25]]
        assert all(abs(reasons_sum(m) - m.score) < 1e-6 for m in fast)
