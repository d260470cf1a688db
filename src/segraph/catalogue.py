"""What the dataset is, for machines: a VoID description with statistics measured on the served
graph, and DCAT-AP metadata (catalogue, dataset, one distribution per dump of the latest
release, the SPARQL endpoint as a data service) that a portal such as dataportal.se harvests.

:func:`measure` counts on a store; :func:`void_graph` and :func:`catalogue_graph` are pure:
statistics, releases and settings in, an rdflib graph out. The web layer (``web/dataset.py``)
caches the statistics per served graph and negotiates the syntax.

The DCAT-AP output follows DCAT-AP 3.0 (and, with ``profile="2.1.1"``, DCAT-AP 2.1.1, which
types ``dcat:byteSize`` as ``xsd:decimal`` where 3.0 wants ``xsd:nonNegativeInteger``). Values
from the EU controlled vocabularies and IANA are typed and labelled in the output itself, so that
the SEMIC range and vocabulary shapes can check them without loading the authority tables.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, VOID, XSD

from segraph.namespaces import (
    BASE,
    DATASET_IRI,
    GEO,
    GRAPH,
    ID,
    ONTOLOGY_IRI,
    PREFIXES,
    SEG,
    UNSDG,
    bind_prefixes,
    shorten,
)

if TYPE_CHECKING:
    from segraph.releases import Release

SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
PROV = Namespace("http://www.w3.org/ns/prov#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
ADMS_PUBLISHER_TYPES = "http://purl.org/adms/publishertype/"
ADMS_LICENCE_TYPES = "http://purl.org/adms/licencetype/"
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")
DCAT_VERSION = URIRef(str(DCAT) + "version")  # DCAT 3; rdflib's DCAT does not list it yet

CATALOG_IRI = URIRef(BASE + "catalog")
VOID_IRI = URIRef(BASE + ".well-known/void")
SHAPES_IRI = URIRef(BASE + "shapes")
LICENSE_IRI = URIRef("https://creativecommons.org/licenses/by/4.0/")
UN_SDG_KOS = URIRef("http://metadata.un.org/sdg")
PROFILES = ("3.0", "2.1.1")

TITLE = {"sv": "segraph – kunskapsgraf över den sociala ekonomin i Sverige",
         "en": "segraph – knowledge graph of the Swedish social economy"}
DESCRIPTION = {
    "sv": "En kunskapsgraf över den svenska sociala ekonomin: Sveriges 290 kommuner och 21 län, "
          "de 60 funktionella arbetsmarknadsregionerna, sociala företag och de "
          "samhällsutmaningar de arbetar med, kopplade till FN:s globala mål och delmål för "
          "hållbar utveckling (Agenda 2030), avtal mellan kommuner och sociala företag samt "
          "SKR:s utvecklingsnätverk 2021–2022. Allt beskrivet på svenska och engelska, validerat "
          "med SHACL och publicerat som länkade data med en SPARQL-ändpunkt.",
    "en": "A knowledge graph of the Swedish social economy: Sweden's 290 municipalities and "
          "21 counties, the 60 labour-market regions, social enterprises and the societal "
          "challenges they work on, mapped to the UN Sustainable Development Goals and targets "
          "(Agenda 2030), agreements between municipalities and social enterprises, and SKR's "
          "2021–2022 development network. Described in Swedish and English, validated with "
          "SHACL and published as linked data with a SPARQL endpoint.",
}
CATALOG_TITLE = {"sv": "segraphs datakatalog", "en": "The segraph data catalogue"}
CATALOG_DESCRIPTION = {
    "sv": "Datamängden segraph, dess nedladdningsbara utgåvor och dess SPARQL-ändpunkt.",
    "en": "The segraph dataset, its downloadable releases and its SPARQL endpoint.",
}
KEYWORDS = {
    "sv": ("social ekonomi", "sociala företag", "arbetsintegrerande sociala företag", "kommuner",
           "samhällsutmaningar", "Agenda 2030", "globala målen", "länkade data", "kunskapsgraf"),
    "en": ("social economy", "social enterprises", "work integration social enterprises",
           "municipalities", "societal challenges", "Agenda 2030",
           "Sustainable Development Goals", "linked data", "knowledge graph"),
}
# Bounding box and centroid of the county geometries in data/geo (WGS 84, 2 decimals).
SWEDEN_BBOX = "POLYGON((11.13 55.34, 24.15 55.34, 24.15 69.05, 11.13 69.05, 11.13 55.34))"
SWEDEN_CENTROID = "POINT(16.80 62.85)"
# Resources a newcomer can look at first; only those in the served graph are listed.
EXAMPLES = ("municipality/1283", "challenge/long-term-unemployment", "sdg/goal/8")

# EU authority tables (Publications Office): code -> (sv, en) labels, per table.
THEMES = {"SOCI": ("Befolkning och samhälle", "Population and society"),
          "GOVE": ("Regeringen och den offentliga sektorn", "Government and public sector"),
          "ECON": ("Ekonomi och finans", "Economy and finance")}
LANGUAGES = {"SWE": ("svenska", "Swedish"), "ENG": ("engelska", "English")}
FILE_TYPES = {  # media type -> EU file type
    "text/turtle": ("RDF_TURTLE", "Turtle"),
    "application/n-triples": ("RDF_N_TRIPLES", "N-Triples"),
    "application/n-quads": ("RDF_N_QUADS", "N-Quads"),
    "application/trig": ("RDF_TRIG", "TriG"),
    "application/ld+json": ("JSON_LD", "JSON-LD"),
    "application/rdf+xml": ("RDF_XML", "RDF/XML"),
    "application/sparql-query": ("SPARQLQ", "SPARQL"),
}
COMPRESSION_TYPES = {"gzip": "application/gzip"}
SCHEMES = {  # concept scheme IRI -> (sv, en) title
    EU + "data-theme": ("Datateman", "Data themes"),
    EU + "language": ("Språk", "Languages"),
    EU + "country": ("Länder", "Countries"),
    EU + "file-type": ("Filtyper", "File types"),
    EU + "frequency": ("Frekvenser", "Frequencies"),
    EU + "access-right": ("Åtkomsträttigheter", "Access rights"),
    EU + "planned-availability": ("Planerad tillgänglighet", "Planned availability"),
    "http://purl.org/adms/publishertype/1.0": ("Typ av utgivare", "Publisher types"),
    "http://purl.org/adms/licencetype/1.0": ("Typ av licens", "Licence types"),
}
PUBLISHER_TYPES = {  # ADMS publisher type code -> (sv, en)
    "Academia-ScientificOrganisation": ("Akademisk/vetenskaplig organisation",
                                        "Academia/Scientific organisation"),
    "Company": ("Företag", "Company"),
    "IndustryConsortium": ("Branschkonsortium", "Industry consortium"),
    "LocalAuthority": ("Kommunal myndighet", "Local authority"),
    "NationalAuthority": ("Statlig myndighet", "National authority"),
    "NonGovernmentalOrganisation": ("Icke-statlig organisation",
                                    "Non-governmental organisation"),
    "NonProfitOrganisation": ("Ideell organisation", "Non-profit organisation"),
    "PrivateIndividual(s)": ("Privatperson(er)", "Private individual(s)"),
    "RegionalAuthority": ("Regional myndighet", "Regional authority"),
    "StandardisationBody": ("Standardiseringsorgan", "Standardisation body"),
    "SupraNationalAuthority": ("Överstatlig myndighet", "Supra-national authority"),
}
# Graphs the build does not describe in graph/metadata.
GRAPH_TITLES = {"metadata": ("Metadata om datamängden och dess grafer",
                             "Metadata about the dataset and its graphs"),
                "local": ("Lokala data", "Local data")}
# What is copied from the metadata graph's description of each named graph.
SUBSET_PROPERTIES = (RDF.type, DCTERMS.title, DCTERMS.description, DCTERMS.license,
                     DCTERMS.source, PROV.wasDerivedFrom, SEG.isExample)


# --- statistics ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    properties: int
    classes: int


@dataclass(frozen=True)
class ClassPartition:
    iri: str
    entities: int  # instances with an IRI in the dataset's URI space
    instances: int  # all instances, blank nodes too


@dataclass(frozen=True)
class PropertyPartition:
    iri: str
    triples: int
    distinct_subjects: int
    distinct_objects: int


@dataclass(frozen=True)
class Linkset:
    predicate: str
    triples: int
    distinct_subjects: int
    distinct_objects: int


@dataclass(frozen=True)
class Statistics:
    """Counts over the served quads. A triple held by two named graphs counts once for the
    dataset (the RDF merge) and once in each graph. Entities are the IRI subjects in the
    dataset's URI space, the resource URIs ``{base_uri}id/…``."""

    total: Counts
    graphs: dict[str, Counts]  # graph IRI -> counts within it
    classes: tuple[ClassPartition, ...]
    properties: tuple[PropertyPartition, ...]
    linksets: tuple[Linkset, ...]  # links from segraph resources into the UN SDG KOS
    vocabularies: tuple[str, ...]  # namespaces of the classes and properties used
    examples: tuple[str, ...]  # example resources present in the graph
    uri_space: str
    subsets: Graph = field(compare=False)  # graph/metadata's description of each named graph


DISTINCT = "{ SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
IN_SPACE = "isIRI(?s) && STRSTARTS(STR(?s), $space)"  # $space: the URI space, filled in
TOTAL = f"""SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?e) AS ?entities)
  (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
  (COUNT(DISTINCT ?p) AS ?properties)
WHERE {{ {DISTINCT} BIND(IF({IN_SPACE}, ?s, ?none) AS ?e) }}"""
PER_GRAPH = f"""SELECT ?g (COUNT(*) AS ?triples) (COUNT(DISTINCT ?e) AS ?entities)
  (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
  (COUNT(DISTINCT ?p) AS ?properties)
WHERE {{ GRAPH ?g {{ ?s ?p ?o }} BIND(IF({IN_SPACE}, ?s, ?none) AS ?e) }} GROUP BY ?g"""
CLASSES_PER_GRAPH = """SELECT ?g (COUNT(DISTINCT ?c) AS ?classes)
WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?g"""
CLASS_PARTITIONS = f"""SELECT ?c (COUNT(DISTINCT ?e) AS ?entities)
  (COUNT(DISTINCT ?s) AS ?instances)
WHERE {{ GRAPH ?g {{ ?s a ?c }} BIND(IF({IN_SPACE}, ?s, ?none) AS ?e) }} GROUP BY ?c"""
PROPERTY_PARTITIONS = f"""SELECT ?p (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects)
  (COUNT(DISTINCT ?o) AS ?objects)
WHERE {DISTINCT} GROUP BY ?p"""
LINKS = f"""SELECT ?p (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects)
  (COUNT(DISTINCT ?o) AS ?objects)
WHERE {{ {{ SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
  FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{UNSDG}") && STRSTARTS(STR(?s), $space)
         && ?p != <{RDF.type}>) }} }} }} GROUP BY ?p"""
SUBSETS = f"""CONSTRUCT {{ ?g ?p ?o }} WHERE {{ GRAPH <{GRAPH}metadata> {{
  <{DATASET_IRI}> <{VOID.subset}> ?g . ?g ?p ?o
  VALUES ?p {{ {" ".join(f"<{p}>" for p in SUBSET_PROPERTIES)} }} }} }}"""


def _int(term: Any) -> int:
    return int(term.value) if term is not None else 0


def _counts(row: Any, classes: int) -> Counts:
    return Counts(triples=_int(row["triples"]), entities=_int(row["entities"]),
                  distinct_subjects=_int(row["subjects"]), distinct_objects=_int(row["objects"]),
                  properties=_int(row["properties"]), classes=classes)


def vocabulary_of(iri: str) -> str | None:
    """The project prefix namespace (the longest) that ``iri`` belongs to, if any."""
    matches = [str(ns) for ns in PREFIXES.values() if iri.startswith(str(ns))]
    return max(matches, key=len) if matches else None


def uri_space(base_uri: str = BASE) -> str:
    """The dataset's URI space: the resource URIs, ``{base_uri}id/``."""
    return f"{base_uri}{str(ID)[len(BASE):]}"


def measure(store: ox.Store, *, base_uri: str = BASE) -> Statistics:
    """Count triples, entities, classes, properties, partitions and links on ``store``, whose
    resource URIs are ``{base_uri}id/…``."""
    space = uri_space(base_uri)

    def query(text: str, **terms: ox.NamedNode | ox.Literal) -> Any:
        """``text`` with ``$space`` and each ``$name`` written as a SPARQL term (pyoxigraph
        substitutes only projected variables)."""
        for name, term in {"space": ox.Literal(space), **terms}.items():
            text = text.replace(f"${name}", str(term))
        return store.query(text)

    class_rows = list(query(CLASS_PARTITIONS))
    classes = tuple(sorted(
        (ClassPartition(r["c"].value, _int(r["entities"]), _int(r["instances"]))
         for r in class_rows if isinstance(r["c"], ox.NamedNode)), key=lambda c: c.iri))
    properties = tuple(sorted(
        (PropertyPartition(r["p"].value, _int(r["triples"]), _int(r["subjects"]),
                           _int(r["objects"])) for r in query(PROPERTY_PARTITIONS)),
        key=lambda p: p.iri))
    total = _counts(next(iter(query(TOTAL))), len({c.iri for c in classes}))
    per_graph_classes = {r["g"].value: _int(r["classes"]) for r in query(CLASSES_PER_GRAPH)}
    graphs = {r["g"].value: _counts(r, per_graph_classes.get(r["g"].value, 0))
              for r in query(PER_GRAPH)}
    linksets = tuple(sorted(
        (Linkset(r["p"].value, _int(r["triples"]), _int(r["subjects"]), _int(r["objects"]))
         for r in query(LINKS)), key=lambda link: link.predicate))
    used = {p.iri for p in properties} | {c.iri for c in classes}
    excluded = {str(ID), str(GRAPH)}
    vocabularies = tuple(sorted({v for v in map(vocabulary_of, used) if v and v not in excluded}))
    examples = tuple(space + path for path in EXAMPLES
                     if query("ASK { GRAPH ?g { $resource ?p ?o } }",
                              resource=ox.NamedNode(space + path)))
    subsets = Graph()
    for triple in query(SUBSETS):
        subsets.add(_to_rdflib(triple))
    return Statistics(total=total, graphs=dict(sorted(graphs.items())), classes=classes,
                      properties=properties, linksets=linksets, vocabularies=vocabularies,
                      examples=examples, uri_space=space, subsets=subsets)


def _to_rdflib(triple: ox.Triple) -> tuple[Any, Any, Any]:
    def term(t: Any) -> Any:
        if isinstance(t, ox.NamedNode):
            return URIRef(t.value)
        if isinstance(t, ox.Literal):
            if t.language:
                return Literal(t.value, lang=t.language)
            if t.datatype.value == str(XSD.string):
                return Literal(t.value)
            return Literal(t.value, datatype=URIRef(t.datatype.value))
        raise ValueError(f"unexpected term {t!r} in the metadata graph")  # no blank nodes there

    return term(triple.subject), term(triple.predicate), term(triple.object)


# --- helpers shared by VoID and DCAT --------------------------------------------------------


def _texts(graph: Graph, node: URIRef, predicate: URIRef, texts: Mapping[str, str]) -> None:
    for lang, text in sorted(texts.items()):
        graph.add((node, predicate, Literal(text, lang=lang)))


def _date(value: str) -> Literal:
    """An ``xsd:dateTime`` for ``2026-11-27T02:10:00Z``, an ``xsd:date`` for ``2026-11-27``."""
    return Literal(value, datatype=XSD.dateTime if "T" in value else XSD.date, normalize=False)


def _fragment(text: str) -> str:
    """A readable, IRI-safe fragment for ``text`` (a prefixed name, or a short hash)."""
    short = shorten(text)
    if short and all(c.isalnum() or c in "-_.:" for c in short):
        return short.replace(":", "-")
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def site(settings: Mapping[str, Any]) -> str:
    """Where this server answers (the ``base_uri`` setting): the base of the endpoint, page and
    download URLs. The dataset, catalogue and distributions keep their canonical IRIs."""
    return str(settings.get("base_uri") or BASE)


def release_url(settings: Mapping[str, Any], release: Release) -> URIRef:
    return URIRef(f"{site(settings)}releases/{release.number}/")


def download_url(settings: Mapping[str, Any], release: Release, name: str) -> URIRef:
    return URIRef(f"{release_url(settings, release)}{name}")


def dump_files(release: Release) -> list[tuple[str, dict[str, Any]]]:
    """The release's RDF dumps (not SHA256SUMS), in a stable order."""
    return [(name, info) for name, info in sorted(release.files.items())
            if info.get("media_type") in FILE_TYPES]


# --- VoID ----------------------------------------------------------------------------------


def void_graph(stats: Statistics, releases: Sequence[Release], settings: Mapping[str, Any],
               *, modified: str | None = None) -> Graph:
    """The VoID description of the dataset: statistics, subsets (one per named graph, with
    the build's provenance), class and property partitions, linksets to the UN SDG KOS, the
    SPARQL endpoint, example resources and the latest release's dumps."""
    g = _bound(Graph())
    d = DATASET_IRI
    latest = releases[-1] if releases else None
    sparql = URIRef(site(settings) + "sparql")
    g.add((VOID_IRI, RDF.type, VOID.DatasetDescription))
    g.add((VOID_IRI, DCTERMS.title, Literal("VoID-beskrivning av segraph", lang="sv")))
    g.add((VOID_IRI, DCTERMS.title, Literal("VoID description of segraph", lang="en")))
    g.add((VOID_IRI, FOAF.primaryTopic, d))
    g.add((d, RDF.type, VOID.Dataset))
    _texts(g, d, DCTERMS.title, TITLE)
    _texts(g, d, DCTERMS.description, DESCRIPTION)
    g.add((d, DCTERMS.license, LICENSE_IRI))
    g.add((d, DCTERMS.publisher, URIRef(f"{CATALOG_IRI}#publisher")))
    g.add((d, FOAF.homepage, URIRef(site(settings))))
    g.add((d, FOAF.page, CATALOG_IRI))
    g.add((d, VOID.sparqlEndpoint, sparql))
    g.add((d, VOID.uriSpace, Literal(stats.uri_space)))
    g.add((d, VOID.rootResource, ONTOLOGY_IRI))
    for name in ("Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        g.add((d, VOID.feature, FORMATS_NS[name]))
    for example in stats.examples:
        g.add((d, VOID.exampleResource, URIRef(example)))
    for namespace in stats.vocabularies:
        g.add((d, VOID.vocabulary, URIRef(namespace)))
    if latest is not None:
        g.add((d, OWL.versionInfo, Literal(str(latest.number))))
        for name, _ in dump_files(latest):
            g.add((d, VOID.dataDump, download_url(settings, latest, name)))
        modified = latest.issued
        g.add((d, DCTERMS.issued, _date(releases[0].issued)))
    if modified:
        g.add((d, DCTERMS.modified, _date(modified)))
    _add_counts(g, d, stats.total)

    for cls in stats.classes:
        node = URIRef(f"{VOID_IRI}#class-{_fragment(cls.iri)}")
        g.add((d, VOID.classPartition, node))
        g.add((node, VOID["class"], URIRef(cls.iri)))
        g.add((node, VOID.entities, Literal(cls.entities)))
        g.add((node, VOID.distinctSubjects, Literal(cls.instances)))
    for prop in stats.properties:
        node = URIRef(f"{VOID_IRI}#property-{_fragment(prop.iri)}")
        g.add((d, VOID.propertyPartition, node))
        g.add((node, VOID.property, URIRef(prop.iri)))
        g.add((node, VOID.triples, Literal(prop.triples)))
        g.add((node, VOID.distinctSubjects, Literal(prop.distinct_subjects)))
        g.add((node, VOID.distinctObjects, Literal(prop.distinct_objects)))

    for triple in stats.subsets:
        g.add(triple)
    for iri, counts in stats.graphs.items():
        node = URIRef(iri)
        g.add((d, VOID.subset, node))
        g.add((node, RDF.type, VOID.Dataset))
        name = iri[len(str(GRAPH)):] if iri.startswith(str(GRAPH)) else iri
        if (node, DCTERMS.title, None) not in g:
            sv, en = GRAPH_TITLES.get(name, (name, name))
            _texts(g, node, DCTERMS.title, {"sv": sv, "en": en})
        g.add((node, VOID.sparqlEndpoint, sparql))
        _add_counts(g, node, counts)

    if stats.linksets:
        g.add((UN_SDG_KOS, RDF.type, VOID.Dataset))
        g.add((UN_SDG_KOS, DCTERMS.title, Literal(
            "A Knowledge Organization System for the United Nations Sustainable Development "
            "Goals", lang="en")))
        g.add((UN_SDG_KOS, VOID.uriSpace, Literal(str(UNSDG))))
        g.add((UN_SDG_KOS, FOAF.homepage, UN_SDG_KOS))
    for link in stats.linksets:
        node = URIRef(f"{VOID_IRI}#links-un-sdg-{_fragment(link.predicate)}")
        g.add((d, VOID.subset, node))
        g.add((node, RDF.type, VOID.Linkset))
        label = shorten(link.predicate) or link.predicate
        g.add((node, DCTERMS.title, Literal(f"{label}-länkar till FN:s SDG-KOS", lang="sv")))
        g.add((node, DCTERMS.title, Literal(f"{label} links to the UN SDG KOS", lang="en")))
        g.add((node, VOID.linkPredicate, URIRef(link.predicate)))
        g.add((node, VOID.subjectsTarget, d))
        g.add((node, VOID.objectsTarget, UN_SDG_KOS))
        g.add((node, VOID.target, d))
        g.add((node, VOID.target, UN_SDG_KOS))
        g.add((node, VOID.triples, Literal(link.triples)))
        g.add((node, VOID.distinctSubjects, Literal(link.distinct_subjects)))
        g.add((node, VOID.distinctObjects, Literal(link.distinct_objects)))
    return g


def _add_counts(g: Graph, node: URIRef, counts: Counts) -> None:
    g.add((node, VOID.triples, Literal(counts.triples)))
    g.add((node, VOID.entities, Literal(counts.entities)))
    g.add((node, VOID.classes, Literal(counts.classes)))
    g.add((node, VOID.properties, Literal(counts.properties)))
    g.add((node, VOID.distinctSubjects, Literal(counts.distinct_subjects)))
    g.add((node, VOID.distinctObjects, Literal(counts.distinct_objects)))


EXTRA_PREFIXES = {"spdx": SPDX, "vcard": VCARD, "adms": ADMS, "dcatap": DCATAP,
                  "formats": FORMATS_NS}


def prefixes() -> dict[str, str]:
    """The prefixes of the VoID and DCAT documents (the project's and a few more)."""
    return {prefix: str(ns) for prefix, ns in {**PREFIXES, **EXTRA_PREFIXES}.items()}


def _bound(graph: Graph) -> Graph:
    bind_prefixes(graph)
    for prefix, namespace in EXTRA_PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


# --- DCAT-AP -------------------------------------------------------------------------------


def catalogue_graph(releases: Sequence[Release], settings: Mapping[str, Any], *,
                    modified: str | None = None, profile: str = "3.0") -> Graph:
    """DCAT-AP (3.0, or 2.1.1) metadata: the catalogue, the dataset with one distribution per
    dump of the latest release (``releases`` oldest first; none gives the SPARQL endpoint only),
    and the SPARQL endpoint as a data service. ``modified`` dates the data when there is no
    release. ``settings`` gives publisher and contact point, and ``base_uri`` where the
    endpoint and the downloads are."""
    if profile not in PROFILES:
        raise ValueError(f"unknown DCAT-AP profile {profile!r}; use one of {', '.join(PROFILES)}")
    g = _bound(Graph())
    catalog, dataset = CATALOG_IRI, DATASET_IRI
    publisher = _publisher(g, settings)
    contact = _contact_point(g, settings)
    latest = releases[-1] if releases else None
    if latest is not None:
        modified = latest.issued
    licence = _licence(g)
    swe = _sweden(g)
    languages = [_concept(g, EU + "language", code, labels, DCTERMS.LinguisticSystem)
                 for code, labels in LANGUAGES.items()]
    homepage = URIRef(site(settings))
    g.add((homepage, RDF.type, FOAF.Document))

    g.add((catalog, RDF.type, DCAT.Catalog))
    _texts(g, catalog, DCTERMS.title, CATALOG_TITLE)
    _texts(g, catalog, DCTERMS.description, CATALOG_DESCRIPTION)
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, DCTERMS.license, licence))
    g.add((catalog, DCTERMS.spatial, swe))
    g.add((catalog, FOAF.homepage, homepage))
    g.add((catalog, DCAT.themeTaxonomy, _scheme(g, EU + "data-theme")))
    g.add((catalog, DCAT.dataset, dataset))
    for language in languages:
        g.add((catalog, DCTERMS.language, language))
    if modified:
        g.add((catalog, DCTERMS.modified, _date(modified)))
    if releases:
        g.add((catalog, DCTERMS.issued, _date(releases[0].issued)))

    g.add((dataset, RDF.type, DCAT.Dataset))
    _texts(g, dataset, DCTERMS.title, TITLE)
    _texts(g, dataset, DCTERMS.description, DESCRIPTION)
    _describe_common(g, dataset, publisher, contact, swe, languages)
    g.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    g.add((dataset, DCAT.landingPage, homepage))
    g.add((dataset, FOAF.page, URIRef(str(VOID_IRI))))
    g.add((URIRef(str(VOID_IRI)), RDF.type, FOAF.Document))
    g.add((dataset, DCTERMS.accrualPeriodicity, _concept(
        g, EU + "frequency", "IRREG", ("oregelbunden", "irregular"), DCTERMS.Frequency)))
    g.add((dataset, DCTERMS.accessRights, _concept(
        g, EU + "access-right", "PUBLIC", ("offentlig", "public"), DCTERMS.RightsStatement)))
    for standard, titles in ((ONTOLOGY_IRI, ("segraphs ontologi", "The segraph ontology")),
                             (SHAPES_IRI, ("segraphs SHACL-former", "The segraph SHACL shapes"))):
        g.add((dataset, DCTERMS.conformsTo, standard))
        g.add((standard, RDF.type, DCTERMS.Standard))
        _texts(g, standard, DCTERMS.title, dict(zip(("sv", "en"), titles, strict=True)))
    if modified:
        g.add((dataset, DCTERMS.modified, _date(modified)))
    if latest is not None:
        g.add((dataset, DCTERMS.issued, _date(releases[0].issued)))
        g.add((dataset, OWL.versionInfo, Literal(str(latest.number))))
        g.add((dataset, DCAT_VERSION, Literal(str(latest.number))))
        g.add((dataset, ADMS.versionNotes, Literal(
            f"Utgåva {latest.number}, {latest.date}: {latest.quads} kvader i "
            f"{len(latest.graphs)} namngivna grafer.", lang="sv")))
        g.add((dataset, ADMS.versionNotes, Literal(
            f"Release {latest.number}, {latest.date}: {latest.quads} quads in "
            f"{len(latest.graphs)} named graphs.", lang="en")))
        for name, info in dump_files(latest):
            g.add((dataset, DCAT.distribution, _dump_distribution(
                g, settings, latest, name, info, licence, profile)))

    sparql = URIRef(site(settings) + "sparql")
    service = _sparql_service(g, sparql, homepage, publisher, contact, licence, swe,
                              languages)
    g.add((catalog, DCAT.service, service))
    g.add((dataset, DCAT.distribution, _sparql_distribution(g, sparql, service, licence)))
    return g


def _describe_common(g: Graph, node: URIRef, publisher: URIRef, contact: URIRef,
                     swe: URIRef, languages: list[URIRef]) -> None:
    """Publisher, contact point, keywords, themes, place and languages of a dataset or
    service."""
    g.add((node, DCTERMS.publisher, publisher))
    g.add((node, DCAT.contactPoint, contact))
    g.add((node, DCTERMS.spatial, swe))
    for language in languages:
        g.add((node, DCTERMS.language, language))
    for lang, words in KEYWORDS.items():
        for word in words:
            g.add((node, DCAT.keyword, Literal(word, lang=lang)))
    for code, labels in THEMES.items():
        g.add((node, DCAT.theme, _concept(g, EU + "data-theme", code, labels)))


def _scheme(g: Graph, iri: str) -> URIRef:
    scheme = URIRef(iri)
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    _texts(g, scheme, DCTERMS.title, dict(zip(("sv", "en"), SCHEMES[iri], strict=True)))
    return scheme


def _concept(g: Graph, scheme: str, code: str, labels: tuple[str, str],
             kind: URIRef | None = None, *, namespace: str | None = None) -> URIRef:
    """A concept of a controlled vocabulary, typed and labelled so that shapes can check it.
    Its IRI is ``<scheme>/<code>`` unless the vocabulary puts it under another ``namespace``."""
    node = URIRef(f"{namespace or scheme + '/'}{code}")
    g.add((node, RDF.type, SKOS.Concept))
    if kind is not None:
        g.add((node, RDF.type, kind))
    g.add((node, SKOS.inScheme, _scheme(g, scheme)))
    g.add((node, SKOS.notation, Literal(code)))
    _texts(g, node, SKOS.prefLabel, dict(zip(("sv", "en"), labels, strict=True)))
    return node


def _licence(g: Graph) -> URIRef:
    g.add((LICENSE_IRI, RDF.type, DCTERMS.LicenseDocument))
    g.add((LICENSE_IRI, DCTERMS.title, Literal("Creative Commons Erkännande 4.0 Internationell",
                                               lang="sv")))
    g.add((LICENSE_IRI, DCTERMS.title, Literal("Creative Commons Attribution 4.0 International",
                                               lang="en")))
    g.add((LICENSE_IRI, DCTERMS.type, _concept(
        g, ADMS_LICENCE_TYPES + "1.0", "Attribution", ("Erkännande", "Attribution"),
        namespace=ADMS_LICENCE_TYPES)))
    return LICENSE_IRI


def _publisher(g: Graph, settings: Mapping[str, Any]) -> URIRef:
    node = URIRef(f"{CATALOG_IRI}#publisher")
    g.add((node, RDF.type, FOAF.Agent))
    g.add((node, RDF.type, FOAF.Organization))
    g.add((node, FOAF.name, Literal(settings["publisher_name"])))
    code = settings["publisher_type"]
    if code not in PUBLISHER_TYPES:
        raise ValueError(f"publisher_type {code!r} is not an ADMS publisher type; use one of "
                         f"{', '.join(sorted(PUBLISHER_TYPES))}")
    g.add((node, DCTERMS.type, _concept(g, ADMS_PUBLISHER_TYPES + "1.0", code,
                                        PUBLISHER_TYPES[code], namespace=ADMS_PUBLISHER_TYPES)))
    if settings.get("contact_url"):
        g.add((node, FOAF.homepage, URIRef(settings["contact_url"])))
        g.add((URIRef(settings["contact_url"]), RDF.type, FOAF.Document))
    if settings.get("contact_email"):
        g.add((node, FOAF.mbox, URIRef(f"mailto:{settings['contact_email']}")))
    return node


def _contact_point(g: Graph, settings: Mapping[str, Any]) -> URIRef:
    node = URIRef(f"{CATALOG_IRI}#contact")
    g.add((node, RDF.type, VCARD.Kind))
    g.add((node, RDF.type, VCARD.Organization))
    g.add((node, VCARD.fn, Literal(settings["publisher_name"])))
    if settings.get("contact_email"):
        g.add((node, VCARD.hasEmail, URIRef(f"mailto:{settings['contact_email']}")))
    if settings.get("contact_url"):
        g.add((node, VCARD.hasURL, URIRef(settings["contact_url"])))
    return node


def _media_type(g: Graph, media_type: str) -> URIRef:
    node = URIRef(IANA + media_type)
    g.add((node, RDF.type, DCTERMS.MediaType))
    g.add((node, RDF.type, DCTERMS.MediaTypeOrExtent))
    return node


def _file_type(g: Graph, media_type: str) -> URIRef:
    code, name = FILE_TYPES[media_type]
    return _concept(g, EU + "file-type", code, (name, name), DCTERMS.MediaTypeOrExtent)


def _dump_distribution(g: Graph, settings: Mapping[str, Any], release: Release, name: str,
                       info: Mapping[str, Any], licence: URIRef, profile: str) -> URIRef:
    node = URIRef(f"{CATALOG_IRI}#release-{release.number}-{name}")
    media_type = str(info["media_type"])
    syntax = FILE_TYPES[media_type][1]
    fmt = ox.RdfFormat.from_media_type(media_type)
    keeps_graphs = bool(fmt and fmt.supports_datasets)
    g.add((node, RDF.type, DCAT.Distribution))
    g.add((node, DCTERMS.title, Literal(
        f"segraph utgåva {release.number}: {syntax}, gzip-komprimerad", lang="sv")))
    g.add((node, DCTERMS.title, Literal(
        f"segraph release {release.number}: {syntax}, gzip-compressed", lang="en")))
    g.add((node, DCTERMS.description, Literal(
        "Hela datamängden med dess namngivna grafer." if keeps_graphs else
        "Hela datamängden som en graf (unionen av de namngivna graferna).", lang="sv")))
    g.add((node, DCTERMS.description, Literal(
        "The whole dataset with its named graphs." if keeps_graphs else
        "The whole dataset as one graph (the union of the named graphs).", lang="en")))
    g.add((node, DCAT.accessURL, release_url(settings, release)))
    g.add((node, DCAT.downloadURL, download_url(settings, release, name)))
    g.add((node, DCAT.mediaType, _media_type(g, media_type)))
    g.add((node, DCTERMS.format, _file_type(g, media_type)))
    compression = COMPRESSION_TYPES.get(str(info.get("compression", "")))
    if compression:
        g.add((node, DCAT.compressFormat, _media_type(g, compression)))
    size_type = XSD.decimal if profile == "2.1.1" else XSD.nonNegativeInteger
    g.add((node, DCAT.byteSize, Literal(str(int(info["bytes"])), datatype=size_type)))
    # DCAT-AP 2.1.1 admits one checksum, SHA-1; 3.0 any algorithm: SHA-256, as in SHA256SUMS
    if profile == "2.1.1":
        algorithm, digest = "sha1", _sha1(release.file(name), str(info["sha256"]))
    else:
        algorithm, digest = "sha256", str(info["sha256"]).lower()
    checksum = URIRef(f"{node}-{algorithm}")
    g.add((node, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SPDX[f"checksumAlgorithm_{algorithm}"]))
    g.add((SPDX[f"checksumAlgorithm_{algorithm}"], RDF.type, SPDX.ChecksumAlgorithm))
    g.add((checksum, SPDX.checksumValue, Literal(digest, datatype=XSD.hexBinary)))
    g.add((node, DCTERMS.license, licence))
    g.add((node, DCTERMS.issued, _date(release.issued)))
    g.add((node, DCATAP.availability, _stable(g)))
    return node


@functools.lru_cache(maxsize=64)
def _sha1(path: Path, sha256: str) -> str:
    """The SHA-1 of a release file (releases never change: ``sha256`` keys the cache)."""
    return hashlib.sha1(path.read_bytes(), usedforsecurity=False).hexdigest()


def _stable(g: Graph) -> URIRef:
    return _concept(g, EU + "planned-availability", "STABLE", ("stabil", "stable"))


def _sweden(g: Graph) -> URIRef:
    node = _concept(g, EU + "country", "SWE", ("Sverige", "Sweden"), DCTERMS.Location)
    g.add((node, DCAT.bbox, Literal(SWEDEN_BBOX, datatype=GEO.wktLiteral)))
    g.add((node, DCAT.centroid, Literal(SWEDEN_CENTROID, datatype=GEO.wktLiteral)))
    return node


def _sparql_service(g: Graph, sparql: URIRef, homepage: URIRef, publisher: URIRef,
                    contact: URIRef, licence: URIRef, swe: URIRef,
                    languages: list[URIRef]) -> URIRef:
    node = URIRef(f"{CATALOG_IRI}#sparql")
    g.add((node, RDF.type, DCAT.DataService))
    g.add((node, DCTERMS.title, Literal("segraphs SPARQL-ändpunkt", lang="sv")))
    g.add((node, DCTERMS.title, Literal("The segraph SPARQL endpoint", lang="en")))
    g.add((node, DCTERMS.description, Literal(
        "Fråga hela datamängden med SPARQL 1.1 (endast läsning). Utan fråga svarar ändpunkten "
        "med en tjänstebeskrivning (SPARQL 1.1 Service Description); i en webbläsare öppnas "
        "frågeeditorn.", lang="sv")))
    g.add((node, DCTERMS.description, Literal(
        "Query the whole dataset with SPARQL 1.1 (read-only). Without a query the endpoint "
        "answers with its SPARQL 1.1 Service Description; in a browser it opens the query "
        "editor.", lang="en")))
    g.add((node, DCAT.endpointURL, sparql))
    g.add((sparql, RDF.type, RDFS.Resource))  # the 3.0.1 range shapes check this class
    g.add((node, DCAT.endpointDescription, sparql))
    g.add((node, DCAT.servesDataset, DATASET_IRI))
    g.add((node, DCAT.landingPage, homepage))
    protocol = URIRef("https://www.w3.org/TR/sparql11-protocol/")
    g.add((node, DCTERMS.conformsTo, protocol))
    g.add((protocol, RDF.type, DCTERMS.Standard))
    g.add((protocol, DCTERMS.title, Literal("SPARQL 1.1 Protocol", lang="en")))
    g.add((node, DCTERMS.license, licence))
    g.add((node, DCTERMS.accessRights, URIRef(EU + "access-right/PUBLIC")))
    _describe_common(g, node, publisher, contact, swe, languages)
    g.add((node, DCTERMS.format, _file_type(g, "application/sparql-query")))
    return node


def _sparql_distribution(g: Graph, sparql: URIRef, service: URIRef, licence: URIRef
                         ) -> URIRef:
    node = URIRef(f"{CATALOG_IRI}#sparql-distribution")
    g.add((node, RDF.type, DCAT.Distribution))
    g.add((node, DCTERMS.title, Literal("segraph via SPARQL", lang="sv")))
    g.add((node, DCTERMS.title, Literal("segraph through SPARQL", lang="en")))
    g.add((node, DCTERMS.description, Literal(
        "Den aktuella grafen, att fråga med SPARQL 1.1.", lang="sv")))
    g.add((node, DCTERMS.description, Literal(
        "The current graph, to query with SPARQL 1.1.", lang="en")))
    g.add((node, DCAT.accessURL, sparql))
    g.add((node, DCAT.accessService, service))
    g.add((node, DCATAP.availability, _stable(g)))
    g.add((node, DCTERMS.format, _file_type(g, "application/sparql-query")))
    g.add((node, DCTERMS.license, licence))
    return node
