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


# --- docs/linked-data.md: shell examples, each followed by what it prints ---------------------

DOCUMENTED_HOST = "http://127.0.0.1:8000"


def shell_examples(name: str) -> list[tuple[str, list[str]]]:
    """(commands, expected lines) for each ``sh`` block; a ``text`` block right after it holds
    lines the output must contain in that order (``…`` skips)."""
    text = (DOCS / name).read_text(encoding="utf-8")
    found = []
    for match in re.finditer(r"```sh\n(.*?)```\n(?:\n```text\n(.*?)```)?", text, re.DOTALL):
        expected = [line for line in (match.group(2) or "").splitlines() if line != "…"]
        found.append((match.group(1), expected))
    return found


LINKED_DATA = shell_examples("linked-data.md")


def test_linked_data_examples_say_what_they_print():
    assert len(LINKED_DATA) >= 8
    assert LINKED_DATA[0][0].startswith("export SEGRAPH=" + DOCUMENTED_HOST)
    assert all(expected for _, expected in LINKED_DATA[1:])


@pytest.mark.parametrize("index", range(1, len(LINKED_DATA)),
                         ids=[f"example-{i}" for i in range(1, len(LINKED_DATA))])
def test_linked_data_examples_print_what_the_docs_say(history_server, tmp_path, index):
    import os
    import subprocess

    commands, expected = LINKED_DATA[index]
    done = subprocess.run(["bash", "-eo", "pipefail", "-c", commands], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "SEGRAPH": history_server.url})
    assert done.returncode == 0, done.stderr
    lines = iter(done.stdout.splitlines())
    for want in expected:
        want = want.replace(DOCUMENTED_HOST, history_server.url)
        assert any(want in line for line in lines), f"{want!r} not in\n{done.stdout[:3000]}"
