"""``/id/…``: resource URIs that dereference, per "Cool URIs for the Semantic Web".

``https://w3id.org/segraph/id/X`` is served at ``/id/X`` on whatever host runs segraph. The
bare URI answers by content negotiation (RDF for machines, a page for browsers) with
``Vary: Accept`` and a ``Content-Location`` naming the document it sent; each document also has
its own URL per format (``/id/X.ttl``, ``.nt``, ``.jsonld``, ``.rdf``, ``.html``). An unknown
resource is a 404. RDF keeps the canonical URIs; the page links to this host.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request

from segraph.executor import QueryError, QueryRequest, QueryStopped
from segraph.formats import prefers_html
from segraph.namespaces import BASE, shorten
from segraph.web.errors import error_response, rate_limited

if TYPE_CHECKING:
    from segraph.web import Segraph

bp = Blueprint("resources", __name__)

DOCUMENTS = {  # extension -> media type
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "html": "text/html",
}
EXTENSION = {media_type: ext for ext, media_type in DOCUMENTS.items()}

DESCRIBE = """CONSTRUCT { ?s ?p ?o } WHERE {
  { BIND(<IRI> AS ?s) ?s ?p ?o } UNION { BIND(<IRI> AS ?o) ?s ?p ?o }
}"""
# Resource paths are written into the query text (pyoxigraph binds only variables a SELECT
# projects), so only characters that cannot end or escape an IRI are accepted.
SAFE_PATH = re.compile(r"[A-Za-z0-9._~%:@!$&'()*+,;=/-]+")
LABELS = """SELECT ?node ?p ?label WHERE {
  VALUES ?p { <http://www.w3.org/2004/02/skos/core#prefLabel>
              <http://www.w3.org/2000/01/rdf-schema#label> }
  ?node ?p ?label
}"""


def _describe(iri: str, media_type: str) -> bytes | Response:
    state = current_app.extensions["segraph"]
    refused = rate_limited(state)
    if refused is not None:
        return refused
    job = QueryRequest(query=DESCRIBE.replace("IRI", iri), media_type=media_type,
                       max_rows=int(state.settings["max_rows"]))
    try:
        answer = state.runner.run(job, float(state.settings["query_timeout"]))
    except QueryStopped as exc:
        return error_response(503, "Query Stopped", f"{exc}; try again in a moment.")
    except QueryError as exc:
        return error_response(500, "Internal Server Error", f"Describing {iri} failed: {exc}")
    if answer.rows == 0:
        return error_response(404, "Not Found",
                              f"There is no resource <{iri}> in this graph. Check the URI, or "
                              "search by name in the query editor.")
    return answer.body


def _negotiated_type() -> str | None:
    rdf = [t for t in DOCUMENTS.values() if t != "text/html"]
    if not request.headers.get("Accept"):
        return "text/turtle"
    if prefers_html(request.accept_mimetypes, rdf):
        return "text/html"
    return request.accept_mimetypes.best_match(rdf)


@bp.get("/id/<path:rest>")
def resource(rest: str) -> Response:
    stem, dot, ext = rest.rpartition(".")
    if dot and ext in DOCUMENTS and "/" not in ext:
        media_type, path = DOCUMENTS[ext], stem
    else:
        media_type, path = _negotiated_type(), rest
        if media_type is None:
            return error_response(
                406, "Not Acceptable",
                f"This resource is available as {', '.join(DOCUMENTS.values())}.")
    if not SAFE_PATH.fullmatch(path):
        return error_response(404, "Not Found", f"/id/{path} is not a segraph resource URI.")
    iri = f"{BASE}id/{path}"
    if media_type == "text/html":
        return _page(iri, path)
    body = _describe(iri, media_type)
    if isinstance(body, Response):
        return body
    response = Response(body, content_type=f"{media_type}; charset=utf-8")
    _document_headers(response, path, media_type)
    return response


def _document_headers(response: Response, path: str, media_type: str) -> None:
    response.vary.add("Accept")
    response.headers["Content-Location"] = f"/id/{path}.{EXTENSION[media_type]}"
    response.headers["Link"] = ", ".join(
        f'</id/{path}.{ext}>; rel="alternate"; type="{mt}"' for ext, mt in DOCUMENTS.items()
        if mt != media_type)


def _local(iri: str) -> str:
    """The link on this host for a segraph URI; other URIs stay as they are."""
    return "/" + iri[len(BASE):] if iri.startswith(BASE + "id/") else iri


def _page(iri: str, path: str) -> Response:
    body = _describe(iri, "application/n-triples")
    if isinstance(body, Response):
        return body
    triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
    state = current_app.extensions["segraph"]
    lang = "en" if request.accept_languages.best_match(["sv", "en"]) == "en" else "sv"
    lang = request.args.get("lang", lang) if request.args.get("lang") in ("sv", "en") else lang
    labels = _labels(state, {t.subject for t in triples} | {t.object for t in triples} |
                     {t.predicate for t in triples}, lang)

    def show(term: object) -> dict[str, str]:
        if isinstance(term, ox.NamedNode):
            text = labels.get(term.value) or (shorten(term.value) or term.value)
            return {"href": _local(term.value), "text": text}
        if isinstance(term, ox.Literal):
            text = term.value if len(term.value) <= 400 else term.value[:397] + "…"
            return {"text": text, "lang": term.language or ""}
        return {"text": str(term)}

    outgoing: dict[str, list] = {}
    incoming: dict[str, list] = {}
    for t in triples:
        if isinstance(t.subject, ox.NamedNode) and t.subject.value == iri:
            outgoing.setdefault(t.predicate.value, []).append(show(t.object))
        else:
            incoming.setdefault(t.predicate.value, []).append(show(t.subject))

    def grouped(links: dict[str, list]) -> list[dict]:
        return [{"property": show(ox.NamedNode(p)), "values": sorted(v, key=lambda x: x["text"])}
                for p, v in sorted(links.items(), key=lambda kv: labels.get(kv[0], kv[0]))]

    query = DESCRIBE.replace("IRI", iri)
    html = render_template(
        "resource.html", iri=iri, path=path, lang=lang,
        title=labels.get(iri) or (shorten(iri) or iri), outgoing=grouped(outgoing),
        incoming=grouped(incoming), formats=[(ext, mt) for ext, mt in DOCUMENTS.items()
                                             if ext != "html"],
        query=query)
    response = Response(html, content_type="text/html; charset=utf-8")
    _document_headers(response, path, "text/html")
    response.vary.add("Accept-Language")
    return response


def _labels(state: Segraph, nodes: set, lang: str) -> dict[str, str]:
    """The best label of each IRI: in ``lang``, else untagged, else any."""
    iris = sorted(n.value for n in nodes if isinstance(n, ox.NamedNode))
    if not iris:
        return {}
    values = " ".join(f"<{i}>" for i in iris)
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
