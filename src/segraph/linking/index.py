"""The term index of one language: every label as a sequence of stems, weighted by specificity.

A term's weight is the weight of its kind of label (a prefLabel names the concept, an altLabel is
a synonym, a hiddenLabel a word people write) times how specific its words are: a word that the
terms of few concepts share counts more than one many share (an inverse document frequency over
the concepts of the same kind: challenges, goals or targets), a term of several words more than a
single word, and a single everyday word ("äldre", "health") less. Definitions and official
titles are kept as bags of stems for weaker, supporting evidence.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from segraph.linking.stopwords import EVERYDAY
from segraph.linking.text import SKIPPABLE, match_key, stemmer, tokenise
from segraph.linking.vocabulary import Concept

SOURCE_WEIGHT = {"prefLabel": 1.0, "altLabel": 0.9, "hiddenLabel": 0.8}
PHRASE_BONUS = 0.2          # per required word beyond the first
PHRASE_BONUS_CAP = 1.6
MIN_PART = 4                # shortest known stem recognised inside a compound
MIN_REST = 3                # shortest rest of a compound around a recognised part
MIN_COMPOUND = 7            # shortest word stem that is split into parts
# What may follow a known stem without making a compound: derivational endings ("park|ering"
# is parking, not a park).
NOT_A_HEAD = ("ering", "ning", "ande", "ende", "else", "het", "skap", "ighet", "ation", "era",
              "erade", "isk", "lig", "ism", "ist")


@dataclass(frozen=True, slots=True)
class Term:
    """A label of a concept, ready for matching."""

    concept: int               # index of the concept
    text: str                  # as written in the vocabulary
    source: str                # prefLabel | altLabel | hiddenLabel
    stems: tuple[str, ...]     # the words that must occur, in order
    weight: float


@dataclass(frozen=True, slots=True)
class TextBag:
    """The content stems of a concept's definitions (or official titles) in one language."""

    concept: int
    source: str                # definition | officialTitle
    text: str                  # the first such text, for the evidence
    stems: frozenset[str]
    words: tuple[tuple[str, int, int], ...]   # (stem, start, end) of the words of ``text``

    def excerpt(self, stems: set[str], width: int = 5) -> str:
        """The stretch of the text around its first word with one of ``stems``."""
        for i, (stem, _, _) in enumerate(self.words):
            if stem in stems:
                first = self.words[max(0, i - width)]
                last = self.words[min(len(self.words) - 1, i + width)]
                head = "…" if first[1] > 0 else ""
                tail = "…" if last[2] < len(self.text.rstrip(". ")) else ""
                return head + self.text[first[1]:last[2]] + tail
        return self.text


class LanguageIndex:
    """The terms of all concepts in one language, searchable by stem."""

    def __init__(self, lang: str, concepts: list[Concept], everyday_weight: float = 1.0) -> None:
        self.lang = lang
        to_stem = stemmer(lang)
        everyday = {to_stem(word) for word in EVERYDAY[lang]}
        skippable = SKIPPABLE[lang]
        raw: dict[tuple[int, tuple[str, ...]], tuple[float, str, str, int]] = {}
        # how many concepts of each kind have a word in their terms
        holders: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
        for index, concept in enumerate(concepts):
            for text, source, lang_ in concept.terms:
                if lang_ != lang:
                    continue
                tokens = tokenise(text, lang)
                stems = tuple(match_key(t) for t in tokens if t.norm not in skippable)
                content = [t.stem for t in tokens if not t.stop]
                if not stems or not content:
                    continue
                key = (index, stems)
                rank = SOURCE_WEIGHT[source]
                if key not in raw or raw[key][0] < rank:
                    raw[key] = (rank, source, text, len(text.split()))
                for word in content:
                    holders[concept.kind][word].add(index)
        # specificity within the concept's own kind: a word many challenges share says little
        # about which challenge is meant, whatever the SDG targets say
        self.idf: dict[str, dict[str, float]] = {}
        for kind, found in holders.items():
            total = sum(1 for c in concepts if c.kind == kind)
            top = math.log(1 + total)
            self.idf[kind] = {word: math.log(1 + total / len(who)) / top
                              for word, who in found.items()}
        self.terms: list[Term] = []
        for (index, stems), (rank, source, text, words) in sorted(raw.items()):
            idf = self.idf.get(concepts[index].kind, {})
            specificity = max(idf.get(s, 1.0) for s in stems)
            # a hyphenated word ("e-tjänster") is one word, not a phrase
            bonus = min(1 + PHRASE_BONUS * (min(words, len(stems)) - 1), PHRASE_BONUS_CAP)
            if len(stems) == 1 and stems[0] in everyday:
                bonus *= everyday_weight
            self.terms.append(Term(index, text, source, stems, rank * specificity * bonus))
        self.by_stem: dict[str, list[int]] = defaultdict(list)
        for number, term in enumerate(self.terms):
            for stem in set(term.stems):
                self.by_stem[stem].append(number)
        self.known = frozenset(s for s in self.by_stem if len(s) >= MIN_PART and s[0] != "=")
        # words that name a topic: in some term, and not an everyday word
        self.topical = frozenset(s for s in self.by_stem if s[0] != "=" and s not in everyday)
        self.bags = self._bags(concepts)

    def _bags(self, concepts: list[Concept]) -> list[TextBag]:
        bags = []
        for index, concept in enumerate(concepts):
            for source in ("definition", "officialTitle"):
                texts = [t for t, s, lang in concept.texts if s == source and lang == self.lang]
                if not texts:
                    continue
                stems = frozenset(t.stem for text in texts for t in tokenise(text, self.lang)
                                  if not t.stop and len(t.norm) > 2 and not t.norm.isdigit())
                words = tuple((t.stem, t.start, t.end) for t in tokenise(texts[0], self.lang))
                bags.append(TextBag(index, source, texts[0], stems, words))
        frequency = Counter(s for bag in bags for s in bag.stems)
        self.bag_idf = {s: math.log(1 + len(bags) / n) / math.log(1 + len(bags))
                        for s, n in frequency.items()} if bags else {}
        self.by_bag_stem: dict[str, list[int]] = defaultdict(list)
        for number, bag in enumerate(bags):
            for stem in bag.stems:
                self.by_bag_stem[stem].append(number)
        return bags

    def parts(self, stem: str) -> list[tuple[str, bool]]:
        """Known stems inside a compound: (part, is_head). Swedish compounds put the head last
        ("långtids|arbetslös"); a modifier comes first ("matsvinns|projekt")."""
        if len(stem) < MIN_COMPOUND or stem in self.by_stem:
            return []
        found = []
        for cut in range(MIN_REST, len(stem) - MIN_PART + 1):
            tail = stem[cut:]
            if tail in self.known:
                found.append((tail, True))
                break  # the longest head is the most telling
        for cut in range(len(stem) - MIN_REST, MIN_PART - 1, -1):
            modifier = stem[:cut]
            if modifier in self.known and not stem[cut:].startswith(NOT_A_HEAD):
                found.append((modifier, False))
                break
        return found


__all__ = ["SOURCE_WEIGHT", "LanguageIndex", "Term", "TextBag"]
