"""Result and RDF formats: short names, media types and pyoxigraph formats, defined once."""

from __future__ import annotations

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


def rdf_format(name: str) -> ox.RdfFormat:
    fmt = ox.RdfFormat.from_media_type(RDF_FORMATS[name])
    if fmt is None:  # pragma: no cover - every listed media type is known to pyoxigraph
        raise ValueError(name)
    return fmt
