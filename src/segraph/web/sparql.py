"""``/sparql``: the W3C SPARQL 1.1 Protocol, read-only, with limits.

All Protocol rules are here: accepted request shapes, graph parameters, content negotiation,
the service description for a request without a query, and the mapping of every failure to a
status and a message that says what to do.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, current_app, render_template, request
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, VOID

from segraph.executor import QueryAborted, QueryError, QueryRequest, QueryTimeout
from segraph.formats import ALIASES, FORMAT_NAMES, OFFERS, RDFLIB_FORMATS, prefers_html
from segraph.namespaces import PREFIXES, bind_prefixes
from segraph.sparql_text import scan
from segraph.store.remote import RemoteError
from segraph.web.conditional import answered_before_work, etag
from segraph.web.errors import error_response

bp = Blueprint("sparql", __name__)

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")
RESULT_FORMAT_IRIS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                      "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML",
                      "N-Quads", "TriG")
RDF_OFFERS = OFFERS["construct"]


def negotiate(form: str, accept: object, format_param: str | None) -> str | None:
    """The media type to answer with, from ``format=`` or the Accept header; None: 406."""
    offers = OFFERS[form]
    if format_param:
        wanted = FORMAT_NAMES.get(format_param.strip().lower(), format_param.strip().lower())
        wanted = ALIASES.get(wanted, wanted)
        return wanted if wanted in offers else None
    candidates = offers + [alias for alias, target in ALIASES.items() if target in offers]
    if not request.headers.get("Accept"):
        return offers[0]
    best = accept.best_match(candidates)  # type: ignore[attr-defined]
    if best is None:
        return None
    return ALIASES.get(best, best)


def _read_request() -> tuple[str | None, list[str], list[str]] | Response:
    """(query, default graphs, named graphs) from any of the Protocol's three request shapes."""
    in_url = request.args.getlist("query")
    if "update" in request.args:
        return read_only_error()
    if request.method == "POST":
        mimetype = request.mimetype
        if "update" in request.form or mimetype == "application/sparql-update":
            return read_only_error()
        if mimetype == "application/x-www-form-urlencoded":
            in_body = request.form.getlist("query")
            graphs = request.values  # the dataset may be in the body or in the URL
        elif mimetype == "application/sparql-query":
            charset = request.mimetype_params.get("charset", "utf-8").lower()
            if charset not in ("utf-8", "utf8"):
                return error_response(415, "Unsupported Media Type",
                                      f"Send the query as UTF-8, not {charset}.")
            try:
                in_body = [request.get_data().decode("utf-8")]
            except UnicodeDecodeError as exc:
                return error_response(400, "Bad Request",
                                      f"The query is not valid UTF-8 (byte {exc.start}).")
            graphs = request.args
        elif not mimetype and not request.get_data():
            in_body, graphs = [], request.args
        else:
            return error_response(
                415, "Unsupported Media Type",
                f"POST a query as application/x-www-form-urlencoded (query=...) or as "
                f"application/sparql-query, not {mimetype or 'a body without Content-Type'}.")
        if in_url and in_body:
            return error_response(400, "Bad Request",
                                  "The query is given both in the URL and in the body; "
                                  "send it once.")
        queries = in_body or in_url
    else:
        queries, graphs = in_url, request.args
    if len(queries) > 1:
        return error_response(400, "Bad Request", "More than one query parameter; send one.")
    query = queries[0] if queries else None
    return query, graphs.getlist("default-graph-uri"), graphs.getlist("named-graph-uri")


def read_only_error() -> Response:
    return error_response(
        403, "Forbidden",
        "This endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, …) is not "
        "accepted here. Send updates to /update with Authorization: Bearer <write token>.")


@bp.route("/sparql", methods=["GET", "POST"])
@bp.route("/sparql/", methods=["GET", "POST"])
def sparql() -> Response:
    state = current_app.extensions["segraph"]
    parsed = _read_request()
    if isinstance(parsed, Response):
        return parsed
    query, default_graphs, named_graphs = parsed
    if query is None:
        if request.method == "POST":
            return error_response(400, "Bad Request",
                                  "No query: send query=... (form) or a SPARQL query body.")
        return service_description()
    if len(query) > state.settings["max_query_length"]:
        return error_response(
            413, "Query Too Long",
            f"The query has {len(query):,} characters; this endpoint accepts at most "
            f"{state.settings['max_query_length']:,}.")
    text = scan(query)
    if text.update:
        return read_only_error()
    if text.service:
        return error_response(
            403, "Forbidden",
            "SERVICE (federated queries to other endpoints) is not allowed on this public "
            "endpoint; run the query against the other endpoint yourself.")
    form = text.form
    if form is None:
        return error_response(400, "Bad Request",
                              "This is not a SPARQL query: it has no SELECT, ASK, CONSTRUCT or "
                              "DESCRIBE.")
    media_type = negotiate(form, request.accept_mimetypes, request.values.get("format"))
    if media_type is None:
        return error_response(
            406, "Not Acceptable",
            f"No acceptable format for a {form.upper()} answer; this endpoint offers "
            f"{', '.join(OFFERS[form])} (Accept header, or format=json|xml|csv|tsv|turtle|"
            "ntriples|jsonld|rdfxml).")
    tag = etag(state.graph.version, query, media_type, *default_graphs, "|", *named_graphs,
               str(state.settings["max_rows"]))
    early = answered_before_work(state, tag, "Accept")
    if early is not None:
        return early
    job = QueryRequest(query=query, media_type=media_type,
                       max_rows=int(state.settings["max_rows"]),
                       default_graphs=default_graphs, named_graphs=named_graphs,
                       union_default_graph=not text.names_dataset,  # FROM (NAMED) rules
                       prefixes=state.prefixes, base_iri=request.base_url)
    try:
        answer = state.runner.run(job, float(state.settings["query_timeout"]))
    except QueryTimeout as exc:
        return error_response(
            503, "Query Timeout",
            f"{exc}. Narrow the query (a LIMIT, a more specific pattern) and try again.")
    except QueryAborted as exc:
        return error_response(
            503, "Query Stopped",
            f"{exc}. Narrow the query (a LIMIT, fewer rows to sort or group) and try again.")
    except RemoteError as exc:  # a runner that answers in this process
        return engine_error(str(exc))
    except QueryError as exc:
        if str(exc).startswith(f"{RemoteError.__name__}: "):  # raised in the query process
            return engine_error(str(exc).removeprefix(f"{RemoteError.__name__}: "))
        return error_response(400, "Bad Request", f"The query could not be run: {exc}")
    response = Response(answer.body, content_type=f"{media_type}; charset=utf-8")
    response.set_etag(tag)
    response.vary.add("Accept")
    response.headers["X-Result-Rows"] = str(answer.rows)
    if answer.truncated:
        response.headers["X-Result-Truncated"] = (
            f"true; the answer was cut at {state.settings['max_rows']} rows (max_rows)")
    return response


def engine_error(detail: str) -> Response:
    """502: the remote SPARQL engine (``store_url``) refused the request or could not be
    reached; the query itself may be fine."""
    return error_response(
        502, "Bad Gateway",
        f"The SPARQL engine behind this endpoint refused the query or could not be reached "
        f"({detail[:300]}). Try again later; if it persists, tell the operator.")


def service_description() -> Response:
    """Turtle (or another RDF syntax) for RDF clients, the query editor for browsers."""
    if prefers_html(request.accept_mimetypes, RDF_OFFERS) and not request.args.get("format"):
        state = current_app.extensions["segraph"]
        return Response(render_template("editor.html", state=state),
                        content_type="text/html; charset=utf-8")
    media_type = negotiate("construct", request.accept_mimetypes, request.args.get("format"))
    if media_type is None:
        return error_response(406, "Not Acceptable",
                              f"The service description is available as {', '.join(RDF_OFFERS)}"
                              " and as HTML.")
    graph = description_graph(request.base_url)  # the URL asked: /sparql or /sparql/
    response = Response(graph.serialize(format=RDFLIB_FORMATS[media_type], encoding="utf-8"),
                        content_type=f"{media_type}; charset=utf-8")
    response.vary.add("Accept")
    return response


def description_graph(endpoint: str) -> Graph:
    """The SPARQL 1.1 Service Description of this endpoint."""
    state = current_app.extensions["segraph"]
    graph = bind_prefixes(Graph())
    graph.bind("sd", SD)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for name in RESULT_FORMAT_IRIS:
        graph.add((service, SD.resultFormat, FORMATS_NS[name]))
    # The dataset's descriptions for machines: VoID (statistics) and the DCAT-AP catalogue.
    host = endpoint.rsplit("/sparql", 1)[0]
    graph.add((service, RDFS.seeAlso, URIRef(f"{host}/.well-known/void")))
    graph.add((service, RDFS.seeAlso, URIRef(f"{host}/catalog")))
    if state.settings.get("write_token"):  # writes on: the update service beside this one
        updates = URIRef(f"{host}/update")
        graph.add((updates, RDF.type, SD.Service))
        graph.add((updates, SD.endpoint, updates))
        graph.add((updates, SD.supportedLanguage, SD.SPARQL11Update))
        graph.add((updates, RDFS.seeAlso, service))
    dataset = BNode("dataset")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    default = BNode("default")
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, VOID.triples, Literal(len(state.graph))))
    for name in sorted(g.value for g in state.graph.store.named_graphs()):
        named = BNode(f"g{hashlib.sha1(name.encode()).hexdigest()[:8]}")
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
    return graph


def prefixes() -> dict[str, str]:
    return {p: str(ns) for p, ns in PREFIXES.items()}
