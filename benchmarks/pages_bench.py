"""Measure the linked-data pages: render time of resource pages, RDF answers for resources
with many links, and page weight, beside Oxigraph server answering the same data in the same run.

For each resource (a municipality, a challenge, an SDG goal, the development network, and the
``/id/`` resources with the most links in the graph, found by a query), the script requests:

- the HTML page (``/id/X.html``): time to the full body, size raw and gzip-compressed
  (the page weight; pages carry their CSS and map inline, nothing else is loaded);
- the Turtle document (``/id/X.ttl``) from segraph;
- the same description from Oxigraph server (PyPI ``oxigraph``) loaded with the same N-Quads
  dump: a ``CONSTRUCT`` of the resource's outgoing and incoming triples, ``Accept: text/turtle``.
  That is the work an RDF request has to do, without segraph's serving path; the ratio
  segraph / Oxigraph shows what segraph adds.

Also ``/ontology`` and ``/shapes`` page weights. Requests are sequential (concurrency 1) and
interleaved per resource; each is repeated ``--reps`` times after one warm-up. The build used is
``--var``'s (``var/`` by default; built if missing). Oxigraph's CLI is installed into a scratch
virtual environment (``--work``) on first use; without it the peer column is empty.

    .venv/bin/python benchmarks/pages_bench.py [--reps 30] [--top 3] [--json out.json]

Run on demand only; no test runs it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import endpoint_bench as eb  # the benchmarks' shared server helpers

PROJECT = eb.PROJECT
BASE = "https://w3id.org/segraph/"
CHOSEN = ["municipality/1283", "sdg/goal/8"]
FIRST_OF = {  # kind -> query for one resource of that kind (the first by IRI)
    "challenge": "SELECT ?r WHERE { ?r a <https://w3id.org/segraph/ontology#SocietalChallenge> }"
                 " ORDER BY ?r LIMIT 1",
    "network": "SELECT ?r WHERE { ?r a <https://w3id.org/segraph/ontology#DevelopmentNetwork> }"
               " ORDER BY ?r LIMIT 1",
}
MOST_LINKED = """SELECT ?r (COUNT(*) AS ?links) WHERE {
  { ?r ?p ?o } UNION { ?s ?p ?r }
  FILTER(isIRI(?r) && STRSTARTS(STR(?r), "https://w3id.org/segraph/id/"))
} GROUP BY ?r ORDER BY DESC(?links) ?r LIMIT TOP"""
DESCRIBE = """CONSTRUCT { ?s ?p ?o } WHERE {
  { BIND(<IRI> AS ?s) ?s ?p ?o } UNION { BIND(<IRI> AS ?o) ?s ?p ?o }
}"""


def select(endpoint: str, query: str) -> list[dict]:
    answer = requests.get(endpoint, params={"query": query}, timeout=60,
                          headers={"Accept": "application/sparql-results+json"})
    answer.raise_for_status()
    return answer.json()["results"]["bindings"]


def resources(endpoint: str, top: int) -> list[tuple[str, int]]:
    """(path under /id/, number of links) for the chosen and the most linked resources."""
    chosen = list(CHOSEN)
    for query in FIRST_OF.values():
        rows = select(endpoint, query)
        if rows:
            chosen.append(rows[0]["r"]["value"].removeprefix(BASE + "id/"))
    count = "SELECT (COUNT(*) AS ?n) WHERE { { <IRI> ?p ?o } UNION { ?s ?p <IRI> } }"
    found = [(path, int(select(endpoint, count.replace("IRI", BASE + "id/" + path))[0]["n"]
                        ["value"])) for path in chosen]
    for row in select(endpoint, MOST_LINKED.replace("TOP", str(top))):
        path = row["r"]["value"].removeprefix(BASE + "id/")
        if path not in chosen:
            found.append((path, int(row["links"]["value"])))
    return found


def timed(session: requests.Session, method: str, url: str, reps: int, **kwargs
          ) -> tuple[list[float], bytes]:
    body = b""
    times = []
    for rep in range(reps + 1):
        start = time.perf_counter()
        answer = session.request(method, url, timeout=60, **kwargs)
        elapsed = time.perf_counter() - start
        answer.raise_for_status()
        body = answer.content
        if rep:  # the first request is the warm-up
            times.append(elapsed * 1000)
    return times, body


def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def start_oxigraph(dump: Path, work: Path) -> tuple[str, subprocess.Popen] | None:
    logs = work / "logs"
    exe = eb.oxigraph_cli(work / "anchors-venv", logs)
    if exe is None:
        return None
    db = work / "oxigraph-pages"
    subprocess.run(["rm", "-rf", str(db)], check=True)
    subprocess.run([str(exe), "load", "--location", str(db), "--file", str(dump)],
                   check=True, capture_output=True, timeout=600)
    port = eb.free_port()
    log = open(logs / "oxigraph-pages.log", "wb")  # noqa: SIM115 - lives with the server
    proc = subprocess.Popen([str(exe), "serve-read-only", "--location", str(db), "--bind",
                             f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}/query"
    if not eb.wait_http(url, 120, proc):
        eb.stop_process(proc)
        return None
    return url, proc


def start_segraph(var: Path) -> tuple[str, subprocess.Popen] | None:
    return eb.serve_segraph(var, var / "pages-bench-server.log", limit_s=120)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--var", type=Path, default=PROJECT / "var",
                        help="segraph's var directory with the build (default: var/)")
    parser.add_argument("--reps", type=int, default=30, help="timed requests per URL")
    parser.add_argument("--top", type=int, default=3,
                        help="also measure the N /id/ resources with the most links")
    parser.add_argument("--work", type=Path,
                        default=Path(tempfile.gettempdir()) / "segraph-bench",
                        help="scratch directory for Oxigraph's venv and store")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)

    dump = args.var / "build" / "dumps" / "segraph.nq"
    if not dump.is_file():
        eb.say(f"no build in {args.var}: building")
        subprocess.run([eb.segraph_command() or "segraph", "build"], check=True, cwd=PROJECT,
                       env={**os.environ, "SEGRAPH_VAR_DIR": str(args.var)})
    segraph = start_segraph(args.var)
    if segraph is None:
        eb.say("segraph did not start")
        return 1
    base, seg_proc = segraph
    peer = start_oxigraph(dump, args.work)
    results: list[dict] = []
    try:
        session = requests.Session()
        found = resources(f"{base}/sparql", args.top)
        pages = [(f"/id/{path}", links) for path, links in found]
        for doc in ("/ontology", "/shapes"):
            pages.append((doc, None))
        for url_path, links in pages:
            row: dict = {"resource": url_path, "links": links}
            page_url = f"{base}{url_path}" + (".html" if url_path.startswith("/id/") else "")
            times, html = timed(session, "GET", page_url, args.reps,
                                headers={"Accept": "text/html", "Accept-Encoding": "identity"})
            row.update(page_p50=pct(times, .5), page_p95=pct(times, .95),
                       page_kb=len(html) / 1024, page_gzip_kb=len(gzip.compress(html)) / 1024)
            if url_path.startswith("/id/"):
                times, _ = timed(session, "GET", f"{base}{url_path}.ttl", args.reps,
                                 headers={"Accept-Encoding": "identity"})
                row.update(ttl_p50=pct(times, .5), ttl_p95=pct(times, .95))
                if peer is not None:
                    query = DESCRIBE.replace("IRI", BASE + url_path.removeprefix("/"))
                    times, _ = timed(session, "POST", peer[0], args.reps, data=query.encode(),
                                     headers={"Content-Type": "application/sparql-query",
                                              "Accept": "text/turtle"})
                    row.update(peer_p50=pct(times, .5), peer_p95=pct(times, .95))
            results.append(row)
    finally:
        eb.stop_process(seg_proc)
        if peer is not None:
            eb.stop_process(peer[1])

    def ms(value: float | None) -> str:
        return "–" if value is None else f"{value:.1f}"

    print(f"\n{'resource':38} {'links':>6} {'page p50':>9} {'p95':>7} {'kB':>7} {'gz kB':>6}"
          f" {'ttl p50':>8} {'p95':>7} {'oxi p50':>8} {'ratio':>6}")
    for row in results:
        ratio = (row["ttl_p50"] / row["peer_p50"]) if row.get("peer_p50") else None
        print(f"{row['resource'][:38]:38} {row['links'] or '':>6} {ms(row['page_p50']):>9} "
              f"{ms(row['page_p95']):>7} {row['page_kb']:7.1f} {row['page_gzip_kb']:6.1f} "
              f"{ms(row.get('ttl_p50')):>8} {ms(row.get('ttl_p95')):>7} "
              f"{ms(row.get('peer_p50')):>8} {'–' if ratio is None else f'{ratio:.2f}':>6}")
    ratios = [r["ttl_p50"] / r["peer_p50"] for r in results if r.get("peer_p50")]
    if ratios:
        print(f"\nsegraph .ttl / Oxigraph CONSTRUCT, geometric mean of p50 ratios: "
              f"{statistics.geometric_mean(ratios):.2f} (times in ms, {args.reps} requests each,"
              " concurrency 1)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
