"""Query answers as bytes in the W3C formats, cut at a row limit that the answer reports.

SELECT results are written here (SPARQL 1.1 Query Results JSON, XML, CSV and TSV) so that a
limit can stop reading rows; ASK and graph results use pyoxigraph's own serializers.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from itertools import islice
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from segraph.formats import rdf_format_for
from segraph.namespaces import OUTPUT_PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass
class Answer:
    """A serialized answer: the bytes, how many rows/triples, and whether the limit cut it."""

    media_type: str
    body: bytes
    rows: int
    truncated: bool


def _json_term(term: object) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def _xml_term(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return (f"<literal datatype={quoteattr(term.datatype.value)}>"
                    f"{escape(term.value)}</literal>")
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def _csv_value(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value if hasattr(term, "value") else str(term)  # type: ignore[attr-defined]


def _tsv_value(term: object) -> str:
    if term is None:
        return ""
    return str(term).replace("\t", "\\t").replace("\n", "\\n")


def serialize_select(solutions: ox.QuerySolutions, media_type: str, max_rows: int) -> Answer:
    variables = [v.value for v in solutions.variables]
    rows = list(islice(solutions, max_rows + 1)) if max_rows > 0 else list(solutions)
    truncated = max_rows > 0 and len(rows) > max_rows
    if truncated:
        rows = rows[:max_rows]
    values = [[row[v] for v in variables] for row in rows]
    if media_type == "application/sparql-results+json":
        bindings = [{v: _json_term(t) for v, t in zip(variables, row, strict=True)
                     if t is not None} for row in values]
        body = json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                          ensure_ascii=False, separators=(",", ":")).encode()
    elif media_type == "application/sparql-results+xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
               "<head>", *(f"<variable name={quoteattr(v)}/>" for v in variables), "</head>",
               "<results>"]
        for row in values:
            out.append("<result>")
            out.extend(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                       for v, t in zip(variables, row, strict=True) if t is not None)
            out.append("</result>")
        out.append("</results>\n</sparql>\n")
        body = "\n".join(out).encode()
    elif media_type == "text/csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_csv_value(t) for t in row] for row in values)
        body = buffer.getvalue().encode()
    elif media_type == "text/tab-separated-values":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines.extend("\t".join(_tsv_value(t) for t in row) for row in values)
        body = ("\n".join(lines) + "\n").encode()
    else:
        raise ValueError(f"no SELECT result format {media_type!r}")
    return Answer(media_type, body, len(values), truncated)


def serialize_boolean(result: ox.QueryBoolean, media_type: str) -> Answer:
    fmt = ox.QueryResultsFormat.from_media_type(media_type)
    return Answer(media_type, result.serialize(format=fmt), 1, False)


def serialize_graph(triples: ox.QueryTriples, media_type: str, max_rows: int) -> Answer:
    items = list(islice(triples, max_rows + 1)) if max_rows > 0 else list(triples)
    truncated = max_rows > 0 and len(items) > max_rows
    if truncated:
        items = items[:max_rows]
    fmt = rdf_format_for(media_type)
    turtle_like = fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG)
    kwargs = {"prefixes": OUTPUT_PREFIXES} if turtle_like else {}
    body = ox.serialize(items, format=fmt, **kwargs) or b""
    return Answer(media_type, body, len(items), truncated)


def serialize(result: object, media_type: str, max_rows: int) -> Answer:
    if isinstance(result, ox.QuerySolutions):
        return serialize_select(result, media_type, max_rows)
    if isinstance(result, ox.QueryBoolean):
        return serialize_boolean(result, media_type)
    return serialize_graph(result, media_type, max_rows)  # type: ignore[arg-type]
