"""The build: named graphs with provenance, inference kept apart, dumps, determinism, failure."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef

from segraph.build import build
from segraph.namespaces import GRAPH
from segraph.settings import Paths
from segraph.sources import SourceError
from segraph.store import EmbeddedStore

GRAPHS = {"ontology", "shapes", "admin-units", "fa-regions", "sdg", "vocabularies",
          "challenges", "linking-terms", "network", "examples", "inferred", "matches",
          "metadata"}


def ask(store: EmbeddedStore, query: str) -> bool:
    return bool(store.query(query).raw)


def test_every_source_is_a_named_graph_with_provenance(built):
    paths, result = built
    assert set(result.graphs) == GRAPHS
    store = EmbeddedStore(paths.store, read_only=True)
    names = {g.value.removeprefix(str(GRAPH)) for g in store.oxigraph.named_graphs()}
    assert names == GRAPHS
    for name in GRAPHS - {"metadata"}:
        assert ask(store, f"""
            PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX prov: <http://www.w3.org/ns/prov#>
            ASK {{ GRAPH <{GRAPH['metadata']}> {{
                <{GRAPH[name]}> dcterms:title ?t ; dcterms:license ?l ; dcterms:description ?d ;
                    prov:wasGeneratedBy ?activity ;
                    <http://rdfs.org/ns/void#triples> ?n }} }}"""), name
    assert ask(store, f"""ASK {{ GRAPH <{GRAPH['metadata']}> {{ <{GRAPH['examples']}>
        <https://w3id.org/segraph/ontology#isExample> true }} }}""")


def test_inferences_live_only_in_their_own_graph(built):
    paths, _ = built
    store = EmbeddedStore(paths.store, read_only=True)
    # An enterprise that addresses long-term unemployment contributes to target 8.5 and goal 8
    # by the property chains of the ontology; that is stated only in graph/inferred.
    query = """
        PREFIX seg: <https://w3id.org/segraph/ontology#>
        SELECT ?e WHERE {{ GRAPH ?g {{ ?e seg:contributesToSDGGoal
            <https://w3id.org/segraph/id/sdg/goal/8> }} }} """
    graphs = {s["g"].value for s in store.query(query.replace("SELECT ?e", "SELECT ?g")).raw}
    assert graphs == {str(GRAPH["inferred"])}
    overlap = store.query(f"""
        SELECT (COUNT(*) AS ?n) WHERE {{
          GRAPH <{GRAPH['inferred']}> {{ ?s ?p ?o }}
          GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{GRAPH['inferred']}>) }}""").raw
    assert int(next(iter(overlap))["n"].value) == 0
    # Subclass closure: a work-integration enterprise is inferred to be a social enterprise.
    assert ask(store, """PREFIX seg: <https://w3id.org/segraph/ontology#>
        ASK { ?e a seg:WorkIntegrationSocialEnterprise .
              GRAPH <https://w3id.org/segraph/graph/inferred> { ?e a seg:SocialEnterprise } }""")


DUMPS = {"segraph.ttl.gz": ox.RdfFormat.TURTLE, "segraph.nt.gz": ox.RdfFormat.N_TRIPLES,
         "segraph.nq.gz": ox.RdfFormat.N_QUADS, "segraph.trig.gz": ox.RdfFormat.TRIG,
         "segraph.jsonld.gz": ox.RdfFormat.JSON_LD}


def test_dumps_have_checksums_and_round_trip(built):
    paths, result = built
    dumps = paths.build / "dumps"
    sums = dict(line.split()[::-1] for line in (dumps / "SHA256SUMS").read_text().splitlines())
    assert set(sums) == set(DUMPS) and sums == result.dumps
    for name, digest in sums.items():
        assert hashlib.sha256((dumps / name).read_bytes()).hexdigest() == digest
    quads = set(ox.parse(path=str(dumps / "segraph.nq")))
    assert len(quads) == result.triples
    assert gzip.decompress((dumps / "segraph.nq.gz").read_bytes()) == \
        (dumps / "segraph.nq").read_bytes()
    triples = {q.triple for q in quads}
    for name, fmt in DUMPS.items():
        raw = (dumps / name).read_bytes()
        # gzip header: no modification time (bytes 4-7) and no file name (flag 0x08)
        assert raw[:2] == b"\x1f\x8b" and raw[4:8] == b"\0\0\0\0" and not raw[3] & 0x08
        parsed = list(ox.parse(gzip.decompress(raw), format=fmt))
        assert len(parsed) == (len(quads) if fmt.supports_datasets else len(triples)), name
        if fmt is not ox.RdfFormat.JSON_LD:  # JSON-LD relabels blank nodes when parsed
            assert (set(parsed) == quads) if fmt.supports_datasets else \
                ({q.triple for q in parsed} == triples), name
    info = json.loads((paths.build / "build-info.json").read_text())
    assert info["graphs"] == result.graphs
    assert info["content"] == result.content == \
        hashlib.sha256((dumps / "segraph.nq").read_bytes()).hexdigest()
    assert result.release is not None and info["release"] == result.release.number


def test_build_is_deterministic(built, tmp_path):
    paths, first = built
    again = Paths(project=paths.project, var=tmp_path)
    result = build(again)
    names = sorted(p.name for p in (paths.build / "dumps").iterdir())
    assert names == sorted(p.name for p in (again.build / "dumps").iterdir())
    assert names == sorted([*DUMPS, "SHA256SUMS", "segraph.nq"])
    for name in names:
        assert (again.build / "dumps" / name).read_bytes() == \
            (paths.build / "dumps" / name).read_bytes(), name
    assert result.content == first.content
    assert result.release is not None and result.release.files == first.release.files


def test_a_turtle_error_writes_nothing(project_copy: Path, tmp_path: Path):
    paths = Paths(project=project_copy, var=tmp_path / "var")
    build(paths, reason=False)
    before = (paths.build / "dumps" / "SHA256SUMS").read_text()
    broken = project_copy / "data" / "challenges" / "challenges.ttl"
    lines = broken.read_text(encoding="utf-8").splitlines()
    lines.append("<https://example.org/a> <https://example.org/b> <https://example.org/c> "
                 "<https://example.org/d> .")
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SourceError, match=rf"challenges\.ttl:{len(lines)}: syntax error"):
        build(paths, reason=False)
    assert (paths.build / "dumps" / "SHA256SUMS").read_text() == before
    assert sorted(p.name for p in paths.var.iterdir()) == ["build", "releases"]
    assert sorted(p.name for p in (paths.var / "releases").iterdir()) == ["1"]


def test_data_that_breaks_the_shapes_stops_the_build(project_copy: Path, tmp_path: Path):
    from segraph.build import BuildError

    extra = tmp_path / "mine.ttl"
    extra.write_text("""@prefix seg: <https://w3id.org/segraph/ontology#> .
        <https://w3id.org/segraph/id/municipality/9999> a seg:Municipality ;
            seg:municipalityCode "9999" .""")
    paths = Paths(project=project_copy, var=tmp_path / "var")
    with pytest.raises(BuildError) as caught:
        build(paths, extra_files=[extra], reason=False)
    report = caught.value.report
    assert report is not None and not report.conforms
    focus = {v.focus for v in report.errors}
    assert focus == {"https://w3id.org/segraph/id/municipality/9999"}
    assert not paths.build.exists()


def test_extra_data_goes_to_the_local_graph(project_copy: Path, tmp_path: Path):
    extra = tmp_path / "mine.ttl"
    extra.write_text("""@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <https://example.org/note> skos:note "hello" .""")
    paths = Paths(project=project_copy, var=tmp_path / "var")
    result = build(paths, extra_files=[extra], reason=False)
    assert result.graphs["local"] == 1
    store = EmbeddedStore(paths.store, read_only=True)
    assert ask(store, f"ASK {{ GRAPH <{GRAPH['local']}> {{ <https://example.org/note> ?p ?o }} }}")
    assert URIRef(GRAPH["local"])
