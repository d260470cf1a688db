"""Linked-data documents: which one a bare URI answers with, the headers that name it and its
alternates, and the link on this host for an IRI this host serves.

A resource (``/id/X``, ``/ontology``, ``/catalog`` …) has one document per format of
:data:`segraph.formats.DOCUMENTS`, each at its own URL: ``/id/X.ttl`` (an extension) or
``/catalog?format=ttl`` (a parameter). The bare URI answers by content negotiation, and says
which document it sent (``Content-Location``) and where the others are (``Link``).
"""

from __future__ import annotations

import re

from flask import Response, current_app, request
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from segraph.catalogue import site
from segraph.formats import DOCUMENTS, EXTENSIONS, RDF_DOCUMENTS, prefers_html
from segraph.namespaces import BASE

HTML = "text/html"


def negotiated_document() -> str | None:
    """The media type to answer a bare URI with: Turtle without an Accept header, the page
    for a browser, else the best RDF match (None: nothing acceptable, a 406)."""
    rdf = list(RDF_DOCUMENTS.values())
    if not request.headers.get("Accept"):
        return rdf[0]
    if prefers_html(request.accept_mimetypes, rdf):
        return HTML
    return request.accept_mimetypes.best_match(rdf)


def document_url(stem_url: str, media_type: str, *, by_format: bool = False) -> str:
    """The URL of one document: ``/id/X.ttl``, or with ``by_format`` ``/catalog?format=ttl``."""
    ext = EXTENSIONS[media_type]
    if by_format:
        return f"{stem_url}{'&' if '?' in stem_url else '?'}format={ext}"
    return f"{stem_url}.{ext}"


def alternates(stem_url: str, media_type: str, *, by_format: bool = False
               ) -> list[dict[str, str]]:
    """The resource's other documents, ``{"type", "href"}`` (for ``Link`` and ``<link>``)."""
    return [{"type": other, "href": document_url(stem_url, other, by_format=by_format)}
            for other in DOCUMENTS.values() if other != media_type]


def document_headers(response: Response, stem_url: str, media_type: str, *,
                     by_format: bool = False) -> None:
    """``Vary: Accept``, ``Content-Location`` naming the document sent and
    ``Link: rel="alternate"`` to the others."""
    response.vary.add("Accept")
    response.headers["Content-Location"] = document_url(stem_url, media_type,
                                                        by_format=by_format)
    response.headers["Link"] = ", ".join(
        f'<{other["href"]}>; rel="alternate"; type="{other["type"]}"'
        for other in alternates(stem_url, media_type, by_format=by_format))


class Linker:
    """The link on this host for an IRI this host serves; any other IRI as it is.

    Resources under ``base`` (default: the ``base_uri`` setting) map to paths here; so do the
    vocabulary's canonical IRIs (``…/ontology#Term``) when this host serves that path.
    """

    def __init__(self, base: str | None = None) -> None:
        base = base or site(current_app.extensions["segraph"].settings)
        self.bases = [(base, "")] + ([(BASE, "id/")] if base != BASE else [])
        self.adapter = current_app.url_map.bind("localhost")
        self.served: dict[str, bool] = {}

    def __call__(self, iri: str) -> str:
        for base, skip in self.bases:
            if iri.startswith(base) and not (skip and iri[len(base):].startswith(skip)):
                path = "/" + iri[len(base):]
                if self._serves(re.split(r"[#?]", path, maxsplit=1)[0]):
                    return path
        return iri

    def _serves(self, path: str) -> bool:
        if path not in self.served:
            try:
                self.adapter.match(path, method="GET")
                self.served[path] = True
            except RequestRedirect:
                self.served[path] = True
            except (NotFound, MethodNotAllowed):
                self.served[path] = False
        return self.served[path]
