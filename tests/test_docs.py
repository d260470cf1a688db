"""The user docs: every SPARQL example answers, every Turtle example validates as the text says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph

from segraph.namespaces import sparql_prologue
from segraph.sources import shapes_and_reference
from segraph.store import EmbeddedStore
from segraph.validation import validate_graph

DOCS = Path(__file__).resolve().parents[1] / "docs"


def blocks(name: str, language: str) -> list[str]:
    text = (DOCS / name).read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


SPARQL = blocks("querying.md", "sparql")
TURTLE = blocks("publishing.md", "turtle")


PYTHON = blocks("querying.md", "python")


def test_docs_have_examples():
    assert len(SPARQL) >= 5 and len(TURTLE) == 2 and len(PYTHON) == 1


def test_python_example_runs_against_the_server(live_server, capsys):
    namespace = {"ENDPOINT": live_server.url + "/sparql"}
    exec(compile(PYTHON[0], "docs/querying.md", "exec"), namespace)
    names = namespace["names"]
    assert len(names) == 12 and names[0] == "Helsingborg" and names[-1] == "Umeå"


@pytest.mark.parametrize("query", SPARQL, ids=[f"query-{i}" for i in range(len(SPARQL))])
def test_query_examples_answer(built, query):
    paths, _ = built
    rows = list(EmbeddedStore(paths.store, read_only=True).query(sparql_prologue() + query).raw)
    assert rows
    assert all(any(value is not None for value in row) for row in rows)


@pytest.fixture(scope="module")
def shapes_reference(project_dir):
    return shapes_and_reference(project_dir)


def test_publishing_examples_validate_as_documented(shapes_reference):
    shapes, reference = shapes_reference
    good, bad = (Graph().parse(data=t, format="turtle") for t in TURTLE)
    assert validate_graph(good, shapes, reference=reference).violations == []
    report = validate_graph(bad, shapes, reference=reference)
    paths = {v.path.rsplit("#", 1)[-1] for v in report.errors}
    assert {"enterpriseParty", "municipalityParty", "year", "valueSEK"} <= paths
    text = report.to_text()
    assert "seg:enterpriseParty" in text and "(Skötsel av skolgårdar)" in text
    expected = re.search(r"```text\n.*?\n  \[violation\] seg:enterpriseParty\n\s+(.*?) …",
                         (DOCS / "publishing.md").read_text(encoding="utf-8"), re.DOTALL)
    assert expected and expected.group(1) in text
