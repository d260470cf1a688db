"""Registers of enterprises and agreements as CSV (semicolon-separated, as Swedish spreadsheets
write them) converted to RDF. The example data set is kept in this form.

Enterprise columns: name; organisation_number; legal_form; municipality; work_integration;
activities; target_groups; challenges; homepage; description; description_lang;
reinvests_profit; operates_in.  Agreement columns: id; kind; municipality; enterprise; year;
value_sek; challenges; title_sv; title_en.  List cells are comma-separated keys; yes/no cells
take ja/nej or yes/no; amounts may use a decimal comma.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from segraph.namespaces import ID, SEG, bind_prefixes
from segraph.sources.rdf_files import SourceError, parse_rdf_file

ENTERPRISE_COLUMNS = ("name", "organisation_number", "legal_form", "municipality",
                      "work_integration", "activities", "target_groups", "challenges", "homepage",
                      "description", "description_lang", "reinvests_profit", "operates_in")
AGREEMENT_COLUMNS = ("id", "kind", "municipality", "enterprise", "year", "value_sek",
                     "challenges", "title_sv", "title_en")
YES = {"ja", "yes", "j", "y", "true", "1", "x"}
NO = {"nej", "no", "n", "false", "0", ""}
EXAMPLE_SUFFIX = {"sv": " (exempel)", "en": " (example)"}


def organisation_iri(number: str) -> URIRef:
    return ID[f"organisation/{number}"]


def municipality_iri(code: str) -> URIRef:
    return ID[f"municipality/{code}"]


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        sample = fh.readline()
        fh.seek(0)
        delimiter = ";" if sample.count(";") >= sample.count(",") else ","
        reader = csv.DictReader(fh, delimiter=delimiter)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise SourceError(f"{path}:1: missing column(s) {', '.join(missing)}; "
                              f"the header must name {';'.join(columns)}")
        for line, row in enumerate(reader, start=2):
            yield line, {k: (v or "").strip() for k, v in row.items() if k is not None}


def _keys(cell: str) -> list[str]:
    return [k.strip() for k in cell.split(",") if k.strip()]


def _flag(path: Path, line: int, column: str, cell: str) -> bool:
    if cell.lower() in YES:
        return True
    if cell.lower() in NO:
        return False
    raise SourceError(f"{path}:{line}: column {column}: {cell!r} is not ja/nej")


def _labels(graph: Graph, node: URIRef, names: dict[str, str], example: bool) -> None:
    for lang, name in names.items():
        if name:
            text = name + (EXAMPLE_SUFFIX[lang] if example else "")
            graph.add((node, RDFS.label, Literal(text, lang=lang)))
            graph.add((node, SKOS.prefLabel, Literal(text, lang=lang)))


def enterprises_graph(path: Path, *, example: bool = False) -> Graph:
    graph = bind_prefixes(Graph())
    for line, row in _rows(path, ENTERPRISE_COLUMNS):
        number = row["organisation_number"]
        if not re.fullmatch(r"\d{6}-\d{4}", number):
            raise SourceError(f"{path}:{line}: column organisation_number: {number!r} is not "
                              "of the form NNNNNN-NNNN")
        node = organisation_iri(number)
        wise = _flag(path, line, "work_integration", row["work_integration"])
        graph.add((node, RDF.type,
                   SEG.WorkIntegrationSocialEnterprise if wise else SEG.SocialEnterprise))
        name = row["name"]
        _labels(graph, node, {"sv": name, "en": name if example else ""}, example)
        graph.add((node, SEG.organisationNumber, Literal(number)))
        graph.add((node, SEG.legalForm, ID[f"legal-form/{row['legal_form']}"]))
        graph.add((node, SEG.seatMunicipality, municipality_iri(row["municipality"])))
        for code in _keys(row["operates_in"]):
            graph.add((node, SEG.operatesIn, municipality_iri(code)))
        for key in _keys(row["activities"]):
            graph.add((node, SEG.activityType, ID[f"activity-type/{key}"]))
        for key in _keys(row["target_groups"]):
            graph.add((node, SEG.targetGroup, ID[f"target-group/{key}"]))
        for key in _keys(row["challenges"]):
            graph.add((node, SEG.addressesChallenge, ID[f"challenge/{key}"]))
        if row["homepage"]:
            graph.add((node, FOAF.homepage, URIRef(row["homepage"])))
        if row["description"]:
            graph.add((node, DCTERMS.description,
                       Literal(row["description"], lang=row["description_lang"] or "sv")))
        graph.add((node, SEG.reinvestsProfit,
                   Literal(_flag(path, line, "reinvests_profit", row["reinvests_profit"]))))
        if example:
            graph.add((node, SEG.isExample, Literal(True)))
    return graph


def agreements_graph(path: Path, *, example: bool = False) -> Graph:
    graph = bind_prefixes(Graph())
    for line, row in _rows(path, AGREEMENT_COLUMNS):
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", row["id"]):
            raise SourceError(f"{path}:{line}: column id: {row['id']!r} must be letters, "
                              "digits, - and _")
        node = ID[f"agreement/{row['id']}"]
        graph.add((node, RDF.type, SEG.Agreement))
        _labels(graph, node, {"sv": row["title_sv"], "en": row["title_en"]}, example)
        graph.add((node, SEG.agreementKind, ID[f"agreement-kind/{row['kind']}"]))
        graph.add((node, SEG.municipalityParty, municipality_iri(row["municipality"])))
        graph.add((node, SEG.enterpriseParty, organisation_iri(row["enterprise"])))
        try:
            graph.add((node, SEG.year, Literal(int(row["year"]))))
        except ValueError as exc:
            raise SourceError(f"{path}:{line}: column year: {row['year']!r} is not a year") \
                from exc
        if row["value_sek"]:
            text = row["value_sek"].replace(" ", "").replace("\u00a0", "").replace(",", ".")
            try:
                value = Decimal(text)
            except InvalidOperation as exc:
                raise SourceError(f"{path}:{line}: column value_sek: {row['value_sek']!r} is "
                                  "not an amount") from exc
            graph.add((node, SEG.valueSEK, Literal(value, datatype=XSD.decimal)))
        for key in _keys(row["challenges"]):
            graph.add((node, SEG.servesChallenge, ID[f"challenge/{key}"]))
        if example:
            graph.add((node, SEG.isExample, Literal(True)))
    return graph


def examples_graph(files: tuple[Path, ...]) -> Graph:
    """The fictional example set: enterprises.csv, agreements.csv and any Turtle beside them."""
    graph = bind_prefixes(Graph())
    for path in files:
        if path.name.startswith("enterprises"):
            graph += enterprises_graph(path, example=True)
        elif path.name.startswith("agreements"):
            graph += agreements_graph(path, example=True)
        else:
            parse_rdf_file(path, graph)
    return graph
