"""Matches for people: rich tables in Swedish or English, and the JSON of the HTTP API."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from segraph.matching.model import Match
from segraph.matching.text import lower_en

HEADINGS = {
    "sv": {"rank": "#", "score": "poäng", "enterprise": "socialt företag", "municipality": "kommun",
           "reasons": "skäl", "none": "Inga matchningar."},
    "en": {"rank": "#", "score": "score", "enterprise": "social enterprise",
           "municipality": "municipality", "reasons": "reasons", "none": "No matches."},
}
TITLES = {
    "municipality": {"sv": "Sociala företag för {name}", "en": "Social enterprises for {name}"},
    "enterprise": {"sv": "Kommuner som behöver det {name} gör",
                   "en": "Municipalities that need what {name} does"},
    "challenge-enterprises": {"sv": "Sociala företag som arbetar med {name}",
                              "en": "Social enterprises working on {name}"},
    "challenge-municipalities": {"sv": "Kommuner som står inför {name}",
                                 "en": "Municipalities facing {name}"},
    "nearby": {"sv": "Sociala företag nära {name} – endast efter närhet",
               "en": "Social enterprises near {name} – by proximity only"},
    "text": {"sv": "Sociala företag som arbetar med det texten tar upp",
             "en": "Social enterprises working on what the text addresses"},
    "text-near": {"sv": "Sociala företag som arbetar med det texten tar upp, nära {name}",
                  "en": "Social enterprises working on what the text addresses, near {name}"},
}


def title(kind: str, name: str, lang: str) -> str:
    if kind.startswith("challenge") and lang == "en":
        name = lower_en(name)
    return TITLES[kind][lang].format(name=name)


def table(matches: list[Match], *, candidates: str, heading: str, lang: str) -> Table:
    """One row per match: rank, score, the candidate's name and IRI, and each reason with its
    points (``+3.0``) and sentence."""
    words = HEADINGS[lang]
    grid = Table(title=heading, show_lines=True, title_justify="left")
    grid.add_column(words["rank"], justify="right")
    grid.add_column(words["score"], justify="right")
    grid.add_column(words[candidates], overflow="fold", max_width=40)
    grid.add_column(words["reasons"], overflow="fold")
    for rank, match in enumerate(matches, start=1):
        reasons = "\n".join(f"+{reason.score:g}  {reason.text.get(lang) or reason.text['sv']}"
                            for reason in match.reasons)
        name = match.labels.get(lang) or match.label
        grid.add_row(str(rank), f"{match.score:g}", f"{name}\n[dim]{match.candidate}[/dim]",
                     reasons)
    if not matches:
        grid.add_row("", "", words["none"], "")
    return grid


def as_json(subject: str, lang: str, **lists: list[Match]) -> dict[str, Any]:
    """``{"subject": ..., "<list>": [Match.to_json(lang), ...]}`` as the HTTP API answers."""
    return {"subject": subject, **{key: [m.to_json(lang) for m in matches]
                                   for key, matches in lists.items()}}
