"""Helpers for the SHACL shape tests: load the shapes and the reference graph, read case files.

A case file is ``cases/<name>.pass.ttl`` (must conform with no result at all) or
``cases/<name>.fail.ttl``, whose header comments declare the exact expected results::

    # expect: <focus IRI> | <path IRI> | <constraint component local name>
    # expect-warning: <focus IRI> | <path IRI> | <constraint component local name>

Focus and path may be written as ``<full IRI>`` or as a prefixed name using the file's own
``@prefix`` declarations; ``-`` stands for "no path". The constraint is the local name in the
``sh:`` namespace, e.g. ``PatternConstraintComponent`` or ``SPARQLConstraintComponent``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from segraph.validation import DEFAULT_ENGINE, Report, validate_graph

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
SHAPES_DIR = PROJECT / "shapes"
ONTOLOGY = PROJECT / "ontology" / "segraph.ttl"
CASES_DIR = HERE / "cases"
REFERENCE = HERE / "reference.ttl"

EXPECT = re.compile(
    r"^#\s*expect(?P<warning>-warning)?\s*:\s*(?P<focus>\S+)\s*\|\s*(?P<path>\S+)\s*\|\s*"
    r"(?P<constraint>\w+)\s*$"
)

Key = tuple[str, str | None, str]  # (focus IRI, path IRI or None, constraint local name)


@functools.cache
def load_shapes() -> Graph:
    """Every shapes/*.ttl file, as the build loads them into the shapes graph."""
    graph = Graph()
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@functools.cache
def load_ontology() -> Graph | None:
    """ontology/segraph.ttl if it exists (it is written by others, possibly after these tests)."""
    if not ONTOLOGY.exists():
        return None
    return Graph().parse(ONTOLOGY, format="turtle")


@functools.cache
def load_reference() -> Graph:
    """The test reference graph, plus the ontology when it exists."""
    graph = Graph().parse(REFERENCE, format="turtle")
    ontology = load_ontology()
    if ontology is not None:
        graph += ontology
    return graph


def case_files(kind: str) -> list[Path]:
    """All case files of one kind ("pass" or "fail"), sorted by name."""
    return sorted(CASES_DIR.glob(f"*.{kind}.ttl"))


def constraint_name(iri: str | None) -> str:
    return (iri or "").removeprefix(str(SH))


@dataclass(frozen=True)
class Case:
    path: Path
    graph: Graph
    expected: frozenset[Key]
    expected_warnings: frozenset[Key]

    @property
    def kind(self) -> str:
        return self.path.name.rsplit(".", 2)[-2]


def _term(graph: Graph, text: str, line: str) -> str | None:
    if text == "-":
        return None
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    try:
        return str(graph.namespace_manager.expand_curie(text))
    except ValueError as exc:
        raise ValueError(f"cannot expand {text!r} in header line {line!r}: {exc}") from exc


@functools.cache
def parse_case(path: Path) -> Case:
    graph = Graph().parse(path, format="turtle")
    expected: set[Key] = set()
    warnings: set[Key] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#") or "expect" not in line:
            continue
        match = EXPECT.match(line)
        if match is None:
            raise ValueError(f"{path.name}: malformed expectation line {line!r}")
        key = (
            _term(graph, match["focus"], line) or "",
            _term(graph, match["path"], line),
            match["constraint"],
        )
        (warnings if match["warning"] else expected).add(key)
    return Case(path, graph, frozenset(expected), frozenset(warnings))


@functools.cache
def run_case(path: Path, engine: str = DEFAULT_ENGINE) -> Report:
    """Validate one case file against all shapes, with the reference graph mixed in."""
    case = parse_case(path)
    return validate_graph(case.graph, load_shapes(), reference=load_reference(), engine=engine)


def results(report: Report, severity: str) -> set[Key]:
    return {
        (v.focus, v.path, constraint_name(v.constraint))
        for v in report.violations
        if v.severity == severity
    }


def instances(graph: Graph, cls: URIRef) -> set[URIRef]:
    """SHACL instances of ``cls`` in ``graph``: rdf:type/rdfs:subClassOf*."""
    from rdflib.namespace import RDF, RDFS

    classes = set(graph.transitive_subjects(RDFS.subClassOf, cls))
    return {s for c in classes for s in graph.subjects(RDF.type, c) if isinstance(s, URIRef)}


def targets(shapes: Graph, shape: URIRef, data: Graph) -> set[URIRef]:
    """The focus nodes the node shape ``shape`` targets in ``data``."""
    nodes: set[URIRef] = set()
    for cls in shapes.objects(shape, SH.targetClass):
        nodes |= instances(data, cls)
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        nodes |= {s for s in data.subjects(prop, None) if isinstance(s, URIRef)}
    for node in shapes.objects(shape, SH.targetNode):
        nodes.add(node)
    return nodes
