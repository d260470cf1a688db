"""The ontology: OWL 2 header, bilingual labels and comments, domains and ranges, HermiT."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from segraph.namespaces import ONTOLOGY_IRI, SEG


@pytest.fixture(scope="module")
def ontology(project_dir: Path) -> Graph:
    return Graph().parse(project_dir / "ontology" / "segraph.ttl")


def terms(ontology: Graph, kind: URIRef) -> list[URIRef]:
    return sorted(s for s in ontology.subjects(RDF.type, kind)
                  if isinstance(s, URIRef) and str(s).startswith(str(SEG)))


def test_header(ontology):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionIRI) is not None
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.license) is not None
    for predicate in (DCTERMS.title, DCTERMS.description):
        assert {t.language for t in ontology.objects(ONTOLOGY_IRI, predicate)} == {"sv", "en"}


@pytest.mark.parametrize("kind", [OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty])
def test_every_term_is_bilingual_and_typed(ontology, kind):
    found = terms(ontology, kind)
    assert found
    for term in found:
        for predicate in (RDFS.label, RDFS.comment):
            langs = sorted(t.language for t in ontology.objects(term, predicate))
            assert langs == ["en", "sv"], (term, predicate, langs)
        if kind != OWL.Class:
            assert ontology.value(term, RDFS.range) is not None, term
            if term != SEG.isExample:
                assert ontology.value(term, RDFS.domain) is not None, term


def test_covers_the_design_minimum(ontology):
    classes = set(terms(ontology, OWL.Class))
    for name in ("Municipality", "County", "LabourMarketRegion", "SocialEnterprise",
                 "WorkIntegrationSocialEnterprise", "LegalForm", "ActivityType", "TargetGroup",
                 "SocietalChallenge", "SDGGoal", "SDGTarget", "SDGIndicator", "PoliticalBody",
                 "AdministrativeUnit", "CollaborationStructure", "PolicyDocument",
                 "DialogueForum", "EnterpriseCount", "Agreement", "AgreementKind",
                 "DevelopmentNetwork", "Handbook", "Report", "Film", "Outcome"):
        assert SEG[name] in classes, name


def test_alignments_to_standard_vocabularies(ontology):
    targets = {str(o) for o in ontology.objects(None, RDFS.subClassOf)} | {
        str(o) for o in ontology.objects(None, RDFS.subPropertyOf)}
    for ns in ("http://www.w3.org/ns/org#", "http://www.w3.org/ns/regorg#", "https://schema.org/",
               "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/prov#",
               "http://www.opengis.net/ont/geosparql#"):
        assert any(t.startswith(ns) for t in targets), ns


@pytest.mark.slow
def test_hermit_finds_ontology_and_data_consistent(built):
    _, result = built  # the build runs HermiT and fails on inconsistency
    assert result.graphs["inferred"] > 0
