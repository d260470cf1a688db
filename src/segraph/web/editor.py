"""The query editor: YASGUI with the saved queries, the graph's own vocabulary and a map.

The browser libraries come from the npm registry (``package.json`` at the repository root,
installed by ``npm ci`` into ``node_modules/``) and are served by this blueprint from there, so
the page works without internet access and nothing third-party is copied into the repository.
The editor's own JavaScript and CSS are in ``static/editor/``.

Routes: ``/`` (the editor), ``/editor/vendor/<file>`` (the allow-listed library files),
``/editor/config.json`` (endpoint, prefixes, saved queries), ``/editor/vocabulary.json`` (the
classes and properties of the ontology graph, for autocompletion) and
``/editor/municipalities.json`` (simplified outlines of the municipalities, the map's base layer).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, url_for
from werkzeug.routing import BuildError

from segraph.executor import QueryError, QueryRequest, QueryStopped
from segraph.namespaces import graph_iri
from segraph.web.errors import error_response
from segraph.web.language import LANG_COOKIE, LANGUAGES, page_language

bp = Blueprint("editor", __name__)

SOURCE_ROOT = Path(__file__).resolve().parents[3]  # the repository, in a source checkout

# URL name -> (npm package, file inside it). Only these files are served from node_modules.
VENDOR: dict[str, tuple[str, str]] = {
    "yasgui.min.js": ("@zazuko/yasgui", "build/yasgui.min.js"),
    "yasgui.min.css": ("@zazuko/yasgui", "build/yasgui.min.css"),
    "yasgui.min.js.map": ("@zazuko/yasgui", "build/yasgui.min.js.map"),
    "chart.umd.min.js": ("chart.js", "dist/chart.umd.min.js"),
    "chart.umd.min.js.map": ("chart.js", "dist/chart.umd.min.js.map"),
}
VENDOR_TYPES = {".js": "text/javascript", ".css": "text/css", ".map": "application/json"}

NEW_QUERY_BODY = "SELECT * WHERE {\n  ?s ?p ?o .\n}\nLIMIT 10\n"

VOCABULARY_QUERY = f"""
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?term ?kind (SAMPLE(?lsv) AS ?labelSv) (SAMPLE(?len) AS ?labelEn)
       (SAMPLE(?csv) AS ?commentSv) (SAMPLE(?cen) AS ?commentEn)
WHERE {{
  GRAPH <{graph_iri("ontology")}> {{
    VALUES (?type ?kind) {{
      (owl:Class "class") (rdfs:Class "class")
      (owl:ObjectProperty "property") (owl:DatatypeProperty "property")
      (owl:AnnotationProperty "property") (rdf:Property "property")
    }}
    ?term a ?type .
    FILTER(isIRI(?term))
    OPTIONAL {{ ?term rdfs:label ?lsv FILTER(langMatches(lang(?lsv), "sv")) }}
    OPTIONAL {{ ?term rdfs:label ?len FILTER(langMatches(lang(?len), "en")) }}
    OPTIONAL {{ ?term rdfs:comment ?csv FILTER(langMatches(lang(?csv), "sv")) }}
    OPTIONAL {{ ?term rdfs:comment ?cen FILTER(langMatches(lang(?cen), "en")) }}
  }}
}}
GROUP BY ?term ?kind
ORDER BY ?kind ?term
"""

MUNICIPALITIES_QUERY = """
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
PREFIX seg: <https://w3id.org/segraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?municipality (SAMPLE(?c) AS ?code) (SAMPLE(?n) AS ?name) (SAMPLE(?w) AS ?wkt) WHERE {
  ?municipality a seg:Municipality ; geo:hasDefaultGeometry/geo:asWKT ?w .
  OPTIONAL { ?municipality seg:municipalityCode ?c }
  OPTIONAL { ?municipality rdfs:label ?n }
}
GROUP BY ?municipality
ORDER BY ?code
"""

SIMPLIFY_TOLERANCE = 0.01  # degrees (about 1 km): below one pixel of a map of all of Sweden


# --- saved queries -------------------------------------------------------------------------


@dataclass
class SavedQuery:
    name: str
    title: dict[str, str]
    description: dict[str, str]
    text: str
    params: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "description": self.description,
                "text": self.text, "params": self.params}


_HEADER = re.compile(r"^#\s*(title|description)@([A-Za-z-]+)\s*:\s*(.*?)\s*$")


def _read_rq(path: Path) -> SavedQuery:
    """A saved query from its file (``# title@sv: …`` header lines), without segraph.queries."""
    fields: dict[str, dict[str, str]] = {"title": {}, "description": {}}
    text = path.read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            break
        match = _HEADER.match(line)
        if match:
            fields[match.group(1)][match.group(2).lower()] = match.group(3)
    return SavedQuery(path.stem, fields["title"], fields["description"], text, [])


def _from_loaded(item: Any) -> SavedQuery:
    """A :class:`segraph.queries.SavedQuery` in the shape the editor's script reads."""
    params = [p.to_dict() if hasattr(p, "to_dict") else {"name": str(getattr(p, "name", p))}
              for p in getattr(item, "params", [])]
    return SavedQuery(item.name, dict(item.titles), dict(item.descriptions), item.text, params)


_saved_cache: dict[Path, tuple[tuple[tuple[str, float], ...], list[SavedQuery]]] = {}


def saved_queries(directory: Path) -> list[SavedQuery]:
    """The saved queries of ``directory`` (``*.rq``), read again only when a file changes."""
    if not directory.is_dir():
        return []
    paths = sorted(directory.glob("*.rq"))
    signature = tuple((p.name, p.stat().st_mtime) for p in paths)
    cached = _saved_cache.get(directory)
    if cached is not None and cached[0] == signature:
        return cached[1]
    try:
        from segraph.queries import load_queries
    except ImportError:  # an older tree without segraph.queries: read the headers here
        queries = [_read_rq(path) for path in paths]
    else:
        try:
            queries = [_from_loaded(item) for item in load_queries(directory, check=False)]
        except ValueError:  # a file with a broken header: the editor still offers them all
            queries = [_read_rq(path) for path in paths]
    _saved_cache[directory] = (signature, queries)
    return queries


def queries_dir() -> Path:
    state = current_app.extensions["segraph"]
    project = Path(state.settings.get("project_dir") or ".")
    for candidate in (project / "queries", SOURCE_ROOT / "queries"):
        if candidate.is_dir():
            return candidate
    return project / "queries"


def _query_page(name: str) -> str | None:
    """The saved query's own page (a form for its parameters), when the app has one."""
    try:
        return url_for("queries.query", name=name)
    except BuildError:
        return None


# --- the page ------------------------------------------------------------------------------


def editor_config() -> dict[str, Any]:
    """What the editor's script needs, embedded in the page and at /editor/config.json."""
    state = current_app.extensions["segraph"]
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in state.prefixes.items())
    return {
        "endpoint": request.script_root + "/sparql",
        "lang": page_language()[0],
        "languages": list(LANGUAGES),
        "langCookie": LANG_COOKIE,
        "prefixes": dict(state.prefixes),
        "newQuery": prologue + "\n" + NEW_QUERY_BODY,
        "queries": [{**q.as_json(), "page": _query_page(q.name)}
                    for q in saved_queries(queries_dir())],
        "maxRows": int(state.settings["max_rows"]),
        "queryTimeout": float(state.settings["query_timeout"]),
        "urls": {
            "vocabulary": url_for("editor.vocabulary"),
            "municipalities": url_for("editor.municipalities"),
        },
    }


@bp.app_context_processor
def editor_template_globals() -> dict[str, Any]:
    """``editor_config()`` and ``vendor_url(name)`` for editor.html (also rendered by /sparql)."""
    return {"editor_config": editor_config, "vendor_url": vendor_url}


@bp.get("/")
def index() -> Response:
    state = current_app.extensions["segraph"]
    return Response(render_template("editor.html", state=state),
                    content_type="text/html; charset=utf-8")


@bp.get("/editor/config.json")
def config() -> Response:
    return _json(editor_config(), cache="no-cache")


# --- library files from node_modules -------------------------------------------------------


def node_modules() -> Path:
    """``node_modules/`` of the project directory, else of the source checkout."""
    state = current_app.extensions["segraph"]
    project = Path(state.settings.get("project_dir") or ".") / "node_modules"
    if project.is_dir() or not (SOURCE_ROOT / "node_modules").is_dir():
        return project
    return SOURCE_ROOT / "node_modules"


def _package_version(package: str) -> str:
    try:
        meta = json.loads((node_modules() / package / "package.json").read_text("utf-8"))
    except (OSError, ValueError):
        return "missing"
    return str(meta.get("version", "0"))


def vendor_url(name: str) -> str:
    """The URL of a library file, versioned so that browsers may keep it for a year."""
    package, _ = VENDOR[name]
    return url_for("editor.vendor", name=name, v=_package_version(package))


@dataclass
class _Asset:
    body: bytes
    gzipped: bytes
    etag: str
    mtime: float


_assets: dict[Path, _Asset] = {}
_assets_lock = threading.Lock()


def _load_asset(path: Path) -> _Asset:
    """The file's bytes and their gzip, read once per process (until the file changes)."""
    mtime = path.stat().st_mtime
    with _assets_lock:
        asset = _assets.get(path)
        if asset is None or asset.mtime != mtime:
            body = path.read_bytes()
            asset = _Asset(body, gzip.compress(body, 9, mtime=0),
                           hashlib.sha256(body).hexdigest()[:24], mtime)
            _assets[path] = asset
        return asset


@bp.get("/editor/vendor/<name>")
def vendor(name: str) -> Response:
    if name not in VENDOR:
        return error_response(404, "Not Found",
                              f"No library file {name!r}; the editor serves "
                              f"{', '.join(sorted(VENDOR))}.")
    package, inner = VENDOR[name]
    path = node_modules() / package / inner
    if not path.is_file():
        return error_response(
            503, "Service Unavailable",
            f"The editor's browser libraries are not installed ({package} is missing from "
            "node_modules): run `npm ci` (or `make setup`) in the project directory.")
    asset = _load_asset(path)
    mimetype = VENDOR_TYPES[Path(name).suffix]
    use_gzip = "gzip" in request.headers.get("Accept-Encoding", "") and \
        len(asset.gzipped) < len(asset.body)
    response = Response(asset.gzipped if use_gzip else asset.body, mimetype=mimetype)
    if mimetype.startswith("text/"):
        response.charset = "utf-8"
    if use_gzip:
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    response.set_etag(asset.etag + ("-gz" if use_gzip else ""))
    if request.args.get("v") == _package_version(package):
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response.headers["Cache-Control"] = "public, max-age=300"
    return response.make_conditional(request)


# --- JSON from the graph -------------------------------------------------------------------


_cache: dict[tuple[str, str], Any] = {}
_cache_lock = threading.Lock()


def _select(query: str) -> list[dict[str, dict[str, str]]]:
    """Run a SELECT through the query runner (with the time limit) and return its bindings."""
    state = current_app.extensions["segraph"]
    job = QueryRequest(query=query, media_type="application/sparql-results+json",
                       max_rows=0, prefixes=state.prefixes)
    answer = state.runner.run(job, float(state.settings["query_timeout"]))
    return list(json.loads(answer.body)["results"]["bindings"])


def _from_graph(key: str, compute: Callable[[], Any]) -> Response:
    """``compute()`` once per dataset version and process, answered as JSON with an ETag."""
    state = current_app.extensions["segraph"]
    version = state.graph.version
    with _cache_lock:
        value = _cache.get((key, version))
    if value is None:
        try:
            value = compute()
        except QueryStopped as exc:
            return error_response(503, "Query Stopped", f"{exc}; try again in a moment.")
        except QueryError as exc:
            return error_response(500, "Internal Server Error", f"The {key} query failed: {exc}")
        with _cache_lock:
            for old in [k for k in _cache if k[0] == key]:
                del _cache[old]
            _cache[(key, version)] = value
    response = _json(value, cache="no-cache")
    response.set_etag(hashlib.sha256(f"{key}\x00{version}".encode()).hexdigest()[:24])
    return response.make_conditional(request)


def _json(value: Any, *, cache: str) -> Response:
    body = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    response = Response(body, mimetype="application/json")
    response.headers["Cache-Control"] = cache
    return response


def _curie(iri: str, prefixes: dict[str, str]) -> str | None:
    best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return None
    prefix = next(p for p, ns in prefixes.items() if ns == best)
    local = iri[len(best):]
    return f"{prefix}:{local}" if re.fullmatch(r"[A-Za-z_][\w.-]*", local) else None


def _vocabulary() -> dict[str, Any]:
    state = current_app.extensions["segraph"]
    terms: dict[str, list[dict[str, Any]]] = {"class": [], "property": []}
    for row in _select(VOCABULARY_QUERY):
        iri = row["term"]["value"]
        terms[row["kind"]["value"]].append({
            "iri": iri,
            "curie": _curie(iri, state.prefixes),
            "label": {lang: row[f"label{lang.title()}"]["value"] for lang in LANGUAGES
                      if f"label{lang.title()}" in row},
            "comment": {lang: row[f"comment{lang.title()}"]["value"] for lang in LANGUAGES
                        if f"comment{lang.title()}" in row},
        })
    return {"graph": str(graph_iri("ontology")), "prefixes": dict(state.prefixes),
            "classes": terms["class"], "properties": terms["property"]}


@bp.get("/editor/vocabulary.json")
def vocabulary() -> Response:
    """The classes and properties of the ontology graph and the prefixes: autocompletion."""
    return _from_graph("vocabulary", _vocabulary)


_RING = re.compile(r"\(([^()]+)\)")


def simplify_wkt(wkt: str, tolerance: float = SIMPLIFY_TOLERANCE) -> str:
    """``wkt`` with each ring thinned: a vertex closer than ``tolerance`` to the last kept one
    is dropped (rings stay closed and keep at least four vertices)."""

    def ring(match: re.Match[str]) -> str:
        points = [p.split() for p in match.group(1).split(",")]
        if len(points) <= 4:
            return match.group(0)
        kept = [points[0]]
        for point in points[1:-1]:
            last = kept[-1]
            if abs(float(point[0]) - float(last[0])) + abs(float(point[1]) - float(last[1])) \
                    >= tolerance:
                kept.append(point)
        kept.append(points[-1])
        if len(kept) < 4:
            return match.group(0)
        return "(" + ", ".join(" ".join(p) for p in kept) + ")"

    return _RING.sub(ring, wkt)


def _municipalities() -> dict[str, Any]:
    features = []
    for row in _select(MUNICIPALITIES_QUERY):
        features.append({
            "iri": row["municipality"]["value"],
            "code": row.get("code", {}).get("value"),
            "name": row.get("name", {}).get("value"),
            "wkt": simplify_wkt(row["wkt"]["value"]),
        })
    return {"tolerance": SIMPLIFY_TOLERANCE, "features": features}


@bp.get("/editor/municipalities.json")
def municipalities() -> Response:
    """Simplified outlines (WKT, lon/lat) of the municipalities: the map's base layer."""
    return _from_graph("municipalities", _municipalities)
