"""The dumps of a build: the whole dataset in five RDF syntaxes, gzip-compressed, with SHA256SUMS.

Deterministic: the quads are sorted (blank nodes already carry canonical labels) and the gzip
headers hold neither a time nor a file name, so the same graph gives byte-identical files.
Turtle and N-Triples cannot hold named graphs: they carry the union of all graphs (each triple
once); N-Quads, TriG and JSON-LD keep every named graph. The JSON-LD is compacted with the
vocabulary's context (:mod:`segraph.jsonld`), inline, one ``@graph`` per named graph.

Beside the compressed files the build keeps the N-Quads uncompressed (``segraph.nq``): the server
loads it, and its sha256 is the *content* of the build, which decides whether a build is a new
release (:mod:`segraph.releases`).
"""

from __future__ import annotations

import gzip
import hashlib
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from segraph.jsonld import to_jsonld
from segraph.namespaces import GRAPH, OUTPUT_PREFIXES

DUMP_NAME = "segraph"
CANONICAL = f"{DUMP_NAME}.nq"  # uncompressed N-Quads: what the server loads; its sha256 = content
CHECKSUMS = "SHA256SUMS"
COMPRESSION = "gzip"
GZIP_MEDIA_TYPE = "application/gzip"  # RFC 6713: the media type of a .gz file as such


@dataclass(frozen=True)
class DumpFormat:
    extension: str
    format: ox.RdfFormat

    @property
    def file_name(self) -> str:
        return f"{DUMP_NAME}.{self.extension}.gz"

    @property
    def media_type(self) -> str:
        return str(self.format.media_type)

    @property
    def keeps_graphs(self) -> bool:
        return bool(self.format.supports_datasets)


DUMP_FORMATS: tuple[DumpFormat, ...] = (
    DumpFormat("ttl", ox.RdfFormat.TURTLE),
    DumpFormat("nt", ox.RdfFormat.N_TRIPLES),
    DumpFormat("nq", ox.RdfFormat.N_QUADS),
    DumpFormat("trig", ox.RdfFormat.TRIG),
    DumpFormat("jsonld", ox.RdfFormat.JSON_LD),
)
DUMP_FILES = {d.file_name: d for d in DUMP_FORMATS}


@dataclass
class Dumps:
    """What :func:`write_dumps` wrote."""

    directory: Path
    content: str  # sha256 of the uncompressed N-Quads (CANONICAL)
    graphs: dict[str, int] = field(default_factory=dict)  # graph name -> quads
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # as in release.json

    @property
    def checksums(self) -> dict[str, str]:
        return {name: str(info["sha256"]) for name, info in self.files.items()}


def graph_name(term: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> str:
    """``admin-units`` for ``https://w3id.org/segraph/graph/admin-units``; other IRIs as they
    are; ``default`` for the default graph."""
    if isinstance(term, ox.DefaultGraph):
        return "default"
    value = str(term.value)
    return value.removeprefix(str(GRAPH)) if value.startswith(str(GRAPH)) else value


def sorted_quads(store: ox.Store) -> list[ox.Quad]:
    return sorted(store, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate),
                                        str(q.object)))


def gzip_bytes(data: bytes) -> bytes:
    """``data`` gzip-compressed with a fixed header (no time, no file name, OS "unknown")."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as fh:
        fh.write(data)
    return buffer.getvalue()


def serialize(quads: list[ox.Quad], dump: DumpFormat, project: Path) -> bytes:
    """``quads`` in the syntax of ``dump``; JSON-LD is compacted with the vocabulary's context
    (generated from the ontology of ``project``), inline."""
    prefixes = OUTPUT_PREFIXES
    if dump.format is ox.RdfFormat.JSON_LD:
        return to_jsonld(quads, context_url=None, project=project)
    if dump.keeps_graphs:
        if dump.format is ox.RdfFormat.N_QUADS:
            return bytes(ox.serialize(quads, format=dump.format))
        return bytes(ox.serialize(quads, format=dump.format, prefixes=prefixes))
    triples = sorted({q.triple for q in quads},
                     key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    if dump.format is ox.RdfFormat.TURTLE:
        return bytes(ox.serialize(triples, format=dump.format, prefixes=prefixes))
    return bytes(ox.serialize(triples, format=dump.format))


def write_dumps(store: ox.Store, directory: Path, project: Path) -> Dumps:
    """Write the uncompressed N-Quads, the five gzip dumps and SHA256SUMS into ``directory``
    (``project``: whose ontology gives the JSON-LD context)."""
    directory.mkdir(parents=True, exist_ok=True)
    quads = sorted_quads(store)
    canonical = bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    (directory / CANONICAL).write_bytes(canonical)
    counts = Counter(graph_name(q.graph_name) for q in quads)
    dumps = Dumps(directory=directory, content=hashlib.sha256(canonical).hexdigest(),
                  graphs={name: counts[name] for name in sorted(counts)})
    for dump in DUMP_FORMATS:
        raw = canonical if dump.format is ox.RdfFormat.N_QUADS else serialize(quads, dump, project)
        data = gzip_bytes(raw)
        (directory / dump.file_name).write_bytes(data)
        dumps.files[dump.file_name] = {"media_type": dump.media_type, "compression": COMPRESSION,
                                       "bytes": len(data),
                                       "sha256": hashlib.sha256(data).hexdigest()}
    (directory / CHECKSUMS).write_text(checksums_text(dumps.checksums), encoding="ascii")
    return dumps


def checksums_text(checksums: dict[str, str]) -> str:
    """``sha256sum`` format: ``<digest>  <name>`` per line, sorted by name
    (``sha256sum -c SHA256SUMS`` checks the files)."""
    return "".join(f"{digest}  {name}\n" for name, digest in sorted(checksums.items()))
