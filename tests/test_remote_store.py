"""One suite, three engines: the embedded store, Oxigraph server and Virtuoso 7.

Each backend is loaded with the built graph (``dumps/segraph.nq``) and must give the same
answers as the embedded store; engine differences are handled in the adapter
(:mod:`segraph.store.quirks`), never skipped here.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from engines import NO_VIRTUOSO, VIRTUOSO, Engine, oxigraph_cli, start_oxigraph, start_virtuoso
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS

from segraph.queries import load_queries
from segraph.store import EmbeddedStore, RemoteStore

PROJECT = Path(__file__).resolve().parents[1]
G = "https://w3id.org/segraph/graph/"
PREFIXES = """PREFIX seg: <https://w3id.org/segraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

QUERIES = {
    "network-municipalities": """SELECT ?m ?label WHERE {
        ?p a seg:DevelopmentNetwork ; seg:participant ?m . ?m rdfs:label ?label }""",
    "counts-per-class": "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class",
    "label-lookup": 'SELECT ?m WHERE { ?m rdfs:label "Malmö"@sv }',
    "property-path": """SELECT ?top WHERE {
        <https://w3id.org/segraph/id/challenge/ageing-population> skos:broader+ ?top }""",
    "literal-kinds": """SELECT ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o)) }""",
    "ask-true": "ASK { ?m a seg:Municipality ; rdfs:label \"Malmö\"@sv }",
    "ask-false": "ASK { ?m rdfs:label \"Malmö\"@de }",
    "no-union": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "construct": """CONSTRUCT { ?m rdfs:label ?l ; seg:inCounty ?c } WHERE {
        ?p a seg:DevelopmentNetwork ; seg:participant ?m . ?m rdfs:label ?l ; seg:inCounty ?c }""",
}


def _term(term: object) -> str:
    return "_:" if isinstance(term, ox.BlankNode) else str(term)


def answer(store: object, sparql: str, *, union: bool = True,
           substitutions: dict | None = None) -> object:
    """A comparable form of an answer: a bool, or a multiset of rows/triples."""
    result = store.query(sparql, union_default_graph=union,  # type: ignore[attr-defined]
                         substitutions=substitutions)
    if result.kind == "ask":
        return bool(result.raw)
    if result.kind == "graph":
        return Counter(tuple(_term(t) for t in (x.subject, x.predicate, x.object))
                       for x in result.raw)  # type: ignore[attr-defined]
    names = [v.value for v in result.raw.variables]  # type: ignore[attr-defined]
    return Counter(tuple(_term(row[n]) for n in names)
                   for row in result.raw)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def quads(built) -> list[ox.Quad]:
    paths, _ = built
    return list(ox.parse(path=str(paths.dumps / "segraph.nq"), format=ox.RdfFormat.N_QUADS))


@pytest.fixture(scope="module")
def reference(quads) -> EmbeddedStore:
    store = EmbeddedStore()
    store.load_quads(quads)
    return store


@pytest.fixture(scope="module", params=["embedded", "oxigraph", "virtuoso"])
def backend(request, quads, tmp_path_factory):
    """A store of each kind, loaded with the built graph."""
    engine: Engine | None = None
    if request.param == "embedded":
        store: object = EmbeddedStore()
    else:
        if request.param == "virtuoso" and not VIRTUOSO.exists():
            pytest.skip(NO_VIRTUOSO)
        if request.param == "oxigraph" and oxigraph_cli() is None:
            pytest.skip("needs the oxigraph CLI (pip install -e '.[test]')")
        start = start_virtuoso if request.param == "virtuoso" else start_oxigraph
        engine = start(tmp_path_factory.mktemp(request.param))
        store = RemoteStore.from_settings(engine.settings())
    try:
        store.load_quads(quads)  # type: ignore[attr-defined]
        yield store
    finally:
        if engine is not None:
            engine.stop()


def test_quads_per_named_graph(backend, quads):
    expected = Counter(q.graph_name.value for q in quads)
    got = backend.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert {row["g"].value: int(row["n"].value) for row in got.raw} == dict(expected)
    assert len(backend) == len(quads)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_same_answers(backend, reference, name):
    sparql = PREFIXES + QUERIES[name]
    union = name != "no-union"
    expected = answer(reference, sparql, union=union)
    assert expected or name == "ask-false"  # the reference finds something …
    assert answer(backend, sparql, union=union) == expected  # … and the same in every engine


def test_the_network_has_twelve_municipalities(backend):
    result = backend.query(PREFIXES + QUERIES["network-municipalities"])
    assert len({row["m"].value for row in result.raw}) == 12


def test_saved_queries(backend, reference):
    """Every saved query of queries/ without parameters gives the embedded store's answer
    (but those with GROUP_CONCAT, whose order SPARQL leaves to the engine)."""
    # Computed booleans (dialogue-forums) and CONCAT's "SR066" (network-map) are handled in
    # segraph.store.quirks; challenges-without-enterprise and municipalities-facing-challenge
    # are written so that every engine answers them alike (Virtuoso misses matches of a +/*
    # path inside OPTIONAL or MINUS whose far end is bound only outside it).
    for saved in load_queries(PROJECT / "queries", check=False):
        if not saved.params and "GROUP_CONCAT" not in saved.text.upper():
            assert answer(backend, saved.text) == answer(reference, saved.text), saved.name


def test_ask_about_a_graph_not_in_the_dataset(backend, reference):
    """An ASK about a named graph the dataset does not hold is false in every engine (Virtuoso
    answered it true: segraph.store.quirks.ask_as_select); one it holds is true."""
    for name, expected in ((G + "no-such-graph", False), (G + "network", True),
                           ("http://www.openlinksw.com/schemas/virtrdf#", False)):
        sparql = f"ASK {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
        assert answer(reference, sparql) is expected
        assert answer(backend, sparql) is expected, name


def test_substitutions(backend, reference):
    sparql = PREFIXES + ("SELECT ?m ?code ?label WHERE { "
                         "?m rdfs:label ?label ; seg:municipalityCode ?code }")
    values = {"label": ox.Literal("Malmö", language="sv")}
    expected = answer(reference, sparql, substitutions=values)
    assert expected and answer(backend, sparql, substitutions=values) == expected


def test_serialized_results(backend):
    result = backend.query(PREFIXES + QUERIES["label-lookup"])
    assert b"/id/municipality/" in result.serialize("application/sparql-results+json")
    graph = backend.query(PREFIXES + QUERIES["construct"]).serialize("text/turtle")
    assert b"Malm" in graph


def test_replace_graph(backend, reference):
    """The same replacement gives the same state in every engine: the graph's triples and its
    description in the metadata graph (old description gone, new one in)."""
    name, meta = G + "network", G + "metadata"
    new = Graph()
    subject = URIRef("https://w3id.org/segraph/id/test/replaced")
    new.add((subject, RDFS.label, Literal("Ersatt", lang="sv")))
    new.add((subject, RDFS.comment, Literal("två rader")))
    description = Graph()
    description.add((URIRef(name), DCTERMS.title, Literal("Replaced network", lang="en")))
    description.add((URIRef(name + "#conversion"), RDFS.label, Literal("test")))
    check = {
        "graph": f"SELECT ?s ?p ?o WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}",
        "meta": f"""SELECT ?s ?p ?o WHERE {{ GRAPH <{meta}> {{ ?s ?p ?o
                    FILTER(?s = <{name}> || STRSTARTS(STR(?s), "{name}#")) }} }}""",
        "all": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    }
    scratch = EmbeddedStore()
    scratch.load_quads(reference.oxigraph.quads_for_pattern(None, None, None))
    for store in (scratch, backend):
        store.replace_graph(name, new, metadata_graph=meta, description=description)
    for sparql in check.values():
        assert answer(backend, sparql) == answer(scratch, sparql)
    assert sum(answer(backend, check["graph"]).values()) == 2


def test_cli_build_and_query_against_oxigraph_server(built, tmp_path, capsys):
    """`segraph build --store-url` loads the graph; `segraph query --store-url` reads it."""
    from segraph.cli import main

    if oxigraph_cli() is None:
        pytest.skip("needs the oxigraph CLI (pip install -e '.[test]')")
    (tmp_path / "engine").mkdir()
    engine = start_oxigraph(tmp_path / "engine")
    try:
        remote = ["--store-url", engine.query_url, "--store-update-url", engine.update_url,
                  "--store-graph-url", engine.graph_url]
        common = ["--project-dir", str(PROJECT), "--var-dir", str(tmp_path / "var")]
        assert main(["build", *common, "--no-reason", "--no-match", "-q", *remote]) == 0
        assert "quads loaded into" in capsys.readouterr().out
        query = PREFIXES + QUERIES["label-lookup"]
        assert main(["query", *common, "--format", "csv", query,
                     "--store-url", engine.query_url]) == 0
        assert "/id/municipality/" in capsys.readouterr().out
    finally:
        engine.stop()
