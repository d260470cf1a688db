"""Text handling for linking: Unicode tokens, Swedish and English stems, language guessing."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import snowballstemmer

from segraph.linking.stopwords import LANGUAGE_MARKERS, STOPWORDS

LANGUAGES = ("sv", "en")

# A word: letters and digits (any script), with SDG numbers such as "8.5" or "1.a" kept whole.
# Hyphens and apostrophes split words ("second-hand" is "second" "hand", "women's" is "women" "s").
_TOKEN = re.compile(r"\d{1,2}\.(?:\d{1,2}|[a-cA-C])(?!\w)(?!\.\d)|[^\W_]+")

# Function words a vocabulary term may leave out or contain without changing what it names
# ("far from the labour market" ~ "far from labour market"); every other word of a term, stopword
# or not ("utan arbete", "out of work"), has to be in the text.
SKIPPABLE: dict[str, frozenset[str]] = {
    "sv": frozenset({"och", "en", "ett", "den", "det", "de", "som", "att", "av", "i", "på", "för",
                     "med", "till", "samt", "hos", "vid", "sin", "sina", "sitt", "sig", "deras",
                     "dess"}),
    "en": frozenset({"the", "a", "an", "and", "of", "in", "on", "for", "with", "to", "their",
                     "its", "his", "her", "who", "which", "that", "as", "at", "by", "s"}),
}

_VOWELS = frozenset("aeiouyåäöéü")


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a text: where it is, what it says, and its stem."""

    surface: str   # as written
    start: int     # character offsets in the text
    end: int
    norm: str      # lower-cased, NFC
    stem: str
    stop: bool     # a stopword of the text's language


class Stemmer:
    """Snowball stems, with a cache; the Swedish one made consistent across inflections.

    Snowball's Swedish algorithm is light: it leaves the definite forms in -an and -et and stops
    after one suffix, so "kvinnan", "kvinnor" and "kvinnors" get different stems. Here the
    Swedish stem is taken to a fixed point with those endings (and -eln, -ern) added, short words
    lose their plural and definite endings ("byarna", "byn": "by"), a few plurals with a changed
    vowel are mapped to the singular ("bostäder": "bostad"), and a doubled final consonant is made
    single ("matsvinn" and "matsvinnet" both give "matsvin").
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._snowball = snowballstemmer.stemmer("swedish" if lang == "sv" else "english")
        self._cache: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        stem = self._cache.get(word)
        if stem is None:
            stem = self._swedish(word) if self.lang == "sv" else self._snowball.stemWord(word)
            if len(self._cache) < 200_000:
                self._cache[word] = stem
        return stem

    def _swedish(self, word: str) -> str:
        if word[0].isdigit():
            return word
        word = _SWEDISH_IRREGULAR.get(word, word)
        current = word
        for _ in range(4):
            stem = self._snowball.stemWord(current)
            if len(stem) >= 6 and stem.endswith(("et", "an")):
                stem = stem[:-2]
            elif len(stem) >= 5 and stem.endswith(("eln", "ern")):
                stem = stem[:-1]
            if stem == current:
                break
            current = stem
        # Snowball leaves short words alone ("byar", "byarna", "byn"): their plural and definite
        # endings are taken off here when at least two letters remain.
        for _ in range(2):
            for ending in _SHORT_ENDINGS:
                if current.endswith(ending) and len(current) - len(ending) >= 2 \
                        and len(current) <= 6 and (ending != "n" or current[-2] in _VOWELS):
                    current = current[:-len(ending)]
                    break
        if len(current) > 3 and current[-1] == current[-2] and current[-1] not in _VOWELS:
            current = current[:-1]
        return current


# Plurals with a changed vowel, which no suffix rule reaches.
_SWEDISH_IRREGULAR = {"bostäder": "bostad", "bostäderna": "bostad", "städer": "stad",
                      "städerna": "stad", "män": "man", "männen": "man", "mäns": "man",
                      "böcker": "bok", "fötter": "fot", "händer": "hand", "länder": "land",
                      "länderna": "land", "söner": "son", "döttrar": "dotter"}
_SHORT_ENDINGS = ("arna", "erna", "orna", "arn", "ern", "orn", "ar", "or", "er", "n")


_STEMMERS: dict[str, Stemmer] = {}


def stemmer(lang: str) -> Stemmer:
    """The (shared, cached) stemmer of ``lang``: "sv" or "en"."""
    if lang not in _STEMMERS:
        _STEMMERS[lang] = Stemmer(lang)
    return _STEMMERS[lang]


def normalise(text: str) -> str:
    """NFC and lower case, without soft hyphens."""
    return unicodedata.normalize("NFC", text).replace("\u00ad", "").lower()


def tokenise(text: str, lang: str) -> list[Token]:
    """The words of ``text`` with their stems in ``lang``; offsets refer to ``clean(text)``."""
    text = clean(text)
    stem = stemmer(lang)
    stops = STOPWORDS[lang]
    tokens = []
    for match in _TOKEN.finditer(text):
        surface = match.group()
        norm = surface.lower()
        tokens.append(Token(surface, match.start(), match.end(), norm, stem(norm),
                            norm in stops))
    return tokens


def match_key(token: Token) -> str:
    """What a word is matched on: its stem, or for a stopword the word itself (so that "dem"
    never matches the stem of "demens")."""
    return "=" + token.norm if token.stop else token.stem


def clean(text: str) -> str:
    """``text`` in NFC without soft hyphens: the text that token offsets refer to."""
    return unicodedata.normalize("NFC", text).replace("\u00ad", "")


def words(text: str) -> list[str]:
    """The lower-cased words of ``text`` (no stems)."""
    return _TOKEN.findall(normalise(text))


def detect_language(text: str) -> str:
    """"sv" or "en", from function words and the letters å, ä, ö; Swedish when in doubt."""
    tokens = words(text)
    votes = {lang: sum(1 for w in tokens if w in markers)
             for lang, markers in LANGUAGE_MARKERS.items()}
    letters = sum(text.lower().count(c) for c in "åäö")
    votes["sv"] += min(letters, 5) * 0.5
    return "en" if votes["en"] > votes["sv"] else "sv"


__all__ = ["LANGUAGES", "SKIPPABLE", "Stemmer", "Token", "clean", "detect_language", "match_key",
           "normalise", "stemmer", "tokenise", "words"]
