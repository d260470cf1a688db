"""Text linking: free text → societal challenges, SDG goals and targets, with evidence."""

from __future__ import annotations

import dataclasses
import io
import json

import pyoxigraph as ox
import pytest

from segraph.cli import main
from segraph.linking import Evidence, Link, Linker, LinkResult, Tuning
from segraph.linking.text import detect_language, stemmer, tokenise
from segraph.sources.sdg import sdg_kos_graph
from segraph.store.embedded import graph_quads

CHALLENGE = "https://w3id.org/segraph/id/challenge/"
GOAL = "https://w3id.org/segraph/id/sdg/goal/"
TARGET = "https://w3id.org/segraph/id/sdg/target/"

SWEDISH = ("Vi driver en second hand-butik där långtidsarbetslösa får arbetsträning och en väg "
           "tillbaka till anställning.")
ENGLISH = ("We run a café where people far from the labour market get work training and a "
           "path to employment.")
UNRELATED = {
    "sv": "Prislista: klippning herr 350 kr, klippning dam från 450 kr, skäggtrimning 200 kr. "
          "Tidsbokning via telefon eller på vår hemsida.",
    "en": "The home side won 2-1 after a late header in the second half; the visitors had "
          "most of the ball but few chances.",
}


@pytest.fixture(scope="module")
def store(built) -> ox.Store:
    paths, _ = built
    store = ox.Store()
    store.load(path=str(paths.build / "dumps" / "segraph.nq"), format=ox.RdfFormat.N_QUADS)
    return store


@pytest.fixture(scope="module")
def linker(store) -> Linker:
    return Linker.from_store(store)


def keys(links: tuple[Link, ...], prefix: str) -> list[str]:
    return [link.uri.removeprefix(prefix) for link in links]


def link_of(links: tuple[Link, ...], uri: str) -> Link:
    found = [link for link in links if link.uri == uri]
    assert found, f"{uri} not among {[link.uri for link in links]}"
    return found[0]


# --- what a text links to ---------------------------------------------------------------------


def test_swedish_text_links_challenges_goals_and_targets_with_evidence(linker):
    result = linker.link(SWEDISH, "sv")
    challenges = keys(result.challenges, CHALLENGE)
    assert challenges[0] == "long-term-unemployment"
    assert "circular-economy" in challenges[:3]
    assert {"8", "12"} <= {g.notation for g in result.goals}
    assert "8.5" in {t.notation for t in result.targets}
    top = result.challenges[0]
    assert top.label == "Långtidsarbetslöshet"
    assert any(e.text == "långtidsarbetslösa" and e.source in ("prefLabel", "altLabel",
                                                              "hiddenLabel")
               for e in top.evidence)
    circular = link_of(result.challenges, CHALLENGE + "circular-economy")
    assert any("second hand" in e.text for e in circular.evidence)


def test_english_text_links_with_english_labels_and_the_matched_phrase(linker):
    result = linker.link(ENGLISH, "en")
    assert keys(result.challenges, CHALLENGE)[0] == "long-term-unemployment"
    top = result.challenges[0]
    assert top.label == "Long-term unemployment"
    assert any(e.text == "far from the labour market" for e in top.evidence)
    assert result.goals[0].notation == "8"
    assert link_of(result.goals, GOAL + "8").label == "Decent work and economic growth"


def test_evidence_is_passed_on_from_challenge_to_target_to_goal(linker):
    result = linker.link(SWEDISH, "sv")
    target = link_of(result.targets, TARGET + "8.5")
    via = [e for e in target.evidence if e.source == "via-challenge"]
    assert any(e.term == "Långtidsarbetslöshet" and "långtidsarbetslösa" in e.text for e in via)
    goal = link_of(result.goals, GOAL + "8")
    assert any(e.source == "via-target" and e.term == "Anständiga jobb och lika lön för alla"
               for e in goal.evidence)


@pytest.mark.parametrize(("text", "challenge", "word"), [
    ("Många i kommunen är långtidsarbetslösa.", "long-term-unemployment", "långtidsarbetslösa"),
    ("Långtidsarbetslösheten har ökat i kommunen.", "long-term-unemployment",
     "Långtidsarbetslösheten"),
    ("Ungdomsarbetslösheten är hög i vår kommun.", "youth-unemployment", "Ungdomsarbetslösheten"),
    ("Vårt matsvinnsprojekt räddar bröd från bagerierna.", "sustainable-food", "matsvinnsprojekt"),
    ("Återbruksbutikerna tar emot möbler och husgeråd.", "circular-economy", "Återbruksbutikerna"),
    ("Vi startar en träffpunkt för äldre som känner sig ensamma.", "loneliness", "ensamma"),
    ("Föreningen hjälper nyanlända kvinnor att lära sig svenska.", "newcomer-integration",
     "nyanlända"),
])
def test_inflections_and_compounds(linker, text, challenge, word):
    result = linker.link(text, "sv")
    found = link_of(result.challenges, CHALLENGE + challenge)
    assert any(word in e.text for e in found.evidence), found.evidence


def test_a_known_term_inside_a_compound_is_found_and_named(linker):
    """"arbetslös" is a term of unemployment; "nattarbetslös" is no word the vocabulary has, so
    the linker finds the known head of the compound and says which term it matched."""
    result = linker.link("Bageriet anställer nattarbetslösa bagare.", "sv")
    found = link_of(result.challenges, CHALLENGE + "unemployment")
    assert any(e.text == "nattarbetslösa" and e.term.lower().startswith("arbetslös")
               for e in found.evidence)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_unrelated_text_links_to_nothing(linker, lang):
    result = linker.link(UNRELATED[lang], lang)
    assert result.empty
    assert result.to_json() == {"lang": lang, "challenges": [], "goals": [], "targets": []}
    assert linker.link("", lang).empty



def test_one_lone_word_of_a_target_does_not_make_a_goal(store, linker):
    # "vägen" is a word of the target on roads (9.1), but a flat viewing is about no goal
    text = "Visning av lägenheten vid Norra vägen 3 på söndag klockan 13, välkomna!"
    assert linker.link(text, "sv").empty
    counted = Linker.from_store(store, Tuning(lone_word=1.0)).link(text, "sv")
    assert keys(counted.targets, TARGET) == ["9.1"] and keys(counted.goals, GOAL) == ["9"]

def test_explicit_goal_and_target_numbers(linker):
    result = linker.link("Verksamheten bidrar till mål 12 och till delmål 8.5.", "sv")
    assert "12" in {g.notation for g in result.goals}
    assert "8.5" in {t.notation for t in result.targets}


# --- language ---------------------------------------------------------------------------------


def test_language_is_detected_when_not_given(linker):
    assert linker.link(SWEDISH).lang == "sv"
    assert linker.link(ENGLISH).lang == "en"
    assert linker.link(ENGLISH).to_json() == linker.link(ENGLISH, "en").to_json()
    assert detect_language("Vi hjälper äldre som bor ensamma") == "sv"
    assert detect_language("We help older people who live alone") == "en"
    assert detect_language("") == "sv"


def test_given_language_decides_the_labels(linker):
    result = linker.link("long-term unemployment", "en")
    assert result.lang == "en" and result.challenges[0].label == "Long-term unemployment"
    assert linker.link("långtidsarbetslöshet", "sv").challenges[0].label == "Långtidsarbetslöshet"
    with pytest.raises(ValueError):
        linker.link("text", "de")


def test_swedish_stems_agree_across_inflections():
    stem = stemmer("sv")
    for forms in (("kvinna", "kvinnan", "kvinnor", "kvinnors"), ("by", "byn", "byar", "byarna"),
                  ("arbetsmarknad", "arbetsmarknaden", "arbetsmarknadens"),
                  ("matsvinn", "matsvinnet"), ("ensamhet", "ensamheten"),
                  ("bostad", "bostäder")):
        assert len({stem(f) for f in forms}) == 1, forms
    words = [t.surface for t in tokenise("Delmål 8.5 och 1.a, second-hand.", "sv")]
    assert words == ["Delmål", "8.5", "och", "1.a", "second", "hand"]


# --- the interface ----------------------------------------------------------------------------


def test_result_classes_and_json_shape(linker):
    assert [f.name for f in dataclasses.fields(Evidence)] == ["text", "term", "source", "lang",
                                                              "weight"]
    assert [f.name for f in dataclasses.fields(Link)] == ["uri", "label", "score", "evidence",
                                                          "notation"]
    assert [f.name for f in dataclasses.fields(LinkResult)] == ["lang", "challenges", "goals",
                                                                "targets"]
    result = linker.link(SWEDISH, "sv")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.challenges[0].score = 1.0  # type: ignore[misc]
    data = json.loads(json.dumps(result.to_json()))
    assert set(data) == {"lang", "challenges", "goals", "targets"}
    sources = {"prefLabel", "altLabel", "hiddenLabel", "definition", "officialTitle",
               "via-target", "via-challenge", "via-goal"}
    for kind in ("challenges", "goals", "targets"):
        assert data[kind], kind
        scores = [item["score"] for item in data[kind]]
        assert scores == sorted(scores, reverse=True)
        for item in data[kind]:
            expected = {"uri", "label", "score", "evidence"} | (
                {"notation"} if kind != "challenges" else set())
            assert set(item) == expected
            assert 0 < item["score"] < 1 and item["evidence"]
            for evidence in item["evidence"]:
                assert set(evidence) == {"text", "term", "source", "lang", "weight"}
                assert evidence["source"] in sources and evidence["lang"] == "sv"
                assert evidence["text"] and evidence["term"] and evidence["weight"] > 0
    assert all(item["uri"].startswith(GOAL) and item["uri"].endswith("/" + item["notation"])
               for item in data["goals"])
    assert all(item["uri"] == TARGET + item["notation"] for item in data["targets"])


def test_limit_and_determinism(linker, store):
    text = ("Vi är ett arbetsintegrerande socialt företag som driver återbruk, odlar grönsaker "
            "mot matsvinn, har en träffpunkt för ensamma äldre och läxhjälp för nyanlända barn.")
    first = linker.link(text, "sv").to_json()
    assert linker.link(text, "sv").to_json() == first
    assert Linker.from_store(store).link(text, "sv").to_json() == first
    limited = linker.link(text, "sv", limit=2)
    assert len(limited.challenges) == 2 and len(limited.goals) <= 2
    assert [c.uri for c in limited.challenges] == [c["uri"] for c in first["challenges"][:2]]
    assert linker.link(text, "sv", limit=0).empty


UN_TARGET_8_5 = """
@prefix sdg: <http://metadata.un.org/sdg/> .
@prefix sdgo: <http://metadata.un.org/sdg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
sdg:8.5 a sdgo:Target, skos:Concept ;
    skos:notation "8.5"^^sdgo:SDGCodeCompact ;
    skos:prefLabel '''By 2030, achieve full and productive employment and decent work for all
        women and men, including for young people and persons with disabilities, and equal pay
        for work of equal value'''@en .
"""


def test_official_titles_are_used_once_imported(store, tmp_path):
    """With the UN SDG KOS imported, a target's official title is supporting evidence too."""
    dump = tmp_path / "un-sdg-kos.ttl"
    dump.write_text(UN_TARGET_8_5, encoding="utf-8")
    with_titles = ox.Store()
    with_titles.extend(store)
    with_titles.extend(graph_quads(sdg_kos_graph(dump),
                                   "https://w3id.org/segraph/graph/un-sdg-kos"))
    text = "Work integration for young people with disabilities in our bakery."
    target = link_of(Linker.from_store(with_titles).link(text, "en").targets, TARGET + "8.5")
    titles = [e for e in target.evidence if e.source == "officialTitle"]
    assert titles and "young" in titles[0].text and "young people" in titles[0].term
    plain = link_of(Linker.from_store(store).link(text, "en").targets, TARGET + "8.5")
    assert all(e.source != "officialTitle" for e in plain.evidence)


def test_every_concept_has_curated_terms_in_both_languages(store):
    rows = store.query("""
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX seg: <https://w3id.org/segraph/ontology#>
        SELECT ?kind (COUNT(DISTINCT ?c) AS ?n) WHERE {
          VALUES (?class ?kind) { (seg:SocietalChallenge "c") (seg:SDGGoal "g")
                                  (seg:SDGTarget "t") }
          GRAPH <https://w3id.org/segraph/graph/linking-terms> {
            ?c skos:hiddenLabel ?sv, ?en FILTER(lang(?sv) = "sv" && lang(?en) = "en") }
          ?c a ?class } GROUP BY ?kind""", use_default_graph_as_union=True)
    assert {row["kind"].value: int(row["n"].value) for row in rows} == {"c": 27, "g": 17,
                                                                        "t": 169}


# --- the command line -------------------------------------------------------------------------


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_link_table_json_stdin_and_errors(built, capsys, monkeypatch):
    paths, _ = built
    var = ["--var-dir", str(paths.var)]
    code, out, _ = run(capsys, "link", *var, SWEDISH)
    assert code == 0
    for words in ("Samhällsutmaningar", "Långtidsarbetslöshet", "Globala mål", "Delmål", "poäng",
                  "belägg", "«långtidsarbetslösa»"):
        assert words in out, words
    code, out, _ = run(capsys, "link", *var, "--format", "json", "--limit", "1", ENGLISH)
    data = json.loads(out)
    assert code == 0 and data["lang"] == "en" and len(data["challenges"]) == 1
    assert data["challenges"][0]["label"] == "Long-term unemployment"
    monkeypatch.setattr("sys.stdin", io.StringIO(ENGLISH))
    code, out, _ = run(capsys, "link", *var, "--lang", "en", "-")
    assert code == 0 and "Societal challenges" in out and "Long-term unemployment" in out
    code, out, _ = run(capsys, "link", *var, UNRELATED["sv"])
    assert code == 0 and "kopplas inte" in out
    code, _, err = run(capsys, "link", *var, "   ")
    assert code == 2 and "no text" in err
    code, _, err = run(capsys, "link", "--var-dir", str(paths.var / "nowhere"), SWEDISH)
    assert code == 2 and "segraph build" in err
