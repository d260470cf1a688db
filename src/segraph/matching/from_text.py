"""A free text matched to enterprises: the linker finds the challenges the text addresses, and
the matcher ranks the enterprises working on them, weighted by the linker's scores."""

from __future__ import annotations

from typing import TYPE_CHECKING

from segraph.matching.matcher import Matcher
from segraph.matching.model import Match

if TYPE_CHECKING:
    from segraph.linking import Linker, LinkResult

LINK_LIMIT = 10  # challenges, goals and targets taken from the text


def enterprises_for_text(linker: Linker, matcher: Matcher, text: str, *,
                         lang: str | None = None, municipality: str | None = None,
                         limit: int = 20) -> tuple[LinkResult, list[Match]]:
    """The text linked, then the enterprises for its challenges, optionally ranked near a
    municipality (IRI). No challenge found: no enterprises."""
    linked = linker.link(text, lang, limit=LINK_LIMIT)
    weights = {link.uri: link.score for link in linked.challenges}
    matches = matcher.enterprises_for_challenges(weights, municipality=municipality,
                                                 limit=limit) if weights else []
    return linked, matches
