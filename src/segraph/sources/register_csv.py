"""Registers of enterprises and agreements as CSV converted to RDF, one row at a time.

The same converter reads the fictional example set (``data/examples/*.csv``: keys and codes as
written, any error stops the build) and a municipality's own register imported with ``segraph
import enterprises|agreements`` (concept labels, municipality names, organisationsnummer in any
usual form; every cell's problem is collected with its row and column). The columns, with their
Swedish template names and the other names accepted, are :data:`ENTERPRISE_COLUMNS` and
:data:`AGREEMENT_COLUMNS`; ``docs/publishing.md`` describes them for publishers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from segraph.namespaces import ID, SEG, bind_prefixes
from segraph.sources.csv_reading import Row, Table, column_key, parse_amount, read_table
from segraph.sources.csv_values import (
    AsWritten,
    CellError,
    flag,
    organisation_number,
    split_list,
    year,
)
from segraph.sources.rdf_files import SourceError, parse_rdf_file


@dataclass(frozen=True)
class Column:
    key: str
    sv: str                      # the template's (Swedish) column name
    en: str                      # the English name, accepted too
    others: tuple[str, ...] = ()


ENTERPRISE_COLUMNS = (
    Column("name", "namn", "name", ("företagsnamn", "företag")),
    Column("organisation_number", "organisationsnummer", "organisation_number",
           ("orgnr", "org nr", "organization number", "organisationsnr")),
    Column("legal_form", "juridisk_form", "legal_form",
           ("bolagsform", "associationsform", "företagsform")),
    Column("municipality", "kommun", "municipality", ("säte", "sätes kommun", "seat")),
    Column("work_integration", "arbetsintegrerande", "work_integration", ("wise",)),
    Column("activities", "verksamhet", "activities",
           ("verksamhetstyp", "verksamhetstyper", "activity types")),
    Column("target_groups", "målgrupper", "target_groups", ("målgrupp",)),
    Column("challenges", "utmaningar", "challenges", ("samhällsutmaningar",)),
    Column("homepage", "webbplats", "homepage",
           ("webbsida", "hemsida", "kontakt", "kontaktsida", "website", "web page",
            "contact web page", "url")),
    Column("description", "beskrivning", "description"),
    Column("description_lang", "beskrivning_språk", "description_lang", ("språk", "language")),
    Column("reinvests_profit", "återinvesterar_vinst", "reinvests_profit",
           ("vinsten återinvesteras",)),
    Column("operates_in", "verksam_i", "operates_in", ("övriga kommuner", "verksam i kommuner")),
)
AGREEMENT_COLUMNS = (
    Column("id", "id", "id", ("avtals id", "avtalsnummer", "diarienummer", "agreement id")),
    Column("kind", "avtalsform", "kind", ("avtalstyp", "agreement kind", "typ")),
    Column("municipality", "kommun", "municipality", ("kommunpart", "beställare")),
    Column("enterprise", "företag", "enterprise",
           ("organisationsnummer", "företagspart", "leverantör", "utförare", "supplier")),
    Column("year", "år", "year", ("avtalsår",)),
    Column("value_sek", "värde_kr", "value_sek", ("värde", "belopp", "belopp kr", "värde sek",
                                                  "value")),
    Column("challenges", "utmaningar", "challenges", ("samhällsutmaningar",)),
    Column("title_sv", "titel", "title_sv", ("titel sv", "benämning", "avtalets namn", "title")),
    Column("title_en", "titel_en", "title_en", ("engelsk titel", "english title")),
)
ENTERPRISE_REQUIRED = ("name", "organisation_number", "municipality")
AGREEMENT_REQUIRED = ("kind", "municipality", "enterprise", "year")
EXAMPLE_SUFFIX = {"sv": " (exempel)", "en": " (example)"}

# Which column a property of a converted row came from, for reports on the RDF.
ENTERPRISE_PATHS = {RDFS.label: "name", SKOS.prefLabel: "name", RDF.type: "work_integration",
                    SEG.organisationNumber: "organisation_number", SEG.legalForm: "legal_form",
                    SEG.seatMunicipality: "municipality", SEG.operatesIn: "operates_in",
                    SEG.activityType: "activities", SEG.targetGroup: "target_groups",
                    SEG.addressesChallenge: "challenges", FOAF.homepage: "homepage",
                    DCTERMS.description: "description",
                    SEG.reinvestsProfit: "reinvests_profit"}
AGREEMENT_PATHS = {RDFS.label: "title_sv", SKOS.prefLabel: "title_sv",
                   SEG.agreementKind: "kind", SEG.municipalityParty: "municipality",
                   SEG.enterpriseParty: "enterprise", SEG.year: "year",
                   SEG.valueSEK: "value_sek", SEG.servesChallenge: "challenges"}


def aliases(columns: tuple[Column, ...]) -> dict[str, str]:
    """Normalised column name -> column key, for every accepted name."""
    return {column_key(name): c.key for c in columns for name in (c.sv, c.en, *c.others)}


def column_name(columns: tuple[Column, ...], key: str) -> str:
    return next(c.sv for c in columns if c.key == key)


class Triples(list):
    """The triples of one row: a list (cheaper than a graph per row) with a graph's ``add``."""

    add = list.append


@dataclass
class Converted:
    """One row converted: its resource, its triples, and the problems of its cells."""

    row: int
    node: URIRef | None = None
    graph: Triples = field(default_factory=Triples)
    errors: list[tuple[str, CellError]] = field(default_factory=list)

    def cell(self, column: str, read: Callable[[], object]) -> object:
        """``read()``, or None with the problem recorded against ``column``."""
        try:
            return read()
        except CellError as exc:
            self.errors.append((column, exc))
            return None


def _labels(graph: Triples, node: URIRef, names: dict[str, str], example: bool) -> None:
    for lang, name in names.items():
        if name:
            text = name + (EXAMPLE_SUFFIX[lang] if example else "")
            graph.add((node, RDFS.label, Literal(text, lang=lang)))
            graph.add((node, SKOS.prefLabel, Literal(text, lang=lang)))


def enterprise_row(row: Row, values: AsWritten, *, example: bool = False) -> Converted:
    """One enterprise: ``organisation/{organisationsnummer}``, typed a work integration
    social enterprise when ``arbetsintegrerande`` says ja."""
    c = row.cells.get
    out = Converted(row.number)
    name = c("name", "")
    if not name:
        out.errors.append(("name", CellError("namnet saknas", "the name is missing")))
    number = out.cell("organisation_number",
                      lambda: organisation_number(c("organisation_number", "")))
    node = ID[f"organisation/{number or 'invalid'}"]  # the other cells are checked too
    graph = out.graph
    wise = out.cell("work_integration", lambda: flag(c("work_integration", "")))
    graph.add((node, RDF.type,
               SEG.WorkIntegrationSocialEnterprise if wise else SEG.SocialEnterprise))
    _labels(graph, node, {"sv": name, "en": name if example else ""}, example)
    if number is not None:
        graph.add((node, SEG.organisationNumber, Literal(number)))
    if c("legal_form"):
        form = out.cell("legal_form", lambda: values.concept("legal_form", c("legal_form", "")))
        if form is not None:
            graph.add((node, SEG.legalForm, form))
    if not c("municipality"):
        out.errors.append(("municipality", CellError(
            "kommunen (sätet) saknas: ange kommunens namn eller kommunkod",
            "the municipality (seat) is missing: give its name or code")))
    seat = out.cell("municipality", lambda: values.municipality(c("municipality", ""))) \
        if c("municipality") else None
    if seat is not None:
        graph.add((node, SEG.seatMunicipality, seat))
    for part in split_list(c("operates_in", "").replace(",", ";")):
        place = out.cell("operates_in", lambda part=part: values.municipality(part))
        if place is not None:
            graph.add((node, SEG.operatesIn, place))
    for column, predicate in (("activities", SEG.activityType),
                              ("target_groups", SEG.targetGroup),
                              ("challenges", SEG.addressesChallenge)):
        found = out.cell(column, lambda column=column: values.concepts(column, c(column, "")))
        for concept in found or ():
            graph.add((node, predicate, concept))
    homepage = c("homepage", "")
    if homepage:
        if not re.match(r"(?i)https?://", homepage):
            homepage = "https://" + homepage
        if re.fullmatch(r"(?i)https?://[^\s<>\"{}|\\^`]+\.[^\s<>\"{}|\\^`]+", homepage):
            graph.add((node, FOAF.homepage, URIRef(homepage)))
        else:
            out.errors.append(("homepage", CellError(
                f"{c('homepage')!r} är ingen webbadress (t.ex. https://example.org/)",
                f"{c('homepage')!r} is not a web address (e.g. https://example.org/)")))
    if c("description"):
        lang = (c("description_lang") or "sv").casefold()
        graph.add((node, DCTERMS.description, Literal(c("description"), lang=lang)))
    profit = out.cell("reinvests_profit", lambda: flag(c("reinvests_profit", "")))
    if profit is not None:
        graph.add((node, SEG.reinvestsProfit, Literal(profit)))
    if example:
        graph.add((node, SEG.isExample, Literal(True)))
    if number is None:
        out.graph = Triples()
    else:
        out.node = node
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]+", "-", text).strip("-")


def agreement_row(row: Row, values: AsWritten, *, example: bool = False) -> Converted:
    """One agreement: ``agreement/{id}``; without an id, one made of its municipality, its
    enterprise, its year and its kind."""
    c = row.cells.get
    out = Converted(row.number)
    graph = Triples()
    kind = out.cell("kind", lambda: values.concept("kind", c("kind", "")))
    places = [out.cell("municipality", lambda p=p: values.municipality(p))
              for p in split_list(c("municipality", "").replace(",", ";"))]
    parties = [out.cell("enterprise", lambda p=p: values.enterprise(p))
               for p in split_list(c("enterprise", "").replace(",", ";"))]
    for column, found, sv, en in (
            ("municipality", places, "kommunen saknas", "the municipality is missing"),
            ("enterprise", parties, "företagets organisationsnummer saknas",
             "the enterprise's organisationsnummer is missing")):
        if not found and not any(e[0] == column for e in out.errors):
            out.errors.append((column, CellError(sv, en)))
    when = out.cell("year", lambda: year(c("year", "")))
    amount = None
    if c("value_sek"):
        try:
            amount = parse_amount(c("value_sek", ""))
        except ValueError:
            out.errors.append(("value_sek", CellError(
                f"{c('value_sek')!r} är inget belopp: skriv kronor, t.ex. 1 250 000,50",
                f"{c('value_sek')!r} is not an amount: write kronor, e.g. 1 250 000,50")))
    identifier = c("id", "") if example else _slug(c("id", ""))
    if example and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", identifier):
        out.errors.append(("id", CellError("id: bokstäver, siffror, - och _",
                                           f"{identifier!r} must be letters, digits, - and _")))
    if out.errors:
        return out
    if not identifier:
        identifier = "-".join(str(x).rsplit("/", 1)[-1] for x in (places[0], parties[0], when,
                                                                   kind))
    node = out.node = ID[f"agreement/{identifier}"]
    graph.add((node, RDF.type, SEG.Agreement))
    titles = {"sv": c("title_sv", ""), "en": c("title_en", "")}
    if not titles["sv"] and not titles["en"] and hasattr(values, "title"):
        titles = values.title(kind, places[0], when)
    _labels(graph, node, titles, example)
    graph.add((node, SEG.agreementKind, kind))
    for place in places:
        graph.add((node, SEG.municipalityParty, place))
    for party in parties:
        graph.add((node, SEG.enterpriseParty, party))
    graph.add((node, SEG.year, Literal(when)))
    if amount is not None:
        graph.add((node, SEG.valueSEK, Literal(amount, datatype=XSD.decimal)))
    found = out.cell("challenges", lambda: values.concepts("challenges", c("challenges", "")))
    for concept in found or ():
        graph.add((node, SEG.servesChallenge, concept))
    if example:
        graph.add((node, SEG.isExample, Literal(True)))
    out.graph = graph
    return out


KINDS = {"enterprises": (ENTERPRISE_COLUMNS, ENTERPRISE_REQUIRED, enterprise_row, ENTERPRISE_PATHS),
         "agreements": (AGREEMENT_COLUMNS, AGREEMENT_REQUIRED, agreement_row, AGREEMENT_PATHS)}


def read_register(path: Path, kind: str) -> Table:
    columns, required, _, _ = KINDS[kind]
    names = {c.key: f"{c.sv} ({c.en})" if c.sv != c.en else c.sv for c in columns}
    return read_table(path, aliases(columns), required, names)


def _example_graph(path: Path, kind: str) -> Graph:
    _, _, convert_row, _ = KINDS[kind]
    table = read_register(path, kind)
    graph = bind_prefixes(Graph())
    for row in table.rows:
        converted = convert_row(row, AsWritten(), example=True)
        if converted.errors:
            column, error = converted.errors[0]
            raise SourceError(f"{path}:{row.number}: column {table.columns.get(column, column)}: "
                              f"{error.en}")
        for triple in converted.graph:
            graph.add(triple)
    return graph


def enterprises_graph(path: Path, *, example: bool = True) -> Graph:
    return _example_graph(path, "enterprises")


def agreements_graph(path: Path, *, example: bool = True) -> Graph:
    return _example_graph(path, "agreements")


def examples_graph(files: tuple[Path, ...]) -> Graph:
    """The fictional example set: enterprises.csv, agreements.csv and any Turtle beside them."""
    graph = bind_prefixes(Graph())
    for path in files:
        if path.name.startswith("enterprises"):
            graph += enterprises_graph(path)
        elif path.name.startswith("agreements"):
            graph += agreements_graph(path)
        else:
            parse_rdf_file(path, graph)
    return graph
