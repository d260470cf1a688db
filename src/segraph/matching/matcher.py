"""The four directions of matching over one :class:`~segraph.matching.index.GraphIndex`."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox

from segraph.matching import text
from segraph.matching.index import Enterprise, GraphIndex, Municipality, label
from segraph.matching.model import FACTORS, Match, Reason
from segraph.matching.scoring import (
    ACTIVITIES_COUNTED,
    GEOGRAPHY,
    NEED_WEIGHTS,
    WEIGHTS,
    Part,
    Profile,
    activity_part,
    activity_score,
    area_scores,
    geography_level,
    geography_part,
    geography_score,
    municipality_profile,
    reached_targets,
    text_profile,
    topical_parts,
    topical_score,
    total,
)
from segraph.namespaces import ID

METHOD = "graph-v1"  # the municipality / enterprise / challenge directions
TEXT_METHOD = "text-v1"  # enterprises for a linked free text


class UnknownResource(LookupError):
    """The municipality, enterprise or challenge is not in the graph."""


def _sentence(function: Callable[..., text.Text], *args: Any) -> Callable[[], text.Text]:
    """``function(*args)``, made when a reason is shown."""
    return lambda: function(*args)


def _reasons(parts: list[Part]) -> tuple[Reason, ...]:
    ordered = sorted(parts, key=lambda p: (FACTORS.index(p.factor), -p.score, p.evidence))
    return tuple(Reason(p.factor, round(p.score, 3), p.text(), p.evidence) for p in ordered)


class Matcher:
    """Ranks enterprises, municipalities and challenges against each other, with reasons."""

    def __init__(self, index: GraphIndex) -> None:
        self.index = index
        self._profiles: dict[str, Profile] = {}
        groups: dict[frozenset[str], list[tuple[Enterprise, str]]] = defaultdict(list)
        for enterprise in index.enterprises.values():
            groups[enterprise.challenges].append(
                (enterprise, label(enterprise.labels, "sv", enterprise.iri)))
        self._groups = [(challenges, reached_targets(index, challenges), entries)
                        for challenges, entries in groups.items()]
        self._working_on: dict[str, list[Enterprise]] = defaultdict(list)
        for enterprise in index.enterprises.values():
            for challenge in enterprise.challenges:
                self._working_on[challenge].append(enterprise)

    @classmethod
    def from_store(cls, store: ox.Store) -> Matcher:
        return cls(GraphIndex.from_store(store))

    # --- lookups --------------------------------------------------------------------------

    def municipality(self, key: str) -> Municipality:
        """A municipality by IRI or four-digit code (kommunkod)."""
        iri = self.index.by_code.get(key.strip(), key.strip())
        if iri not in self.index.municipalities:
            raise UnknownResource(f"no municipality {key!r} in the graph (give its IRI or its "
                                  "four-digit code, e.g. 1283)")
        return self.index.municipalities[iri]

    def enterprise(self, iri: str) -> Enterprise:
        if iri not in self.index.enterprises:
            raise UnknownResource(f"no social enterprise {iri!r} in the graph")
        return self.index.enterprises[iri]

    def challenge_iri(self, key: str) -> str:
        """A challenge by IRI or key (``long-term-unemployment``)."""
        iri = key if key in self.index.challenges else str(ID[f"challenge/{key.strip()}"])
        if iri not in self.index.challenges:  # a served graph may have another base URI
            iri = next((c for c in sorted(self.index.challenges)
                        if c.endswith(f"/challenge/{key.strip()}")), iri)
        if iri not in self.index.challenges:
            raise UnknownResource(f"no societal challenge {key!r} in the graph (give its IRI or "
                                  "its key, e.g. long-term-unemployment)")
        return iri

    def profile(self, municipality: str) -> Profile:
        """What the municipality needs: its challenges (asserted and derived), SDG targets and
        goals, its place and what it buys."""
        place = self.municipality(municipality)
        if place.iri not in self._profiles:
            self._profiles[place.iri] = municipality_profile(self.index, place)
        return self._profiles[place.iri]

    def municipalities_with_needs(self) -> list[str]:
        """The municipalities that have at least one challenge, asserted or derived."""
        return sorted(iri for iri in self.index.municipalities if self.profile(iri).needs)

    def labels(self, iri: str) -> dict[str, str]:
        return self.index.names(iri)

    def is_example(self, iri: str) -> bool:
        enterprise = self.index.enterprises.get(iri)
        return enterprise is not None and enterprise.example

    # --- enterprises for a municipality (or for a text) ----------------------------------

    def enterprises_for_municipality(self, iri: str, *, limit: int = 20) -> list[Match]:
        profile = self.profile(iri)
        return self._rank_enterprises(profile, limit)

    def enterprises_near(self, iri: str, *, limit: int = 20) -> list[Match]:
        """The enterprises near a municipality, ranked by geography alone (same municipality >
        operates there > same FA region > same county; not elsewhere, not without a seat), each
        with its one geography reason. For a municipality without needs
        (:meth:`municipalities_with_needs`): these are offered by proximity only, not matched."""
        place = self.municipality(iri)
        names = self.labels(place.iri)
        rows = []
        for enterprise in self.index.enterprises.values():
            level, _ = geography_level(self.index, place, enterprise)
            if GEOGRAPHY[level] > 0:
                rows.append((-GEOGRAPHY[level], label(enterprise.labels, "sv", enterprise.iri),
                             enterprise.iri))
        return [Match(place.iri, candidate, name, -negative,
                      _reasons([geography_part(self.index, place,
                                               self.index.enterprises[candidate], None, names)]),
                      self.labels(candidate))
                for negative, name, candidate in heapq.nsmallest(max(limit, 0), rows)]

    def enterprises_for_challenges(self, weights: dict[str, float], *,
                                   municipality: str | None = None,
                                   limit: int = 20) -> list[Match]:
        place = self.municipality(municipality) if municipality is not None else None
        profile = text_profile(self.index, weights, place)
        return self._rank_enterprises(profile, limit)

    def _rank_enterprises(self, profile: Profile, limit: int) -> list[Match]:
        if not profile.needs or limit <= 0:
            return []
        index, place = self.index, profile.place
        area = area_scores(index, place) if place is not None else {}
        bases = []
        for challenges, reached, entries in self._groups:
            base = topical_score(index, profile, challenges, reached)
            if base > 0:
                bases.append((-base, challenges, entries))
        bases.sort(key=lambda row: row[0])
        # Beyond the topical score a candidate can gain at most this much, so once a group's
        # topical score plus it falls below the limit-th best score so far, no later group (they
        # come in falling order) can enter the list.
        headroom = (max(GEOGRAPHY.values()) if place is not None else 0.0) + \
            (WEIGHTS["activity-type"] * ACTIVITIES_COUNTED if profile.buys else 0.0)
        best: list[float] = []  # min-heap of the limit best scores so far
        scored: list[tuple[float, str, str]] = []
        for negative, _, entries in bases:
            if len(best) >= limit and -negative + headroom < best[0]:
                break
            for enterprise, name in entries:
                score = -negative
                if place is not None:
                    score += geography_score(place.iri, area, enterprise)
                    if profile.buys:
                        score += activity_score(profile, enterprise)
                score = round(score, 3)
                scored.append((-score, name, enterprise.iri))
                if len(best) < limit:
                    heapq.heappush(best, score)
                elif score > best[0]:
                    heapq.heapreplace(best, score)
        matches = []
        for negative, name, iri in heapq.nsmallest(limit, scored):
            enterprise = index.enterprises[iri]
            parts = topical_parts(index, profile, enterprise.challenges, None)
            if place is not None:
                parts.append(geography_part(index, place, enterprise, None, profile.names))
                bought = activity_part(index, profile, enterprise, None)
                if bought is not None:
                    parts.append(bought)
            matches.append(Match(profile.subject, iri, name, -negative, _reasons(parts),
                                 self.labels(iri)))
        return matches

    # --- municipalities for an enterprise -------------------------------------------------

    def municipalities_for_enterprise(self, iri: str, *, limit: int = 20) -> list[Match]:
        enterprise = self.enterprise(iri)
        who = self.labels(iri)
        rows = []
        for municipality in self.municipalities_with_needs():
            profile = self.profile(municipality)
            parts = topical_parts(self.index, profile, enterprise.challenges, who)
            if not parts:
                continue
            place = self.index.municipalities[municipality]
            parts.append(geography_part(self.index, place, enterprise, who, profile.names))
            bought = activity_part(self.index, profile, enterprise, who)
            if bought is not None:
                parts.append(bought)
            name = label(place.labels, "sv", municipality)
            rows.append((-total(parts), name, municipality, parts))
        rows.sort(key=lambda row: row[:3])
        return [Match(iri, municipality, name, -negative, _reasons(parts),
                      self.labels(municipality))
                for negative, name, municipality, parts in rows[:max(limit, 0)]]

    # --- one challenge: the enterprises on it, the municipalities facing it ---------------

    def for_challenge(self, iri: str, *, limit: int = 20) -> dict[str, list[Match]]:
        challenge = self.challenge_iri(iri)
        return {"enterprises": self._enterprises_on(challenge, limit),
                "municipalities": self._municipalities_facing(challenge, limit)}

    def _related(self, challenge: str) -> list[tuple[str, bool]]:
        """(related challenge, whether it is narrower than ``challenge``), one SKOS step."""
        info = self.index.challenges[challenge]
        return sorted([(c, True) for c in info.narrower] + [(c, False) for c in info.broader])

    def _enterprises_on(self, challenge: str, limit: int) -> list[Match]:
        names = self.labels(challenge)
        related = self._related(challenge)
        scores: dict[str, float] = defaultdict(float)
        for enterprise in self._working_on.get(challenge, []):
            scores[enterprise.iri] += WEIGHTS["challenge"]
        for other, _ in related:
            for enterprise in self._working_on.get(other, []):
                scores[enterprise.iri] += WEIGHTS["broader-narrower"]
        sort_names = {iri: label(self.index.enterprises[iri].labels, "sv", iri) for iri in scores}
        best = heapq.nsmallest(max(limit, 0), scores,
                               key=lambda iri: (-round(scores[iri], 3), sort_names[iri], iri))
        found: dict[str, list[Part]] = {}
        for iri in best:
            working_on = self.index.enterprises[iri].challenges
            parts = [Part("challenge", WEIGHTS["challenge"], (challenge,),
                          _sentence(text.enterprise_on_challenge, names, None, False))] \
                if challenge in working_on else []
            parts += [Part("broader-narrower", WEIGHTS["broader-narrower"], (other, challenge),
                           _sentence(text.enterprise_on_challenge, names, self.labels(other),
                                     narrower))
                      for other, narrower in related if other in working_on]
            found[iri] = parts
        return self._ranked(challenge, found, limit)

    def _municipalities_facing(self, challenge: str, limit: int) -> list[Match]:
        names = self.labels(challenge)
        found: dict[str, list[Part]] = defaultdict(list)
        related = dict(self._related(challenge))
        for municipality in self.municipalities_with_needs():
            for need in self.profile(municipality).needs.values():
                if need.challenge == challenge:
                    factor, narrower, via = "challenge", False, None
                elif need.challenge in related:
                    factor, narrower, via = "broader-narrower", related[need.challenge], \
                        self.labels(need.challenge)
                else:
                    continue
                agreement = need.source == "agreement"
                sentence = _sentence(
                    text.municipality_on_challenge, need.source, names, via, narrower,
                    self.labels(need.evidence[0]) if agreement else None,
                    self.index.sdg[need.evidence[1]].notation if need.source == "policy"
                    else None,
                    agreement and len(need.evidence) > 1)
                found[municipality].append(Part(
                    factor, WEIGHTS[factor] * need.weight,
                    tuple(dict.fromkeys((challenge, need.challenge, *need.evidence))), sentence))
        return self._ranked(challenge, found, limit)

    def _ranked(self, subject: str, found: dict[str, list[Part]], limit: int) -> list[Match]:
        rows = sorted((-total(parts), label(self.index.names(c), "sv"), c)
                      for c, parts in found.items())
        return [Match(subject, candidate, name, -negative, _reasons(found[candidate]),
                      self.labels(candidate))
                for negative, name, candidate in rows[:max(limit, 0)]]


__all__ = ["METHOD", "NEED_WEIGHTS", "TEXT_METHOD", "Matcher", "UnknownResource"]
