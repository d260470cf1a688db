"""Releases: numbered on new content only, immutable, checksummed, diffable; CLI and HTTP."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import re

import pyoxigraph as ox
import pytest
from release_history import CHALLENGE, NEW, OLD, History
from servers import LiveServer

from segraph import __version__
from segraph.cli import main
from segraph.namespaces import GRAPH
from segraph.releases import (
    ReleaseNotFound,
    diff,
    get_release,
    latest_release,
    list_releases,
    releases_dir,
)
from segraph.settings import Paths

FILES = {"segraph.ttl.gz": "text/turtle", "segraph.nt.gz": "application/n-triples",
         "segraph.nq.gz": "application/n-quads", "segraph.trig.gz": "application/trig",
         "segraph.jsonld.gz": "application/ld+json"}


def test_the_first_build_is_release_1(history: History):
    result = history.first
    assert result.new_release and result.release is not None and result.release.number == 1
    data = json.loads(history.first_json)
    assert list(data) == ["number", "date", "issued", "version", "content", "graphs", "files"]
    assert data["number"] == 1 and data["version"] == __version__
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", data["issued"])
    assert data["date"] == data["issued"][:10]
    assert data["graphs"] == result.graphs
    assert data["content"] == result.content
    directory = releases_dir(history.paths) / "1"
    nquads = gzip.decompress((directory / "segraph.nq.gz").read_bytes())
    assert hashlib.sha256(nquads).hexdigest() == data["content"]
    assert list(data["files"]) == list(FILES)
    for name, info in data["files"].items():
        body = (directory / name).read_bytes()
        assert info == {"media_type": FILES[name], "compression": "gzip", "bytes": len(body),
                        "sha256": hashlib.sha256(body).hexdigest()}, name
    release = get_release(history.paths, 1)
    assert release.to_dict() == data and release.directory == directory
    assert release.iri == "https://w3id.org/segraph/releases/1/"


def test_checksums_match_the_files(history: History):
    for release in list_releases(history.paths):
        lines = (release.directory / "SHA256SUMS").read_text().splitlines()
        assert len(lines) == len(FILES)
        for line in lines:
            match = re.fullmatch(r"([0-9a-f]{64})  (\S+)", line)
            assert match is not None, line
            digest, name = match.groups()
            assert hashlib.sha256((release.directory / name).read_bytes()).hexdigest() == digest
            assert release.files[name]["sha256"] == digest


def test_an_unchanged_rebuild_makes_no_release(history: History):
    assert history.again.release is not None
    assert history.again.release.number == 1 and not history.again.new_release
    assert history.again.content == history.first.content
    assert sorted(p.name for p in releases_dir(history.paths).iterdir()) == ["1", "2"]


def test_changed_data_makes_the_next_release_and_the_old_one_stays(history: History):
    changed = history.changed
    assert changed.new_release and changed.release is not None
    assert changed.release.number == 2 and changed.content != history.first.content
    latest = latest_release(history.paths)
    assert latest is not None and latest.number == 2 and latest.content == changed.content
    assert (releases_dir(history.paths) / "1" / "release.json").read_bytes() == \
        history.first_json
    for release in list_releases(history.paths):
        for path in release.directory.iterdir():
            assert path.stat().st_mode & 0o222 == 0, f"{path} is writable"
    info = json.loads((history.paths.build / "build-info.json").read_text())
    assert info["release"] == 2 and info["content"] == changed.content


def test_release_files_decompress_and_parse_to_the_same_quads(history: History):
    release = get_release(history.paths, 2)
    quads = set(ox.parse(gzip.decompress((release.directory / "segraph.nq.gz").read_bytes()),
                         format=ox.RdfFormat.N_QUADS))
    assert len(quads) == release.quads
    triples = {q.triple for q in quads}
    for name, media_type in FILES.items():
        raw = (release.directory / name).read_bytes()
        assert raw[:2] == b"\x1f\x8b" and raw[4:8] == b"\0\0\0\0" and not raw[3] & 0x08, name
        parsed = list(ox.parse(gzip.decompress(raw), format=ox.RdfFormat.from_media_type(
            media_type)))
        expected = len(quads) if name in ("segraph.nq.gz", "segraph.trig.gz",
                                          "segraph.jsonld.gz") else len(triples)
        assert len(parsed) == expected, name


def test_diff_names_exactly_the_changed_triple(history: History):
    one, two = get_release(history.paths, 1), get_release(history.paths, 2)
    changes = diff(one, two)
    assert changes.summary() == {"challenges": {"removed": 1, "added": 1}}
    (graph,) = changes.graphs
    assert graph.iri == str(GRAPH["challenges"])
    assert graph.removed == (f"<{CHALLENGE}> <http://www.w3.org/2004/02/skos/core#prefLabel> "
                             f"{OLD} .",)
    assert graph.added == (f"<{CHALLENGE}> <http://www.w3.org/2004/02/skos/core#prefLabel> "
                           f"{NEW} .",)
    quads = list(ox.parse(changes.to_nquads(), format=ox.RdfFormat.N_QUADS))
    assert [(q.object.value, q.graph_name.value) for q in quads] == [
        ("Socioeconomic disparities", str(GRAPH["challenges"])),
        ("Socio-economic disparities", str(GRAPH["challenges"]))]
    added = list(ox.parse(changes.to_nquads("added"), format=ox.RdfFormat.N_QUADS))
    assert [q.object.value for q in added] == ["Socio-economic disparities"]
    back = diff(two, one)
    assert back.graphs[0].removed == graph.added and back.graphs[0].added == graph.removed
    assert diff(two, two).graphs == ()


def test_unknown_releases_are_named(history: History):
    with pytest.raises(ReleaseNotFound, match="there is no release 7; the releases are 1–2"):
        get_release(history.paths, 7)
    with pytest.raises(ReleaseNotFound, match="has no file"):
        get_release(history.paths, 1).file("../../build/build-info.json")
    assert list_releases(Paths(project=history.paths.project,
                               var=history.paths.var / "nothing")) == []


def test_cli_lists_releases_and_shows_a_diff(history: History, capsys):
    var = ["--var-dir", str(history.paths.var)]
    assert main(["releases", *var]) == 0
    out = capsys.readouterr().out
    assert re.search(r"│ 1 +│ \d{4}-\d\d-\d\d", out) and re.search(r"│ 2 +│", out)
    assert main(["releases", "2", *var, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["content"] == history.changed.content
    assert main(["releases", "1", *var]) == 0
    out = capsys.readouterr().out
    assert "https://w3id.org/segraph/releases/1/" in out
    assert get_release(history.paths, 1).files["segraph.ttl.gz"]["sha256"] in out
    assert main(["diff", "1", "2", *var]) == 0
    assert re.search(r"challenges +│ +1 +│ +1", capsys.readouterr().out)
    assert main(["diff", "1", "latest", *var, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["graphs"]["challenges"]["added"] == list(diff(
        get_release(history.paths, 1), get_release(history.paths, 2)).graphs[0].added)
    assert main(["diff", "1", "2", *var, "--format", "nq", "--change", "removed"]) == 0
    quads = list(ox.parse(capsys.readouterr().out, format=ox.RdfFormat.N_QUADS))
    assert [q.object.value for q in quads] == ["Socioeconomic disparities"]
    assert main(["diff", "1", "9", *var]) == 2
    assert "there is no release 9" in capsys.readouterr().err


# --- over HTTP -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(history_server: LiveServer) -> LiveServer:
    return history_server


def get(server: LiveServer, path: str, headers: dict[str, str] | None = None
        ) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One GET, sending ``path`` exactly as written (no normalisation, no redirects)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def test_http_lists_releases_as_html_and_json(server, history: History):
    status, headers, body = get(server, "/releases/", {"Accept": "text/html"})
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert 'href="/releases/1/"' in page and 'href="/releases/2/"' in page
    assert 'href="/releases/1/diff/2"' in page and "Utgåvor" in page
    _, _, body = get(server, "/releases/", {"Accept": "text/html", "Accept-Language": "en"})
    assert "<h1>Releases</h1>" in body.decode()
    status, headers, body = get(server, "/releases/", {"Accept": "application/json"})
    data = json.loads(body)
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert data["latest"] == 2 and [r["number"] for r in data["releases"]] == [2, 1]
    assert data["releases"][1]["files"]["segraph.nq.gz"]["url"] == \
        f"{server.url}/releases/1/segraph.nq.gz"
    assert data["releases"][1]["content"] == history.first.content
    _, _, again = get(server, "/releases/?format=json", {"Accept": "text/html"})
    assert json.loads(again) == data


def test_http_latest_redirects(server):
    status, headers, _ = get(server, "/releases/latest")
    assert status == 302 and headers["Location"] == "/releases/2/"
    status, headers, _ = get(server, "/releases/latest/SHA256SUMS")
    assert status == 302 and headers["Location"] == "/releases/2/SHA256SUMS"


def test_http_release_page(server, history: History):
    release = get_release(history.paths, 1)
    status, headers, body = get(server, "/releases/1/", {"Accept": "text/html"})
    page = body.decode()
    assert status == 200 and headers["Content-Language"] == "sv"
    assert f"segraph, utgåva 1 ({release.date}), https://w3id.org/segraph/releases/1/, " \
           "CC BY 4.0" in page
    assert release.date in page and release.version in page
    for name, info in release.files.items():
        assert f'href="/releases/1/{name}"' in page and info["sha256"] in page
    for name, count in release.graphs.items():
        assert re.search(rf"<td>{re.escape(name)}</td><td class=\"num\">"
                         rf"{format(count, ',').replace(',', chr(160))}</td>", page), name
    _, _, body = get(server, "/releases/1/?lang=en", {"Accept": "text/html"})
    assert f"segraph, release 1 ({release.date})" in body.decode()
    _, _, body = get(server, "/releases/1/", {"Accept": "application/json"})
    assert json.loads(body)["files"]["segraph.ttl.gz"]["sha256"] == \
        release.files["segraph.ttl.gz"]["sha256"]


def test_http_files_are_exact_immutable_and_gzip(server, history: History):
    release = get_release(history.paths, 2)
    for name, info in release.files.items():
        status, headers, body = get(server, f"/releases/2/{name}", {"Accept-Encoding": "gzip"})
        assert status == 200, name
        assert body == (release.directory / name).read_bytes()
        assert headers["Content-Type"] == "application/gzip"
        assert "Content-Encoding" not in headers
        assert headers["Content-Length"] == str(info["bytes"])
        assert headers["ETag"] == f'"{info["sha256"]}"'
        assert "immutable" in headers["Cache-Control"]
        assert headers["Content-Disposition"] == f"attachment; filename={name}"
        status, _, body = get(server, f"/releases/2/{name}", {"If-None-Match": headers["ETag"]})
        assert status == 304 and body == b""
    status, headers, body = get(server, "/releases/2/SHA256SUMS")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert body == (release.directory / "SHA256SUMS").read_bytes()
    status, _, body = get(server, "/releases/2/release.json")
    assert status == 200 and json.loads(body)["number"] == 2


def test_http_diff(server):
    status, headers, body = get(server, "/releases/1/diff/2", {"Accept": "text/html"})
    page = body.decode()
    assert status == 200 and "challenges" in page
    assert "Socioeconomic disparities" in page and "Socio-economic disparities" in page
    status, headers, body = get(server, "/releases/1/diff/2?format=nq")
    assert status == 200 and headers["Content-Type"].startswith("application/n-quads")
    quads = list(ox.parse(body, format=ox.RdfFormat.N_QUADS))
    assert [q.object.value for q in quads] == ["Socioeconomic disparities",
                                               "Socio-economic disparities"]
    status, _, body = get(server, "/releases/1/diff/2", {"Accept": "application/json"})
    assert status == 200 and json.loads(body)["graphs"]["challenges"]["removed"][0].endswith(
        f"{OLD} .")
    status, _, body = get(server, "/releases/2/diff/2?format=json")
    assert status == 200 and json.loads(body)["graphs"] == {}


@pytest.mark.parametrize("path", [
    "/releases/9/", "/releases/0/", "/releases/abc/", "/releases/1/segraph.xml.gz",
    "/releases/1/diff/9", "/releases/9/segraph.nq.gz",
])
def test_http_unknown_releases_and_files_are_404(server, path):
    status, _, body = get(server, path)
    assert status == 404 and b"/releases/" in body, body


@pytest.mark.parametrize("path", [
    "/releases/1/../../build/build-info.json",
    "/releases/1/..%2F..%2Fbuild%2Fbuild-info.json",
    "/releases/1/%2e%2e%2f%2e%2e%2fbuild%2fdumps%2fsegraph.nq",
    "/releases/..%2Fbuild/build-info.json",
    "/releases/1/..",
    "/releases/1/%2e%2e",
])
def test_http_path_traversal_is_refused(server, path):
    status, _, body = get(server, path)
    assert status == 404
    assert b"timings" not in body and b"<https://w3id.org" not in body
