"""sources -> validation -> reasoning -> matching -> store + dumps: the build artifact under
``var/build``, and a numbered release under ``var/releases`` when the content is new.

Nothing half-made is ever visible: the artifact is written to a temporary directory beside the
old one and swapped in only when every step has succeeded. The build is deterministic: the same
inputs give byte-identical dumps (blank nodes get canonical labels, quads are sorted; see
:mod:`segraph.dumps`), and so the same content hash (:mod:`segraph.releases`).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, VOID

from segraph import __version__
from segraph.dumps import write_dumps
from segraph.matching.writeback import MATCHES, build_matches
from segraph.namespaces import BASE, DATASET_IRI, SEG, bind_prefixes, graph_iri
from segraph.reasoning import INFERRED, infer
from segraph.releases import Release, publish
from segraph.settings import Paths
from segraph.sources import GraphSource, convert, load_manifest, local_source
from segraph.sources.rdf_files import parse_rdf_file
from segraph.store.embedded import EmbeddedStore, graph_quads
from segraph.validation import Report, validate_graph
from segraph.writes.gate import replay
from segraph.writes.journal import Journal

PHASES = ("parse", "validate", "reason", "match", "load", "dump")


class BuildError(Exception):
    """The build stopped; nothing was written. ``report`` holds SHACL results when relevant."""

    def __init__(self, message: str, report: Report | None = None) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class BuildResult:
    out: Path
    graphs: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    report: Report | None = None
    dumps: dict[str, str] = field(default_factory=dict)  # file -> sha256
    content: str = ""  # sha256 of the canonical N-Quads dump
    release: Release | None = None  # the release holding this content
    new_release: bool = False  # whether this build made it

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


Progress = Callable[[str, str], None]  # (phase, message)


@contextmanager
def _timed(timings: dict[str, float], phase: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[phase] = timings.get(phase, 0.0) + time.perf_counter() - start


def canonical(graph: Graph) -> Graph:
    """``graph`` with blank nodes relabelled canonically, so that dumps are reproducible."""
    if not any(isinstance(t, BNode) for triple in graph for t in triple):
        return graph
    return bind_prefixes(Graph()) + to_canonical_graph(graph)


def import_sources(paths: Paths) -> list[tuple[GraphSource, Graph]]:
    """Graphs added with ``segraph import`` (``var/imports/NAME.ttl`` + ``NAME.meta.ttl``)."""
    found = []
    if paths.imports.is_dir():
        for data in sorted(paths.imports.glob("*.ttl")):
            if data.name.endswith(".meta.ttl"):
                continue
            meta = parse_rdf_file(data.with_suffix(".meta.ttl")) \
                if data.with_suffix(".meta.ttl").is_file() else Graph()
            source = local_source(data.stem, [data], data.stem)
            found.append((source, meta))
    return found


def describe_graph(meta: Graph, source: GraphSource, triples: int) -> None:
    """DCTERMS/PROV-O/VoID description of one named graph in the metadata graph."""
    node = source.iri
    meta.add((DATASET_IRI, VOID.subset, node))
    meta.add((node, RDF.type, VOID.Dataset))
    meta.add((node, RDF.type, PROV.Entity))
    for lang, text in sorted(source.title.items()):
        meta.add((node, DCTERMS.title, Literal(text, lang=lang)))
    for lang, text in sorted(source.derivation.items()):
        meta.add((node, DCTERMS.description, Literal(text, lang=lang)))
    if source.license:
        meta.add((node, DCTERMS.license, URIRef(source.license)))
    for iri in source.source:
        meta.add((node, DCTERMS.source, URIRef(iri)))
        meta.add((node, PROV.wasDerivedFrom, URIRef(iri)))
    activity = URIRef(f"{node}#conversion")
    meta.add((node, PROV.wasGeneratedBy, activity))
    meta.add((activity, RDF.type, PROV.Activity))
    meta.add((activity, RDFS.label, Literal(f"segraph converter '{source.converter}'", lang="en")))
    for index, pattern in enumerate(source.patterns or (), start=1):
        used = URIRef(f"{node}#input-{index}")
        meta.add((activity, PROV.used, used))
        meta.add((used, RDF.type, PROV.Entity))
        meta.add((used, RDFS.label, Literal(pattern)))
    meta.add((node, VOID.triples, Literal(triples)))
    if source.example:
        meta.add((node, SEG.isExample, Literal(True)))


def dataset_description(meta: Graph) -> None:
    meta.add((DATASET_IRI, RDF.type, VOID.Dataset))
    meta.add((DATASET_IRI, RDF.type, DCAT.Dataset))
    meta.add((DATASET_IRI, DCTERMS.title, Literal("segraph", lang="en")))
    meta.add((DATASET_IRI, DCTERMS.description, Literal(
        "A knowledge graph of the Swedish social economy: municipalities, social enterprises, "
        "societal challenges and the UN Sustainable Development Goals.", lang="en")))
    meta.add((DATASET_IRI, DCTERMS.description, Literal(
        "En kunskapsgraf över den svenska sociala ekonomin: kommuner, sociala företag, "
        "samhällsutmaningar och FN:s globala mål för hållbar utveckling.", lang="sv")))
    meta.add((DATASET_IRI, DCTERMS.license,
              URIRef("https://creativecommons.org/licenses/by/4.0/")))
    meta.add((DATASET_IRI, OWL.versionInfo, Literal(__version__)))


def build(
    paths: Paths,
    *,
    extra_files: list[Path] | None = None,
    reason: bool = True,
    match: bool = True,
    java: str = "java",
    validator: str = "turbo",
    progress: Progress | None = None,
) -> BuildResult:
    """Assemble, validate, reason, load and dump the graph. Raises :class:`BuildError`."""
    say = progress or (lambda phase, message: None)
    result = BuildResult(out=paths.build)
    timings = result.timings
    graphs: dict[str, Graph] = {}
    sources: dict[str, GraphSource] = {}
    meta = bind_prefixes(Graph())

    with _timed(timings, "parse"):
        manifest = load_manifest(paths.project)
        if extra_files:
            manifest.append(local_source("local", list(extra_files), "Local data"))
        for source in manifest:
            say("parse", f"{source.name} ({len(source.files)} file(s))")
            graphs[source.name] = canonical(convert(source))
            sources[source.name] = source
        for source, source_meta in import_sources(paths):
            say("parse", f"{source.name} (imported)")
            graphs[source.name] = canonical(convert(source))
            sources[source.name] = source
            meta += source_meta

    ontology = graphs["ontology"]
    data = Graph()
    for name, graph in graphs.items():
        if sources[name].validate and name != "ontology":
            data += graph

    with _timed(timings, "validate"):
        say("validate", f"{len(data)} triples against {len(graphs['shapes'])} shape triples")
        report = validate_graph(data, graphs["shapes"], reference=ontology,
                                focus_nodes=None, engine=validator)
        result.report = report
        if not report.conforms:
            raise BuildError("the data does not conform to the shapes", report)

    if reason:
        with _timed(timings, "reason"):
            say("reason", "HermiT over ontology + data")
            inferred = infer(ontology, data, java=java)
            graphs["inferred"] = inferred
            sources["inferred"] = INFERRED

    if match:
        with _timed(timings, "match"):
            say("match", "every municipality's best-matching enterprises")
            graphs["matches"] = build_matches(graphs)
            sources["matches"] = MATCHES

    dataset_description(meta)
    for name in sorted(graphs):
        describe_graph(meta, sources[name], len(graphs[name]))
        result.graphs[name] = len(graphs[name])
    graphs["metadata"] = meta
    result.graphs["metadata"] = len(meta)

    paths.var.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="build.", dir=paths.var))
    try:
        with _timed(timings, "load"):
            say("load", f"{sum(len(g) for g in graphs.values())} quads into the store")
            store = EmbeddedStore(staging / "store")
            for name in sorted(graphs):
                store.load_quads(graph_quads(graphs[name], str(graph_iri(name))))
            # The writes accepted on the served graph, so that the dumps and the release
            # hold them (a server on this build applies only the later ones).
            journal = replay(store.oxigraph, Journal(paths.journal), f"{BASE}id/", BASE)
            if journal:
                say("load", f"changes 1–{journal} from the write journal")
            store.flush()
        with _timed(timings, "dump"):
            say("dump", "Turtle, N-Triples, N-Quads, TriG, JSON-LD (gzip)")
            dumps = write_dumps(store.oxigraph, staging / "dumps", paths.project)
            store.close()
            result.dumps, result.content = dumps.checksums, dumps.content
            say("dump", "release")
            result.release, result.new_release = publish(paths, dumps)
        info = {"version": __version__, "graphs": result.graphs,
                "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "timings": {k: round(v, 3) for k, v in timings.items()},
                "content": result.content, "release": result.release.number,
                "journal": journal,
                "dumps": result.dumps}
        (staging / "build-info.json").write_text(json.dumps(info, indent=2) + "\n")
        _swap(staging, paths.build)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result


def _swap(staging: Path, target: Path) -> None:
    """Replace ``target`` by ``staging`` with two renames; the old build is removed after."""
    old = None
    if target.exists():
        old = target.with_name(target.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
