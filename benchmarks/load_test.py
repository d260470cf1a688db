"""Load test: many concurrent clients against a segraph server on loopback, with endless queries.

``--clients`` (default 32) threads send a mixed workload for ``--duration`` seconds (default
300): the shared benchmark harness's queries and the project's saved queries (``queries/*.rq``,
run as they are; their parameters have defaults), over GET, POST form and POST body, asking for
JSON, XML, CSV, Turtle or N-Triples. One more thread throws in an endless query every
``--endless-every`` seconds (a triple cross product that the server must stop at its query time
limit: the intended answer is 503).

Reported: requests and errors by kind (goal: none but the intended 503s of the endless
queries), p50/p95/p99 of the ordinary queries overall and per query, throughput, and the
server's memory over the run: RSS (and PSS, which shares copy-on-write pages fairly) summed over
the gunicorn master, its workers and their query children, sampled every second from /proc.

Either give a running server (``--url http://127.0.0.1:PORT/sparql``; its process is found by
the listening port, or give ``--server-pid``), or let this script start one: ``segraph serve``
with the harness's generated data (``--scale``, default 100k) beside the built graph when there
is a build (``--only-data`` to leave it out), ``--rate-limit 0`` and a ``--query-timeout`` of
10 s. The harness (``../shared/bench`` beside the repository, or ``--harness``) is read, never
copied into the repository; without it the harness queries are left out, and a server of our
own cannot be started (skipped with a message).

    .venv/bin/python benchmarks/load_test.py [--duration 300] [--clients 32] [--json out.json]
    .venv/bin/python benchmarks/load_test.py --url http://127.0.0.1:8000/sparql --duration 30

Bounded: every loop stops at the deadline and after ``--max-requests``; all traffic goes to
127.0.0.1. Run on demand only; no test runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from endpoint_bench import (  # a sibling script, not a package
    DEFAULT_HARNESS,
    PROJECT,
    TreeSampler,
    free_port,
    prepare_data,
    segraph_command,
    stop_process,
    tail,
    wait_http,
)

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
TABULAR = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv"]
GRAPH = ["text/turtle", "application/n-triples"]
ENDLESS = {
    "cross-product-count": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "cross-product-order": "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1",
}


def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def query_kind(text: str) -> str:
    from segraph.sparql_text import query_form

    return query_form(text) or "select"


def saved_query_api(base: str) -> bool:
    """Whether the server runs saved queries by name (``/queries/<name>``, defaults bound)."""
    import requests

    try:
        response = requests.get(f"{base}/queries", headers={"Accept": "application/json"},
                                timeout=10)
        return response.status_code == 200 and "queries" in response.json()
    except (requests.RequestException, ValueError):
        return False


def load_workload(harness: Path | None) -> dict[str, str]:
    queries: dict[str, str] = {}
    for rq in sorted((harness / "queries").glob("*.rq")) if harness else []:
        queries[f"harness/{rq.stem}"] = rq.read_text(encoding="utf-8")
    for rq in sorted((PROJECT / "queries").glob("*.rq")):
        queries[f"saved/{rq.stem}"] = rq.read_text(encoding="utf-8")
    return queries


def listener_pid(port: int) -> int | None:
    """The process that listens on ``port`` whose parent does not (the gunicorn master)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    parts = line.split()
                    if parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                        inodes.add(parts[9])
        except OSError:
            continue
    holders = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            for fd in os.listdir(f"/proc/{entry}/fd"):
                target = os.readlink(f"/proc/{entry}/fd/{fd}")
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    holders.add(int(entry))
                    break
        except OSError:
            continue
    for pid in holders:
        try:
            with open(f"/proc/{pid}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            continue
        if ppid not in holders:
            return pid
    return None


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter = Counter()
        self.error_examples: dict[str, str] = {}
        self.per_query_errors: Counter = Counter()
        self.done_per_second: Counter = Counter()
        self.endless: list[dict] = []

    def ok(self, name: str, ms: float, second: int) -> None:
        with self.lock:
            self.latency[name].append(ms)
            self.done_per_second[second] += 1

    def error(self, name: str, kind: str, detail: str) -> None:
        with self.lock:
            self.errors[kind] += 1
            self.per_query_errors[name] += 1
            self.error_examples.setdefault(kind, f"{name}: {detail[:200]}")


def send(session, url: str, text: str, kind: str, rng: random.Random, timeout: float):
    """One request in a randomly chosen Protocol shape and result format.

    ``kind`` ``saved:NAME`` runs the saved query NAME by its API, its parameters' defaults bound.
    """
    accept = rng.choice(GRAPH if kind in ("construct", "describe") else TABULAR[:2]
                        if kind == "ask" else TABULAR)
    # now and then a browser-like Accept with q-values
    headers = {"Accept": accept if rng.random() < 0.8 else f"{accept}, */*;q=0.1"}
    if kind.startswith("saved:"):
        base = url.rsplit("/sparql", 1)[0]
        response = session.get(f"{base}/queries/{kind[6:]}", headers=headers, timeout=timeout)
        return response, accept
    shape = rng.random()
    if shape < 0.6:
        response = session.get(url, params={"query": text}, headers=headers, timeout=timeout)
    elif shape < 0.85:
        response = session.post(url, data={"query": text}, headers=headers, timeout=timeout)
    else:
        headers["Content-Type"] = "application/sparql-query; charset=utf-8"
        response = session.post(url, data=text.encode(), headers=headers, timeout=timeout)
    return response, accept


def client(index: int, url: str, workload: list[tuple[str, str, str]], stats: Stats,
           deadline: float, t0: float, max_requests: int, timeout: float,
           stop: threading.Event, seed: int) -> None:
    import requests

    rng = random.Random(seed * 1000 + index)
    session = requests.Session()
    sent = 0
    while not stop.is_set() and time.monotonic() < deadline and sent < max_requests:
        name, text, kind = rng.choice(workload)
        sent += 1
        started = time.monotonic()
        try:
            response, accept = send(session, url, text, kind, rng, timeout)
        except requests.Timeout as exc:
            stats.error(name, "client timeout", str(exc))
            continue
        except requests.RequestException as exc:
            stats.error(name, f"connection error ({type(exc).__name__})", str(exc))
            session = requests.Session()
            continue
        ms = (time.monotonic() - started) * 1000
        if response.status_code != 200:
            stats.error(name, f"HTTP {response.status_code}", response.text)
            continue
        ctype = response.headers.get("Content-Type", "").split(";")[0].strip()
        if ctype != accept:
            stats.error(name, "wrong Content-Type", f"{ctype!r} for Accept {accept!r}")
            continue
        if not response.content:
            stats.error(name, "empty body", "")
            continue
        stats.ok(name, ms, int(started - t0))


def endless_client(url: str, stats: Stats, deadline: float, every: float, timeout: float,
                   stop: threading.Event) -> None:
    import requests

    session = requests.Session()
    names = list(ENDLESS)
    n = 0
    next_at = time.monotonic() + min(every, 5.0)
    while not stop.is_set() and n < 10_000:
        if stop.wait(max(0.0, next_at - time.monotonic())):
            return
        if time.monotonic() >= deadline:
            return
        name = names[n % len(names)]
        n += 1
        next_at += every
        started = time.monotonic()
        try:
            response = session.get(url, params={"query": ENDLESS[name]}, timeout=timeout,
                                   headers={"Accept": "application/sparql-results+json"})
            status = str(response.status_code)
        except requests.RequestException as exc:
            status = type(exc).__name__
        with stats.lock:
            stats.endless.append({"query": name, "status": status,
                                  "seconds": round(time.monotonic() - started, 2)})


def worker_restarts(log: Path | None, workers: int) -> int | None:
    if log is None:
        return None
    try:
        booted = log.read_text(errors="replace").count("Booting worker")
    except OSError:
        return None
    return max(0, booted - workers)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", help="a running segraph's /sparql on loopback (default: start one)")
    ap.add_argument("--server-pid", type=int, help="its gunicorn master (default: found by port)")
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--duration", type=float, default=300.0, help="seconds (default 300)")
    ap.add_argument("--endless-every", type=float, default=20.0,
                    help="seconds between endless queries (default 20; 0 for none)")
    ap.add_argument("--timeout", type=float, default=120.0, help="client request timeout in s")
    ap.add_argument("--max-requests", type=int, default=2_000_000, help="cap over all clients")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", default="100k", help="harness data preset for our own server")
    ap.add_argument("--only-data", action="store_true",
                    help="our own server serves only the harness data, not the built graph")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--query-timeout", type=float, default=10.0)
    ap.add_argument("--max-rows", type=int, default=10000)
    ap.add_argument("--harness", type=Path, default=DEFAULT_HARNESS)
    ap.add_argument("--work", type=Path,
                    default=Path(tempfile.gettempdir()) / "segraph-endpoint-bench")
    ap.add_argument("--json", type=Path, help="write the results as JSON here")
    args = ap.parse_args(argv)
    if not 1 <= args.clients <= 256 or args.duration <= 0:
        ap.error("clients must be 1..256 and duration > 0")

    has_harness = (args.harness / "queries").is_dir()
    proc = log = None
    log_file = None
    if args.url:
        parts = urlsplit(args.url)
        if parts.hostname not in LOOPBACK:
            ap.error("the load test only targets loopback (127.0.0.1, localhost, ::1)")
        url = args.url
        pid = args.server_pid or listener_pid(parts.port or 80)
    else:
        if not has_harness:
            print(f"load test skipped: the shared harness is not at {args.harness} "
                  "(expected ../shared/bench beside the repository; or pass --harness DIR, "
                  "or --url of a running server)")
            return 0
        work = args.work.resolve()
        (work / "logs").mkdir(parents=True, exist_ok=True)
        data = prepare_data(args.harness, work / "data", args.scale, work / "logs" / "setup.log")
        exe = segraph_command()
        if data is None or exe is None:
            print("load test skipped: no data or no `segraph` command")
            return 0
        with_build = not args.only_data and (
            PROJECT / "var" / "build" / "dumps" / "segraph.nq").is_file()
        port = free_port()
        cmd = [exe, "serve", "--data", str(data), "--port", str(port), "--rate-limit", "0",
               "--query-timeout", str(args.query_timeout), "--max-rows", str(args.max_rows),
               "--workers", str(args.workers)]
        if not with_build:
            cmd.insert(2, "--only-data")
        log = work / "logs" / f"load-test-segraph-{args.scale}.log"
        log_file = open(log, "wb")  # noqa: SIM115 - lives as long as the server
        print(f"starting: {' '.join(cmd)}")
        t_start = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=log_file, stderr=subprocess.STDOUT, cwd=PROJECT,
                                start_new_session=True)
        url = f"http://127.0.0.1:{port}/sparql"
        if not wait_http(f"http://127.0.0.1:{port}/healthz", 900, proc):
            print(f"segraph did not come up; see {log}\n{tail(log)}")
            stop_process(proc)
            log_file.close()
            return 1
        print(f"segraph up in {time.monotonic() - t_start:.1f} s "
              f"({'built graph + ' if with_build else ''}{data.name})")
        pid = proc.pid

    workload_map = load_workload(args.harness if has_harness else None)
    by_name = saved_query_api(url.rsplit("/sparql", 1)[0])
    workload = [(name, text, f"saved:{name[6:]}" if by_name and name.startswith("saved/")
                 else query_kind(text)) for name, text in workload_map.items()]
    if not workload:
        print("no queries to send")
        return 1
    print(f"{len(workload)} queries ({sum(n.startswith('harness/') for n in workload_map)} "
          f"harness, {sum(n.startswith('saved/') for n in workload_map)} saved), "
          f"{args.clients} clients, {args.duration:g} s, endless query every "
          f"{args.endless_every:g} s; server PID {pid}; {url}")
    args.saved_by_name = by_name
    print("saved queries run " + ("by name at /queries/<name> (parameter defaults bound)"
                                  if by_name else "as text at /sparql (parameters unbound)"))

    import requests

    try:
        health = requests.get(url.rsplit("/sparql", 1)[0] + "/healthz", timeout=10).json()
    except (requests.RequestException, ValueError):
        health = {}
    stats = Stats()
    sampler = TreeSampler(pid, every=1.0, limit_s=args.duration + 60) if pid else None
    if sampler:
        sampler.start()
    stop = threading.Event()
    t0 = time.monotonic()
    deadline = t0 + args.duration
    per_client = max(1, args.max_requests // args.clients)
    threads = [threading.Thread(target=client, daemon=True,
                                args=(i, url, workload, stats, deadline, t0, per_client,
                                      args.timeout, stop, args.seed))
               for i in range(args.clients)]
    if args.endless_every > 0:
        threads.append(threading.Thread(
            target=endless_client, daemon=True,
            args=(url, stats, deadline, args.endless_every, args.timeout, stop)))
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    for thread in threads:
        thread.start()
    last_report = t0
    clients_done = None
    while any(t.is_alive() for t in threads):
        time.sleep(0.5)
        now = time.monotonic()
        if clients_done is None and not any(t.is_alive() for t in threads[:args.clients]):
            clients_done = now - t0  # the ordinary clients' time; the endless one may go on
        if now - last_report >= 30:
            last_report = now
            done = sum(len(v) for v in stats.latency.values())
            mem = sampler.samples[-1] if sampler and sampler.samples else None
            print(f"  {now - t0:5.0f} s: {done} ok, {sum(stats.errors.values())} errors, "
                  f"{len(stats.endless)} endless"
                  + (f", server RSS {mem[2] // 1024} MiB over {mem[1]} processes" if mem else ""),
                  flush=True)
        if now > deadline + args.timeout + 30:
            stop.set()  # clients stuck past their own timeout: give up waiting
            break
    wall = time.monotonic() - t0
    args.clients_s = clients_done or wall
    signal.signal(signal.SIGINT, previous)
    if sampler:
        sampler.stop_event.set()
        sampler.join(5)
    restarts = worker_restarts(log, args.workers)
    if proc is not None:
        stop_process(proc)
    if log_file is not None:
        log_file.close()
    return report(args, stats, sampler, wall, url, health, restarts)


def report(args, stats: Stats, sampler: TreeSampler | None, wall: float, url: str,
           health: dict, restarts: int | None) -> int:
    every = [ms for values in stats.latency.values() for ms in values]
    n_ok = len(every)
    n_err = sum(stats.errors.values())
    endless = Counter(e["status"] for e in stats.endless)
    print(f"\n## load test: {args.clients} clients, {wall:.0f} s, {url}")
    if health:
        print(f"server: segraph {health.get('version')}, {health.get('quads')} quads")
    busy = getattr(args, "clients_s", wall)
    print(f"ordinary queries: {n_ok} ok, {n_err} errors, {n_ok / busy:.1f} q/s over the "
          f"clients' {busy:.0f} s")
    f = lambda v: f"{v:.1f}" if v is not None else "-"  # noqa: E731
    print(f"latency ms: p50 {f(pct(every, 50))}, p95 {f(pct(every, 95))}, "
          f"p99 {f(pct(every, 99))}, max {f(max(every) if every else None)}")
    if stats.errors:
        print("errors by kind:")
        for kind, count in stats.errors.most_common():
            print(f"  {kind}: {count} (e.g. {stats.error_examples[kind][:160]})")
    else:
        print("errors by kind: none")
    intended = endless.get("503", 0)
    print(f"endless queries: {len(stats.endless)} sent, {intended} stopped with 503 as intended"
          + (f"; other outcomes: {dict((k, v) for k, v in endless.items() if k != '503')}"
             if len(endless) > (1 if intended else 0) else ""))
    if stats.endless:
        secs = [e["seconds"] for e in stats.endless]
        print(f"  time to the 503: p50 {f(pct(secs, 50))} s, max {max(secs):.1f} s")
    if restarts is not None:
        print(f"gunicorn worker restarts during the run: {restarts}")
    print(f"\n{'query':48} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'errors':>6}")
    for name in sorted(set(stats.latency) | set(stats.per_query_errors)):
        values = stats.latency.get(name, [])
        print(f"{name[:47]:48} {len(values):6d} {f(pct(values, 50)):>8} {f(pct(values, 95)):>8} "
              f"{f(max(values) if values else None):>8} {stats.per_query_errors[name]:6d}")
    memory = {}
    if sampler and sampler.samples:
        samples = sampler.samples
        rss = [s[2] for s in samples]
        pss = [s[3] for s in samples]
        procs = [s[1] for s in samples]
        memory = {"samples": len(samples), "rss_first_mib": rss[0] // 1024,
                  "rss_peak_mib": max(rss) // 1024, "rss_last_mib": rss[-1] // 1024,
                  "rss_mean_mib": sum(rss) // len(rss) // 1024,
                  "pss_first_mib": pss[0] // 1024, "pss_peak_mib": max(pss) // 1024,
                  "pss_last_mib": pss[-1] // 1024,
                  "processes_min": min(procs), "processes_max": max(procs)}
        print(f"\nserver memory ({len(samples)} samples, 1/s; master + workers + query "
              f"children, {min(procs)}-{max(procs)} processes):")
        print(f"  RSS MiB: first {memory['rss_first_mib']}, mean {memory['rss_mean_mib']}, "
              f"peak {memory['rss_peak_mib']}, last {memory['rss_last_mib']}")
        print(f"  PSS MiB: first {memory['pss_first_mib']}, peak {memory['pss_peak_mib']}, "
              f"last {memory['pss_last_mib']}")
        step = max(1, len(samples) // 10)
        print("  timeline (s: RSS/PSS MiB): " + ", ".join(
            f"{s[0]:.0f}: {s[2] // 1024}/{s[3] // 1024}" for s in samples[::step]))
    unintended = n_err + sum(v for k, v in endless.items() if k != "503")
    print(f"\ngoal (no errors but the intended 503s): {'met' if not unintended else 'MISSED'}")
    if args.json:
        out = {"url": url, "clients": args.clients, "duration_s": args.duration,
               "saved_queries_by_name": getattr(args, "saved_by_name", None),
               "wall_s": round(wall, 1), "health": health, "ok": n_ok, "errors": dict(
                   stats.errors), "error_examples": stats.error_examples,
               "clients_s": round(busy, 1), "qps": n_ok / busy, "p50_ms": pct(every, 50),
               "p95_ms": pct(every, 95),
               "p99_ms": pct(every, 99), "endless": stats.endless,
               "worker_restarts": restarts, "memory": memory,
               "memory_samples": sampler.samples if sampler else [],
               "per_query": {name: {"n": len(v), "p50_ms": pct(v, 50), "p95_ms": pct(v, 95),
                                    "errors": stats.per_query_errors[name]}
                             for name, v in stats.latency.items()},
               "completed_per_second": dict(sorted(stats.done_per_second.items()))}
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=1))
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
