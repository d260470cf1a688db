"""The segraph command: help, validate, query, import, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from segraph.cli import main

GOOD = """@prefix seg: <https://w3id.org/segraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/segraph/id/agreement/mine-1> a seg:Agreement ;
    rdfs:label "Avtal om städning"@sv, "Cleaning agreement"@en ;
    seg:agreementKind <https://w3id.org/segraph/id/agreement-kind/iop> ;
    seg:municipalityParty <https://w3id.org/segraph/id/municipality/1283> ;
    seg:enterpriseParty <https://w3id.org/segraph/id/organisation/skr> ;
    seg:year 2023 .
"""
BAD = """@prefix seg: <https://w3id.org/segraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/segraph/id/agreement/mine-2> a seg:Agreement ;
    rdfs:label "Avtal"@sv, "Agreement"@en ;
    seg:agreementKind <https://w3id.org/segraph/id/agreement-kind/iop> ;
    seg:municipalityParty <https://w3id.org/segraph/id/municipality/9999> ;
    seg:year 3021 .
"""


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_help_lists_commands_and_settings(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    for word in ("build", "validate", "reason", "query", "import", "SEGRAPH_VAR_DIR",
                 "exit codes"):
        assert word in text


def test_validate_exit_codes_and_report(tmp_path, capsys, project_dir):
    good, bad = tmp_path / "good.ttl", tmp_path / "bad.ttl"
    good.write_text(GOOD)
    bad.write_text(BAD)
    args = ["--project-dir", str(project_dir)]
    code, out, _ = run(capsys, "validate", *args, str(bad))
    assert code == 1
    assert "https://w3id.org/segraph/id/agreement/mine-2" in out
    assert "seg:year" in out and "seg:municipalityParty" in out
    code, out, _ = run(capsys, "validate", *args, "--format", "json", str(bad))
    report = json.loads(out)
    assert code == 1 and report["conforms"] is False
    paths = {r["path"] for r in report["results"]}
    assert "https://w3id.org/segraph/ontology#year" in paths
    assert "https://w3id.org/segraph/ontology#enterpriseParty" in paths
    code, out, _ = run(capsys, "validate", *args, "--format", "turtle", str(bad))
    assert code == 1 and "sh:ValidationReport" in out


def test_validate_a_broken_file_is_an_error(tmp_path, capsys, project_dir):
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <http://ex/> .\nex:a ex:b .\n")
    code, _, err = run(capsys, "validate", "--project-dir", str(project_dir), str(broken))
    assert code == 2
    assert "broken.ttl:2" in err


def test_query_string_file_and_formats(built, tmp_path, capsys):
    paths, _ = built
    store = ["--store", str(paths.store)]
    code, out, _ = run(capsys, "query", *store,
                       "SELECT (COUNT(?m) AS ?n) WHERE { ?m a seg:Municipality }",
                       "--format", "csv")
    assert code == 0 and out.splitlines() == ["n", "290"]
    rq = tmp_path / "network.rq"
    rq.write_text("""PREFIX seg: <https://w3id.org/segraph/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?name WHERE { ?p a seg:DevelopmentNetwork ; seg:participant ?m .
                             ?m rdfs:label ?name } ORDER BY ?name""")
    code, out, _ = run(capsys, "query", *store, str(rq))
    assert code == 0 and "Härjedalen" in out and "12 row(s)" in out
    code, out, _ = run(capsys, "query", *store, "--format", "json", str(rq))
    assert len(json.loads(out)["results"]["bindings"]) == 12
    code, out, _ = run(capsys, "query", *store,
                       "CONSTRUCT { ?m rdfs:label ?l } WHERE { ?m seg:municipalityCode '1283' ;"
                       " rdfs:label ?l }", "--format", "ntriples")
    assert code == 0 and '"Helsingborg"@sv' in out


def test_query_errors(built, capsys, tmp_path):
    paths, _ = built
    code, _, err = run(capsys, "query", "--store", str(paths.store), "SELECT WHERE {")
    assert code == 2 and "not valid SPARQL" in err
    code, _, err = run(capsys, "query", "--store", str(tmp_path / "none"), "ASK {}")
    assert code == 2 and "segraph build" in err


def check_import(paths_var: Path, project: Path, dump: Path, capsys) -> str:
    code, out, err = run(capsys, "import", "--project-dir", str(project),
                         "--var-dir", str(paths_var), "sdg-kos", str(dump))
    assert code == 0, err
    return out


def test_import_sdg_kos_fixture(built, tmp_path, capsys, project_dir):
    paths, _ = built
    var = tmp_path / "var"
    shutil.copytree(paths.build, var / "build")
    out = check_import(var, project_dir, project_dir / "tests" / "fixtures" / "sdg-kos-mini.ttl",
                       capsys)
    assert "2 indicators" in out
    code, out, _ = run(capsys, "query", "--var-dir", str(var), "--project-dir", str(project_dir),
                       "--format", "csv", """
        SELECT ?n ?title WHERE { GRAPH <https://w3id.org/segraph/graph/un-sdg-kos> {
          ?i a seg:SDGIndicator ; skos:notation ?n ; seg:indicatorOfTarget ?t .
          ?t seg:officialTitle ?title FILTER(lang(?title) = "fr") } } ORDER BY ?n""")
    assert code == 0
    assert out.splitlines() == ["n,title", "8.5.2,Titre de la cible huit cinq"]
    _, out, _ = run(capsys, "query", "--var-dir", str(var), "--format", "csv", """
        SELECT ?src WHERE { GRAPH <https://w3id.org/segraph/graph/metadata> {
          <https://w3id.org/segraph/graph/un-sdg-kos> prov:wasDerivedFrom ?src } }""")
    assert "http://metadata.un.org/sdg" in out
    assert (var / "imports" / "un-sdg-kos.ttl").is_file()


@pytest.mark.slow
def test_import_sdg_kos_from_the_un_dump(tmp_path, capsys, project_dir, shared_data):
    dump = shared_data / "un-sdg-kos" / "sdg-kos-goals-targets-indicators.ttl"
    var = tmp_path / "var"
    out = check_import(var, project_dir, dump, capsys)
    assert "indicators" in out
    from segraph.build import build
    from segraph.settings import Paths
    from segraph.store import EmbeddedStore

    paths = Paths(project=project_dir, var=var)
    result = build(paths, reason=False)
    assert result.graphs["un-sdg-kos"] > 1000
    store = EmbeddedStore(paths.store, read_only=True)
    rows = store.query("""PREFIX seg: <https://w3id.org/segraph/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT (COUNT(DISTINCT ?i) AS ?n) (COUNT(DISTINCT ?lang) AS ?langs) WHERE {
          ?i a seg:SDGIndicator . ?t seg:officialTitle ?title BIND(lang(?title) AS ?lang) }""").raw
    row = next(iter(rows))
    assert int(row["n"].value) >= 231 and int(row["langs"].value) == 3
    assert store.query("""ASK { <https://w3id.org/segraph/id/sdg/indicator/8.5.2>
        <http://www.w3.org/2004/02/skos/core#exactMatch> <http://metadata.un.org/sdg/C080502> }"""
                       ).raw


def test_every_setting_is_documented_in_the_readme(project_dir):
    from segraph.settings import SETTINGS

    readme = (project_dir / "README.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"`{setting.name}`" in readme and f"SEGRAPH_{setting.name.upper()}" in readme


def test_settings_layers(tmp_path):
    from segraph.settings import load_settings

    config = tmp_path / "segraph.toml"
    config.write_text('[segraph]\nvar_dir = "from-file"\njava = "file-java"\n')
    values = load_settings({"java": "flag-java"}, config_file=config,
                           environ={"SEGRAPH_VAR_DIR": "from-env"})
    assert values["var_dir"] == "from-env" and values["java"] == "flag-java"
    config.write_text('[segraph]\nvar_dri = "typo"\n')
    with pytest.raises(ValueError, match="unknown setting"):
        load_settings(config_file=config, environ={})


def test_query_parameters_are_typed_and_bound(built, capsys, project_dir):
    paths, _ = built
    store = ["--store", str(paths.store)]
    rq = str(project_dir / "queries" / "sdg-goal-targets.rq")
    code, out, _ = run(capsys, "query", *store, rq, "--param", "goal=5", "--format", "csv")
    rows = out.splitlines()[1:]
    assert code == 0 and rows and all(r.startswith("5,") for r in rows)
    code, _, err = run(capsys, "query", *store, rq, "--param", "gaol=5")
    assert code == 2 and "unknown parameter 'gaol'" in err
    code, _, err = run(capsys, "query", *store, "ASK {}", "--param", "x=1")
    assert code == 2 and "saved query" in err
