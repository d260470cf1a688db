"""Measure ``/api/link`` on single texts and ``/api/match`` for municipalities against 10,000
generated enterprises: p50/p95 at concurrency 1 and 4, and the goal (p95 under 100 ms).

The enterprises come from ``benchmarks/matching/generate_enterprises.py`` (``--count``, default
10,000, seed 5), written once to the scratch directory (``--work``) and reused; they are served
beside the built graph with ``segraph serve --data FILE`` (``--workers``, default the server's
4; no rate limit). The texts are those of ``benchmarks/linking/dev.jsonl`` when present (else a
few built in), one text per request as ``POST /api/link {"text"}``; the municipalities are every
one that has a challenge, asserted or derived from its agreements and policy documents (found
by a SPARQL query), as ``GET /api/match?municipality=<kommunkod>&limit=20``. After one untimed
pass, each request is repeated ``--reps`` times per concurrency level; every answer is checked
(200, JSON). The same work in-process (``Linker.link``, ``Matcher.enterprises_for_municipality``
on the same graph, no HTTP) is measured too, so that HTTP minus in-process is what serving adds.

    .venv/bin/python benchmarks/api_bench.py [--count 10000] [--reps 5] [--concurrency 1 4]
        [--json out.json]

Run on demand only; no test runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import endpoint_bench as eb  # the benchmarks' shared server helpers
from pages_bench import pct  # the same percentile as the pages benchmark

PROJECT = eb.PROJECT
GOAL_MS = 100.0
DEV_SET = PROJECT / "benchmarks" / "linking" / "dev.jsonl"
GENERATOR = PROJECT / "benchmarks" / "matching" / "generate_enterprises.py"
BUILT_IN_TEXTS = [
    "Vi driver ett kafé där långtidsarbetslösa får arbetsträning och handledning.",
    "Föreningen ordnar träffar mot ofrivillig ensamhet bland äldre i stadsdelen.",
    "We repair and resell donated bicycles, and young people gain work experience with us.",
    "Ett arbetsintegrerande kooperativ som sköter parker och skolgårdar åt kommunen.",
    "We offer housing support and training flats for people leaving homelessness.",
]
WITH_NEEDS = """PREFIX seg: <https://w3id.org/segraph/ontology#>
SELECT DISTINCT ?code WHERE {
  ?m seg:municipalityCode ?code .
  { ?m seg:facesChallenge ?c } UNION { ?a seg:municipalityParty ?m }
  UNION { ?m seg:hasPolicyDocument ?p }
} ORDER BY ?code"""


def texts() -> tuple[list[str], str]:
    if DEV_SET.is_file():
        found = [json.loads(line)["text"] for line in DEV_SET.read_text().splitlines()
                 if line.strip()]
        if found:
            return found, f"{DEV_SET.relative_to(PROJECT)} ({len(found)} texts)"
    return BUILT_IN_TEXTS, f"built-in ({len(BUILT_IN_TEXTS)} texts)"


def generated(count: int, work: Path) -> Path:
    path = work / f"enterprises-{count}.nt"
    if not path.is_file():
        work.mkdir(parents=True, exist_ok=True)
        eb.say(f"generating {count} enterprises -> {path}")
        subprocess.run([sys.executable, str(GENERATOR), "-n", str(count), "-o", str(path)],
                       check=True, cwd=PROJECT, timeout=600)
    return path


def start_server(var: Path, data: Path, workers: int, log: Path
                 ) -> tuple[str, subprocess.Popen] | None:
    return eb.serve_segraph(var, log, data=data, workers=workers)


Request = tuple[str, str, dict]  # method, path, JSON body or query parameters


def send(session: requests.Session, base: str, request: Request) -> requests.Response:
    method, path, payload = request
    if method == "POST":
        return session.post(base + path, json=payload, timeout=60)
    return session.get(base + path, params=payload, timeout=60)


def run_level(base: str, requests_: list[Request], concurrency: int, reps: int
              ) -> dict:
    """Every request ``reps`` times by ``concurrency`` client threads; latencies in ms."""
    todo = [r for _ in range(reps) for r in requests_]
    lock = threading.Lock()
    times: list[float] = []
    errors: list[str] = []
    position = [0]

    def client() -> None:
        session = requests.Session()
        while True:
            with lock:
                if position[0] >= len(todo):
                    return
                request = todo[position[0]]
                position[0] += 1
            start = time.perf_counter()
            try:
                answer = send(session, base, request)
                elapsed = (time.perf_counter() - start) * 1000
                answer.json()
                ok = answer.status_code == 200
            except (requests.RequestException, ValueError) as exc:
                elapsed, ok = (time.perf_counter() - start) * 1000, False
                answer = exc  # type: ignore[assignment]
            with lock:
                if ok:
                    times.append(elapsed)
                else:
                    errors.append(f"{request[1]} {request[2]!s:.60}: {answer}")

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {"n": len(times), "errors": len(errors), "first_errors": errors[:3],
            "p50": pct(times, .5), "p95": pct(times, .95), "p99": pct(times, .99),
            "max": max(times) if times else None, "qps": len(times) / wall if wall else None}


def in_process(var: Path, data: Path, link_texts: list[str], codes: list[str], reps: int
               ) -> dict:
    """The linker and matcher alone, on the same graph, no HTTP."""
    from segraph.linking import Linker
    from segraph.matching import Matcher
    from segraph.serving import load_served_graph
    from segraph.settings import Paths

    graph = load_served_graph(Paths(project=PROJECT, var=var), [data])
    linker, matcher = Linker.from_store(graph.store), Matcher.from_store(graph.store)
    iris = [f"https://w3id.org/segraph/id/municipality/{c}" for c in codes]
    figures = {}
    for name, work in (("link", [lambda t=t: linker.link(t) for t in link_texts]),
                       ("match", [lambda i=i: matcher.enterprises_for_municipality(i, limit=20)
                                  for i in iris])):
        for job in work:  # warm-up
            job()
        times = []
        for _ in range(reps):
            for job in work:
                start = time.perf_counter()
                job()
                times.append((time.perf_counter() - start) * 1000)
        figures[name] = {"n": len(times), "p50": pct(times, .5), "p95": pct(times, .95),
                         "mean": statistics.fmean(times)}
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--var", type=Path, default=PROJECT / "var",
                        help="segraph's var directory with the build (default: var/)")
    parser.add_argument("--count", type=int, default=10_000, help="generated enterprises")
    parser.add_argument("--reps", type=int, default=5, help="timed passes per level")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--workers", type=int, default=4, help="server workers")
    parser.add_argument("--work", type=Path,
                        default=Path(tempfile.gettempdir()) / "segraph-bench",
                        help="scratch directory for the generated data and the server log")
    parser.add_argument("--no-in-process", action="store_true",
                        help="skip the in-process measurement")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)

    if not (args.var / "build" / "dumps" / "segraph.nq").is_file():
        eb.say(f"no build in {args.var}: building")
        subprocess.run([eb.segraph_command() or "segraph", "build"], check=True, cwd=PROJECT,
                       env={**os.environ, "SEGRAPH_VAR_DIR": str(args.var)})
    data = generated(args.count, args.work)
    link_texts, source = texts()
    started = start_server(args.var, data, args.workers, args.work / "api-bench-server.log")
    if started is None:
        return 1
    base, proc = started
    results: dict = {"count": args.count, "texts": source, "workers": args.workers,
                     "reps": args.reps, "levels": {}}
    try:
        rows = requests.get(f"{base}/sparql", params={"query": WITH_NEEDS}, timeout=60,
                            headers={"Accept": "application/sparql-results+json"}).json()
        codes = [r["code"]["value"] for r in rows["results"]["bindings"]]
        results["municipalities"] = len(codes)
        work = {
            "link": [("POST", "/api/link", {"text": t}) for t in link_texts],
            "match": [("GET", "/api/match", {"municipality": c, "limit": 20}) for c in codes],
        }
        session = requests.Session()
        sizes = []
        for request in work["match"]:  # the untimed pass also checks the answers
            answer = send(session, base, request)
            answer.raise_for_status()
            sizes.append(len(answer.json()["enterprises"]))
        for request in work["link"]:
            send(session, base, request).raise_for_status()
        results["match_results"] = {"min": min(sizes), "median": statistics.median(sizes)}
        eb.say(f"{len(link_texts)} texts ({source}); {len(codes)} municipalities with "
               f"challenges, {statistics.median(sizes):g} enterprises per answer (median)")
        for concurrency in args.concurrency:
            for name, requests_ in work.items():
                figures = run_level(base, requests_, concurrency, args.reps)
                results["levels"][f"{name}@{concurrency}"] = figures
                eb.say(f"  {name:5} concurrency {concurrency}: p50 {figures['p50']:.1f} ms, "
                       f"p95 {figures['p95']:.1f} ms ({figures['n']} requests, "
                       f"{figures['errors']} errors)")
    finally:
        eb.stop_process(proc)
    if not args.no_in_process:
        eb.say("in-process (no HTTP) …")
        results["in_process"] = in_process(args.var, data, link_texts, codes, args.reps)

    def ms(value: float | None) -> str:
        return "–" if value is None else f"{value:.1f}"

    print(f"\n/api/link and /api/match, {args.count:,} generated enterprises beside the built "
          f"graph, {args.workers} workers; times in ms")
    print(f"{'endpoint':22} {'conc.':>5} {'n':>6} {'p50':>7} {'p95':>7} {'p99':>7} "
          f"{'max':>7} {'q/s':>7} {'errors':>6}  goal p95 < {GOAL_MS:g} ms")
    for key, f in results["levels"].items():
        name, concurrency = key.split("@")
        label = "POST /api/link" if name == "link" else "GET /api/match (kommun)"
        met = f["p95"] is not None and f["p95"] < GOAL_MS and not f["errors"]
        print(f"{label:22} {concurrency:>5} {f['n']:>6} {ms(f['p50']):>7} {ms(f['p95']):>7} "
              f"{ms(f['p99']):>7} {ms(f['max']):>7} {ms(f['qps']):>7} {f['errors']:>6}  "
              f"{'met' if met else 'missed'}")
        for error in f["first_errors"]:
            print(f"    {error}")
    if "in_process" in results:
        for name, f in results["in_process"].items():
            print(f"in-process {name:11} {'1':>5} {f['n']:>6} {ms(f['p50']):>7} "
                  f"{ms(f['p95']):>7}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
