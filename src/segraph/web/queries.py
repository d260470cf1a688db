"""``/queries``: the saved queries of ``queries/`` as pages and as an API (after Datasette's
canned queries).

``GET /queries`` lists them (HTML, or JSON by ``Accept: application/json`` or ``format=json``).
``GET /queries/<name>`` runs one with the parameters given in the URL (the defaults for those not
given): a form and the result table for browsers, the W3C SPARQL results as JSON, XML, CSV or TSV
for programs (``format=`` or Accept). Parameter values are bound by the engine
(:func:`segraph.queries.bind`), never pasted into the query text. Pages are in Swedish or
English (:mod:`segraph.web.language`).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask.blueprints import BlueprintSetupState

from segraph.executor import QueryError, QueryRequest, QueryStopped
from segraph.formats import ALIASES, FORMAT_NAMES, OFFERS
from segraph.queries import SavedQuery, bind, load_queries
from segraph.settings import Paths
from segraph.web.conditional import answered_before_work, etag, not_modified
from segraph.web.errors import error_response
from segraph.web.language import page_language

bp = Blueprint("queries", __name__)

EXTENSION = "segraph.queries"
HTML = "text/html"
SPARQL_JSON = "application/sparql-results+json"
RESULT_OFFERS = OFFERS["select"]
SHORT_NAMES = {"application/sparql-results+json": "json", "text/csv": "csv",
               "text/tab-separated-values": "tsv", "application/sparql-results+xml": "xml"}
XSD = "http://www.w3.org/2001/XMLSchema#"
DISPLAY_LIMIT = 300  # characters of one value shown in a table cell

TEXT: dict[str, dict[str, str]] = {
    "sv": {
        "list_title": "Sparade frågor",
        "list_intro": "Färdiga SPARQL-frågor om den sociala ekonomin i Sverige: kommuner, sociala "
                      "företag, samhällsutmaningar, Agenda 2030 och SKR:s utvecklingsnätverk. "
                      "Varje fråga är också ett API: lägg till format=json eller format=csv.",
        "example_note": "Frågor märkta (exempeldata) svarar bara från påhittade exempel.",
        "query": "Fråga",
        "description": "Beskrivning",
        "params": "Parametrar",
        "no_params": "Frågan har inga parametrar.",
        "default": "standardvärde",
        "run": "Kör",
        "results": "Resultat",
        "rows": "rader",
        "no_rows": "Frågan gav inga rader.",
        "truncated": "Svaret är avkortat: bara de första {n} raderna visas (serverns gräns "
                     "max_rows). Snäva in frågan för att se resten.",
        "download": "Ladda ner",
        "sparql": "SPARQL-frågan",
        "all_queries": "Alla sparade frågor",
        "error": "Fel",
        "yes": "Ja",
        "no": "Nej",
        "as_json": "Listan som JSON",
        "language": "In English",
    },
    "en": {
        "list_title": "Saved queries",
        "list_intro": "Ready-made SPARQL queries about the Swedish social economy: municipalities, "
                      "social enterprises, societal challenges, Agenda 2030 and SKR's development "
                      "network. Each query is also an API: add format=json or format=csv.",
        "example_note": "Queries marked (example data) answer from fictional examples only.",
        "query": "Query",
        "description": "Description",
        "params": "Parameters",
        "no_params": "This query has no parameters.",
        "default": "default",
        "run": "Run",
        "results": "Results",
        "rows": "rows",
        "no_rows": "The query returned no rows.",
        "truncated": "The answer was truncated: only the first {n} rows are shown (the server's "
                     "max_rows limit). Narrow the query to see the rest.",
        "download": "Download",
        "sparql": "The SPARQL query",
        "all_queries": "All saved queries",
        "error": "Error",
        "yes": "Yes",
        "no": "No",
        "as_json": "The list as JSON",
        "language": "På svenska",
    },
}
TYPE_NAMES = {
    "sv": {"iri": "IRI", "string": "text", "integer": "heltal", "decimal": "decimaltal",
           "boolean": "true/false", "date": "datum ÅÅÅÅ-MM-DD", "lang": "text@språk"},
    "en": {"iri": "IRI", "string": "text", "integer": "integer", "decimal": "decimal",
           "boolean": "true/false", "date": "date YYYY-MM-DD", "lang": "text@language"},
}


@bp.record_once
def _load(setup: BlueprintSetupState) -> None:
    """Read (and check) the saved queries once, when the application is created."""
    app = setup.app
    state = app.extensions["segraph"]
    directory = Paths.from_settings(state.settings).project / "queries"
    queries = load_queries(directory) if directory.is_dir() else []
    digest = hashlib.sha256("\x00".join(q.text for q in queries).encode()).hexdigest()[:16]
    app.extensions[EXTENSION] = {"queries": {q.name: q for q in queries}, "digest": digest}


def saved_queries() -> dict[str, SavedQuery]:
    """The saved queries of the current application, by name."""
    return current_app.extensions[EXTENSION]["queries"]  # type: ignore[no-any-return]


def _media_type(offers: list[str]) -> str | None:
    """The media type to answer with, from ``format=`` or Accept; None: nothing acceptable."""
    asked = request.args.get("format")
    if asked:
        name = asked.strip().lower()
        if name == "html":
            return HTML if HTML in offers else None
        if name in ("json", "application/json") and "application/json" in offers:
            return "application/json"
        wanted = FORMAT_NAMES.get(name, name)
        wanted = ALIASES.get(wanted, wanted) if wanted not in offers else wanted
        return wanted if wanted in offers else None
    if not request.headers.get("Accept"):
        return offers[0]
    candidates = offers + [alias for alias, target in ALIASES.items() if target in offers]
    best = request.accept_mimetypes.best_match(candidates)
    if best is None or best in offers:
        return best
    return ALIASES[best]


def _not_acceptable(offers: list[str], short: str) -> Response:
    return error_response(406, "Not Acceptable",
                          f"No acceptable format; this page offers {', '.join(offers)} (Accept "
                          f"header, or format={short}).")


def _url(endpoint: str, lang: str | None, name: str | None = None,
         params: dict[str, str] | None = None, fmt: str | None = None) -> str:
    """A URL of this blueprint with query parameters (built here, so no parameter name can
    collide with ``url_for``'s own arguments)."""
    base = url_for(endpoint, name=name) if name is not None else url_for(endpoint)
    args = dict(params or {})
    if fmt:
        args["format"] = fmt
    if lang:
        args["lang"] = lang
    return f"{base}?{urlencode(args)}" if args else base


@bp.get("/queries/")
@bp.get("/queries")
def listing() -> Response:
    state = current_app.extensions["segraph"]
    queries = saved_queries()
    media_type = _media_type([HTML, "application/json"])
    if media_type is None:
        return _not_acceptable([HTML, "application/json"], "html|json")
    lang, explicit = page_language() if media_type == HTML else ("", False)
    tag = etag(current_app.extensions[EXTENSION]["digest"], media_type, lang,
                 request.url_root, state.graph.version)
    cached = not_modified(tag, "Accept")
    if cached is not None:
        return cached
    if media_type == "application/json":
        items = [{**q.to_dict(), "url": url_for("queries.query", name=q.name, _external=True),
                  "sparql": q.text} for q in queries.values()]
        response = Response(json.dumps({"queries": items}, ensure_ascii=False, indent=1),
                            content_type="application/json; charset=utf-8")
    else:
        other = "en" if lang == "sv" else "sv"
        rows = [{"query": q, "url": _url("queries.query", lang if explicit else None,
                                         q.name)} for q in queries.values()]
        html = render_template(
            "queries.html", lang=lang, t=TEXT[lang], types=TYPE_NAMES[lang], rows=rows,
            other_url=_url("queries.listing", other),
            json_url=_url("queries.listing", None, fmt="json"),
            alternates=[{"type": "application/json",
                         "href": _url("queries.listing", None, fmt="json")}])
        response = Response(html, content_type="text/html; charset=utf-8")
        response.headers["Link"] = \
            f'<{_url("queries.listing", None, fmt="json")}>; rel="alternate"; ' \
            'type="application/json"'
        response.headers["Content-Language"] = lang
    response.set_etag(tag)
    response.vary.add("Accept")
    return response


@bp.get("/queries/<name>")
def query(name: str) -> Response:
    state = current_app.extensions["segraph"]
    saved = saved_queries().get(name)
    if saved is None:
        return error_response(404, "Not Found",
                              f"There is no saved query named {name!r}; GET /queries lists "
                              "them.")
    offers = [HTML, *RESULT_OFFERS]
    media_type = _media_type(offers)
    if media_type is None:
        return _not_acceptable(offers, "html|json|xml|csv|tsv")
    lang, explicit = page_language() if media_type == HTML else ("", False)
    given: dict[str, str] = {}
    for param in saved.params:
        values = request.args.getlist(param.name)
        if len(values) > 1:
            return _bad_parameter(saved, media_type, lang, explicit, {},
                                  f"parameter {param.name!r} is given {len(values)} times; "
                                  "give it once")
        if values:
            given[param.name] = values[0]
    try:
        terms = bind(saved, given)
    except ValueError as exc:
        return _bad_parameter(saved, media_type, lang, explicit, given, str(exc))
    effective = {p.name: given.get(p.name) or p.default for p in saved.params}
    max_rows = int(state.settings["max_rows"])
    tag = etag(state.graph.version, saved.name,
                 *(f"{k}={terms[k]}" for k in sorted(terms)), media_type,
                 lang, str(max_rows))
    early = answered_before_work(state, tag, "Accept")
    if early is not None:
        return early
    job = QueryRequest(query=saved.text, media_type=SPARQL_JSON if media_type == HTML
                       else media_type, max_rows=max_rows, substitutions=terms,
                       prefixes=state.prefixes)
    try:
        answer = state.runner.run(job, float(state.settings["query_timeout"]))
    except QueryStopped as exc:
        return error_response(
            503, "Query Stopped",
            f"{exc}. The saved query {saved.name!r} needed too much with these parameters; "
            "try narrower values, or again later.")
    except QueryError as exc:
        return error_response(500, "Internal Server Error",
                              f"The saved query {saved.name!r} could not be run: {exc}")
    links = {short: _url("queries.query", None, saved.name, effective, short)
             for short in ("json", "csv")}
    if media_type == HTML:
        body = render_template(
            "queries_query.html", **_page(saved, lang, explicit, effective, None),
            result=_table(json.loads(answer.body), state.prefixes), rows=answer.rows,
            truncated=answer.truncated, max_rows=max_rows, links=links)
        response = Response(body, content_type="text/html; charset=utf-8")
        response.headers["Content-Language"] = lang
        response.headers["Link"] = ", ".join(
            f'<{links[short]}>; rel="alternate"; type="{media}"'
            for short, media in (("json", SPARQL_JSON), ("csv", "text/csv")))
    else:
        response = Response(answer.body, content_type=f"{media_type}; charset=utf-8")
    response.set_etag(tag)
    response.vary.add("Accept")
    response.headers["X-Query-Name"] = saved.name
    response.headers["X-Query-Parameters"] = urlencode(effective)
    response.headers["X-Result-Rows"] = str(answer.rows)
    if answer.truncated:
        response.headers["X-Result-Truncated"] = (
            f"true; the answer was cut at {max_rows} rows (max_rows)")
    return response


def _bad_parameter(saved: SavedQuery, media_type: str, lang: str, explicit: bool,
                   given: dict[str, str], message: str) -> Response:
    """400: the form with the message for browsers, the one error shape for programs."""
    if media_type != HTML:
        return error_response(400, "Bad Request", f"{message}.")
    values = {p.name: given.get(p.name, p.default) for p in saved.params}
    body = render_template("queries_query.html", **_page(saved, lang, explicit, values, message),
                           result=None, rows=0, truncated=False, max_rows=0, links={})
    return Response(body, status=400, content_type="text/html; charset=utf-8")


def _page(saved: SavedQuery, lang: str, explicit: bool, values: dict[str, str],
          error: str | None) -> dict[str, Any]:
    other = "en" if lang == "sv" else "sv"
    return {
        "lang": lang, "explicit_lang": explicit, "t": TEXT[lang], "types": TYPE_NAMES[lang],
        "query": saved, "values": values, "error": error,
        "action": url_for("queries.query", name=saved.name),
        "list_url": _url("queries.listing", lang if explicit else None),
        "other_url": _url("queries.query", other, saved.name, values),
    }


def _compact(iri: str, prefixes: dict[str, str]) -> str:
    best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return iri
    prefix = next(p for p, ns in prefixes.items() if ns == best)
    return f"{prefix}:{iri[len(best):]}"


def _cell(term: dict[str, str] | None, prefixes: dict[str, str]) -> dict[str, Any]:
    if term is None:
        return {"text": "", "href": None, "note": "", "title": ""}
    value = term.get("value", "")
    if term.get("type") == "uri":
        href = value if value.startswith(("http://", "https://")) else None
        return {"text": _compact(value, prefixes), "href": href, "note": "", "title": value}
    note = ""
    if "xml:lang" in term:
        note = "@" + term["xml:lang"]
    elif "datatype" in term and not term["datatype"].startswith(XSD):
        note = _compact(term["datatype"], prefixes)  # e.g. geo:wktLiteral; numbers speak alone
    text = value if len(value) <= DISPLAY_LIMIT else value[:DISPLAY_LIMIT] + " …"
    return {"text": text, "href": None, "note": note,
            "title": value[:4000] if len(value) > DISPLAY_LIMIT else ""}


def _table(document: dict[str, Any], prefixes: dict[str, str]) -> dict[str, Any]:
    """The W3C JSON results as header and cells for the template."""
    if "boolean" in document:
        return {"boolean": bool(document["boolean"]), "vars": [], "rows": []}
    variables = document.get("head", {}).get("vars", [])
    rows = [[_cell(binding.get(v), prefixes) for v in variables]
            for binding in document.get("results", {}).get("bindings", [])]
    return {"boolean": None, "vars": variables, "rows": rows}
