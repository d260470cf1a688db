"""``/ontology``, ``/shapes`` and ``/context.jsonld``: the vocabulary, documented and served.

``https://w3id.org/segraph/ontology`` (and so every term ``…/ontology#Term``) is served at
``/ontology``; the shapes at ``/shapes``. Each answers by content negotiation (HTML for
browsers; Turtle, N-Triples, JSON-LD and RDF/XML for programs) with ``Vary: Accept`` and a
``Content-Location`` naming the document sent, and each document has its own URL
(``/ontology.ttl``, ``.nt``, ``.jsonld``, ``.rdf``, ``.html``). The HTML has one section per
term (or shape) whose id is the term's local name, so ``/ontology#Municipality`` lands on
``seg:Municipality``; it is in the page language (:mod:`segraph.web.language`).

Everything comes from the served graph's named graphs ``graph/ontology`` and ``graph/shapes``
(the project files when the served graph has none) and is generated once per process and
dataset version. ``/context.jsonld`` is :func:`segraph.jsonld.context`.
"""

from __future__ import annotations

import functools
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request
from markupsafe import Markup
from rdflib import Graph
from rdflib.namespace import SH

from segraph import jsonld
from segraph.formats import DOCUMENTS, RDF_DOCUMENTS, RDFLIB_FORMATS
from segraph.namespaces import BASE, bind_prefixes, graph_iri, shorten
from segraph.vocab_docs import (
    CLASS_FACTS,
    PROPERTY_FACTS,
    OntologyDoc,
    ShapesDoc,
    ontology_doc,
    pick,
    shapes_doc,
)
from segraph.web.conditional import etag, not_modified
from segraph.web.documents import alternates, document_headers, negotiated_document
from segraph.web.errors import error_response
from segraph.web.language import page_language

if TYPE_CHECKING:
    from flask.blueprints import BlueprintSetupState

    from segraph.web import Segraph

bp = Blueprint("vocabulary", __name__)

JSONLD = "application/ld+json"


@bp.record_once
def _use_project(setup: BlueprintSetupState) -> None:
    """The JSON-LD context comes from the ontology of the application's project."""
    settings = setup.app.extensions["segraph"].settings
    jsonld.set_default_project(Path(settings["project_dir"]))


# --- the graphs and what is generated from them, once per process and dataset version ----------

@dataclass
class Vocabulary:
    version: str
    graphs: dict[str, Graph]  # "ontology" / "shapes" -> the graph
    source: str  # "store" or "files"
    rendered: dict[tuple[str, ...], bytes] = field(default_factory=dict)
    ontology: OntologyDoc | None = None
    shapes: ShapesDoc | None = None


_lock = threading.Lock()
_cache: dict[str, Vocabulary] = {}


def _graph_from_store(store: ox.Store, name: str) -> Graph:
    triples = (q.triple for q in store.quads_for_pattern(None, None, None,
                                                         ox.NamedNode(str(graph_iri(name)))))
    graph = bind_prefixes(Graph())
    for triple in jsonld.as_rdflib(triples):
        graph.add(triple)
    return graph


def _graphs_from_files(project: Path) -> dict[str, Graph]:
    from segraph.sources import convert, load_manifest

    graphs = {}
    for source in load_manifest(project):
        if source.name in ("ontology", "shapes"):
            graphs[source.name] = bind_prefixes(Graph()) + convert(source)
    return graphs


def vocabulary(state: Segraph) -> Vocabulary:
    """The ontology and shapes graphs this server serves (cached per dataset version)."""
    project = Path(state.settings["project_dir"]).resolve()
    key = f"{state.graph.version}\x00{project}"
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            return cached
        graphs = {name: _graph_from_store(state.graph.store, name)
                  for name in ("ontology", "shapes")}
        source = "store"
        if not len(graphs["ontology"]):
            graphs = _graphs_from_files(project)
            source = "files"
        for name in ("ontology", "shapes"):
            graphs.setdefault(name, bind_prefixes(Graph()))
        found = Vocabulary(version=state.graph.version, graphs=graphs, source=source)
        _cache.clear()
        _cache[key] = found
        return found


def _docs(vocab: Vocabulary) -> tuple[OntologyDoc, ShapesDoc]:
    with _lock:
        if vocab.ontology is None or vocab.shapes is None:
            vocab.shapes = shapes_doc(vocab.graphs["shapes"])
            vocab.ontology = ontology_doc(vocab.graphs["ontology"], vocab.graphs["shapes"])
        return vocab.ontology, vocab.shapes


# --- turning IRIs into links -------------------------------------------------------------------

class Links:
    """Links and labels for one page in one language."""

    def __init__(self, page: str, lang: str, labels: dict[str, Any]) -> None:
        self.page, self.lang, self.labels = page, lang, labels

    def href(self, iri: str) -> str:
        if not iri.startswith(BASE):
            return iri
        rest = iri[len(BASE):]
        document, hash_, fragment = rest.partition("#")
        if hash_ and document == self.page:
            return f"#{fragment}"
        return "/" + rest

    def label(self, iri: str) -> str:
        texts = self.labels.get(iri)
        return pick(texts, self.lang) if texts else (shorten(iri) or iri)

    def code(self, value: Any) -> Markup:
        """An IRI as its compact form in ``<code>`` (a shape's path); else as ``__call__``."""
        if isinstance(value, str):
            return Markup('<a href="{}"><code>{}</code></a>').format(
                self.href(value), shorten(value) or value)
        return self(value)

    def __call__(self, value: Any) -> Markup:
        """An IRI or an expression (see :func:`segraph.vocab_docs.expression`) as HTML."""
        if isinstance(value, str):
            if value in self.labels:
                return Markup('<a href="{}" title="{}">{}</a>').format(
                    self.href(value), shorten(value) or value, self.label(value))
            return Markup('<a href="{}"><code>{}</code></a>').format(
                self.href(value), shorten(value) or value)
        op, items = value["op"], [self(item) for item in value.get("items", [])]
        if op == "literal":
            return Markup("<code>{}</code>").format(value["value"])
        joiner = {"or": " ∪ ", "and": " ∩ ", "chain": " ∘ ", "sequence": " / ",
                  "alternative": " | "}.get(op)
        if joiner:
            return Markup("(") + Markup(joiner).join(items) + Markup(")")
        if op in ("*", "+", "?"):
            return items[0] + Markup(op)
        if op == "inverse":
            return Markup("^") + items[0]
        if op == "blank":
            return Markup("<em>[…]</em>")
        return Markup("{} ({})").format(op, Markup(", ").join(items))


# --- the words on the pages --------------------------------------------------------------------

TEXT: dict[str, dict[str, str]] = {
    "sv": {
        "switch": "English", "overview": "Översikt", "contents": "Innehåll",
        "class": "Klasser", "object": "Objektegenskaper", "datatype": "Dataegenskaper",
        "annotation": "Annoteringsegenskaper", "hierarchy": "Klasshierarki",
        "one_class": "Klass", "one_object": "Objektegenskap", "one_datatype": "Dataegenskap",
        "one_annotation": "Annoteringsegenskap",
        "superclasses": "Överklasser", "subclasses": "Underklasser",
        "equivalents": "Ekvivalent med", "disjoint": "Disjunkt med",
        "domain_of": "Domän för", "range_of": "Värdemängd för", "see_also": "Se även",
        "domain": "Domän", "range": "Värdemängd", "superproperties": "Överegenskaper",
        "subproperties": "Underegenskaper", "inverse": "Invers till",
        "chain": "Egenskapskedja", "characteristics": "Kännetecken",
        "shapes": "Begränsas av former", "alt_labels": "Andra namn", "notes": "Användning",
        "iri": "IRI", "version": "Version", "version_iri": "Versions-IRI",
        "created": "Skapad", "creator": "Upphov", "license": "Licens", "prefix": "Prefix",
        "namespace": "Namnrymd", "imports": "Importer",
        "no_imports": "Inga: externa vokabulär anpassas med rdfs:subClassOf och "
                      "rdfs:subPropertyOf och importeras inte.",
        "vocabularies": "Anpassade vokabulär", "terms_used": "termer som används",
        "as_rdf": "Samma dokument som RDF:", "context": "JSON-LD-kontext",
        "shapes_doc": "SHACL-former", "ontology_doc": "Ontologi",
        "other_language": "På engelska", "terms": "termer",
        "node_shapes": "Nodformer", "property_shapes": "Egenskapsformer",
        "shared": "Delade egenskapsformer",
        "shared_note": "Egenskapsformer som flera nodformer använder beskrivs en gång här.",
        "sparql": "SPARQL-villkor", "targets": "Gäller", "shape": "Form", "path": "Väg",
        "count": "Antal", "constraints": "Villkor", "severity": "Allvarlighet",
        "message": "Meddelande", "used_by": "Används av", "see_below": "se nedan",
        "values": "värden", "targetClass": "instanser av", "targetSubjectsOf": "subjekt för",
        "targetObjectsOf": "objekt för", "targetNode": "noden",
        "Violation": "fel", "Warning": "varning", "Info": "information",
        "generated": "Sidan är genererad från",
        "from_store": "grafen som tjänsten serverar", "from_files": "projektets filer",
    },
    "en": {
        "switch": "Svenska", "overview": "Overview", "contents": "Contents",
        "class": "Classes", "object": "Object properties", "datatype": "Datatype properties",
        "annotation": "Annotation properties", "hierarchy": "Class hierarchy",
        "one_class": "Class", "one_object": "Object property", "one_datatype": "Datatype property",
        "one_annotation": "Annotation property",
        "superclasses": "Superclasses", "subclasses": "Subclasses",
        "equivalents": "Equivalent to", "disjoint": "Disjoint with",
        "domain_of": "Domain of", "range_of": "Range of", "see_also": "See also",
        "domain": "Domain", "range": "Range", "superproperties": "Superproperties",
        "subproperties": "Subproperties", "inverse": "Inverse of",
        "chain": "Property chain", "characteristics": "Characteristics",
        "shapes": "Constrained by shapes", "alt_labels": "Also called", "notes": "Scope note",
        "iri": "IRI", "version": "Version", "version_iri": "Version IRI",
        "created": "Created", "creator": "Creator", "license": "Licence", "prefix": "Prefix",
        "namespace": "Namespace", "imports": "Imports",
        "no_imports": "None: external vocabularies are aligned with rdfs:subClassOf and "
                      "rdfs:subPropertyOf, not imported.",
        "vocabularies": "Aligned vocabularies", "terms_used": "terms used",
        "as_rdf": "The same document as RDF:", "context": "JSON-LD context",
        "shapes_doc": "SHACL shapes", "ontology_doc": "Ontology",
        "other_language": "In Swedish", "terms": "terms",
        "node_shapes": "Node shapes", "property_shapes": "Property shapes",
        "shared": "Shared property shapes",
        "shared_note": "Property shapes that several node shapes use are described once here.",
        "sparql": "SPARQL constraints", "targets": "Applies to", "shape": "Shape",
        "path": "Path", "count": "Count", "constraints": "Constraints",
        "severity": "Severity", "message": "Message", "used_by": "Used by",
        "see_below": "see below", "values": "values", "targetClass": "instances of",
        "targetSubjectsOf": "subjects of", "targetObjectsOf": "objects of",
        "targetNode": "the node", "Violation": "violation", "Warning": "warning",
        "Info": "info", "generated": "This page is generated from",
        "from_store": "the graph this service serves", "from_files": "the project's files",
    },
}


# --- answering -----------------------------------------------------------------------------------

def _rdf(vocab: Vocabulary, name: str, media_type: str) -> bytes:
    key = (name, media_type, request.host_url if media_type == JSONLD else "")
    with _lock:
        body = vocab.rendered.get(key)
    if body is None:
        graph = vocab.graphs[name]
        if media_type == JSONLD:
            body = jsonld.to_jsonld(graph, context_url=request.host_url + "context.jsonld")
        elif media_type == "application/n-triples":
            lines = graph.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)
            body = b"".join(sorted(line for line in lines if line.strip()))
        else:
            body = graph.serialize(format=RDFLIB_FORMATS[media_type], encoding="utf-8")
        with _lock:
            vocab.rendered[key] = body
    return body


def _html(vocab: Vocabulary, name: str, lang: str) -> bytes:
    key = (name, "text/html", lang)
    with _lock:
        body = vocab.rendered.get(key)
    if body is not None:
        return body
    ontology, shapes = _docs(vocab)
    links = Links(name, lang, ontology.labels)
    common = {"lang": lang, "t": TEXT[lang], "link": links, "pick": pick,
              "formats": list(RDF_DOCUMENTS.items()), "name": name, "source": vocab.source,
              "shorten": shorten, "alternates": alternates(f"/{name}", "text/html")}
    if name == "ontology":
        html = render_template("ontology.html", doc=ontology, shapes=shapes,
                               class_facts=CLASS_FACTS, property_facts=PROPERTY_FACTS,
                               **common)
    else:
        html = render_template("shapes.html", doc=shapes, sh=str(SH), **common)
    body = html.encode()
    with _lock:
        vocab.rendered[key] = body
    return body


def _document(name: str, media_type: str) -> Response:
    state: Segraph = current_app.extensions["segraph"]
    vocab = vocabulary(state)
    if name == "shapes" and not len(vocab.graphs["shapes"]):
        return error_response(404, "Not Found", "This service has no SHACL shapes.")
    lang = page_language()[0] if media_type == "text/html" else ""
    host = request.host_url if media_type == JSONLD else ""
    tag = etag(vocab.version, name, media_type, lang, host)
    cached = not_modified(tag)
    if cached is None:
        body = _html(vocab, name, lang) if media_type == "text/html" else \
            _rdf(vocab, name, media_type)
        response = Response(body, content_type=f"{media_type}; charset=utf-8")
        response.set_etag(tag)
    else:
        response = cached
    document_headers(response, f"/{name}", media_type)
    response.headers["Cache-Control"] = "public, max-age=300"
    if lang:
        response.headers["Content-Language"] = lang
    return response


@bp.get("/<any(ontology, shapes):name>")
def negotiated(name: str) -> Response:
    media_type = negotiated_document()
    if media_type is None:
        return error_response(406, "Not Acceptable",
                              f"/{name} is available as {', '.join(DOCUMENTS.values())}; "
                              f"or ask for /{name}.ttl, .nt, .jsonld, .rdf or .html.")
    return _document(name, media_type)


@bp.get("/<any(ontology, shapes):name>.<any(ttl, nt, jsonld, rdf, html):ext>")
def document(name: str, ext: str) -> Response:
    return _document(name, DOCUMENTS[ext])


@bp.get("/ontology/<version>")
def version(version: str) -> Response:
    """The version IRI (``owl:versionIRI``) of the served ontology: 303 to the ontology."""
    state: Segraph = current_app.extensions["segraph"]
    ontology, _ = _docs(vocabulary(state))
    if ontology.version_iri != f"{BASE}ontology/{version}":
        return error_response(404, "Not Found",
                              f"This service serves ontology version {ontology.version or '?'}"
                              f" ({ontology.version_iri or 'no version IRI'}); /ontology is it.")
    response = Response(status=303)
    response.headers["Location"] = "/ontology"
    return response


@functools.cache
def _context_document() -> tuple[bytes, str]:
    body = json.dumps({"@context": jsonld.context()}, ensure_ascii=False, indent=1).encode()
    return body, etag(body.decode())


@bp.get("/context.jsonld")
def context() -> Response:
    """The JSON-LD context of the vocabulary (application/ld+json)."""
    body, tag = _context_document()
    cached = not_modified(tag)
    if cached is not None:
        return cached
    response = Response(body, content_type="application/ld+json; charset=utf-8")
    response.set_etag(tag)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
