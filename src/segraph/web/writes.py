"""Writes: SPARQL 1.1 Update at ``/update``, the Graph Store Protocol at ``/data``, and the
history of accepted writes at ``/history`` (with undo).

Every write needs ``Authorization: Bearer <token>`` with a token from the setting
``write_token`` (no token configured: writes are off) and passes the gate
(:mod:`segraph.writes.gate`): it is checked against the shapes in the state it would leave,
refused with the validation report (422) when it breaks them, and otherwise logged and applied
as a whole. Reading (GET on ``/data`` and ``/history``) needs no token.
"""

from __future__ import annotations

import hmac
import json
import sys
import uuid
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from segraph.formats import RDF_DOCUMENTS
from segraph.namespaces import graph_iri
from segraph.store.remote import RemoteError
from segraph.web.errors import error_response, rate_limited
from segraph.web.language import language_page, page_language
from segraph.writes.delta import (
    EDITS_GRAPH,
    PROTECTED_GRAPHS,
    Delta,
    WriteRefused,
    evaluate,
    present,
)
from segraph.writes.gate import Outcome, WriteGate, WriteTimeout
from segraph.writes.history import change_iri
from segraph.writes.journal import Record
from segraph.writes.operations import UpdateRefused, parse_update
from segraph.writes.setup import write_tokens

bp = Blueprint("writes", __name__)

UPDATE_TYPE = "application/sparql-update"
GRAPH_TYPES = list(RDF_DOCUMENTS.values())  # the media types a graph is sent or read in
TEXT = {
    "sv": {"title": "Ändringshistorik", "intro": "Varje godkänd skrivning till grafen, senaste "
           "först: vem, när, vad som lades till och togs bort. En ändring kan ångras med "
           "POST /history/N/undo och en skrivnyckel.", "change": "Ändring", "when": "När",
           "who": "Vem", "what": "Vad", "removed": "Borttaget", "added": "Tillagt",
           "graphs": "Grafer", "none": "Inga skrivningar ännu.", "undoes": "ångrar ändring",
           "request": "Begäran", "language": "English", "as_json": "Som JSON",
           "triples": "tripler", "back": "Alla ändringar"},
    "en": {"title": "Change history", "intro": "Every accepted write to the graph, newest "
           "first: who, when, what was added and removed. A change can be undone with "
           "POST /history/N/undo and a write token.", "change": "Change", "when": "When",
           "who": "Who", "what": "What", "removed": "Removed", "added": "Added",
           "graphs": "Graphs", "none": "No writes yet.", "undoes": "undoes change",
           "request": "Request", "language": "Svenska", "as_json": "As JSON",
           "triples": "triples", "back": "All changes"},
}


def _state() -> Any:
    return current_app.extensions["segraph"]


def _writer() -> str | Response:
    """The name the request's bearer token writes as, or the 401/403 answer."""
    tokens = write_tokens(_state().settings)
    if not tokens:
        return error_response(403, "Forbidden", "Writes are off on this server: no write token "
                              "is configured (set write_token in segraph.toml or "
                              "SEGRAPH_WRITE_TOKEN).")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    challenge = {"WWW-Authenticate": 'Bearer realm="segraph"'}
    if scheme.lower() != "bearer" or not given.strip():
        return error_response(401, "Unauthorized", "Writing needs a write token: send "
                              "Authorization: Bearer <token>.", headers=challenge)
    for token, name in tokens.items():
        if hmac.compare_digest(token.encode(), given.strip().encode()):
            return name
    return error_response(403, "Forbidden", "This write token is not valid here; nothing was "
                          "changed.", headers={"WWW-Authenticate": 'Bearer realm="segraph", '
                                               'error="invalid_token"'})


def _too_large() -> Response | None:
    limit = int(_state().settings["max_write_size"]) * 1024 * 1024
    if request.content_length is not None and request.content_length > limit:
        return error_response(413, "Content Too Large",
                              f"The request body is over the limit of "
                              f"{limit // (1024 * 1024)} MB; split the write into parts.")
    return None


def _run(gate_call: Callable[[WriteGate], Outcome], *, created: bool = False) -> Response:
    """One call through the gate (a write or an undo); the answer (200/201, or 422 with the
    shapes report, or the error)."""
    state = _state()
    try:
        outcome = gate_call(state.writes)
    except LookupError as exc:
        return error_response(404, "Not Found", str(exc))
    except (SyntaxError, UpdateRefused, WriteRefused) as exc:
        return error_response(400, "Bad Request", f"{exc} Nothing was changed.")
    except WriteTimeout as exc:
        return error_response(503, "Service Unavailable", str(exc))
    except MemoryError as exc:
        return error_response(503, "Service Unavailable", str(exc))
    except RemoteError as exc:
        return error_response(502, "Bad Gateway", f"The SPARQL engine did not take the write "
                              f"({exc}); nothing was changed.")
    finally:
        state.catch_up()  # this write, and any the gate applied from other processes first
    if outcome.record is not None:
        _log(outcome.record)
    return _outcome_response(outcome, created=created)


def _log(record: Record) -> None:
    """One line per accepted write in the server log (the journal holds the whole change)."""
    removed, added = record.counts
    what = f"undo of change {record.undoes}" if record.undoes else record.via
    print(f"[{record.time}] segraph write: change {record.seq} by {record.agent} ({what}): "
          f"-{removed} +{added} triples in {', '.join(record.graphs)}", file=sys.stderr,
          flush=True)


def _outcome_response(outcome: Outcome, *, created: bool) -> Response:
    report = outcome.report
    results = [vars(v) for v in report.violations]
    if outcome.refused:
        wanted = request.accept_mimetypes.best_match(
            ["application/json", "text/turtle", "text/plain"], "application/json")
        errors = len(report.errors)
        message = (f"The write breaks {errors} shape constraint(s); nothing was changed. "
                   "Fix the data as each result says and send it again.")
        if wanted == "text/turtle":
            return Response(outcome.shapes_turtle, status=422,
                            content_type="text/turtle; charset=utf-8")
        if wanted == "text/plain":
            return Response(f"{message}\n\n{report.to_text()}\n", status=422,
                            content_type="text/plain; charset=utf-8")
        body = {"ok": False, "status": 422, "title": "Unprocessable Content", "error": message,
                "report": {"conforms": False, "results": results}}
        return _json(body, 422)
    record = outcome.record
    body: dict[str, Any] = {"ok": True, "change": None, "removed": 0, "added": 0,
                            "graphs": [], "warnings": results}
    if record is not None:
        root = request.host_url
        body.update(change=record.seq, removed=outcome.removed, added=outcome.added,
                    graphs=record.graphs, history=f"{root}history/{record.seq}",
                    iri=change_iri(_state().writes.id_base, record.seq))
    return _json(body, 201 if created and record is not None else 200)


def _json(body: dict[str, Any], status: int) -> Response:
    return Response(json.dumps(body, ensure_ascii=False, indent=1), status=status,
                    mimetype="application/json")


# --- SPARQL 1.1 Update ---------------------------------------------------------------------

@bp.route("/update", methods=["GET", "POST"])
def update() -> Response:
    if request.method == "GET":
        return error_response(405, "Method Not Allowed", "Send SPARQL Update with POST "
                              "(application/sparql-update, or a form field update=).",
                              headers={"Allow": "POST"})
    agent = _writer()
    if isinstance(agent, Response):
        return agent
    if (large := _too_large()) is not None:
        return large
    if request.mimetype == UPDATE_TYPE:
        text = request.get_data(as_text=True)
        params = request.args
    elif request.mimetype == "application/x-www-form-urlencoded":
        texts = request.form.getlist("update")
        if len(texts) != 1:
            return error_response(400, "Bad Request", "Send exactly one update= field.")
        text, params = texts[0], request.form
    else:
        return error_response(415, "Unsupported Media Type", "Send the update as "
                              "application/sparql-update, or as a form field update= "
                              "(application/x-www-form-urlencoded).")
    try:
        parsed = parse_update(text)
    except (SyntaxError, UpdateRefused) as exc:
        return error_response(400, "Bad Request", f"{exc}. Nothing was changed.")
    using, using_named = params.getlist("using-graph-uri"), params.getlist("using-named-graph-uri")

    def plan(store: Any, mutable: bool) -> Delta:
        return evaluate(store, parsed, using=using, using_named=using_named, mutable=mutable)

    queries = any(op.reads_state for op in parsed.operations)
    return _run(lambda gate: gate.write(plan, agent=agent, via="SPARQL Update", request=text,
                                        queries=queries))


# --- Graph Store Protocol ------------------------------------------------------------------

def _target() -> tuple[str | None, bool] | Response:
    """(the graph IRI, or None for ``?default``; whether it was named) or the error."""
    graph, default = request.args.get("graph"), "default" in request.args
    if graph is not None and default:
        return error_response(400, "Bad Request", "Give ?graph=IRI or ?default, not both.")
    if graph is not None:
        if ":" not in graph or any(c in graph for c in "<>\" {}|\\^`"):
            return error_response(400, "Bad Request", f"?graph= must be an absolute IRI, not "
                                  f"{graph!r}.")
        return graph, True
    return None, default


def _body_triples(base: str) -> list[ox.Triple] | Response:
    fmt = ox.RdfFormat.from_media_type(request.mimetype) \
        if request.mimetype in GRAPH_TYPES else None
    if fmt is None:
        return error_response(415, "Unsupported Media Type",
                              f"Send the graph as one of {', '.join(GRAPH_TYPES)} (not "
                              f"{request.mimetype or 'no Content-Type'}).")
    try:
        return [q.triple for q in ox.parse(request.get_data(), format=fmt, base_iri=base,
                                           rename_blank_nodes=True, without_named_graphs=True)]
    except SyntaxError as exc:
        return error_response(400, "Bad Request", f"The body is not valid {request.mimetype}: "
                              f"{exc}. Nothing was changed.")


@bp.route("/data", methods=["GET", "HEAD", "PUT", "POST", "DELETE"])
def graph_store() -> Response:
    target = _target()
    if isinstance(target, Response):
        return target
    graph, named = target
    if request.method in ("GET", "HEAD"):
        return rate_limited(_state()) or _read_graph(graph, named)
    agent = _writer()
    if isinstance(agent, Response):
        return agent
    if (large := _too_large()) is not None:
        return large
    if graph is None and named and request.method in ("PUT", "DELETE"):  # ?default
        return error_response(405, "Method Not Allowed", "The default graph is the union of "
                              "all graphs; PUT and DELETE name one: ?graph=IRI.",
                              headers={"Allow": "GET, HEAD, POST"})
    created = False
    if graph is None and not named:
        if request.method != "POST":
            return error_response(400, "Bad Request", "Name the graph: ?graph=IRI (or "
                                  "?default to add to the default graph).")
        graph, created = str(graph_iri(f"uploads/{uuid.uuid4()}")), True
    name = ox.NamedNode(graph or EDITS_GRAPH)
    if name.value in PROTECTED_GRAPHS:
        return error_response(403, "Forbidden", f"<{name.value}>: "
                              f"{PROTECTED_GRAPHS[name.value]}.")
    if request.method == "DELETE":
        def plan(store: Any, mutable: bool) -> Delta:
            quads = set(store.quads_for_pattern(None, None, None, name))
            if not quads:
                raise LookupError(f"there is no graph <{name.value}>")
            return Delta(removed=quads)
        return _run(lambda gate: gate.write(plan, agent=agent, via="DELETE /data",
                                            request=f"DELETE graph <{name.value}>"))
    triples = _body_triples(name.value)
    if isinstance(triples, Response):
        return triples
    new = {ox.Quad(t.subject, t.predicate, t.object, name) for t in triples}

    method = request.method
    created = created or next(iter(_state().graph.store.quads_for_pattern(
        None, None, None, name)), None) is None  # a new graph: 201 Created

    def put_or_post(store: Any, mutable: bool) -> Delta:
        if method == "PUT":
            old = set(store.quads_for_pattern(None, None, None, name))
            return Delta(removed=old - new, added=new - old)
        return Delta(added=new - present(store, new))

    summary = f"{request.method} graph <{name.value}>: {len(new):,} triples ({request.mimetype})"
    via = f"{request.method} /data"
    response = _run(lambda gate: gate.write(put_or_post, agent=agent, via=via, request=summary),
                    created=created)
    if created and response.status_code in (200, 201):
        response.status_code = 201
        response.headers["Location"] = f"{request.host_url}data?graph={name.value}"
    return response


def _read_graph(graph: str | None, named: bool) -> Response:
    store = _state().graph.store
    wanted = request.accept_mimetypes.best_match(GRAPH_TYPES, GRAPH_TYPES[0])
    if graph is None and not named:
        return error_response(400, "Bad Request", "Name the graph: ?graph=IRI, or ?default "
                              "(the union of all graphs).")
    pattern = ox.NamedNode(graph) if graph else None
    triples = {q.triple for q in store.quads_for_pattern(None, None, None, pattern)}
    if not triples:
        return error_response(404, "Not Found", f"There is no graph <{graph}>." if graph else
                              "The dataset is empty.")
    body = ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.from_media_type(wanted))
    return Response(body, content_type=f"{wanted}; charset=utf-8")


# --- history and undo ----------------------------------------------------------------------

def _record_json(record: Record) -> dict[str, Any]:
    removed, added = record.counts
    root = request.host_url
    return {"change": record.seq, "iri": change_iri(_state().writes.id_base, record.seq),
            "url": f"{root}history/{record.seq}", "time": record.time, "agent": record.agent,
            "via": record.via, "graphs": record.graphs, "removed": removed, "added": added,
            "undoes": record.undoes, "request": record.request}


def _wants_html() -> bool:
    return request.accept_mimetypes.best_match(["application/json", "text/html"],
                                               "application/json") == "text/html"


@bp.get("/history")
def history() -> Response:
    records = list(reversed(_state().writes.journal.records()))
    if not _wants_html():
        return _json({"changes": [_record_json(r) for r in records]}, 200)
    lang, _ = page_language()
    return _page("history.html", lang, records=records)


@bp.get("/history/<int:seq>")
def change(seq: int) -> Response:
    record = _state().writes.journal.find(seq)
    if record is None:
        return error_response(404, "Not Found", f"There is no change {seq}; see /history.")
    if not _wants_html():
        return _json({**_record_json(record), "removed_quads": record.removed,
                      "added_quads": record.added}, 200)
    lang, _ = page_language()
    return _page("history.html", lang, records=[record], one=True)


@bp.post("/history/<int:seq>/undo")
def undo(seq: int) -> Response:
    agent = _writer()
    if isinstance(agent, Response):
        return agent
    return _run(lambda gate: gate.undo(seq, agent=agent))


def _page(template: str, lang: str, **context: Any) -> Response:
    response = language_page(template, lang, TEXT, **context)
    response.vary.add("Accept")
    return response
