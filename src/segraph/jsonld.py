"""The JSON-LD context of the segraph vocabulary, and compacted JSON-LD written with it.

:func:`context` is generated from the ontology (the ``ontology`` graph of ``data/graphs.toml``):
every ``seg:`` class is a short term (``"Municipality"``), every object property a term whose
values are IRIs (``"inCounty": {"@id": "seg:inCounty", "@type": "@id"}``), every datatype property
a term typed with its XSD range (``xsd:string`` and ``rdfs:Literal`` ranges stay plain strings),
the language-tagged texts (``label``, ``comment``, ``prefLabel`` …) language maps
(``"label": {"sv": "kommun", "en": "municipality"}``), plus the project's prefixes. The context is
served at ``/context.jsonld``.

:func:`to_jsonld` writes triples or quads as compacted JSON-LD with that context, either inline
or by reference to its URL; quads in named graphs become one ``@graph`` per graph. Values the
context cannot shorten (a value of another datatype, an untagged label) keep a compact IRI key,
so parsing the output with the context gives back exactly the triples that went in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, XSD
from rdflib.plugins.serializers.jsonld import Converter
from rdflib.plugins.shared.jsonld.context import Context
from rdflib.term import Node

from segraph.namespaces import PREFIXES, SEG, shorten

SOURCE_ROOT = Path(__file__).resolve().parents[2]  # the repository, in a source checkout

# Language-tagged texts, written as language maps: term -> property.
TEXTS: dict[str, str] = {
    "label": str(RDFS.label),
    "comment": str(RDFS.comment),
    "prefLabel": str(SKOS.prefLabel),
    "altLabel": str(SKOS.altLabel),
    "definition": str(SKOS.definition),
    "scopeNote": str(SKOS.scopeNote),
    "note": str(SKOS.note),
    "title": str(DCTERMS.title),
    "description": str(DCTERMS.description),
    "message": str(SH.message),
}
# Ranges written as plain JSON strings (no "@type" coercion).
PLAIN_RANGES = {str(XSD.string), str(RDFS.Literal), str(RDF.PlainLiteral), str(RDF.langString)}

_default_project: Path | None = None


def set_default_project(project: Path) -> None:
    """Use the ontology under ``project`` when :func:`context` is called without one (the web
    application calls this with its ``project_dir``)."""
    global _default_project
    _default_project = project.resolve()


def _project() -> Path:
    if _default_project is not None:
        return _default_project
    from segraph.settings import Paths, load_settings

    configured = Paths.from_settings(load_settings()).project
    from segraph.sources import MANIFEST

    return configured if (configured / MANIFEST).is_file() else SOURCE_ROOT


def ontology_graph(project: Path) -> Graph:
    """The ontology as the build reads it: the ``ontology`` source of the project's manifest."""
    from segraph.sources import convert, load_manifest

    for source in load_manifest(project):
        if source.name == "ontology":
            return convert(source)
    raise LookupError(f"{project}: data/graphs.toml has no graph named 'ontology'")


def context(project: Path | None = None) -> dict[str, Any]:
    """The JSON-LD context (the object under ``"@context"``) for the ontology of ``project``
    (default: the configured project). Cached; do not modify the returned dict."""
    return _context((project or _project()).resolve())


@cache
def _context(project: Path) -> dict[str, Any]:
    return build_context(ontology_graph(project))


def build_context(ontology: Graph) -> dict[str, Any]:
    """The context for ``ontology``: JSON-LD 1.1 keywords, the prefixes, the language maps, then
    every ``seg:`` class, object property and datatype property by local name."""
    terms: dict[str, Any] = {"@version": 1.1}
    terms.update({prefix: str(ns) for prefix, ns in PREFIXES.items()})
    for term, iri in TEXTS.items():
        terms[term] = {"@id": _compact(iri), "@container": "@language"}

    def local(iri: Node) -> str | None:
        text = str(iri)
        return text[len(str(SEG)):] if isinstance(iri, URIRef) and text.startswith(
            str(SEG)) and len(text) > len(str(SEG)) else None

    kinds: dict[str, str] = {}
    for kind, rdf_type in (("class", OWL.Class), ("class", RDFS.Class),
                           ("object", OWL.ObjectProperty), ("datatype", OWL.DatatypeProperty),
                           ("other", RDF.Property), ("other", OWL.AnnotationProperty)):
        for subject in ontology.subjects(RDF.type, rdf_type):
            name = local(subject)
            if name is not None:
                kinds.setdefault(name, kind)
    for name in sorted(kinds, key=lambda n: (n[0].islower(), n)):
        iri = str(SEG[name])
        compact = f"seg:{name}"
        if name in terms:
            raise ValueError(f"seg:{name} clashes with the context term {name!r}")
        kind = kinds[name]
        if kind == "class":
            terms[name] = compact
        elif kind == "object":
            terms[name] = {"@id": compact, "@type": "@id"}
        elif kind == "datatype":
            ranges = sorted(str(r) for r in ontology.objects(URIRef(iri), RDFS.range))
            typed = [r for r in ranges if r not in PLAIN_RANGES]
            terms[name] = ({"@id": compact, "@type": _compact(typed[0])}
                           if len(ranges) == 1 and typed else {"@id": compact})
        else:
            terms[name] = {"@id": compact}
    return terms


def _compact(iri: str) -> str:
    return shorten(iri) or iri


# --- writing -----------------------------------------------------------------------------------

def _term(term: Any) -> Node:
    """An rdflib term for a pyoxigraph or rdflib term (simple literals lose ``xsd:string``, as
    rdflib's parsers do)."""
    if isinstance(term, Node):
        return term
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == str(XSD.string) else datatype)
    raise TypeError(f"cannot write {term!r} as JSON-LD")


def as_rdflib(statements: Graph | Iterable[Any]) -> Graph:
    """An rdflib graph (a :class:`Dataset` when any statement is in a named graph) holding
    ``statements``: an rdflib graph, pyoxigraph triples or quads, or rdflib 3- or 4-tuples."""
    if isinstance(statements, Graph):
        return statements
    default: list[tuple[Node, Node, Node]] = []
    named: list[tuple[Node, Node, Node, Node]] = []
    for statement in statements:
        if isinstance(statement, ox.Quad):
            parts = (statement.subject, statement.predicate, statement.object)
            graph = statement.graph_name
            name = None if isinstance(graph, ox.DefaultGraph) else graph
        elif isinstance(statement, ox.Triple):
            parts, name = (statement.subject, statement.predicate, statement.object), None
        else:
            parts, name = tuple(statement[:3]), (statement[3] if len(statement) > 3 else None)
            if isinstance(name, Graph):
                name = name.identifier
        s, p, o = (_term(t) for t in parts)
        if name is None:
            default.append((s, p, o))
        else:
            named.append((s, p, o, _term(name)))
    if not named:
        graph = Graph()
        for triple in default:
            graph.add(triple)
        return graph
    dataset = Dataset()
    for triple in default:
        dataset.add(triple)
    for quad in named:
        dataset.add(quad)
    return dataset


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _ordered(value: Any, key: str = "") -> Any:
    """The same JSON with keys ``@id``/``@type`` first then sorted, and every array but an
    ``@list`` sorted, so that the same triples always give the same bytes."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: (k not in ("@id", "@type"), k != "@id", k))
        return {k: _ordered(value[k], k) for k in keys}
    if isinstance(value, list):
        items = [_ordered(v) for v in value]
        return items if key == "@list" else sorted(items, key=_canonical)
    return value


class _Graphs:
    """A :class:`Dataset` as rdflib's JSON-LD writer reads one: it asks for ``contexts()`` and
    ``default_context``, which Dataset deprecates (rdflib 7) for ``graphs()`` and
    ``default_graph``; this gives it those under the old names."""

    context_aware = True

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset

    def contexts(self) -> Iterable[Graph]:
        return self.dataset.graphs()

    @property
    def default_context(self) -> Graph:
        return self.dataset.default_graph


class _Converter(Converter):
    """rdflib's JSON-LD writer, changed so that nothing is lost or rewritten: literals keep
    their lexical form (no native JSON numbers or booleans), and a blank node (or a list) that
    is the value of an ``"@type": "@id"`` term is written out, not just named; a list that
    several statements share is written as its ``rdf:first``/``rdf:rest`` nodes (an ``@list``
    would make one copy per statement)."""

    def __init__(self, active: Context) -> None:
        super().__init__(active, use_native_types=False, use_rdf_type=False)
        self.use_native_types = False

    def convert(self, graph: Graph) -> Any:
        if isinstance(graph, Dataset):  # read through Dataset's own, undeprecated names
            return super().convert(_Graphs(graph))  # type: ignore[arg-type]
        return super().convert(graph)

    def to_collection(self, graph: Graph, l_: Any) -> Any:
        if isinstance(l_, BNode) and len(set(graph.subject_predicates(l_))) > 1:
            return None  # a list shared by several statements is written node by node
        return super().to_collection(graph, l_)

    def type_coerce(self, o: Any, coerce_type: str) -> Any:
        if isinstance(o, BNode):
            return None  # to_raw_value writes the node (or the list) and refers to it
        return super().type_coerce(o, coerce_type)


@cache
def _active_context(project: Path) -> Context:
    return Context(_context(project))


def to_jsonld(statements: Graph | Iterable[Any], *, context_url: str | None,
              indent: int | None = 2, project: Path | None = None) -> bytes:
    """Compacted JSON-LD (UTF-8) for ``statements`` (see :func:`as_rdflib`), using
    :func:`context`. ``"@context"`` is ``context_url`` when given (a client fetches the context
    from there), else the context itself, inline."""
    where = (project or _project()).resolve()
    active = _context(where)
    body = _Converter(_active_context(where)).convert(as_rdflib(statements))
    if isinstance(body, list):
        body = {"@graph": body}
    body.pop("@context", None)
    document = {"@context": context_url or active, **_ordered(body)}
    if "@graph" not in document and len(document) == 1:  # no statements at all
        document["@graph"] = []
    return json.dumps(document, ensure_ascii=False, indent=indent).encode()
