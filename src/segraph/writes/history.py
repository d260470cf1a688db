"""Each accepted write as PROV-O in the named graph ``graph/history``.

Change N is ``<id/change/N>``, a ``prov:Activity`` associated with the steward
(``<id/steward/NAME>``, a ``prov:Agent``), with its time, what it was (the update or the Graph
Store request), the graphs it changed (``prov:used``), and two entities: the triples it added
(``prov:wasGeneratedBy`` it) and the triples it removed (``prov:wasInvalidatedBy`` it), each
with ``void:triples`` and a link to the exact quads at ``/history/N``. An undo
``prov:wasInformedBy`` the change it undoes. The graph is made from the journal, the same way
in every process.
"""

from __future__ import annotations

import pyoxigraph as ox

from segraph.writes.delta import HISTORY_GRAPH
from segraph.writes.journal import Record

PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
DCT = "http://purl.org/dc/terms/"
VOID_TRIPLES = ox.NamedNode("http://rdfs.org/ns/void#triples")
FOAF_PAGE = ox.NamedNode("http://xmlns.com/foaf/0.1/page")
XSD = "http://www.w3.org/2001/XMLSchema#"
REQUEST_LIMIT = 2000  # characters of the request kept in the graph (all of it is in the log)


def change_iri(id_base: str, seq: int) -> str:
    return f"{id_base}change/{seq}"


def steward_iri(id_base: str, name: str) -> str:
    return f"{id_base}steward/{name}"


def prov_quads(record: Record, id_base: str, site: str) -> list[ox.Quad]:
    """The history graph's description of ``record``."""
    graph = ox.NamedNode(HISTORY_GRAPH)
    change = ox.NamedNode(change_iri(id_base, record.seq))
    agent = ox.NamedNode(steward_iri(id_base, record.agent))
    added = ox.NamedNode(f"{change.value}#added")
    removed = ox.NamedNode(f"{change.value}#removed")
    page = ox.NamedNode(f"{site}history/{record.seq}")
    n_removed, n_added = record.counts
    request = record.request if len(record.request) <= REQUEST_LIMIT else \
        record.request[:REQUEST_LIMIT] + " …"
    what = "undo of change " + str(record.undoes) if record.undoes else record.via
    triples = [
        (change, RDF_TYPE, ox.NamedNode(PROV + "Activity")),
        (change, RDFS_LABEL, ox.Literal(f"Ändring {record.seq} ({what})", language="sv")),
        (change, RDFS_LABEL, ox.Literal(f"Change {record.seq} ({what})", language="en")),
        (change, ox.NamedNode(PROV + "wasAssociatedWith"), agent),
        (change, ox.NamedNode(PROV + "startedAtTime"),
         ox.Literal(record.time, datatype=ox.NamedNode(XSD + "dateTime"))),
        (change, ox.NamedNode(PROV + "endedAtTime"),
         ox.Literal(record.time, datatype=ox.NamedNode(XSD + "dateTime"))),
        (change, ox.NamedNode(DCT + "description"), ox.Literal(request)),
        (change, FOAF_PAGE, page),
        (agent, RDF_TYPE, ox.NamedNode(PROV + "Agent")),
        (agent, RDFS_LABEL, ox.Literal(record.agent)),
        (added, RDF_TYPE, ox.NamedNode(PROV + "Entity")),
        (added, ox.NamedNode(PROV + "wasGeneratedBy"), change),
        (added, VOID_TRIPLES, ox.Literal(str(n_added), datatype=ox.NamedNode(XSD + "integer"))),
        (removed, RDF_TYPE, ox.NamedNode(PROV + "Entity")),
        (removed, ox.NamedNode(PROV + "wasInvalidatedBy"), change),
        (removed, VOID_TRIPLES,
         ox.Literal(str(n_removed), datatype=ox.NamedNode(XSD + "integer"))),
    ]
    triples += [(change, ox.NamedNode(PROV + "used"), ox.NamedNode(g)) for g in record.graphs]
    if record.undoes:
        triples.append((change, ox.NamedNode(PROV + "wasInformedBy"),
                        ox.NamedNode(change_iri(id_base, record.undoes))))
    return [ox.Quad(s, p, o, graph) for s, p, o in triples]
