"""``/.well-known/void`` and ``/catalog``: the dataset described for machines and people.

``/.well-known/void`` is the VoID description, with statistics measured on the served graph
(once per server process); ``/catalog`` is the DCAT-AP catalogue (dataset, one distribution per
dump of the latest release, the SPARQL endpoint as a data service) that data portals such as
dataportal.se harvest. Both answer by content negotiation: Turtle by default, N-Triples, JSON-LD,
RDF/XML, and a page for browsers; ``format=ttl|nt|jsonld|rdf|html`` names one. ``/catalog``
follows DCAT-AP 3.0; ``/catalog?profile=2.1.1`` gives the DCAT-AP 2.1.1 variant. The dataset's
own IRI, ``/dataset``, redirects (303) to the catalogue, and the front page points at both with
a ``Link: rel="describedby"`` header.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, redirect, render_template, request
from flask.blueprints import BlueprintSetupState
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF

from segraph.catalogue import (
    CATALOG_DESCRIPTION,
    CATALOG_IRI,
    DESCRIPTION,
    GRAPH_TITLES,
    KEYWORDS,
    PROFILES,
    THEMES,
    TITLE,
    VOID_IRI,
    Statistics,
    catalogue_graph,
    dump_files,
    measure,
    prefixes,
    site,
    void_graph,
)
from segraph.formats import DOCUMENTS, FORMAT_NAMES, RDFLIB_FORMATS
from segraph.namespaces import BASE, GRAPH, shorten
from segraph.releases import Release
from segraph.settings import Paths
from segraph.web.conditional import etag, not_modified
from segraph.web.documents import Linker, alternates, document_headers, negotiated_document
from segraph.web.errors import error_response
from segraph.web.language import page_language

bp = Blueprint("dataset", __name__)

EXTENSION = "segraph.dataset"
SHORT_NAMES = {**FORMAT_NAMES, "html": "text/html"}
CATALOGUE_SETTINGS = ("base_uri", "publisher_name", "publisher_type", "contact_email",
                      "contact_url")
DESCRIBED_BY = ('</catalog>; rel="describedby"; type="text/turtle", '
                '</.well-known/void>; rel="describedby"; type="text/turtle"')


class DatasetState:
    """Per server process: the releases on disk at start (as ``/releases/`` offers them), the
    statistics of the served graph (measured on first use) and the serialized answers."""

    def __init__(self, releases: list[Release], modified: str | None) -> None:
        self.releases = releases
        self.modified = modified
        self.statistics: Statistics | None = None
        self.answers: dict[tuple[str, ...], bytes] = {}
        self.version = ""  # of the served graph the statistics and answers are for


@bp.record_once
def _load(setup: BlueprintSetupState) -> None:
    state = setup.app.extensions["segraph"]
    modified = Paths.from_settings(state.settings).build_info(state.graph.sources).get("built")
    setup.app.extensions[EXTENSION] = DatasetState(state.releases, modified)


def _dataset() -> DatasetState:
    """This process's dataset state, emptied when a write changed the served graph."""
    dataset: DatasetState = current_app.extensions[EXTENSION]
    version = current_app.extensions["segraph"].graph.version
    if dataset.version != version:
        dataset.statistics, dataset.answers, dataset.version = None, {}, version
    return dataset


def statistics() -> Statistics:
    """The served graph's statistics, measured once per process (about 50 ms on the default
    graph; the store is in memory and these are a few aggregate queries)."""
    dataset = _dataset()
    if dataset.statistics is None:
        state = current_app.extensions["segraph"]
        dataset.statistics = measure(state.graph.store, base_uri=site(state.settings))
    return dataset.statistics


def _wanted() -> str | None:
    """The media type asked for by ``format=`` or Accept (Turtle for */* or no Accept)."""
    asked = request.args.get("format", "").strip().lower()
    if asked:
        media_type = SHORT_NAMES.get(asked, asked)
        return media_type if media_type in DOCUMENTS.values() else None
    return negotiated_document()


def _serialize(graph: Graph, media_type: str) -> bytes:
    if media_type == "application/ld+json":
        used = {str(t) for t in graph.predicates()}
        used |= {str(t) for t in graph.objects(None, RDF.type)}
        context = {prefix: ns for prefix, ns in prefixes().items()
                   if any(term.startswith(ns) for term in used)}
        return graph.serialize(format="json-ld", context=context, indent=2, encoding="utf-8")
    return graph.serialize(format=RDFLIB_FORMATS[media_type], encoding="utf-8")


def _answer(name: str, key: tuple[str, ...], build: Callable[[], Graph],
            page: Callable[[], str], stem_url: str) -> Response:
    """One description in the negotiated syntax, with ETag, Vary and alternates."""
    media_type = _wanted()
    if media_type is None:
        return error_response(406, "Not Acceptable",
                              f"{name} is available as {', '.join(DOCUMENTS.values())} "
                              "(Accept header, or format=ttl|nt|jsonld|rdf|html).")
    state = current_app.extensions["segraph"]
    lang = page_language()[0] if media_type == "text/html" else ""
    tag = etag(state.graph.version, *key, media_type, lang)
    cached = not_modified(tag, "Accept")
    if cached is not None:
        return cached
    answers = _dataset().answers
    if (*key, media_type, lang) not in answers:
        body = page() if media_type == "text/html" else _serialize(build(), media_type)
        answers[(*key, media_type, lang)] = body.encode() if isinstance(body, str) else body
    response = Response(answers[(*key, media_type, lang)],
                        content_type=f"{media_type}; charset=utf-8")
    response.set_etag(tag)
    document_headers(response, stem_url, media_type, by_format=True)
    return response


def _settings() -> dict[str, Any]:
    settings = current_app.extensions["segraph"].settings
    return {name: settings[name] for name in CATALOGUE_SETTINGS}


def _release_key() -> str:
    releases = _dataset().releases
    return f"{releases[-1].number}:{releases[-1].content}" if releases else "-"


@bp.get("/.well-known/void")
def void() -> Response:
    dataset = _dataset()

    def build() -> Graph:
        return void_graph(statistics(), dataset.releases, _settings(), modified=dataset.modified)

    def page() -> str:
        stats = statistics()
        return _page("void.html", request.path, stats=stats,
                     graphs=_graph_rows(stats, page_language()[0]))

    return _answer("The VoID description", ("void", _release_key()), build, page,
                   request.path)


@bp.get("/catalog")
def catalog() -> Response:
    dataset = _dataset()
    profile = request.args.get("profile", PROFILES[0]).strip().removeprefix("dcat-ap-")
    if profile not in PROFILES:
        return error_response(400, "Bad Request",
                              f"Unknown profile {profile[:40]!r}; the catalogue follows "
                              f"DCAT-AP {' or '.join(PROFILES)} (profile=2.1.1).")
    settings = _settings()
    stem = request.path if profile == PROFILES[0] else f"{request.path}?profile={profile}"

    def build() -> Graph:
        return catalogue_graph(dataset.releases, settings, modified=dataset.modified,
                               profile=profile)

    def page() -> str:
        return _page("catalog.html", stem)

    return _answer("The catalogue", ("catalog", profile, _release_key(),
                                     *map(str, settings.values())), build, page, stem)


@bp.get("/dataset")
def dataset_iri() -> Response:
    """The dataset's IRI (``https://w3id.org/segraph/dataset``): 303 to its description."""
    target = "/catalog"
    if request.query_string:
        target += "?" + request.query_string.decode("ascii", "replace")
    response = redirect(target, code=303)
    response.vary.add("Accept")
    return response


@bp.after_app_request
def described_by(response: Response) -> Response:
    """The front page names the dataset's descriptions (``rel="describedby"``)."""
    if request.path == "/" and request.method in ("GET", "HEAD"):
        response.headers.add("Link", DESCRIBED_BY)
    return response


# --- the pages ------------------------------------------------------------------------------


def _page(template: str, stem_url: str, **context: Any) -> str:
    dataset = _dataset()
    latest = dataset.releases[-1] if dataset.releases else None
    return render_template(
        template, lang=page_language()[0], latest=latest, first=dataset.releases[0]
        if dataset.releases else None, modified=dataset.modified, settings=_settings(),
        files=dump_files(latest) if latest else [], local=Linker(), short=_short,
        catalog_iri=str(CATALOG_IRI), void_iri=str(VOID_IRI), base=BASE, title=TITLE,
        description=DESCRIPTION, catalog_description=CATALOG_DESCRIPTION, keywords=KEYWORDS,
        themes=THEMES,
        alternates=alternates(stem_url, "text/html", by_format=True),
        **context)


def _short(iri: str) -> str:
    return shorten(iri) or iri


def _graph_rows(stats: Statistics, lang: str) -> list[dict[str, Any]]:
    """One row per named graph: IRI, short name, title in ``lang`` and counts."""
    rows = []
    for iri, counts in stats.graphs.items():
        name = iri.removeprefix(str(GRAPH))
        titles = {getattr(t, "language", None): str(t)
                  for t in stats.subsets.objects(URIRef(iri), DCTERMS.title)}
        fallback = GRAPH_TITLES.get(name, (name, name))[0 if lang == "sv" else 1]
        rows.append({"iri": iri, "name": name, "title": titles.get(lang) or fallback,
                     "counts": counts})
    return rows
