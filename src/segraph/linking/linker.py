"""Link a free text to the societal challenges, SDG goals and SDG targets it addresses.

1. The text is split into words and stemmed (Swedish or English, guessed when not given); a long
   Swedish word also stands for the known terms inside it ("långtids|arbetslösa").
2. Every label of every concept (prefLabel, altLabel, the curated hiddenLabels) is looked for as
   a sequence of stems, in order, with small gaps allowed; a long term may match in part.
3. A concept's score adds up its matched terms (each stretch of the text counted once per
   concept), plus weaker support from words shared with its definition.
4. Evidence is passed on: a challenge to the SDG targets it is mapped to (seg:relatedSDGTarget),
   a target to its goal, marked "via-challenge" and "via-target".
5. What scores under the thresholds is dropped, so a text about none of them links to nothing;
   a target or goal found by one lone word in a text that names no challenge counts less.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from segraph.linking.index import LanguageIndex, Term
from segraph.linking.results import Evidence, Link, LinkResult
from segraph.linking.text import LANGUAGES, Token, clean, detect_language, match_key, tokenise
from segraph.linking.vocabulary import Concept, load_concepts

LABELS = ("prefLabel", "altLabel", "hiddenLabel")
TEXTS = ("definition", "officialTitle")


@dataclass(frozen=True)
class Tuning:
    """The knobs of the scoring model (tuned on the development split of the labelled set)."""

    max_gap: int = 2               # words allowed between two words of a term
    min_coverage: float = 0.74     # share of a long term's words that must match
    everyday_weight: float = 0.5   # a term that is a single everyday word ("äldre", "health")
    head_factor: float = 0.85      # a term found as the head of a compound
    modifier_factor: float = 0.7   # a term found as the first part of a compound
    repeat_bonus: float = 0.15     # per further occurrence of a matched term (up to 2)
    definition_weight: float = 0.2
    definition_min_words: int = 2
    definition_cap: float = 0.4
    definition_needs_label: bool = True
    broader_penalty: float = 0.5   # a broader challenge loses this share of its narrower's score
    challenge_to_target: float = 0.8
    unconfirmed: float = 0.8       # share passed to a target the text's own words do not support
    target_to_goal: float = 0.9
    goal_rest: float = 0.25        # share of a goal's further targets' scores added
    saturation: float = 1.5        # score = 1 - exp(-raw / saturation)
    min_raw: dict[str, float] = field(default_factory=lambda: {
        "challenge": 0.5, "goal": 0.6, "target": 0.45})
    relative: dict[str, float] = field(default_factory=lambda: {
        "challenge": 0.25, "goal": 0.4, "target": 0.2})
    max_evidence: int = 6
    lone_word: float = 0.5         # a target or goal found by one word alone, no challenge named


@dataclass
class _Found:
    """A term matched in the text."""

    term: Term
    positions: tuple[int, ...]
    coverage: float
    factor: float
    count: int = 1

    @property
    def weight(self) -> float:
        return self.term.weight * self.coverage ** 2 * self.factor


@dataclass
class _Score:
    raw: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)
    taken: set[int] = field(default_factory=set)     # positions of the words labels matched
    lone: bool = False   # its only evidence is a one-word term, found once in the text


class Linker:
    """Links texts to the challenges, goals and targets of one graph; build it once, reuse it."""

    def __init__(self, concepts: dict[str, Concept], tuning: Tuning | None = None) -> None:
        self.tuning = tuning or Tuning()
        self.concepts = list(concepts.values())
        self.position = {c.uri: i for i, c in enumerate(self.concepts)}
        self.indexes = {lang: LanguageIndex(lang, self.concepts, self.tuning.everyday_weight)
                        for lang in LANGUAGES}

    @classmethod
    def from_store(cls, store: Any, tuning: Tuning | None = None) -> Linker:
        """Read the vocabulary from a pyoxigraph Store (or segraph's EmbeddedStore)."""
        return cls(load_concepts(store), tuning)

    # --- public -------------------------------------------------------------------------------

    def link(self, text: str, lang: str | None = None, *, limit: int = 10) -> LinkResult:
        """The challenges, goals and targets ``text`` addresses, at most ``limit`` of each,
        strongest first, with labels in ``lang`` ("sv" or "en"; detected when None)."""
        if lang is not None and lang not in LANGUAGES:
            raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
        lang = lang or detect_language(text)
        text = clean(text)
        tokens = tokenise(text, lang)
        index = self.indexes[lang]
        scores: dict[int, _Score] = defaultdict(_Score)
        for concept, found in self._matches(tokens, index).items():
            self._score_terms(scores[concept], found, tokens, text, lang)
        self._score_definitions(scores, tokens, index, lang)
        self._weaken_lone(scores)
        self._propagate(scores, lang)
        return LinkResult(lang, *(self._ranked(scores, kind, lang, limit)
                                  for kind in ("challenge", "goal", "target")))

    # --- matching -----------------------------------------------------------------------------

    def _occurrences(self, tokens: list[Token], index: LanguageIndex
                     ) -> dict[str, list[tuple[int, float]]]:
        """stem -> [(position, factor)]: the words of the text and the known parts of compounds."""
        where: dict[str, list[tuple[int, float]]] = defaultdict(list)
        tuning = self.tuning
        for position, token in enumerate(tokens):
            where[match_key(token)].append((position, 1.0))
            if index.lang == "sv" and not token.stop:
                for part, head in index.parts(token.stem):
                    factor = tuning.head_factor if head else tuning.modifier_factor
                    where[part].append((position, factor))
        return where

    def _matches(self, tokens: list[Token], index: LanguageIndex) -> dict[int, list[_Found]]:
        where = self._occurrences(tokens, index)
        candidates = sorted({t for stem in where for t in index.by_stem.get(stem, ())})
        found: dict[int, list[_Found]] = defaultdict(list)
        for number in candidates:
            term = index.terms[number]
            match = self._match_term(term, where)
            if match is not None:
                found[term.concept].append(match)
        return found

    def _match_term(self, term: Term, where: dict[str, list[tuple[int, float]]]
                    ) -> _Found | None:
        stems = term.stems
        if len(stems) == 1:
            hits = where.get(stems[0])
            if not hits:
                return None
            best = max(hits, key=lambda h: (h[1], -h[0]))
            return _Found(term, (best[0],), 1.0, best[1], count=len({p for p, _ in hits}))
        chains = self._chains(stems, where)
        if not chains:
            return None
        k = len(stems)
        full = [c for c in chains if len(c[0]) == k]
        if full:
            positions, factor = min(full, key=lambda c: (-c[1], c[0]))
            starts = {c[0][0] for c in full}
            return _Found(term, positions, 1.0, factor, count=len(starts))
        if k < 3:
            return None
        positions, factor = max(chains, key=lambda c: (len(c[0]), c[1], [-p for p in c[0]]))
        coverage = len(positions) / k
        if coverage < self.tuning.min_coverage or len(positions) < 2:
            return None
        return _Found(term, positions, coverage, factor)

    def _chains(self, stems: tuple[str, ...], where: dict[str, list[tuple[int, float]]]
                ) -> list[tuple[tuple[int, ...], float]]:
        """In-order chains of the term's words in the text: each the longest ending at one
        occurrence, as (positions, factor). A skipped term word widens the allowed gap by one."""
        gap = self.tuning.max_gap
        best: list[dict[int, tuple[tuple[int, ...], float]]] = []
        for i, stem in enumerate(stems):
            here: dict[int, tuple[tuple[int, ...], float]] = {}
            for position, factor in where.get(stem, ()):
                chain: tuple[tuple[int, ...], float] = ((position,), factor)
                for j in range(i):
                    for previous, (positions, f) in best[j].items():
                        allowed = gap + (i - j - 1)
                        if previous < position and position - previous - 1 <= allowed:
                            candidate = ((*positions, position), min(f, factor))
                            if (len(candidate[0]), candidate[1]) > (len(chain[0]), chain[1]):
                                chain = candidate
                if position not in here or (len(chain[0]), chain[1]) > (
                        len(here[position][0]), here[position][1]):
                    here[position] = chain
            best.append(here)
        return [c for level in best for c in level.values() if len(c[0]) >= 2]

    # --- scoring ------------------------------------------------------------------------------

    def _score_terms(self, score: _Score, found: list[_Found], tokens: list[Token], text: str,
                     lang: str) -> None:
        tuning = self.tuning
        taken = score.taken
        for match in sorted(found, key=lambda m: (-m.weight, m.term.text)):
            if taken.intersection(match.positions):
                continue
            taken.update(match.positions)
            score.lone = (not score.evidence and len(match.term.text.split()) == 1
                          and len(match.positions) == 1 and match.count == 1)
            weight = match.weight * (1 + tuning.repeat_bonus * min(match.count - 1, 2))
            score.raw += weight
            surface = text[tokens[match.positions[0]].start:tokens[match.positions[-1]].end]
            score.evidence.append(Evidence(surface, match.term.text, match.term.source, lang,
                                           round(weight, 4)))

    def _score_definitions(self, scores: dict[int, _Score], tokens: list[Token],
                           index: LanguageIndex, lang: str) -> None:
        tuning = self.tuning
        if tuning.definition_weight <= 0 or not index.bags:
            return
        surfaces: dict[str, str] = {}
        where: dict[str, set[int]] = defaultdict(set)
        for position, token in enumerate(tokens):
            # only words that name a topic somewhere in the vocabulary ("people", "run" do not)
            if not token.stop and len(token.norm) > 3 and token.stem in index.topical:
                surfaces.setdefault(token.stem, token.surface)
                where[token.stem].add(position)
        shared: dict[int, list[str]] = defaultdict(list)
        for stem in surfaces:
            for number in index.by_bag_stem.get(stem, ()):
                shared[number].append(stem)
        for number, found in sorted(shared.items()):
            bag = index.bags[number]
            known = scores.get(bag.concept)
            if tuning.definition_needs_label and (known is None or known.raw <= 0):
                continue
            # words a label of the concept already matched count once, there
            taken = known.taken if known is not None else set()
            stems = [s for s in found if not where[s] <= taken]
            if len(stems) < tuning.definition_min_words:
                continue
            weight = min(sum(index.bag_idf[s] for s in stems) * tuning.definition_weight,
                         tuning.definition_cap)
            score = scores[bag.concept]
            score.raw += weight
            score.lone = False
            stems.sort(key=lambda s: (-index.bag_idf[s], s))
            words = ", ".join(surfaces[s] for s in stems)
            score.evidence.append(Evidence(words, bag.excerpt(set(stems)), bag.source, lang,
                                           round(weight, 4)))

    def _weaken_lone(self, scores: dict[int, _Score]) -> None:
        """A target or goal whose only evidence is one word, found once, in a text that names
        no challenge is weak evidence: an everyday word of a notice or an advert ("Öppen
        visning … Södra vägen") as often as its topic. It counts ``lone_word`` of its score."""
        tuning = self.tuning
        if tuning.lone_word >= 1 or any(
                s.raw >= tuning.min_raw["challenge"] for i, s in scores.items()
                if self.concepts[i].kind == "challenge"):
            return
        for i, score in scores.items():
            if score.lone and self.concepts[i].kind in ("goal", "target"):
                score.raw *= tuning.lone_word

    def _prefer_narrower(self, scores: dict[int, _Score]) -> None:
        """The most specific challenge that fits: a broader challenge found beside a narrower
        one loses part of the narrower one's score ("långtidsarbetslösa" is long-term
        unemployment more than unemployment)."""
        penalty = self.tuning.broader_penalty
        narrower: dict[int, float] = defaultdict(float)
        for i, score in scores.items():
            for broader in self.concepts[i].broader:
                b = self.position[broader]
                narrower[b] = max(narrower[b], score.raw)
        for b, raw in narrower.items():
            if b in scores and raw > 0:
                scores[b].raw = max(0.0, scores[b].raw - penalty * min(raw, scores[b].raw))

    def _propagate(self, scores: dict[int, _Score], lang: str) -> None:
        tuning = self.tuning
        concepts = self.concepts
        self._prefer_narrower(scores)
        own = {i: s.raw for i, s in scores.items() if s.raw > 0}
        for i, raw in sorted(own.items()):
            concept = concepts[i]
            if concept.kind != "challenge" or not concept.targets:
                continue
            goals = {concepts[self.position[t]].goal for t in concept.targets}
            for target in concept.targets:
                t = self.position[target]
                share = tuning.challenge_to_target
                if len(goals) > 1 and not self._supported(t, own):
                    # the challenge maps to several goals: the text's own words choose among them
                    share *= tuning.unconfirmed
                weight = raw * share
                scores[t].raw += weight
                scores[t].evidence.append(Evidence(self._words(scores[i]), concept.label(lang),
                                                   "via-challenge", lang, round(weight, 4)))
        by_goal: dict[int, list[int]] = defaultdict(list)
        for i, score in scores.items():
            concept = concepts[i]
            if concept.kind == "target" and concept.goal is not None and score.raw > 0:
                by_goal[self.position[concept.goal]].append(i)
        for goal, targets in sorted(by_goal.items()):
            targets.sort(key=lambda t: (-scores[t].raw, concepts[t].uri))
            for rank, t in enumerate(targets):
                share = tuning.target_to_goal if rank == 0 else tuning.goal_rest
                weight = scores[t].raw * share
                if weight < 0.01:
                    continue
                scores[goal].raw += weight
                scores[goal].evidence.append(Evidence(
                    self._words(scores[t]), concepts[t].label(lang), "via-target", lang,
                    round(weight, 4)))

    def _supported(self, target: int, own: dict[int, float]) -> bool:
        """Whether the text has words of the target itself or of its goal."""
        goal = self.concepts[target].goal
        if own.get(target, 0.0) > 0:
            return True
        return goal is not None and own.get(self.position[goal], 0.0) > 0

    @staticmethod
    def _words(score: _Score) -> str:
        """The input words behind a concept's evidence: its label matches first."""
        seen: list[str] = []
        strong = [e for e in score.evidence if e.source not in TEXTS] or score.evidence
        for evidence in sorted(strong, key=lambda e: (e.source not in LABELS, -e.weight)):
            for word in evidence.text.split(", "):
                if not any(word.lower() in w.lower() for w in seen):
                    seen = [w for w in seen if w.lower() not in word.lower()] + [word]
        return ", ".join(seen[:4])

    def _ranked(self, scores: dict[int, _Score], kind: str, lang: str, limit: int
                ) -> tuple[Link, ...]:
        tuning = self.tuning
        rows = [(s.raw, i) for i, s in scores.items() if self.concepts[i].kind == kind]
        if not rows:
            return ()
        top = max(raw for raw, _ in rows)
        floor = max(tuning.min_raw[kind], top * tuning.relative[kind])
        kept = sorted(((raw, i) for raw, i in rows if raw >= floor),
                      key=lambda r: (-round(r[0], 9), self.concepts[r[1]].uri))
        links = []
        for raw, i in kept[:max(limit, 0)]:
            concept = self.concepts[i]
            evidence = sorted(scores[i].evidence, key=lambda e: (-e.weight, e.source, e.text))
            links.append(Link(concept.uri, concept.label(lang),
                              round(1 - math.exp(-raw / tuning.saturation), 4),
                              tuple(evidence[:tuning.max_evidence]), concept.notation))
        return tuple(links)


__all__ = ["Linker", "Tuning"]
