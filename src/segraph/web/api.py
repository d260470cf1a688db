"""``/api/link`` and ``/api/match``: text linking and explained matching as JSON, described by
``/api/openapi.json`` (OpenAPI 3.1, :mod:`segraph.web.openapi`).

- ``POST /api/link`` ``{"text": "...", "lang": "sv"|"en" (optional), "limit": N (optional)}``
  -> the challenges, SDG goals and targets the text addresses, ranked, with evidence
  (:class:`segraph.linking.LinkResult`);
- ``GET /api/match?municipality=`` (kommunkod, id, IRI or name) -> its needs and the
  enterprises that fit them; for a municipality without any recorded or derived challenge
  ``"needs": []``, a ``"note"`` {sv, en} saying so and the enterprises ``"nearby"``, ranked by
  proximity only;
  ``?enterprise=`` (organisationsnummer, id, IRI or name) -> the municipalities that need it;
  ``?challenge=`` (key, id, IRI or label) -> the enterprises working on it and the
  municipalities that face it; with ``lang`` and ``limit``;
- ``POST /api/match`` ``{"text", "lang"?, "municipality"?, "limit"?}`` -> the text linked, then
  the enterprises for its challenges (weighted by the linker's scores), optionally near one
  municipality.

The linker and matcher are built once per served graph, in ``create_app`` before the workers
fork. Errors are JSON (``{"ok": false, "status", "title", "error"}``); a name that names
nothing says which names are closest (``"closest": [...]``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, current_app, request

from segraph.linking import LinkResult
from segraph.matching import Match, UnknownResource
from segraph.matching.from_text import LINK_LIMIT, enterprises_for_text
from segraph.reconciliation import Candidate, Entity, NameIndex, find
from segraph.web.conditional import etag, not_modified
from segraph.web.errors import error_body, retry_after
from segraph.web.language import LANGUAGES, page_language

if TYPE_CHECKING:
    from segraph.web import Segraph

bp = Blueprint("api", __name__)

DEFAULT_LIMIT, MAX_LIMIT = 20, 100
SV_WORDS = {"municipality": "kommun", "enterprise": "företag", "challenge": "utmaning"}
SUBJECTS = {  # parameter -> (kind in the name index, word in messages)
    "municipality": ("Municipality", "municipality"),
    "enterprise": ("SocialEnterprise", "enterprise"),
    "challenge": ("SocietalChallenge", "challenge"),
}


class ApiError(Exception):
    """An answer other than 200, with a message that says what to do."""

    def __init__(self, status: int, title: str, message: str, *, sv: str = "",
                 **extra: Any) -> None:
        super().__init__(message)
        self.status, self.title, self.message, self.extra = status, title, message, extra
        self.messages = {"sv": sv or message, "en": message}

    def response(self) -> Response:
        lang = page_language()[0]
        body = {**error_body(self.status, self.title, self.messages[lang]),
                "messages": self.messages, **self.extra}
        answer = Response(json.dumps(body, ensure_ascii=False), status=self.status,
                          content_type="application/json; charset=utf-8")
        if self.status == 429 and "retry_after" in self.extra:
            answer.headers["Retry-After"] = str(self.extra["retry_after"])
        return answer


def _json(data: Any) -> Response:
    return Response(json.dumps(data, ensure_ascii=False),
                    content_type="application/json; charset=utf-8")


def _state() -> Segraph:
    return current_app.extensions["segraph"]


def _check_rate(state: Segraph) -> None:
    retry = retry_after(state)
    if retry is not None:
        raise ApiError(429, "Too Many Requests",
                       f"Too many requests from your address; at most "
                       f"{state.settings['rate_limit']} per minute. Try again in {retry} s.",
                       sv=f"För många anrop från din adress; högst {state.settings['rate_limit']} "
                          f"per minut. Försök igen om {retry} s.",
                       retry_after=retry)


# --- reading requests ---------------------------------------------------------------------------

def read_limit(value: Any, default: int, most: int) -> int:
    if value is None or value == "":
        return default
    try:
        limit = int(value)
    except (TypeError, ValueError):
        raise ApiError(400, "Bad Request", f"limit must be a whole number from 1 to {most}, "
                                           f"not {value!r}.",
                       sv=f"limit ska vara ett heltal från 1 till {most}, inte {value!r}."
                       ) from None
    if not 1 <= limit <= most:
        raise ApiError(400, "Bad Request", f"limit must be from 1 to {most}, not {limit}.",
                       sv=f"limit ska vara från 1 till {most}, inte {limit}.")
    return limit


def read_lang(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if value not in LANGUAGES:
        raise ApiError(400, "Bad Request", f"lang must be \"sv\" or \"en\", not {value!r}.",
                       sv=f"lang ska vara \"sv\" eller \"en\", inte {value!r}.")
    return str(value)


def read_text(value: Any, settings: dict[str, Any]) -> str:
    """The description to link: a non-empty string within ``max_text_length``."""
    if value is None:
        raise ApiError(400, "Bad Request", "Send the description as \"text\": "
                                           "{\"text\": \"Vi anställer långtidsarbetslösa …\"}.",
                       sv="Skicka beskrivningen som \"text\": "
                          "{\"text\": \"Vi anställer långtidsarbetslösa …\"}.")
    if not isinstance(value, str):
        raise ApiError(400, "Bad Request", "\"text\" must be a string.",
                       sv="\"text\" ska vara en sträng.")
    if not value.strip():
        raise ApiError(400, "Bad Request", "The text is empty; describe the enterprise or "
                                           "project in a sentence or more.",
                       sv="Texten är tom; beskriv företaget eller projektet med en mening "
                          "eller mer.")
    most = int(settings["max_text_length"])
    if len(value) > most:
        raise ApiError(413, "Payload Too Large",
                       f"The text is {len(value):,} characters; at most {most:,} are accepted "
                       "(the max_text_length setting). Send its most telling part.",
                       sv=f"Texten har {len(value):,} tecken; högst {most:,} tas emot "
                          "(inställningen max_text_length). Skicka den mest talande delen.")
    return value


def json_body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "Bad Request", "Send a JSON object (Content-Type: application/json)"
                                           ", such as {\"text\": \"…\", \"lang\": \"sv\"}.",
                       sv="Skicka ett JSON-objekt (Content-Type: application/json), till "
                          "exempel {\"text\": \"…\", \"lang\": \"sv\"}.")
    return data


def closest_json(index: NameIndex, found: list[Candidate], lang: str) -> list[dict[str, Any]]:
    return [{"uri": c.entity.iri, "id": c.entity.id, "label": c.entity.label(lang),
             "score": c.score} for c in found]


def resolve(index: NameIndex, param: str, value: str, lang: str) -> Entity:
    """The municipality, enterprise or challenge ``value`` names; else a 400 naming the
    closest."""
    kind, word = SUBJECTS[param]
    value = value.strip()
    if not value:
        raise ApiError(400, "Bad Request", f"{param}= is empty.", sv=f"{param}= är tomt.")
    entity, near = find(index, kind, value)
    if entity is not None:
        return entity
    names = ", ".join(f"{c.entity.label(lang)} ({c.entity.id})" for c in near)
    hint = f" Closest: {names}." if names else ""
    raise ApiError(400, "Bad Request",
                   f"No {word} is named {value!r}.{hint} Give its "
                   f"{'kommunkod, ' if param == 'municipality' else ''}id or URI.",
                   sv=f"Ingen {SV_WORDS[param]} heter {value!r}."
                      f"{f' Närmast: {names}.' if names else ''} Ange "
                      f"{'kommunkoden, ' if param == 'municipality' else ''}id eller URI.",
                   closest=closest_json(index, near, lang))


# --- answers ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Subject:
    kind: str           # "municipality" | "enterprise" | "challenge" | "text"
    uri: str | None
    label: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "uri": self.uri, "label": self.label}


def subject_of(param: str, entity: Entity, lang: str) -> Subject:
    return Subject(param, entity.iri, entity.label(lang))


def needs_json(state: Segraph, municipality: str, lang: str) -> list[dict[str, Any]]:
    """The challenges a municipality is matched on: recorded (``asserted``) or derived from its
    agreements (``agreement``) or policy documents (``policy``), with their need weight and the
    IRIs they were derived from."""
    matcher = state.matcher
    return [{"uri": need.challenge,
             "label": matcher.labels(need.challenge).get(lang) or need.challenge,
             "source": need.source, "weight": need.weight, "evidence": list(need.evidence)}
            for need in matcher.profile(municipality).needs.values()]


def no_needs_note(names: dict[str, str]) -> dict[str, str]:
    """What ``/api/match?municipality=`` says of a municipality without any recorded or derived
    challenge, in Swedish and English."""
    sv, en = names.get("sv") or names.get("en", ""), names.get("en") or names.get("sv", "")
    return {
        "sv": f"Inga samhällsutmaningar är registrerade för {sv}, varken angivna eller "
              "härledda ur avtal och styrdokument, så inga företag matchas mot kommunens behov. "
              "Företagen under nearby är rangordnade endast efter närhet (säte i kommunen, "
              "verksamt där, samma FA-region, samma län). Beskriv era behov i en text "
              "(POST /api/match med text och municipality) för att matcha på dem.",
        "en": f"No societal challenges are recorded for {en}, neither stated nor derived from "
              "agreements and policy documents, so no enterprise is matched against the "
              "municipality's needs. The enterprises under nearby are ranked by proximity only "
              "(seat in the municipality, operating there, same labour-market region, same "
              "county). Describe your needs in a text (POST /api/match with text and "
              "municipality) to match on them."}


def match_subject(state: Segraph, param: str, entity: Entity, lang: str, limit: int
                  ) -> dict[str, Any]:
    """The ranked, explained matches for one municipality, enterprise or challenge. For a
    municipality also its needs; when it has none, a note saying so and the enterprises
    ``nearby``, by proximity only."""
    matcher = state.matcher
    answer: dict[str, Any] = {"subject": subject_of(param, entity, lang).to_json(), "lang": lang}
    if param == "municipality":
        answer["needs"] = needs_json(state, entity.iri, lang)
        if not answer["needs"]:
            answer["note"] = no_needs_note(matcher.labels(entity.iri))
            answer["nearby"] = [{**m.to_json(lang), "basis": "proximity"}
                                for m in matcher.enterprises_near(entity.iri, limit=limit)]
        found = {"enterprises": matcher.enterprises_for_municipality(entity.iri, limit=limit)}
    elif param == "enterprise":
        found = {"municipalities": matcher.municipalities_for_enterprise(entity.iri,
                                                                         limit=limit)}
    else:
        both = matcher.for_challenge(entity.iri, limit=limit)
        found = {"enterprises": both.get("enterprises", []),
                 "municipalities": both.get("municipalities", [])}
    for key, matches in found.items():
        answer[key] = [m.to_json(lang) for m in matches]
    return answer


def link_and_match(state: Segraph, text: str, lang: str | None, municipality: Entity | None,
                   limit: int) -> tuple[LinkResult, list[Match]]:
    """:func:`segraph.matching.from_text.enterprises_for_text` on the served graph."""
    return enterprises_for_text(state.linker, state.matcher, text, lang=lang,
                                municipality=municipality.iri if municipality else None,
                                limit=limit)


def match_text(state: Segraph, text: str, lang: str | None, municipality: Entity | None,
               limit: int) -> dict[str, Any]:
    """:func:`link_and_match` as JSON, in the given or detected language."""
    linked, matches = link_and_match(state, text, lang, municipality, limit)
    shown = lang or linked.lang
    short = " ".join(text.split())
    answer: dict[str, Any] = {
        "subject": Subject("text", None, short if len(short) <= 80 else short[:79] + "…"
                           ).to_json(),
        "lang": shown, "link": linked.to_json(),
        "enterprises": [m.to_json(shown) for m in matches]}
    if municipality is not None:
        answer["municipality"] = subject_of("municipality", municipality, shown).to_json()
    return answer


# --- the endpoints ------------------------------------------------------------------------------

def text_request(state: Segraph, default_limit: int
                 ) -> tuple[dict[str, Any], str, str | None, int]:
    """A POSTed ``{"text", "lang"?, "limit"?}`` (after the rate limit): the body, the text, the
    language and the limit, or :class:`ApiError`."""
    _check_rate(state)
    data = json_body()
    return (data, read_text(data.get("text"), state.settings), read_lang(data.get("lang")),
            read_limit(data.get("limit"), default_limit, MAX_LIMIT))


@bp.post("/api/link")
def link() -> Response:
    state = _state()
    try:
        _, text, lang, limit = text_request(state, LINK_LIMIT)
    except ApiError as exc:
        return exc.response()
    return _json(state.linker.link(text, lang, limit=limit).to_json())


@bp.get("/api/match")
def match_get() -> Response:
    state = _state()
    lang = page_language()[0]
    try:
        lang = read_lang(request.args.get("lang")) or lang
        given = [p for p in SUBJECTS if request.args.get(p) is not None]
        if len(given) != 1:
            raise ApiError(400, "Bad Request",
                           "Give exactly one of municipality= (kommunkod, id, URI or name), "
                           "enterprise= (organisationsnummer, id, URI or name) or challenge= "
                           "(key, id, URI or label); or POST {\"text\": …} to match a "
                           "description.",
                           sv="Ange exakt en av municipality= (kommunkod, id, URI eller namn), "
                              "enterprise= (organisationsnummer, id, URI eller namn) eller "
                              "challenge= (nyckel, id, URI eller benämning); eller POST "
                              "{\"text\": …} för att matcha en beskrivning.")
        param = given[0]
        limit = read_limit(request.args.get("limit"), DEFAULT_LIMIT, MAX_LIMIT)
        tag = etag(state.graph.version, "api/match", param, request.args[param], lang,
                   str(limit))
        cached = not_modified(tag, "Accept-Language", "Cookie")
        if cached is not None:
            return cached
        _check_rate(state)
        entity = resolve(state.names, param, request.args[param], lang)
    except ApiError as exc:
        return exc.response()
    try:
        found = match_subject(state, param, entity, lang, limit)
    except UnknownResource as exc:
        return ApiError(400, "Bad Request", f"{exc}.").response()
    answer = _json(found)
    answer.set_etag(tag)
    return answer


@bp.post("/api/match")
def match_post() -> Response:
    state = _state()
    try:
        data, text, lang, limit = text_request(state, DEFAULT_LIMIT)
        place = data.get("municipality")
        if place is not None and not isinstance(place, str):
            raise ApiError(400, "Bad Request", "\"municipality\" must be a kommunkod, id, URI "
                                               "or name.",
                           sv="\"municipality\" ska vara en kommunkod, ett id, en URI eller "
                              "ett namn.")
        municipality = resolve(state.names, "municipality", place, lang or "sv") \
            if place else None
    except ApiError as exc:
        return exc.response()
    return _json(match_text(state, text, lang, municipality, limit))


@bp.get("/api/openapi.json")
def openapi() -> Response:
    from segraph.web.openapi import document

    state = _state()
    tag = etag(state.graph.version, "openapi", str(state.settings["max_text_length"]))
    cached = not_modified(tag)
    if cached is not None:
        return cached
    answer = _json(document(state.settings))
    answer.set_etag(tag)
    return answer
