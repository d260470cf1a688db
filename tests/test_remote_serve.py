"""`segraph serve --store-url`: the whole web tier answering from a remote SPARQL engine.

For each backend (the embedded store, Oxigraph server, Virtuoso 7) a real `segraph serve` runs
on a loopback port; the remote ones are pointed at an engine loaded with the built graph. Over
real HTTP, every answer must equal the one of a reference server on the embedded store. Engine
differences are handled in the adapter (segraph.store.quirks) or by writing the saved queries
portably, never skipped here; the one VoID figure still counted differently is named in
VIRTUOSO_VOID_OPEN.
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from engines import NO_VIRTUOSO, VIRTUOSO, Engine, oxigraph_cli, start_oxigraph, start_virtuoso
from rdflib import Graph
from rdflib.compare import isomorphic
from servers import PROJECT, LiveServer

from segraph.queries import load_queries
from segraph.store import RemoteStore
from segraph.store.remote import publish

OPTIONS = ("--workers", "1", "--rate-limit", "0", "--query-timeout", "20", "--max-rows", "5000")
PREFIXES = """PREFIX seg: <https://w3id.org/segraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
SELECTS = {
    "network": """SELECT ?m ?label WHERE {
        ?p a seg:DevelopmentNetwork ; seg:participant ?m . ?m rdfs:label ?label }""",
    "counts": "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class",
    "path": """SELECT ?top WHERE {
        <https://w3id.org/segraph/id/challenge/ageing-population> skos:broader+ ?top }""",
    "literals": "SELECT ?s ?o WHERE { ?s rdfs:label ?o } ORDER BY ?s ?o LIMIT 400",
    "ask": 'ASK { ?m a seg:Municipality ; rdfs:label "Malmö"@sv }',
}
CONSTRUCT = """CONSTRUCT { ?m rdfs:label ?l ; seg:inCounty ?c } WHERE {
    ?p a seg:DevelopmentNetwork ; seg:participant ?m . ?m rdfs:label ?l ; seg:inCounty ?c }"""
RESULT_TYPES = {"json": "application/sparql-results+json",
                "xml": "application/sparql-results+xml", "csv": "text/csv",
                "tsv": "text/tab-separated-values"}
PAGES = ("/id/municipality/1283", "/id/challenge/long-term-unemployment",
         "/id/project/utvecklingsnatverk-sociala-foretag")
# VoID figures Virtuoso counts differently: COUNT(DISTINCT ?o) tells two equal geometries
# apart (Gotland's municipality and county share one), so one more distinct object.
VIRTUOSO_VOID_OPEN = {"distinctObjects"}


# --- servers -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference(built) -> Iterator[LiveServer]:
    """`segraph serve` on the embedded store: the answers every backend must give."""
    paths, _ = built
    server = LiveServer(paths.var, *OPTIONS)
    yield server
    server.stop()


def _engine(kind: str, directory: Path) -> Engine:
    if kind == "virtuoso" and not VIRTUOSO.exists():
        pytest.skip(NO_VIRTUOSO)
    if kind == "oxigraph" and oxigraph_cli() is None:
        pytest.skip("needs the oxigraph CLI (pip install -e '.[test]')")
    return (start_virtuoso if kind == "virtuoso" else start_oxigraph)(directory)


@pytest.fixture(scope="module", params=["embedded", "oxigraph", "virtuoso"])
def served(request, built, tmp_path_factory) -> Iterator[tuple[str, LiveServer]]:
    """A `segraph serve` per backend; the remote ones on an engine loaded with the build."""
    paths, _ = built
    if request.param == "embedded":
        server = LiveServer(paths.var, *OPTIONS)
        yield "embedded", server
        server.stop()
        return
    engine = _engine(request.param, tmp_path_factory.mktemp(request.param))
    try:
        dump = ox.Store()
        dump.load(path=str(paths.dumps / "segraph.nq"), format=ox.RdfFormat.N_QUADS)
        publish(dump, RemoteStore.from_settings(engine.settings()))  # type: ignore[arg-type]
        remote = [f"--{name.replace('_', '-')}={value}"
                  for name, value in engine.settings().items() if value]
        server = LiveServer(paths.var, *OPTIONS, *remote)
        try:
            yield request.param, server
        finally:
            server.stop()
    finally:
        engine.stop()


# --- HTTP ----------------------------------------------------------------------------------


def fetch(server: LiveServer, path: str, *, accept: str = "*/*", data: bytes | None = None,
          content_type: str | None = None) -> tuple[int, str, bytes]:
    """Status, media type and body of one request."""
    headers = {"Accept": accept}
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(server.url + path, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get_content_type(), exc.read()


def both(reference: LiveServer, served: tuple[str, LiveServer], path: str,
         **kwargs: Any) -> tuple[bytes, bytes]:
    """The reference's and the served backend's body for one request (both must be 200)."""
    expected, got = fetch(reference, path, **kwargs), fetch(served[1], path, **kwargs)
    assert expected[0] == 200, (path, expected[2][:300])
    assert got[0] == 200, (served[0], path, got[2][:500])
    assert got[1] == expected[1]
    return expected[2], got[2]


def sparql_path(query: str, fmt: str | None = None) -> str:
    params = {"query": PREFIXES + query, **({"format": fmt} if fmt else {})}
    return "/sparql?" + urllib.parse.urlencode(params)


# --- comparable forms ----------------------------------------------------------------------


def _cell(value: str, concat: bool) -> str:
    """A cell; a GROUP_CONCAT's parts sorted (SPARQL leaves their order to the engine)."""
    return " ".join(sorted(re.split(r"[,;|\s]+", value))) if concat else value


def rows_json(body: bytes, *, concat: bool = False) -> object:
    """A multiset of rows. With ``concat`` (a query with GROUP_CONCAT) a plain literal's value
    only: GROUP_CONCAT keeps the common language tag in pyoxigraph, not in Virtuoso."""
    data = json.loads(body)
    if "boolean" in data:
        return data["boolean"]
    names = data["head"]["vars"]

    def term(value: dict[str, str]) -> object:
        if value.get("type") == "bnode":
            return "_:"
        if concat and "datatype" not in value:
            return _cell(value["value"], concat)
        return value["value"], value.get("datatype"), value.get("xml:lang")

    return Counter(tuple(term(row[n]) if n in row else None for n in names)
                   for row in data["results"]["bindings"])


def rows_xml(body: bytes) -> object:
    results = ox.parse_query_results(body, format=ox.QueryResultsFormat.XML)
    if isinstance(results, ox.QueryBoolean):
        return bool(results)
    names = [v.value for v in results.variables]
    return Counter(tuple(str(row[n]) if row[n] is not None else None for n in names)
                   for row in results)


def rows_text(body: bytes, delimiter: str, *, concat: bool = False) -> object:
    lines = list(csv.reader(io.StringIO(body.decode()), delimiter=delimiter))
    return lines[0], Counter(tuple(_cell(v, concat) for v in line) for line in lines[1:])


def rdf_graph(body: bytes, fmt: str) -> Graph:
    return Graph().parse(data=body.decode(), format=fmt)


# --- the tests -----------------------------------------------------------------------------


def test_healthz(reference, served):
    expected, got = both(reference, served, "/healthz")
    assert json.loads(got)["status"] == "ok"
    assert json.loads(got)["quads"] == json.loads(expected)["quads"] > 10_000


@pytest.mark.parametrize("fmt", sorted(RESULT_TYPES))
@pytest.mark.parametrize("name", sorted(SELECTS))
def test_sparql_results(reference, served, name, fmt):
    expected, got = both(reference, served, sparql_path(SELECTS[name], fmt))
    compare = {"json": rows_json, "xml": rows_xml,
               "csv": lambda b: rows_text(b, ","), "tsv": lambda b: rows_text(b, "\t")}[fmt]
    assert compare(got) == compare(expected)
    assert compare(expected)


@pytest.mark.parametrize(("fmt", "media"), [("turtle", "text/turtle"),
                                            ("nt", "application/n-triples")])
def test_sparql_construct(reference, served, fmt, media):
    expected, got = both(reference, served, sparql_path(CONSTRUCT), accept=media)
    assert len(rdf_graph(expected, fmt)) > 20
    assert isomorphic(rdf_graph(got, fmt), rdf_graph(expected, fmt))


def test_sparql_post_and_protocol_dataset(reference, served):
    """POST application/sparql-query, and default-graph-uri/named-graph-uri."""
    query = PREFIXES + "SELECT ?s ?l WHERE { ?s a seg:County ; rdfs:label ?l }"
    expected, got = both(reference, served, "/sparql", data=query.encode(),
                         content_type="application/sparql-query",
                         accept=RESULT_TYPES["json"])
    assert rows_json(got) == rows_json(expected) and rows_json(expected)
    graph = "https://w3id.org/segraph/graph/admin-units"
    for params in ({"default-graph-uri": graph}, {"named-graph-uri": graph}):
        text = ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }" if "default-graph-uri" in params
                else "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        path = "/sparql?" + urllib.parse.urlencode({"query": text, **params})
        expected, got = both(reference, served, path, accept=RESULT_TYPES["json"])
        assert rows_json(got) == rows_json(expected)


def test_sparql_errors(served):
    """A syntax error is the client's (400), as on the embedded store."""
    status, _, body = fetch(served[1], sparql_path("SELECT ?x WHERE { ?x ?y }"))
    assert status == 400, body[:300]


def test_saved_queries(reference, served):
    """Every saved query, with its default parameters, in JSON: the same multiset of rows."""
    for saved in load_queries(PROJECT / "queries", check=False):
        expected, got = both(reference, served, f"/queries/{saved.name}?format=json")
        concat = "GROUP_CONCAT" in saved.text.upper()
        assert rows_json(got, concat=concat) == rows_json(expected, concat=concat), saved.name


def test_saved_query_with_parameters(reference, served):
    path = "/queries/enterprises-in-municipality?" + urllib.parse.urlencode(
        {"municipality": "1280", "format": "csv"})
    expected, got = both(reference, served, path)  # (its cells are GROUP_CONCATs)
    assert rows_text(got, ",", concat=True) == rows_text(expected, ",", concat=True)
    assert len(rows_text(expected, ",")[1]) >= 2


def _links(html: bytes) -> set[str]:
    return set(re.findall(rb'href="([^"]+)"', html))


@pytest.mark.parametrize("page", PAGES)
def test_pages(reference, served, page):
    expected, got = both(reference, served, page, accept="text/html")
    title = re.search(rb"<h1[^>]*>(.*?)</h1>", expected, re.S)
    assert title and title.group(1) in got
    assert b"<svg" in got  # the map from the graph's geometries
    assert _links(got) == _links(expected)


@pytest.mark.parametrize("page", PAGES)
def test_resource_documents(reference, served, page):
    expected, got = both(reference, served, page + ".ttl")
    assert len(rdf_graph(expected, "turtle")) > 10
    assert isomorphic(rdf_graph(got, "turtle"), rdf_graph(expected, "turtle"))


@pytest.mark.parametrize("page", ["/ontology", "/shapes"])
def test_vocabulary_documents(reference, served, page):
    expected, got = both(reference, served, page, accept="text/turtle")
    assert isomorphic(rdf_graph(got, "turtle"), rdf_graph(expected, "turtle"))


VOID_FIGURES = re.compile(
    r"void:(triples|entities|distinctSubjects|distinctObjects|classes|properties) (\d+)")


def _figures(body: bytes) -> Counter[tuple[str, str]]:
    return Counter(VOID_FIGURES.findall(body.decode()))


def test_void_statistics(reference, served):
    expected, got = both(reference, served, "/.well-known/void", accept="text/turtle")
    want, have = _figures(expected), _figures(got)
    assert sum(want.values()) > 100
    if served[0] == "virtuoso":
        want = Counter({k: n for k, n in want.items() if k[0] not in VIRTUOSO_VOID_OPEN})
        have = Counter({k: n for k, n in have.items() if k[0] not in VIRTUOSO_VOID_OPEN})
    assert have == want


def test_api_link_and_match(reference, served):
    text = "Vi anställer långtidsarbetslösa i vår second hand-butik".encode()
    body = json.dumps({"text": text.decode(), "lang": "sv"}).encode()
    expected, got = both(reference, served, "/api/link", data=body,
                         content_type="application/json", accept="application/json")
    assert json.loads(got) == json.loads(expected)
    for query in ("municipality=1283", "challenge=long-term-unemployment"):
        expected, got = both(reference, served, f"/api/match?{query}", accept="application/json")
        assert json.loads(got) == json.loads(expected)


def test_match_page(reference, served):
    expected, got = both(reference, served, "/match?municipality=1283", accept="text/html")
    assert _links(got) == _links(expected)


def test_reconcile(reference, served):
    queries = {"q0": {"query": "Malmö stad"}, "q1": {"query": "8.5"},
               "q2": {"query": "MALMÖ", "type": "Municipality"}}
    path = "/reconcile?" + urllib.parse.urlencode({"queries": json.dumps(queries)})
    expected, got = both(reference, served, path)
    assert json.loads(got) == json.loads(expected)


def test_remote_store_refuses_data_files_and_another_base(tmp_path):
    """--data and a non-default base_uri need the in-memory graph: a clear error, no request."""
    from segraph.serving import served_graph

    remote = {"store_url": "http://127.0.0.1:9/query", "query_timeout": 1}
    with pytest.raises(ValueError, match="--data files cannot be served"):
        served_graph({**remote, "data": [str(tmp_path / "my.ttl")]})
    with pytest.raises(ValueError, match="base_uri"):
        served_graph({**remote, "data": [], "base_uri": "https://example.org/"})


def test_unreachable_engine_is_a_bad_gateway(tmp_path):
    """The engine refusing or unreachable is the server's fault, not the query's: 502."""
    from segraph.serving import ServedGraph
    from segraph.store.remote_dataset import RemoteDataset
    from segraph.web import create_app

    engine = _engine("oxigraph", tmp_path)
    try:
        dataset = RemoteDataset.from_settings({**engine.settings(), "query_timeout": 5})
        assert dataset is not None
        app = create_app({"var_dir": str(tmp_path / "var"), "rate_limit": 0},
                         graph=ServedGraph(store=dataset, version="v", sources=[dataset.url]))
    finally:
        engine.stop()  # from here on, nothing answers at the engine's address
    dataset.remote.forget_graphs()
    query = urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"})
    response = app.test_client().get(f"/sparql?{query}",
                                     headers={"Accept": RESULT_TYPES["json"]})
    assert response.status_code == 502, response.data[:300]
    assert b"could not be reached" in response.data
