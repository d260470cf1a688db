"""Result and RDF formats: short names, media types and pyoxigraph formats, defined once."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

# Short name -> media type, for SELECT/ASK answers.
RESULT_FORMATS: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
# Short name -> media type, for CONSTRUCT/DESCRIBE answers and RDF files.
RDF_FORMATS: dict[str, str] = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "nquads": "application/n-quads",
    "trig": "application/trig",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}


def prefers_html(accept: Iterable[tuple[str, float]], others: Iterable[str]) -> bool:
    """True when the client names ``text/html`` at least as highly as any of ``others``
    (a browser); ``*/*`` alone, or no Accept header, means a program."""
    listed = dict(accept)
    html = listed.get("text/html", 0)
    return html > 0 and html >= max((listed.get(t, 0) for t in others), default=0)


def rdf_format_for(media_type: str) -> ox.RdfFormat:
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:
        raise ValueError(f"no RDF format for {media_type!r}")
    return fmt


# What a client may ask for, by query form. The first is the default for */*.
OFFERS = {
    "select": ["application/sparql-results+json", "application/sparql-results+xml",
               "text/csv", "text/tab-separated-values"],
    "construct": ["text/turtle", "application/n-triples", "application/ld+json",
                  "application/rdf+xml", "application/n-quads", "application/trig"],
}
OFFERS["ask"] = OFFERS["select"]
OFFERS["describe"] = OFFERS["construct"]
# The `format` parameter's short names (media types are accepted too).
FORMAT_NAMES = {**RESULT_FORMATS, **RDF_FORMATS, "json-ld": "application/ld+json",
                "ttl": "text/turtle", "nt": "application/n-triples", "rdf": "application/rdf+xml",
                "srj": "application/sparql-results+json", "srx": "application/sparql-results+xml"}
# Media types some clients send that mean one of the offers.
ALIASES = {"application/json": "application/sparql-results+json",
           "application/xml": "application/sparql-results+xml",
           "text/xml": "application/sparql-results+xml",
           "application/x-turtle": "text/turtle", "text/plain": "application/n-triples",
           "application/json+ld": "application/ld+json"}

# A linked-data resource's documents: URL extension -> media type. The RDF ones come first
# (Turtle answers */* and no Accept), then the page.
DOCUMENTS: dict[str, str] = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "html": "text/html",
}
RDF_DOCUMENTS = {ext: media_type for ext, media_type in DOCUMENTS.items()
                 if media_type != "text/html"}
EXTENSIONS = {media_type: ext for ext, media_type in DOCUMENTS.items()}
# rdflib's serializer names for the RDF syntaxes served (documents, service description).
RDFLIB_FORMATS = {"text/turtle": "turtle", "application/n-triples": "nt",
                  "application/ld+json": "json-ld", "application/rdf+xml": "xml",
                  "application/n-quads": "nquads", "application/trig": "trig"}
