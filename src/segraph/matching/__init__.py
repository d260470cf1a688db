"""Explainable graph matching: social enterprises ↔ municipalities ↔ societal challenges.

``Matcher.from_store(store)`` reads what it needs from a pyoxigraph store once (in-process
SPARQL, asserted data only) into compact Python indexes, then answers

- ``enterprises_for_municipality(iri)``: the enterprises that best address the municipality's
  challenges;
- ``municipalities_for_enterprise(iri)``: the municipalities that need what the enterprise does;
- ``for_challenge(iri)``: ``{"enterprises": [...], "municipalities": [...]}`` working on / facing
  the challenge, also one SKOS step broader or narrower;
- ``enterprises_for_challenges(weights, municipality=None)``: for a linked free text
  (challenge IRI -> the linker's score);
- ``enterprises_near(iri)``: the enterprises near a municipality ranked by geography alone (the
  geography weights below, elsewhere left out), one geography reason each: what is offered,
  *by proximity only*, for a municipality without any recorded or derived challenge, for which
  ``enterprises_for_municipality`` is empty (``municipalities_with_needs`` lists the others).

Each :class:`Match` carries its score and its :class:`Reason` s, and the score is the sum of the
reasons' scores. Results are ordered by score (highest first), then Swedish name, then IRI.

What a municipality needs
    its challenges: asserted (``seg:facesChallenge``, need weight 1.0), or derived from its data
    and marked "(härlett)"/"(derived)" in the reasons: the challenges its agreements serve
    (``seg:servesChallenge``, 0.6), and the challenges mapped (``seg:relatedSDGTarget``) to an
    SDG target its policy documents link to (``seg:linkedToSDG``, 0.5). Its SDG targets are those
    of its challenges and those its policies link to; a goal its policies link to counts too.

Weights (points; each reason's score is shown)
    ===================  ==================================================================
    challenge            3.0 × need weight, per challenge the enterprise works on that the
                         municipality has
    broader-narrower     1.5 × need weight, per enterprise challenge one SKOS step
                         (skos:broader/narrower) from one of the municipality's; the reason
                         names the concept that links them
    sdg-target           0.5 per further shared SDG target (targets already explained by a
                         challenge above are not counted again; at most 3), 0.25 per goal a
                         policy document links to that no counted target reaches
    activity-type        0.5 per activity type the municipality already buys from social
                         enterprises (its agreements' enterprise parties; at most 2)
    geography            same municipality 2.0 > operates there 1.5 > same FA region 1.0 >
                         same county 0.5 > elsewhere 0 (seat or seg:operatesIn, best level)
    ===================  ==================================================================

An enterprise is a candidate only when a challenge, broader-narrower or sdg-target reason
applies; activity types and geography only order the candidates. For a challenge, enterprises
get 3.0 per direct and 1.5 per one-step link, municipalities 3.0 or 1.5 × their need weight.
For a text the linker's scores (scaled so the strongest challenge is 1.0) are the need weights,
and with a municipality its geography and purchases count as above.

``matches_graph(matches, method=...)`` writes matches as ``seg:Match`` resources (stable IRIs
``…/id/match/<hash>``) with ``seg:MatchReason`` s and a ``prov:Activity``; ``segraph build`` puts
every municipality's top 10 in the named graph ``graph/matches``.
"""

from segraph.matching.index import GraphIndex
from segraph.matching.matcher import METHOD, TEXT_METHOD, Matcher, UnknownResource
from segraph.matching.model import FACTORS, Match, Reason
from segraph.matching.scoring import GEOGRAPHY, NEED_WEIGHTS, WEIGHTS
from segraph.matching.writeback import matches_graph

__all__ = ["FACTORS", "GEOGRAPHY", "METHOD", "NEED_WEIGHTS", "TEXT_METHOD", "WEIGHTS",
           "GraphIndex", "Match", "Matcher", "Reason", "UnknownResource", "matches_graph"]
