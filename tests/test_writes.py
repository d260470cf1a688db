"""Writes over real HTTP against `segraph serve`: tokens, SPARQL Update, the Graph Store
Protocol, the shapes gate, the history with undo, restarts, and kill -9 in the middle of a
large write."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SH
from servers import LiveServer

G = "https://w3id.org/segraph/graph/"
ID = "https://w3id.org/segraph/id/"
HBG = f"<{ID}municipality/1283>"
PREFIXES = """PREFIX seg: <https://w3id.org/segraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
TOKENS = "anna:token-anna,bo:token-bo"
ANNA = {"Authorization": "Bearer token-anna"}
BO = {"Authorization": "Bearer token-bo"}
UPDATE = {"Content-Type": "application/sparql-update"}


def start(var: Path) -> LiveServer:
    return LiveServer(var, "--workers", "2", "--rate-limit", "0",
                      env={"SEGRAPH_WRITE_TOKEN": TOKENS})


@pytest.fixture(scope="module")
def var(built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A var directory of its own, with the built graph (the writes go to its journal)."""
    paths, _ = built
    var = tmp_path_factory.mktemp("writes-var")
    shutil.copytree(paths.build, var / "build")
    return var


def own_var(built, tmp_path: Path) -> Path:
    """A var directory for one test, with the built graph and no writes yet."""
    paths, _ = built
    var = tmp_path / "var"
    shutil.copytree(paths.build, var / "build")
    return var


@pytest.fixture(scope="module")
def server(var: Path) -> Iterator[LiveServer]:
    server = start(var)
    yield server
    server.stop()


def ask(server: LiveServer, pattern: str) -> bool:
    answer = requests.get(f"{server.url}/sparql",
                          params={"query": PREFIXES + f"ASK {{ {pattern} }}"},
                          headers={"Accept": "application/sparql-results+json"}, timeout=30)
    answer.raise_for_status()
    return bool(answer.json()["boolean"])


def count(server: LiveServer) -> int:
    answer = requests.get(f"{server.url}/sparql", params={
        "query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"}, timeout=30)
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def update(server: LiveServer, text: str, headers: dict[str, str] | None = None,
           **kwargs: object) -> requests.Response:
    return requests.post(f"{server.url}/update", data=(PREFIXES + text).encode(),
                         headers={**UPDATE, **(headers if headers is not None else ANNA)},
                         timeout=120, **kwargs)  # type: ignore[arg-type]


def test_writes_are_off_without_a_configured_token(live_server) -> None:
    answer = requests.post(f"{live_server.url}/update", data=b"INSERT DATA { <a:b> <a:c> <a:d> }",
                           headers={**UPDATE, **ANNA}, timeout=30)
    assert answer.status_code == 403
    assert "write_token" in answer.text
    assert requests.put(f"{live_server.url}/data?graph=http://example.org/g", data=b"",
                        headers=ANNA, timeout=30).status_code == 403


def test_no_token_or_a_wrong_one_changes_nothing(server: LiveServer) -> None:
    before = count(server)
    text = f'INSERT DATA {{ {HBG} rdfs:comment "obehörig"@sv }}'
    missing = update(server, text, headers={})
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = update(server, text, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403
    assert 'error="invalid_token"' in wrong.headers["WWW-Authenticate"]
    assert requests.delete(f"{server.url}/data?graph={G}network", timeout=30).status_code == 401
    assert count(server) == before
    assert requests.get(f"{server.url}/update", timeout=30).status_code == 405


def test_an_accepted_update_is_seen_by_every_worker(server: LiveServer) -> None:
    document = f"{server.url}/id/municipality/1283.ttl"
    tag = requests.get(document, timeout=30).headers["ETag"]
    answer = update(server, f'INSERT DATA {{ {HBG} rdfs:comment "Hamnstad vid Öresund"@sv }}')
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["ok"] and body["added"] == 1 and body["graphs"] == [G + "edits"]
    # Two workers, several requests each: every answer includes the write.
    for _ in range(8):
        assert ask(server, f'{HBG} rdfs:comment "Hamnstad vid Öresund"@sv')
    page = requests.get(document, headers={"If-None-Match": tag}, timeout=30)
    assert page.status_code == 200 and "Hamnstad vid Öresund" in page.text  # a new ETag
    assert f"segraph write: change {body['change']} by anna (SPARQL Update): -0 +1 triples" \
        in server.log.read_text()


def test_concurrent_writers_are_applied_one_at_a_time(server: LiveServer) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def write(n: int) -> int:
        answer = update(server, f'INSERT DATA {{ {HBG} rdfs:comment "samtidig {n}"@sv }}',
                        headers=ANNA if n % 2 else BO)
        assert answer.status_code == 200, answer.text
        return int(answer.json()["change"])

    with ThreadPoolExecutor(4) as pool:
        changes = list(pool.map(write, range(8)))
    assert len(set(changes)) == 8 and max(changes) - min(changes) == 7
    found = requests.get(f"{server.url}/sparql", timeout=30, params={
        "query": PREFIXES + f'SELECT ?c WHERE {{ {HBG} rdfs:comment ?c FILTER(STRSTARTS(?c, '
                            '"samtidig")) }'}, headers={"Accept": "text/csv"}).text
    assert len(found.splitlines()) == 9  # the header and all eight
    assert [c["change"] for c in requests.get(f"{server.url}/history", timeout=30).json()[
        "changes"][:8]] == sorted(changes, reverse=True)


ENTERPRISE = """@prefix seg: <https://w3id.org/segraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/segraph/id/organisation/769654-3219>
    a seg:WorkIntegrationSocialEnterprise ;
    rdfs:label "Gröna Händer ekonomisk förening"@sv ;
    seg:organisationNumber "769654-3219" ;
    seg:legalForm <https://w3id.org/segraph/id/legal-form/economic-association> ;
    seg:seatMunicipality <https://w3id.org/segraph/id/municipality/1283> ;
    seg:activityType <https://w3id.org/segraph/id/activity-type/gardening-landscaping> ;
    seg:addressesChallenge <https://w3id.org/segraph/id/challenge/long-term-unemployment> ;
    seg:reinvestsProfit true ."""


def test_matching_and_reconciliation_follow_a_write(server: LiveServer) -> None:
    """The workers keep their indexes when a write lands; the master rebuilds them once and
    forks fresh workers, which then reconcile and match the new enterprise."""
    added = requests.post(f"{server.url}/data?graph=https://example.org/graph/new-enterprise",
                          data=ENTERPRISE.encode(), timeout=120,
                          headers={**ANNA, "Content-Type": "text/turtle"})
    assert added.status_code == 201, added.text
    iri = "https://w3id.org/segraph/id/organisation/769654-3219"
    deadline = time.monotonic() + 90
    found = matched = False
    while time.monotonic() < deadline and not (found and matched):
        time.sleep(0.5)
        answer = requests.get(f"{server.url}/reconcile", timeout=30, params={
            "queries": json.dumps({"q0": {"query": "Gröna Händer", "type": "SocialEnterprise"}})})
        found = any(r["id"].endswith("769654-3219") for r in answer.json()["q0"]["result"])
        ranked = requests.get(f"{server.url}/api/match", timeout=60,
                              params={"municipality": "1283", "limit": 50}).json()
        matched = iri in json.dumps(ranked)
    assert found and matched, [e["uri"][-11:] for e in ranked["enterprises"]]
    assert "indexes rebuilt" in server.log.read_text()


def test_a_write_that_breaks_a_shape_is_refused_with_the_report(server: LiveServer) -> None:
    before = count(server)
    text = f'DELETE DATA {{ GRAPH <{G}admin-units> {{ {HBG} rdfs:label "Helsingborg"@sv }} }}'
    refused = update(server, text)
    assert refused.status_code == 422
    body = refused.json()
    assert not body["ok"] and "nothing was changed" in body["error"]
    [result] = body["report"]["results"]
    assert result["focus"] == ID + "municipality/1283"
    assert "Swedish name" in result["message"]
    report = Graph().parse(data=update(server, text, headers={**ANNA, "Accept": "text/turtle"}
                                       ).text, format="turtle")
    assert (None, SH.focusNode, URIRef(ID + "municipality/1283")) in report
    plain = update(server, text, headers={**ANNA, "Accept": "text/plain"})
    assert "rdfs:label" in plain.text and plain.status_code == 422
    assert count(server) == before
    assert ask(server, f'{HBG} rdfs:label "Helsingborg"@sv')


def test_the_service_description_names_the_update_service(server: LiveServer,
                                                          live_server) -> None:
    described = requests.get(f"{server.url}/sparql", headers={"Accept": "text/turtle"},
                             timeout=30).text
    assert f"<{server.url}/update>" in described and "SPARQL11Update" in described
    off = requests.get(f"{live_server.url}/sparql", headers={"Accept": "text/turtle"},
                       timeout=30).text
    assert "SPARQL11Update" not in off


@pytest.mark.parametrize(("text", "status", "says"), [
    ("INSERT DATA { <a> }", 400, "error at"),
    ("LOAD <http://example.org/x.ttl>", 400, "LOAD is not allowed"),
    ("CLEAR ALL", 400, "name each graph"),
    (f"DROP GRAPH <{G}nothing-here>", 400, "no graph"),
    (f"INSERT DATA {{ GRAPH <{G}history> {{ <a:b> <a:c> <a:d> }} }}", 400, "history"),
])
def test_bad_updates_get_a_clear_error(server: LiveServer, text: str, status: int,
                                       says: str) -> None:
    answer = update(server, text)
    assert answer.status_code == status
    assert says in answer.text


def test_form_encoded_update_with_protocol_dataset(server: LiveServer) -> None:
    text = PREFIXES + f"""INSERT {{ GRAPH <{G}edits> {{ ?m rdfs:comment "i nätverket"@sv }} }}
        WHERE {{ ?m a seg:Municipality ; seg:municipalityCode "1283" }}"""
    answer = requests.post(f"{server.url}/update", data={
        "update": text, "using-graph-uri": G + "admin-units"}, headers=ANNA, timeout=60)
    assert answer.status_code == 200, answer.text
    assert answer.json()["added"] == 1
    wrong_graph = requests.post(f"{server.url}/update", data={
        "update": text.replace("i nätverket", "x"), "using-graph-uri": G + "network"},
        headers=ANNA, timeout=60)
    assert wrong_graph.json()["added"] == 0  # the network graph has no municipality codes


def test_graph_store_protocol(server: LiveServer) -> None:
    graph = "https://example.org/graph/register"
    url = f"{server.url}/data?graph={graph}"
    turtle = f"""@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        {HBG} rdfs:seeAlso <https://helsingborg.se/> ."""
    created = requests.put(url, data=turtle.encode(), timeout=60,
                           headers={**BO, "Content-Type": "text/turtle"})
    assert created.status_code == 201, created.text
    assert created.headers["Location"].endswith(f"/data?graph={graph}")
    back = requests.get(url, headers={"Accept": "text/turtle"}, timeout=30)
    assert isomorphic(Graph().parse(data=back.text, format="turtle"),
                      Graph().parse(data=turtle, format="turtle"))
    added = requests.post(url, data=f'{HBG} <http://www.w3.org/2000/01/rdf-schema#comment> '
                                    f'"Registret"@sv .'.encode(), timeout=60,
                          headers={**BO, "Content-Type": "application/n-triples"})
    assert added.status_code == 200 and added.json()["added"] == 1
    replaced = requests.put(url, data=turtle.encode(), timeout=60,
                            headers={**BO, "Content-Type": "text/turtle"})
    assert replaced.status_code == 200 and replaced.json()["removed"] == 1
    assert requests.put(url, data=b"<a> <b> .", timeout=60, headers={
        **BO, "Content-Type": "text/turtle"}).status_code == 400
    assert requests.put(url, data=b"x", timeout=60, headers={
        **BO, "Content-Type": "text/csv"}).status_code == 415
    assert requests.put(f"{server.url}/data?default", data=turtle.encode(), timeout=60,
                        headers={**BO, "Content-Type": "text/turtle"}).status_code == 405
    assert requests.put(f"{server.url}/data?graph={G}history", data=turtle.encode(), timeout=60,
                        headers={**BO, "Content-Type": "text/turtle"}).status_code == 403
    new = requests.post(f"{server.url}/data", data=turtle.encode(), timeout=60,
                        headers={**BO, "Content-Type": "text/turtle"})
    assert new.status_code == 201 and "/graph/uploads/" in new.headers["Location"]
    assert requests.delete(url, headers=BO, timeout=60).status_code == 200
    assert requests.get(url, timeout=30).status_code == 404
    assert requests.delete(url, headers=BO, timeout=60).status_code == 404


def test_history_prov_and_undo(server: LiveServer) -> None:
    text = f'INSERT DATA {{ {HBG} rdfs:comment "ångra mig"@sv }}'
    change = update(server, text, headers=BO).json()["change"]
    listing = requests.get(f"{server.url}/history", timeout=30).json()["changes"]
    assert listing[0]["change"] == change and listing[0]["agent"] == "bo"
    assert listing[0]["added"] == 1 and "ångra mig" in listing[0]["request"]
    assert {c["agent"] for c in listing} == {"anna", "bo"}
    one = requests.get(f"{server.url}/history/{change}", timeout=30).json()
    assert '"ångra mig"@sv' in one["added_quads"]
    assert ask(server, f"""GRAPH <{G}history> {{
        <{ID}change/{change}> a <http://www.w3.org/ns/prov#Activity> ;
            <http://www.w3.org/ns/prov#wasAssociatedWith> <{ID}steward/bo> }}""")
    page = requests.get(f"{server.url}/history/{change}", headers={"Accept": "text/html"},
                        timeout=30)
    assert page.status_code == 200 and "ångra mig" in page.text
    assert requests.post(f"{server.url}/history/{change}/undo", timeout=30).status_code == 401
    undo = requests.post(f"{server.url}/history/{change}/undo", headers=ANNA, timeout=60)
    assert undo.status_code == 200 and undo.json()["removed"] == 1
    assert not ask(server, f'{HBG} rdfs:comment "ångra mig"@sv')
    assert ask(server, f"""GRAPH <{G}history> {{ <{ID}change/{undo.json()['change']}>
        <http://www.w3.org/ns/prov#wasInformedBy> <{ID}change/{change}> }}""")
    assert requests.post(f"{server.url}/history/9999/undo", headers=ANNA,
                         timeout=30).status_code == 404


def test_the_command_line_lists_and_undoes_while_the_server_runs(server: LiveServer,
                                                                 var: Path) -> None:
    import subprocess
    import sys

    change = update(server, f'INSERT DATA {{ {HBG} rdfs:comment "från CLI"@sv }}').json()["change"]

    def segraph(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "segraph.cli", *args, "--var-dir", str(var)],
                              capture_output=True, text=True, timeout=120, check=False)

    listed = json.loads(segraph("history", "--format", "json").stdout)
    assert listed[0]["seq"] == change and '"från CLI"@sv' in listed[0]["added"]
    undone = segraph("undo", str(change), "--as", "cecilia")
    assert undone.returncode == 0, undone.stderr
    assert f"undoes change {change}" in undone.stdout
    # The server, another process, applies the journal's new record before answering.
    assert not ask(server, f'{HBG} rdfs:comment "från CLI"@sv')
    latest = requests.get(f"{server.url}/history", timeout=30).json()["changes"][0]
    assert latest["agent"] == "cecilia" and latest["undoes"] == change
    missing = segraph("undo", "9999")
    assert missing.returncode != 0 and "no change 9999" in missing.stderr


def test_writes_survive_a_restart(server: LiveServer, var: Path) -> None:
    update(server, f'INSERT DATA {{ {HBG} rdfs:comment "efter omstart"@sv }}')
    before = count(server)
    server.stop()
    server.__init__(var, "--workers", "2", "--rate-limit", "0",  # type: ignore[misc]
                    env={"SEGRAPH_WRITE_TOKEN": TOKENS})
    assert count(server) == before
    assert ask(server, f'{HBG} rdfs:comment "efter omstart"@sv')


def _lock_held(journal: Path) -> bool:
    lock = journal.with_name(journal.name + ".lock")
    if not lock.exists():
        return False
    with open(lock, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
        return False


def test_kill_9_during_a_large_write_leaves_the_previous_state(
        built, tmp_path: Path) -> None:
    var = own_var(built, tmp_path)
    server = start(var)
    journal = var / "writes" / "journal"
    try:
        assert update(server, f'INSERT DATA {{ {HBG} rdfs:comment "före"@sv }}').ok
        before = count(server)
        records = journal.read_bytes()
        big = "".join(f'<https://example.org/s{i}> <http://www.w3.org/2000/01/rdf-schema#label> '
                      f'"rad {i}"@sv .\n' for i in range(150_000)).encode()
        outcome: dict[str, object] = {}

        def send() -> None:
            try:
                outcome["answer"] = requests.put(
                    f"{server.url}/data?graph=https://example.org/big", data=big, timeout=300,
                    headers={**ANNA, "Content-Type": "application/n-triples"})
            except requests.RequestException as exc:
                outcome["error"] = exc

        writer = threading.Thread(target=send)
        writer.start()
        deadline = time.monotonic() + 120
        while not _lock_held(journal) and time.monotonic() < deadline and writer.is_alive():
            time.sleep(0.02)
        assert _lock_held(journal), "the write never started"
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()
        writer.join(60)
        assert "answer" not in outcome  # the client was never told the write was accepted
        assert journal.read_bytes() == records  # nothing of it reached the journal
        server = start(var)
        assert count(server) == before
        assert ask(server, f'{HBG} rdfs:comment "före"@sv')
        assert not ask(server, '<https://example.org/s1> ?p ?o')
        assert requests.get(f"{server.url}/data?graph=https://example.org/big",
                            timeout=30).status_code == 404
        # The server writes on as before.
        assert update(server, f'INSERT DATA {{ {HBG} rdfs:comment "efter"@sv }}').ok
    finally:
        server.stop()


def test_a_record_cut_short_is_dropped_on_restart(built, tmp_path: Path) -> None:
    """A kill in the middle of appending to the journal: the torn record is not replayed and
    is cut off by the next write."""
    var = own_var(built, tmp_path)
    server = start(var)
    journal = var / "writes" / "journal"
    try:
        assert update(server, f'INSERT DATA {{ {HBG} rdfs:comment "hel"@sv }}').ok
        whole = journal.read_bytes()
        server.stop()
        record = whole.split(b"\n", 1)[1].replace(b'"hel"', b'"halv"').replace(
            b'"seq": 1', b'"seq": 2')
        with open(journal, "ab") as fh:  # the header of a second record and half its body
            fh.write(b"segraph-journal 1 %d %s\n" % (len(record) - 1, b"0" * 64))
            fh.write(record[: len(record) // 2])
        server = start(var)
        assert ask(server, f'{HBG} rdfs:comment "hel"@sv')
        assert not ask(server, f'{HBG} rdfs:comment "halv"@sv')
        assert update(server, f'INSERT DATA {{ {HBG} rdfs:comment "nästa"@sv }}').ok
        assert [r["change"] for r in requests.get(f"{server.url}/history",
                                                   timeout=30).json()["changes"]] == [2, 1]
        assert json.loads(journal.read_bytes().split(b"\n")[3])["seq"] == 2
    finally:
        server.stop()


def test_a_build_holds_the_writes_and_a_server_on_it_does_not_apply_them_twice(
        built, tmp_path: Path) -> None:
    import subprocess
    import sys

    var = own_var(built, tmp_path)
    server = start(var)
    blank = f"""{HBG} rdfs:seeAlso ?note . ?note rdfs:label "anteckning"@sv"""
    try:
        assert update(server, """INSERT { ?m rdfs:seeAlso [ rdfs:label "anteckning"@sv ] }
            WHERE { ?m seg:municipalityCode "1283" }""").json()["change"] == 1
    finally:
        server.stop()
    done = subprocess.run([sys.executable, "-m", "segraph.cli", "build", "--no-reason",
                           "--var-dir", str(var)], capture_output=True, text=True, timeout=600,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads((var / "build" / "build-info.json").read_text())["journal"] == 1
    dump = (var / "build" / "dumps" / "segraph.nq").read_text(encoding="utf-8")
    assert '"anteckning"@sv' in dump and f"<{ID}change/1>" in dump
    server = start(var)
    try:
        rows = requests.get(f"{server.url}/sparql", timeout=30, params={
            "query": PREFIXES + f"SELECT ?note WHERE {{ {blank} }}"},
            headers={"Accept": "application/sparql-results+json"}).json()
        assert len(rows["results"]["bindings"]) == 1  # the build's copy only, not replayed
        assert update(server, f'INSERT DATA {{ {HBG} rdfs:comment "sedan"@sv }}'
                      ).json()["change"] == 2
    finally:
        server.stop()
