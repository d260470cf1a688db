"""The sentences of the reasons, in Swedish and English.

Every function returns ``{"sv": ..., "en": ...}``. ``who`` is the name of the one the sentence
is about when it is not the candidate itself ("Kooperativet X arbetar med …" when municipalities
are ranked for an enterprise); without it the sentence starts with the verb ("Arbetar med …"),
the candidate being understood. Names are passed in as ``{"sv": ..., "en": ...}`` too.
"""

from __future__ import annotations

Text = dict[str, str]
Names = dict[str, str]


def lower_en(text: str) -> str:
    """``Long-term unemployment`` -> ``long-term unemployment`` (acronyms such as SDG stay)."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def lower(names: Names) -> Names:
    return {lang: lower_en(text) for lang, text in names.items()}


def listing(items: list[str], lang: str) -> str:
    """``a``, ``a och b``, ``a, b och c`` (``and`` in English); ``samt`` (``as well as``) when
    an item has an ``och`` (``and``) of its own."""
    word = " och " if lang == "sv" else " and "
    if any(word in item for item in items):
        word = " samt " if lang == "sv" else " as well as "
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + word + items[-1]


def _verb(who: Names | None, sv: str, en: str) -> Text:
    if who is None:
        return {"sv": sv[0].upper() + sv[1:], "en": en[0].upper() + en[1:]}
    return {"sv": f"{who['sv']} {sv}", "en": f"{who['en']} {en}"}


def _challenge(names: Names) -> Text:
    return {"sv": names["sv"], "en": lower_en(names["en"])}


# --- what the subject has to do with a challenge ----------------------------------------------

def identified(place: Names) -> Text:
    return {"sv": f"som {place['sv']} har identifierat",
            "en": f"which {place['en']} has identified"}


def has_agreements(place: Names, agreement: Names, more: bool) -> Text:
    return {"sv": f"som {place['sv']} redan har avtal om (härlett ur avtalet ”{agreement['sv']}”"
                  f"{' m.fl.' if more else ''})",
            "en": f"which {place['en']} already has agreements on (derived from the agreement "
                  f"“{agreement['en']}”{' and others' if more else ''})"}


def via_policy(place: Names, notation: str) -> Text:
    return {"sv": f"som hör till delmål {notation}, som {place['sv']} har kopplat sitt "
                  "styrdokument till (härlett)",
            "en": f"which belongs to target {notation}, to which {place['en']} has linked its "
                  "policy document (derived)"}


def in_text() -> Text:
    return {"sv": "som texten handlar om", "en": "which the text is about"}


# --- the reasons ----------------------------------------------------------------------------

def works_on(who: Names | None, challenge: Names, clause: Text) -> Text:
    verb, name = _verb(who, "arbetar med", "works on"), _challenge(challenge)
    return {lang: f"{verb[lang]} {name[lang]}, {clause[lang]}" for lang in ("sv", "en")}


def works_on_related(who: Names | None, challenge: Names, related: Names, narrower: bool,
                     clause: Text) -> Text:
    """The candidate's ``challenge`` is one SKOS step from the subject's ``related``."""
    verb, name, other = _verb(who, "arbetar med", "works on"), _challenge(challenge), \
        _challenge(related)
    link = {"sv": f"ett smalare begrepp under {other['sv']}",
            "en": f"a narrower concept under {other['en']}"} if narrower else \
        {"sv": f"det bredare begreppet för {other['sv']}",
         "en": f"the broader concept of {other['en']}"}
    return {lang: f"{verb[lang]} {name[lang]}, {link[lang]}, {clause[lang]}"
            for lang in ("sv", "en")}


def contributes_to_targets(who: Names | None, targets: list[tuple[str, Names]], source: str,
                           place: Names | None) -> Text:
    verb = _verb(who, "bidrar till", "contributes to")
    items = {lang: listing([f"{n} ({names[lang]})" for n, names in targets], lang)
             for lang in ("sv", "en")}
    noun = {"sv": "delmål", "en": "target" if len(targets) == 1 else "targets"}
    if source == "text" or place is None:
        clause = {"sv": "som också berörs av utmaningarna i texten",
                  "en": "which the challenges in the text also bear on"}
    elif source == "policy":
        clause = {"sv": f"som {place['sv']} har kopplat sitt styrdokument till",
                  "en": f"to which {place['en']} has linked its policy document"}
    elif source == "asserted":
        clause = {"sv": f"som också berörs av utmaningar som {place['sv']} har identifierat",
                  "en": f"which challenges {place['en']} has identified also bear on"}
    else:
        clause = {"sv": f"som också berörs av utmaningar som {place['sv']} har avtal om "
                        "(härlett)",
                  "en": f"which challenges {place['en']} has agreements on also bear on "
                        "(derived)"}
    return {lang: f"{verb[lang]} {noun[lang]} {items[lang]}, {clause[lang]}"
            for lang in ("sv", "en")}


def contributes_to_goals(who: Names | None, goals: list[tuple[str, Names]], place: Names
                         ) -> Text:
    verb = _verb(who, "bidrar till", "contributes to")
    items = {lang: listing([f"{n} ({names[lang]})" for n, names in goals], lang)
             for lang in ("sv", "en")}
    noun = {"sv": "mål", "en": "goal" if len(goals) == 1 else "goals"}
    return {"sv": f"{verb['sv']} {noun['sv']} {items['sv']}, som {place['sv']} har kopplat sitt "
                  "styrdokument till",
            "en": f"{verb['en']} {noun['en']} {items['en']}, to which {place['en']} has linked "
                  "its policy document"}


def offers(who: Names | None, activities: list[Names], place: Names, agreements: int) -> Text:
    verb = _verb(who, "erbjuder", "offers")
    items = {lang: listing([names[lang][:1].lower() + names[lang][1:] for names in activities],
                           lang) for lang in ("sv", "en")}
    return {"sv": f"{verb['sv']} {items['sv']}, som {place['sv']} redan köper av sociala företag "
                  f"({agreements} avtal)",
            "en": f"{verb['en']} {items['en']}, which {place['en']} already buys from social "
                  f"enterprises ({agreements} agreement{'s' if agreements != 1 else ''})"}


def geography(who: Names | None, level: str, place: Names, where: Names | None,
              region: Names | None, seat: Names | None) -> Text:
    """``level``: municipality, operates, fa-region, county, elsewhere, unknown. ``where`` is
    the candidate's municipality that is near ``place`` (its seat, or where it operates)."""
    has_seat = _verb(who, "har sitt säte i", "has its seat in")
    operates = _verb(who, "är verksamt i", "operates in")
    if level == "municipality":
        return {lang: f"{has_seat[lang]} {place[lang]}" for lang in ("sv", "en")}
    if level == "operates":
        assert seat is not None
        return {"sv": f"{operates['sv']} {place['sv']} (säte i {seat['sv']})",
                "en": f"{operates['en']} {place['en']} (seat in {seat['en']})"}
    if level == "unknown" or where is None:
        return {"sv": f"{_verb(who, 'har', 'has')['sv']} inget känt säte",
                "en": f"{_verb(who, 'har', 'has')['en']} no known seat"}
    verb = has_seat if where == seat else operates
    if level == "fa-region":
        assert region is not None
        return {"sv": f"{verb['sv']} {where['sv']}, i samma FA-region som {place['sv']} "
                      f"({region['sv']})",
                "en": f"{verb['en']} {where['en']}, in the same labour-market region as "
                      f"{place['en']} ({region['en']})"}
    if level == "county":
        assert region is not None
        return {"sv": f"{verb['sv']} {where['sv']}, i samma län som {place['sv']} "
                      f"({region['sv']})",
                "en": f"{verb['en']} {where['en']}, in the same county as {place['en']} "
                      f"({region['en']})"}
    return {"sv": f"{has_seat['sv']} {where['sv']}, i ett annat län än {place['sv']}",
            "en": f"{has_seat['en']} {where['en']}, in another county than {place['en']}"}


# --- for one challenge ------------------------------------------------------------------------

def enterprise_on_challenge(challenge: Names, via: Names | None, narrower: bool) -> Text:
    """An enterprise working on ``challenge`` itself, or on ``via`` one SKOS step from it."""
    if via is None:
        return {"sv": f"Arbetar med {challenge['sv']}",
                "en": f"Works on {lower_en(challenge['en'])}"}
    step = _skos_step(_challenge(via), _challenge(challenge), narrower)
    return {"sv": f"Arbetar med {step['sv']}", "en": f"Works on {step['en']}"}


def _skos_step(concept: Names, other: Names, narrower: bool) -> Names:
    """``concept``, named as one SKOS step from ``other``."""
    if narrower:
        return {"sv": f"{concept['sv']}, ett smalare begrepp under {other['sv']}",
                "en": f"{concept['en']}, a narrower concept under {other['en']}"}
    return {"sv": f"{concept['sv']}, det bredare begreppet för {other['sv']}",
            "en": f"{concept['en']}, the broader concept of {other['en']}"}


def municipality_on_challenge(source: str, challenge: Names, via: Names | None, narrower: bool,
                              evidence: Names | None, notation: str | None, more: bool) -> Text:
    """A municipality that has (or, ``source`` agreement/policy: is derived to have) the
    challenge, or ``via`` one SKOS step from it."""
    name = _challenge(challenge)
    if via is not None:
        name = _skos_step(_challenge(via), name, narrower)
    if source == "agreement":
        assert evidence is not None
        return {"sv": f"Har avtal om {name['sv']} (härlett ur avtalet ”{evidence['sv']}”"
                      f"{' m.fl.' if more else ''})",
                "en": f"Has agreements on {name['en']} (derived from the agreement "
                      f"“{evidence['en']}”{' and others' if more else ''})"}
    if source == "policy":
        return {"sv": f"Har kopplat sitt styrdokument till delmål {notation}, som "
                      f"{name['sv']} hör till (härlett)",
                "en": f"Has linked its policy document to target {notation}, to which "
                      f"{name['en']} belongs (derived)"}
    return {"sv": f"Har identifierat {name['sv']}", "en": f"Has identified {name['en']}"}
