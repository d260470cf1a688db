"""Running queries with a time limit that really stops the work.

pyoxigraph cannot cancel a query, so each serving process runs its queries in a child forked
from itself after the store was loaded into memory (the child shares the store copy-on-write).
When a query runs past its limit, the child is killed and a new one forked (about 10 ms); the
serving process, and every other one, goes on answering. Forking is only safe from a
single-threaded process, which is why the server uses pre-forked, single-threaded workers.
"""

from __future__ import annotations

import os
import signal
import threading
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, Pipe
from typing import Any

import pyoxigraph as ox

from segraph.results import Answer, serialize


class QueryStopped(Exception):
    """The query was stopped before it answered (time or memory limit)."""


class QueryTimeout(QueryStopped):
    """The query ran past the time limit and was stopped."""


class QueryError(Exception):
    """The engine refused the query (a syntax error, an unsupported feature)."""


class QueryAborted(QueryStopped):
    """The query process ended while answering: the query used more memory than allowed."""


@dataclass
class QueryRequest:
    query: str
    media_type: str
    max_rows: int = 0
    union_default_graph: bool = True
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    substitutions: dict[str, Any] = field(default_factory=dict)  # name -> pyoxigraph term
    prefixes: dict[str, str] = field(default_factory=dict)
    base_iri: str | None = None


def execute(store: ox.Store, request: QueryRequest) -> Answer:
    """Run one query in this process (no time limit) and serialize the answer."""
    kwargs: dict[str, Any] = {"prefixes": request.prefixes or None,
                              "base_iri": request.base_iri}
    if request.default_graphs or request.named_graphs:
        # The Protocol's dataset replaces the query's FROM/FROM NAMED as a whole: a part not
        # given is empty (pyoxigraph reads an empty list as "no graphs").
        kwargs["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
    else:
        kwargs["use_default_graph_as_union"] = request.union_default_graph
    if request.substitutions:
        kwargs["substitutions"] = {ox.Variable(k): v for k, v in request.substitutions.items()}
    result = store.query(request.query, **kwargs)
    return serialize(result, request.media_type, request.max_rows)


def die_with_parent() -> None:
    """Ask Linux to kill this child when its parent dies, so that a query the parent can no
    longer wait for does not run on as an orphan (no-op elsewhere)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def limit_memory(megabytes: int) -> None:
    """Let this process grow by at most ``megabytes`` beyond what it shares with its parent;
    an allocation past that fails and ends the process (the parent reports it)."""
    if megabytes <= 0:
        return
    import resource

    with open("/proc/self/statm") as fh:
        size = int(fh.read().split()[0]) * resource.getpagesize()
    limit = size + megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _serve(store: ox.Store, conn: Connection, memory_mb: int = 0) -> None:
    """The child's loop: answer requests until the parent goes away."""
    die_with_parent()
    limit_memory(memory_mb)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, Any] = ("ok", execute(store, request))
        except SyntaxError as exc:
            reply = ("error", f"{exc.msg if hasattr(exc, 'msg') else exc}")
        except Exception as exc:
            reply = ("error", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


class QueryRunner:
    """One forked child that runs this process's queries, replaced when it has to be stopped."""

    def __init__(self, store: ox.Store, *, memory_mb: int = 0) -> None:
        self.store = store
        self.memory_mb = memory_mb
        self._lock = threading.Lock()
        self._owner = -1
        self._pid = 0
        self._conn: Connection | None = None

    def _spawn(self) -> None:
        parent, child = Pipe(duplex=True)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child's side runs in another process
            parent.close()
            try:
                _serve(self.store, child, self.memory_mb)
            finally:
                os._exit(0)
        child.close()
        self._pid, self._conn, self._owner = pid, parent, os.getpid()

    def _kill(self) -> None:
        if self._pid:
            try:
                os.kill(self._pid, signal.SIGKILL)
                os.waitpid(self._pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        if self._conn is not None:
            self._conn.close()
        self._pid, self._conn = 0, None

    def run(self, request: QueryRequest, timeout: float) -> Answer:
        """Answer ``request`` within ``timeout`` seconds, or raise :class:`QueryTimeout`."""
        with self._lock:
            if self._owner != os.getpid():  # first use, or this process was forked
                self._pid, self._conn = 0, None
                self._spawn()
            assert self._conn is not None
            try:
                self._conn.send(request)
                ready = self._conn.poll(timeout)
            except (BrokenPipeError, OSError):
                self._kill()
                self._spawn()
                raise QueryError("the query process ended unexpectedly; try again") from None
            if not ready:
                self._kill()
                self._spawn()
                raise QueryTimeout(f"the query ran longer than the limit of {timeout:g} s "
                                   "and was stopped")
            try:
                status, value = self._conn.recv()
            except (EOFError, OSError):
                self._kill()
                self._spawn()
                limit = f" of {self.memory_mb:,} MB" if self.memory_mb else ""
                raise QueryAborted(f"the query needed more memory than the limit{limit} "
                                   "and was stopped") from None
        if status == "error":
            raise QueryError(value)
        return value

    def close(self) -> None:
        """End this process's query child; the next :meth:`run` forks a new one."""
        with self._lock:
            if self._owner == os.getpid():
                self._kill()
                self._owner = -1
