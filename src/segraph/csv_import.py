"""``segraph import enterprises|agreements FILE.csv``: a municipality's register into the graph.

The file is converted row by row (:mod:`segraph.sources.register_csv`), the result validated
against the shapes together with the graph's reference data and the other imports (as
``segraph validate`` does), and each problem reported against the row (as a spreadsheet numbers
it, the header being row 1) and the column it comes from, in Swedish and English; a SHACL result
is mapped back from its focus node and path. Only when every row is valid, or with
``skip_invalid`` the valid rows, is the named graph ``graph/<kind>-<file name>`` kept under
``var/imports`` with its provenance and replaced in the built store in one update.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from segraph.namespaces import graph_iri
from segraph.settings import Paths
from segraph.sources.csv_values import CellError
from segraph.sources.rdf_files import SourceError
from segraph.validation import Violation

Progress = Callable[[str, int, int], None]  # (phase, done, total)
TITLES = {"enterprises": ("Sociala företag ur {file}", "Social enterprises from {file}"),
          "agreements": ("Avtal ur {file}", "Agreements from {file}")}


@dataclass(frozen=True)
class Problem:
    """What is wrong in one cell (or row), in Swedish and English."""

    row: int
    column: str          # the header as the file writes it ("" for the row as a whole)
    sv: str
    en: str
    severity: str = "error"   # "error" (the row cannot be loaded) or "warning"

    def text(self, lang: str = "sv") -> str:
        where = (f"rad {self.row}" if lang == "sv" else f"row {self.row}")
        if self.column:
            where += f", kolumn {self.column}" if lang == "sv" else f", column {self.column}"
        if self.severity != "error":
            where += " (varning)" if lang == "sv" else " (warning)"
        return f"{where}: {self.sv if lang == 'sv' else self.en}"


@dataclass
class ImportResult:
    kind: str
    file: Path
    name: str                       # the named graph's local name
    rows: int = 0                   # data rows in the file
    loaded: int = 0                 # rows loaded (0 on a dry run or when refused)
    invalid: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    triples: int = 0
    encoding: str = ""
    separator: str = ""
    written: bool = False
    in_store: bool = False
    unknown_columns: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def iri(self) -> URIRef:
        return graph_iri(self.name)


def graph_name(kind: str, file: Path) -> str:
    """``enterprises-malmo-register`` for ``Malmö register.csv``."""
    from segraph.reconciliation import fold

    stem = re.sub(r"[^a-z0-9]+", "-", fold(file.stem).casefold()).strip("-") or "file"
    return f"{kind}-{stem}"


def reference_data(paths: Paths, name: str) -> tuple[Graph, Graph]:
    """The shapes, and what the rows may refer to: the graph's reference data and every other
    import (enterprises imported before their agreements)."""
    from segraph.sources import shapes_and_reference
    from segraph.sources.rdf_files import parse_rdf_file

    shapes, reference = shapes_and_reference(paths.project)
    if paths.imports.is_dir():
        for other in sorted(paths.imports.glob("*.ttl")):
            if not other.name.endswith(".meta.ttl") and other.stem != name:
                parse_rdf_file(other, reference)
    return shapes, reference


def shape_messages(shapes: Graph, violation: Violation) -> tuple[str, str]:
    """The shape's Swedish and English messages for ``violation``, the Swedish one filled in
    with the values (``{?check}``) read off the English one."""
    templates: dict[str, str] = {}
    if violation.shape:
        for message in shapes.objects(URIRef(violation.shape), SH.message):
            templates.setdefault(getattr(message, "language", None) or "", str(message))
    en = violation.message
    sv_template = templates.get("sv")
    if sv_template is None:
        return en, en
    found: dict[str, str] = {}
    en_template = templates.get("en", "")
    names = re.findall(r"\{[?$](\w+)\}", en_template)
    if names:
        parts = re.split(r"\{[?$]\w+\}", en_template)
        pattern = re.escape(parts[0]) + "".join(
            f"(?P<v{i}>.*?)" + re.escape(part) for i, part in enumerate(parts[1:]))
        match = re.fullmatch(pattern, en, re.DOTALL)
        if match:
            found = {n: match.group(f"v{i}") for i, n in enumerate(names)}
    sv = re.sub(r"\{[?$](\w+)\}", lambda m: found.get(m.group(1), m.group(0)), sv_template)
    return sv, en


RESERVED = {"metadata", "inferred", "matches", "local", "un-sdg-kos"}


def _check_name(paths: Paths, name: str) -> None:
    """A named graph of the build's own cannot be an import's."""
    from segraph.sources import load_manifest

    if name in RESERVED or name in {s.name for s in load_manifest(paths.project)}:
        raise SourceError(f"--name {name}: the build has a graph of that name; choose another")


def _subgraph(triples: list) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph


def import_register(paths: Paths, kind: str, file: Path, *, skip_invalid: bool = False,
                    dry_run: bool = False, name: str | None = None, engine: str = "turbo",
                    progress: Progress | None = None) -> ImportResult:
    """Convert, validate and (unless ``dry_run`` or a row is invalid without
    ``skip_invalid``) keep and load the register ``file`` of ``kind`` (enterprises or
    agreements). Raises :class:`SourceError` when the file cannot be read as a register."""
    from segraph.importer import keep_and_load, provenance
    from segraph.sources.csv_values import Vocabulary
    from segraph.sources.register_csv import KINDS, column_name, read_register
    from segraph.validation import validate_graph

    say = progress or (lambda phase, done, total: None)
    columns, _, convert_row, property_columns = KINDS[kind]
    if name is not None and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise SourceError(f"--name {name!r}: use lower-case letters, digits and -")
    result = ImportResult(kind, file, name or graph_name(kind, file))
    timings = result.timings
    _check_name(paths, result.name)

    start = time.perf_counter()
    table = read_register(file, kind)
    result.rows, result.encoding = len(table.rows), table.source.encoding
    result.separator, result.unknown_columns = table.source.separator, table.unknown
    say("read", 0, len(table.rows))
    shapes, reference = reference_data(paths, result.name)
    vocabulary = Vocabulary(reference)
    timings["reference"] = time.perf_counter() - start

    def header(key: str) -> str:
        return table.columns.get(key) or column_name(columns, key)

    start = time.perf_counter()
    converted, owner = [], {}
    for done, row in enumerate(table.rows, start=1):
        item = convert_row(row, vocabulary)
        if item.node is not None and item.node in owner and not item.errors:
            first = owner[item.node]
            item.errors.append(
                ("organisation_number", CellError(
                    f"organisationsnumret finns redan på rad {first}",
                    f"the same organisationsnummer is already on row {first}"))
                if kind == "enterprises" else
                ("id", CellError(f"samma avtal (id) finns redan på rad {first}",
                                 f"the same agreement (id) is already on row {first}")))
        elif item.node is not None and not item.errors:
            owner[item.node] = row.number
        for column, error in item.errors:
            result.problems.append(Problem(row.number, header(column), error.sv, error.en))
        converted.append(item)
        if done % 500 == 0 or done == len(table.rows):
            say("convert", done, len(table.rows))
    timings["convert"] = time.perf_counter() - start

    start = time.perf_counter()
    candidates = [item for item in converted if not item.errors and item.node is not None]
    data = Graph()
    for item in candidates:
        for triple in item.graph:
            data.add(triple)
    say("validate", 0, 1)
    report = validate_graph(data, shapes, reference=reference, engine=engine)
    rows_of = {str(item.node): item.row for item in candidates}
    paths_of = {str(p): key for p, key in property_columns.items()}
    for violation in report.violations:
        row = rows_of.get(violation.focus)
        if row is None:
            continue
        sv, en = shape_messages(shapes, violation)
        column = paths_of.get(violation.path or "", "")
        result.problems.append(Problem(row, header(column) if column else "", sv, en,
                                       "error" if violation.severity == "violation"
                                       else "warning"))
    say("validate", 1, 1)
    timings["validate"] = time.perf_counter() - start

    result.problems.sort(key=lambda p: (p.row, p.severity != "error", p.column))
    bad = {p.row for p in result.errors}
    result.invalid = sorted(bad)
    if dry_run or (bad and not skip_invalid):
        return result
    start = time.perf_counter()
    triples = []
    for item in candidates:
        if item.row not in bad:
            triples += item.graph
            result.loaded += 1
    if result.loaded:
        graph = data if not bad else _subgraph(triples)
        result.triples = len(graph)
        sv, en = TITLES[kind]
        meta = provenance(
            result.name, file, len(graph),
            title={"sv": sv.format(file=file.name), "en": en.format(file=file.name)},
            description={
                "sv": f"Importerad med `segraph import {kind}` från {file.name}: "
                      f"{result.loaded} av {result.rows} rader.",
                "en": f"Imported with `segraph import {kind}` from {file.name}: "
                      f"{result.loaded} of {result.rows} rows."},
            activity=f"segraph import {kind}", rows=result.rows, entities=result.loaded)
        say("load", 0, 1)
        result.in_store = keep_and_load(paths, result.name, graph, meta)
        result.written = True
        say("load", 1, 1)
    timings["load"] = time.perf_counter() - start
    return result


__all__ = ["ImportResult", "Problem", "SourceError", "graph_name", "import_register"]
