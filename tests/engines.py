"""Real SPARQL engines on free loopback ports, for the remote-store tests.

Oxigraph server (the ``oxigraph`` CLI of the PyPI package) and Virtuoso 7 (Debian
``virtuoso-opensource``), each in a temporary directory, stopped by :meth:`Engine.stop`.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from servers import free_port

VIRTUOSO = Path("/usr/bin/virtuoso-t")
NO_VIRTUOSO = ("needs Virtuoso 7 at /usr/bin/virtuoso-t "
               "(Debian: apt-get install virtuoso-opensource; `make test-deps` does it)")

# The smallest virtuoso.ini that serves SPARQL: a private database in the directory, both
# ports on loopback only. The dba account (password dba) may update through /sparql-auth.
VIRTUOSO_INI = """\
[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


@dataclass
class Engine:
    name: str
    process: subprocess.Popen[bytes]
    query_url: str
    update_url: str
    graph_url: str
    user: str = ""
    password: str = ""
    log: Path = field(default_factory=Path)

    def settings(self) -> dict[str, str]:
        return {"store_url": self.query_url, "store_update_url": self.update_url,
                "store_graph_url": self.graph_url, "store_user": self.user,
                "store_password": self.password}

    def wait_ready(self, timeout: float = 60.0) -> None:
        url = self.query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _start(command: list[str], directory: Path) -> tuple[subprocess.Popen[bytes], Path]:
    log = directory / "engine.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=directory, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    return process, log


def oxigraph_cli() -> str | None:
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.exists() else shutil.which("oxigraph")


def start_oxigraph(directory: Path) -> Engine:
    """``oxigraph serve`` (read-write, on disk in ``directory``) on a free loopback port."""
    cli = oxigraph_cli()
    if cli is None:
        raise FileNotFoundError("the oxigraph CLI (pip install oxigraph)")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process, log = _start([cli, "serve", "--location", str(directory / "db"),
                           "--bind", f"127.0.0.1:{port}"], directory)
    engine = Engine("oxigraph", process, f"{base}/query", f"{base}/update", f"{base}/store",
                    log=log)
    engine.wait_ready()
    return engine


def start_virtuoso(directory: Path) -> Engine:
    """Virtuoso 7 with a fresh database in ``directory``; updates as dba (HTTP digest)."""
    http_port, sql_port = free_port(), free_port()
    (directory / "virtuoso.ini").write_text(
        VIRTUOSO_INI.format(http_port=http_port, sql_port=sql_port))
    process, log = _start([str(VIRTUOSO), "+configfile", "virtuoso.ini", "+foreground"],
                          directory)
    base = f"http://127.0.0.1:{http_port}"
    engine = Engine("virtuoso", process, f"{base}/sparql", f"{base}/sparql-auth",
                    f"{base}/sparql-graph-crud-auth", user="dba", password="dba", log=log)
    engine.wait_ready(timeout=90)
    return engine
