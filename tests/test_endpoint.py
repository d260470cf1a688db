"""The SPARQL 1.1 Protocol against the real server over HTTP."""

from __future__ import annotations

import gzip
import json
import time

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def sparql(server, method="GET", **kwargs):
    return requests.request(method, server.url + "/sparql", timeout=30, **kwargs)


def test_get_form_and_direct_post_give_the_same_answer(live_server):
    get = sparql(live_server, params={"query": COUNT})
    form = sparql(live_server, "POST", data={"query": COUNT})
    direct = sparql(live_server, "POST", data=COUNT.encode(),
                    headers={"Content-Type": "application/sparql-query"})
    for response in (get, form, direct):
        assert response.status_code == 200
        assert response.headers["Content-Type"] == \
            "application/sparql-results+json; charset=utf-8"
    assert get.json() == form.json() == direct.json()
    assert int(get.json()["results"]["bindings"][0]["n"]["value"]) > 15000


@pytest.mark.parametrize("accept,expected", [
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("application/json", "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
])
def test_select_formats_by_accept(live_server, accept, expected):
    response = sparql(live_server, params={"query": COUNT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{expected}; charset=utf-8"
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize("fmt,expected", [
    ("turtle", "text/turtle"), ("ntriples", "application/n-triples"),
    ("jsonld", "application/ld+json"), ("rdfxml", "application/rdf+xml"),
])
def test_construct_formats_by_parameter(live_server, fmt, expected):
    query = ("CONSTRUCT { ?m rdfs:label ?l } WHERE { ?m seg:municipalityCode '1283' ; "
             "rdfs:label ?l }")
    response = sparql(live_server, params={"query": query, "format": fmt})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{expected}; charset=utf-8"
    assert "Helsingborg" in response.text


def test_406_when_nothing_acceptable(live_server):
    response = sparql(live_server, params={"query": COUNT}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text


def test_malformed_query_says_what_and_where(live_server):
    response = sparql(live_server, params={"query": "SELECT ?s WHERE { ?s ?p }"})
    assert response.status_code == 400
    assert "1:" in response.text and "expected" in response.text


@pytest.mark.parametrize("request_args", [
    {"method": "POST", "params": {"query": COUNT}, "data": {"query": COUNT}},
    {"method": "POST", "data": {}},
])
def test_query_twice_or_missing_is_400(live_server, request_args):
    assert sparql(live_server, **request_args).status_code == 400


def test_updates_load_and_service_are_refused(live_server):
    for query in ("INSERT DATA { <http://a> <http://b> <http://c> }",
                  "LOAD <http://example.org/data.ttl>"):
        assert sparql(live_server, params={"query": query}).status_code == 403
    assert sparql(live_server, "POST", data={"update": "CLEAR ALL"}).status_code == 403
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    response = sparql(live_server, params={"query": service})
    assert response.status_code == 403 and "SERVICE" in response.text
    # A keyword inside a string is not a clause:
    text = "SELECT ?l WHERE { ?s rdfs:label ?l FILTER(CONTAINS(?l, 'SERVICE')) } LIMIT 1"
    assert sparql(live_server, params={"query": text}).status_code == 200


def test_service_description_for_rdf_clients(live_server):
    response = sparql(live_server, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/turtle")
    assert "sd:Service" in response.text and "sd:UnionDefaultGraph" in response.text
    assert f"<{live_server.url}/sparql>" in response.text
    graph = Graph().parse(data=response.text, format="turtle")
    described = {str(o) for o in graph.objects(URIRef(f"{live_server.url}/sparql"), RDFS.seeAlso)}
    assert described == {f"{live_server.url}/.well-known/void", f"{live_server.url}/catalog"}
    for url in described:  # both answer with RDF
        assert requests.get(url, headers={"Accept": "text/turtle"}, timeout=30).ok


def test_service_description_is_the_editor_for_browsers(live_server):
    response = sparql(live_server, headers={"Accept": "text/html,application/xhtml+xml"})
    assert response.status_code == 200 and "<html" in response.text


def test_default_and_named_graph_parameters(live_server):
    network = "https://w3id.org/segraph/graph/network"
    response = sparql(live_server, params={"query": COUNT, "default-graph-uri": network})
    n = int(response.json()["results"]["bindings"][0]["n"]["value"])
    assert 50 < n < 1000
    named = sparql(live_server, params={
        "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        "named-graph-uri": network})
    graphs = {b["g"]["value"] for b in named.json()["results"]["bindings"]}
    assert graphs == {network}


def test_cors_and_preflight(live_server):
    response = sparql(live_server, params={"query": COUNT}, headers={"Origin": "http://x.test"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = requests.options(live_server.url + "/sparql", timeout=10, headers={
        "Origin": "http://x.test", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()


def test_etag_and_gzip(live_server):
    query = "SELECT ?m ?name WHERE { ?m a seg:Municipality ; rdfs:label ?name }"
    first = sparql(live_server, params={"query": query}, headers={"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip"
    etag = first.headers["ETag"]
    again = sparql(live_server, params={"query": query}, headers={"If-None-Match": etag})
    assert again.status_code == 304
    raw = requests.get(live_server.url + "/sparql", params={"query": query}, timeout=30,
                       headers={"Accept-Encoding": "gzip"}, stream=True).raw.read()
    assert len(json.loads(gzip.decompress(raw))["results"]["bindings"]) == 290


def test_row_limit_is_said_not_silent(live_server):
    response = sparql(live_server, params={"query": "SELECT * WHERE { ?s ?p ?o }",
                                           "format": "csv"})
    assert response.status_code == 200
    assert response.headers["X-Result-Truncated"].startswith("true")
    assert len(response.text.strip().splitlines()) == 1 + 1000


def test_endless_query_is_stopped_while_others_are_answered(live_server):
    import threading

    endless = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    outcome = {}

    def slow():
        start = time.monotonic()
        outcome["response"] = sparql(live_server, params={"query": endless})
        outcome["seconds"] = time.monotonic() - start

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.5)
    quick = [sparql(live_server, params={"query": f"ASK {{ ?s ?p {i} }}"}) for i in range(5)]
    thread.join()
    assert all(r.status_code == 200 for r in quick)
    response = outcome["response"]
    assert response.status_code == 503
    assert "time limit" in response.text or "limit of 3" in response.text
    assert outcome["seconds"] < 15
    assert sparql(live_server, params={"query": COUNT}).status_code == 200


def test_query_length_limit(live_server):
    long_query = "SELECT * WHERE { ?s ?p ?o }" + " " * 30000
    response = sparql(live_server, "POST", data={"query": long_query})
    assert response.status_code == 413 and "at most" in response.text


def test_healthz(live_server):
    body = requests.get(live_server.url + "/healthz", timeout=10).json()
    assert body["status"] == "ok" and body["quads"] > 15000


def test_sparqlwrapper_client(live_server):
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(live_server.url + "/sparql")
    client.setQuery("""PREFIX seg: <https://w3id.org/segraph/ontology#>
        SELECT (COUNT(?m) AS ?n) WHERE { ?m a seg:Municipality }""")
    client.setReturnFormat(JSON)
    result = client.queryAndConvert()
    assert result["results"]["bindings"][0]["n"]["value"] == "290"
    client.setMethod("POST")
    assert client.queryAndConvert()["results"]["bindings"][0]["n"]["value"] == "290"
