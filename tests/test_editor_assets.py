"""The query editor over plain HTTP: the page, its library files from node_modules, and the
JSON it reads (config, vocabulary, municipality outlines). The browser test is test_editor.py."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from segraph.web.editor import VENDOR, simplify_wkt

PROJECT = Path(__file__).resolve().parents[1]
STATIC = PROJECT / "src" / "segraph" / "web" / "static" / "editor"
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
# Hosts a page must never load from (CDNs) and services the editor must never ask.
OUTSIDE = ("unpkg.com", "jsdelivr", "cdnjs", "googleapis", "gstatic", "lov.linkeddata.es",
           "prefix.cc", "docs.triply.cc")


class Assets(HTMLParser):
    """The URLs a page loads: script src, stylesheet/icon href."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.urls.append(values["src"] or "")
        if tag == "link" and values.get("rel") in ("stylesheet", "icon"):
            self.urls.append(values.get("href") or "")


def page_assets(html: str) -> list[str]:
    parser = Assets()
    parser.feed(html)
    return parser.urls


def page_config(html: str) -> dict:
    match = re.search(r'<script id="seg-config" type="application/json">(.*?)</script>', html,
                      re.S)
    assert match, "the page embeds its configuration"
    return json.loads(match.group(1))


@pytest.mark.parametrize("path", ["/", "/sparql"])
def test_editor_page_loads_everything_from_this_server(live_server, path):
    response = requests.get(live_server.url + path, headers=HTML, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    urls = page_assets(response.text)
    assert any("yasgui.min.js" in u for u in urls) and any("chart.umd.min.js" in u for u in urls)
    for url in urls:
        if url.startswith("data:"):
            continue
        absolute = urljoin(response.url, url)
        assert urlsplit(absolute).netloc == urlsplit(live_server.url).netloc, url
        asset = requests.get(absolute, timeout=10)
        assert asset.status_code == 200, url
    for host in OUTSIDE:
        assert host not in response.text


def test_page_configuration(live_server):
    html = requests.get(live_server.url + "/", headers=HTML, timeout=10).text
    config = page_config(html)
    assert config["endpoint"] == "/sparql"
    assert config["prefixes"]["seg"] == "https://w3id.org/segraph/ontology#"
    assert "PREFIX seg: <https://w3id.org/segraph/ontology#>" in config["newQuery"]
    assert config["maxRows"] == 1000
    names = {q["name"]: q for q in config["queries"]}
    network = names["network-municipalities"]
    assert network["title"]["sv"].startswith("Kommunerna i SKR")
    assert network["title"]["en"].startswith("The municipalities")
    assert "seg:DevelopmentNetwork" in network["text"]
    assert len(names) == len(list((PROJECT / "queries").glob("*.rq")))
    same = requests.get(live_server.url + "/editor/config.json", timeout=10).json()
    assert same["queries"] == config["queries"]


def test_language_from_accept_language(live_server):
    sv = requests.get(live_server.url + "/", headers={**HTML, "Accept-Language": "sv-SE"},
                      timeout=10).text
    en = requests.get(live_server.url + "/", headers={**HTML, "Accept-Language": "en-GB,en"},
                      timeout=10).text
    assert '<html lang="sv">' in sv and page_config(sv)["lang"] == "sv"
    assert '<html lang="en">' in en and page_config(en)["lang"] == "en"


@pytest.mark.parametrize("name", sorted(VENDOR))
def test_vendor_files_are_served_from_node_modules(live_server, name):
    package, inner = VENDOR[name]
    on_disk = (PROJECT / "node_modules" / package / inner).read_bytes()
    plain = requests.get(f"{live_server.url}/editor/vendor/{name}",
                         headers={"Accept-Encoding": "identity"}, timeout=10)
    assert plain.status_code == 200
    assert plain.content == on_disk
    assert "Content-Encoding" not in plain.headers
    zipped = requests.get(f"{live_server.url}/editor/vendor/{name}",
                          headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.content == on_disk  # requests undoes the gzip: compressed once, not twice
    assert int(zipped.headers["Content-Length"]) < len(on_disk) / 2
    assert "Accept-Encoding" in zipped.headers["Vary"]
    again = requests.get(f"{live_server.url}/editor/vendor/{name}",
                         headers={"Accept-Encoding": "gzip",
                                  "If-None-Match": zipped.headers["ETag"]}, timeout=10)
    assert again.status_code == 304


def test_vendor_urls_are_versioned_and_cached(live_server):
    html = requests.get(live_server.url + "/", headers=HTML, timeout=10).text
    version = json.loads((PROJECT / "node_modules/@zazuko/yasgui/package.json").read_text())
    url = next(u for u in page_assets(html) if "yasgui.min.js" in u)
    assert url.endswith(f"?v={version['version']}")
    response = requests.get(live_server.url + url, timeout=10)
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers["Content-Type"].startswith("text/javascript")
    stale = requests.get(live_server.url + "/editor/vendor/yasgui.min.js?v=0.0.0", timeout=10)
    assert "immutable" not in stale.headers["Cache-Control"]


@pytest.mark.parametrize("name", ["package.json", "..%2Fpackage.json", "yasgui.esm.js",
                                  "..%2F..%2Fpyproject.toml"])
def test_only_listed_vendor_files(live_server, name):
    response = requests.get(f"{live_server.url}/editor/vendor/{name}", timeout=10)
    assert response.status_code == 404


def test_vocabulary_lists_the_ontology_terms(live_server):
    response = requests.get(live_server.url + "/editor/vocabulary.json", timeout=10)
    assert response.status_code == 200
    vocabulary = response.json()
    classes = {c["curie"]: c for c in vocabulary["classes"]}
    properties = {p["curie"]: p for p in vocabulary["properties"]}
    assert classes["seg:Municipality"]["iri"] == "https://w3id.org/segraph/ontology#Municipality"
    assert set(classes["seg:Municipality"]["label"]) == {"sv", "en"}
    assert {"seg:SocialEnterprise", "seg:SocietalChallenge", "seg:Agreement"} <= set(classes)
    assert {"seg:inCounty", "seg:participant", "seg:municipalityCode"} <= set(properties)
    assert not set(classes) & set(properties)
    assert vocabulary["prefixes"]["seg"] == "https://w3id.org/segraph/ontology#"
    assert vocabulary["graph"] == "https://w3id.org/segraph/graph/ontology"
    again = requests.get(live_server.url + "/editor/vocabulary.json",
                         headers={"If-None-Match": response.headers["ETag"]}, timeout=10)
    assert again.status_code == 304


def test_municipality_outlines(live_server):
    response = requests.get(live_server.url + "/editor/municipalities.json",
                            headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    features = response.json()["features"]
    assert len(features) == 290
    assert len({f["code"] for f in features}) == 290
    harjedalen = next(f for f in features if f["name"] == "Härjedalen")
    assert harjedalen["code"] == "2361"
    assert all(re.match(r"(MULTI)?POLYGON ?\(", f["wkt"]) for f in features)


def test_simplify_wkt_thins_rings_and_keeps_them_closed():
    ring = ", ".join(f"{x / 1000:.3f} 0" for x in range(0, 101)) + ", 0.1 1, 0 1, 0 0"
    wkt = f"MULTIPOLYGON ((({ring})), ((5 5, 6 5, 6 6, 5 5)))"
    out = simplify_wkt(wkt, 0.02)
    first = re.findall(r"\(([^()]+)\)", out)[0].split(", ")
    assert first[0] == "0.000 0" and first[-1] == "0 0"
    assert len(first) < 15
    assert "((5 5, 6 5, 6 6, 5 5))" in out  # a small ring is kept whole


def test_own_static_files_are_small_and_ask_no_outside_service():
    files = sorted(STATIC.iterdir())
    assert {f.name for f in files} == {"editor.css", "editor.js", "plugins.js", "wkt.js"}
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert len(text) < 60_000, f"{path.name}: our own code, not a bundled library"
        for host in OUTSIDE:
            assert host not in text, f"{path.name} mentions {host}"
        assert not re.search(r"fetch\(\s*[\"'`]https?:", text), path.name


def test_browser_libraries_are_pinned():
    package = json.loads((PROJECT / "package.json").read_text())
    lock = json.loads((PROJECT / "package-lock.json").read_text())
    for name, version in package["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} is pinned exactly"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    assert "@zazuko/yasgui" in package["dependencies"] and "chart.js" in package["dependencies"]
