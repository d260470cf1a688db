"""The Flask application: ``create_app(settings)`` wires the served graph, the query runner,
the rate limiter and one blueprint per URL area."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, jsonify, request
from flask_compress import Compress

from segraph import __version__
from segraph.catalogue import site
from segraph.executor import QueryRunner
from segraph.linking import Linker
from segraph.matching import Matcher
from segraph.namespaces import PREFIXES
from segraph.ratelimit import RateLimiter
from segraph.reconciliation import NameIndex
from segraph.releases import Release, list_releases
from segraph.serving import ServedGraph, served_graph
from segraph.settings import Paths, load_settings
from segraph.web.language import keep_language
from segraph.writes.gate import WriteGate
from segraph.writes.setup import write_gate

COMPRESSED_TYPES = [
    "application/sparql-results+json", "application/sparql-results+xml", "text/csv",
    "text/tab-separated-values", "text/turtle", "application/n-triples", "application/ld+json",
    "application/rdf+xml", "application/n-quads", "application/trig", "application/json",
    "text/html", "text/css", "application/javascript", "text/javascript",
]


@dataclass
class Segraph:
    """What the views need, on ``app.extensions["segraph"]``."""

    settings: dict[str, Any]
    graph: ServedGraph
    runner: QueryRunner
    limiter: RateLimiter
    prefixes: dict[str, str]
    releases: list[Release]  # on disk at start, oldest first (/releases/, VoID, the catalogue)
    writes: WriteGate  # the journal of accepted writes and the gate new ones pass (web.writes)
    base_version: str = ""  # of the graph before the journal's writes
    # Under `segraph serve` (server.serve): the master's pid. A worker then keeps its indexes
    # when a write changes the graph and asks the master to rebuild them once and fork fresh
    # workers (server.reload_in_master), rather than every worker rebuilding its own.
    master: int = 0
    _derived: dict[str, tuple[str, Any]] = field(default_factory=dict)

    def _index(self, name: str, build: Callable[[], Any]) -> Any:
        """An index built from the served graph, once per graph version (the first ones
        before the workers fork; in a worker under a master, the one it was forked with)."""
        built = self._derived.get(name)
        worker = self.master and os.getpid() != self.master
        if built is None or (built[0] != self.graph.version and not worker):
            built = self._derived[name] = (self.graph.version, build())
        return built[1]

    @property
    def names(self) -> NameIndex:
        """The reconciliation service's index (segraph.web.reconcile)."""
        return self._index("names", lambda: NameIndex.from_store(
            self.graph.store, f"{site(self.settings)}id/"))  # type: ignore[no-any-return]

    @property
    def linker(self) -> Linker:
        """Text -> challenges, SDG goals and targets (segraph.web.api, /match)."""
        return self._index("linker", lambda: Linker.from_store(self.graph.store))  # type: ignore[no-any-return]

    @property
    def matcher(self) -> Matcher:
        """Enterprises <-> municipalities <-> challenges (segraph.web.api, /match)."""
        return self._index("matcher", lambda: Matcher.from_store(self.graph.store))  # type: ignore[no-any-return]

    def catch_up(self) -> None:
        """Apply the writes other processes accepted since this one last looked (and take
        note of this process's own); the new graph version then keys every cache and ETag,
        and the query process is renewed."""
        self.writes.catch_up()
        version = self.writes.version(self.base_version)
        if version != self.graph.version:
            self.graph.version = version
            self.runner.close()
            if self.master and os.getpid() != self.master:  # rebuild indexes, fork new workers
                print(f"segraph: worker {os.getpid()} is at graph version {version}; asking "
                      "the master to catch up", file=sys.stderr, flush=True)
                os.kill(self.master, signal.SIGHUP)


def create_app(settings: dict[str, Any] | None = None, *,
               graph: ServedGraph | None = None) -> Flask:
    """The application. ``settings`` override the configured ones (file < env < these)."""
    values = load_settings(settings)
    if graph is None:  # the remote engine of store_url, else the build in memory
        graph = served_graph(values)
    app = Flask(__name__)
    app.config["COMPRESS_MIMETYPES"] = COMPRESSED_TYPES
    app.config["COMPRESS_MIN_SIZE"] = 1024
    app.config["COMPRESS_ALGORITHM"] = ["gzip", "deflate"]
    app.config["JSON_AS_ASCII"] = False
    state = Segraph(
        settings=values,
        graph=graph,
        runner=QueryRunner(graph.store, memory_mb=int(values["query_memory"])),
        limiter=RateLimiter(int(values["rate_limit"])),
        prefixes={p: str(ns) for p, ns in PREFIXES.items()},
        releases=list_releases(Paths.from_settings(values)),
        writes=write_gate(values, graph.store, graph.sources),
        base_version=graph.version,
    )
    state.catch_up()  # the journal's writes, over the built graph
    state.names, state.linker, state.matcher  # noqa: B018 - built before the workers fork
    app.extensions["segraph"] = state
    Compress(app)

    from segraph.web.api import bp as api_bp
    from segraph.web.dataset import bp as dataset_bp
    from segraph.web.downloads import bp as downloads_bp
    from segraph.web.editor import bp as editor_bp
    from segraph.web.match_page import bp as match_page_bp
    from segraph.web.queries import bp as queries_bp
    from segraph.web.reconcile import bp as reconcile_bp
    from segraph.web.resources import bp as resources_bp
    from segraph.web.sparql import bp as sparql_bp
    from segraph.web.vocabulary import bp as vocabulary_bp
    from segraph.web.writes import bp as writes_bp

    app.register_blueprint(sparql_bp)
    app.register_blueprint(queries_bp)
    app.register_blueprint(resources_bp)
    app.register_blueprint(editor_bp)
    app.register_blueprint(vocabulary_bp)
    app.register_blueprint(downloads_bp)
    app.register_blueprint(dataset_bp)
    app.register_blueprint(reconcile_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(match_page_bp)
    app.register_blueprint(writes_bp)
    app.after_request(keep_language)  # ?lang= holds across the site
    app.before_request(state.catch_up)  # writes accepted by other processes

    @app.get("/healthz")
    def healthz() -> Response:
        state = app.extensions["segraph"]
        return jsonify(status="ok", version=__version__, dataset=state.graph.version,
                       quads=len(state.graph))

    @app.after_request
    def cors(response: Response) -> Response:
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = \
            ("ETag, X-Result-Rows, X-Result-Truncated, X-Query-Name, X-Query-Parameters, "
             "Retry-After")
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, DELETE, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = \
                request.headers.get("Access-Control-Request-Headers",
                                    "Accept, Authorization, Content-Type, If-None-Match")
            response.headers["Access-Control-Max-Age"] = "86400"
        return response

    return app
