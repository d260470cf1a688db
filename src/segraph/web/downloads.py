"""``/releases/``: the dated, numbered releases — their pages, dump files, checksums and diffs.

``/releases/`` lists them (HTML, or JSON by ``Accept: application/json`` or ``format=json``);
``/releases/latest`` redirects (302) to the newest; ``/releases/<N>/`` describes one (date,
version, quads per named graph, files with size and sha256, how to cite it);
``/releases/<N>/<file>`` is the file itself (also ``SHA256SUMS`` and ``release.json``);
``/releases/<A>/diff/<B>`` shows the triples removed and added per named graph (HTML summary,
or every change by ``format=nq`` or ``format=json``). The server offers the releases that were
in ``<var>/releases`` when it started. Pages are in Swedish or English
(:mod:`segraph.web.language`).

The dumps are served as what they are, gzip files: ``Content-Type: application/gzip``
(RFC 6713) with ``Content-Disposition: attachment`` and no ``Content-Encoding``. Sending the RDF
media type with ``Content-Encoding: gzip`` would declare the resource to *be* Turtle (or …) that is
merely compressed in transit (RFC 9110 §8.4): browsers and HTTP clients would undo the
compression, so a file saved as ``segraph.ttl.gz`` would hold plain Turtle and fail its checksum.
So ``curl -O`` and a browser both save exactly the bytes that SHA256SUMS names. The RDF media type
of each dump is given in ``release.json``, on the release page and in the DCAT distributions
(``dcat:mediaType`` with ``dcat:compressFormat`` ``application/gzip``). A file never changes:
its ETag is its sha256 (also sent as ``Repr-Digest``, RFC 9530) and it is cached as immutable.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, redirect, request, send_file
from flask.blueprints import BlueprintSetupState

from segraph.dumps import CHECKSUMS, GZIP_MEDIA_TYPE
from segraph.releases import (
    LICENSE,
    LICENSE_URL,
    NUMBER,
    RELEASE_JSON,
    Release,
    ReleaseDiff,
    ReleaseNotFound,
    diff,
)
from segraph.web.conditional import etag, not_modified
from segraph.web.errors import error_response, rate_limited
from segraph.web.language import language_page, page_language

bp = Blueprint("downloads", __name__)

EXTENSION = "segraph.releases"
HTML, JSON, NQUADS = "text/html", "application/json", "application/n-quads"
FORMATS = {"html": HTML, "json": JSON, "application/json": JSON, "nq": NQUADS,
           "nquads": NQUADS, "application/n-quads": NQUADS}
YEAR = 365 * 24 * 3600
SAMPLE = 25  # changed triples shown per graph on the diff page

TEXT: dict[str, dict[str, str]] = {
    "sv": {
        "releases": "Utgåvor",
        "release": "Utgåva",
        "intro": "Varje bygge av segraph vars innehåll skiljer sig från förra utgåvan blir en ny "
                 "numrerad, daterad utgåva. En utgåva ändras aldrig: citera den med numret, så "
                 "får den som följer länken exakt samma data. Varje utgåva finns som Turtle, "
                 "N-Triples, N-Quads, TriG och JSON-LD (gzip) med SHA-256-kontrollsummor.",
        "none": "Det finns inga utgåvor ännu. Kommandot segraph build gör den första.",
        "number": "Nummer",
        "date": "Datum",
        "issued": "Utgiven",
        "version": "segraph-version",
        "quads": "Tripler",
        "content": "Innehåll (sha256 av N-Quads)",
        "compare": "Jämför",
        "changes_from_previous": "ändringar sedan föregående",
        "latest": "senaste",
        "as_json": "Som JSON",
        "language": "In English",
        "files": "Filer",
        "file": "Fil",
        "format": "Format",
        "size": "Storlek",
        "graphs": "Tripler per namngiven graf",
        "graph": "Namngiven graf",
        "total": "Totalt",
        "cite": "Så citerar du utgåvan",
        "licence": "Licens",
        "verify": "Kontrollera en nedladdning",
        "verify_text": "Ladda ner filerna och SHA256SUMS till samma katalog och kör:",
        "iri": "Utgåvans IRI",
        "all": "Alla utgåvor",
        "diff_title": "Ändringar från utgåva {a} till utgåva {b}",
        "diff_intro": "Tripler som tagits bort och lagts till, per namngiven graf, jämförda i "
                      "utgåvornas N-Quads-filer. Tomma noder jämförs med sina kanoniska namn.",
        "removed": "Borttagna",
        "added": "Tillagda",
        "no_change": "Utgåvorna innehåller samma tripler.",
        "full_lists": "Alla ändringar",
        "only_removed": "bara borttagna",
        "only_added": "bara tillagda",
        "first": "de första {n} av {total}",
        "gzip_note": "Filerna är gzip-komprimerade (application/gzip); mediatypen anger "
                     "formatet efter uppackning.",
        "previous": "Föregående utgåva",
        "next": "Nästa utgåva",
    },
    "en": {
        "releases": "Releases",
        "release": "Release",
        "intro": "Every build of segraph whose content differs from the previous release "
                 "becomes a new numbered, dated release. A release never changes: cite it by "
                 "number, and whoever follows the link gets exactly the same data. Each release "
                 "comes as Turtle, N-Triples, N-Quads, TriG and JSON-LD (gzip) with SHA-256 "
                 "checksums.",
        "none": "There are no releases yet. The command segraph build makes the first.",
        "number": "Number",
        "date": "Date",
        "issued": "Issued",
        "version": "segraph version",
        "quads": "Triples",
        "content": "Content (sha256 of the N-Quads)",
        "compare": "Compare",
        "changes_from_previous": "changes since the previous one",
        "latest": "latest",
        "as_json": "As JSON",
        "language": "På svenska",
        "files": "Files",
        "file": "File",
        "format": "Format",
        "size": "Size",
        "graphs": "Triples per named graph",
        "graph": "Named graph",
        "total": "Total",
        "cite": "How to cite this release",
        "licence": "Licence",
        "verify": "Check a download",
        "verify_text": "Download the files and SHA256SUMS into one directory and run:",
        "iri": "The release's IRI",
        "all": "All releases",
        "diff_title": "Changes from release {a} to release {b}",
        "diff_intro": "Triples removed and added, per named graph, compared in the releases' "
                      "N-Quads files. Blank nodes are compared by their canonical labels.",
        "removed": "Removed",
        "added": "Added",
        "no_change": "The releases hold the same triples.",
        "full_lists": "Every change",
        "only_removed": "removed only",
        "only_added": "added only",
        "first": "the first {n} of {total}",
        "gzip_note": "The files are gzip-compressed (application/gzip); the media type names the "
                     "format once unpacked.",
        "previous": "Previous release",
        "next": "Next release",
    },
}
FORMAT_NAMES = {"text/turtle": "Turtle", "application/n-triples": "N-Triples",
                "application/n-quads": "N-Quads", "application/trig": "TriG",
                "application/ld+json": "JSON-LD"}


@bp.record_once
def _load(setup: BlueprintSetupState) -> None:
    """The releases on disk when the application is created (the served graph is the latest
    build; releases made later are offered after a restart)."""
    releases = setup.app.extensions["segraph"].releases
    setup.app.extensions[EXTENSION] = {r.number: r for r in releases}


def _releases() -> dict[int, Release]:
    return current_app.extensions[EXTENSION]  # type: ignore[no-any-return]


def _find(text: str) -> Release | Response:
    """The release named ``text`` (a number or ``latest``), else a helpful 404."""
    releases = _releases()
    if text == "latest" and releases:
        return releases[max(releases)]
    if NUMBER.fullmatch(text) and int(text) in releases:
        return releases[int(text)]
    if not releases:
        known = "There are no releases yet (each `segraph build` with new content makes one)."
    elif len(releases) == 1:
        known = f"The only release is {min(releases)}."
    else:
        known = f"The releases are numbered {min(releases)}–{max(releases)}."
    return error_response(404, "Not Found",
                          f"There is no release {text[:40]!r}. {known} See /releases/.")


def _wanted(offers: list[str]) -> str | None:
    """The media type to answer with, by ``format=`` or Accept (the first offer for */*)."""
    asked = request.args.get("format", "").strip().lower()
    if asked:
        media_type = FORMATS.get(asked)
        return media_type if media_type in offers else None
    if not request.headers.get("Accept"):
        return offers[0]
    return request.accept_mimetypes.best_match(offers)


def _not_acceptable(offers: list[str]) -> Response:
    names = ", ".join(f"format={k}" for k, v in FORMATS.items() if v in offers and "/" not in k)
    return error_response(406, "Not Acceptable",
                          f"This page is available as {', '.join(offers)} ({names}).")


def _url(path: str, **params: str | None) -> str:
    """``path`` with ``params`` (None dropped) and the ``lang`` the request asked for."""
    asked, explicit = page_language()
    if explicit and "lang" not in params:
        params["lang"] = asked
    query = {k: v for k, v in params.items() if v is not None}
    return f"{path}?{urlencode(query)}" if query else path


def release_url(number: int, name: str = "") -> str:
    return f"/releases/{number}/{name}"


def _size(count: int, lang: str) -> str:
    value, unit = float(count), "B"
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            break
        value /= 1000
    text = f"{value:.0f}" if unit == "B" else f"{value:.1f}"
    return f"{text.replace('.', ',') if lang == 'sv' else text} {unit}"


def _release_json(release: Release) -> dict[str, Any]:
    root = request.host_url.rstrip("/")
    data = release.to_dict()
    for name, info in data["files"].items():
        info["url"] = root + release_url(release.number, name)
    return {**data, "iri": release.iri, "url": root + release_url(release.number),
            "checksums": root + release_url(release.number, CHECKSUMS),
            "license": LICENSE_URL,
            "citation": {lang: release.citation(lang) for lang in TEXT}}


def _page(template: str, lang: str, **context: Any) -> Response:
    return language_page(template, lang, TEXT, **context)


def _finish(response: Response, tag: str, *, max_age: int | None = None) -> Response:
    response.set_etag(tag)
    response.vary.add("Accept")
    if max_age is not None:
        response.cache_control.public = True
        response.cache_control.max_age = max_age
    return response


@bp.get("/releases")
@bp.get("/releases/")
def listing() -> Response:
    offers = [HTML, JSON]
    media_type = _wanted(offers)
    if media_type is None:
        return _not_acceptable(offers)
    releases = _releases()
    lang = page_language()[0] if media_type == HTML else ""
    tag = etag("releases", *(r.content for r in releases.values()), media_type, lang,
               request.host_url, request.query_string.decode())
    cached = not_modified(tag, "Accept")
    if cached is not None:
        return cached
    latest = max(releases) if releases else None
    if media_type == JSON:
        body = {"latest": latest, "releases": [_release_json(r) for r in
                                               sorted(releases.values(), key=lambda r: -r.number)]}
        response = Response(json.dumps(body, ensure_ascii=False, indent=1),
                            content_type="application/json; charset=utf-8")
    else:
        rows = [{"release": r, "url": _url(release_url(r.number)),
                 "diff_url": _url(f"/releases/{r.number - 1}/diff/{r.number}")
                 if r.number - 1 in releases else None}
                for r in sorted(releases.values(), key=lambda r: -r.number)]
        response = _page("releases.html", lang, rows=rows, latest=latest,
                         json_url=_url("/releases/", format="json", lang=None))
        response.headers["Link"] = '</releases/?format=json>; rel="alternate"; ' \
                                   'type="application/json"'
    return _finish(response, tag)


@bp.get("/releases/latest")
def latest() -> Response:
    found = _find("latest")
    if isinstance(found, Response):
        return found
    return _redirect_latest(release_url(found.number))


def _redirect_latest(path: str) -> Response:
    """302 (the latest release moves on) to ``path``, keeping the query string."""
    query = request.query_string.decode()
    response = redirect(f"{path}?{query}" if query else path, code=302)
    response.cache_control.no_cache = True
    return response


@bp.get("/releases/<number>/")
def release(number: str) -> Response:
    found = _find(number)
    if isinstance(found, Response):
        return found
    if number == "latest":
        return _redirect_latest(release_url(found.number))
    offers = [HTML, JSON]
    media_type = _wanted(offers)
    if media_type is None:
        return _not_acceptable(offers)
    lang = page_language()[0] if media_type == HTML else ""
    tag = etag("release", found.content, str(found.number), media_type, lang, request.host_url,
               request.query_string.decode())
    cached = not_modified(tag, "Accept")
    if cached is not None:
        return cached
    if media_type == JSON:
        response = Response(json.dumps(_release_json(found), ensure_ascii=False, indent=1),
                            content_type="application/json; charset=utf-8")
    else:
        releases = _releases()
        files = [{"name": name, "url": release_url(found.number, name),
                  "format": FORMAT_NAMES.get(info["media_type"], info["media_type"]),
                  "media_type": info["media_type"], "size": _size(info["bytes"], lang),
                  "bytes": info["bytes"], "sha256": info["sha256"]}
                 for name, info in found.files.items()]
        previous = found.number - 1 if found.number - 1 in releases else None
        following = found.number + 1 if found.number + 1 in releases else None
        response = _page(
            "release.html", lang, release=found, files=files,
            graphs=sorted(found.graphs.items()), total=found.quads,
            checksums_url=release_url(found.number, CHECKSUMS),
            release_json_url=release_url(found.number, RELEASE_JSON),
            json_url=_url(release_url(found.number), format="json", lang=None),
            all_url=_url("/releases/"), licence=LICENSE, licence_url=LICENSE_URL,
            citation=found.citation(lang), bibtex=_bibtex(found),
            previous_url=_url(release_url(previous)) if previous else None,
            next_url=_url(release_url(following)) if following else None,
            diff_url=_url(f"/releases/{previous}/diff/{found.number}") if previous else None,
            latest=max(releases))
        response.headers["Link"] = \
            f'<{release_url(found.number)}?format=json>; rel="alternate"; ' \
            f'type="application/json", <{found.iri}>; rel="canonical"'
    return _finish(response, tag, max_age=3600)


def _bibtex(release: Release) -> str:
    return (f"@misc{{segraph_release_{release.number},\n"
            f"  title = {{segraph: a knowledge graph of the Swedish social economy, "
            f"release {release.number}}},\n"
            f"  year = {{{release.date[:4]}}},\n"
            f"  date = {{{release.date}}},\n"
            f"  version = {{{release.number}}},\n"
            f"  url = {{{release.iri}}},\n"
            f"  note = {{{LICENSE}}}\n}}")


@bp.get("/releases/<number>/<name>")
def download(number: str, name: str) -> Response:
    found = _find(number)
    if isinstance(found, Response):
        return found
    if number == "latest":
        return _redirect_latest(release_url(found.number, name))
    try:
        path = found.file(name)
    except ReleaseNotFound as exc:
        return error_response(404, "Not Found", f"{exc}. See {release_url(found.number)}.")
    if name in found.files:
        digest = str(found.files[name]["sha256"])
        media_type = GZIP_MEDIA_TYPE
    else:
        digest = _sha256(str(path))
        media_type = "application/json" if name == RELEASE_JSON else "text/plain"
    response = send_file(path, mimetype=media_type, as_attachment=name in found.files,
                         download_name=name, conditional=True, etag=digest, max_age=YEAR)
    response.cache_control.public = True
    response.cache_control.immutable = True
    response.headers["Repr-Digest"] = \
        f"sha-256=:{base64.b64encode(bytes.fromhex(digest)).decode()}:"
    return response


_digests: dict[str, str] = {}


def _sha256(path: str) -> str:
    if path not in _digests:
        with open(path, "rb") as fh:
            _digests[path] = hashlib.file_digest(fh, "sha256").hexdigest()
    return _digests[path]


@bp.get("/releases/<old>/diff/<new>")
def changes(old: str, new: str) -> Response:
    before, after = _find(old), _find(new)
    for found in (before, after):
        if isinstance(found, Response):
            return found
    assert isinstance(before, Release) and isinstance(after, Release)
    if "latest" in (old, new):
        return _redirect_latest(f"/releases/{before.number}/diff/{after.number}")
    offers = [HTML, NQUADS, JSON]
    media_type = _wanted(offers)
    if media_type is None:
        return _not_acceptable(offers)
    change = request.args.get("change")
    if change not in (None, "removed", "added"):
        return error_response(400, "Bad Request",
                              f"change={change[:40]!r}: give change=removed or change=added "
                              "(or leave it out for both).")
    lang = page_language()[0] if media_type == HTML else ""
    tag = etag("diff", before.content, after.content, media_type, lang, str(change),
               request.query_string.decode())
    cached = not_modified(tag, "Accept")
    if cached is not None:
        return cached
    refused = rate_limited(current_app.extensions["segraph"])
    if refused is not None:
        return refused
    result = diff(before, after)
    if media_type == NQUADS:
        response = Response(result.to_nquads(change), content_type=f"{NQUADS}; charset=utf-8")
    elif media_type == JSON:
        response = Response(json.dumps(result.to_json(), ensure_ascii=False, indent=1),
                            content_type="application/json; charset=utf-8")
    else:
        response = _diff_page(result, lang)
    return _finish(response, tag, max_age=3600)


def _diff_page(result: ReleaseDiff, lang: str) -> Response:
    path = f"/releases/{result.old.number}/diff/{result.new.number}"
    graphs = [{"name": g.graph, "iri": g.iri, "removed": len(g.removed), "added": len(g.added),
               "removed_sample": g.removed[:SAMPLE], "added_sample": g.added[:SAMPLE]}
              for g in result.graphs]
    t = TEXT[lang]
    return _page("release_diff.html", lang, diff=result, graphs=graphs, sample=SAMPLE,
                 title=t["diff_title"].format(a=result.old.number, b=result.new.number),
                 old_url=_url(release_url(result.old.number)),
                 new_url=_url(release_url(result.new.number)),
                 all_url=_url("/releases/"),
                 nq_url=_url(path, format="nq", lang=None),
                 removed_url=_url(path, format="nq", change="removed", lang=None),
                 added_url=_url(path, format="nq", change="added", lang=None),
                 json_url=_url(path, format="json", lang=None))


@bp.get("/releases/<path:rest>")
def unknown(rest: str) -> Response:
    """Any other path under /releases/ (including ones with ``..`` or ``/`` in a file name)."""
    return error_response(404, "Not Found",
                          f"/releases/{rest[:80]} is not a release page or file. Releases are "
                          "at /releases/N/ (files /releases/N/FILE, changes "
                          "/releases/A/diff/B); see /releases/.")
