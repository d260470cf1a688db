"""Engine differences, smoothed out so that a remote answer equals the embedded one.

Found against Virtuoso 7 (Oxigraph server needs none of them):

* SELECT/ASK results in JSON use the old ``"typed-literal"`` type; it is read as ``"literal"``.
* Blank nodes come back as ``nodeID://b10001``; the label is cut to ``b10001`` (a valid blank
  node label; blank node labels are never meaningful across answers anyway).
* ``xsd:boolean`` values come back as ``"1"``/``"0"``; they are written ``"true"``/``"false"``
  again, the canonical form every loaded boolean had.
* ``xsd:int`` (Virtuoso's type for some integer results) is read as ``xsd:integer``, the type
  SPARQL gives to integer literals and to ``COUNT``; segraph's graph has no ``xsd:int`` data.
* ``geo:wktLiteral`` values are stored as Virtuoso geometries: they come back typed
  ``virtrdf:Geometry`` and written without spaces (``POINT(17.5 60.1)``,
  ``MULTIPOLYGON(((1 2,3 4)))``); the type and the spacing of the loaded form
  (``POINT (17.5 60.1)``, ``MULTIPOLYGON (((1 2, 3 4)))``) are given back.
* ``xsd:duration`` values come back as seconds (``300.0`` for ``PT5M``); they are written as
  an ISO 8601 duration again (days, hours, minutes, seconds: what a number of seconds holds).
* An ASK query with ``default-graph-uri`` parameters is answered as a SELECT table (one row
  with ``1``, or none); it is read as the boolean it means.
* A property path with ``+``/``*`` needs a bound end (``transitive start not given``
  otherwise); this cannot be rewritten here, so segraph's queries bind one end.
* Language tags come back lower-cased (``sv-SE`` → ``sv-se``); pyoxigraph lower-cases them
  too, so both sides compare equal without a change here.
* Virtuoso's default graph is the union of *all* its graphs, its own system graphs included
  (``virtrdf#``, ``ldp#`` …); :mod:`segraph.store.remote` therefore names the dataset of every
  query explicitly (``default-graph-uri`` / ``named-graph-uri``) and leaves out
  :data:`SYSTEM_GRAPHS`.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_BOOLEAN = XSD + "boolean"
XSD_DURATION = XSD + "duration"
WKT = "http://www.opengis.net/ont/geosparql#wktLiteral"
DATATYPE_ALIASES = {XSD + "int": XSD + "integer",
                    "http://www.openlinksw.com/schemas/virtrdf#Geometry": WKT}
BOOLEANS = {"1": "true", "0": "false"}
BNODE_PREFIX = "nodeID://"

# Graphs an engine keeps for itself: never part of segraph's dataset.
SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/sparql",
    "http://www.openlinksw.com/",
)


def is_system_graph(iri: str) -> bool:
    return iri.startswith(SYSTEM_GRAPHS)


def _datatype(datatype: str, value: str) -> tuple[str, str]:
    datatype = DATATYPE_ALIASES.get(datatype, datatype)
    if datatype == XSD_BOOLEAN:
        value = BOOLEANS.get(value, value)
    elif datatype == WKT:
        value = re.sub(r",(?! )", ", ", re.sub(r"^\s*([A-Za-z]+)\s*\(", r"\1 (", value))
    elif datatype == XSD_DURATION:
        value = _iso_duration(value)
    return datatype, value


def _iso_duration(value: str) -> str:
    """``300.0`` (seconds) as ``PT5M``; a value already in ISO 8601 form is kept."""
    try:
        seconds = Decimal(value)
    except InvalidOperation:
        return value
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, rest = divmod(rest, 60)
    time = "".join(f"{int(n)}{unit}" for n, unit in ((hours, "H"), (minutes, "M")) if n)
    if rest:
        time += f"{rest.normalize():f}S"
    text = (f"{int(days)}D" if days else "") + (f"T{time}" if time else "")
    return f"{sign}P{text or 'T0S'}"


def fix_json_term(term: dict[str, Any]) -> dict[str, Any]:
    """One binding of a W3C JSON result, as the standard and the embedded store write it."""
    kind = term.get("type")
    if kind == "typed-literal":
        term = {**term, "type": "literal"}
    if kind == "bnode" and term["value"].startswith(BNODE_PREFIX):
        return {"type": "bnode", "value": term["value"][len(BNODE_PREFIX):]}
    if term.get("type") == "literal" and "datatype" in term:
        datatype, value = _datatype(term["datatype"], term["value"])
        term = {**term, "datatype": datatype, "value": value}
    return term


def fix_json_results(data: dict[str, Any], *, ask: bool = False) -> dict[str, Any]:
    """A whole W3C JSON result document, every binding fixed. An ASK answered as a table
    (Virtuoso, when the dataset is given) is true when a row has a non-zero value."""
    if "results" not in data:
        return {"head": {}, "boolean": data["boolean"]}
    if ask:
        rows = data["results"]["bindings"]
        return {"head": {}, "boolean": any(term.get("value") not in ("0", "false")
                                           for row in rows for term in row.values())}
    bindings = [{name: fix_json_term(term) for name, term in row.items()}
                for row in data["results"]["bindings"]]
    return {"head": {"vars": data["head"].get("vars", [])}, "results": {"bindings": bindings}}


def fix_term(term: ox.NamedNode | ox.BlankNode | ox.Literal
             ) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A term of a CONSTRUCT/DESCRIBE answer, with the same fixes as :func:`fix_json_term`."""
    if isinstance(term, ox.Literal) and not term.language:
        datatype, value = _datatype(term.datatype.value, term.value)
        if datatype != term.datatype.value or value != term.value:
            return ox.Literal(value, datatype=ox.NamedNode(datatype))
    return term
