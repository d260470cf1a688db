"""/ontology and /shapes: generated bilingual documentation, and the RDF by content negotiation.

Checked against the graphs themselves: a section for every class and property of the ontology
(and every node shape), with both labels, anchors that term URIs land on, links that resolve,
and each RDF format parsing to exactly the triples of the served named graph.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.compare import to_isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SH

from segraph.namespaces import SEG, SEGSH, graph_iri

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
FORMATS = [("text/turtle", "ttl", "turtle"), ("application/n-triples", "nt", "nt"),
           ("application/ld+json", "jsonld", "json-ld"), ("application/rdf+xml", "rdf", "xml")]


class Page(HTMLParser):
    """The ids of a page, the text inside each element that has one, and its links."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.text: dict[str, str] = {}
        self.hrefs: list[str] = []
        self.lang = ""
        self._open: list[tuple[str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang") or ""
        if tag == "a" and found.get("href"):
            self.hrefs.append(found["href"] or "")
        if tag in ("br", "meta", "link", "img", "input", "hr"):
            return
        ident = found.get("id")
        if ident:
            self.ids.append(ident)
            self.text[ident] = ""
        self._open.append((tag, ident))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            opened, _ = self._open.pop()
            if opened == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, ident in self._open:
            if ident:
                self.text[ident] += data


def get(server, path: str, **headers: str) -> requests.Response:
    return requests.get(server.url + path, headers=headers, timeout=30)


@pytest.fixture(scope="module")
def served(built) -> dict[str, Graph]:
    """The ontology and shapes named graphs of the build the live server serves."""
    paths, _ = built
    store = ox.Store()
    store.load(path=str(paths.dumps / "segraph.nq"), format=ox.RdfFormat.N_QUADS)
    graphs = {}
    for name in ("ontology", "shapes"):
        graph = Graph()
        body = ox.serialize(store.quads_for_pattern(None, None, None, ox.NamedNode(
            str(graph_iri(name)))), format=ox.RdfFormat.N_QUADS)
        graph.parse(data=body.decode().replace(f" <{graph_iri(name)}> .", " ."), format="nt")
        graphs[name] = graph
    return graphs


def seg_terms(ontology: Graph) -> dict[str, URIRef]:
    found = {}
    for rdf_type in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in ontology.subjects(RDF.type, rdf_type):
            if str(term).startswith(str(SEG)):
                found[str(term)[len(str(SEG)):]] = term
    return found


@pytest.fixture(scope="module")
def pages(live_server) -> dict[tuple[str, str], Page]:
    return {(name, lang): Page(get(live_server, f"/{name}?lang={lang}", Accept=BROWSER).text)
            for name in ("ontology", "shapes") for lang in ("sv", "en")}


# --- the ontology page ---------------------------------------------------------------------------

def test_every_term_has_a_section_with_both_labels(served, pages):
    terms = seg_terms(served["ontology"])
    assert len(terms) > 80
    for lang in ("sv", "en"):
        page = pages[("ontology", lang)]
        assert page.lang == lang
        for name, iri in terms.items():
            assert name in page.ids, f"no section #{name} ({lang})"
            text = page.text[name]
            assert str(iri) in text
            for label in served["ontology"].objects(iri, RDFS.label):
                assert str(label) in text, (name, label)
            comment = next(c for c in served["ontology"].objects(iri, RDFS.comment)
                           if c.language == lang)
            assert str(comment) in text, (name, lang)
        # No other term sections: a section is a term exactly when the ontology says so.
        sections = {i for i in page.ids if not i.startswith("-")}
        assert sections == set(terms)


def test_ids_are_unique_and_internal_links_resolve(pages):
    for (name, lang), page in pages.items():
        assert len(page.ids) == len(set(page.ids)), (name, lang)
        for href in page.hrefs:
            if href.startswith("#"):
                assert href[1:] in page.ids, (name, lang, href)
            for other in ("ontology", "shapes"):
                if href.startswith(f"/{other}#"):
                    target = pages[(other, lang)]
                    assert href.split("#", 1)[1] in target.ids, (name, lang, href)


def test_a_section_shows_hierarchy_domain_range_alignment_and_shapes(live_server):
    html = get(live_server, "/ontology?lang=en", Accept=BROWSER).text
    page = Page(html)
    municipality = page.text["Municipality"]
    for expected in ("Superclasses", "administrative area", "org:FormalOrganization",
                     "Domain of", "in county", "Range of", "seat municipality",
                     "Disjoint with", "MunicipalityShape"):
        assert expected in municipality, expected
    county = page.text["inCounty"]
    assert "Domain" in county and "Range" in county and "geo:sfWithin" in county
    assert "owl:FunctionalProperty" in county
    assert 'href="/shapes#MunicipalityShape"' in html
    assert 'href="http://www.opengis.net/ont/geosparql#sfWithin"' in html  # external link
    overview = page.text["-overview"]
    assert "0.1.0" in overview and "https://w3id.org/segraph/ontology/0.1.0" in overview
    assert "http://www.w3.org/ns/org#" in overview  # an aligned vocabulary
    hierarchy = page.text["-hierarchy"]
    assert hierarchy.index("administrative area") < hierarchy.index("municipality")


def test_language_by_switch_and_accept_language(live_server):
    swedish = get(live_server, "/ontology", Accept=BROWSER)
    assert swedish.headers["Content-Language"] == "sv"
    assert "Klasser" in swedish.text and 'href="?lang=en"' in swedish.text
    english = get(live_server, "/ontology", Accept=BROWSER, **{"Accept-Language": "en-GB,en"})
    assert english.headers["Content-Language"] == "en"
    assert "Classes" in english.text and "Klasser" not in english.text
    assert "Accept-Language" in english.headers["Vary"]
    assert get(live_server, "/shapes?lang=en", Accept=BROWSER,
               **{"Accept-Language": "sv"}).headers["Content-Language"] == "en"


# --- the shapes page -----------------------------------------------------------------------------

def test_shapes_page_lists_every_node_shape_and_property_shape(served, pages):
    shapes = served["shapes"]
    node_shapes = {str(s)[len(str(SEGSH)):] for s in shapes.subjects(RDF.type, SH.NodeShape)}
    property_shapes = {str(s)[len(str(SEGSH)):] for s in shapes.subjects(SH.path, None)}
    assert len(node_shapes) > 20 and len(property_shapes) > 100
    for lang in ("sv", "en"):
        page = pages[("shapes", lang)]
        assert node_shapes <= set(page.ids)
        assert property_shapes <= set(page.ids)
        section = page.text["MunicipalityShape"]
        assert "seg:municipalityCode" in section and "1..1" in section
        for message in shapes.objects(SEGSH["Municipality-inCounty"], SH.message):
            assert str(message) in section  # both languages' messages
        assert "sh:pattern" in section and "^[0-9]{4}$" in section
        assert ("instanser av" if lang == "sv" else "instances of") in section


# --- RDF by content negotiation ------------------------------------------------------------------

@pytest.mark.parametrize("name", ["ontology", "shapes"])
@pytest.mark.parametrize("media_type,ext,fmt", FORMATS)
def test_rdf_by_accept_is_the_served_graph(live_server, served, name, media_type, ext, fmt):
    response = get(live_server, f"/{name}", Accept=media_type)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"
    assert "Accept" in response.headers["Vary"]
    assert response.headers["Content-Location"] == f"/{name}.{ext}"
    graph = Graph().parse(data=response.content, format=fmt)
    assert to_isomorphic(graph) == to_isomorphic(served[name])
    document = get(live_server, f"/{name}.{ext}")
    assert document.status_code == 200 and document.content == response.content


def test_negotiation_defaults_html_document_and_errors(live_server):
    assert get(live_server, "/ontology").headers["Content-Type"].startswith("text/turtle")
    assert get(live_server, "/ontology", Accept="*/*").headers["Content-Type"] \
        .startswith("text/turtle")
    page = get(live_server, "/ontology", Accept=BROWSER)
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert page.headers["Content-Location"] == "/ontology.html"
    assert '</ontology.ttl>; rel="alternate"; type="text/turtle"' in page.headers["Link"]
    assert get(live_server, "/shapes.html").headers["Content-Type"].startswith("text/html")
    assert get(live_server, "/ontology", Accept="image/png").status_code == 406
    assert get(live_server, "/ontology.pdf").status_code == 404
    again = get(live_server, "/ontology.ttl", **{"If-None-Match": page.headers["ETag"]})
    assert again.status_code == 200  # another document, another tag
    cached = get(live_server, "/ontology", Accept=BROWSER,
                 **{"If-None-Match": page.headers["ETag"]})
    assert cached.status_code == 304


def test_version_iri_redirects_to_the_ontology(live_server):
    response = requests.get(live_server.url + "/ontology/0.1.0", allow_redirects=False,
                            timeout=30)
    assert response.status_code == 303 and response.headers["Location"].endswith("/ontology")
    assert get(live_server, "/ontology/9.9.9").status_code == 404


def test_without_a_build_the_docs_come_from_the_project_files(project_dir: Path):
    from segraph.serving import ServedGraph
    from segraph.web import create_app

    app = create_app({"project_dir": str(project_dir)},
                     graph=ServedGraph(store=ox.Store(), version="no-build", sources=[]))
    client = app.test_client()
    turtle = client.get("/ontology.ttl")
    assert turtle.status_code == 200
    files = Graph().parse(project_dir / "ontology" / "segraph.ttl")
    assert to_isomorphic(Graph().parse(data=turtle.data, format="turtle")) == \
        to_isomorphic(files)
    html = client.get("/shapes.html?lang=en").get_data(as_text=True)
    assert "the project&#39;s files" in html and 'id="MunicipalityShape"' in html


# --- in a real browser ---------------------------------------------------------------------------

def test_a_term_uri_lands_on_its_section_in_a_browser(browser, live_server):
    from urllib.parse import urlsplit

    origin = urlsplit(live_server.url).netloc
    outside: list[str] = []

    def route(handle) -> None:
        if urlsplit(handle.request.url).netloc == origin:
            handle.continue_()
        else:
            outside.append(handle.request.url)
            handle.abort()

    context = browser.new_context(locale="en-GB", viewport={"width": 1200, "height": 900})
    try:
        context.set_default_timeout(15_000)
        context.route("**/*", route)
        page = context.new_page()
        page.goto(live_server.url + "/ontology#Municipality")
        where = page.evaluate("""() => {
            const box = document.getElementById('Municipality').getBoundingClientRect();
            return {top: box.top, height: innerHeight, scrolled: scrollY,
                    target: document.querySelector(':target')?.id,
                    heading: document.querySelector('#Municipality h3').textContent};
        }""")
        assert where["target"] == "Municipality"
        assert where["scrolled"] > 0 and 0 <= where["top"] < where["height"] / 2
        assert where["heading"] == "municipality"  # Accept-Language from the locale
        page.click('#Municipality a[href="#inCounty"]')
        page.wait_for_function("location.hash === '#inCounty'")
        top = page.evaluate("document.getElementById('inCounty').getBoundingClientRect().top")
        assert 0 <= top < 450
        page.click("nav.switch a[lang=sv]")
        page.wait_for_url("**/ontology?lang=sv")
        assert page.locator("#Municipality h3").text_content() == "kommun"
        page.click('#Municipality a[href="/shapes#MunicipalityShape"]')
        page.wait_for_url("**/shapes#MunicipalityShape")
        assert page.evaluate("document.querySelector(':target').id") == "MunicipalityShape"
        assert outside == []
    finally:
        context.close()
