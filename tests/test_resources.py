"""/id/…: dereferenceable resource URIs with content negotiation, over real HTTP."""

from __future__ import annotations

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

HELSINGBORG = "https://w3id.org/segraph/id/municipality/1283"


def get(server, path, **headers):
    return requests.get(server.url + path, headers=headers, timeout=30)


@pytest.mark.parametrize("accept,fmt", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"),
    ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml"),
])
def test_machines_get_rdf_by_accept(live_server, accept, fmt):
    response = get(live_server, "/id/municipality/1283", Accept=accept)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{accept}; charset=utf-8"
    assert "Accept" in response.headers["Vary"]
    assert response.headers["Content-Location"].startswith("/id/municipality/1283.")
    graph = Graph().parse(data=response.text, format=fmt)
    assert (URIRef(HELSINGBORG), RDFS.label, None) in graph  # canonical URIs, not this host
    incoming = set(graph.subjects(None, URIRef(HELSINGBORG)))
    assert URIRef("https://w3id.org/segraph/id/project/utvecklingsnatverk-sociala-foretag") \
        in incoming


def test_document_urls_per_format(live_server):
    for ext, media_type in (("ttl", "text/turtle"), ("nt", "application/n-triples"),
                            ("jsonld", "application/ld+json"), ("rdf", "application/rdf+xml"),
                            ("html", "text/html")):
        response = get(live_server, f"/id/municipality/1283.{ext}")
        assert response.status_code == 200, ext
        assert response.headers["Content-Type"].startswith(media_type)


def test_browsers_get_a_page_with_labels_and_links(live_server):
    response = get(live_server, "/id/municipality/1283",
                   Accept="text/html,application/xhtml+xml,*/*;q=0.8",
                   **{"Accept-Language": "en"})
    assert response.status_code == 200
    page = response.text
    assert "<h1>Helsingborg</h1>" in page
    assert 'href="/id/county/12"' in page and "Skåne län" in page  # a label, a local link
    assert 'href="/id/municipality/1283.ttl"' in page
    assert "/sparql?query=" in page
    assert "Properties" in page and "Egenskaper" not in page
    swedish = get(live_server, "/id/municipality/1283?lang=sv", Accept="text/html").text
    assert "Egenskaper" in swedish


def test_text_from_the_data_is_escaped(built, tmp_path):
    from servers import LiveServer

    paths, _ = built
    evil = tmp_path / "evil.ttl"
    evil.write_text('<https://w3id.org/segraph/id/organisation/evil> '
                    '<http://www.w3.org/2000/01/rdf-schema#label> '
                    '"<script>alert(1)</script>"@sv .\n', encoding="utf-8")
    server = LiveServer(paths.var, "--workers", "1", "--rate-limit", "0", "--data", str(evil))
    try:
        page = get(server, "/id/organisation/evil", Accept="text/html").text
    finally:
        server.stop()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def test_unknown_resources_are_404_not_empty(live_server):
    response = get(live_server, "/id/municipality/9999", Accept="text/turtle")
    assert response.status_code == 404 and "no resource" in response.text
    assert get(live_server, "/id/municipality/1283%3E%20x", Accept="text/turtle"
               ).status_code == 404
    assert get(live_server, "/id/municipality/1283", Accept="image/png").status_code == 406


# --- conditional requests from clients that take gzip -------------------------------------------

GZIP_BROWSER = {"Accept": "text/html", "Accept-Encoding": "gzip"}


@pytest.mark.parametrize("path", ["/id/municipality/1283", "/ontology"])
def test_a_gzip_client_gets_304_for_the_etag_it_was_sent(live_server, path):
    first = get(live_server, path, **GZIP_BROWSER)
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "gzip"
    tag = first.headers["ETag"]  # Flask-Compress's form of the tag: "<tag>:gzip"
    again = get(live_server, path, **GZIP_BROWSER, **{"If-None-Match": tag})
    assert again.status_code == 304 and not again.content
    assert again.headers["ETag"] == tag


def test_the_view_itself_answers_304_to_a_compressed_etag(project_dir, monkeypatch):
    """Before the page is made again (Flask-Compress would turn a new page into a 304 too, after
    all the work and the rate limit)."""
    import pyoxigraph as ox

    from segraph.serving import ServedGraph
    from segraph.web import create_app, resources, vocabulary

    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(HELSINGBORG), ox.NamedNode(str(RDFS.label)),
                      ox.Literal("Helsingborg", language="sv")))
    app = create_app({"project_dir": str(project_dir)},
                     graph=ServedGraph(store=store, version="test", sources=[]))
    client = app.test_client()

    def made_again(*args, **kwargs):
        raise AssertionError("the page was made again")

    for path, module, maker in (("/id/municipality/1283", resources, "_page"),
                                ("/ontology", vocabulary, "_html")):
        tag = client.get(path, headers=GZIP_BROWSER).headers["ETag"]
        assert tag.endswith(':gzip"'), path
        with monkeypatch.context() as patched:
            patched.setattr(module, maker, made_again)
            again = client.get(path, headers={**GZIP_BROWSER, "If-None-Match": tag})
        assert again.status_code == 304 and again.headers["ETag"] == tag, path
