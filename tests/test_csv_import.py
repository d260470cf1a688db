"""`segraph import enterprises|agreements FILE.csv`: templates, Swedish spreadsheet habits,
errors by row and column, all-or-nothing loading, re-import, provenance, later builds."""

from __future__ import annotations

import hashlib
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from segraph.cli import main
from segraph.csv_import import import_register
from segraph.namespaces import ID, SEG
from segraph.settings import Paths
from segraph.sources.csv_reading import parse_amount
from segraph.sources.csv_values import organisation_number
from segraph.store import EmbeddedStore

PROJECT = Path(__file__).resolve().parents[1]
TEMPLATES = PROJECT / "docs" / "templates"
GRAPH = "https://w3id.org/segraph/graph/"
HEADER = "namn;organisationsnummer;juridisk_form;kommun;verksamhet;utmaningar"
GOOD_ROW = "Gröna Händer;769612-3459;Ekonomisk förening;Malmö stad;Arbetsträning;unemployment"
OTHER_ROW = "Kafé Mötet;802498-7656;ideell förening;1283;Butik och handel;loneliness"
LUHN_ROW = "Fel Nummer AB;556036-0794;Aktiebolag;Lund;Återvinning;circular-economy"


@pytest.fixture()
def var(tmp_path: Path) -> Path:
    """A scratch var directory with an (empty) built store to load into."""
    var = tmp_path / "var"
    (var / "build").mkdir(parents=True)
    EmbeddedStore(var / "build" / "store").close()
    return var


def run(capsys, var: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["import", *argv, "--project-dir", str(PROJECT), "--var-dir", str(var), "-q"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(path: Path, *lines: str, encoding: str = "utf-8", end: str = "\n") -> Path:
    path.write_bytes(end.join(lines).encode(encoding) + end.encode())
    return path


def store_graph(var: Path, name: str) -> Graph:
    store = EmbeddedStore(var / "build" / "store", read_only=True)
    graph = Graph()
    for row in store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{GRAPH}{name}> {{ ?s ?p ?o }} }}",
                           union_default_graph=False).raw:
        graph.add(tuple(_term(row[k]) for k in ("s", "p", "o")))  # type: ignore[arg-type]
    return graph


def _term(term):
    from segraph.store.embedded import from_oxigraph

    return from_oxigraph(term)


def organisation(number: str) -> URIRef:
    return ID[f"organisation/{number}"]


# --- the templates ------------------------------------------------------------------------

def test_templates_import_cleanly(capsys, var):
    code, out, err = run(capsys, var, "enterprises", str(TEMPLATES / "enterprises.csv"))
    assert code == 0, out + err
    assert "2 av 2 rader laddade" in out and not re.search(r"\brad \d", out)
    code, out, err = run(capsys, var, "agreements", str(TEMPLATES / "agreements.csv"))
    assert code == 0, out + err
    assert "2 av 2 rader laddade" in out and not re.search(r"\brad \d", out)
    enterprises = store_graph(var, "enterprises-enterprises")
    first = organisation("769612-3459")
    assert (first, RDF.type, SEG.WorkIntegrationSocialEnterprise) in enterprises
    assert (first, SEG.seatMunicipality, ID["municipality/1280"]) in enterprises
    assert {o for o in enterprises.objects(first, SEG.operatesIn)} == {
        ID["municipality/1281"], ID["municipality/1231"]}  # Lund, Burlöv
    assert (organisation("802498-7656"), SEG.activityType,
            ID["activity-type/cafe-catering"]) in enterprises
    agreements = store_graph(var, "agreements-agreements")
    value = agreements.value(ID["agreement/malmo-2024-parker"], SEG.valueSEK)
    assert value.datatype == XSD.decimal and Decimal(str(value)) == Decimal("1250000.50")
    assert (None, SEG.enterpriseParty, organisation("802498-7656")) in agreements


def test_english_column_names_and_keys_are_accepted(var):
    file = write(var.parent / "en.csv",
                 "name,organisation_number,legal_form,municipality,activities,challenges",
                 'Green Hands,7696123459,economic-association,Malmo kommun,"work-training, '
                 'retail",unemployment')
    result = import_register(Paths(project=PROJECT, var=var), "enterprises", file)
    assert result.problems == [] and result.loaded == 1 and result.separator == ","


# --- Swedish spreadsheet habits -----------------------------------------------------------

@pytest.mark.parametrize("encoding,bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
                                          ("cp1252", b"")])
def test_encodings(var, encoding, bom):
    file = var.parent / "reg.csv"
    file.write_bytes(bom + f"{HEADER}\r\n{GOOD_ROW}\r\n".encode(encoding))
    result = import_register(Paths(project=PROJECT, var=var), "enterprises", file)
    assert result.problems == [] and result.loaded == 1
    graph = store_graph(var, "enterprises-reg")
    assert (organisation("769612-3459"), None, Literal("Gröna Händer", lang="sv")) in graph


def test_an_encoding_that_is_not_text_is_a_clear_error(capsys, var):
    file = var.parent / "binary.csv"
    file.write_bytes(HEADER.encode() + b"\n\x81\x8d\x00\x90;x\n")
    code, _, err = run(capsys, var, "enterprises", str(file))
    assert code == 2 and "UTF-8" in err and "binary.csv:2" in err


def test_excel_quirks_names_and_numbers(var):
    file = write(var.parent / "excel.csv",
                 "",  # an empty first line
                 "Namn;Organisationsnummer;Juridisk form;KOMMUN;Verksamhet;Utmaningar;;;",
                 "Gröna Händer;16769612-3459;ek. för.;MALMÖ;Arbetsträning;Arbetslöshet;;;",
                 ";;;;;;;;",
                 "",
                 "Kafé Mötet;8024987656;Ideell förening;114;Butik och handel;loneliness;;;",
                 "Tredje;SE556036079301;Aktiebolag;Göteborgs stad;retail;loneliness;;;",
                 end="\r\n")
    result = import_register(Paths(project=PROJECT, var=var), "enterprises", file)
    assert result.problems == [] and result.loaded == 3 and result.unknown_columns == []
    graph = store_graph(var, "enterprises-excel")
    assert (organisation("769612-3459"), SEG.seatMunicipality, ID["municipality/1280"]) in graph
    assert (organisation("802498-7656"), SEG.seatMunicipality, ID["municipality/0114"]) in graph
    assert (organisation("556036-0793"), SEG.seatMunicipality, ID["municipality/1480"]) in graph
    assert (organisation("769612-3459"), SEG.addressesChallenge,
            ID["challenge/unemployment"]) in graph


def test_row_numbers_count_empty_lines_as_a_spreadsheet_does(var):
    file = write(var.parent / "gaps.csv", HEADER, GOOD_ROW, "", ";;;;;", LUHN_ROW)
    result = import_register(Paths(project=PROJECT, var=var), "enterprises", file,
                             dry_run=True)
    assert [p.row for p in result.errors] == [5]


@pytest.mark.parametrize("text,value", [
    ("1 250 000,50", "1250000.50"), ("1\u00a0250\u00a0000,50", "1250000.50"),
    ("1\u202f250\u202f000", "1250000"), ("1250000.50", "1250000.50"),
    ("1.250.000,50", "1250000.50"), ("1,250,000.50", "1250000.50"), ("450 000 kr", "450000"),
    ("45000,00", "45000.00"), ("12 000:-", "12000")])
def test_amounts(text, value):
    assert parse_amount(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "ett tusen", "1,2,3.4.5", "12 000 €"])
def test_not_amounts(text):
    with pytest.raises(ValueError):
        parse_amount(text)


@pytest.mark.parametrize("text", ["556036-0793", "5560360793", "16556036-0793",
                                  "SE556036079301", "556036 0793"])
def test_organisation_numbers(text):
    assert organisation_number(text) == "556036-0793"


def test_agreement_habits(var):
    paths = Paths(project=PROJECT, var=var)
    import_register(paths, "enterprises", TEMPLATES / "enterprises.csv")
    file = write(var.parent / "avtal.csv",
                 '"avtalsform","kommun","företag","år","värde_kr","titel"',
                 '"Reserverad upphandling","Malmö stad","7696123459","2024","1 250 000,50",'
                 '"Parkskötsel"',
                 '"grant","Helsingborgs kommun","802498-7656","2023.0","45000",""',
                 end="\r\n")
    result = import_register(paths, "agreements", file)
    assert result.problems == [] and result.loaded == 2
    graph = store_graph(var, "agreements-avtal")
    values = sorted(Decimal(str(v)) for v in graph.objects(None, SEG.valueSEK))
    assert values == [Decimal("45000"), Decimal("1250000.50")]
    made = ID["agreement/1283-802498-7656-2023-grant"]  # no id: made of its parts
    assert (made, SEG.year, Literal(2023)) in graph
    assert graph.value(made, SEG.municipalityParty) == ID["municipality/1283"]


# --- errors name row and column ------------------------------------------------------------

def test_errors_name_row_and_column_in_swedish_and_english(capsys, var):
    file = write(var.parent / "fel.csv", HEADER, GOOD_ROW, LUHN_ROW,
                 "Okänd;12345;Blabla;Atlantis;Arbetsträning;unemployment")
    code, out, _ = run(capsys, var, "enterprises", str(file))
    assert code == 1
    assert ("rad 3, kolumn organisationsnummer: Organisationsnumret 556036-0794 klarar inte "
            "Luhn-kontrollen: sista siffran borde vara 3") in out
    assert "rad 4, kolumn organisationsnummer: '12345' är inte ett organisationsnummer" in out
    assert "rad 4, kolumn juridisk_form: okänd juridisk form 'Blabla'" in out
    assert "rad 4, kolumn kommun: känner inte igen kommunen 'Atlantis'" in out
    assert "inget laddades" in out
    code, out, _ = run(capsys, var, "enterprises", str(file), "--lang", "en", "--dry-run")
    assert code == 1
    assert ("row 3, column organisationsnummer: The organisation number 556036-0794 fails the "
            "Luhn check: its last digit should be 3") in out


def test_shacl_errors_map_back_to_the_row(capsys, var):
    file = write(var.parent / "avtal.csv", "avtalsform;kommun;företag;år",
                 "iop;Malmö;556036-0793;2023", "iop;Malmö;556036-0793;1900")
    code, out, _ = run(capsys, var, "agreements", str(file), "--dry-run")
    assert code == 1
    assert "rad 2, kolumn företag: seg:enterpriseParty ska peka på ett socialt företag" in out
    assert "rad 3, kolumn år: seg:year ska vara ett kalenderår mellan 1950 och 2100" in out


def test_missing_columns_and_files_are_errors(capsys, var):
    file = write(var.parent / "kort.csv", "namn;kommun", "A;Malmö")
    code, _, err = run(capsys, var, "enterprises", str(file))
    assert code == 2 and "organisationsnummer" in err and "kort.csv:1" in err
    code, _, err = run(capsys, var, "enterprises", str(var.parent / "none.csv"))
    assert code == 2 and "none.csv" in err


def test_graph_names_of_the_build_are_refused(capsys, var):
    code, _, err = run(capsys, var, "enterprises", str(TEMPLATES / "enterprises.csv"),
                       "--name", "examples")
    assert code == 2 and "examples" in err


def test_duplicate_rows_are_errors(var):
    file = write(var.parent / "dubbel.csv", HEADER, GOOD_ROW, GOOD_ROW.replace("769612-3459",
                                                                              "7696123459"))
    result = import_register(Paths(project=PROJECT, var=var), "enterprises", file)
    assert [(p.row, p.column) for p in result.errors] == [(3, "organisationsnummer")]
    assert "rad 2" in result.errors[0].sv


# --- all or nothing --------------------------------------------------------------------------

def test_an_invalid_row_loads_nothing_unless_skip_invalid(capsys, var):
    file = write(var.parent / "blandat.csv", HEADER, GOOD_ROW, LUHN_ROW, OTHER_ROW)
    code, _, _ = run(capsys, var, "enterprises", str(file))
    assert code == 1
    assert not (var / "imports").exists() or not list((var / "imports").iterdir())
    assert len(store_graph(var, "enterprises-blandat")) == 0
    code, out, _ = run(capsys, var, "enterprises", str(file), "--skip-invalid")
    assert code == 1 and "Överhoppade rader: 3" in out and "2 av 3 rader laddade" in out
    graph = store_graph(var, "enterprises-blandat")
    assert {s for s in graph.subjects(RDF.type, None)} == {organisation("769612-3459"),
                                                           organisation("802498-7656")}
    assert (var / "imports" / "enterprises-blandat.ttl").is_file()


def test_dry_run_writes_nothing(capsys, var):
    code, out, _ = run(capsys, var, "enterprises", str(TEMPLATES / "enterprises.csv"),
                       "--dry-run")
    assert code == 0 and "inget laddades (--dry-run)" in out
    assert not (var / "imports").exists()
    assert len(store_graph(var, "enterprises-enterprises")) == 0


def test_reimport_replaces_and_provenance_is_kept(capsys, var):
    file = write(var.parent / "register.csv", HEADER, GOOD_ROW, OTHER_ROW)
    assert run(capsys, var, "enterprises", str(file))[0] == 0
    first = store_graph(var, "enterprises-register")
    assert run(capsys, var, "enterprises", str(file))[0] == 0
    assert store_graph(var, "enterprises-register") == first or \
        len(store_graph(var, "enterprises-register")) == len(first)
    write(file, HEADER, OTHER_ROW)
    assert run(capsys, var, "enterprises", str(file))[0] == 0
    graph = store_graph(var, "enterprises-register")
    assert not list(graph.triples((organisation("769612-3459"), None, None)))
    assert list(graph.triples((organisation("802498-7656"), None, None)))
    store = EmbeddedStore(var / "build" / "store", read_only=True)
    rows = list(store.query(f"""
        PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?time ?name ?sum ?rows WHERE {{ GRAPH <{GRAPH}metadata> {{
          <{GRAPH}enterprises-register> prov:wasGeneratedBy ?a ; void:entities 1 .
          ?a prov:endedAtTime ?time ; prov:used ?f .
          ?f rdfs:label ?name ; dcterms:identifier ?sum ; void:entities ?rows }} }}""").raw)
    assert len(rows) == 1  # one activity, not one per import
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    assert rows[0]["name"].value == "register.csv"
    assert rows[0]["sum"].value == f"sha256:{digest}" and rows[0]["rows"].value == "1"
    meta = Graph().parse(var / "imports" / "enterprises-register.meta.ttl")
    assert len(list(meta.objects(None, URIRef("http://www.w3.org/ns/prov#endedAtTime")))) == 1


def test_json_report(capsys, var):
    import json

    file = write(var.parent / "fel.csv", HEADER, LUHN_ROW)
    code, out, _ = run(capsys, var, "enterprises", str(file), "--format", "json")
    report = json.loads(out)
    assert code == 1 and report["invalid_rows"] == [2] and report["loaded"] == 0
    problem = report["problems"][0]
    assert problem["row"] == 2 and problem["column"] == "organisationsnummer"
    assert "borde vara 3" in problem["sv"] and "should be 3" in problem["en"]


# --- later builds ----------------------------------------------------------------------------

@pytest.mark.slow
def test_a_later_build_includes_the_import(tmp_path):
    from segraph.build import build

    var = tmp_path / "var"
    paths = Paths(project=PROJECT, var=var)
    for kind in ("enterprises", "agreements"):
        result = import_register(paths, kind, TEMPLATES / f"{kind}.csv")
        assert result.loaded == 2 and not result.in_store  # no build yet: kept only
    built = build(paths, reason=False, match=False)
    assert built.graphs["enterprises-enterprises"] > 20
    assert built.graphs["agreements-agreements"] > 10
    store = EmbeddedStore(paths.store, read_only=True)
    assert store.query(f"""ASK {{ GRAPH <{GRAPH}enterprises-enterprises> {{
        <{organisation('769612-3459')}> <{SEG.seatMunicipality}> ?m }}
        GRAPH <{GRAPH}metadata> {{ <{GRAPH}enterprises-enterprises>
            <http://www.w3.org/ns/prov#wasGeneratedBy> ?a }} }}""").raw
    del store
    shutil.rmtree(var)
