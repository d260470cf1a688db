"""Generate N synthetic social enterprises (default 10,000) for matching benchmarks.

The enterprises are fictional and marked ``seg:isExample true``; they conform to segraph's shapes
(check a small set with ``segraph validate FILE``). The same seed gives the same file. The
distributions are meant to look like a real register:

- seats: municipalities weighted by their approximate population (the largest cities by name,
  every other municipality alike), so Stockholm, Göteborg and Malmö have the most enterprises;
- challenges: one to four per enterprise (most have two or three), the first drawn by how common
  the challenge is among Swedish social enterprises (work integration first), the others mostly
  from the same area of the challenge scheme;
- activity types and target groups: drawn from those that go with the enterprise's challenges;
- legal forms: mostly economic and non-profit associations, with valid organisation numbers
  (Luhn check digit; first digit by legal form); work-integration enterprises where the
  challenges are about work; some operate in one to three other municipalities of their county.

Serve them beside the built graph for the latency benchmark::

    python benchmarks/matching/generate_enterprises.py -n 10000 -o enterprises.nt
    segraph serve --data enterprises.nt
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

PROJECT = Path(__file__).resolve().parents[2]
SEG = "https://w3id.org/segraph/ontology#"
ID = "https://w3id.org/segraph/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
SKOS_BROADER = "http://www.w3.org/2004/02/skos/core#broader"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"

# Population in thousands (approximate) of the largest municipalities; the rest count as 15.
POPULATION = {
    "0180": 985, "1480": 605, "1280": 362, "0380": 245, "0580": 167, "1880": 158, "1980": 158,
    "1283": 151, "0581": 145, "0680": 145, "2480": 133, "1281": 128, "1490": 115, "0484": 107,
    "1380": 105, "2180": 104, "0181": 101, "2281": 99, "0780": 97, "1780": 96, "0184": 86,
    "2580": 80, "0160": 75, "0126": 73, "1481": 70, "2380": 64, "1488": 60, "0880": 70,
    "1080": 67, "1290": 86, "1384": 69, "0683": 38, "1482": 58, "1485": 57,
}
OTHER_POPULATION = 15
# How common each challenge is as the main one (work integration first); the rest count as 1.
CHALLENGE_WEIGHT = {
    "long-term-unemployment": 12, "unemployment": 6, "youth-unemployment": 6,
    "disability-inclusion": 8, "mental-ill-health": 6, "newcomer-integration": 6,
    "circular-economy": 6, "social-exclusion": 4, "substance-abuse": 3, "gender-equality": 3,
    "loneliness": 3, "sustainable-food": 3, "homelessness": 2, "ageing-population": 2,
    "low-education": 2, "segregation": 2, "environment-climate": 2, "climate-transition": 2,
    "digital-exclusion": 2, "children-youth-at-risk": 2, "health-wellbeing": 2,
    "demography-geography": 0.5,
}
WORK = {"long-term-unemployment", "unemployment", "youth-unemployment", "disability-inclusion",
        "newcomer-integration", "mental-ill-health", "substance-abuse"}
ACTIVITIES = {  # the activity types that go with a challenge
    "long-term-unemployment": ["work-training", "cleaning-property-care", "gardening-landscaping",
                               "reuse-repair", "cafe-catering"],
    "unemployment": ["work-training", "cleaning-property-care", "transport-logistics"],
    "youth-unemployment": ["work-training", "reuse-repair", "digital-services",
                           "education-training"],
    "disability-inclusion": ["work-training", "personal-assistance", "cafe-catering",
                             "textile-crafts"],
    "mental-ill-health": ["gardening-landscaping", "cafe-catering", "culture-events"],
    "newcomer-integration": ["education-training", "cafe-catering", "textile-crafts"],
    "circular-economy": ["reuse-repair", "recycling", "retail", "textile-crafts"],
    "environment-climate": ["gardening-landscaping", "consulting", "recycling"],
    "climate-transition": ["consulting", "transport-logistics", "education-training"],
    "sustainable-food": ["food-production", "cafe-catering"],
    "substance-abuse": ["housing-support", "work-training"],
    "homelessness": ["housing-support"],
    "ageing-population": ["care-services", "transport-logistics"],
    "loneliness": ["culture-events", "care-services", "cafe-catering"],
    "digital-exclusion": ["digital-services", "education-training"],
    "children-youth-at-risk": ["education-training", "culture-events"],
    "gender-equality": ["cafe-catering", "textile-crafts", "cleaning-property-care"],
    "depopulation": ["accommodation-tourism", "retail", "transport-logistics"],
    "long-distances": ["transport-logistics", "care-services"],
}
DEFAULT_ACTIVITIES = ["work-training", "consulting", "retail"]
TARGET_GROUPS = {  # the target groups that go with a challenge
    "long-term-unemployment": ["long-term-unemployed"],
    "unemployment": ["long-term-unemployed", "young-people"],
    "youth-unemployment": ["young-people"],
    "disability-inclusion": ["people-with-disabilities"],
    "mental-ill-health": ["people-with-mental-ill-health"],
    "newcomer-integration": ["newly-arrived", "foreign-born-women"],
    "substance-abuse": ["people-in-recovery"],
    "homelessness": ["homeless-people"],
    "ageing-population": ["older-people"],
    "loneliness": ["older-people"],
    "gender-equality": ["women-far-from-labour-market", "foreign-born-women"],
    "crime-prevention": ["former-prisoners", "young-people"],
    "children-youth-at-risk": ["children-families", "young-people"],
    "social-exclusion": ["former-prisoners", "homeless-people"],
    "digital-exclusion": ["older-people"],
}
LEGAL_FORMS = [("economic-association", "7", 40), ("non-profit-association", "8", 25),
               ("limited-company-restricted-dividend", "5", 15), ("limited-company", "5", 10),
               ("foundation", "8", 8), ("trading-partnership", "9", 2)]
CHALLENGE_COUNTS = [(1, 25), (2, 40), (3, 28), (4, 7)]
OPERATES_COUNTS = [(0, 55), (1, 25), (2, 15), (3, 5)]


def _read(path: Path) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]


def municipalities(project: Path) -> dict[str, tuple[str, str]]:
    """code -> (county IRI, Swedish name)."""
    county, name, code = {}, {}, {}
    for t in _read(project / "data" / "geo" / "municipalities.ttl"):
        p = t.predicate.value
        if p == SEG + "inCounty":
            county[t.subject.value] = t.object.value
        elif p == RDFS_LABEL:
            name[t.subject.value] = t.object.value
        elif p == SEG + "municipalityCode":
            code[t.subject.value] = t.object.value
    return {code[m]: (county[m], name[m]) for m in code}


def challenges(project: Path) -> dict[str, str | None]:
    """key -> key of its broader challenge (None for a top concept)."""
    found: dict[str, str | None] = {}
    for t in _read(project / "data" / "challenges" / "challenges.ttl"):
        if t.predicate.value == RDF_TYPE and t.object.value == SEG + "SocietalChallenge":
            found.setdefault(t.subject.value.rsplit("/", 1)[1], None)
    for t in _read(project / "data" / "challenges" / "challenges.ttl"):
        if t.predicate.value == SKOS_BROADER:
            found[t.subject.value.rsplit("/", 1)[1]] = t.object.value.rsplit("/", 1)[1]
    return found


def organisation_number(rng: random.Random, first: str, used: set[str]) -> str:
    """A new NNNNNN-NNNN with a valid Luhn check digit (third digit at least 2)."""
    while True:
        digits = first + str(rng.randrange(10)) + str(rng.randrange(2, 10)) + \
            "".join(str(rng.randrange(10)) for _ in range(6))
        total = 0
        for i, c in enumerate(digits):
            product = int(c) * (2 if i % 2 == 0 else 1)
            total += product - 9 if product > 9 else product
        number = f"{digits[:6]}-{digits[6:]}{(10 - total % 10) % 10}"
        if number not in used:
            used.add(number)
            return number


def _pick(rng: random.Random, weighted: list[tuple[object, float]]) -> object:
    return rng.choices([item for item, _ in weighted], [w for _, w in weighted])[0]


def enterprises(n: int, seed: int = 5, project: Path = PROJECT) -> Iterator[ox.Triple]:
    """The triples of ``n`` generated enterprises."""
    rng = random.Random(seed)
    places = municipalities(project)
    codes = sorted(places)
    seat_weights = [POPULATION.get(c, OTHER_POPULATION) for c in codes]
    by_county: dict[str, list[str]] = {}
    for code in codes:
        by_county.setdefault(places[code][0], []).append(code)
    scheme = challenges(project)
    keys = sorted(scheme)
    area = {k: scheme[k] or k for k in keys}
    key_weights = [CHALLENGE_WEIGHT.get(k, 1) for k in keys]
    used: set[str] = set()

    def node(local: str) -> ox.NamedNode:
        return ox.NamedNode(ID + local)

    def seg(local: str) -> ox.NamedNode:
        return ox.NamedNode(SEG + local)

    for i in range(1, n + 1):
        code = rng.choices(codes, seat_weights)[0]
        count = _pick(rng, CHALLENGE_COUNTS)
        chosen = [rng.choices(keys, key_weights)[0]]
        while len(chosen) < count:  # type: ignore[operator]
            same = [k for k in keys if area[k] == area[chosen[0]] and k not in chosen]
            pool = same if same and rng.random() < 0.6 else [k for k in keys if k not in chosen]
            chosen.append(rng.choices(pool, [CHALLENGE_WEIGHT.get(k, 1) for k in pool])[0])
        activities: list[str] = []
        for key in chosen:
            options = [a for a in ACTIVITIES.get(key, DEFAULT_ACTIVITIES) if a not in activities]
            if options and (not activities or rng.random() < 0.45) and len(activities) < 3:
                activities.append(rng.choice(options))
        groups = sorted({g for key in chosen for g in TARGET_GROUPS.get(key, [])})
        groups = rng.sample(groups, min(len(groups), rng.randint(1, 2))) if groups else \
            ["long-term-unemployed"]
        form, first, _ = rng.choices(LEGAL_FORMS, [w for *_, w in LEGAL_FORMS])[0]
        number = organisation_number(rng, first, used)
        wise = rng.random() < (0.55 if WORK & set(chosen) else 0.1)
        neighbours = [c for c in by_county[places[code][0]] if c != code]
        operates = rng.sample(neighbours, min(len(neighbours), _pick(rng, OPERATES_COUNTS)))
        name = places[code][1]
        s = node(f"organisation/{number}")
        cls = "WorkIntegrationSocialEnterprise" if wise else "SocialEnterprise"
        yield ox.Triple(s, ox.NamedNode(RDF_TYPE), seg(cls))
        for lang, text in (("sv", f"Testföretag {i:05d} i {name} (exempel)"),
                           ("en", f"Test enterprise {i:05d} in {name} (example)")):
            yield ox.Triple(s, ox.NamedNode(RDFS_LABEL), ox.Literal(text, language=lang))
            yield ox.Triple(s, ox.NamedNode(SKOS_PREF), ox.Literal(text, language=lang))
        yield ox.Triple(s, seg("organisationNumber"), ox.Literal(number))
        yield ox.Triple(s, seg("legalForm"), node(f"legal-form/{form}"))
        yield ox.Triple(s, seg("seatMunicipality"), node(f"municipality/{code}"))
        for other in sorted(operates):
            yield ox.Triple(s, seg("operatesIn"), node(f"municipality/{other}"))
        for key in sorted(chosen):
            yield ox.Triple(s, seg("addressesChallenge"), node(f"challenge/{key}"))
        for activity in sorted(activities):
            yield ox.Triple(s, seg("activityType"), node(f"activity-type/{activity}"))
        for group in sorted(groups):
            yield ox.Triple(s, seg("targetGroup"), node(f"target-group/{group}"))
        yield ox.Triple(s, seg("reinvestsProfit"),
                        ox.Literal("true" if rng.random() < 0.9 else "false",
                                   datatype=ox.NamedNode(XSD_BOOLEAN)))
        yield ox.Triple(s, seg("isExample"),
                        ox.Literal("true", datatype=ox.NamedNode(XSD_BOOLEAN)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--count", type=int, default=10_000, help="enterprises (10000)")
    parser.add_argument("--seed", type=int, default=5, help="random seed (5)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write here (.ttl Turtle, .nt N-Triples); default: N-Triples on "
                             "standard output")
    args = parser.parse_args(argv)
    fmt = ox.RdfFormat.TURTLE if args.output and args.output.endswith(".ttl") else \
        ox.RdfFormat.N_TRIPLES
    prefixes = {"seg": SEG, "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                "skos": "http://www.w3.org/2004/02/skos/core#"} \
        if fmt == ox.RdfFormat.TURTLE else None
    data = ox.serialize(enterprises(args.count, args.seed), format=fmt, prefixes=prefixes)
    if args.output:
        Path(args.output).write_bytes(data)
        print(f"{args.count} enterprises -> {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
