"""Units of the serving path: query-text checks, result serializers, the rate limiter."""

from __future__ import annotations

import json
import os

import pyoxigraph as ox
import pytest
import requests
from servers import LiveServer

from segraph.executor import QueryRequest, QueryRunner, QueryTimeout
from segraph.ratelimit import RateLimiter
from segraph.results import serialize
from segraph.sparql_text import is_update, query_form, uses_service


@pytest.mark.parametrize("text,form", [
    ("SELECT * WHERE { ?s ?p ?o }", "select"),
    ("PREFIX ex: <http://ex/select#>\n# DESCRIBE in a comment\nASK { ?s ?p ?o }", "ask"),
    ("construct { ?s ?p ?o } where { ?s ?p ?o }", "construct"),
    ("DESCRIBE <http://ex/a>", "describe"),
    ("PREFIX ex: <http://ex/>", None),
])
def test_query_form(text, form):
    assert query_form(text) == form


def test_updates_and_service_are_told_apart_from_strings_and_iris():
    assert is_update("INSERT DATA { <http://a> <http://b> 'c' }")
    assert is_update("PREFIX x: <http://x/> DELETE WHERE { ?s ?p ?o }")
    assert is_update("LOAD <http://example.org/x.ttl>")
    assert not is_update("SELECT * WHERE { ?s <http://ex/DELETE> 'INSERT' }")
    assert not is_update("SELECT ?drop WHERE { ?s ?p ?drop }")
    assert uses_service("SELECT * { SERVICE <http://x/sparql> { ?s ?p ?o } }")
    assert uses_service("select * { service silent <http://x/sparql> { ?s ?p ?o } }")
    assert not uses_service("SELECT * { ?s ?p 'SERVICE' } # SERVICE")
    assert not uses_service('SELECT * { ?s <http://ex/SERVICE> """a\nSERVICE""" }')


@pytest.fixture(scope="module")
def store():
    store = ox.Store()
    store.load(input="""
        @prefix ex: <http://ex/> .
        ex:a ex:name "Åsa, \\"the\\" first"@sv ; ex:n 1 ; ex:knows _:b .
        _:b ex:name "tab\\there" ; ex:n 2.5 .
        ex:c ex:name "plain" .
    """.encode(), format=ox.RdfFormat.TURTLE)
    return store


QUERY = "SELECT ?s ?name ?n WHERE { ?s <http://ex/name> ?name OPTIONAL { ?s <http://ex/n> ?n } }"


@pytest.mark.parametrize("media_type", ["application/sparql-results+json",
                                        "application/sparql-results+xml", "text/csv",
                                        "text/tab-separated-values"])
def test_select_serializers_agree_with_pyoxigraph(store, media_type):
    ours = serialize(store.query(QUERY), media_type, max_rows=100)
    fmt = ox.QueryResultsFormat.from_media_type(media_type)
    theirs = store.query(QUERY).serialize(format=fmt)
    assert ours.rows == 3 and not ours.truncated
    if media_type == "text/csv":  # CSV is lossy (pyoxigraph will not parse it): compare rows
        assert sorted(ours.body.decode().split("\r\n")) == \
            sorted(theirs.decode().split("\r\n"))
        return
    parse = ox.parse_query_results
    # blank node labels differ between serializations, so compare name and number
    mine = sorted((str(s["name"]), str(s["n"])) for s in parse(ours.body, format=fmt))
    ref = sorted((str(s["name"]), str(s["n"])) for s in parse(theirs, format=fmt))
    assert mine == ref and len(mine) == 3


def test_row_limit_cuts_and_says_so(store):
    answer = serialize(store.query(QUERY), "application/sparql-results+json", max_rows=2)
    assert answer.truncated and answer.rows == 2
    assert len(json.loads(answer.body)["results"]["bindings"]) == 2
    graph = serialize(store.query("CONSTRUCT WHERE { ?s ?p ?o }"), "text/turtle", max_rows=3)
    assert graph.truncated and graph.rows == 3


def test_runner_stops_a_long_query_and_recovers():
    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(f"http://ex/{i}"), ox.NamedNode("http://ex/p"),
                         ox.Literal(str(i))) for i in range(200))
    runner = QueryRunner(store)
    endless = QueryRequest(query="SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . "
                                 "?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }",
                           media_type="text/csv")
    first_child = None
    try:
        runner.run(QueryRequest(query="ASK {}", media_type="text/csv"), 5)
        first_child = runner._pid
        with pytest.raises(QueryTimeout):
            runner.run(endless, 0.3)
        with pytest.raises(ProcessLookupError):
            os.kill(first_child, 0)  # the stopped child is gone
        answer = runner.run(QueryRequest(query="SELECT * { ?s ?p ?o }", media_type="text/csv"), 5)
        assert answer.rows == 200
    finally:
        runner.close()


def test_rate_limiter_buckets_per_client():
    limiter = RateLimiter(60, burst=2)
    assert limiter.check("a", now=100.0) == 0
    assert limiter.check("a", now=100.0) == 0
    wait = limiter.check("a", now=100.0)
    assert 0.9 < wait <= 1.0
    assert limiter.check("b", now=100.0) == 0  # another client has its own budget
    assert limiter.check("a", now=101.5) == 0  # one token back after a second
    assert RateLimiter(0).check("a") == 0


def test_rate_limit_over_http(built, tmp_path):
    paths, _ = built
    server = LiveServer(paths.var, "--workers", "2", "--rate-limit", "6")
    try:
        codes = []
        for _ in range(4):
            response = requests.get(server.url + "/sparql", params={"query": "ASK {}"},
                                    timeout=10)
            codes.append(response.status_code)
        assert codes[0] == 200 and codes[-1] == 429
        assert int(response.headers["Retry-After"]) >= 1
        assert "per minute" in response.text
    finally:
        server.stop()


def test_a_query_child_dies_with_its_parent():
    import signal
    import time

    read, write = os.pipe()
    parent = os.fork()
    if parent == 0:  # the "worker": give its query child an endless query, then die
        store = ox.Store()
        store.extend(ox.Quad(ox.NamedNode(f"http://ex/{i}"), ox.NamedNode("http://ex/p"),
                             ox.Literal(str(i))) for i in range(200))
        runner = QueryRunner(store)
        runner.run(QueryRequest(query="ASK {}", media_type="text/csv"), 5)
        runner._conn.send(QueryRequest(  # busy in the engine, not waiting on the pipe
            query="SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
            media_type="text/csv"))
        time.sleep(0.3)
        os.write(write, str(runner._pid).encode())
        os.kill(os.getpid(), signal.SIGKILL)
    os.close(write)
    child = int(os.read(read, 64))
    os.waitpid(parent, 0)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    pytest.fail("the query child outlived its parent")


def test_a_query_past_its_memory_limit_is_stopped_and_the_runner_recovers():
    from segraph.executor import QueryAborted

    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(f"http://ex/{i}"), ox.NamedNode("http://ex/p"),
                         ox.Literal(f"value {i}")) for i in range(2000))
    runner = QueryRunner(store, memory_mb=64)
    huge = QueryRequest(  # sorting 4 million rows needs far more than 64 MB
        query="SELECT ?a ?c WHERE { ?a ?p ?b . ?c ?q ?d } ORDER BY ?b ?d",
        media_type="text/csv", max_rows=10)
    try:
        with pytest.raises(QueryAborted, match="more memory than the limit of 64 MB"):
            runner.run(huge, 60)
        answer = runner.run(QueryRequest(query="SELECT * { ?s ?p ?o }", media_type="text/csv"),
                            5)
        assert answer.rows == 2000
    finally:
        runner.close()


def test_warm_up_builds_the_maps_and_vocabulary_pages_and_leaves_no_query_child(built):
    from segraph.server import warm_up
    from segraph.web import create_app, maps, vocabulary

    paths, _ = built
    app = create_app({"project_dir": str(paths.project), "var_dir": str(paths.var),
                      "rate_limit": 0})
    state = app.extensions["segraph"]
    maps._CACHE.clear()
    vocabulary._cache.clear()
    warm_up(app)
    assert {name for _, name in maps._CACHE} == set(maps.LAYERS)
    rendered = next(iter(vocabulary._cache.values())).rendered
    assert {(name, lang) for name, _, lang in rendered} == {
        (n, lang) for n in ("ontology", "shapes") for lang in ("sv", "en")}
    assert state.runner._pid == 0  # the master's query child is gone ...
    page = app.test_client().get("/id/municipality/1283.html")  # ... and comes back when used
    assert page.status_code == 200 and "Helsingborg" in page.get_data(as_text=True)
    state.runner.close()
