"""VoID (/.well-known/void) and DCAT-AP (/catalog): statistics checked against SPARQL counts on
the served graph, distributions checked against the release files, and the catalogue validated
against SEMIC's official DCAT-AP SHACL shapes (read from ../shared when present)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import rdflib.namespace
import requests
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, SH, SKOS, VOID

from segraph.catalogue import SPDX, VCARD, catalogue_graph
from segraph.releases import list_releases
from segraph.settings import load_settings
from segraph.validation import Report, validate_graph

# plain namespaces: pytest's collection probes module globals, which rdflib's closed
# DCAT and XSD namespaces answer with a warning
DCAT = Namespace(str(rdflib.namespace.DCAT))
XSD = Namespace(str(rdflib.namespace.XSD))
BASE = "https://w3id.org/segraph/"
DATASET = URIRef(BASE + "dataset")
CATALOG = URIRef(BASE + "catalog")
SPARQL = URIRef(BASE + "sparql")
UN = "http://metadata.un.org/"
SEMIC = Path(__file__).resolve().parents[2] / "shared" / "conformance" / "dcat-ap-shacl"
SYNTAXES = [("text/turtle", "turtle"), ("application/n-triples", "nt"),
            ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")]


def get(server, path, **headers):
    return requests.get(server.url + path, headers=headers, timeout=60)


def rdf(server, path) -> Graph:
    response = get(server, path, Accept="text/turtle")
    assert response.status_code == 200, response.text
    return Graph().parse(data=response.text, format="turtle")


def count(server, query: str) -> int:
    """One number, counted by the server's own SPARQL endpoint."""
    response = requests.post(server.url + "/sparql", data={"query": query}, timeout=60,
                             headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    row = response.json()["results"]["bindings"][0]
    return int(next(iter(row.values()))["value"])


def value(graph: Graph, subject, predicate) -> int:
    found = list(graph.objects(subject, predicate))
    assert len(found) == 1, (subject, predicate, found)
    return int(found[0])


@pytest.fixture(scope="module")
def void(live_server) -> Graph:
    return rdf(live_server, "/.well-known/void")


@pytest.fixture(scope="module")
def catalog(live_server) -> Graph:
    return rdf(live_server, "/catalog")


# --- VoID ----------------------------------------------------------------------------------

ALL = "{ SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"


def test_void_statistics_equal_sparql_counts(live_server, void):
    expected = {
        VOID.triples: f"SELECT (COUNT(*) AS ?n) WHERE {ALL}",
        VOID.distinctSubjects: f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {ALL}",
        VOID.distinctObjects: f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {ALL}",
        VOID.properties: f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {ALL}",
        VOID.classes: "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { GRAPH ?g { ?s a ?c } }",
        VOID.entities: f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
                           FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{BASE}id/")) }}""",
    }
    for predicate, query in expected.items():
        assert value(void, DATASET, predicate) == count(live_server, query), predicate
    assert value(void, DATASET, VOID.triples) > 10000
    assert str(void.value(DATASET, VOID.uriSpace)) == BASE + "id/"


def test_void_has_one_subset_per_named_graph_with_its_own_counts(live_server, void):
    response = requests.post(live_server.url + "/sparql", timeout=60, data={
        "query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"},
        headers={"Accept": "application/sparql-results+json"})
    per_graph = {row["g"]["value"]: int(row["n"]["value"])
                 for row in response.json()["results"]["bindings"]}
    assert len(per_graph) >= 10 and BASE + "graph/metadata" in per_graph
    subsets = {s for s in void.objects(DATASET, VOID.subset)
               if (s, RDF.type, VOID.Linkset) not in void}
    assert {str(s) for s in subsets} == set(per_graph)
    for graph, triples in per_graph.items():
        assert value(void, URIRef(graph), VOID.triples) == triples, graph
        assert {t.language for t in void.objects(URIRef(graph), DCTERMS.title)} >= {"en"}
    # the build's provenance of a graph is kept (titles in both languages, the licence)
    admin = URIRef(BASE + "graph/admin-units")
    assert {t.language for t in void.objects(admin, DCTERMS.title)} == {"sv", "en"}
    assert (admin, DCTERMS.license, None) in void


def test_class_and_property_partitions(live_server, void):
    partitions = {void.value(p, VOID["class"]): p
                  for p in void.objects(DATASET, VOID.classPartition)}
    municipality = partitions[URIRef(BASE + "ontology#Municipality")]
    assert value(void, municipality, VOID.entities) == count(live_server, """
        SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { GRAPH ?g {
          ?m a <https://w3id.org/segraph/ontology#Municipality> } }""") == 290
    assert len(partitions) == value(void, DATASET, VOID.classes)
    properties = {void.value(p, VOID.property): p
                  for p in void.objects(DATASET, VOID.propertyPartition)}
    assert len(properties) == value(void, DATASET, VOID.properties)
    label = properties[URIRef("http://www.w3.org/2000/01/rdf-schema#label")]
    assert value(void, label, VOID.triples) == count(live_server, """
        SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?o WHERE { GRAPH ?g {
          ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o } } }""")


def test_linkset_counts_the_exact_match_links_to_the_un_sdg_kos(live_server, void):
    linksets = list(void.subjects(RDF.type, VOID.Linkset))
    assert len(linksets) == 1
    linkset = linksets[0]
    assert (DATASET, VOID.subset, linkset) in void
    assert void.value(linkset, VOID.linkPredicate) == SKOS.exactMatch
    targets = set(void.objects(linkset, VOID.target))
    assert DATASET in targets and URIRef("http://metadata.un.org/sdg") in targets
    links = count(live_server, f"""
        SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{ GRAPH ?g {{
          ?s <http://www.w3.org/2004/02/skos/core#exactMatch> ?o }}
          FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{UN}")) }} }}""")
    assert value(void, linkset, VOID.triples) == links >= 17 + 169  # every goal and target


def test_void_names_endpoint_examples_dumps_vocabularies_and_licence(live_server, void, built):
    paths, _ = built
    latest = list_releases(paths)[-1]
    assert void.value(DATASET, VOID.sparqlEndpoint) == SPARQL
    examples = set(void.objects(DATASET, VOID.exampleResource))
    assert {URIRef(BASE + "id/municipality/1283"), URIRef(BASE + "id/sdg/goal/8"),
            URIRef(BASE + "id/challenge/long-term-unemployment")} <= examples
    for example in examples:  # each example dereferences on this server
        assert get(live_server, example[len(BASE) - 1:],
                   Accept="text/turtle").status_code == 200
    dumps = {str(d) for d in void.objects(DATASET, VOID.dataDump)}
    assert dumps == {f"{BASE}releases/{latest.number}/{name}" for name in latest.files}
    vocabularies = set(void.objects(DATASET, VOID.vocabulary))
    assert {URIRef(BASE + "ontology#"), URIRef(str(SKOS))} <= vocabularies
    assert void.value(DATASET, DCTERMS.license) == \
        URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert void.value(DATASET, DCTERMS.modified) == Literal(latest.issued,
                                                            datatype=XSD.dateTime)


# --- content negotiation, over HTTP -------------------------------------------------------


@pytest.mark.parametrize("path", ["/.well-known/void", "/catalog"])
def test_content_negotiation(live_server, path):
    sizes = set()
    for accept, fmt in SYNTAXES:
        response = get(live_server, path, Accept=accept)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == f"{accept}; charset=utf-8"
        assert "Accept" in response.headers["Vary"]
        sizes.add(len(Graph().parse(data=response.text, format=fmt)))
    assert len(sizes) == 1 and sizes.pop() > 100  # the same triples in every syntax
    default = get(live_server, path)
    assert default.headers["Content-Type"].startswith("text/turtle")
    assert get(live_server, path + "?format=nt").headers["Content-Type"].startswith(
        "application/n-triples")
    page = get(live_server, path, Accept="text/html,application/xhtml+xml,*/*;q=0.8",
               **{"Accept-Language": "en"})
    assert page.headers["Content-Type"].startswith("text/html")
    assert "segraph – knowledge graph of the Swedish social economy" in page.text
    swedish = get(live_server, path + "?lang=sv", Accept="text/html").text
    assert "kunskapsgraf över den sociala ekonomin" in swedish
    assert get(live_server, path, Accept="image/png").status_code == 406
    tag = default.headers["ETag"]
    assert get(live_server, path, **{"If-None-Match": tag}).status_code == 304


def test_void_page_shows_the_counts(live_server, void):
    page = get(live_server, "/.well-known/void?format=html&lang=en").text
    assert f'<td class="num">{value(void, DATASET, VOID.triples)}</td>' in page
    assert "skos:exactMatch" in page and 'href="/id/municipality/1283"' in page


def test_dataset_iri_and_front_page_point_at_the_descriptions(live_server):
    response = requests.get(live_server.url + "/dataset", allow_redirects=False, timeout=30)
    assert response.status_code == 303 and response.headers["Location"].endswith("/catalog")
    front = get(live_server, "/", Accept="text/html")
    assert '</catalog>; rel="describedby"' in front.headers["Link"]
    assert '</.well-known/void>; rel="describedby"' in front.headers["Link"]
    assert get(live_server, "/catalog?profile=1.0").status_code == 400


# --- DCAT-AP content ------------------------------------------------------------------------


def test_catalogue_dataset_and_service(catalog):
    assert (CATALOG, RDF.type, DCAT.Catalog) in catalog
    assert (CATALOG, DCAT.dataset, DATASET) in catalog
    for node in (CATALOG, DATASET):
        for predicate in (DCTERMS.title, DCTERMS.description):
            assert {t.language for t in catalog.objects(node, predicate)} == {"sv", "en"}
    publisher = catalog.value(CATALOG, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in catalog
    assert str(catalog.value(publisher, FOAF.name)) == "segraph"
    eu = "http://publications.europa.eu/resource/authority/"
    assert set(catalog.objects(CATALOG, DCTERMS.language)) == \
        {URIRef(eu + "language/SWE"), URIRef(eu + "language/ENG")}
    assert URIRef(eu + "data-theme/SOCI") in set(catalog.objects(DATASET, DCAT.theme))
    assert catalog.value(DATASET, DCTERMS.spatial) == URIRef(eu + "country/SWE")
    contact = catalog.value(DATASET, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in catalog and (contact, VCARD.hasURL, None) in catalog
    service = catalog.value(CATALOG, DCAT.service)
    assert (service, RDF.type, DCAT.DataService) in catalog
    assert catalog.value(service, DCAT.endpointURL) == SPARQL
    assert catalog.value(service, DCAT.servesDataset) == DATASET
    assert catalog.value(service, DCTERMS.conformsTo) == \
        URIRef("https://www.w3.org/TR/sparql11-protocol/")
    via_service = [d for d in catalog.objects(DATASET, DCAT.distribution)
                   if catalog.value(d, DCAT.accessService) == service]
    assert len(via_service) == 1


def test_one_distribution_per_dump_matching_the_downloaded_file(live_server, catalog, built):
    paths, _ = built
    latest = list_releases(paths)[-1]
    assert str(catalog.value(DATASET, DCAT.version)) == str(latest.number)
    assert catalog.value(DATASET, DCTERMS.issued) == Literal(latest.issued,
                                                             datatype=XSD.dateTime)
    downloads = {}
    for dist in catalog.objects(DATASET, DCAT.distribution):
        url = catalog.value(dist, DCAT.downloadURL)
        if url is not None:
            downloads[str(url)] = dist
    assert set(downloads) == {f"{BASE}releases/{latest.number}/{name}" for name in latest.files}
    for url, dist in downloads.items():
        body = get(live_server, url[len(BASE) - 1:]).content  # the file, as served here
        size = catalog.value(dist, DCAT.byteSize)
        assert size.datatype == XSD.nonNegativeInteger and int(size) == len(body)
        checksum = catalog.value(dist, SPDX.checksum)
        assert catalog.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(catalog.value(checksum, SPDX.checksumValue)) == \
            hashlib.sha256(body).hexdigest()
        media_type = latest.files[url.rsplit("/", 1)[1]]["media_type"]
        assert catalog.value(dist, DCAT.mediaType) == \
            URIRef("https://www.iana.org/assignments/media-types/" + media_type)
        assert catalog.value(dist, DCAT.compressFormat) == \
            URIRef("https://www.iana.org/assignments/media-types/application/gzip")
        assert str(catalog.value(dist, DCTERMS.format)).startswith(
            "http://publications.europa.eu/resource/authority/file-type/")
        assert catalog.value(dist, DCTERMS.license) == \
            URIRef("https://creativecommons.org/licenses/by/4.0/")


def test_settings_name_publisher_and_contact():
    settings = load_settings({"publisher_name": "Exempelkommunen",
                              "publisher_type": "LocalAuthority",
                              "contact_email": "data@example.org"}, environ={})
    graph = catalogue_graph([], settings, modified="2026-01-02T03:04:05Z")
    publisher = graph.value(CATALOG, DCTERMS.publisher)
    assert str(graph.value(publisher, FOAF.name)) == "Exempelkommunen"
    assert graph.value(publisher, DCTERMS.type) == \
        URIRef("http://purl.org/adms/publishertype/LocalAuthority")
    contact = graph.value(DATASET, DCAT.contactPoint)
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:data@example.org")
    assert (DATASET, DCAT.distribution, None) in graph  # the SPARQL endpoint, at least
    with pytest.raises(ValueError, match="ADMS publisher type"):
        catalogue_graph([], {**settings, "publisher_type": "Kommun"})


# --- SEMIC's DCAT-AP shapes ---------------------------------------------------------------


def shapes(*files: str) -> Graph:
    """SEMIC's shape files; a ``sh:property`` that names an undefined shape is dropped (the
    3.0.1 all-in-one file lists one for dcat:DataService that it never defines)."""
    if not SEMIC.is_dir():
        pytest.skip("../shared/conformance/dcat-ap-shacl is not present beside the repository")
    graph = Graph()
    for name in files:
        graph.parse(SEMIC / name)
    for shape, prop in list(graph.subject_objects(SH.property)):
        if (prop, None, None) not in graph:
            graph.remove((shape, SH.property, prop))
    return graph


def results(report: Report) -> list[tuple[str, str, str]]:
    """(severity, focus, path) of each top-level result (not the details of sh:node)."""
    graph = report.results_graph
    found = []
    for top in graph.subjects(RDF.type, SH.ValidationReport):
        for result in graph.objects(top, SH.result):
            found.append((str(graph.value(result, SH.resultSeverity)).rsplit("#")[-1],
                          str(graph.value(result, SH.focusNode)),
                          str(graph.value(result, SH.resultPath))))
    return sorted(found)


CORE = {
    "3.0": [("3.0.1/shacl/dcat-ap-SHACL.ttl", "3.0.1/shacl/ranges.ttl"),
            ("3.0.1/html/shacl/shapes.ttl", "3.0.1/html/shacl/range.ttl"),
            ("3.0.1/html/shacl/deprecateduris.ttl",)],
    "2.1.1": [("2.1.1/dcat-ap_2.1.1_shacl_shapes.ttl", "2.1.1/dcat-ap_2.1.1_shacl_range.ttl"),
              ("2.1.1/dcat-ap_2.1.1_shacl_deprecateduris.ttl",)],
}
RECOMMENDED = {"3.0": "3.0.1/html/shacl/shapes_recommended.ttl",
               "2.1.1": "2.1.1/dcat-ap_2.1.1_shacl_shapes_recommended.ttl"}
MDR = {"3.0": "3.0.1/html/shacl/mdr-vocabularies.shape.ttl",
       "2.1.1": "2.1.1/dcat-ap_2.1.1_shacl_mdr-vocabularies.shape.ttl"}
# DCAT-AP-SE's additions to DCAT-AP 3.0 (DIGG publishes no SHACL; restated here).
DCAT_AP_SE = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
[] a sh:NodeShape ; sh:targetClass dcat:Dataset ; sh:property [ sh:path dct:publisher ;
   sh:minCount 1 ] .
[] a sh:NodeShape ; sh:targetClass dcat:Catalog ; sh:property [ sh:path dct:license ;
   sh:minCount 1 ] .
[] a sh:NodeShape ; sh:targetClass foaf:Agent ; sh:property [ sh:path dct:type ;
   sh:minCount 1 ] .
"""


@pytest.fixture(scope="module")
def served(live_server) -> dict[str, Graph]:
    return {"3.0": rdf(live_server, "/catalog"),
            "2.1.1": rdf(live_server, "/catalog?profile=2.1.1")}


def without_release(profile: str) -> Graph:
    return catalogue_graph([], load_settings(environ={}), modified="2026-01-02T03:04:05Z",
                           profile=profile)


@pytest.mark.parametrize("profile", ["3.0", "2.1.1"])
def test_the_catalogue_conforms_to_the_dcat_ap_shapes(served, profile):
    for files in CORE[profile]:
        for data in (served[profile], without_release(profile)):
            report = validate_graph(data, shapes(*files), engine="pyshacl")
            assert report.conforms and not report.violations, (files, report.to_text())


@pytest.mark.parametrize("profile", ["3.0", "2.1.1"])
def test_recommended_properties(served, profile):
    """Warnings only, and only dct:temporal, which this dataset has no honest value for."""
    report = validate_graph(served[profile], shapes(RECOMMENDED[profile]), engine="pyshacl")
    assert results(report) == [("Warning", str(DATASET), str(DCTERMS.temporal))]


@pytest.mark.parametrize("profile", ["3.0", "2.1.1"])
def test_controlled_vocabularies(served, profile):
    """EU authority-table values are stated with their scheme, so SEMIC's vocabulary shapes can
    check them. What is left: the publisher is not an EU corporate body (a warning), and 3.0.1
    expects SPDX algorithms under https://spdx.org/… while the SPDX namespace (and DCAT-AP's
    own shapes) use http://spdx.org/… (an upstream defect)."""
    report = validate_graph(served[profile], shapes(MDR[profile]), engine="pyshacl")
    publisher_warnings = {("Warning", str(node), str(DCTERMS.publisher))
                          for node in (CATALOG, DATASET, BASE + "catalog#sparql")}
    spdx = ("Violation", str(SPDX.algorithm))
    left = [r for r in results(report) if r not in publisher_warnings and (r[0], r[2]) != spdx]
    assert left == []
    if profile == "2.1.1":
        assert report.conforms


def test_dcat_ap_se_additions(served):
    shapes_graph = Graph().parse(data=DCAT_AP_SE, format="turtle")
    report = validate_graph(served["3.0"], shapes_graph, engine="pyshacl")
    assert report.conforms, report.to_text()
    bare = served["3.0"] - Graph()
    bare.remove((CATALOG, DCTERMS.license, None))
    assert not validate_graph(bare, shapes_graph, engine="pyshacl").conforms


@pytest.mark.parametrize("profile", ["3.0", "2.1.1"])
def test_a_dataset_without_title_is_caught(served, profile):
    broken = served[profile] - Graph()
    broken.remove((DATASET, DCTERMS.title, None))
    report = validate_graph(broken, shapes(*CORE[profile][0]), engine="pyshacl")
    assert not report.conforms
    assert (str(DATASET), str(DCTERMS.title)) in {(v.focus, v.path) for v in report.errors}


def test_each_profile_fails_the_other(served):
    """byteSize is xsd:decimal in 2.1.1 and xsd:nonNegativeInteger in 3.0, and 2.1.1 admits only
    SHA-1 checksums: the profiles differ, and the shapes tell them apart."""
    report = validate_graph(served["3.0"], shapes(*CORE["2.1.1"][0]), engine="pyshacl")
    assert {v.path for v in report.errors} == {str(DCAT.byteSize), str(SPDX.algorithm)}
    report = validate_graph(served["2.1.1"], shapes(*CORE["3.0"][0]), engine="pyshacl")
    assert {v.path for v in report.errors} == {str(DCAT.byteSize)}


def test_a_server_on_another_base_uri_describes_its_own_urls(built):
    from segraph.catalogue import measure, void_graph
    from segraph.serving import load_served_graph

    paths, _ = built
    here = "http://localhost:8000/"
    canonical = measure(load_served_graph(paths, []).store)
    stats = measure(load_served_graph(paths, [], base_uri=here).store, base_uri=here)
    assert stats.uri_space == here + "id/" and canonical.uri_space == BASE + "id/"
    assert stats.total == canonical.total and stats.total.entities > 1000
    assert stats.linksets == canonical.linksets
    assert stats.examples[0] == here + "id/municipality/1283"
    settings = load_settings({"base_uri": here}, environ={})
    releases = list_releases(paths)
    void = void_graph(stats, releases, settings)
    assert void.value(DATASET, VOID.sparqlEndpoint) == URIRef(here + "sparql")
    assert all(str(d).startswith(here + "releases/")
               for d in void.objects(DATASET, VOID.dataDump))
    catalog = catalogue_graph(releases, settings)
    service = catalog.value(CATALOG, DCAT.service)
    assert catalog.value(service, DCAT.endpointURL) == URIRef(here + "sparql")
    assert {str(u)[:len(here)] for u in catalog.objects(None, DCAT.downloadURL)} == {here}
