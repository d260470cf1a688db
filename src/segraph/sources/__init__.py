"""The sources of the graph: ``data/graphs.toml`` lists one named graph per source.

Each source names its files and a converter that turns them into an rdflib graph, plus the
provenance (source, licence, how it was derived) that the build writes into the metadata graph.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from segraph.namespaces import graph_iri
from segraph.sources.rdf_files import SourceError, parse_rdf_file

MANIFEST = Path("data") / "graphs.toml"


@dataclass(frozen=True)
class GraphSource:
    """One named graph and where it comes from."""

    name: str
    title: dict[str, str]
    converter: str
    files: tuple[Path, ...]
    license: str
    derivation: dict[str, str]
    source: tuple[str, ...] = ()
    validate: bool = True
    example: bool = False
    patterns: tuple[str, ...] = field(default=(), compare=False)

    @property
    def iri(self):
        return graph_iri(self.name)


def _convert_rdf(files: tuple[Path, ...]) -> Graph:
    graph = Graph()
    for path in files:
        parse_rdf_file(path, graph)
    return graph


def _convert_sdg(files: tuple[Path, ...]) -> Graph:
    from segraph.sources.sdg import sdg_graph

    return sdg_graph(files[0])


def _convert_examples(files: tuple[Path, ...]) -> Graph:
    from segraph.sources.register_csv import examples_graph

    return examples_graph(files)


CONVERTERS: dict[str, Callable[[tuple[Path, ...]], Graph]] = {
    "rdf": _convert_rdf,
    "sdg-labels": _convert_sdg,
    "examples": _convert_examples,
}


def _expand(project: Path, patterns: list[str]) -> tuple[Path, ...]:
    files: list[Path] = []
    for pattern in patterns:
        matches = sorted(project.glob(pattern)) if any(c in pattern for c in "*?[") else [
            project / pattern]
        if not matches:
            raise SourceError(f"{project / pattern}: no file matches")
        files.extend(matches)
    return tuple(files)


def load_manifest(project: Path) -> list[GraphSource]:
    """Read ``data/graphs.toml`` under ``project``."""
    path = project / MANIFEST
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise SourceError(f"{path}: no such file (is the project directory right?)") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{path}: {exc}") from exc
    sources = []
    for name, entry in data.get("graph", {}).items():
        converter = entry.get("converter", "rdf")
        if converter not in CONVERTERS:
            raise SourceError(f"{path}: graph {name!r} has unknown converter {converter!r}")
        sources.append(
            GraphSource(
                name=name,
                title=entry["title"],
                converter=converter,
                files=_expand(project, entry["files"]),
                license=entry["license"],
                derivation=entry["derivation"],
                source=tuple(entry.get("source", ())),
                validate=entry.get("validate", True),
                example=entry.get("example", False),
                patterns=tuple(entry["files"]),
            )
        )
    return sources


def local_source(name: str, files: list[Path], title: str) -> GraphSource:
    """A graph made of a user's own RDF files (``segraph build --data FILE``)."""
    return GraphSource(
        name=name,
        title={"en": title, "sv": title},
        converter="rdf",
        files=tuple(files),
        license="",
        derivation={"en": "Files given on the command line.",
                    "sv": "Filer angivna på kommandoraden."},
        source=tuple(p.resolve().as_uri() for p in files),
    )


def convert(source: GraphSource) -> Graph:
    """Run the source's converter over its files."""
    return CONVERTERS[source.converter](source.files)


def shapes_and_reference(project: Path) -> tuple[Graph, Graph]:
    """The shapes, and the graph's reference data (ontology and every non-example source)."""
    shapes, reference = Graph(), Graph()
    for source in load_manifest(project):
        graph = convert(source)
        if source.name == "shapes":
            shapes = graph
        elif not source.example:
            reference += graph
    return shapes, reference


__all__ = ["GraphSource", "SourceError", "convert", "load_manifest", "local_source",
           "shapes_and_reference"]
