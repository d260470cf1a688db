"""Reading the W3C SPARQL 1.1 test suite: manifests, data files and expected results.

The suite lives beside the repository (``../shared/conformance/w3c-sparql11-tests``) and is
read in place, never copied. Every file is named by its IRI in the suite's own namespace
(``http://www.w3.org/2009/sparql/docs/tests/data-sparql11/<folder>/<file>``): relative IRIs in
manifests, queries, data and results all resolve against it, so a graph loaded from ``data.ttl``
is named as the tests expect.

Answers are compared as the suite asks: up to blank-node renaming, as a multiset unless the
query orders its solutions, and typed numeric literals by value.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, Namespace
from rdflib.collection import Collection
from servers import LiveServer

from segraph.sparql_text import blank_out, query_form

PROJECT = Path(__file__).resolve().parents[1]
SUITE = PROJECT.parent / "shared" / "conformance" / "w3c-sparql11-tests" / "sparql11"
BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/"
ABSENT = "the W3C SPARQL 1.1 test suite is not present at ../shared/conformance"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
DAWGT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
RS = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
NUMERIC = {XSD + name for name in (
    "integer", "decimal", "float", "double", "nonPositiveInteger", "negativeInteger", "long",
    "int", "short", "byte", "nonNegativeInteger", "unsignedLong", "unsignedInt",
    "unsignedShort", "unsignedByte", "positiveInteger")}
SRX = "{http://www.w3.org/2005/sparql-results#}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def available() -> bool:
    return SUITE.is_dir()


def iri_of(path: Path) -> str:
    return BASE + path.relative_to(SUITE).as_posix()


def path_of(iri: object) -> Path:
    text = str(iri)
    if not text.startswith(BASE):
        raise ValueError(f"{text} is not a file of the suite")
    return SUITE / text[len(BASE):]


def load_manifest(folder: str) -> tuple[Graph, list]:
    """The manifest of ``folder`` (IRIs in the suite's namespace) and its entries, in order."""
    graph = Graph()
    graph.parse(SUITE / folder / "manifest.ttl", format="turtle",
                publicID=BASE + folder + "/manifest.ttl")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    return graph, list(Collection(graph, graph.value(manifest, MF.entries)))


def local_name(node: object) -> str:
    return str(node).rsplit("#", 1)[-1]


# --- query evaluation tests ----------------------------------------------------------------


@dataclass
class EvaluationTest:
    id: str  # "<folder>/<name>"
    kind: str  # QueryEvaluationTest, CSVResultFormatTest
    approval: str  # Approved, Proposed or "" (not recorded)
    query: Path
    result: Path
    data: list[Path] = field(default_factory=list)
    graph_data: list[Path] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.query.read_text(encoding="utf-8")

    @property
    def form(self) -> str:
        return query_form(self.text) or "select"


def evaluation_tests(folders: list[str]) -> list[EvaluationTest]:
    tests = []
    for folder in folders:
        graph, entries = load_manifest(folder)
        for entry in entries:
            kind = local_name(graph.value(entry, RDF.type))
            if kind not in ("QueryEvaluationTest", "CSVResultFormatTest"):
                continue
            action = graph.value(entry, MF.action)
            approval = graph.value(entry, DAWGT.approval)
            tests.append(EvaluationTest(
                id=f"{folder}/{local_name(entry)}", kind=kind,
                approval=local_name(approval) if approval else "",
                query=path_of(graph.value(action, QT.query)),
                result=path_of(graph.value(entry, MF.result)),
                data=sorted(path_of(d) for d in graph.objects(action, QT.data)),
                graph_data=sorted(path_of(d) for d in graph.objects(action, QT.graphData))))
    return tests


def rdf_format_of(path: Path) -> ox.RdfFormat:
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
    if fmt is None:
        raise ValueError(f"{path}: not an RDF file")
    return fmt


def graph_quads(path: Path, graph_name: str, blank_prefix: str) -> list[ox.Quad]:
    """``path`` parsed with its suite IRI as base, as quads in ``graph_name``.

    Blank nodes get ``blank_prefix`` so that two files never share one (an RDF merge).
    """
    name = ox.NamedNode(graph_name)

    def term(node: object) -> object:
        return ox.BlankNode(blank_prefix + node.value) if isinstance(node, ox.BlankNode) \
            else node

    return [ox.Quad(term(t.subject), t.predicate, term(t.object), name)  # type: ignore[arg-type]
            for t in ox.parse(path=str(path), format=rdf_format_of(path), base_iri=iri_of(path))]


def serve_quads(directory: Path, quads: list[ox.Quad], *extra: str) -> LiveServer:
    """`segraph serve` on ``quads`` alone (written to ``directory`` as N-Quads)."""
    dump = directory / "data.nq"
    dump.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    (directory / "var").mkdir()
    return LiveServer(directory / "var", "--only-data", "--data", str(dump), "--rate-limit", "0",
                      *extra)


def has_top_level_order_by(query: str) -> bool:
    """True when the outermost query orders its solutions (a subquery's ORDER BY does not)."""
    code = blank_out(query)
    depth = 0
    for match in re.finditer(r"[{}]|\bORDER\s+BY\b", code, re.IGNORECASE):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0:
            return True
    return False


# --- result sets ---------------------------------------------------------------------------

# A term: ("uri", iri) | ("bnode", label) | ("literal", lexical, datatype, language)
Term = tuple


def literal(value: str, datatype: str | None = None, language: str | None = None) -> Term:
    if language:
        return ("literal", value, RDF_LANG_STRING, language.lower())
    return ("literal", value, datatype or XSD_STRING, "")


@dataclass
class ResultSet:
    variables: list[str]
    rows: list[dict[str, Term]]
    boolean: bool | None = None


def parse_srj(body: bytes) -> ResultSet:
    doc = json.loads(body.decode("utf-8"))
    variables = list(doc.get("head", {}).get("vars", []))
    if "boolean" in doc:
        assert isinstance(doc["boolean"], bool), f"boolean is {doc['boolean']!r}"
        return ResultSet(variables, [], doc["boolean"])
    rows = []
    for binding in doc["results"]["bindings"]:
        row = {}
        for name, value in binding.items():
            kind = value["type"]
            if kind == "uri":
                row[name] = ("uri", value["value"])
            elif kind == "bnode":
                row[name] = ("bnode", value["value"])
            elif kind in ("literal", "typed-literal"):
                row[name] = literal(value["value"], value.get("datatype"), value.get("xml:lang"))
            else:
                raise AssertionError(f"unknown term type {kind!r} in {value}")
        rows.append(row)
    return ResultSet(variables, rows)


def parse_srx(body: bytes) -> ResultSet:
    root = ET.fromstring(body)
    assert root.tag == SRX + "sparql", f"root element is {root.tag}"
    head = root.find(SRX + "head")
    assert head is not None, "no <head>"
    variables = [v.attrib["name"] for v in head.findall(SRX + "variable")]
    boolean = root.find(SRX + "boolean")
    if boolean is not None:
        assert boolean.text in ("true", "false"), f"boolean is {boolean.text!r}"
        return ResultSet(variables, [], boolean.text == "true")
    results = root.find(SRX + "results")
    assert results is not None, "neither <results> nor <boolean>"
    rows = []
    for result in results.findall(SRX + "result"):
        row = {}
        for binding in result.findall(SRX + "binding"):
            (node,) = list(binding)
            if node.tag == SRX + "uri":
                row[binding.attrib["name"]] = ("uri", node.text or "")
            elif node.tag == SRX + "bnode":
                row[binding.attrib["name"]] = ("bnode", node.text or "")
            elif node.tag == SRX + "literal":
                row[binding.attrib["name"]] = literal(
                    node.text or "", node.attrib.get("datatype"), node.attrib.get(XML_LANG))
            else:
                raise AssertionError(f"unknown term element {node.tag}")
        rows.append(row)
    return ResultSet(variables, rows)


def _turtle_term(text: str) -> Term:
    """One TSV cell (a term in Turtle syntax) as a term, read by a real Turtle parser."""
    (quad,) = ox.parse(input=f"<urn:s> <urn:p> {text} .".encode(), format=ox.RdfFormat.TURTLE)
    if isinstance(quad.object, ox.BlankNode):  # the parser renames blank nodes: keep the label
        return ("bnode", text[2:])
    return ox_term(quad.object)


def ox_term(node: object) -> Term:
    if isinstance(node, ox.NamedNode):
        return ("uri", node.value)
    if isinstance(node, ox.BlankNode):
        return ("bnode", node.value)
    assert isinstance(node, ox.Literal), node
    return literal(node.value, node.datatype.value, node.language)


def parse_tsv(body: bytes) -> ResultSet:
    text = body.decode("utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    header = lines[0].split("\t")
    assert all(h.startswith("?") for h in header if h), f"TSV header {header!r}"
    variables = [h[1:] for h in header if h]
    rows = []
    for line in lines[1:]:
        cells = line.split("\t")
        assert len(cells) == len(variables), f"TSV row {line!r} has {len(cells)} cells"
        rows.append({v: _turtle_term(c) for v, c in zip(variables, cells, strict=True) if c})
    return ResultSet(variables, rows)


def parse_rs_graph(path: Path) -> ResultSet:
    """A result set written in the DAWG result-set vocabulary (Turtle)."""
    graph = Graph()
    graph.parse(path, format="turtle", publicID=iri_of(path))
    (result_set,) = graph.subjects(RDF.type, RS.ResultSet)
    variables = [str(v) for v in graph.objects(result_set, RS.resultVariable)]
    boolean = graph.value(result_set, RS.boolean)
    if boolean is not None:
        return ResultSet(variables, [], bool(boolean.toPython()))
    rows = []
    for solution in graph.objects(result_set, RS.solution):
        row = {}
        for binding in graph.objects(solution, RS.binding):
            value = graph.value(binding, RS.value)
            row[str(graph.value(binding, RS.variable))] = rdflib_term(value)
        index = graph.value(solution, RS.index)
        rows.append((int(index) if index is not None else 0, row))
    return ResultSet(variables, [row for _, row in sorted(rows, key=lambda r: r[0])])


def rdflib_term(node: object) -> Term:
    from rdflib import BNode, Literal, URIRef

    if isinstance(node, URIRef):
        return ("uri", str(node))
    if isinstance(node, BNode):
        return ("bnode", str(node))
    assert isinstance(node, Literal)
    return literal(str(node), str(node.datatype) if node.datatype else None, node.language)


def parse_results(body: bytes, media_type: str) -> ResultSet:
    if media_type == "application/sparql-results+json":
        return parse_srj(body)
    if media_type == "application/sparql-results+xml":
        return parse_srx(body)
    if media_type == "text/tab-separated-values":
        return parse_tsv(body)
    raise ValueError(media_type)


def expected_results(path: Path) -> ResultSet:
    suffix = path.suffix
    if suffix == ".srj":
        return parse_srj(path.read_bytes())
    if suffix == ".srx":
        return parse_srx(path.read_bytes())
    if suffix == ".tsv":
        return parse_tsv(path.read_bytes())
    if suffix == ".ttl":
        return parse_rs_graph(path)
    raise ValueError(f"{path}: no result-set reader")


# --- comparison ----------------------------------------------------------------------------


def _value_key(term: Term) -> object:
    """What two terms must share to count as equal (numeric literals compare by value)."""
    if term[0] == "literal" and term[2] in NUMERIC:
        try:
            number: object = Decimal(term[1].strip())
        except InvalidOperation:
            return term
        if term[2] in (XSD + "double", XSD + "float"):
            number = float(term[1].strip())
        return ("number", term[2], number)
    return term


def _signature(row: dict[str, Term], variables: list[str]) -> tuple:
    return tuple("_:" if row.get(v, ("",))[0] == "bnode" else
                  _value_key(row[v]) if v in row else None for v in variables)


def _consistent(expected: dict[str, Term], actual: dict[str, Term], variables: list[str],
                forward: dict[str, str], backward: dict[str, str]) -> list[tuple[str, str]] | None:
    """The blank-node pairs this row match adds, or None when the rows cannot match."""
    added: list[tuple[str, str]] = []
    for v in variables:
        e, a = expected.get(v), actual.get(v)
        if e is None or a is None:
            if e is not a:
                return None
            continue
        if e[0] == "bnode" and a[0] == "bnode":
            known = forward.get(e[1]) or dict(added).get(e[1])
            back = backward.get(a[1]) or {y: x for x, y in added}.get(a[1])
            if known is None and back is None:
                added.append((e[1], a[1]))
            elif known != a[1] or back != e[1]:
                return None
        elif _value_key(e) != _value_key(a):
            return None
    return added


def compare_results(expected: ResultSet, actual: ResultSet, ordered: bool) -> str | None:
    """None when ``actual`` is the expected answer; otherwise what differs."""
    if expected.boolean is not None or actual.boolean is not None:
        if expected.boolean != actual.boolean:
            return f"boolean: expected {expected.boolean}, got {actual.boolean}"
        return None
    if sorted(expected.variables) != sorted(actual.variables):
        return f"variables: expected {expected.variables}, got {actual.variables}"
    variables = sorted(expected.variables)
    if len(expected.rows) != len(actual.rows):
        return (f"{len(actual.rows)} rows, expected {len(expected.rows)}:\n"
                f"expected {expected.rows}\n     got {actual.rows}")
    if Counter(_signature(r, variables) for r in expected.rows) != \
            Counter(_signature(r, variables) for r in actual.rows):
        missing = Counter(_signature(r, variables) for r in expected.rows)
        missing.subtract(_signature(r, variables) for r in actual.rows)
        return ("rows differ (ignoring blank-node labels): "
                f"missing {[k for k, n in missing.items() if n > 0]}, "
                f"unexpected {[k for k, n in missing.items() if n < 0]}")
    forward: dict[str, str] = {}
    backward: dict[str, str] = {}
    if ordered:
        for position, (e, a) in enumerate(zip(expected.rows, actual.rows, strict=True)):
            added = _consistent(e, a, variables, forward, backward)
            if added is None:
                return f"row {position} (ORDER BY): expected {e}, got {a}"
            for x, y in added:
                forward[x], backward[y] = y, x
        return None
    if _match_rows(list(expected.rows), list(actual.rows), variables, forward, backward):
        return None
    return "no blank-node mapping makes the rows equal"


def _match_rows(expected: list, actual: list, variables: list[str],
                forward: dict[str, str], backward: dict[str, str]) -> bool:
    """Backtracking search for a row bijection with one consistent blank-node mapping."""
    if not expected:
        return True
    row, rest = expected[0], expected[1:]
    signature = _signature(row, variables)
    for index, candidate in enumerate(actual):
        if _signature(candidate, variables) != signature:
            continue
        added = _consistent(row, candidate, variables, forward, backward)
        if added is None:
            continue
        for x, y in added:
            forward[x], backward[y] = y, x
        if _match_rows(rest, actual[:index] + actual[index + 1:], variables, forward, backward):
            return True
        for x, y in added:
            del forward[x], backward[y]
    return False


def parse_csv(body: bytes) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    return rows[0], rows[1:]


def csv_cell(term: Term | None) -> str:
    """How the SPARQL 1.1 CSV format writes a term (for comparing typed answers with CSV)."""
    if term is None:
        return ""
    return f"_:{term[1]}" if term[0] == "bnode" else term[1]


def compare_csv(expected: tuple[list[str], list[list[str]]],
                actual: tuple[list[str], list[list[str]]], ordered: bool) -> str | None:
    """CSV tables: blank nodes up to renaming, numbers by value (CSV keeps no datatypes)."""
    def as_results(table: tuple[list[str], list[list[str]]]) -> ResultSet:
        header, rows = table
        out = []
        for cells in rows:
            assert len(cells) == len(header), f"CSV row {cells} does not match {header}"
            row = {}
            for name, cell in zip(header, cells, strict=True):
                if cell.startswith("_:"):
                    row[name] = ("bnode", cell[2:])
                elif cell:
                    row[name] = _csv_number(cell)
            out.append(row)
        return ResultSet(header, out)

    return compare_results(as_results(expected), as_results(actual), ordered)


def _csv_number(cell: str) -> Term:
    if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", cell):
        return ("literal", cell, XSD + "double", "")
    return ("literal", cell, XSD_STRING, "")


# --- protocol tests ------------------------------------------------------------------------


@dataclass
class HttpRequest:
    method: str
    path: str  # absolute path with query string, as in the manifest (starts with /sparql/)
    headers: dict[str, str]
    body: bytes | None
    expected_status: set[str]  # {"2xx", "3xx"} or {"4xx"}
    expected_format: str | None  # "boolean", "tabular", "RDF"
    expected_boolean: bool | None


@dataclass
class ProtocolTest:
    name: str
    title: str
    requests: list[HttpRequest]
    graph_data: dict[str, Path]  # graph name -> local file


def protocol_tests() -> list[ProtocolTest]:
    graph, entries = load_manifest("protocol")
    tests = []
    for entry in entries:
        assert graph.value(entry, RDF.type) == MF.ProtocolTest
        action = graph.value(entry, MF.action)
        requests = []
        for node in Collection(graph, graph.value(action, HT.requests)):
            headers = {}
            for header in Collection(graph, graph.value(node, HT.headers)) \
                    if graph.value(node, HT.headers) else []:
                headers[str(graph.value(header, HT.fieldName))] = \
                    str(graph.value(header, HT.fieldValue))
            body_node = graph.value(node, HT.body)
            body = None
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding)
            response = graph.value(node, HT.resp)
            statuses = {local_name(s)[len("StatusCode"):]
                        for s in graph.objects(response, MF.expectedStatus)}
            fmt = graph.value(response, MF.expectedFormat)
            boolean = graph.value(response, MF.expectedBoolean)
            requests.append(HttpRequest(
                method=str(graph.value(node, HT.methodName)),
                path=str(graph.value(node, HT.absolutePath)), headers=headers, body=body,
                expected_status=statuses, expected_format=str(fmt) if fmt else None,
                expected_boolean=boolean.toPython() if boolean is not None else None))
        graph_data = {str(graph.value(g, RDFS.label)): path_of(graph.value(g, UT.graph))
                      for g in graph.objects(entry, UT.graphData)}
        tests.append(ProtocolTest(local_name(entry), str(graph.value(entry, MF.name)),
                                  requests, graph_data))
    return tests


def service_description_tests() -> list[tuple[str, str]]:
    graph, entries = load_manifest("service-description")
    return [(local_name(e), str(graph.value(e, MF.name))) for e in entries]
