"""``/match``: a page where a person describes what an enterprise or project does, or picks a
municipality, and reads the ranked, explained result.

- ``?text=`` (and optionally ``municipality=``, ``text_lang=``): the societal challenges, SDG
  goals and targets the text addresses, each with its score and evidence (the words of the text
  and the terms they matched), then the social enterprises that work on those challenges,
  ranked nearer the municipality when one is picked;
- ``?municipality=`` alone (kommunkod, id or name; municipality pages link here): the
  enterprises that fit the municipality's challenges, with every reason and what it rests on.
  A municipality without any recorded or derived challenge gets a message saying so and asking
  for its needs in the text form (where the municipality is then already chosen, so typing the
  needs and submitting matches on them near it), and the enterprises near it, ranked and
  labelled by proximity only (:meth:`segraph.matching.Matcher.enterprises_near`).

Plain HTML forms (GET, so a result can be linked to and the language switch keeps it); no
script needed. Every result links to its ``/id/…`` page. Swedish or English like every page
(:func:`segraph.web.language.page_language`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request

from segraph.linking import Link, LinkResult
from segraph.matching import GEOGRAPHY, Match, UnknownResource
from segraph.reconciliation import Entity, NameIndex
from segraph.web.api import find, link_and_match
from segraph.web.documents import Linker
from segraph.web.errors import rate_limited
from segraph.web.language import page_language

if TYPE_CHECKING:
    from segraph.web import Segraph

bp = Blueprint("match_page", __name__)

ENTERPRISES = 20
NEARBY = 10  # enterprises offered by proximity only, for a municipality without needs
FACTOR_NAMES = {
    "challenge": ("Samhällsutmaning", "Societal challenge"),
    "broader-narrower": ("Närliggande utmaning (bredare/smalare)",
                         "Related challenge (broader/narrower)"),
    "sdg-target": ("Delmål i Agenda 2030", "SDG target"),
    "activity-type": ("Verksamhet kommunen köper", "Activity the municipality buys"),
    "geography": ("Geografi", "Geography"),
}
SOURCE_NAMES = {
    "prefLabel": ("benämning", "name"), "altLabel": ("synonym", "synonym"),
    "hiddenLabel": ("sökord", "search term"), "definition": ("definition", "definition"),
    "officialTitle": ("FN:s officiella titel", "UN official title"),
    "via-target": ("via delmål", "via a target"), "via-challenge": ("via utmaning",
                                                                    "via a challenge"),
    "via-goal": ("via mål", "via a goal"),
}
SWEDISH_ORDER = str.maketrans({"å": "z\x01", "ä": "z\x02", "ö": "z\x03", "Å": "z\x01",
                               "Ä": "z\x02", "Ö": "z\x03", "é": "e", "É": "e"})


def _state() -> Segraph:
    return current_app.extensions["segraph"]


def municipalities(index: NameIndex) -> list[dict[str, str]]:
    """Every municipality (kommunkod, name), in Swedish alphabetical order."""
    found = [{"code": e.id.rsplit("/", 1)[-1], "label": e.label("sv")}
             for e in index.entities if e.kind == "Municipality"]
    return sorted(found, key=lambda m: m["label"].lower().translate(SWEDISH_ORDER))


def _short(text: str, most: int = 90) -> str:
    return text if len(text) <= most else text[:most - 1].rstrip() + "…"


def links_view(index: NameIndex, linked: LinkResult, lang: str, link: Linker
               ) -> dict[str, list[dict[str, Any]]]:
    """The linked challenges, goals and targets, labelled in the page language."""

    def one(found: Link) -> dict[str, Any]:
        entity = index.entity(found.uri)
        label = entity.label(lang) if entity else found.label
        return {
            "href": link(found.uri), "label": label, "notation": found.notation,
            "score": found.score,
            "evidence": [{"text": e.text, "term": _short(e.term), "lang": e.lang,
                          "source": SOURCE_NAMES.get(e.source, (e.source, e.source))[
                              lang != "sv"]} for e in found.evidence]}

    return {"challenges": [one(x) for x in linked.challenges],
            "goals": [one(x) for x in linked.goals],
            "targets": [one(x) for x in linked.targets]}


def matches_view(state: Segraph, matches: list[Match], lang: str, link: Linker
                 ) -> list[dict[str, Any]]:
    """Each match with its reasons, and the resources every reason rests on, linked."""
    shown = []
    for found in matches:
        data = found.to_json(lang)
        reasons = []
        for reason in data["reasons"]:
            names = FACTOR_NAMES.get(reason["factor"], (reason["factor"],) * 2)
            reasons.append({
                "factor": names[lang != "sv"], "key": reason["factor"],
                "score": reason["score"], "text": reason["text"],
                "evidence": [{"href": link(iri), "label": state.matcher.labels(iri).get(lang)
                              or iri.rsplit("/", 1)[-1]} for iri in reason["evidence"]]})
        shown.append({"href": link(found.candidate), "label": data["label"],
                      "score": data["score"], "reasons": reasons})
    return shown


def _closest(entities: list[Any], lang: str) -> list[dict[str, str]]:
    return [{"label": c.entity.label(lang),
             "href": "/match?" + urlencode({"municipality": c.entity.id.rsplit("/", 1)[-1],
                                            "lang": lang})} for c in entities]


def _switch(lang: str) -> str:
    """This page's URL in language ``lang`` (the other parameters kept)."""
    args = {k: v for k, v in request.args.items() if k != "lang"}
    return "/match?" + urlencode({**args, "lang": lang})


@bp.get("/match")
def match() -> Response:
    state = _state()
    lang = page_language()[0]
    sv = lang == "sv"
    index = state.names
    text = request.args.get("text", "")
    text_lang = request.args.get("text_lang", "")
    text_lang = text_lang if text_lang in ("sv", "en") else ""
    place = request.args.get("municipality", "").strip()
    context: dict[str, Any] = {
        "lang": lang, "text": text, "text_lang": text_lang, "place": place,
        "municipalities": municipalities(index), "chosen": None, "switch": _switch,
        "max_text_length": int(state.settings["max_text_length"]),
        "links": None, "matches": None, "subject": None, "error": None, "closest": [],
        "nearby": None, "geography": GEOGRAPHY,
    }
    status = 200
    if text.strip() or place:
        refused = rate_limited(state)
        if refused is not None:
            return refused
    municipality: Entity | None = None
    if place:
        municipality, near = find(index, "Municipality", place)
        if municipality is None:
            status = 400
            context["error"] = (f"Ingen kommun heter ”{place}”." if sv else
                                f"No municipality is named “{place}”.")
            context["closest"] = _closest(near, lang)
        else:
            context["chosen"] = municipality.id.rsplit("/", 1)[-1]
    link = Linker()
    most = context["max_text_length"]
    if status == 200 and text.strip():
        if len(text) > most:
            status = 413
            context["error"] = (f"Texten har {len(text):,} tecken; högst {most:,} tas emot. "
                                "Korta den till det viktigaste." if sv else
                                f"The text has {len(text):,} characters; at most {most:,} are "
                                "accepted. Shorten it to what matters most.").replace(",", " ")
        else:
            linked, found = link_and_match(state, text, text_lang or None, municipality,
                                           ENTERPRISES)
            context["links"] = links_view(index, linked, lang, link)
            context["text_detected"] = linked.lang
            context["matches"] = matches_view(state, found, lang, link)
            if municipality is not None:
                context["subject"] = {"href": link(municipality.iri),
                                      "label": municipality.label(lang)}
    elif status == 200 and municipality is not None:
        context["subject"] = {"href": link(municipality.iri), "label": municipality.label(lang)}
        try:
            found = state.matcher.enterprises_for_municipality(municipality.iri,
                                                               limit=ENTERPRISES)
            if not state.matcher.profile(municipality.iri).needs:
                context["nearby"] = matches_view(
                    state, state.matcher.enterprises_near(municipality.iri, limit=NEARBY),
                    lang, link)
        except UnknownResource:
            found = []
        context["matches"] = matches_view(state, found, lang, link)
    html = render_template("match.html", **context)
    return Response(html, status=status, content_type="text/html; charset=utf-8")


@bp.app_template_filter("score")
def score(value: float, lang: str = "sv") -> str:
    """A score with at most two decimals, a decimal comma in Swedish: ``9,6``, ``0,59``."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "sv" else text
