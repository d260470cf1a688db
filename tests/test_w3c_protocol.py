"""W3C SPARQL 1.1 Protocol and Service Description tests, replayed against the real server.

Each ``mf:ProtocolTest`` of ``sparql11/protocol/manifest.ttl`` is a list of HTTP requests
(method, path with query string, headers, body) with the expected status class, result format
and, for ASK, the boolean. They are sent exactly as written (the ``/sparql/`` path prefix
rewritten to our endpoint, no headers added that the manifest does not give) to a server that
holds the manifest's graphs (``data1.rdf`` to ``data3.rdf``, loaded as named graphs from the local
``dataN.nt`` copies). ``/sparql`` is read-only: the ``update_*`` tests are skipped, and their
update requests are checked to be refused there (updates go to ``/update``: test_writes.py).
"""

from __future__ import annotations

import pytest
import requests
import w3c_manifest as w3c
from rdflib import RDF, Graph, URIRef
from servers import LiveServer

if not w3c.available():
    pytest.skip(w3c.ABSENT, allow_module_level=True)

TESTS = w3c.protocol_tests()
READ_ONLY = ("sends the update to the query endpoint; segraph's /sparql is read-only (checked "
             "by test_update_requests_are_refused) and updates go to /update with a write "
             "token, which refuses the tests' CLEAR ALL by design (tests/test_writes.py)")
KASEI = "http://kasei.us/2009/09/sparql/data/"
TABULAR = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
           "text/tab-separated-values"}
BOOLEAN = {"application/sparql-results+json", "application/sparql-results+xml"}
RDF_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml",
             "application/ld+json": "json-ld", "application/n-quads": "nquads",
             "application/trig": "trig"}
pytestmark = pytest.mark.filterwarnings(  # rdflib's JSON-LD parser
    "ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


def cases() -> list:
    out = []
    for test in TESTS:
        marks = []
        if test.name.startswith("update_"):
            marks.append(pytest.mark.skip(reason=READ_ONLY))
        out.append(pytest.param(test, id=test.name, marks=marks))
    return out


@pytest.fixture(scope="module")
def protocol_server(tmp_path_factory: pytest.TempPathFactory):
    """`segraph serve` with the manifest's graphs, named as the tests name them."""
    graphs = {name: path for test in TESTS for name, path in test.graph_data.items()}
    assert set(graphs) == {f"{KASEI}data{n}.rdf" for n in (1, 2, 3)}
    quads = [quad for name, path in sorted(graphs.items())
             for quad in w3c.graph_quads(path, name, "b")]
    server = w3c.serve_quads(tmp_path_factory.mktemp("w3c-protocol"), quads, "--workers", "2")
    yield server
    server.stop()


def replay(server: LiveServer, request: w3c.HttpRequest) -> requests.Response:
    """The request as the manifest writes it: requests' own Accept headers are left out."""
    assert request.path.startswith("/sparql/")
    path = "/sparql" + request.path[len("/sparql/"):]
    headers: dict[str, str | None] = {"Accept": None, "Accept-Encoding": None,
                                      **request.headers}
    return requests.request(request.method, server.url + path, data=request.body,
                            headers=headers, timeout=30)


def check_response(response: requests.Response, request: w3c.HttpRequest) -> None:
    status = f"{response.status_code // 100}xx"
    assert status in request.expected_status, \
        f"{response.status_code}, expected {request.expected_status}: {response.text[:500]}"
    if request.expected_format is None:
        return
    media_type = response.headers["Content-Type"].split(";")[0].strip()
    if request.expected_format == "boolean":
        assert media_type in BOOLEAN, media_type
        answer = w3c.parse_results(response.content, media_type)
        assert answer.boolean is not None, "not a boolean answer"
        if request.expected_boolean is not None:
            assert answer.boolean is request.expected_boolean
    elif request.expected_format == "tabular":
        assert media_type in TABULAR, media_type
        if media_type == "text/csv":
            header, rows = w3c.parse_csv(response.content)
            assert header and all(len(row) == len(header) for row in rows)
        else:
            answer = w3c.parse_results(response.content, media_type)
            assert answer.boolean is None and answer.variables
    elif request.expected_format == "RDF":
        assert media_type in RDF_TYPES, media_type
        Graph().parse(data=response.content, format=RDF_TYPES[media_type])
    else:
        raise AssertionError(f"unknown expected format {request.expected_format}")


@pytest.mark.parametrize("test", cases())
def test_w3c_protocol(protocol_server, test: w3c.ProtocolTest) -> None:
    for request in test.requests:
        check_response(replay(protocol_server, request), request)


@pytest.mark.parametrize("test", [pytest.param(t, id=t.name) for t in TESTS
                                  if t.name.startswith("update_")])
def test_update_requests_are_refused(protocol_server, test: w3c.ProtocolTest) -> None:
    """What a read-only endpoint does with the update tests' updates: 403, and a reason."""
    response = replay(protocol_server, test.requests[0])
    assert response.status_code == 403, response.text
    assert "read-only" in response.text


def test_the_manifest_is_the_one_reported() -> None:
    names = [t.name for t in TESTS]
    assert len(names) == 34
    assert sum(n.startswith("update_") for n in names) == 7


# --- dataset rules the manifest does not reach ------------------------------------------------


def ask(server: LiveServer, query: str, **dataset: str) -> bool:
    params = [("query", query)] + [(k.replace("_", "-"), v) for k, v in dataset.items()]
    response = requests.get(server.url + "/sparql", params=params, timeout=30,
                            headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    return bool(response.json()["boolean"])


def test_from_in_the_query_chooses_the_default_graph(protocol_server) -> None:
    query = f"ASK FROM <{KASEI}data1.rdf> {{ <{KASEI}data%s.rdf> a ?type }}"
    assert ask(protocol_server, query % 1)
    assert not ask(protocol_server, query % 2)
    named = f"ASK FROM NAMED <{KASEI}data1.rdf> {{ ?s a ?type }}"
    assert not ask(protocol_server, named)  # FROM NAMED alone: an empty default graph


def test_protocol_dataset_replaces_from(protocol_server) -> None:
    query = f"ASK FROM <{KASEI}data3.rdf> {{ <{KASEI}data3.rdf> a ?type }}"
    assert not ask(protocol_server, query, named_graph_uri=f"{KASEI}data1.rdf")


def test_default_graph_uri_alone_leaves_no_named_graphs(protocol_server) -> None:
    query = "ASK { GRAPH ?g { ?s ?p ?o } }"
    assert not ask(protocol_server, query, default_graph_uri=f"{KASEI}data1.rdf")


# --- regressions found by running the suite ----------------------------------------------------


def test_form_post_takes_the_dataset_from_the_url_too(protocol_server) -> None:
    """query_post_form sends default-graph-uri in the URL and the query in the body."""
    response = requests.post(
        protocol_server.url + "/sparql", params={"default-graph-uri": f"{KASEI}data2.rdf"},
        data={"query": f"ASK {{ <{KASEI}data1.rdf> a ?type }}"}, timeout=30,
        headers={"Accept": "application/sparql-results+json"})
    assert response.json()["boolean"] is False  # data1 is not in the default graph asked for


@pytest.mark.parametrize("content_type,body,status", [
    ("application/sparql-query; charset=UTF-16", "ASK {}".encode("utf-16"), 415),
    ("application/sparql-query", b"ASK { ?s ?p '\xff' }", 400),
    ("application/sparql-query; charset=utf-8", "ASK { ?s ?p 'å' }".encode(), 200),
])
def test_direct_post_is_utf8(protocol_server, content_type, body, status) -> None:
    response = requests.post(protocol_server.url + "/sparql", data=body, timeout=30,
                             headers={"Content-Type": content_type})
    assert response.status_code == status, response.text
    if status != 200:
        assert "UTF-8" in response.text


@pytest.mark.parametrize("query", [
    "SELECT ?service WHERE { ?service ?p ?o }",
    "PREFIX schema: <http://schema.org/> SELECT ?s WHERE { ?s a schema:Service }",
    "PREFIX load: <http://example.org/load#> SELECT ?s WHERE { ?s load:from ?o }",
    "SELECT ?s WHERE { ?s ?p 'x'@add }",
])
def test_keywords_inside_names_are_not_keywords(protocol_server, query) -> None:
    """A variable or prefixed name that spells SERVICE, LOAD or ADD is not a clause."""
    response = requests.get(protocol_server.url + "/sparql", params={"query": query},
                            timeout=30)
    assert response.status_code == 200, response.text


def test_service_clause_is_still_refused(protocol_server) -> None:
    for query in ("SELECT * { ?s ?p ?o .SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
                  "SELECT * { ?service ?p ?o SERVICE ?service { ?s ?p ?o } }"):
        response = requests.get(protocol_server.url + "/sparql", params={"query": query},
                                timeout=30)
        assert response.status_code == 403 and "SERVICE" in response.text


# --- service description ----------------------------------------------------------------------

SD_TESTS = w3c.service_description_tests()


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n, _ in SD_TESTS])
@pytest.mark.parametrize("path", ["/sparql", "/sparql/"])
def test_w3c_service_description(protocol_server, name: str, path: str) -> None:
    """GET on the endpoint, as an RDF client (rdflib, with its own Accept header) does it."""
    endpoint = protocol_server.url + path
    description = Graph()
    description.parse(endpoint)  # returns-rdf: content-negotiated RDF that parses
    assert len(description) > 0
    if name == "returns-rdf":
        bare = requests.get(endpoint, headers={"Accept": None}, timeout=30)
        assert bare.headers["Content-Type"].split(";")[0] in RDF_TYPES
    elif name == "has-endpoint-triple":
        assert (None, w3c.SD.endpoint, URIRef(endpoint)) in description
    elif name == "conforms-to-schema":
        named = set(description.objects(None, w3c.SD.namedGraph)) | \
            set(description.subjects(RDF.type, w3c.SD.NamedGraph))
        assert len(named) == 3
        for graph in named:
            assert description.value(graph, w3c.SD.name) is not None, graph
            assert (graph, RDF.type, w3c.SD.NamedGraph) in description
        for service in description.subjects(w3c.SD.endpoint, None):
            assert (service, RDF.type, w3c.SD.Service) in description
            assert (service, w3c.SD.supportedLanguage, w3c.SD.SPARQL11Query) in description
    else:
        raise AssertionError(f"no check written for {name}")
