"""Time `segraph import enterprises` on a generated register of N rows (default 10,000).

The rows are valid: real municipality codes (some written as names, ``Malmö stad`` style),
Luhn-valid organisationsnummer (half without hyphen), concept keys and Swedish labels mixed,
semicolon-separated UTF-8 with BOM as Excel writes it. The import runs into a scratch var
directory with an empty on-disk store (or ``--var`` with a build), and the script prints rows
per second and the share of the time spent reading the reference data, converting, validating
and loading (writing var/imports and replacing the named graph in the store).

    python benchmarks/csv_import_bench.py [--rows 10000] [--seed 3] [--var DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import RDFS, SKOS

from segraph.csv_import import import_register
from segraph.namespaces import ID, SEG
from segraph.settings import Paths
from segraph.sources import convert, load_manifest
from segraph.store import EmbeddedStore

PROJECT = Path(__file__).resolve().parents[1]
HEADER = ("namn;organisationsnummer;juridisk_form;kommun;arbetsintegrerande;verksamhet;"
          "målgrupper;utmaningar;webbplats;beskrivning;beskrivning_språk;återinvesterar_vinst;"
          "verksam_i")


def luhn_number(rng: random.Random, used: set[str]) -> str:
    while True:
        digits = rng.choice("5789") + "".join(str(rng.randrange(10)) for _ in range(8))
        total = 0
        for i, c in enumerate(digits):
            p = int(c) * (2 if i % 2 == 0 else 1)
            total += p - 9 if p > 9 else p
        number = digits + str((10 - total % 10) % 10)
        if number not in used:
            used.add(number)
            return number


def generate(path: Path, rows: int, seed: int) -> None:
    rng = random.Random(seed)
    sources = {s.name: convert(s) for s in load_manifest(PROJECT)
               if s.name in ("admin-units", "vocabularies", "challenges")}
    places = sources["admin-units"]
    towns = sorted((str(places.value(m, SEG.municipalityCode)), str(places.value(m, RDFS.label)))
                   for m in places.subjects(SEG.municipalityCode, None))
    vocab = sources["vocabularies"]

    def concepts(scheme: str) -> list[tuple[str, str]]:
        found = []
        for c in vocab.subjects(SKOS.inScheme, URIRef(f"{ID}{scheme}")):
            label = next((str(x) for x in vocab.objects(c, SKOS.prefLabel)
                          if x.language == "sv"), "")
            found.append((str(c).rsplit("/", 1)[-1], label))
        return sorted(found)

    forms, activities = concepts("legal-form"), concepts("activity-type")
    groups = concepts("target-group")
    challenges = sorted(str(c).rsplit("/", 1)[-1] for c in
                        sources["challenges"].subjects(SKOS.inScheme, ID["challenge"]))
    used: set[str] = set()
    lines = [HEADER]
    for i in range(rows):
        number = luhn_number(rng, used)
        if i % 2:
            number = f"{number[:6]}-{number[6:]}"
        code, town = rng.choice(towns)
        seat = code if i % 3 else rng.choice((f"{town} kommun", town, f"{town.upper()}"))
        form = rng.choice(forms)
        cells = [
            f"Generated enterprise {i}", number, form[i % 2], seat,
            rng.choice(("ja", "nej")),
            ", ".join(a[i % 2] for a in rng.sample(activities, 2) if "," not in a[1]),
            ", ".join(g[0] for g in rng.sample(groups, 2)),
            ", ".join(rng.sample(challenges, 3)),
            f"https://example.org/e{i}", f"Genererat företag nummer {i}.", "sv",
            rng.choice(("ja", "nej", "")), ", ".join(c for c, _ in rng.sample(towns, 2)),
        ]
        lines.append(";".join(cells))
    path.write_text("\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--var", type=Path, help="a var directory with a build (default: a "
                                                 "scratch one with an empty store)")
    parser.add_argument("--engine", default="turbo", choices=("turbo", "pyshacl"))
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="csv-bench.") as scratch:
        work = Path(scratch)
        var = args.var or work / "var"
        paths = Paths(project=PROJECT, var=var)
        if args.var is None:
            paths.build.mkdir(parents=True)
            EmbeddedStore(paths.store).close()
        register = work / f"register-{args.rows}.csv"
        generate(register, args.rows, args.seed)
        start = time.perf_counter()
        result = import_register(paths, "enterprises", register, engine=args.engine,
                                 name="bench-register")
        total = time.perf_counter() - start
        if args.var is not None:
            (paths.imports / "bench-register.ttl").unlink(missing_ok=True)
            (paths.imports / "bench-register.meta.ttl").unlink(missing_ok=True)
    if result.errors:
        for problem in result.errors[:10]:
            print(problem.text("en"), file=sys.stderr)
        print(f"{len(result.invalid)} generated rows were invalid", file=sys.stderr)
        return 1
    figures = {"rows": result.rows, "loaded": result.loaded, "triples": result.triples,
               "seconds": round(total, 2), "rows_per_second": round(result.rows / total),
               "phases": {k: round(v, 2) for k, v in result.timings.items()},
               "share": {k: round(v / total, 3) for k, v in result.timings.items()}}
    print(f"{result.rows:,} rows, {result.triples:,} triples in {total:.1f} s: "
          f"{result.rows / total:,.0f} rows/s (engine {args.engine})")
    for phase, seconds in result.timings.items():
        print(f"  {phase:<9} {seconds:6.2f} s  {seconds / total:6.1%}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
