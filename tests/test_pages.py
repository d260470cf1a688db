"""Resource pages per kind, retired URIs and the base_uri setting, over real HTTP.

Expected facts come from the data (Helsingborg lies in Skåne, goal 8 has target 8.5) and,
where a page lists many things, from a SPARQL query to the same server, so that a page that
drops or invents an item fails.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import ClassVar

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from segraph.serving import rebase
from segraph.web import maps

ID = "https://w3id.org/segraph/id/"
SEG = "https://w3id.org/segraph/ontology#"
NETWORK = "project/utvecklingsnatverk-sociala-foretag"
HTML = "text/html,application/xhtml+xml,*/*;q=0.8"


# --- reading pages ----------------------------------------------------------------------------

class Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def all(self, tag: str, **attrs: str) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag and all(child.attrs.get(k.rstrip("_")) == v
                                            for k, v in attrs.items()):
                    found.append(child)
                found.extend(child.all(tag, **attrs))
        return found

    def links(self) -> list[tuple[str, str]]:
        return [(a.attrs.get("href", ""), a.text().strip()) for a in self.all("a")]


class Page(HTMLParser):
    """The element tree of a page (the standard library's parser, no third-party one)."""

    VOID: ClassVar[set[str]] = {"meta", "link", "br", "img", "input", "hr", "source", "wbr"}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.node = Node("#document", {}, None)
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.node)
        self.node.children.append(node)
        if tag not in self.VOID:
            self.node = node

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.node.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.node))

    def handle_endtag(self, tag: str) -> None:
        node = self.node
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.node = node.parent

    def handle_data(self, data: str) -> None:
        self.node.children.append(data)

    def h1(self) -> str:
        return self.root.all("h1")[0].text().strip()

    def section(self, heading: str) -> Node:
        """A node holding what follows the ``h2`` that starts with ``heading``, up to the next
        ``h2`` (or, for a ``dt``, up to the next ``dt``)."""
        for tag, stop in (("h2", "h2"), ("dt", "dt")):
            for head in self.root.all(tag):
                if head.text().strip().startswith(heading):
                    siblings = head.parent.children
                    part = Node("#section", {}, None)
                    for child in siblings[siblings.index(head) + 1:]:
                        if isinstance(child, Node) and child.tag == stop:
                            break
                        part.children.append(child)
                    return part
        raise AssertionError(f"no section {heading!r} on the page")

    def areas(self) -> list[dict[str, str]]:
        """Every area of the page's map: its link, CSS class and <title>."""
        svg = self.root.all("svg")
        assert svg, "the page has no map"
        found = []
        for a in svg[0].all("a"):
            path = a.all("path")[0]
            found.append({"href": a.attrs["href"], "class": path.attrs.get("class", ""),
                          "title": path.all("title")[0].text(), "d": path.attrs["d"]})
        return found


def get(server, path: str, lang: str = "sv", **headers: str) -> requests.Response:
    headers = {"Accept": HTML, "Accept-Language": lang, **headers}
    return requests.get(server.url + path, headers=headers, timeout=30, allow_redirects=False)


def page(server, path: str, lang: str = "sv") -> Page:
    response = get(server, path, lang)
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    return Page(response.text)


def select(server, query: str) -> list[dict[str, str]]:
    response = requests.get(server.url + "/sparql", params={"query": query}, timeout=30,
                            headers={"Accept": "application/sparql-results+json"})
    response.raise_for_status()
    return [{k: v["value"] for k, v in row.items()}
            for row in response.json()["results"]["bindings"]]


def local(iri: str) -> str:
    assert iri.startswith(ID)
    return "/id/" + iri[len(ID):]


def count(server, cls: str) -> int:
    return int(select(server, f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a a <{SEG}{cls}> }}"
                      )[0]["n"])


# --- municipality, county, FA region ----------------------------------------------------------

def test_municipality_page_places_it_on_the_map(live_server):
    sv = page(live_server, "/id/municipality/1283")
    assert sv.h1() == "Helsingborg"
    facts = sv.root.all("div", class_="facts")[0]
    assert ("/id/county/12", "Skåne län") in facts.links()
    fa = select(live_server, f"SELECT ?fa ?l WHERE {{ <{ID}municipality/1283> "
                f"<{SEG}inLabourMarketRegion> ?fa . ?fa <{RDFS.label}> ?l }}")[0]
    assert (local(fa["fa"]), fa["l"]) in facts.links()

    areas = sv.areas()
    assert len(areas) == count(live_server, "Municipality") == 290
    assert all(a["href"].startswith("/id/municipality/") and a["title"] for a in areas)
    marked = [a for a in areas if a["class"]]
    assert [(a["href"], a["class"], a["title"]) for a in marked] == \
        [("/id/municipality/1283", "hl", "Helsingborg")]
    assert marked[0]["d"].startswith("M") and marked[0]["d"].endswith("z")
    assert areas[-1] is marked[-1], "the marked area is drawn last, on top"
    assert len({a["href"] for a in areas}) == 290


def test_municipality_page_shows_the_collaboration_set_up(live_server):
    sv = page(live_server, "/id/municipality/1283")
    assert ("/id/unit/example-1283-kommunstyrelsen", "Kommunstyrelsen i Helsingborg (exempel)") \
        in sv.section("Politiskt ansvar").links()
    assert ("/id/unit/example-1283-kommunledningskontoret",
            "Kommunledningskontoret i Helsingborg (exempel)") \
        in sv.section("Ansvar på tjänstepersonsnivå").links()
    structure = sv.section("Intern samverkansstruktur").links()
    assert ("/id/collaboration/example-1283",
            "Samverkansgrupp för sociala företag i Helsingborg (exempel)") in structure
    assert ("/id/operational-area/procurement", "Upphandling") in structure
    policy = sv.section("Styrdokument").links()
    assert "/id/policy/example-1283-policy-sociala-foretag" in dict(policy)
    assert ("/id/sdg/target/8.5", "8.5 Anständiga jobb och lika lön för alla") in policy
    counts = sv.section("Identifierade sociala företag").text()
    assert "2021-01-31" in counts and "27" in counts

    en = page(live_server, "/id/municipality/1283", "en")
    assert ("/id/unit/example-1283-kommunstyrelsen",
            "Helsingborg Municipal Executive Board (example)") \
        in en.section("Political responsibility").links()


def test_municipality_page_lists_its_enterprises_and_agreements(live_server):
    m = f"<{ID}municipality/1283>"
    seated = {local(r["e"]) for r in select(
        live_server, f"SELECT DISTINCT ?e WHERE {{ ?e <{SEG}seatMunicipality> {m} }}")}
    agreements = {local(r["a"]) for r in select(
        live_server, f"SELECT DISTINCT ?a WHERE {{ ?a <{SEG}municipalityParty> {m} }}")}
    assert len(seated) >= 4 and len(agreements) >= 8

    sv = page(live_server, "/id/municipality/1283")
    listed = {href for href, _ in sv.section("Sociala företag med säte här").links()
              if href.startswith("/id/organisation/")}
    assert listed == seated
    table = sv.section("Avtal med sociala företag")
    rows = table.all("tr")[1:]
    assert {r.all("a")[0].attrs["href"] for r in rows} == agreements
    schoolyards = next(r for r in rows if "Skötsel av skolgårdar" in r.text())
    assert "1\u00a0250\u00a0000\u00a0kr" in schoolyards.text()
    assert "2022" in schoolyards.text()

    en = page(live_server, "/id/municipality/1283", "en")
    assert "SEK 1,250,000" in en.section("Agreements with social enterprises").text()


def test_county_and_fa_region_pages(live_server):
    members = {local(r["m"]) for r in select(
        live_server, f"SELECT ?m WHERE {{ ?m <{SEG}inCounty> <{ID}county/12> }}")}
    county = page(live_server, "/id/county/12")
    assert county.h1() == "Skåne län"
    listed = {h for h, _ in county.section("Kommuner i länet").links()}
    assert listed == members and "/id/municipality/1283" in listed
    areas = county.areas()
    assert len(areas) == count(live_server, "County") == 21
    assert [a["href"] for a in areas if a["class"] == "hl"] == ["/id/county/12"]

    region = select(live_server, f"SELECT ?fa WHERE {{ <{ID}municipality/1283> "
                                 f"<{SEG}inLabourMarketRegion> ?fa }}")[0]["fa"]
    members = {local(r["m"]) for r in select(
        live_server, f"SELECT ?m WHERE {{ ?m <{SEG}inLabourMarketRegion> <{region}> }}")}
    fa = page(live_server, local(region), "en")
    listed = {h for h, _ in fa.section("Municipalities in the region").links()
              if h.startswith("/id/municipality/")}
    assert listed == members
    areas = fa.areas()
    assert len(areas) == count(live_server, "LabourMarketRegion")
    assert [a["href"] for a in areas if a["class"] == "hl"] == [local(region)]


# --- challenges and the SDGs ------------------------------------------------------------------

def test_challenge_page_shows_skos_neighbourhood_targets_and_enterprises(live_server):
    c = f"<{ID}challenge/long-term-unemployment>"
    enterprises = {local(r["e"]) for r in select(
        live_server, f"SELECT ?e WHERE {{ ?e <{SEG}addressesChallenge> {c} }}")}
    facing = {local(r["m"]) for r in select(
        live_server, f"SELECT ?m WHERE {{ ?m <{SEG}facesChallenge> {c} }}")}
    assert enterprises and facing

    sv = page(live_server, "/id/challenge/long-term-unemployment")
    assert sv.h1() == "Långtidsarbetslöshet"
    assert sv.section("Bredare begrepp").links() == [("/id/challenge/unemployment",
                                                      "Arbetslöshet")]
    assert ("/id/challenge", "Samhällsutmaningar") in sv.section("Begreppsschema").links()
    targets = sv.section("Delmål i Agenda 2030").links()
    assert ("/id/sdg/target/8.5", "8.5 Anständiga jobb och lika lön för alla") in targets
    assert ("/id/sdg/goal/8", "Mål 8: Anständiga arbetsvillkor och ekonomisk tillväxt") \
        in targets
    listed = {h for h, _ in sv.section("Sociala företag som arbetar med").links()
              if h.startswith("/id/organisation/")}
    assert listed == enterprises
    assert {h for h, _ in sv.section("Kommuner som har identifierat").links()} == facing
    assert {a["href"] for a in sv.areas() if a["class"] == "hl"} == facing

    broad = page(live_server, "/id/challenge/socioeconomic-gaps", "en")
    narrower = dict(broad.section("Narrower").links())
    assert narrower["/id/challenge/unemployment"] == "Unemployment"
    assert {"/id/sdg/target/1.2", "/id/sdg/target/10.1", "/id/sdg/target/10.2"} <= \
        set(dict(broad.section("Agenda 2030 targets").links()))
    assert "a top concept" in broad.section("Broader").text()


def test_goal_page_lists_targets_and_the_challenges_mapped_to_them(live_server):
    targets = {local(r["t"]) for r in select(
        live_server, f"SELECT ?t WHERE {{ ?t <{SEG}targetOfGoal> <{ID}sdg/goal/8> }}")}
    challenges = {local(r["c"]) for r in select(
        live_server, f"SELECT DISTINCT ?c WHERE {{ ?c <{SEG}relatedSDGTarget> ?t . "
                     f"?t <{SEG}targetOfGoal> <{ID}sdg/goal/8> }}")}
    assert len(targets) == 12 and "/id/challenge/unemployment" in challenges

    en = page(live_server, "/id/sdg/goal/8", "en")
    assert en.h1() == "Goal 8: Decent work and economic growth"
    listed = en.section("Targets").links()
    assert {h for h, _ in listed} == targets
    assert ("/id/sdg/target/8.5", "8.5 Decent jobs and equal pay for everyone") in listed
    numbers = [text.split()[0] for _, text in listed]
    assert numbers.index("8.2") < numbers.index("8.10"), "targets in natural order"
    mapped = en.section("Societal challenges mapped to its targets")
    assert {h for h, _ in mapped.links() if h.startswith("/id/challenge/")} == challenges
    unemployment = next(li for li in mapped.all("li") if "Unemployment" in li.text())
    assert "/id/sdg/target/8.5" in dict(unemployment.links())

    sv = page(live_server, "/id/sdg/goal/8")
    assert "/id/sdg/target/8.5" in dict(sv.section("Delmål").links())


def test_target_page_names_goal_indicators_and_challenges(live_server):
    sv = page(live_server, "/id/sdg/target/8.5")
    assert sv.h1() == "8.5 Anständiga jobb och lika lön för alla"
    goal = sv.root.all("div", class_="facts")[0].all("p")[0]
    assert ("/id/sdg/goal/8", "Mål 8: Anständiga arbetsvillkor och ekonomisk tillväxt") \
        in goal.links()
    indicators = select(live_server, f"SELECT ?i WHERE {{ ?i <{SEG}indicatorOfTarget> "
                                     f"<{ID}sdg/target/8.5> }}")
    section = sv.section("Indikatorer")
    assert {h for h, _ in section.links()} == {local(r["i"]) for r in indicators}
    if not indicators:
        assert "sdg-kos" in section.text()
    challenges = {h for h, _ in sv.section("Samhällsutmaningar kopplade").links()}
    assert {"/id/challenge/unemployment", "/id/challenge/long-term-unemployment"} <= challenges


# --- the development network, enterprises, agreements -----------------------------------------

def test_network_page_shows_its_municipalities_documents_and_outcomes(live_server):
    n = f"<{ID}{NETWORK}>"
    participants = {local(r["m"]) for r in select(
        live_server, f"SELECT ?m WHERE {{ {n} <{SEG}participant> ?m }}")}
    outcomes = {local(r["o"]) for r in select(
        live_server, f"SELECT ?o WHERE {{ {n} <{SEG}hasOutcome> ?o }}")}
    assert len(participants) == 12 and len(outcomes) == 8

    sv = page(live_server, f"/id/{NETWORK}")
    assert sv.h1() == "Utvecklingsnätverk sociala företag"
    listed = {h for h, _ in sv.section("Deltagande kommuner").links()
              if h.startswith("/id/municipality/")}
    assert listed == participants
    marked = {a["href"] for a in sv.areas() if a["class"] == "hl"}
    assert marked == participants
    documents = dict(sv.section("Dokument").links())
    assert "/id/document/lardomar-fran-utvecklingsnatverk-sociala-foretag" in documents
    assert "/id/document/film-kommuners-samverkan-med-sociala-foretag" in documents
    assert "/id/document/ny-vag-till-innovativa-valfardslosningar" in documents
    assert {h for h, _ in sv.section("Resultat").links() if h.startswith("/id/outcome/")} \
        == outcomes
    assert "2021–2022" in sv.root.all("div", class_="facts")[0].text()

    en = page(live_server, f"/id/{NETWORK}", "en")
    assert en.h1() == "Development network on social enterprises"
    assert "Most of the network's municipalities decided" in en.section("Recorded outcomes"
                                                                         ).text()


def test_enterprise_and_agreement_pages(live_server):
    sv = page(live_server, "/id/organisation/797425-5502")
    assert sv.h1() == "Kooperativet Gröna Händer (exempel)"
    assert "Påhittade exempeldata" in sv.root.text()
    assert "797425-5502" in sv.section("Organisationsnummer").text()
    assert ("/id/municipality/1283", "Helsingborg") in sv.section("Säte").links()
    areas = {a["href"]: a["class"] for a in sv.areas() if a["class"]}
    assert areas["/id/municipality/1283"] == "hl"
    assert areas["/id/municipality/1282"] == areas["/id/municipality/1292"] == "also"
    assert ("/id/challenge/long-term-unemployment", "Långtidsarbetslöshet") in \
        sv.section("Samhällsutmaningar företaget arbetar med").links()
    rows = sv.section("Avtal med kommuner").all("tr")[1:]
    assert "/id/agreement/example-a001" in {r.all("a")[0].attrs["href"] for r in rows}

    en = page(live_server, "/id/agreement/example-a001", "en")
    assert en.h1() == "Schoolyard maintenance (example)"
    assert en.section("Kind of agreement").links() == [
        ("/id/agreement-kind/reserved-contract", "Reserved contract")]
    assert "SEK 1,250,000" in en.section("Value").text()
    assert "2022" in en.section("Year").text()
    assert ("/id/municipality/1283", "Helsingborg") in en.section("Municipality").links()
    assert "/id/organisation/797425-5502" in dict(en.section("Social enterprise").links())


def test_pages_link_to_rdf_and_to_the_queries_behind_them(live_server):
    response = get(live_server, "/id/challenge/unemployment")
    links = dict(Page(response.text).root.links())
    assert "/id/challenge/unemployment.ttl" in links
    queries = [h for h in links if h.startswith("/sparql?query=")]
    assert len(queries) == 2  # the resource's triples, and the overview
    for href in queries:
        answer = requests.get(live_server.url + href, timeout=30,
                              headers={"Accept": "application/sparql-results+json, text/turtle"})
        assert answer.status_code == 200
        assert int(answer.headers["X-Result-Rows"]) > 0 and "unemployment" in answer.text


def test_page_weight_stays_light(live_server):
    for path in ("/id/municipality/1283", f"/id/{NETWORK}", "/id/challenge/unemployment"):
        response = get(live_server, path, **{"Accept-Encoding": "identity"})
        assert len(response.content) < 120_000, (path, len(response.content))
        zipped = get(live_server, path, **{"Accept-Encoding": "gzip"})
        assert zipped.headers.get("Content-Encoding") == "gzip"


# --- languages and caching --------------------------------------------------------------------

def test_language_by_accept_language_and_a_switch_that_sticks(live_server):
    path = "/id/municipality/1283"
    assert "Samverkan med sociala företag" in get(live_server, path, "sv").text
    english = get(live_server, path, "en-GB,en;q=0.9")
    assert "Collaboration with social enterprises" in english.text
    assert {"Accept", "Accept-Language", "Cookie"} <= \
        {v.strip() for v in english.headers["Vary"].split(",")}
    switch = Page(english.text).root.all("nav", class_="switch")[0].links()
    assert switch == [("?lang=sv", "Svenska"), ("?lang=en", "English")]

    with requests.Session() as browser:
        browser.headers.update({"Accept": HTML, "Accept-Language": "sv"})
        chosen = browser.get(live_server.url + path + "?lang=en", timeout=30)
        assert "Collaboration with social enterprises" in chosen.text
        assert "segraph_lang=en" in chosen.headers["Set-Cookie"]
        later = browser.get(live_server.url + "/id/challenge/unemployment", timeout=30)
        assert "Agenda 2030 targets" in later.text, "the choice is kept across pages"
        back = browser.get(live_server.url + path + "?lang=sv", timeout=30)
        assert "Samverkan med sociala företag" in back.text
        assert "Samhällsutmaningar" in browser.get(
            live_server.url + "/id/challenge/unemployment", timeout=30).text


def test_pages_and_documents_answer_304_when_unchanged(live_server):
    for accept in (HTML, "text/turtle"):
        first = get(live_server, "/id/sdg/goal/8", Accept=accept)
        assert first.status_code == 200 and first.headers["ETag"]
        again = get(live_server, "/id/sdg/goal/8", Accept=accept,
                    **{"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and not again.content
    sv, en = get(live_server, "/id/sdg/goal/8", "sv"), get(live_server, "/id/sdg/goal/8", "en")
    assert sv.headers["ETag"] != en.headers["ETag"]


def test_404_still_answers_for_unknown_resources(live_server):
    for accept in (HTML, "text/turtle"):
        response = get(live_server, "/id/challenge/no-such-challenge", Accept=accept)
        assert response.status_code == 404, accept


# --- retired URIs and hostile text ------------------------------------------------------------

HOSTILE = """
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix seg: <https://w3id.org/segraph/ontology#> .
@prefix id: <https://w3id.org/segraph/id/> .

id:challenge\\/jobless a seg:SocietalChallenge ;
    skos:prefLabel "Utan jobb (utgången)"@sv ;
    owl:deprecated true ;
    dcterms:isReplacedBy id:challenge\\/unemployment .
id:organisation\\/closed a seg:SocialEnterprise ;
    rdfs:label "Nedlagt företag"@sv ;
    owl:deprecated true .
id:organisation\\/still-here rdfs:label "Inte utgånget"@sv ; owl:deprecated false .

id:municipality\\/1283 skos:prefLabel "<script>alert('map')</script>"@en .
id:organisation\\/evil a seg:SocialEnterprise ;
    rdfs:label "<b onmouseover=alert(1)>evil</b>"@sv ;
    dcterms:description "<script>alert('description')</script>"@sv ;
    seg:seatMunicipality id:municipality\\/1283 ;
    seg:addressesChallenge id:challenge\\/unemployment .
"""


@pytest.fixture(scope="module")
def odd_server(built, tmp_path_factory):
    """A server with a few retired resources and hostile labels beside the built graph."""
    from servers import LiveServer

    paths, _ = built
    data = tmp_path_factory.mktemp("odd") / "odd.ttl"
    data.write_text(HOSTILE, encoding="utf-8")
    server = LiveServer(paths.var, "--workers", "1", "--rate-limit", "0", "--data", str(data))
    yield server
    server.stop()


def test_a_retired_resource_with_a_replacement_redirects(odd_server):
    for accept, suffix in ((HTML, ""), ("text/turtle", ""), (HTML, ".ttl"), (HTML, ".html")):
        response = get(odd_server, f"/id/challenge/jobless{suffix}", Accept=accept)
        assert response.status_code == 301, (accept, suffix)
        assert response.headers["Location"].endswith(f"/id/challenge/unemployment{suffix}")
    followed = requests.get(odd_server.url + "/id/challenge/jobless", timeout=30,
                            headers={"Accept": HTML})
    assert followed.status_code == 200 and "<h1>Arbetslöshet</h1>" in followed.text


def test_a_retired_resource_without_one_is_gone(odd_server):
    rdf = get(odd_server, "/id/organisation/closed", Accept="text/turtle")
    assert rdf.status_code == 410 and "retired" in rdf.text
    assert get(odd_server, "/id/organisation/closed.nt").status_code == 410
    html = get(odd_server, "/id/organisation/closed")
    assert html.status_code == 410
    shown = Page(html.text)
    assert shown.h1() == "Nedlagt företag"
    assert "utgången" in shown.root.all("p", class_="banner retired")[0].text()
    assert get(odd_server, "/id/organisation/still-here").status_code == 200
    assert get(odd_server, "/id/organisation/still-here", Accept="text/turtle"
               ).status_code == 200


def test_text_from_the_data_is_escaped_on_every_kind_of_page(odd_server):
    for path, lang in (("/id/municipality/1283", "en"), ("/id/municipality/1283", "sv"),
                       ("/id/organisation/evil", "sv"), ("/id/challenge/unemployment", "sv"),
                       (f"/id/{NETWORK}", "en")):
        text = get(odd_server, path, lang).text
        assert "<script>alert" not in text and "<b onmouseover" not in text, path
    en = get(odd_server, "/id/municipality/1283", "en").text
    assert "<h1>&lt;script&gt;alert(&#39;map&#39;)&lt;/script&gt;</h1>" in en
    assert "<title>&lt;script&gt;alert(&#39;map&#39;)&lt;/script&gt;</title>" in en  # the map
    evil = Page(get(odd_server, "/id/organisation/evil").text)
    assert evil.h1() == "<b onmouseover=alert(1)>evil</b>"  # shown as text, not markup
    assert "<script>alert('description')</script>" in evil.root.all("div", class_="facts")[0
                                                                                           ].text()


# --- base_uri -----------------------------------------------------------------------------------

OTHER_BASE = "http://segraph.test/data/"


@pytest.fixture(scope="module")
def rebased_server(built):
    """A server configured (by its environment) with another base URI."""
    from servers import LiveServer

    paths, _ = built
    server = LiveServer(paths.var, "--workers", "1", "--rate-limit", "0",
                        env={"SEGRAPH_BASE_URI": OTHER_BASE})
    yield server
    server.stop()


def test_another_base_uri_is_served_on_this_host(rebased_server):
    me = URIRef(OTHER_BASE + "id/municipality/1283")
    turtle = get(rebased_server, "/id/municipality/1283", Accept="text/turtle")
    assert turtle.status_code == 200
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert (me, RDFS.label, None) in graph
    assert (me, RDF.type, URIRef(SEG + "Municipality")) in graph  # the vocabulary stays
    terms = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    assert not [t for t in terms if t.startswith(ID)], "every resource URI is rebased"
    assert URIRef(OTHER_BASE + "id/county/12") in set(graph.objects(me, None))

    shown = Page(get(rebased_server, "/id/municipality/1283").text)
    assert shown.root.all("p", class_="iri")[0].text() == str(me)
    facts = shown.root.all("div", class_="facts")[0]
    assert ("/id/county/12", "Skåne län") in facts.links()  # links stay on this host
    assert [a["href"] for a in shown.areas() if a["class"] == "hl"] == \
        ["/id/municipality/1283"]
    assert select(rebased_server, f"SELECT ?p WHERE {{ <{me}> ?p ?o }} LIMIT 1")
    assert not select(rebased_server, f"SELECT ?p WHERE {{ <{ID}municipality/1283> ?p ?o }}")
    assert get(rebased_server, "/id/municipality/9999", Accept="text/turtle"
               ).status_code == 404


def test_rebase_moves_resources_and_iri_strings_only():
    store = ox.Store()
    old, seg = ox.NamedNode(ID + "county/12"), ox.NamedNode(SEG + "County")
    graph = ox.NamedNode("https://w3id.org/segraph/graph/admin-units")
    store.add(ox.Quad(old, ox.NamedNode(str(RDF.type)), seg, graph))
    store.add(ox.Quad(old, ox.NamedNode("http://rdfs.org/ns/void#uriSpace"), ox.Literal(ID),
                      graph))
    store.add(ox.Quad(old, ox.NamedNode(str(RDFS.label)), ox.Literal(ID, language="sv"),
                      graph))
    moved = {(q.subject, q.predicate.value, q.object, q.graph_name)
             for q in rebase(store, OTHER_BASE)}
    new = ox.NamedNode(OTHER_BASE + "id/county/12")
    assert moved == {(new, str(RDF.type), seg, graph),
                     (new, "http://rdfs.org/ns/void#uriSpace", ox.Literal(OTHER_BASE + "id/"),
                      graph),
                     (new, str(RDFS.label), ox.Literal(ID, language="sv"), graph)}
    with pytest.raises(ValueError, match="must end with"):
        rebase(store, "http://segraph.test/data")


# --- the map code -------------------------------------------------------------------------------

def test_wkt_rings_are_read_with_their_holes():
    rings = maps.parse_rings("MULTIPOLYGON (((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 2 1, 2 2, 1 1)),"
                             " ((10 10, 11 10, 11 11, 10 10)))")
    assert [len(r) for r in rings] == [5, 4, 4]
    assert rings[1][0] == (1.0, 1.0)
    assert maps.parse_point("POINT (17.92 59.52)") == (17.92, 59.52)


def test_douglas_peucker_keeps_what_matters():
    line = [(0.0, 0.0), (1.0, 0.1), (2.0, -0.1), (3.0, 5.0), (4.0, 0.0), (5.0, 0.0)]
    assert maps.simplify(line, 0.5) == [(0.0, 0.0), (2.0, -0.1), (3.0, 5.0), (4.0, 0.0),
                                        (5.0, 0.0)]
    assert maps.simplify(line, 10) == [(0.0, 0.0), (5.0, 0.0)]


def test_path_data_is_compact_and_closed():
    d = maps.path_data([[(10.4, 20.0), (15.0, 20.2), (15.0, 10.0), (10.0, 20.0)]])
    assert d == "M10 20l5 0 0-10z"
    assert maps.path_data([[(0, 0), (0.2, 0.1), (0.0, 0.0)]]) == ""  # a speck is left out


def test_the_projection_keeps_sweden_upright_and_narrow():
    layer = maps.build_layer("county", [
        {"area": "a", "wkt": "POLYGON ((11 55, 24 55, 24 69, 11 69, 11 55))", "sv": "A"}])
    assert layer.height == maps.HEIGHT
    assert 0.4 < layer.width / layer.height < 0.5  # cos(62°) · 13° / 14°
    (area,) = layer.areas
    assert area.d.startswith("M0 6000l") and area.label("en") == "A"
