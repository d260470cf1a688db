"""``/reconcile``: the W3C Entity Reconciliation Service API (version 0.2, as OpenRefine 3.x
speaks it), so that a spreadsheet column of municipality, county or enterprise names,
challenges or SDG goals and targets can be matched to segraph's resources.

- ``GET /reconcile`` without parameters: the service manifest;
- ``queries=`` (GET parameter or POST form field, or a POST ``application/json`` body): a batch
  ``{"q0": {"query": "Malmö stad", "type": "Municipality", "limit": 3, "properties":
  [{"pid": "inCounty", "v": "Skåne"}]}}`` answers ``{"q0": {"result": [candidates]}}``; the
  later draft's ``{"queries": [{"type", "limit", "conditions": [...]}]}`` answers
  ``{"results": [{"candidates": [...]}]}``;
- ``extend=`` (data extension): property values of reconciled entities;
- ``/reconcile/preview?id=``: a compact HTML card; ``/reconcile/suggest/{entity,type,property}``
  (``prefix=``, ``cursor=``, ``type=``); ``/reconcile/flyout/entity?id=``;
  ``/reconcile/properties?type=`` (property proposals for data extension).

Identifiers are relative to the identifier space (``municipality/1280`` for
``https://w3id.org/segraph/id/municipality/1280``), types and properties to the schema space
(``Municipality``, ``inCounty``). Every answer allows CORS (the app's ``after_request``) and,
with ``callback=``, comes as JSONP. Names are in the page language (``?lang=``, the kept
choice, ``Accept-Language``, else Swedish). Scoring: :mod:`segraph.reconciliation`.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, current_app, render_template, request
from markupsafe import escape

from segraph import __version__
from segraph.namespaces import SEG
from segraph.reconciliation import KINDS, PROPERTIES, Candidate, Entity, NameIndex
from segraph.web.errors import error_response, rate_limited
from segraph.web.language import page_language

if TYPE_CHECKING:
    from segraph.web import Segraph

bp = Blueprint("reconcile", __name__)

BATCH_SIZE = 50          # most queries in one batch (413 beyond; the manifest says so)
DEFAULT_LIMIT, MAX_LIMIT = 5, 50
PREVIEW_WIDTH, PREVIEW_HEIGHT = 430, 260
CALLBACK = re.compile(r"[A-Za-z_$][\w$.]{0,99}")
SERVICE_NAME = {"sv": "segraph – sociala ekonomin i Sverige",
                "en": "segraph – the Swedish social economy"}
# What each property's values are (for data extension), and which properties each kind has.
RANGES = {"inCounty": "County", "seatMunicipality": "Municipality", "operatesIn": "Municipality",
          "addressesChallenge": "SocietalChallenge", "targetOfGoal": "SDGGoal",
          "relatedSDGTarget": "SDGTarget"}
KIND_PROPERTIES = {
    "Municipality": ("municipalityCode", "inCounty", "inLabourMarketRegion"),
    "County": ("countyCode",),
    "SocialEnterprise": ("organisationNumber", "seatMunicipality", "operatesIn",
                         "addressesChallenge", "legalForm"),
    "SocietalChallenge": ("relatedSDGTarget",),
    "SDGGoal": (),
    "SDGTarget": ("targetOfGoal",),
}


class BadQuery(ValueError):
    """A query batch that cannot be read; the message says what to fix."""


def _state() -> Segraph:
    return current_app.extensions["segraph"]


def _index() -> NameIndex:
    return _state().names


def _answer(data: Any, status: int = 200) -> Response:
    """JSON, or JSONP when a valid ``callback=`` is given."""
    body = json.dumps(data, ensure_ascii=False)
    callback = request.values.get("callback", "")
    if callback and CALLBACK.fullmatch(callback):
        return Response(f"/**/{callback}({body});", status=status,
                        content_type="application/javascript; charset=utf-8")
    return Response(body, status=status, content_type="application/json; charset=utf-8")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def type_json(index: NameIndex, name: str, lang: str) -> dict[str, str]:
    labels = index.type_labels.get(name, {})
    return {"id": name, "name": _capital(labels.get(lang) or labels.get("en") or name)}


def property_json(index: NameIndex, name: str, lang: str) -> dict[str, str]:
    labels = index.property_labels.get(name, {})
    return {"id": name, "name": _capital(labels.get(lang) or labels.get("en") or name)}


def _first_sentence(text: str, most: int = 140) -> str:
    sentence = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    return sentence if len(sentence) <= most else sentence[:most - 1].rstrip() + "…"


def describe(index: NameIndex, entity: Entity, lang: str) -> str:
    """One line that tells namesakes apart: ``Kommun i Skåne län · kommunkod 1280``."""
    sv = lang == "sv"

    def fact(pid: str, before_sv: str, before_en: str, *, label: bool = True) -> str:
        values = sorted(entity.facts.get(pid, ()))
        if not values:
            return ""
        value = index.label_of(values[0], lang) if label else values[0]
        return (before_sv if sv else before_en) + value

    kind, number = entity.kind, entity.id.rsplit("/", 1)[-1]
    if kind == "Municipality":
        parts = [fact("inCounty", "Kommun i ", "Municipality in ") or type_json(
            index, kind, lang)["name"],
            fact("municipalityCode", "kommunkod ", "code ", label=False)]
    elif kind == "County":
        parts = [type_json(index, kind, lang)["name"],
                 fact("countyCode", "länskod ", "code ", label=False)]
    elif kind == "SocialEnterprise":
        specific = sorted(entity.types - {kind})
        parts = [type_json(index, specific[0] if specific else kind, lang)["name"],
                 fact("seatMunicipality", "säte ", "seat "),
                 fact("organisationNumber", "", "", label=False)]
    elif kind == "SocietalChallenge":
        text = entity.texts.get(lang) or entity.texts.get("sv") or ""
        parts = [type_json(index, kind, lang)["name"], _first_sentence(text) if text else ""]
    elif kind == "SDGGoal":
        parts = [f"Mål {number} i Agenda 2030" if sv else f"Goal {number} of the 2030 Agenda"]
    else:
        goal = number.split(".")[0]
        parts = [(f"Delmål {number} i mål {goal}" if sv else f"Target {number} of goal {goal}")
                 + fact("targetOfGoal", ": ", ": ")]
    return " · ".join(p for p in parts if p)


def candidate_json(index: NameIndex, candidate: Candidate, lang: str) -> dict[str, Any]:
    entity = candidate.entity
    features: list[dict[str, Any]] = [
        {"id": "identifier", "value": candidate.how == "identifier"},
        {"id": "name_exact", "value": candidate.how == "exact"},
        {"id": "name_diacritics_folded", "value": candidate.how == "folded"},
        {"id": "name_fuzzy", "value": candidate.how == "fuzzy"},
    ]
    features += [{"id": f"property_{pid}", "value": ok}
                 for pid, ok in candidate.properties.items()]
    return {"id": entity.id, "name": entity.label(lang),
            "description": describe(index, entity, lang),
            "type": [type_json(index, t, lang) for t in sorted(
                entity.types, key=lambda t: (t != entity.kind, t))],
            "score": candidate.score, "match": candidate.match, "features": features}


# --- reading queries --------------------------------------------------------------------------

def _types(index: NameIndex, given: Any, where: str) -> list[str]:
    values = [given] if isinstance(given, str) else given
    if values is None:
        return []
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise BadQuery(f"{where}: \"type\" must be a type id or a list of them")
    found = []
    for value in (v for v in values if v.strip()):
        name = index.type_name(value)
        if name is None:
            known = sorted(t for ts in index.subtypes.values() for t in ts)
            raise BadQuery(f"{where}: unknown type {value!r}; known: {', '.join(known)}")
        found.append(name)
    return found


def _value_strings(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    found = []
    for v in values:
        if isinstance(v, dict) and "id" in v:
            found.append(str(v["id"]))
        elif isinstance(v, str | int | float) and not isinstance(v, bool):
            found.append(str(v))
        elif isinstance(v, bool):
            found.append("true" if v else "false")
    return [v for v in found if v.strip()]


def _properties(given: Any, where: str) -> list[tuple[str, list[str]]]:
    if given is None:
        return []
    if not isinstance(given, list):
        raise BadQuery(f"{where}: \"properties\" must be a list of {{\"pid\", \"v\"}}")
    found = []
    for item in given:
        if not isinstance(item, dict) or "pid" not in item or "v" not in item:
            raise BadQuery(f"{where}: each property needs \"pid\" and \"v\"")
        pid = NameIndex.property_name(str(item["pid"]))
        if pid is None:
            raise BadQuery(f"{where}: unknown property {item['pid']!r}; known: "
                           f"{', '.join(PROPERTIES)}")
        values = _value_strings(item["v"])
        if values:
            found.append((pid, values))
    return found


def _limit(given: Any, where: str) -> int:
    if given is None:
        return DEFAULT_LIMIT
    try:
        limit = int(given)
    except (TypeError, ValueError):
        raise BadQuery(f"{where}: \"limit\" must be a positive integer") from None
    if limit < 1:
        raise BadQuery(f"{where}: \"limit\" must be a positive integer")
    return min(limit, MAX_LIMIT)


def run_query(index: NameIndex, key: str, query: Any, lang: str) -> list[dict[str, Any]]:
    """The candidates for one query of a 0.2 batch, as JSON."""
    where = f"query {key!r}"
    if not isinstance(query, dict):
        raise BadQuery(f"{where} must be an object such as {{\"query\": \"Malmö\"}}")
    text = query.get("query")
    if text is not None and not isinstance(text, str | int | float):
        raise BadQuery(f"{where}: \"query\" must be a string")
    properties = _properties(query.get("properties"), where)
    text = str(text).strip() if text is not None else ""
    if not text and not properties:
        raise BadQuery(f"{where} needs a \"query\" string or \"properties\"")
    found = index.search(text, types=_types(index, query.get("type"), where),
                         limit=_limit(query.get("limit"), where), properties=properties)
    return [candidate_json(index, c, lang) for c in found]


def _draft_query(item: Any, n: int) -> dict[str, Any]:
    """A query of the later draft (``conditions``) as a 0.2 query."""
    if not isinstance(item, dict):
        raise BadQuery(f"query {n} must be an object")
    query: dict[str, Any] = {k: item[k] for k in ("type", "limit") if k in item}
    properties = []
    for condition in item.get("conditions") or []:
        if not isinstance(condition, dict):
            raise BadQuery(f"query {n}: each condition must be an object")
        if condition.get("matchType") == "name":
            query["query"] = condition.get("propertyValue")
        elif condition.get("matchType") == "property":
            properties.append({"pid": condition.get("propertyId"),
                               "v": condition.get("propertyValue")})
    if properties:
        query["properties"] = properties
    return query


def _batch(given: str | bytes | Any) -> Any:
    if isinstance(given, str | bytes):
        try:
            given = json.loads(given)
        except ValueError as exc:
            raise BadQuery(f"the queries are not valid JSON: {exc}") from None
    if not isinstance(given, dict) or not given:
        raise BadQuery("queries must be a JSON object of queries, such as "
                       "{\"q0\": {\"query\": \"Malmö stad\", \"type\": \"Municipality\"}}")
    size = len(given["queries"]) if isinstance(given.get("queries"), list) else len(given)
    if size > BATCH_SIZE:
        raise BadQuery(f"413:a batch may hold at most {BATCH_SIZE} queries; this one has "
                       f"{size}")
    return given


def _bad(exc: BadQuery) -> Response:
    message = str(exc)
    if message.startswith("413:"):
        return error_response(413, "Payload Too Large", message[4:])
    return error_response(400, "Bad Request", message)


def _queries(raw: Any, lang: str) -> Response:
    index = _index()
    try:
        batch = _batch(raw)
        if isinstance(batch.get("queries"), list):  # the later draft's form
            results = [{"candidates": [_draft_candidate(c, lang) for c in run_query(
                index, str(n), _draft_query(item, n), lang)]}
                for n, item in enumerate(batch["queries"])]
            return _answer({"results": results})
        return _answer({key: {"result": run_query(index, key, query, lang)}
                        for key, query in batch.items()})
    except BadQuery as exc:
        return _bad(exc)


def _draft_candidate(candidate: dict[str, Any], lang: str) -> dict[str, Any]:
    return {**candidate, "name": [{"str": candidate["name"], "lang": lang}],
            "description": [{"str": candidate["description"], "lang": lang}]}


# --- data extension ---------------------------------------------------------------------------

def _extend(raw: Any, lang: str) -> Response:
    index = _index()
    try:
        query = json.loads(raw) if isinstance(raw, str | bytes) else raw
    except ValueError as exc:
        return error_response(400, "Bad Request", f"extend is not valid JSON: {exc}")
    if not isinstance(query, dict) or not isinstance(query.get("ids"), list) or \
            not isinstance(query.get("properties"), list):
        return error_response(400, "Bad Request", "extend needs {\"ids\": [...], "
                              "\"properties\": [{\"id\": \"inCounty\"}, ...]}")
    if len(query["ids"]) > 10 * BATCH_SIZE:
        return error_response(413, "Payload Too Large",
                              f"at most {10 * BATCH_SIZE} ids per extend request")
    pids = []
    for item in query["properties"]:
        pid = NameIndex.property_name(str(item.get("id", ""))) if isinstance(item, dict) \
            else None
        if pid is None:
            return error_response(400, "Bad Request", f"unknown property {item!r}; known: "
                                  f"{', '.join(PROPERTIES)}")
        pids.append(pid)
    meta = []
    for pid in pids:
        entry: dict[str, Any] = property_json(index, pid, lang)
        if pid in RANGES:
            entry["type"] = type_json(index, RANGES[pid], lang)
        meta.append(entry)
    rows: dict[str, dict[str, list[dict[str, str]]]] = {}
    for ref in query["ids"]:
        entity = index.entity(str(ref))
        rows[str(ref)] = {pid: [_value_json(index, v, lang) for v in sorted(
            entity.facts.get(pid, ()))] if entity else [] for pid in pids}
    return _answer({"meta": meta, "rows": rows})


def _value_json(index: NameIndex, value: str, lang: str) -> dict[str, str]:
    if value.startswith(index.identifier_space):
        return {"id": value[len(index.identifier_space):], "name": index.label_of(value, lang)}
    return {"str": value}


# --- the endpoint -----------------------------------------------------------------------------

def manifest(lang: str) -> dict[str, Any]:
    index = _index()
    host = request.host_url.rstrip("/")
    return {
        "versions": ["0.1", "0.2"],
        "name": SERVICE_NAME[lang],
        "identifierSpace": index.identifier_space,
        "schemaSpace": str(SEG),
        "serviceVersion": __version__,
        "documentation": f"{host}/api/openapi.json",
        "defaultTypes": [type_json(index, t, lang) for t in KINDS],
        "view": {"url": f"{host}/id/{{{{id}}}}"},
        "preview": {"url": f"{host}/reconcile/preview?id={{{{id}}}}", "width": PREVIEW_WIDTH,
                    "height": PREVIEW_HEIGHT},
        "suggest": {
            "entity": {"service_url": host, "service_path": "/reconcile/suggest/entity",
                       "flyout_service_path": "/reconcile/flyout/entity?id=${id}"},
            "type": {"service_url": host, "service_path": "/reconcile/suggest/type"},
            "property": {"service_url": host, "service_path": "/reconcile/suggest/property"},
        },
        "extend": {"propose_properties": {"service_url": host,
                                          "service_path": "/reconcile/properties"},
                   "property_settings": []},
        "batchSize": BATCH_SIZE,
    }


@bp.route("/reconcile", methods=["GET", "POST"])
def reconcile() -> Response:
    state = _state()
    lang = page_language()[0]
    queries = request.values.get("queries")
    extend = request.values.get("extend")
    body = request.get_json(silent=True) if request.method == "POST" and request.is_json \
        else None
    if queries is None and extend is None and body is None:
        if request.method == "POST" and request.get_data():
            return error_response(400, "Bad Request",
                                  "POST a form with a \"queries\" (or \"extend\") field, or a "
                                  "JSON body of queries.")
        return _answer(manifest(lang))
    refused = rate_limited(state)
    if refused is not None:
        return refused
    if extend is not None or (isinstance(body, dict) and "ids" in body):
        return _extend(extend if extend is not None else body, lang)
    return _queries(queries if queries is not None else body, lang)


@bp.get("/reconcile/preview")
def preview() -> Response:
    index = _index()
    lang = page_language()[0]
    entity = index.entity(request.args.get("id", ""))
    if entity is None:
        return error_response(404, "Not Found",
                              f"No resource with id {request.args.get('id', '')!r}; ids look "
                              "like municipality/1280.")
    facts = []
    for pid in KIND_PROPERTIES.get(entity.kind, ()):
        values = sorted(entity.facts.get(pid, ()))
        if values:
            facts.append({"name": property_json(index, pid, lang)["name"],
                          "values": [{"text": index.label_of(v, lang),
                                      "href": "/id/" + v[len(index.identifier_space):]
                                      if v.startswith(index.identifier_space) else None}
                                     for v in values[:8]], "more": max(0, len(values) - 8)})
    text = entity.texts.get(lang) or entity.texts.get("sv") or entity.texts.get("en") or ""
    html = render_template(
        "reconcile_preview.html", lang=lang, entity=entity, name=entity.label(lang),
        href="/id/" + entity.id, description=describe(index, entity, lang), facts=facts,
        text=text if len(text) <= 220 else text[:219].rstrip() + "…",
        width=PREVIEW_WIDTH, height=PREVIEW_HEIGHT)
    return Response(html, content_type="text/html; charset=utf-8")


def _paging() -> tuple[int, int]:
    try:
        cursor = max(0, int(request.args.get("cursor", 0)))
        limit = min(MAX_LIMIT, max(1, int(request.args.get("limit", 10))))
    except ValueError:
        cursor, limit = 0, 10
    return cursor, limit


@bp.get("/reconcile/suggest/entity")
def suggest_entity() -> Response:
    index = _index()
    lang = page_language()[0]
    refused = rate_limited(_state())
    if refused is not None:
        return refused
    try:
        types = _types(index, request.args.getlist("type") or None, "suggest")
    except BadQuery as exc:
        return _bad(exc)
    cursor, limit = _paging()
    found = index.suggest(request.args.get("prefix", ""), types=types, limit=limit,
                          cursor=cursor)
    return _answer({"result": [
        {"id": e.id, "name": e.label(lang), "description": describe(index, e, lang),
         "notable": [type_json(index, e.kind, lang)]} for e in found]})



def _prefixed(wanted: str, ident: str, name: str) -> bool:
    """Whether a suggestion fits the typed ``wanted`` (case-folded): its id starts with it, or
    a word of its id or name does; everything fits an empty prefix."""
    return not wanted or ident.casefold().startswith(wanted) or any(
        word.startswith(wanted) for text in (ident, name) for word in text.casefold().split())

@bp.get("/reconcile/suggest/type")
def suggest_type() -> Response:
    index = _index()
    lang = page_language()[0]
    wanted = request.args.get("prefix", "").strip().casefold()
    names = sorted({t for ts in index.subtypes.values() for t in ts},
                   key=lambda t: (t not in KINDS, KINDS.index(t) if t in KINDS else 0, t))
    found = [type_json(index, t, lang) for t in names]
    found = [t for t in found if _prefixed(wanted, t["id"], t["name"])]
    cursor, limit = _paging()
    return _answer({"result": found[cursor:cursor + limit]})


@bp.get("/reconcile/suggest/property")
def suggest_property() -> Response:
    index = _index()
    lang = page_language()[0]
    wanted = request.args.get("prefix", "").strip().casefold()
    found = [property_json(index, p, lang) for p in PROPERTIES]
    found = [p for p in found if _prefixed(wanted, p["id"], p["name"])]
    for p in found:
        p["description"] = ", ".join(type_json(index, k, lang)["name"]
                                     for k, ps in KIND_PROPERTIES.items() if p["id"] in ps)
    cursor, limit = _paging()
    return _answer({"result": found[cursor:cursor + limit]})


@bp.get("/reconcile/flyout/entity")
def flyout_entity() -> Response:
    index = _index()
    lang = page_language()[0]
    entity = index.entity(request.args.get("id", ""))
    if entity is None:
        return error_response(404, "Not Found", "No resource with that id.")
    html = (f"<p style=\"font-size:.8em\"><strong>{escape(entity.label(lang))}</strong><br>"
            f"{escape(describe(index, entity, lang))}</p>")
    return _answer({"id": entity.id, "html": html})


@bp.get("/reconcile/properties")
def propose_properties() -> Response:
    index = _index()
    lang = page_language()[0]
    given = request.args.get("type", "")
    name = index.type_name(given) if given else None
    if name is None:
        return error_response(400, "Bad Request",
                              f"type={given!r} is not a known type; known: {', '.join(KINDS)}")
    limit = _paging()[1]
    kind = index.kind_of_type(name) or name
    properties = [property_json(index, p, lang) for p in KIND_PROPERTIES.get(kind, ())]
    answer: dict[str, Any] = {"type": name, "properties": properties[:limit]}
    if "limit" in request.args:
        answer["limit"] = limit
    return _answer(answer)
