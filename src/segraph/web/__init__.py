"""The Flask application: ``create_app(settings)`` wires the served graph, the query runner,
the rate limiter and one blueprint per URL area."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
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
from segraph.serving import ServedGraph, load_served_graph
from segraph.settings import Paths, load_settings
from segraph.web.language import keep_language

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
    names: NameIndex  # the reconciliation service's index (segraph.web.reconcile)
    linker: Linker    # text -> challenges, SDG goals and targets (segraph.web.api, /match)
    matcher: Matcher  # enterprises <-> municipalities <-> challenges (segraph.web.api, /match)
    releases: list[Release]  # on disk at start, oldest first (/releases/, VoID, the catalogue)


def create_app(settings: dict[str, Any] | None = None, *,
               graph: ServedGraph | None = None) -> Flask:
    """The application. ``settings`` override the configured ones (file < env < these)."""
    values = load_settings(settings)
    if graph is None:
        paths = Paths.from_settings(values)
        graph = load_served_graph(paths, [Path(p) for p in values["data"]],
                                  with_build=values.get("with_build", True),
                                  base_uri=values["base_uri"])
    app = Flask(__name__)
    app.config["COMPRESS_MIMETYPES"] = COMPRESSED_TYPES
    app.config["COMPRESS_MIN_SIZE"] = 1024
    app.config["COMPRESS_ALGORITHM"] = ["gzip", "deflate"]
    app.config["JSON_AS_ASCII"] = False
    app.extensions["segraph"] = Segraph(
        settings=values,
        graph=graph,
        runner=QueryRunner(graph.store, memory_mb=int(values["query_memory"])),
        limiter=RateLimiter(int(values["rate_limit"])),
        prefixes={p: str(ns) for p, ns in PREFIXES.items()},
        names=NameIndex.from_store(graph.store, f"{site(values)}id/"),
        linker=Linker.from_store(graph.store),    # built once per served graph, before the
        matcher=Matcher.from_store(graph.store),  # workers fork (in-process queries only)
        releases=list_releases(Paths.from_settings(values)),
    )
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
    app.after_request(keep_language)  # ?lang= holds across the site

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
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = \
                request.headers.get("Access-Control-Request-Headers",
                                    "Accept, Content-Type, If-None-Match")
            response.headers["Access-Control-Max-Age"] = "86400"
        return response

    return app
