"""What a match is: a candidate for a subject, its score and the reasons the score is made of."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

FACTORS = ("challenge", "broader-narrower", "sdg-target", "activity-type", "geography")
LANGUAGES = ("sv", "en")


@dataclass(frozen=True)
class Reason:
    """One factor's contribution to a match, with a sentence a person reads in sv and en."""

    factor: str  # one of FACTORS
    score: float  # this reason's contribution to the match's score
    text: dict[str, str]  # {"sv": "...", "en": "..."}
    evidence: tuple[str, ...]  # the IRIs involved (challenges, targets, regions, policies ...)

    def to_json(self, lang: str) -> dict[str, Any]:
        return {"factor": self.factor, "score": self.score,
                "text": self.text.get(lang) or self.text["sv"],
                "evidence": list(self.evidence)}


@dataclass(frozen=True)
class Match:
    """``candidate`` ranked for ``subject`` (a municipality, enterprise or challenge IRI, or
    ``"text"`` for a linked free text). ``score`` is the sum of the reasons' scores;
    ``label`` is the candidate's Swedish name, ``labels`` its name per language."""

    subject: str
    candidate: str
    label: str
    score: float
    reasons: tuple[Reason, ...]
    labels: Mapping[str, str] = field(default_factory=dict, compare=False)

    def to_json(self, lang: str) -> dict[str, Any]:
        return {"uri": self.candidate, "label": self.labels.get(lang) or self.label,
                "score": self.score, "reasons": [r.to_json(lang) for r in self.reasons]}
