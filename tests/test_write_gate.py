"""The write gate in-process: what an update changes, the journal on disk, the shapes check.

Run on the built graph in memory (no server); tests/test_writes.py covers the HTTP side.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from segraph.store.embedded import read_graph
from segraph.writes.check import check, focus_nodes, neighbourhood
from segraph.writes.delta import EDITS_GRAPH, Delta, WriteRefused, evaluate
from segraph.writes.gate import WriteGate
from segraph.writes.journal import MAGIC, Journal, Record
from segraph.writes.operations import UpdateRefused, parse_update

G = "https://w3id.org/segraph/graph/"
ID = "https://w3id.org/segraph/id/"
HBG = f"<{ID}municipality/1283>"
PREFIXES = """PREFIX seg: <https://w3id.org/segraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX g: <https://w3id.org/segraph/graph/>
"""
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")


@pytest.fixture(scope="module")
def dump(built) -> Path:
    paths, _ = built
    return paths.build / "dumps" / "segraph.nq"


@pytest.fixture()
def store(dump: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    return store


@pytest.fixture(scope="module")
def shapes_and_ontology(dump: Path) -> tuple[Graph, Graph]:
    store = ox.Store()
    store.load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    return read_graph(store, G + "shapes"), read_graph(store, G + "ontology")


def change(store: ox.Store, text: str, **kwargs: object) -> Delta:
    return evaluate(store, parse_update(PREFIXES + text), **kwargs)  # type: ignore[arg-type]


def hbg() -> ox.NamedNode:
    return ox.NamedNode(ID + "municipality/1283")


def test_insert_data_without_graph_goes_to_the_edits_graph(store: ox.Store) -> None:
    delta = change(store, f'INSERT DATA {{ {HBG} rdfs:comment "Hamnstad"@sv . '
                          f'GRAPH g:network {{ {HBG} rdfs:comment "I nätverket"@sv }} }}')
    assert delta.graphs() == [EDITS_GRAPH, G + "network"]
    assert ox.Quad(hbg(), COMMENT, ox.Literal("Hamnstad", language="sv"),
                   ox.NamedNode(EDITS_GRAPH)) in delta.added
    assert not delta.removed


def test_delete_data_without_graph_deletes_from_every_graph_that_holds_it(
        store: ox.Store) -> None:
    delta = change(store, f'DELETE DATA {{ {HBG} rdfs:label "Helsingborg"@sv }}')
    assert {q.graph_name.value for q in delta.removed} == {G + "admin-units"}
    assert not delta.added
    nothing = change(store, f'DELETE DATA {{ {HBG} rdfs:label "Helsingborgen"@sv }}')
    assert not nothing  # what is not there is not deleted


def test_modify_with_a_graph_variable_and_where(store: ox.Store) -> None:
    delta = change(store, f"""DELETE {{ GRAPH ?g {{ ?m rdfs:label ?l }} }}
        INSERT {{ GRAPH ?g {{ ?m rdfs:label "Hbg"@sv }} }}
        WHERE {{ GRAPH ?g {{ ?m rdfs:label ?l }} FILTER(?m = {HBG} && lang(?l) = "sv") }}""")
    assert [q.object.value for q in delta.removed] == ["Helsingborg"]
    assert [(q.object.value, q.graph_name.value) for q in delta.added] == \
        [("Hbg", G + "admin-units")]


def test_with_and_using_choose_the_graphs(store: ox.Store) -> None:
    with_graph = change(store, f"""WITH g:admin-units DELETE {{ ?m rdfs:label ?l }}
        WHERE {{ ?m rdfs:label ?l FILTER(?m = {HBG}) }}""", mutable=False)
    assert [(q.object.value, q.graph_name.value) for q in with_graph.removed] == \
        [("Helsingborg", G + "admin-units")]
    using_other = change(store, f"""DELETE {{ GRAPH g:admin-units {{ ?m rdfs:label ?l }} }}
        USING g:network WHERE {{ ?m rdfs:label ?l FILTER(?m = {HBG}) }}""", mutable=False)
    assert not using_other  # the network graph does not label Helsingborg
    protocol = change(store, f"""DELETE {{ GRAPH g:admin-units {{ ?m rdfs:label ?l }} }}
        WHERE {{ ?m rdfs:label ?l FILTER(?m = {HBG}) }}""", using=[G + "admin-units"])
    assert len(protocol.removed) == 1
    with pytest.raises(WriteRefused, match="cannot be combined"):
        change(store, f"""WITH g:x DELETE {{ ?m rdfs:label ?l }}
            WHERE {{ ?m rdfs:label ?l FILTER(?m = {HBG}) }}""", using=[G + "admin-units"])


def test_operations_see_the_ones_before_them_and_the_change_is_net(store: ox.Store) -> None:
    delta = change(store, f"""INSERT DATA {{ {HBG} rdfs:comment "tillfällig"@sv }} ;
        DELETE WHERE {{ {HBG} rdfs:comment ?c }}""")
    assert not delta  # inserted, then deleted by the next operation: no change at all
    with pytest.raises(WriteRefused, match="separate requests"):
        evaluate(store, parse_update(PREFIXES + f"""INSERT DATA {{ {HBG} rdfs:comment "x"@sv }} ;
            DELETE WHERE {{ {HBG} rdfs:comment ?c }}"""), mutable=False)


def test_a_request_that_only_inserts_needs_no_copy_and_one_that_deletes_does(
        store: ox.Store) -> None:
    inserts = parse_update(PREFIXES + f"""INSERT DATA {{ {HBG} rdfs:comment "a"@sv }} ;
        INSERT DATA {{ {HBG} rdfs:comment "a"@sv, "b"@sv }}""")
    assert not any(op.reads_state for op in inserts.operations)
    assert len(evaluate(store, inserts, mutable=False).added) == 2
    both = parse_update(PREFIXES + f"""INSERT DATA {{ {HBG} rdfs:comment "a"@sv }} ;
        DELETE DATA {{ {HBG} rdfs:comment "a"@sv }}""")
    assert any(op.reads_state for op in both.operations)
    assert not evaluate(store, both, mutable=True)  # inserted, then deleted again: no change


def test_graph_management(store: ox.Store) -> None:
    network = len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(G + "network"))))
    copied = change(store, "COPY GRAPH g:network TO GRAPH g:copy")
    assert len(copied.added) == network and not copied.removed
    moved = change(store, "MOVE g:copy TO g:moved")  # GRAPH is optional in MOVE
    assert len(moved.removed) == network == len(moved.added)
    dropped = change(store, "DROP GRAPH g:moved")
    assert len(dropped.removed) == network
    with pytest.raises(WriteRefused, match="no graph"):
        change(store, "DROP GRAPH g:moved")
    assert not change(store, "DROP SILENT GRAPH g:moved")
    assert not change(store, "CREATE GRAPH g:new")


@pytest.mark.parametrize(("text", "error", "message"), [
    ("LOAD <http://example.org/data.ttl>", UpdateRefused, "LOAD is not allowed"),
    ("INSERT { ?s ?p ?o } WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
     UpdateRefused, "SERVICE is not allowed"),
    ("CLEAR ALL", UpdateRefused, "name each graph"),
    ("DROP NAMED", UpdateRefused, "name each graph"),
    ("INSERT DATA { <a> <b> }", SyntaxError, "error at"),
    ("INSERT DATA { GRAPH g:history { <http://a> <http://b> <http://c> } }", WriteRefused,
     "written by the server"),
    ("DELETE DATA { _:b rdfs:label \"x\" }", SyntaxError, "error at"),
])
def test_refused_updates(store: ox.Store, text: str, error: type[Exception],
                         message: str) -> None:
    with pytest.raises(error, match=message):
        change(store, text)


def test_blank_nodes_are_new_per_solution(store: ox.Store) -> None:
    delta = change(store, """INSERT { ?m seg:note [ rdfs:label "n"@en ] }
        WHERE { ?m seg:municipalityCode ?code FILTER(?code IN ("1283", "1280")) }""")
    notes = {q.object for q in delta.added if q.predicate.value.endswith("#note")}
    assert len(notes) == 2 and all(isinstance(n, ox.BlankNode) for n in notes)


def test_the_check_refuses_what_breaks_a_shape_and_only_that(
        store: ox.Store, shapes_and_ontology: tuple[Graph, Graph]) -> None:
    shapes, ontology = shapes_and_ontology
    broken = change(store, f'DELETE DATA {{ {HBG} rdfs:label "Helsingborg"@sv }}', mutable=False)
    report = check(store, broken, shapes, ontology)
    assert not report.conforms
    assert [(v.focus, v.path) for v in report.errors] == \
        [(ID + "municipality/1283", "http://www.w3.org/2000/01/rdf-schema#label")]
    fine = change(store, f'INSERT DATA {{ {HBG} rdfs:comment "Hamnstad"@sv }}', mutable=False)
    assert check(store, fine, shapes, ontology).conforms
    # Only the touched node and what its shapes reach are checked, not the whole graph.
    local = neighbourhood(store, focus_nodes(store, fine), fine.added)
    assert ox.Quad(hbg(), LABEL, ox.Literal("Helsingborg", language="sv"),
                   ox.NamedNode(G + "admin-units")) in local
    assert len(local) < len(store) / 20
    # A municipality that already breaks a shape: an unrelated write touching it is not blamed.
    store.add(ox.Quad(hbg(), ox.NamedNode("https://w3id.org/segraph/ontology#municipalityCode"),
                      ox.Literal("9999"), ox.NamedNode(G + "local")))
    again = change(store, f'INSERT DATA {{ {HBG} rdfs:comment "Hamnstad"@sv }}', mutable=False)
    assert check(store, again, shapes, ontology).conforms
    # Removing what others point at: the agreements naming Helsingborg are checked too.
    gone = change(store, "DROP GRAPH g:admin-units", mutable=False)
    focus = {v.focus for v in check(store, gone, shapes, ontology).errors}
    assert any("/agreement/" in f for f in focus)


def record(seq: int, added: str = "") -> Record:
    return Record(seq=seq, time="2026-11-27T00:00:00Z", agent="anna", via="test",
                  request=f"change {seq}", removed="", added=added)


def test_journal_round_trip_and_a_record_cut_short(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal")
    quad = f'<{ID}x> <http://www.w3.org/2000/01/rdf-schema#label> "x" <{EDITS_GRAPH}> .\n'
    with journal.locked():
        offset = journal.append(record(1, quad), 0)
        offset = journal.append(record(2), offset)
    assert [r.seq for r in journal.records()] == [1, 2]
    assert journal.records()[0].quads()[1][0].object.value == "x"
    whole = journal.path.read_bytes()
    # A writer killed in the middle of its record: the tail is ignored, then cut off.
    with open(journal.path, "ab") as fh:
        fh.write(MAGIC + b"500 " + b"0" * 64 + b"\n{\"seq\": 3, \"ti")
    assert [r.seq for r in journal.records()] == [1, 2]
    assert journal.end() == (2, len(whole))
    with journal.locked():
        journal.append(record(3), len(whole))
    assert [r.seq for r in journal.records()] == [1, 2, 3]
    # A record whose bytes changed (a bad disk, a hand edit) ends the journal there.
    data = journal.path.read_bytes().replace(b'"change 2"', b'"change X"')
    journal.path.write_bytes(data)
    assert [r.seq for r in journal.records()] == [1]


def test_gate_applies_logs_and_undoes(store: ox.Store, tmp_path: Path,
                                      shapes_and_ontology: tuple[Graph, Graph]) -> None:
    shapes, ontology = shapes_and_ontology
    gate = WriteGate(Journal(tmp_path / "journal"), store, shapes=shapes, ontology=ontology,
                     id_base=ID, site="https://w3id.org/segraph/", timeout=60)
    update = parse_update(PREFIXES + f'INSERT DATA {{ {HBG} rdfs:comment "Hamnstad"@sv }}')
    outcome = gate.write(lambda s, m: evaluate(s, update, mutable=m), agent="anna",
                         via="test", request="add a comment")
    assert outcome.record is not None and outcome.record.seq == 1
    assert list(store.quads_for_pattern(hbg(), COMMENT, None, None))
    history = store.query(f"""PREFIX prov: <http://www.w3.org/ns/prov#>
        ASK {{ GRAPH <{G}history> {{ <{ID}change/1> prov:wasAssociatedWith
        <{ID}steward/anna> }} }}""")
    assert bool(history)
    refused = parse_update(PREFIXES + f'DELETE DATA {{ {HBG} rdfs:label "Helsingborg"@sv }}')
    outcome = gate.write(lambda s, m: evaluate(s, refused, mutable=m), agent="anna",
                         via="test", request="break it")
    assert outcome.refused and outcome.record is None
    assert len(gate.journal.records()) == 1
    assert list(store.quads_for_pattern(hbg(), LABEL, ox.Literal("Helsingborg", language="sv"),
                                        None))
    undone = gate.undo(1, agent="bo")
    assert undone.record is not None and undone.record.undoes == 1
    assert not list(store.quads_for_pattern(hbg(), COMMENT, None, None))
    # A second process on the same journal catches up to the same state.
    other = ox.Store()
    other.extend(q for q in store if q.graph_name.value not in (G + "history", EDITS_GRAPH))
    follower = WriteGate(Journal(tmp_path / "journal"), other, shapes=shapes,
                         ontology=ontology, id_base=ID, site="https://w3id.org/segraph/")
    assert follower.catch_up() == 2
    assert set(other) == set(store)
