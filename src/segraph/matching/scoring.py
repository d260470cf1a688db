"""The weights and the factors: how one candidate scores against one subject's needs.

A *profile* is the demand side: the challenges a municipality has (asserted, or derived from its
agreements and policy documents) or a linked text is about, each with a need weight, the SDG
targets and goals they bear on, and, for a municipality, its place and what it already buys.
The factor functions return *parts*: a factor, a score and a sentence made only when asked for,
so that ranking ten thousand candidates does not write ten thousand explanations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from segraph.matching import text
from segraph.matching.index import Enterprise, GraphIndex, Municipality

# Points per factor (see the package docstring for the whole scheme).
WEIGHTS: dict[str, float] = {
    "challenge": 3.0,  # per challenge the candidate works on that the subject has
    "broader-narrower": 1.5,  # per candidate challenge one SKOS step from a subject's challenge
    "sdg-target": 0.5,  # per further shared SDG target (at most SDG_TARGETS_COUNTED)
    "sdg-goal": 0.25,  # per goal a policy document links to, not reached through a target above
    "activity-type": 0.5,  # per activity type the municipality already buys (at most 2)
}
# How sure a need is: stated by the municipality, or derived from its data.
NEED_WEIGHTS: dict[str, float] = {"asserted": 1.0, "agreement": 0.6, "policy": 0.5}
# Where the candidate is, seen from the subject municipality (the best level counts).
GEOGRAPHY: dict[str, float] = {"municipality": 2.0, "operates": 1.5, "fa-region": 1.0,
                               "county": 0.5, "elsewhere": 0.0, "unknown": 0.0}
SDG_TARGETS_COUNTED = 3
ACTIVITIES_COUNTED = 2
TARGET_SOURCES = ("policy", "asserted", "derived", "text")  # order of precedence


@dataclass(frozen=True)
class Need:
    """A subject's challenge: ``source`` asserted | agreement | policy | text; ``evidence``
    the agreements, or the policy document and its target, it was derived from."""

    challenge: str
    weight: float
    source: str
    evidence: tuple[str, ...] = ()


@dataclass
class Profile:
    subject: str  # the IRI, or "text"
    names: text.Names | None  # the municipality's name (None for a text)
    needs: dict[str, Need] = field(default_factory=dict)
    targets: dict[str, str] = field(default_factory=dict)  # target IRI -> source
    goals: dict[str, tuple[str, ...]] = field(default_factory=dict)  # goal -> policy IRIs
    place: Municipality | None = None
    buys: dict[str, tuple[str, ...]] = field(default_factory=dict)  # activity -> agreements
    links: dict[str, Link] | None = None  # filled by links()
    target_order: dict[str, tuple[int, int, int, int, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Part:
    factor: str
    score: float
    evidence: tuple[str, ...]
    text: Callable[[], text.Text]
    topical: bool = True  # challenge, broader-narrower or sdg-target


def notation_key(notation: str) -> tuple[int, int, int, str]:
    """Sort "8.5" before "8.10" and "8.a" after both."""
    goal, _, sub = notation.partition(".")
    head = int(goal) if goal.isdigit() else 0
    return (head, 0, int(sub), "") if sub.isdigit() else (head, 1 if sub else -1, 0, sub)


# --- profiles ---------------------------------------------------------------------------------

def municipality_profile(index: GraphIndex, municipality: Municipality) -> Profile:
    profile = Profile(municipality.iri, index.names(municipality.iri), place=municipality)
    needs = profile.needs
    for challenge in sorted(municipality.faces):
        if challenge in index.challenges:
            needs[challenge] = Need(challenge, NEED_WEIGHTS["asserted"], "asserted")
    served: dict[str, list[str]] = {}
    for agreement in sorted(municipality.agreements):
        for challenge in sorted(index.agreements[agreement].challenges):
            served.setdefault(challenge, []).append(agreement)
    for challenge, agreements in sorted(served.items()):
        if challenge in index.challenges and challenge not in needs:
            needs[challenge] = Need(challenge, NEED_WEIGHTS["agreement"], "agreement",
                                    tuple(agreements))
    by_target: dict[str, list[str]] = {}
    for challenge in sorted(index.challenges):
        for target in index.challenges[challenge].targets:
            by_target.setdefault(target, []).append(challenge)
    for policy in sorted(municipality.policies):
        for linked in sorted(index.policies[policy].sdg, key=_sdg_key(index)):
            concept = index.sdg.get(linked)
            if concept is None:
                continue
            if concept.kind == "goal":
                profile.goals[linked] = (*profile.goals.get(linked, ()), policy)
                continue
            profile.targets[linked] = "policy"
            for challenge in by_target.get(linked, []):
                if challenge not in needs:
                    needs[challenge] = Need(challenge, NEED_WEIGHTS["policy"], "policy",
                                            (policy, linked))
    for need in needs.values():
        if need.source == "policy":
            continue
        source = "asserted" if need.source == "asserted" else "derived"
        for target in index.challenges[need.challenge].targets:
            current = profile.targets.get(target)
            if current is None or TARGET_SOURCES.index(source) < TARGET_SOURCES.index(current):
                profile.targets[target] = source
    buys: dict[str, list[str]] = {}
    for agreement in sorted(municipality.agreements):
        for enterprise in sorted(index.agreements[agreement].enterprises):
            for activity in index.enterprises.get(enterprise, _NOBODY).activities:
                buys.setdefault(activity, []).append(agreement)
    profile.buys = {a: tuple(dict.fromkeys(agreements)) for a, agreements in sorted(buys.items())}
    return profile


_NOBODY = Enterprise("")


def text_profile(index: GraphIndex, weights: dict[str, float],
                 municipality: Municipality | None) -> Profile:
    """The needs of a linked free text: challenge -> the linker's score, scaled so that the
    strongest is 1.0; with a municipality, also its place and what it buys."""
    usable = {c: w for c, w in weights.items() if c in index.challenges and w > 0}
    profile = municipality_profile(index, municipality) if municipality is not None else \
        Profile("text", None)
    profile.subject = "text"
    profile.needs, profile.targets, profile.goals = {}, {}, {}
    top = max(usable.values(), default=1.0)
    for challenge, weight in sorted(usable.items()):
        profile.needs[challenge] = Need(challenge, round(weight / top, 3), "text")
        for target in index.challenges[challenge].targets:
            profile.targets[target] = "text"
    return profile


def _sdg_key(index: GraphIndex) -> Callable[[str], tuple[int, int, int, str]]:
    return lambda iri: notation_key(index.sdg[iri].notation) if iri in index.sdg else \
        (999, 0, 0, iri)


# --- the factors ------------------------------------------------------------------------------

def need_clause(index: GraphIndex, profile: Profile, need: Need) -> text.Text:
    if need.source == "text" or profile.names is None:
        return text.in_text()
    if need.source == "agreement":
        return text.has_agreements(profile.names, index.names(need.evidence[0]),
                                   len(need.evidence) > 1)
    if need.source == "policy":
        return text.via_policy(profile.names, index.sdg[need.evidence[1]].notation)
    return text.identified(profile.names)


@dataclass(frozen=True)
class Link:
    """How a candidate's challenge meets a profile: the same challenge, or one SKOS step from
    one of its needs (the strongest need, then the smallest IRI)."""

    factor: str  # "challenge" | "broader-narrower"
    score: float
    need: Need
    covered: frozenset[str]  # the SDG targets this link already explains


def links(index: GraphIndex, profile: Profile) -> dict[str, Link]:
    """Every challenge of the scheme that meets the profile (computed once per profile)."""
    if profile.links is not None:
        return profile.links
    found: dict[str, Link] = {}
    needs = profile.needs
    for challenge, info in index.challenges.items():
        need = needs.get(challenge)
        if need is not None:
            found[challenge] = Link("challenge", round(WEIGHTS["challenge"] * need.weight, 3),
                                    need, info.targets)
            continue
        related = [(needs[c].weight, c) for c in info.broader | info.narrower if c in needs]
        if related:
            weight, other = min(related, key=lambda pair: (-pair[0], pair[1]))
            found[challenge] = Link("broader-narrower",
                                    round(WEIGHTS["broader-narrower"] * weight, 3), needs[other],
                                    info.targets & index.challenges[other].targets)
    rank = _sdg_key(index)
    profile.target_order = {t: (TARGET_SOURCES.index(s), *rank(t))
                            for t, s in profile.targets.items()}
    profile.links = found
    return found


def _sdg_selection(index: GraphIndex, profile: Profile, challenges: frozenset[str]
                   ) -> tuple[list[str], list[str]]:
    """The shared SDG targets counted (not explained by a link, at most SDG_TARGETS_COUNTED,
    the profile's policy targets first) and the policy goals reached by no counted target."""
    table = links(index, profile)
    covered: set[str] = set()
    reached: set[str] = set()
    for challenge in challenges:
        info = index.challenges.get(challenge)
        if info is None:
            continue
        reached |= info.targets
        link = table.get(challenge)
        if link is not None:
            covered |= link.covered
    order = profile.target_order
    shared = [t for t in reached if t in order and t not in covered]
    counted = sorted(shared, key=order.__getitem__)[:SDG_TARGETS_COUNTED] \
        if len(shared) > 1 else shared
    goals: list[str] = []
    if profile.goals:
        sdg = index.sdg
        seen = {sdg[t].goal for t in covered | set(counted) if t in sdg}
        reached_goals = {sdg[t].goal for t in reached if t in sdg}
        goals = sorted((g for g in profile.goals if g in reached_goals and g not in seen),
                       key=_sdg_key(index))
    return counted, goals


def reached_targets(index: GraphIndex, challenges: frozenset[str]) -> frozenset[str]:
    """The SDG targets a candidate working on ``challenges`` contributes to."""
    reached: set[str] = set()
    for challenge in challenges:
        if challenge in index.challenges:
            reached |= index.challenges[challenge].targets
    return frozenset(reached)


def topical_score(index: GraphIndex, profile: Profile, challenges: frozenset[str],
                  reached: frozenset[str]) -> float:
    """What :func:`topical_parts` adds up to, without making the parts (``reached``: the
    :func:`reached_targets` of ``challenges``)."""
    table = links(index, profile)
    score = 0.0
    covered: set[str] = set()
    for challenge in challenges:
        link = table.get(challenge)
        if link is not None:
            score += link.score
            covered |= link.covered
    shared = len(reached & profile.target_order.keys() - covered)
    if shared and not profile.goals:  # the common case, without sorting
        sources = [profile.targets[t] for t in reached & profile.target_order.keys() - covered]
        if shared <= SDG_TARGETS_COUNTED:
            return round(score + sum(round(WEIGHTS["sdg-target"] * sources.count(s), 3)
                                     for s in set(sources)), 3)
    if shared or profile.goals:
        counted, goals = _sdg_selection(index, profile, challenges)
        sources = [profile.targets[t] for t in counted]
        score += sum(round(WEIGHTS["sdg-target"] * sources.count(s), 3) for s in set(sources))
        if goals:
            score += round(WEIGHTS["sdg-goal"] * len(goals), 3)
    return round(score, 3)


def topical_parts(index: GraphIndex, profile: Profile, challenges: frozenset[str],
                  who: text.Names | None) -> list[Part]:
    """Challenge, broader/narrower and SDG parts of a candidate working on ``challenges``."""
    table = links(index, profile)
    parts: list[Part] = []
    for challenge in sorted(challenges):
        link = table.get(challenge)
        if link is None:
            continue
        need = link.need
        if link.factor == "challenge":
            parts.append(Part("challenge", link.score, (challenge, *need.evidence),
                              _works_on(index, profile, need, who)))
        else:
            parts.append(Part("broader-narrower", link.score,
                              (challenge, need.challenge, *need.evidence),
                              _works_on_related(index, profile, challenge, need, who)))
    counted, goals = _sdg_selection(index, profile, challenges)
    for source in TARGET_SOURCES:
        group = [t for t in counted if profile.targets[t] == source]
        if group:
            parts.append(Part("sdg-target", round(WEIGHTS["sdg-target"] * len(group), 3),
                              tuple(group), _targets_text(index, profile, group, source, who)))
    if goals:
        evidence = tuple(goals) + tuple(sorted({p for g in goals for p in profile.goals[g]}))
        parts.append(Part("sdg-target", round(WEIGHTS["sdg-goal"] * len(goals), 3), evidence,
                          _goals_text(index, profile, goals, who)))
    return parts


def _works_on(index: GraphIndex, profile: Profile, need: Need, who: text.Names | None
              ) -> Callable[[], text.Text]:
    return lambda: text.works_on(who, index.names(need.challenge),
                                 need_clause(index, profile, need))


def _works_on_related(index: GraphIndex, profile: Profile, challenge: str, need: Need,
                      who: text.Names | None) -> Callable[[], text.Text]:
    narrower = need.challenge in index.challenges[challenge].broader
    return lambda: text.works_on_related(who, index.names(challenge),
                                         index.names(need.challenge), narrower,
                                         need_clause(index, profile, need))


def _targets_text(index: GraphIndex, profile: Profile, targets: list[str], source: str,
                  who: text.Names | None) -> Callable[[], text.Text]:
    return lambda: text.contributes_to_targets(
        who, [(index.sdg[t].notation, index.names(t)) for t in targets], source, profile.names)


def _goals_text(index: GraphIndex, profile: Profile, goals: list[str], who: text.Names | None
                ) -> Callable[[], text.Text]:
    assert profile.names is not None
    names = profile.names
    return lambda: text.contributes_to_goals(
        who, [(index.sdg[g].notation, index.names(g)) for g in goals], names)


def activity_part(index: GraphIndex, profile: Profile, enterprise: Enterprise,
                  who: text.Names | None) -> Part | None:
    if not profile.buys or profile.place is None:
        return None
    bought = sorted(a for a in enterprise.activities if a in profile.buys)[:ACTIVITIES_COUNTED]
    if not bought:
        return None
    agreements = sorted({a for activity in bought for a in profile.buys[activity]})
    names = profile.names or index.names(profile.place.iri)
    return Part("activity-type", WEIGHTS["activity-type"] * len(bought),
                (*bought, *agreements),
                lambda: text.offers(who, [index.names(a) for a in bought], names,
                                    len(agreements)),
                topical=False)


def area_scores(index: GraphIndex, place: Municipality) -> dict[str, float]:
    """Every other municipality's geography score seen from ``place`` (FA region, county)."""
    scores = {}
    for iri, other in index.municipalities.items():
        if place.fa_region is not None and other.fa_region == place.fa_region:
            scores[iri] = GEOGRAPHY["fa-region"]
        elif place.county is not None and other.county == place.county:
            scores[iri] = GEOGRAPHY["county"]
    return scores


def geography_score(place: str, area: dict[str, float], enterprise: Enterprise) -> float:
    """What :func:`geography_part` scores, from :func:`area_scores`."""
    if enterprise.seat == place:
        return GEOGRAPHY["municipality"]
    score = area.get(enterprise.seat or "", 0.0)
    for other in enterprise.operates:
        score = max(score, GEOGRAPHY["operates"] if other == place else area.get(other, 0.0))
    return score


def activity_score(profile: Profile, enterprise: Enterprise) -> float:
    """What :func:`activity_part` scores."""
    if not profile.buys or profile.place is None:
        return 0.0
    bought = sum(1 for a in enterprise.activities if a in profile.buys)
    return round(WEIGHTS["activity-type"] * min(bought, ACTIVITIES_COUNTED), 3)


def geography_level(index: GraphIndex, place: Municipality, enterprise: Enterprise
                    ) -> tuple[str, str | None]:
    """The best level (municipality, operates, fa-region, county, elsewhere, unknown) and the
    candidate's municipality it is reached through."""
    if enterprise.seat is None:
        return "unknown", None
    if enterprise.seat == place.iri:
        return "municipality", enterprise.seat
    if place.iri in enterprise.operates:
        return "operates", place.iri
    municipalities = index.municipalities
    for level, attribute in (("fa-region", "fa_region"), ("county", "county")):
        mine = getattr(place, attribute)
        if mine is None:
            continue
        for where in (enterprise.seat, *sorted(enterprise.operates)):
            other = municipalities.get(where)
            if other is not None and getattr(other, attribute) == mine:
                return level, where
    return "elsewhere", enterprise.seat


def geography_part(index: GraphIndex, place: Municipality, enterprise: Enterprise,
                   who: text.Names | None, names: text.Names | None = None) -> Part:
    level, where = geography_level(index, place, enterprise)
    region = place.fa_region if level == "fa-region" else \
        place.county if level == "county" else None
    evidence = tuple(dict.fromkeys(x for x in (enterprise.seat, where, region, place.iri) if x))
    place_names = names or index.names(place.iri)

    def sentence() -> text.Text:
        return text.geography(who, level, place_names,
                              index.names(where) if where else None,
                              index.names(region) if region else None,
                              index.names(enterprise.seat) if enterprise.seat else None)

    return Part("geography", GEOGRAPHY[level], evidence, sentence, topical=False)


def total(parts: list[Part]) -> float:
    return round(sum(round(p.score, 3) for p in parts), 3)
