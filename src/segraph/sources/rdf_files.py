"""Reading RDF files into rdflib graphs, with errors that point at ``file:line``."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.util import guess_format


class SourceError(Exception):
    """An input file could not be read; the message names the file (and line when known)."""


def rdf_format(path: Path) -> str:
    fmt = guess_format(str(path), {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig",
                                   "jsonld": "json-ld", "json": "json-ld", "rdf": "xml",
                                   "owl": "xml", "xml": "xml", "skos": "xml"})
    if fmt is None:
        raise SourceError(f"{path}: unknown RDF file type {path.suffix!r}; use .ttl, .nt, .nq, "
                          ".trig, .jsonld or .rdf")
    return fmt


OXIGRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
                    "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}


def _locate(path: Path) -> str | None:
    """``file:line: reason`` for a syntax error, from pyoxigraph's exact position.

    rdflib's Turtle parser miscounts lines in longer files, so its position is not used.
    """
    fmt = OXIGRAPH_FORMATS.get(rdf_format(path))
    if fmt is None:
        return None
    try:
        for _ in ox.parse(path=str(path), format=fmt):
            pass
    except SyntaxError as exc:
        return f"{path}:{exc.lineno}: syntax error: {exc.msg}"
    return None


def parse_rdf_file(path: Path, graph: Graph | None = None) -> Graph:
    """Parse ``path`` into ``graph`` (a new graph by default).

    Raises :class:`SourceError` with ``file:line: reason`` on a syntax error.
    """
    graph = Graph() if graph is None else graph
    if not path.is_file():
        raise SourceError(f"{path}: no such file")
    try:
        graph.parse(path, format=rdf_format(path))
    except BadSyntax as exc:
        raise SourceError(_locate(path) or f"{path}: syntax error: {exc}") from exc
    except SourceError:
        raise
    except Exception as exc:
        line = getattr(exc, "lineno", None) or getattr(exc, "line", None)
        where = f"{path}:{line}" if isinstance(line, int) else str(path)
        raise SourceError(f"{where}: cannot read as {rdf_format(path)}: {exc}") from exc
    return graph
