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

PROJECT = Path(__file__).resolve().parents[1]
DOCS = PROJECT / "docs"


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


# --- docs/linked-data.md, docs/matching.md: examples, each followed by what it prints --------

DOCUMENTED_HOST = "http://127.0.0.1:8000"


def run_examples(name: str) -> list[tuple[str, str, list[str]]]:
    """(language, code, expected lines) for each ``sh`` or ``python`` block; a ``text`` block
    right after it holds lines the output must contain in that order (``…`` skips)."""
    text = (DOCS / name).read_text(encoding="utf-8")
    found = []
    for match in re.finditer(r"```(sh|python)\n(.*?)```\n(?:\n```text\n(.*?)```)?", text,
                             re.DOTALL):
        expected = [line for line in (match.group(3) or "").splitlines() if line != "…"]
        found.append((match.group(1), match.group(2), expected))
    return found


EXAMPLES = {name: run_examples(name) for name in ("linked-data.md", "matching.md", "writing.md")}
WRITE_TOKEN = "docs-token"
CASES = [(name, index) for name, found in EXAMPLES.items() for index in range(1, len(found))]


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_examples_say_what_they_print(name):
    found = EXAMPLES[name]
    assert len(found) >= 6
    assert found[0][1].startswith("export SEGRAPH=" + DOCUMENTED_HOST)
    assert all(expected for _, _, expected in found[1:])


@pytest.fixture(scope="module")
def writing_server(built, tmp_path_factory):
    """For docs/writing.md: a server of its own (its examples write), with a write token."""
    import shutil

    from servers import LiveServer

    paths, _ = built
    var = tmp_path_factory.mktemp("docs-writing")
    shutil.copytree(paths.build, var / "build")
    server = LiveServer(var, "--workers", "2", "--rate-limit", "0",
                        env={"SEGRAPH_WRITE_TOKEN": f"anna:{WRITE_TOKEN}"})
    yield server, var
    server.stop()


@pytest.mark.parametrize(("name", "index"), CASES, ids=[f"{n}-{i}" for n, i in CASES])
def test_examples_print_what_the_docs_say(request, tmp_path, name, index):
    """Each example in order, against a real server: the one with two releases, or for
    docs/writing.md one that takes writes (its examples build on each other)."""
    import os
    import subprocess
    import sys

    if name == "writing.md":
        server, var = request.getfixturevalue("writing_server")
    else:
        server = request.getfixturevalue("history_server")
        var = request.getfixturevalue("history").paths.var
    language, code, expected = EXAMPLES[name][index]
    (tmp_path / ".venv").symlink_to(PROJECT / ".venv")  # examples call .venv/bin/segraph
    command = ["bash", "-eo", "pipefail", "-c", code] if language == "sh" else \
        [sys.executable, "-c", code]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "SEGRAPH": server.url, "TOKEN": WRITE_TOKEN,
                               "SEGRAPH_PROJECT_DIR": str(PROJECT),
                               "SEGRAPH_VAR_DIR": str(var)})
    assert done.returncode == 0, done.stderr
    lines = iter(done.stdout.splitlines())
    for want in expected:
        want = want.replace(DOCUMENTED_HOST, server.url)
        assert any(want in line for line in lines), f"{want!r} not in\n{done.stdout[:3000]}"
