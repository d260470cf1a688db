"""A link result as tables for the terminal (``segraph link``), in Swedish or English."""

from __future__ import annotations

from rich.table import Table

from segraph.linking.results import Evidence, Link, LinkResult

HEADINGS = {
    "sv": {"challenges": "Samhällsutmaningar", "goals": "Globala mål", "targets": "Delmål",
           "score": "poäng", "evidence": "belägg", "nothing": "Texten kopplas inte till någon "
           "samhällsutmaning, något globalt mål eller delmål.",
           "challenge": "utmaning", "goal": "mål", "target": "delmål"},
    "en": {"challenges": "Societal challenges", "goals": "SDG goals", "targets": "SDG targets",
           "score": "score", "evidence": "evidence", "nothing": "The text links to no societal "
           "challenge, SDG goal or target.", "challenge": "challenge", "goal": "goal",
           "target": "target"},
}

SOURCE_NAMES = {
    "sv": {"prefLabel": "namn", "altLabel": "synonym", "hiddenLabel": "sökord",
           "definition": "definition", "officialTitle": "FN:s titel",
           "via-challenge": "via utmaning", "via-target": "via delmål", "via-goal": "via mål"},
    "en": {"prefLabel": "name", "altLabel": "synonym", "hiddenLabel": "search term",
           "definition": "definition", "officialTitle": "UN title",
           "via-challenge": "via challenge", "via-target": "via target", "via-goal": "via goal"},
}


def evidence_text(evidence: Evidence, lang: str) -> str:
    """One piece of evidence as a line: the words of the text → what they matched (how)."""
    source = SOURCE_NAMES[lang].get(evidence.source, evidence.source)
    term = evidence.term if len(evidence.term) <= 60 else evidence.term[:59] + "…"
    return f"«{evidence.text}» → {term} ({source})"


def link_table(links: tuple[Link, ...], kind: str, lang: str, *, evidence: int = 3) -> Table:
    """``links`` of one kind ("challenge", "goal", "target") with score and evidence."""
    words = HEADINGS[lang]
    table = Table(title=words[kind + "s"], title_justify="left", show_lines=False)
    table.add_column("#", justify="right")
    table.add_column(words[kind])
    table.add_column(words["score"], justify="right")
    table.add_column(words["evidence"])
    for rank, link in enumerate(links, start=1):
        name = f"{link.notation} {link.label}" if link.notation else link.label
        table.add_row(str(rank), name, f"{link.score:.2f}",
                      "\n".join(evidence_text(e, lang) for e in link.evidence[:evidence]))
    return table


def tables(result: LinkResult) -> list[Table]:
    """A table per non-empty list of ``result`` (challenges, goals, targets)."""
    lang = result.lang if result.lang in HEADINGS else "sv"
    return [link_table(links, kind, lang)
            for kind, links in (("challenge", result.challenges), ("goal", result.goals),
                                ("target", result.targets)) if links]


def nothing_found(lang: str) -> str:
    return HEADINGS.get(lang, HEADINGS["sv"])["nothing"]


__all__ = ["SOURCE_NAMES", "evidence_text", "link_table", "nothing_found", "tables"]
