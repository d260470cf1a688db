"""``/id/…``: resource URIs that dereference, per "Cool URIs for the Semantic Web".

``{base_uri}id/X`` (``https://w3id.org/segraph/id/X`` unless the ``base_uri`` setting says
otherwise) is served at ``/id/X`` on whatever host runs segraph. The bare URI answers by content
negotiation (RDF for machines, a page for browsers) with ``Vary: Accept`` and a
``Content-Location`` naming the document it sent; each document also has its own URL per format
(``/id/X.ttl``, ``.nt``, ``.jsonld``, ``.rdf``, ``.html``). An unknown resource is a 404; a
retired one (``owl:deprecated true``) is a 410, or a 301 to its ``dcterms:isReplacedBy``. RDF
keeps the canonical URIs; pages link to this host.

Pages show labels in the page language (:mod:`segraph.web.language`: ``?lang=``, kept in a
cookie, else Accept-Language, else Swedish), the resource's links grouped by property, and for
the kinds in :mod:`segraph.web.pages` an overview with a map from :mod:`segraph.web.maps`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, redirect, render_template, request

from segraph.catalogue import site
from segraph.executor import QueryError, QueryRequest, QueryStopped
from segraph.formats import DOCUMENTS, RDF_DOCUMENTS
from segraph.jsonld import to_jsonld
from segraph.namespaces import shorten
from segraph.web import maps, pages
from segraph.web.conditional import answered_before_work, etag
from segraph.web.documents import Linker, document_headers, negotiated_document
from segraph.web.errors import error_response
from segraph.web.language import page_language

if TYPE_CHECKING:
    from segraph.web import Segraph

bp = Blueprint("resources", __name__)

JSONLD, JSONLD_VIA = "application/ld+json", "application/n-triples"

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DEPRECATED = "http://www.w3.org/2002/07/owl#deprecated"
REPLACED_BY = "http://purl.org/dc/terms/isReplacedBy"
IS_EXAMPLE = "https://w3id.org/segraph/ontology#isExample"

DESCRIBE = """CONSTRUCT { ?s ?p ?o } WHERE {
  { BIND(<IRI> AS ?s) ?s ?p ?o } UNION { BIND(<IRI> AS ?o) ?s ?p ?o }
}"""
# Resource paths are written into the CONSTRUCT text (pyoxigraph substitutes only variables a
# SELECT projects), so only characters that cannot end or escape an IRI are accepted.
SAFE_PATH = re.compile(r"[A-Za-z0-9._~%:@!$&'()*+,;=/-]+")
LABELS = """SELECT ?node ?p ?label WHERE {
  VALUES ?p { <http://www.w3.org/2004/02/skos/core#prefLabel>
              <http://www.w3.org/2000/01/rdf-schema#label> }
  ?node ?p ?label
}"""
RETIRED = f"""SELECT ?this ?deprecated ?replacement WHERE {{
  OPTIONAL {{ ?this <{DEPRECATED}> ?deprecated }}
  OPTIONAL {{ ?this <{REPLACED_BY}> ?replacement }}
}}"""
SDG_NUMBERED = re.compile(r"id/sdg/(goal|target|indicator)/([0-9A-Za-z.]+)$")


def _run(state: Segraph, job: QueryRequest) -> bytes | Response:
    try:
        return state.runner.run(job, float(state.settings["query_timeout"])).body
    except QueryStopped as exc:
        return error_response(503, "Query Stopped", f"{exc}; try again in a moment.")
    except QueryError as exc:
        return error_response(500, "Internal Server Error", f"The query failed: {exc}")


def _describe(state: Segraph, iri: str, media_type: str) -> bytes | Response:
    job = QueryRequest(query=DESCRIBE.replace("IRI", iri), media_type=media_type,
                       max_rows=int(state.settings["max_rows"]))
    try:
        answer = state.runner.run(job, float(state.settings["query_timeout"]))
    except QueryStopped as exc:
        return error_response(503, "Query Stopped", f"{exc}; try again in a moment.")
    except QueryError as exc:
        return error_response(500, "Internal Server Error", f"Describing {iri} failed: {exc}")
    if answer.rows == 0:
        return _not_found(iri)
    return answer.body


def _not_found(iri: str) -> Response:
    return error_response(404, "Not Found",
                          f"There is no resource <{iri}> in this graph. Check the URI, or "
                          "search by name in the query editor.")


def _retirement(state: Segraph, iri: str) -> tuple[bool, str | None] | Response:
    """(whether ``iri`` is ``owl:deprecated true``, its ``dcterms:isReplacedBy`` if any)."""
    body = _run(state, QueryRequest(query=RETIRED, media_type="application/sparql-results+json",
                                    substitutions={"this": ox.NamedNode(iri)}))
    if isinstance(body, Response):
        return body
    rows = json.loads(body)["results"]["bindings"]
    deprecated = any(r.get("deprecated", {}).get("value") in ("true", "1") for r in rows)
    replacement = next((r["replacement"]["value"] for r in rows
                        if r.get("replacement", {}).get("type") == "uri"), None)
    return deprecated, replacement


@bp.get("/id/<path:rest>")
def resource(rest: str) -> Response:
    state = current_app.extensions["segraph"]
    stem, dot, ext = rest.rpartition(".")
    explicit = bool(dot and ext in DOCUMENTS and "/" not in ext)
    if explicit:
        media_type, path = DOCUMENTS[ext], stem
    else:
        media_type, path = negotiated_document(), rest
        if media_type is None:
            return error_response(
                406, "Not Acceptable",
                f"This resource is available as {', '.join(DOCUMENTS.values())}.")
    if not SAFE_PATH.fullmatch(path):
        return error_response(404, "Not Found", f"/id/{path} is not a segraph resource URI.")
    lang = page_language()[0] if media_type == "text/html" else ""
    tag = etag(state.graph.version, site(state.settings), path, media_type, lang,
               request.host_url if media_type == JSONLD else "")
    early = answered_before_work(state, tag, "Accept")
    if early is not None:
        return early
    iri = f"{site(state.settings)}id/{path}"
    if media_type == "text/html":
        response = _page(state, iri, path, lang, explicit)
    else:
        retired = _retirement(state, iri)
        if isinstance(retired, Response):
            return retired
        deprecated, replacement = retired
        if deprecated:
            return _gone(iri, replacement, ext if explicit else None)
        body = _describe(state, iri, JSONLD_VIA if media_type == JSONLD else media_type)
        if isinstance(body, Response):
            return body
        if media_type == JSONLD:  # compacted with the vocabulary's context, by reference
            body = to_jsonld(ox.parse(body, format=ox.RdfFormat.N_TRIPLES),
                             context_url=request.host_url + "context.jsonld")
        response = Response(body, content_type=f"{media_type}; charset=utf-8")
        document_headers(response, f"/id/{path}", media_type)
    if response.status_code == 200:
        response.set_etag(tag)
    return response


def _gone(iri: str, replacement: str | None, ext: str | None) -> Response:
    """301 to the resource that replaces a retired one, else 410 Gone."""
    if replacement:
        target = Linker()(replacement)
        if ext and target.startswith("/id/"):
            target += f".{ext}"
        if request.query_string:
            target += "?" + request.query_string.decode("latin-1")
        response = redirect(target, code=301)
        response.vary.add("Accept")
        return response
    return error_response(410, "Gone", f"<{iri}> is retired (owl:deprecated) and has no "
                                        "replacement; it is kept so that old links say so.")


def _shower(labels: dict[str, str], link: Callable[[str], str], lang: str
            ) -> Callable[[object], dict[str, str]]:
    """A function that turns a term (pyoxigraph, or a SPARQL JSON cell) into what a page shows:
    ``{"href", "text", "iri"}`` for an IRI, ``{"text", "lang"}`` for a literal."""

    def named(iri: str) -> dict[str, str]:
        text = labels.get(iri)
        numbered = SDG_NUMBERED.search(iri)
        if text and numbered:
            word = {"goal": "Mål" if lang == "sv" else "Goal"}.get(numbered.group(1))
            text = f"{word} {numbered.group(2)}: {text}" if word else \
                f"{numbered.group(2)} {text}"
        return {"href": link(iri), "text": text or shorten(iri) or iri, "iri": iri}

    def show(term: object) -> dict[str, str]:
        if isinstance(term, dict):  # a SPARQL JSON cell
            if term["type"] == "uri":
                return named(term["value"])
            return {"text": term["value"], "lang": term.get("xml:lang", "")}
        if isinstance(term, ox.NamedNode):
            return named(term.value)
        if isinstance(term, ox.Literal):
            text = term.value if len(term.value) <= 400 else term.value[:397] + "…"
            return {"text": text, "lang": term.language or ""}
        return {"text": str(term)}

    return show


def _page(state: Segraph, iri: str, path: str, lang: str, explicit: bool) -> Response:
    body = _describe(state, iri, "application/n-triples")
    if isinstance(body, Response):
        return body
    triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
    this = ox.NamedNode(iri)
    own = [t for t in triples if t.subject == this]
    deprecated = any(t.predicate.value == DEPRECATED and t.object.value in ("true", "1")
                     for t in own)
    replacement = next((t.object.value for t in own if t.predicate.value == REPLACED_BY
                        and isinstance(t.object, ox.NamedNode)), None)
    if deprecated and replacement:
        return _gone(iri, replacement, "html" if explicit else None)
    types = {t.object.value for t in own if t.predicate.value == RDF_TYPE}
    kind = pages.kind_of(types)
    try:
        rows = pages.rows_for(state, kind, iri) if kind else []
    except (QueryStopped, QueryError):
        rows = []  # the page still shows the resource's own links
    link = Linker()
    nodes = {n.value for t in triples for n in (t.subject, t.predicate, t.object)
             if isinstance(n, ox.NamedNode)}
    labels = _labels(state, nodes | pages.iris_in(rows), lang)
    show = _shower(labels, link, lang)

    outgoing: dict[str, list] = {}
    incoming: dict[str, list] = {}
    for t in triples:
        if t.subject == this:
            outgoing.setdefault(t.predicate.value, []).append(show(t.object))
        else:
            incoming.setdefault(t.predicate.value, []).append(show(t.subject))

    def grouped(links: dict[str, list]) -> list[dict]:
        return [{"property": show(ox.NamedNode(p)), "values": sorted(v, key=lambda x: x["text"])}
                for p, v in sorted(links.items(), key=lambda kv: labels.get(kv[0], kv[0]))]

    found = pages.sections(rows, show, lang)
    facts = _facts(own, lang)
    drawn, legend = None, []
    if kind in pages.MAPS:
        marks = pages.marked_areas(kind, iri, found)
        legend = [entry for entry in pages.MAPS[kind][2] if entry[0] in marks.values()]
        if marks:
            try:
                base = maps.layer(state, pages.MAPS[kind][0])
                drawn = maps.drawing(base, lang, link, marks)
            except (QueryStopped, QueryError):
                drawn = None
    html = render_template(
        "resource.html", iri=iri, path=path, lang=lang, kind=kind,
        title=show(this)["text"],
        types=sorted((show(ox.NamedNode(t)) for t in types if t in labels),
                     key=lambda x: x["text"]),
        outgoing=grouped(outgoing), incoming=grouped(incoming), sections=found,
        facts=facts, map=drawn, legend=legend, retired=deprecated,
        example=facts.get("seg:isExample") in ("true", "1"),
        formats=list(RDF_DOCUMENTS.items()),
        query=DESCRIBE.replace("IRI", iri),
        overview_query=pages.query_text(kind, iri) if kind else None)
    response = Response(html, status=410 if deprecated else 200,
                        content_type="text/html; charset=utf-8")
    document_headers(response, f"/id/{path}", "text/html")
    return response


def _facts(own: list[ox.Triple], lang: str) -> dict[str, str]:
    """The resource's literal values by short property name, in ``lang`` where there is a
    choice (``seg:year`` -> ``2022``)."""
    best: dict[str, tuple[int, str]] = {}
    for t in own:
        if isinstance(t.object, ox.Literal):
            name = shorten(t.predicate.value) or t.predicate.value
            rank = {lang: 0, "": 1}.get(t.object.language or "", 2)
            if name not in best or rank < best[name][0]:
                best[name] = (rank, t.object.value)
    return {name: value for name, (_, value) in best.items()}


def _labels(state: Segraph, iris: set[str], lang: str) -> dict[str, str]:
    """The best label of each IRI: in ``lang``, else untagged, else any."""
    if not iris:
        return {}
    values = " ".join(f"<{i}>" for i in sorted(iris))
    query = LABELS.replace("VALUES ?p", f"VALUES ?node {{ {values} }}\n  VALUES ?p")
    job = QueryRequest(query=query, media_type="application/sparql-results+json", max_rows=0)
    try:
        answer = state.runner.run(job, float(state.settings["query_timeout"]))
    except (QueryStopped, QueryError):
        return {}
    best: dict[str, tuple[int, str]] = {}
    for row in json.loads(answer.body)["results"]["bindings"]:
        label = row["label"]
        rank = {lang: 0, "": 1}.get(label.get("xml:lang", ""), 2)
        node = row["node"]["value"]
        if node not in best or rank < best[node][0]:
            best[node] = (rank, label["value"])
    return {node: text for node, (_, text) in best.items()}


@bp.app_template_filter("sek")
def sek(value: str, lang: str = "sv") -> str:
    """An amount in kronor, grouped the way each language writes it."""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError):
        return str(value)
    whole = f"{amount:,.0f}"
    return whole.replace(",", "\u00a0") + "\u00a0kr" if lang == "sv" else f"SEK {whole}"
