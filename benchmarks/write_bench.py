"""Measure the latency of writes through the write gate (SPARQL Update and the Graph Store
Protocol), at two graph sizes, beside Oxigraph server applying the same writes without a gate.

Sizes (``--sizes``):

- ``build``: the default build (``var/build``, ~35k quads);
- ``1m``: the build plus ``--count`` enterprises from
  ``benchmarks/matching/generate_enterprises.py`` (default 61,500: about 1,000,000 triples in
  all; the real count is printed), served with ``segraph serve --data FILE``.

The generated data, a fresh copy of the build as the server's ``var_dir`` (so that every run
starts with an empty journal), the Oxigraph store and the logs are kept in ``--work`` (default
a folder of the system's temporary directory); the data file is reused across runs. Oxigraph's
CLI (PyPI ``oxigraph``) comes from the benchmarks' shared scratch venv (``--anchors-venv``,
installed on first use as ``endpoint_bench.py`` does).

For each size, ``segraph serve`` (write token ``bench:secret``, ``--rate-limit 0``,
``--workers``, default 4) and ``oxigraph serve --union-default-graph`` (loaded with the same
dump and data) are started on free loopback ports, and, ``--reps`` times (default 30), each
segraph write followed by the same write to Oxigraph (interleaved, so that background load on
a shared machine falls on both alike):

  (a) ``INSERT DATA`` of one new enterprise in the generator's shape (~15 triples, valid, new
      IRIs every time; seed 77, checked not to be in the data);
  (b) a correction: ``DELETE { ?e foaf:homepage ?old } INSERT { ?e foaf:homepage <new> }
      WHERE { VALUES ?e { <one enterprise> } OPTIONAL { ?e foaf:homepage ?old } }`` (the web
      page of an enterprise is ``foaf:homepage``; the ontology has no ``seg:`` property for it);
  (c) Graph Store Protocol ``PUT /data?graph=<new graph>`` of ~20 triples (Turtle): a new
      enterprise with a homepage, alternative labels and a comment;
  (d) segraph only: a refused write (422): an enterprise whose seat is a municipality that
      does not exist (``municipality/9999``, against ``sh:class seg:Municipality``): what a
      refusal costs;
  (e) segraph only, read after write: after each accepted write (a)–(c) of the first
      ``--raw-reps`` reps, 4 concurrent requests (one per worker; the workers that answered
      are recognised by their CPU time in /proc and counted) of a small ``GET /sparql``
      SELECT, then 4 of ``GET /api/match?municipality=1280&limit=20``: the first requests
      after a write, which apply the journal and rebuild the query process and the matcher's
      index; then the same two rounds again without a write in between (the baseline).

Every answer is checked (200/201 with ``"ok": true``, 422 for (d), 200/204 from Oxigraph).
Then, in-process (no HTTP, no fork): ``parse_update`` + ``evaluate`` and ``check()`` alone for
(a) and (b) on the same graph (the issue asks that a small write into a graph of a million
triples is checked well under a second).

Printed: per size and request p50/p95/max in ms, the segraph/Oxigraph ratio of the p50s, the
read-after-write table, and the in-process times; ``--json FILE`` writes it all.

    .venv/bin/python benchmarks/write_bench.py [--sizes build 1m] [--reps 30]
        [--raw-reps 30] [--count 61500] [--work DIR] [--json out.json]

Run on demand only; no test runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "matching"))
import endpoint_bench as eb  # the benchmarks' shared server helpers
import generate_enterprises as gen  # the generator's shape-valid enterprises
from api_bench import generated  # generated data in the scratch directory
from pages_bench import pct  # the same percentile as the other benchmarks

PROJECT = eb.PROJECT
TOKEN = "secret"
WRITE_TOKEN = f"bench:{TOKEN}"
NEW_SEED = 77  # the new enterprises' seed (the served ones are seed 5)
ID = gen.ID
SEG = gen.SEG
FOAF_HOMEPAGE = "http://xmlns.com/foaf/0.1/homepage"
PREFIXES = ("PREFIX seg: <https://w3id.org/segraph/ontology#>\n"
            "PREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")
SMALL_SELECT = (PREFIXES + "SELECT ?label WHERE { <https://w3id.org/segraph/id/municipality/"
                "1280> rdfs:label ?label } ORDER BY ?label")
MATCH = {"municipality": "1280", "limit": 20}
ONE_ENTERPRISE = PREFIXES + ("SELECT ?e WHERE { ?e seg:seatMunicipality ?m ; "
                             "seg:organisationNumber ?n } ORDER BY ?e LIMIT 1")
WRITES = ("a", "b", "c", "d")
LABEL = {"a": "(a) INSERT DATA, new enterprise", "b": "(b) DELETE/INSERT homepage",
         "c": "(c) GSP PUT new graph", "d": "(d) refused write (422)"}


# ------------------------------------------------------------------------------- data
def new_enterprises(n: int) -> list[list[str]]:
    """``n`` new enterprises in the generator's shape, each as its N-Triples lines."""
    import pyoxigraph as ox

    by_subject: dict[str, list[str]] = {}
    for triple in gen.enterprises(n, seed=NEW_SEED, project=PROJECT):
        line = ox.serialize([triple], format=ox.RdfFormat.N_TRIPLES).decode().strip()
        by_subject.setdefault(triple.subject.value, []).append(line)
    return list(by_subject.values())


def subject_of(lines: list[str]) -> str:
    return lines[0].split(" ", 1)[0][1:-1]


class Workload:
    """The texts of every write of every rep (the same for segraph and Oxigraph)."""

    def __init__(self, reps: int, fresh: list[list[str]], enterprise: str, run: str) -> None:
        self.enterprise = enterprise
        self.a, self.b, self.c, self.d = [], [], [], []
        for i in range(reps):
            self.a.append("INSERT DATA {\n" + "\n".join(fresh[i]) + "\n}")
            self.b.append(PREFIXES + f"DELETE {{ ?e foaf:homepage ?old }}\nINSERT {{ ?e "
                          f"foaf:homepage <https://example.org/bench/{run}/homepage/{i}> }}\n"
                          f"WHERE {{ VALUES ?e {{ <{enterprise}> }} OPTIONAL {{ ?e "
                          f"foaf:homepage ?old }} }}")
            lines = list(fresh[reps + i])
            s = subject_of(lines)
            lines += [f"<{s}> <{FOAF_HOMEPAGE}> <https://example.org/bench/{run}/put/{i}> .",
                      f'<{s}> <http://www.w3.org/2004/02/skos/core#altLabel> "Bänkföretag {i}"'
                      '@sv .',
                      f'<{s}> <http://www.w3.org/2004/02/skos/core#altLabel> "Bench enterprise '
                      f'{i}"@en .',
                      f'<{s}> <http://www.w3.org/2000/01/rdf-schema#comment> "Written by the '
                      f'write benchmark, run {run}."@en .']
            graph = f"https://example.org/bench/{run}/graph/{i}"
            self.c.append((graph, "\n".join(lines) + "\n"))
            s = subject_of(fresh[2 * reps + i])
            bad = [f"<{s}> <{SEG}seatMunicipality> <{ID}municipality/9999> ."
                   if f"<{SEG}seatMunicipality>" in line else line
                   for line in fresh[2 * reps + i]]
            self.d.append("INSERT DATA {\n" + "\n".join(bad) + "\n}")
        self.sizes = {  # the median number of triples per write
            "a": statistics.median(len(e) for e in fresh[:reps]), "b": 2,
            "c": statistics.median(body.count("\n") for _, body in self.c),
            "d": statistics.median(len(e) for e in fresh[2 * reps:3 * reps])}


def fresh_var(work: Path, name: str, source: Path) -> Path:
    """A new var_dir for one server: a copy of the build, no journal."""
    var = work / f"var-{name}"
    if var.exists():
        shutil.rmtree(var)
    var.mkdir(parents=True)
    shutil.copytree(source / "build", var / "build")
    return var


# ---------------------------------------------------------------------------- servers
def start_segraph(var: Path, data: Path | None, workers: int, log: Path
                  ) -> tuple[str, subprocess.Popen] | None:
    return eb.serve_segraph(var, log, data=data, workers=workers, limit_s=600,
                            env={"SEGRAPH_WRITE_TOKEN": WRITE_TOKEN})


def start_oxigraph(venv: Path, files: list[tuple[Path, str | None]], work: Path, name: str
                   ) -> tuple[str, subprocess.Popen] | None:
    """Oxigraph server (read-write, union default graph) loaded with ``files`` (path, graph
    for triples files)."""
    logs = work / "logs"
    exe = eb.oxigraph_cli(venv, logs)
    if exe is None:
        return None
    db = work / f"oxigraph-{name}"
    if db.exists():
        shutil.rmtree(db)
    started = time.monotonic()
    for path, graph in files:
        cmd = [str(exe), "load", "--location", str(db), "--file", str(path)]
        if graph:
            cmd += ["--graph", graph]
        result = eb.run_logged(cmd, logs / f"oxigraph-{name}.log", 1200)
        if result.returncode != 0:
            eb.say(f"  oxigraph: loading {path.name} failed; see {logs}")
            return None
    port = eb.free_port()
    log = open(logs / f"oxigraph-{name}-serve.log", "wb")  # noqa: SIM115 - lives with it
    proc = subprocess.Popen([str(exe), "serve", "--location", str(db), "--union-default-graph",
                             "--bind", f"127.0.0.1:{port}"], stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    if not eb.wait_http(f"{base}/query?query=ASK%7B%7D", 300, proc):
        eb.stop_process(proc)
        return None
    eb.say(f"  oxigraph up in {time.monotonic() - started:.1f} s (load + start) at {base}")
    return base, proc


def workers_of(master: int) -> list[int]:
    try:
        with open(f"/proc/{master}/task/{master}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def cpu_ns(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


# ---------------------------------------------------------------------------- requests
def segraph_write(session: requests.Session, base: str, kind: str, payload) -> tuple[float, str]:
    """One write to segraph; (ms, error or "")."""
    auth = {"Authorization": f"Bearer {TOKEN}"}
    start = time.perf_counter()
    if kind == "c":
        graph, body = payload
        answer = session.put(f"{base}/data", params={"graph": graph}, data=body.encode(),
                             headers={**auth, "Content-Type": "text/turtle"}, timeout=300)
    else:
        answer = session.post(f"{base}/update", data=payload.encode(), timeout=300,
                              headers={**auth, "Content-Type": "application/sparql-update"})
    elapsed = (time.perf_counter() - start) * 1000
    wanted = {"a": 200, "b": 200, "c": 201, "d": 422}[kind]
    try:
        ok = answer.status_code == wanted and answer.json().get("ok") is (kind != "d")
    except ValueError:
        ok = False
    return elapsed, "" if ok else f"{kind}: {answer.status_code} {answer.text[:300]}"


def oxigraph_write(session: requests.Session, base: str, kind: str, payload
                   ) -> tuple[float, str]:
    start = time.perf_counter()
    if kind == "c":
        graph, body = payload
        answer = session.put(f"{base}/store", params={"graph": graph}, data=body.encode(),
                             headers={"Content-Type": "text/turtle"}, timeout=300)
    else:
        answer = session.post(f"{base}/update", data=payload.encode(), timeout=300,
                              headers={"Content-Type": "application/sparql-update"})
    elapsed = (time.perf_counter() - start) * 1000
    ok = answer.status_code in (200, 201, 204)
    return elapsed, "" if ok else f"{kind}: {answer.status_code} {answer.text[:300]}"


def round_of_four(base: str, path: str, params: dict, master: int
                  ) -> tuple[list[float], int, list[str]]:
    """4 concurrent GETs (one per worker when all are idle): the times in ms of those answered
    200, how many workers answered (their CPU time grew by more than 0.3 ms), and the others
    (status, ms)."""
    workers = workers_of(master)
    before = {p: cpu_ns(p) for p in workers}
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    gate = threading.Barrier(4)
    headers = {"Accept": "application/sparql-results+json"} if path == "/sparql" else {}

    def one() -> None:
        gate.wait()
        start = time.perf_counter()
        try:
            answer = requests.get(base + path, params=params, headers=headers, timeout=300)
        except requests.RequestException as exc:  # e.g. the worker was killed mid-request
            with lock:
                errors.append(f"{path}: {type(exc).__name__} after "
                              f"{(time.perf_counter() - start) * 1000:.0f} ms")
            return
        elapsed = (time.perf_counter() - start) * 1000
        with lock:
            if answer.status_code == 200:
                times.append(elapsed)
            else:
                errors.append(f"{path}: {answer.status_code} after {elapsed:.0f} ms")

    threads = [threading.Thread(target=one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    reached = sum(1 for p in workers if cpu_ns(p) - before[p] > 300_000)
    return times, reached, errors


def stats(times: list[float]) -> dict:
    return {"n": len(times), "p50": pct(times, .5), "p95": pct(times, .95),
            "max": max(times) if times else None}


# ----------------------------------------------------------------------------- phases
def measure_http(size: str, base: str, master: int, peer: str | None, load: Workload,
                 reps: int, raw_reps: int) -> dict:
    session = requests.Session()
    peer_session = requests.Session()
    times: dict[str, list[float]] = {k: [] for k in WRITES}
    peer_times: dict[str, list[float]] = {k: [] for k in WRITES[:3]}
    raw: dict[str, list[float]] = {"sparql-after": [], "match-after": [], "sparql-warm": [],
                                   "match-warm": []}
    raw_by_kind: dict[str, list[float]] = {}
    reached: list[int] = []
    errors: list[str] = []
    raw_errors: list[str] = []
    # warm-up, untimed: every worker's query process and matcher
    for _ in range(2):
        for path, params in (("/sparql", {"query": SMALL_SELECT}), ("/api/match", MATCH)):
            errors += [f"warm-up {e}" for e in round_of_four(base, path, params, master)[2]]
    started = time.monotonic()
    for rep in range(reps):
        for kind in WRITES:
            payload = getattr(load, kind)[rep]
            elapsed, error = segraph_write(session, base, kind, payload)
            (errors.append(error) if error else times[kind].append(elapsed))
            if peer is not None and kind != "d":
                elapsed, error = oxigraph_write(peer_session, peer, kind, payload)
                (errors.append("oxigraph " + error) if error
                 else peer_times[kind].append(elapsed))
            if kind == "d" or rep >= raw_reps:
                continue
            for label, path, params in (("sparql", "/sparql", {"query": SMALL_SELECT}),
                                        ("match", "/api/match", MATCH)):
                got, n, failed = round_of_four(base, path, params, master)
                raw[f"{label}-after"] += got
                raw_by_kind.setdefault(f"{label}-after-{kind}", []).extend(got)
                reached.append(n)
                raw_errors += [f"after ({kind}) {e}" for e in failed]
            for label, path, params in (("sparql", "/sparql", {"query": SMALL_SELECT}),
                                        ("match", "/api/match", MATCH)):
                got, n, failed = round_of_four(base, path, params, master)
                raw[f"{label}-warm"] += got
                reached.append(n)
                raw_errors += [f"no write before {e}" for e in failed]
        if (rep + 1) % 5 == 0 or rep + 1 == reps:
            eb.say(f"  {size}: {rep + 1}/{reps} reps ({time.monotonic() - started:.0f} s), "
                   f"a p50 {pct(times['a'], .5) or 0:.0f} ms, d p50 "
                   f"{pct(times['d'], .5) or 0:.0f} ms, {len(errors)} write errors, "
                   f"{len(raw_errors)} read-after-write errors")
    return {"segraph": {k: stats(v) for k, v in times.items()},
            "oxigraph": {k: stats(v) for k, v in peer_times.items()} if peer else {},
            "ratio_p50": {k: (pct(times[k], .5) / pct(peer_times[k], .5))
                          for k in peer_times if peer and times[k] and peer_times[k]},
            "read_after_write": {k: stats(v) for k, v in raw.items()},
            "read_after_write_by_write": {k: stats(v) for k, v in raw_by_kind.items()},
            "workers_reached": {"rounds": len(reached),
                                "all_four": sum(1 for n in reached if n == 4),
                                "mean": statistics.fmean(reached) if reached else None},
            "errors": len(errors), "first_errors": errors[:5],
            "read_errors": len(raw_errors), "first_read_errors": raw_errors[:8]}


def measure_in_process(var: Path, data: Path | None, load: Workload, reps: int) -> dict:
    """parse_update + evaluate, and check() alone, for (a) and (b); no HTTP, no fork."""
    from segraph.namespaces import graph_iri
    from segraph.serving import load_served_graph
    from segraph.settings import Paths, load_settings
    from segraph.store.embedded import read_graph
    from segraph.writes.check import check
    from segraph.writes.delta import apply, evaluate
    from segraph.writes.operations import parse_update

    started = time.monotonic()
    graph = load_served_graph(Paths(project=PROJECT, var=var), [data] if data else [])
    store = graph.store
    shapes = read_graph(store, str(graph_iri("shapes")))
    ontology = read_graph(store, str(graph_iri("ontology")))
    engine = load_settings({})["validator"]
    eb.say(f"  in-process: {len(store):,} quads loaded in {time.monotonic() - started:.1f} s "
           f"(validator {engine})")
    figures: dict = {"quads": len(store), "validator": engine}
    for kind in ("a", "b"):
        evaluated, checked, changed = [], [], []
        for rep in range(reps + 1):  # the first is the warm-up
            text = getattr(load, kind)[rep % len(getattr(load, kind))]
            t0 = time.perf_counter()
            delta = evaluate(store, parse_update(text), mutable=True)
            t1 = time.perf_counter()
            apply(store, delta.added, delta.removed)  # back, as the gate does before checking
            t2 = time.perf_counter()
            report = check(store, delta, shapes, ontology, engine=engine)
            t3 = time.perf_counter()
            if not report.conforms:
                raise RuntimeError(f"in-process ({kind}) refused: {report.to_text()[:500]}")
            if rep:
                evaluated.append((t1 - t0) * 1000)
                checked.append((t3 - t2) * 1000)
                changed.append(len(delta.removed) + len(delta.added))
        figures[kind] = {"parse_evaluate": stats(evaluated), "check": stats(checked),
                         "quads_changed": statistics.median(changed)}
    return figures


def run_size(size: str, args, load_data: Path | None, fresh: list[list[str]]) -> dict:
    eb.say(f"[{size}] preparing")
    var = fresh_var(args.work, size, args.var)
    started = start_segraph(var, load_data, args.workers, args.work / f"segraph-{size}.log")
    if started is None:
        return {"error": "segraph did not start"}
    base, proc = started
    result: dict = {}
    peer = None
    try:
        health = requests.get(f"{base}/healthz", timeout=60).json()
        result["quads"] = health["quads"]
        eb.say(f"  [{size}] segraph serves {health['quads']:,} quads")
        rows = eb_select(base, ONE_ENTERPRISE)
        enterprise = rows[0]["e"]["value"]
        # the new enterprises must not be in the data already
        values = " ".join(f"<{subject_of(e)}>" for e in fresh)
        taken = {row["s"]["value"] for row in eb_select(
            base, f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}")}
        candidates = [e for e in fresh if subject_of(e) not in taken][:3 * args.reps]
        if len(candidates) < 3 * args.reps:
            raise RuntimeError("too few new enterprises")
        load = Workload(args.reps, candidates, enterprise, f"{size}-{int(time.time())}")
        result["triples_per_write"] = load.sizes
        result["corrected_enterprise"] = enterprise
        if not args.no_peer:
            dump = var / "build" / "dumps" / "segraph.nq"
            files: list[tuple[Path, str | None]] = [(dump, None)]
            if load_data is not None:
                files.append((load_data, "https://w3id.org/segraph/graph/local"))
            peer = start_oxigraph(args.anchors_venv, files, args.work, size)
        eb.say(f"  [{size}] measuring over HTTP: {args.reps} reps of (a)–(d), read after "
               f"write in the first {min(args.raw_reps, args.reps)}")
        result["http"] = measure_http(size, base, proc.pid, peer[0] if peer else None, load,
                                      args.reps, args.raw_reps)
        journal = var / "writes" / "journal"
        result["journal_bytes"] = journal.stat().st_size if journal.exists() else 0
    finally:
        eb.stop_process(proc)
        if peer is not None:
            eb.stop_process(peer[1])
    if not args.no_in_process:
        eb.say(f"  [{size}] in-process (no HTTP) …")
        result["in_process"] = measure_in_process(args.var, load_data, load, args.reps)
    return result


def eb_select(base: str, query: str) -> list[dict]:
    answer = requests.post(f"{base}/sparql", data={"query": query}, timeout=60,
                           headers={"Accept": "application/sparql-results+json"})
    answer.raise_for_status()
    return answer.json()["results"]["bindings"]  # type: ignore[no-any-return]


# ------------------------------------------------------------------------------ report
def ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def print_report(results: dict) -> None:
    for size, r in results["sizes"].items():
        if "http" not in r:
            print(f"\n{size}: {r.get('error', 'not measured')}")
            continue
        h = r["http"]
        print(f"\nWrites through the gate, {size}: {r['quads']:,} quads served; "
              f"{results['workers']} workers; {results['reps']} reps; times in ms")
        print(f"{'request':34} {'triples':>7} {'p50':>7} {'p95':>7} {'max':>7} "
              f"{'oxi p50':>8} {'oxi p95':>8} {'ratio':>6}")
        for kind in WRITES:
            s, o = h["segraph"][kind], h["oxigraph"].get(kind, {})
            ratio = h["ratio_p50"].get(kind)
            print(f"{LABEL[kind]:34} {r['triples_per_write'][kind]:>7g} {ms(s['p50']):>7} "
                  f"{ms(s['p95']):>7} {ms(s['max']):>7} {ms(o.get('p50')):>8} "
                  f"{ms(o.get('p95')):>8} {'–' if ratio is None else f'{ratio:.1f}':>6}")
        print(f"{'(e) read after write (4 workers)':34} {'':>7} {'p50':>7} {'p95':>7} {'max':>7}")
        for key, s in h["read_after_write"].items():
            label = {"sparql-after": "  GET /sparql, first after write",
                     "sparql-warm": "  GET /sparql, no write before",
                     "match-after": "  GET /api/match, first after write",
                     "match-warm": "  GET /api/match, no write before"}[key]
            print(f"{label:34} {'':>7} {ms(s['p50']):>7} {ms(s['p95']):>7} {ms(s['max']):>7}")
        w = h["workers_reached"]
        print(f"  workers reached per round of 4: mean {ms(w['mean'])} (all four in "
              f"{w['all_four']} of {w['rounds']} rounds); write errors: {h['errors']}")
        for error in h["first_errors"]:
            print(f"    {error}")
        if h["read_errors"]:
            print(f"  read-after-write requests not answered 200: {h['read_errors']}")
            for error in h["first_read_errors"]:
                print(f"    {error}")
        if "in_process" in r:
            ip = r["in_process"]
            print(f"  in-process on {ip['quads']:,} quads (validator {ip['validator']}):")
            for kind in ("a", "b"):
                f = ip[kind]
                print(f"    {LABEL[kind]:32} parse+evaluate p50 {ms(f['parse_evaluate']['p50'])}"
                      f" / p95 {ms(f['parse_evaluate']['p95'])};  check() p50 "
                      f"{ms(f['check']['p50'])} / p95 {ms(f['check']['p95'])} / max "
                      f"{ms(f['check']['max'])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog=__doc__.split("\n\n", 1)[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", default=["build", "1m"], choices=["build", "1m"],
                        help="graph sizes: the default build, and the build plus generated "
                             "enterprises (default: both)")
    parser.add_argument("--count", type=int, default=61_500,
                        help="generated enterprises for 1m (default 61500: ~1,000,000 triples "
                             "with the build)")
    parser.add_argument("--reps", type=int, default=30, help="timed writes of each kind")
    parser.add_argument("--raw-reps", type=int, default=30,
                        help="reps followed by the read-after-write rounds (e) (default 30; at "
                             "1m each write's /api/match round rebuilds the name and matcher "
                             "indexes in all workers: ~1 min)")
    parser.add_argument("--workers", type=int, default=4, help="segraph's workers (4)")
    parser.add_argument("--var", type=Path, default=PROJECT / "var",
                        help="var directory with the build to copy (default var/; built there "
                             "if missing)")
    parser.add_argument("--work", type=Path,
                        default=Path(tempfile.gettempdir()) / "segraph-write-bench",
                        help="scratch directory: generated data, server var copies, Oxigraph "
                             "store, logs (reused)")
    parser.add_argument("--anchors-venv", type=Path,
                        default=Path(tempfile.gettempdir()) / "segraph-bench" / "anchors-venv",
                        help="scratch venv with Oxigraph's CLI (shared with the other "
                             "benchmarks; installed on first use)")
    parser.add_argument("--no-peer", action="store_true", help="skip Oxigraph server")
    parser.add_argument("--no-in-process", action="store_true",
                        help="skip the in-process measurement")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    args.raw_reps = min(args.raw_reps, args.reps)

    args.work.mkdir(parents=True, exist_ok=True)
    if not (args.var / "build" / "dumps" / "segraph.nq").is_file():
        eb.say(f"no build in {args.var}: building")
        subprocess.run([eb.segraph_command() or "segraph", "build"], check=True, cwd=PROJECT,
                       env={**os.environ, "SEGRAPH_VAR_DIR": str(args.var)})
    eb.say(f"generating {3 * args.reps + 50} new enterprises (seed {NEW_SEED})")
    fresh = new_enterprises(3 * args.reps + 50)
    results: dict = {"reps": args.reps, "raw_reps": args.raw_reps, "workers": args.workers,
                     "count": args.count, "load_before": os.getloadavg(), "sizes": {}}
    for size in args.sizes:
        data = generated(args.count, args.work) if size == "1m" else None
        results["sizes"][size] = run_size(size, args, data, fresh)
    results["load_after"] = os.getloadavg()
    print_report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
