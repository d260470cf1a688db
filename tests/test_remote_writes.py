"""Gated writes when `segraph serve` fronts a remote engine (Oxigraph server, Virtuoso 7):
the same gate, the change sent to the engine as one SPARQL Update with its history, and what
the engine then holds checked by asking the engine itself."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
import requests
from engines import NO_VIRTUOSO, VIRTUOSO, Engine, oxigraph_cli, start_oxigraph, start_virtuoso
from servers import LiveServer

from segraph.store import RemoteStore
from segraph.store.remote import publish

G = "https://w3id.org/segraph/graph/"
ID = "https://w3id.org/segraph/id/"
HBG = f"<{ID}municipality/1283>"
PREFIXES = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
AUTH = {"Authorization": "Bearer remote-token"}


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def backend(request, built, tmp_path_factory) -> Iterator[tuple[LiveServer, RemoteStore]]:
    if request.param == "virtuoso" and not VIRTUOSO.exists():
        pytest.skip(NO_VIRTUOSO)
    if request.param == "oxigraph" and oxigraph_cli() is None:
        pytest.skip("needs the oxigraph CLI (pip install -e '.[test]')")
    paths, _ = built
    directory = tmp_path_factory.mktemp(f"remote-writes-{request.param}")
    (directory / "engine").mkdir()
    engine: Engine = (start_virtuoso if request.param == "virtuoso" else start_oxigraph)(
        directory / "engine")
    try:
        store = RemoteStore.from_settings(engine.settings())
        assert store is not None
        dump = ox.Store()
        dump.load(path=str(paths.dumps / "segraph.nq"), format=ox.RdfFormat.N_QUADS)
        publish(dump, store)
        var = directory / "var"
        shutil.copytree(paths.build, var / "build")  # releases and the journal live here
        remote = [f"--{name.replace('_', '-')}={value}"
                  for name, value in engine.settings().items() if value]
        server = LiveServer(var, "--workers", "2", "--rate-limit", "0", *remote,
                            env={"SEGRAPH_WRITE_TOKEN": "remote-token"})
        try:
            yield server, store
        finally:
            server.stop()
    finally:
        engine.stop()


def engine_asks(store: RemoteStore, pattern: str) -> bool:
    store.forget_graphs()  # the server may have made a graph since this process last asked
    return bool(store.query(PREFIXES + f"ASK {{ {pattern} }}").raw)


def update(server: LiveServer, text: str) -> requests.Response:
    return requests.post(f"{server.url}/update", data=(PREFIXES + text).encode(), timeout=120,
                         headers={**AUTH, "Content-Type": "application/sparql-update"})


def test_an_accepted_write_reaches_the_engine_with_its_history(backend) -> None:
    server, store = backend
    answer = update(server, f'INSERT DATA {{ {HBG} rdfs:comment "via motorn"@sv }}')
    assert answer.status_code == 200, answer.text
    change = answer.json()["change"]
    assert engine_asks(store, f'GRAPH <{G}edits> {{ {HBG} rdfs:comment "via motorn"@sv }}')
    assert engine_asks(store, f"""GRAPH <{G}history> {{ <{ID}change/{change}>
        <http://www.w3.org/ns/prov#wasAssociatedWith> <{ID}steward/steward> }}""")
    seen = requests.get(f"{server.url}/sparql", timeout=30, params={
        "query": PREFIXES + f'ASK {{ {HBG} rdfs:comment "via motorn"@sv }}'},
        headers={"Accept": "application/sparql-results+json"}).json()
    assert seen["boolean"] is True


def test_a_correction_where_the_value_is(backend) -> None:
    server, store = backend
    answer = update(server, f"""DELETE {{ GRAPH ?g {{ ?m rdfs:comment ?c }} }}
        INSERT {{ GRAPH ?g {{ ?m rdfs:comment "rättad"@sv }} }}
        WHERE {{ GRAPH ?g {{ ?m rdfs:comment ?c }} FILTER(?m = {HBG}) }}""")
    assert answer.status_code == 200, answer.text
    assert answer.json()["removed"] == 1 and answer.json()["added"] == 1
    assert engine_asks(store, f'GRAPH <{G}edits> {{ {HBG} rdfs:comment "rättad"@sv }}')
    assert not engine_asks(store, f'{HBG} rdfs:comment "via motorn"@sv')


def test_a_write_that_breaks_a_shape_never_reaches_the_engine(backend) -> None:
    server, store = backend
    refused = update(server, f'DELETE DATA {{ {HBG} rdfs:label "Helsingborg"@sv }}')
    assert refused.status_code == 422
    assert refused.json()["report"]["results"][0]["focus"] == ID + "municipality/1283"
    assert engine_asks(store, f'{HBG} rdfs:label "Helsingborg"@sv')
    later = update(server, f"""INSERT DATA {{ {HBG} rdfs:comment "x"@sv }} ;
        DELETE WHERE {{ {HBG} rdfs:comment ?c }}""")
    assert later.status_code == 400 and "separate requests" in later.text


def test_graph_store_and_undo(backend) -> None:
    server, store = backend
    graph = "https://example.org/graph/remote-register"
    put = requests.put(f"{server.url}/data?graph={graph}", timeout=120,
                       data=f"{HBG} <http://www.w3.org/2000/01/rdf-schema#seeAlso> "
                            "<https://helsingborg.se/> .".encode(),
                       headers={**AUTH, "Content-Type": "application/n-triples"})
    assert put.status_code == 201, put.text
    assert engine_asks(store, f"GRAPH <{graph}> {{ {HBG} ?p <https://helsingborg.se/> }}")
    undo = requests.post(f"{server.url}/history/{put.json()['change']}/undo", headers=AUTH,
                         timeout=120)
    assert undo.status_code == 200 and undo.json()["removed"] == 1
    # (SELECT, not ASK: Virtuoso 7 answers ASK { GRAPH <g> { … } } true for a graph outside
    # the dataset it was given.)
    store.forget_graphs()
    assert not list(store.query(f"SELECT * WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").raw)
    history = requests.get(f"{server.url}/history", timeout=30).json()["changes"]
    assert history[0]["undoes"] == put.json()["change"]
