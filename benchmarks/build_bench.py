"""Time `segraph build` on the default data and on a graph N times its size (default 10).

The larger graph is the default one plus generated, shape-valid example enterprises and
agreements. Reports the time per phase (parse, validate, reason, load, dump) and, as the peer
measured in the same run, a plain pyoxigraph bulk load of the same N-Quads dump into an on-disk
store: the ratio says what validation, reasoning and the rest cost over loading alone.

    python benchmarks/build_bench.py [--factor 10] [--no-reason] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS, XSD

from segraph.build import build
from segraph.namespaces import ID, SEG, bind_prefixes
from segraph.settings import Paths
from segraph.sources import convert, load_manifest

PROJECT = Path(__file__).resolve().parents[1]


def luhn_number(rng: random.Random, first: str, used: set[str]) -> str:
    while True:
        digits = first + "2" + "".join(str(rng.randrange(10)) for _ in range(7))
        total = 0
        for i, c in enumerate(digits):
            p = int(c) * (2 if i % 2 == 0 else 1)
            total += p - 9 if p > 9 else p
        number = f"{digits[:6]}-{digits[6:]}{(10 - total % 10) % 10}"
        if number not in used:
            used.add(number)
            return number


def synthetic(target_triples: int, seed: int = 7) -> Graph:
    """Generated example enterprises with agreements, about ``target_triples`` triples."""
    rng = random.Random(seed)
    sources = {s.name: convert(s) for s in load_manifest(PROJECT)}
    municipalities = sorted(sources["admin-units"].subjects(RDF.type, SEG.Municipality))
    challenges = sorted(sources["challenges"].subjects(RDF.type, SEG.SocietalChallenge))
    vocab = sources["vocabularies"]

    def concepts(cls):
        return sorted(vocab.subjects(RDF.type, cls))

    activities, groups = concepts(SEG.ActivityType), concepts(SEG.TargetGroup)
    kinds = concepts(SEG.AgreementKind)
    forms = {"7": ID["legal-form/economic-association"],
             "5": ID["legal-form/limited-company-restricted-dividend"],
             "8": ID["legal-form/non-profit-association"]}
    graph = bind_prefixes(Graph())
    used: set[str] = set()
    n = 0
    while len(graph) < target_triples:
        n += 1
        first = rng.choice(sorted(forms))
        e = ID[f"organisation/{luhn_number(rng, first, used)}"]
        graph.add((e, RDF.type, rng.choice([SEG.SocialEnterprise,
                                            SEG.WorkIntegrationSocialEnterprise])))
        for lang, suffix in (("sv", "exempel"), ("en", "example")):
            graph.add((e, RDFS.label, Literal(f"Genererat företag {n} ({suffix})", lang=lang)))
        graph.add((e, SEG.organisationNumber, Literal(str(e).rsplit("/", 1)[1])))
        graph.add((e, SEG.legalForm, forms[first]))
        seat = rng.choice(municipalities)
        graph.add((e, SEG.seatMunicipality, seat))
        for c in rng.sample(challenges, 2):
            graph.add((e, SEG.addressesChallenge, c))
        graph.add((e, SEG.activityType, rng.choice(activities)))
        graph.add((e, SEG.targetGroup, rng.choice(groups)))
        graph.add((e, SEG.reinvestsProfit, Literal(True)))
        graph.add((e, SEG.isExample, Literal(True)))
        for k in range(2):
            a = ID[f"agreement/generated-{n}-{k}"]
            graph.add((a, RDF.type, SEG.Agreement))
            for lang, suffix in (("sv", "exempel"), ("en", "example")):
                graph.add((a, RDFS.label, Literal(f"Avtal {n}-{k} ({suffix})", lang=lang)))
            graph.add((a, SEG.agreementKind, rng.choice(kinds)))
            graph.add((a, SEG.municipalityParty, seat))
            graph.add((a, SEG.enterpriseParty, e))
            graph.add((a, SEG.year, Literal(rng.randrange(2015, 2026))))
            graph.add((a, SEG.valueSEK, Literal(f"{rng.randrange(20, 5000) * 1000}.00",
                                                datatype=XSD.decimal)))
            graph.add((a, SEG.isExample, Literal(True)))
    return graph


def peer_load(dump: Path, directory: Path) -> float:
    start = time.perf_counter()
    store = ox.Store(str(directory))
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    return time.perf_counter() - start


def run(label: str, extra: list[Path], reason: bool, work: Path) -> dict:
    paths = Paths(project=PROJECT, var=work / label)
    start = time.perf_counter()
    result = build(paths, extra_files=extra, reason=reason)
    total = time.perf_counter() - start
    peer = peer_load(paths.build / "dumps" / "segraph.nq", work / f"{label}-peer")
    derived = result.graphs.get("inferred", 0) + result.graphs["metadata"]
    return {"label": label, "triples": result.triples, "input_triples": result.triples - derived,
            "total_s": round(total, 2),
            "phases_s": {k: round(v, 2) for k, v in result.timings.items()},
            "peer_bulk_load_s": round(peer, 2), "ratio_build_to_peer": round(total / peer, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--factor", type=int, default=10, help="size of the large graph (x)")
    parser.add_argument("--no-reason", action="store_true", help="skip HermiT")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="segraph-bench-") as tmp:
        work = Path(tmp)
        rows = [run("default", [], not args.no_reason, work)]
        extra = work / "generated.ttl"
        synthetic(rows[0]["input_triples"] * (args.factor - 1)).serialize(extra,
                                                                           format="turtle")
        rows.append(run(f"x{args.factor}", [extra], not args.no_reason, work))
    phases = list(rows[0]["phases_s"])
    print(f"{'graph':<9}{'input':>9}{'triples':>10}{'total s':>9}"
          + "".join(f"{p:>10}" for p in phases) + f"{'peer load s':>13}{'ratio':>7}")
    for r in rows:
        print(f"{r['label']:<9}{r['input_triples']:>9,}{r['triples']:>10,}{r['total_s']:>9.2f}"
              + "".join(f"{r['phases_s'].get(p, 0):>10.2f}" for p in phases)
              + f"{r['peer_bulk_load_s']:>13.2f}{r['ratio_build_to_peer']:>7.1f}")
    print("input: asserted triples (the large graph has factor x the default's); triples: with "
          "the inferred and metadata graphs")
    print("peer: pyoxigraph Store.bulk_load of the same N-Quads dump into an on-disk store; "
          "ratio = build total / peer")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
