"""``segraph serve``: the application on gunicorn, with pre-forked single-threaded workers.

The graph is loaded once, in the master, before the workers are forked; each worker shares it
copy-on-write and forks its own query child (see :mod:`segraph.executor`). After a write, the
master catches up and forks fresh workers (:func:`reload_in_master`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication


class Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application

    def run(self) -> None:
        from gunicorn.arbiter import Arbiter

        app = self.application

        class SegraphArbiter(Arbiter):  # type: ignore[misc]
            def handle_hup(self) -> None:
                """Reload (catch up, rebuild, fork fresh workers) only when the journal holds
                writes the master has not applied: the workers' requests after a burst of
                writes come to one reload, not one per write."""
                gate = app.extensions["segraph"].writes
                if gate.journal.size() != gate.offset:
                    super().handle_hup()

        try:
            SegraphArbiter(self).run()
        except RuntimeError as exc:
            print(f"\nError: {exc}\n", file=sys.stderr, flush=True)
            sys.exit(1)


def warm_up(app: Flask) -> None:
    """Build, in the master before the workers fork, what each worker would otherwise build on
    its first request: the map layers, the ontology and shapes pages in both languages and the
    VoID statistics. The workers inherit them; the master's query child is ended so that only
    workers own one.
    Best effort: what cannot be built here is built on first use, as before."""
    from segraph.executor import QueryError, QueryStopped
    from segraph.web import maps

    state = app.extensions["segraph"]
    try:
        state.names, state.linker, state.matcher  # noqa: B018 - the indexes, for this version
        for name in maps.LAYERS:
            try:
                maps.layer(state, name)
            except (QueryStopped, QueryError):  # e.g. a tiny query limit: built on first use
                break
        client = app.test_client()
        for page in ("/ontology", "/shapes"):
            for lang in ("sv", "en"):
                client.get(f"{page}?lang={lang}", headers={"Accept": "text/html"})
        client.get("/.well-known/void")  # measures the VoID statistics once, for all workers
    finally:
        state.runner.close()


def reload_in_master(app: Flask) -> Callable[[Any], None]:
    """gunicorn's ``on_reload`` hook. A worker that applied a write sends the master SIGHUP
    (:meth:`segraph.web.Segraph.catch_up`); the master then applies the journal's new writes
    to its own graph, rebuilds the indexes and caches once (:func:`warm_up`), and gunicorn
    forks fresh workers from it and stops the old ones when they have answered. Until then
    the workers answer from the graph with the write and their previous indexes."""

    def hook(arbiter: Any) -> None:
        state = app.extensions["segraph"]
        built = state.graph.version
        while True:  # writes may land while the indexes are built: then build once more
            state.catch_up()
            if state.graph.version == built:
                break
            built = state.graph.version
            warm_up(app)
            arbiter.log.info("segraph: graph version %s, indexes rebuilt", built)

    return hook


def serve(app: Flask, settings: dict[str, Any]) -> None:
    # A worker waits for its query child, or for a write to be worked out and checked.
    timeout = max(float(settings["query_timeout"]), float(settings["write_timeout"]))
    warm_up(app)
    app.extensions["segraph"].master = os.getpid()
    Server(app, {
        "bind": f"{settings['host']}:{settings['port']}",
        "workers": int(settings["workers"]),
        "worker_class": "sync",
        "preload_app": True,
        # Only a worker silent well past the query and write limits is considered stuck.
        "timeout": int(timeout) + 30,
        "graceful_timeout": 10,
        "keepalive": 5,
        "limit_request_line": 0,  # the app itself limits query length, with a clear error
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "segraph",
        "control_socket_disable": True,
        "on_reload": reload_in_master(app),
    }).run()
