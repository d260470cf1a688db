"""What linking a text gives: ranked links to challenges, SDG goals and targets, with evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Where a piece of evidence comes from: a term of the concept itself, or another linked concept.
SOURCES = ("prefLabel", "altLabel", "hiddenLabel", "definition", "officialTitle",
           "via-target", "via-challenge", "via-goal")


@dataclass(frozen=True)
class Evidence:
    """Why a concept was linked: the words of the text and the term (or concept) they matched."""

    text: str      # the words as they occur in the input, e.g. "långtidsarbetslösa"
    term: str      # the vocabulary term matched, e.g. "långtidsarbetslöshet"
    source: str    # one of SOURCES
    lang: str      # "sv" | "en"
    weight: float

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "term": self.term, "source": self.source, "lang": self.lang,
                "weight": self.weight}


@dataclass(frozen=True)
class Link:
    """One linked concept, its score (0-1, higher is stronger) and the evidence, strongest first."""

    uri: str
    label: str
    score: float
    evidence: tuple[Evidence, ...]
    notation: str | None = None          # "8" for goals, "8.5" for targets

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"uri": self.uri, "label": self.label, "score": self.score,
                                "evidence": [e.to_json() for e in self.evidence]}
        if self.notation is not None:
            data["notation"] = self.notation
        return data


@dataclass(frozen=True)
class LinkResult:
    """The challenges, goals and targets a text addresses, each list ranked; empty for none."""

    lang: str                            # given or detected
    challenges: tuple[Link, ...]
    goals: tuple[Link, ...]
    targets: tuple[Link, ...]

    def to_json(self) -> dict[str, Any]:
        return {"lang": self.lang,
                "challenges": [link.to_json() for link in self.challenges],
                "goals": [link.to_json() for link in self.goals],
                "targets": [link.to_json() for link in self.targets]}

    @property
    def empty(self) -> bool:
        return not (self.challenges or self.goals or self.targets)


__all__ = ["SOURCES", "Evidence", "Link", "LinkResult"]
