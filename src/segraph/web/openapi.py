"""The OpenAPI 3.1 description of ``/api/link``, ``/api/match`` and ``/reconcile``, written by
hand, served at ``/api/openapi.json``. The tests check it with openapi-spec-validator and check
real answers against its response schemas."""

from __future__ import annotations

from typing import Any

from segraph import __version__
from segraph.linking.results import SOURCES
from segraph.matching import GEOGRAPHY, NEED_WEIGHTS

FACTORS = ["challenge", "broader-narrower", "sdg-target", "activity-type", "geography"]
NEED_SOURCES = list(NEED_WEIGHTS)  # asserted, agreement, policy
NEARBY_SCORES = sorted({v for v in GEOGRAPHY.values() if v > 0}, reverse=True)
KINDS = ["Municipality", "County", "SocialEnterprise", "SocietalChallenge", "SDGGoal",
         "SDGTarget"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Any], required: list[str] | None = None, *,
            description: str = "", closed: bool = True) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties,
                              "required": list(properties) if required is None else required}
    if closed:
        schema["additionalProperties"] = False
    if description:
        schema["description"] = description
    return schema


def _json_response(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": _json_response("The request cannot be answered; `error` says what to change.",
                          _ref("Error")),
    "413": _json_response("The text is longer than the max_text_length setting.",
                          _ref("Error")),
    "429": _json_response("Too many requests from this address (see Retry-After).",
                          _ref("Error")),
}
LANG = {"type": "string", "enum": ["sv", "en"]}
URI = {"type": "string", "format": "uri"}


def schemas(max_text_length: int) -> dict[str, Any]:
    score = {"type": "number"}
    return {
        "Error": _object({
            "ok": {"const": False}, "status": {"type": "integer"}, "title": {"type": "string"},
            "error": {"type": "string", "description": "What went wrong and what to do, in "
                                                       "the request's language (lang=, else "
                                                       "Accept-Language; Swedish by default)."},
            "messages": _object({"sv": {"type": "string"}, "en": {"type": "string"}},
                                description="The message in Swedish and English."),
            "closest": {"type": "array", "items": _ref("Named"),
                        "description": "For a name that names nothing: the closest names."},
            "retry_after": {"type": "integer"},
        }, ["ok", "status", "title", "error"]),
        "Named": _object({"uri": URI, "id": {"type": "string"}, "label": {"type": "string"},
                          "score": score}),
        "Evidence": _object({
            "text": {"type": "string", "description": "The words as they occur in the text."},
            "term": {"type": "string", "description": "The vocabulary term (or concept) they "
                                                      "matched."},
            "source": {"type": "string", "enum": list(SOURCES)},
            "lang": LANG, "weight": score}),
        "ChallengeLink": _object({
            "uri": URI, "label": {"type": "string"},
            "score": {"type": "number", "minimum": 0},
            "evidence": {"type": "array", "items": _ref("Evidence")}},
            description="A societal challenge the text addresses."),
        "GoalLink": _object({
            "uri": URI, "label": {"type": "string"}, "score": {"type": "number", "minimum": 0},
            "evidence": {"type": "array", "items": _ref("Evidence")},
            "notation": {"type": "string", "pattern": r"^[0-9]{1,2}$"}},
            description="An SDG goal; notation \"8\"."),
        "TargetLink": _object({
            "uri": URI, "label": {"type": "string"}, "score": {"type": "number", "minimum": 0},
            "evidence": {"type": "array", "items": _ref("Evidence")},
            "notation": {"type": "string", "pattern": r"^[0-9]{1,2}\.([0-9]{1,2}|[a-z])$"}},
            description="An SDG target; notation \"8.5\"."),
        "LinkResult": _object({
            "lang": {**LANG, "description": "The language given, or detected."},
            "challenges": {"type": "array", "items": _ref("ChallengeLink")},
            "goals": {"type": "array", "items": _ref("GoalLink")},
            "targets": {"type": "array", "items": _ref("TargetLink")}},
            description="Each list ranked, strongest first; all empty when the text addresses "
                        "none of them."),
        "LinkRequest": _object({
            "text": {"type": "string", "minLength": 1, "maxLength": max_text_length,
                     "description": "A description in Swedish or English, a sentence to a "
                                    "page."},
            "lang": {**LANG, "description": "The text's language; detected when left out."},
            "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10,
                      "description": "Most links per list."}}, ["text"]),
        "Reason": _object({
            "factor": {"type": "string", "enum": FACTORS},
            "score": {"type": "number", "description": "This factor's part of the score."},
            "text": {"type": "string", "description": "A sentence a person reads, in the "
                                                      "answer's language."},
            "evidence": {"type": "array", "items": URI,
                         "description": "The IRIs involved: challenges, targets, places …"}}),
        "Match": _object({
            "uri": URI, "label": {"type": "string"},
            "score": {"type": "number", "description": "The sum of the reasons' scores."},
            "reasons": {"type": "array", "items": _ref("Reason")}}),
        "Need": _object({
            "uri": URI, "label": {"type": "string"},
            "source": {"type": "string", "enum": NEED_SOURCES,
                       "description": "asserted: the municipality states it "
                                      "(seg:facesChallenge); agreement: derived from its "
                                      "agreements (seg:servesChallenge); policy: derived from "
                                      "an SDG target its policy documents link to."},
            "weight": {"type": "number", "exclusiveMinimum": 0, "maximum": 1,
                       "description": "The need weight: " + ", ".join(
                           f"{w} {s}" for s, w in NEED_WEIGHTS.items()) + "."},
            "evidence": {"type": "array", "items": URI,
                         "description": "What a derived need rests on: the agreements, or "
                                        "the policy document and its SDG target; empty when "
                                        "asserted."}},
            description="A societal challenge the municipality is matched on."),
        "NearbyMatch": _object({
            "uri": URI, "label": {"type": "string"},
            "score": {"type": "number", "enum": NEARBY_SCORES,
                      "description": "The geography score alone: same municipality "
                                     f"{GEOGRAPHY['municipality']}, operates there "
                                     f"{GEOGRAPHY['operates']}, same FA region "
                                     f"{GEOGRAPHY['fa-region']}, same county "
                                     f"{GEOGRAPHY['county']}."},
            "reasons": {"type": "array", "minItems": 1, "maxItems": 1, "items": {"allOf": [
                _ref("Reason"), {"properties": {"factor": {"const": "geography"}}}]},
                "description": "One geography reason: where the enterprise is, seen from the "
                               "municipality."},
            "basis": {"const": "proximity",
                      "description": "Ranked by proximity only, not matched on any need."}},
            description="A social enterprise near a municipality without needs, by proximity "
                        "only (endast efter närhet)."),
        "Note": _object({"sv": {"type": "string"}, "en": {"type": "string"}},
                        description="A message in Swedish and English."),
        "Subject": _object({
            "kind": {"type": "string",
                     "enum": ["municipality", "enterprise", "challenge", "text"]},
            "uri": {"type": ["string", "null"], "format": "uri"},
            "label": {"type": "string"}}),
        "Matches": _object({
            "subject": _ref("Subject"), "lang": LANG,
            "needs": {"type": "array", "items": _ref("Need"),
                      "description": "For a municipality: the societal challenges it is "
                                     "matched on, recorded or derived; empty when it has "
                                     "none, and then note and nearby are given."},
            "note": {**_ref("Note"),
                     "description": "For a municipality without needs only: says that no "
                                    "societal challenge is recorded for it, that nearby is "
                                    "ranked by proximity only, and how to match on needs "
                                    "anyway (POST a text with the municipality)."},
            "enterprises": {"type": "array", "items": _ref("Match"),
                            "description": "For a municipality or a challenge: the social "
                                           "enterprises that fit its needs or work on it, best "
                                           "first (empty for a municipality without needs)."},
            "nearby": {"type": "array", "items": _ref("NearbyMatch"),
                       "description": "For a municipality without needs only: the social "
                                      "enterprises seated in it, operating there, in its FA "
                                      "region or in its county, ranked by proximity only "
                                      "(then by name), at most limit; empty when none is "
                                      "near."},
            "municipalities": {"type": "array", "items": _ref("Match"),
                               "description": "For an enterprise or a challenge: the "
                                              "municipalities, best first."}},
            ["subject", "lang"]),
        "TextMatchRequest": _object({
            "text": {"type": "string", "minLength": 1, "maxLength": max_text_length},
            "lang": LANG,
            "municipality": {"type": "string", "description": "Rank enterprises near this "
                                                              "municipality: kommunkod, id, "
                                                              "URI or name."},
            "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
            ["text"]),
        "TextMatches": _object({
            "subject": _ref("Subject"), "lang": LANG, "link": _ref("LinkResult"),
            "municipality": _ref("Subject"),
            "enterprises": {"type": "array", "items": _ref("Match")}},
            ["subject", "lang", "link", "enterprises"]),
        "ReconciliationType": _object({"id": {"type": "string"}, "name": {"type": "string"}}),
        "ReconciliationCandidate": _object({
            "id": {"type": "string", "description": "Relative to the identifier space: "
                                                    "municipality/1280."},
            "name": {"type": "string"}, "description": {"type": "string"},
            "type": {"type": "array", "items": _ref("ReconciliationType")},
            "score": {"type": "number", "minimum": 0, "maximum": 100},
            "match": {"type": "boolean"},
            "features": {"type": "array", "items": _object(
                {"id": {"type": "string"}, "value": {"type": ["boolean", "number"]}})}}),
        "ReconciliationResults": {
            "type": "object", "description": "One result per query key of the batch.",
            "additionalProperties": _object({"result": {
                "type": "array", "items": _ref("ReconciliationCandidate")}})},
        "Manifest": _object({
            "versions": {"type": "array", "items": {"type": "string"}, "contains": {
                "const": "0.2"}},
            "name": {"type": "string"}, "identifierSpace": URI, "schemaSpace": URI,
            "serviceVersion": {"type": "string"}, "documentation": URI,
            "defaultTypes": {"type": "array", "items": _ref("ReconciliationType")},
            "view": _object({"url": {"type": "string", "pattern": r"\{\{id\}\}"}}),
            "preview": _object({"url": {"type": "string", "pattern": r"\{\{id\}\}"},
                                "width": {"type": "integer"}, "height": {"type": "integer"}}),
            "suggest": {"type": "object"}, "extend": {"type": "object"},
            "batchSize": {"type": "integer"}},
            ["versions", "name", "identifierSpace", "schemaSpace"]),
    }


def _param(name: str, description: str, schema: dict[str, Any], example: str | None = None
           ) -> dict[str, Any]:
    param = {"name": name, "in": "query", "required": False, "description": description,
             "schema": schema}
    if example is not None:
        param["example"] = example
    return param


def document(settings: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI 3.1 document (``maxLength`` of texts from ``max_text_length``)."""
    limit = {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}
    lang_param = _param("lang", "The language of labels and reasons (default: the page "
                                "language, else Swedish).", LANG)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "segraph linking and matching API",
            "version": __version__,
            "summary": "Explainable linking of texts to societal challenges and SDG goals and "
                       "targets, and matching of social enterprises and municipalities.",
            "description": "Every answer is ranked and explained: links carry the evidence "
                           "(the words and the vocabulary terms they matched), matches the "
                           "reasons their score is made of (challenges, SKOS broader/narrower, "
                           "SDG targets, activity types, geography). Labels in Swedish or "
                           "English.",
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/link": {"post": {
                "operationId": "link",
                "summary": "Link a text to challenges, SDG goals and targets",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": _ref("LinkRequest"),
                    "example": {"text": "Vi anställer långtidsarbetslösa i vår second "
                                        "hand-butik.", "lang": "sv"}}}},
                "responses": {"200": _json_response("The links, ranked, with evidence.",
                                                    _ref("LinkResult")), **ERRORS}}},
            "/api/match": {
                "get": {
                    "operationId": "match",
                    "summary": "Rank enterprises for a municipality, municipalities for an "
                               "enterprise, or both for a challenge",
                    "description": "Give exactly one of municipality, enterprise, challenge. "
                                   "A name that names nothing is a 400 naming the closest.",
                    "parameters": [
                        _param("municipality", "Kommunkod, id, URI or name.",
                               {"type": "string"}, "1283"),
                        _param("enterprise", "Organisationsnummer, id, URI or name.",
                               {"type": "string"}),
                        _param("challenge", "Challenge key, id, URI or label.",
                               {"type": "string"}),
                        lang_param, _param("limit", "Most matches per list.", limit)],
                    "responses": {"200": _json_response("The matches, with every reason.",
                                                        _ref("Matches")),
                                  "304": {"description": "Not modified (If-None-Match)."},
                                  "400": ERRORS["400"], "429": ERRORS["429"]}},
                "post": {
                    "operationId": "matchText",
                    "summary": "Link a description, then rank the enterprises for its "
                               "challenges",
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": _ref("TextMatchRequest"),
                        "example": {"text": "Ensamhet bland äldre och långtidsarbetslöshet",
                                    "municipality": "1283"}}}},
                    "responses": {"200": _json_response("The links and the enterprises.",
                                                        _ref("TextMatches")), **ERRORS}}},
            "/reconcile": {
                "get": {
                    "operationId": "reconcile",
                    "summary": "W3C Reconciliation Service API 0.2: the manifest, or a batch "
                               "in queries=",
                    "parameters": [
                        _param("queries", "A JSON batch: {\"q0\": {\"query\": \"Malmö stad\", "
                                          "\"type\": \"Municipality\"}}.", {"type": "string"}),
                        _param("callback", "A JSONP callback name.", {"type": "string"}),
                        lang_param],
                    "responses": {"200": _json_response(
                        "The manifest (no parameters) or the results of the batch.",
                        {"oneOf": [_ref("Manifest"), _ref("ReconciliationResults")]}),
                        "400": ERRORS["400"],
                        "413": _json_response("More queries than the manifest's batchSize.",
                                              _ref("Error"))}},
                "post": {
                    "operationId": "reconcileBatch",
                    "summary": "A batch of reconciliation queries as a form field queries=",
                    "requestBody": {"required": True, "content": {
                        "application/x-www-form-urlencoded": {"schema": {
                            "type": "object", "properties": {"queries": {"type": "string"}},
                            "required": ["queries"]}}}},
                    "responses": {"200": _json_response("The results of the batch.",
                                                        _ref("ReconciliationResults")),
                                  "400": ERRORS["400"]}}},
        },
        "components": {"schemas": schemas(int(settings["max_text_length"]))},
    }
