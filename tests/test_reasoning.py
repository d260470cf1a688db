"""HermiT through owlready2: consistency, entailments, and their own graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF

from segraph.namespaces import ID, SEG
from segraph.reasoning import InconsistentError, infer, reason_over_store
from segraph.store import EmbeddedStore

pytestmark = pytest.mark.slow

DATA = """
@prefix seg: <https://w3id.org/segraph/ontology#> .
@prefix id: <https://w3id.org/segraph/id/> .
<https://w3id.org/segraph/id/organisation/e1> a seg:WorkIntegrationSocialEnterprise ;
    seg:addressesChallenge <https://w3id.org/segraph/id/challenge/unemployment> .
<https://w3id.org/segraph/id/challenge/unemployment> a seg:SocietalChallenge ;
    seg:relatedSDGTarget <https://w3id.org/segraph/id/sdg/target/8.5> .
<https://w3id.org/segraph/id/sdg/target/8.5> a seg:SDGTarget ;
    seg:targetOfGoal <https://w3id.org/segraph/id/sdg/goal/8> .
<https://w3id.org/segraph/id/sdg/goal/8> a seg:SDGGoal .
"""


@pytest.fixture(scope="module")
def ontology(project_dir: Path) -> Graph:
    return Graph().parse(project_dir / "ontology" / "segraph.ttl")


def test_chains_and_class_hierarchy_are_inferred(ontology):
    data = Graph().parse(data=DATA, format="turtle")
    inferred = infer(ontology, data)
    e1 = ID["organisation/e1"]
    assert (e1, SEG.contributesToSDGTarget, ID["sdg/target/8.5"]) in inferred
    assert (e1, SEG.contributesToSDGGoal, ID["sdg/goal/8"]) in inferred
    assert (e1, RDF.type, SEG.SocialEnterprise) in inferred
    assert not set(inferred) & set(data)


def test_disjoint_classes_make_the_data_inconsistent(ontology):
    data = Graph().parse(data=DATA + """
        <https://w3id.org/segraph/id/municipality/1283> a seg:Municipality ,
            seg:SocialEnterprise .""", format="turtle")
    with pytest.raises(InconsistentError, match="inconsistent"):
        infer(ontology, data)


def test_reason_replaces_the_inferred_graph_in_the_store(built, tmp_path):
    import shutil

    paths, result = built
    copy = tmp_path / "store"
    shutil.copytree(paths.store, copy)
    output = tmp_path / "inferred.ttl"
    count = reason_over_store(copy, output=output)
    assert count == result.graphs["inferred"]
    assert len(Graph().parse(output)) == count
    store = EmbeddedStore(copy, read_only=True)
    n = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH "
                    "<https://w3id.org/segraph/graph/inferred> { ?s ?p ?o } }").raw
    assert int(next(iter(n))["n"].value) == count
