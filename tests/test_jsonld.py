"""The JSON-LD context generated from the ontology, compacted JSON-LD written with it (parsing it
back gives the same triples), and the context served at /context.jsonld."""

from __future__ import annotations

import json
import random

import pyoxigraph as ox
import pytest
import requests
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import to_isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from segraph import jsonld
from segraph.namespaces import PREFIXES, SEG, graph_iri

HELSINGBORG = "https://w3id.org/segraph/id/municipality/1283"
LANGUAGE_MAPS = {"label": RDFS.label, "comment": RDFS.comment, "prefLabel": SKOS.prefLabel,
                 "altLabel": SKOS.altLabel, "definition": SKOS.definition}


@pytest.fixture(scope="module")
def ontology(project_dir) -> Graph:
    return Graph().parse(project_dir / "ontology" / "segraph.ttl")


@pytest.fixture(scope="module")
def context(project_dir) -> dict:
    return jsonld.context(project_dir)


@pytest.fixture(scope="module")
def dataset(built) -> ox.Store:
    paths, _ = built
    store = ox.Store()
    store.load(path=str(paths.dumps / "segraph.nq"), format=ox.RdfFormat.N_QUADS)
    return store


def expand(context: dict, value: str) -> str:
    prefix, _, rest = value.partition(":")
    return context[prefix] + rest if prefix in context and isinstance(
        context[prefix], str) and not rest.startswith("//") else value


def seg_terms(ontology: Graph, rdf_type: URIRef) -> dict[str, URIRef]:
    return {str(s)[len(str(SEG)):]: s for s in ontology.subjects(RDF.type, rdf_type)
            if str(s).startswith(str(SEG))}


def parsed(body: bytes | str) -> Dataset:
    dataset = Dataset()
    dataset.parse(data=body, format="json-ld")
    return dataset


def parsed_triples(body: bytes | str) -> Graph:
    return Graph().parse(data=body, format="json-ld")


def same_graph(a: Graph, b: Graph) -> bool:
    return to_isomorphic(a) == to_isomorphic(b)


# --- the context ---------------------------------------------------------------------------------

def test_context_has_every_ontology_term_with_the_right_coercion(ontology, context):
    classes = seg_terms(ontology, OWL.Class)
    objects = seg_terms(ontology, OWL.ObjectProperty)
    datatypes = seg_terms(ontology, OWL.DatatypeProperty)
    assert len(classes) > 30 and len(objects) > 30 and len(datatypes) > 10
    for name, iri in classes.items():
        assert expand(context, context[name]) == str(iri), name
    for name, iri in objects.items():
        assert expand(context, context[name]["@id"]) == str(iri), name
        assert context[name]["@type"] == "@id", name
    for name, iri in datatypes.items():
        term = context[name]
        assert expand(context, term["@id"]) == str(iri), name
        ranges = set(ontology.objects(iri, RDFS.range))
        if ranges <= {XSD.string, RDFS.Literal}:
            assert "@type" not in term, name  # plain strings stay plain
        else:
            assert expand(context, term["@type"]) == str(next(iter(ranges))), name
    # Nothing but the ontology's terms, the prefixes and the language maps.
    seg_in_context = {k for k, v in context.items() if not k.startswith("@") and k != "seg"
                      and expand(context, v if isinstance(v, str) else v["@id"])
                      .startswith(str(SEG))}
    assert seg_in_context == set(classes) | set(objects) | set(datatypes)


def test_context_has_the_prefixes_and_language_maps(context):
    assert context["@version"] == 1.1
    for prefix, namespace in PREFIXES.items():
        assert context[prefix] == str(namespace)
    for term, iri in LANGUAGE_MAPS.items():
        assert context[term]["@container"] == "@language"
        assert expand(context, context[term]["@id"]) == str(iri)


def test_context_is_deterministic_and_cached(project_dir, ontology, context):
    assert jsonld.context(project_dir) is context
    rebuilt = jsonld.build_context(ontology)
    assert json.dumps(rebuilt) == json.dumps(context)  # same keys in the same order
    keys = list(context)
    assert keys[0] == "@version" and keys[1:1 + len(PREFIXES)] == list(PREFIXES)


# --- writing and reading back --------------------------------------------------------------------

def test_whole_dataset_round_trips_one_graph_per_named_graph(dataset, context):
    quads = list(dataset)
    body = jsonld.to_jsonld(quads, context_url=None)
    document = json.loads(body)
    assert document["@context"] == context
    names = {g["@id"] for g in document["@graph"]}
    assert names == {g.value for g in dataset.named_graphs()}
    back = parsed(body)
    original = jsonld.as_rdflib(quads)
    assert len(back) == len(quads)
    for graph in original.graphs():
        if len(graph):
            assert same_graph(graph, back.graph(graph.identifier)), graph.identifier


def test_a_resource_compacts_with_short_terms(dataset):
    triples = [q.triple for q in dataset.quads_for_pattern(ox.NamedNode(HELSINGBORG), None,
                                                             None, None)]
    document = json.loads(jsonld.to_jsonld(triples, context_url=None))
    assert document["@id"] == HELSINGBORG
    assert "Municipality" in ([document["@type"]] if isinstance(document["@type"], str)
                              else document["@type"])
    assert document["inCounty"] == "https://w3id.org/segraph/id/county/12"
    assert document["municipalityCode"] == "1283"
    assert document["label"]["sv"] == "Helsingborg"
    assert same_graph(parsed_triples(json.dumps(document)), jsonld.as_rdflib(triples))


def test_awkward_values_round_trip_exactly():
    """Values the context does not fit (another datatype, an untagged label, a typed string),
    blank nodes and lists come back as they went in."""
    graph = Graph()
    s = URIRef("https://w3id.org/segraph/id/agreement/x")
    items = BNode()
    Collection(graph, items, [SEG.Municipality, Literal("två", lang="sv"), Literal(3)])
    shared = BNode()
    Collection(graph, shared, [SEG.County, SEG.Municipality])
    for triple in [
        (s, RDF.type, SEG.Agreement), (s, RDFS.label, Literal("SKR")),
        (s, RDFS.label, Literal("avtal", lang="sv")), (s, RDFS.label, Literal("a", lang="en")),
        (s, RDFS.label, Literal("b", lang="en")),
        (s, SEG.valueSEK, Literal("12.50", datatype=XSD.decimal)),
        (s, SEG.valueSEK, Literal("7", datatype=XSD.integer)),  # not the range's datatype
        (s, SEG.year, Literal("2022", datatype=XSD.integer)),
        (s, SEG.year, Literal("MMXXII")),
        (s, SEG.startYear, Literal("02021", datatype=XSD.integer)),  # lexical form kept
        (s, OWL.maxCardinality, Literal("+1", datatype=XSD.nonNegativeInteger)),
        (s, URIRef("http://example.org/double"), Literal("1.50E0", datatype=XSD.double)),
        (s, SEG.municipalityCode, Literal("0114")),
        (s, SEG.isExample, Literal("true", datatype=XSD.boolean)),
        (s, SEG.inCounty, Literal("12")),  # a literal where an IRI is expected
        (s, SEG.party, BNode("p")), (BNode("p"), RDFS.label, Literal("Någon", lang="sv")),
        (s, SEG.activityType, items),  # a list as the value of an "@type": "@id" term
        (s, RDFS.seeAlso, shared), (SEG.Agreement, RDFS.seeAlso, shared),  # one list, twice
        (s, URIRef("http://example.org/x:y"), Literal("odd IRI")),
    ]:
        graph.add(triple)
    body = jsonld.to_jsonld(graph, context_url=None)
    back = parsed_triples(body)
    assert same_graph(back, graph), sorted(set(back) ^ set(graph))
    node = next(n for n in json.loads(body)["@graph"] if n["@id"] == str(s))
    assert node["party"]["@id"].startswith("_:")
    assert "@list" in node["activityType"]
    assert node["rdfs:seeAlso"]["@id"].startswith("_:")


def test_output_is_the_same_bytes_whatever_the_input_order(dataset):
    quads = list(dataset.quads_for_pattern(None, None, None, ox.NamedNode(
        str(graph_iri("admin-units")))))
    shuffled = quads[:]
    random.Random(4).shuffle(shuffled)
    assert jsonld.to_jsonld(quads, context_url=None) == jsonld.to_jsonld(shuffled,
                                                                         context_url=None)


def test_no_statements_is_an_empty_graph():
    document = json.loads(jsonld.to_jsonld([], context_url="http://x/context.jsonld"))
    assert document == {"@context": "http://x/context.jsonld", "@graph": []}


# --- the served context --------------------------------------------------------------------------

def test_context_is_served_with_etag_and_cors(live_server, context):
    response = requests.get(live_server.url + "/context.jsonld", timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/ld+json; charset=utf-8"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.json() == {"@context": context}
    again = requests.get(live_server.url + "/context.jsonld", timeout=30,
                         headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_documents_that_name_the_served_context_round_trip(live_server, dataset):
    """With ``"@context"`` the URL, a JSON-LD parser fetches the context from the server."""
    url = live_server.url + "/context.jsonld"
    quads = list(dataset.quads_for_pattern(None, None, None, ox.NamedNode(
        str(graph_iri("network")))))
    body = jsonld.to_jsonld(quads, context_url=url)
    assert json.loads(body)["@context"] == url
    back = parsed(body)
    name = URIRef(str(graph_iri("network")))
    assert same_graph(back.graph(name), jsonld.as_rdflib(quads).graph(name))
    assert len(back) == len(quads)
