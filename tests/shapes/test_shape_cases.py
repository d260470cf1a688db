"""Each shape against passing and failing Turtle examples, asserting the exact set of failures.

Every case is validated the way the build validates a source: the case file is the data, and the
reference graph (tests/shapes/reference.ttl plus the ontology) is mixed in so that references to
municipalities, challenges and SDG targets can be checked; only the case's own subjects are
reported on.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH
from shape_cases import (
    REFERENCE,
    case_files,
    load_ontology,
    load_reference,
    load_shapes,
    parse_case,
    results,
    run_case,
    targets,
)

from segraph.validation import ENGINES, validate_graph

PASS_CASES = case_files("pass")
FAIL_CASES = case_files("fail")


def _ids(paths: list[Path]) -> list[str]:
    return [p.name.rsplit(".", 2)[0] for p in paths]


def _diff(actual: set, expected: set) -> str:
    lines = []
    for key in sorted(expected - actual, key=str):
        lines.append(f"  missing   : {' | '.join(str(k) for k in key)}")
    for key in sorted(actual - expected, key=str):
        lines.append(f"  unexpected: {' | '.join(str(k) for k in key)}")
    return "\n".join(lines)


def test_there_are_cases() -> None:
    assert PASS_CASES and FAIL_CASES


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("path", PASS_CASES, ids=_ids(PASS_CASES))
def test_pass_case_conforms(path: Path, engine: str) -> None:
    report = run_case(path, engine)
    assert report.conforms, report.to_text()
    assert report.violations == [], report.to_text()


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("path", FAIL_CASES, ids=_ids(FAIL_CASES))
def test_fail_case_reports_exactly_the_expected_failures(path: Path, engine: str) -> None:
    case = parse_case(path)
    assert case.expected or case.expected_warnings, f"{path.name} declares no '# expect:' line"
    report = run_case(path, engine)
    actual = results(report, "violation")
    assert actual == case.expected, (
        f"{path.name}: violations differ\n{_diff(actual, set(case.expected))}\n\n{report.to_text()}"
    )
    warnings = results(report, "warning")
    assert warnings == case.expected_warnings, (
        f"{path.name}: warnings differ\n{_diff(warnings, set(case.expected_warnings))}"
    )
    assert report.conforms is (not case.expected)


def _message_pattern(template: str) -> re.Pattern[str]:
    """A shape message with {?var} / {$var} placeholders as a regular expression."""
    parts = re.split(r"\{[?$]\w+\}", template)
    return re.compile(".*".join(re.escape(p) for p in parts), re.DOTALL)


@pytest.mark.parametrize("path", FAIL_CASES, ids=_ids(FAIL_CASES))
def test_fail_report_names_focus_path_and_gives_the_shape_message(path: Path) -> None:
    report = run_case(path)
    text = report.to_text()
    shapes = load_shapes()
    for v in report.violations:
        assert v.focus in text
        assert v.path is not None, f"{v} has no path"
        local = re.split(r"[#/]", v.path)[-1]
        assert local in text, f"path {v.path} not named in the report"
        assert v.shape is not None
        templates = [str(m) for m in shapes.objects(URIRef(v.shape), SH.message)]
        english = [
            str(m)
            for m in shapes.objects(URIRef(v.shape), SH.message)
            if getattr(m, "language", None) == "en"
        ]
        assert templates, f"{v.shape} has no sh:message"
        assert english, f"{v.shape} has no English sh:message"
        if v.constraint == str(SH.SPARQLConstraintComponent):
            # pySHACL drops the language tags of SPARQL-based result messages (it rebuilds them
            # as plain literals after filling in {?value}), so the report shows both languages.
            assert any(_message_pattern(t).search(v.message) for t in english), (
                f"{v.shape}: message {v.message!r} does not contain the shape's English message"
            )
        else:
            assert v.message in english, (
                f"{v.shape}: the report should show the English message, got {v.message!r}"
            )


def test_reference_graph_itself_conforms() -> None:
    """The reference fixture is valid data: it would pass the build's own validation."""
    data = Graph().parse(REFERENCE, format="turtle")
    ontology = load_ontology()
    report = validate_graph(data, load_shapes(), reference=ontology if ontology else Graph())
    assert report.conforms and not report.violations, report.to_text()


# ---- coverage: every shape and every reported constraint is exercised ---------------------------


def _node_shapes_with_targets(shapes: Graph) -> list[URIRef]:
    target_props = (SH.targetClass, SH.targetSubjectsOf, SH.targetNode, SH.targetObjectsOf)
    return sorted(
        {s for p in target_props for s in shapes.subjects(p, None) if isinstance(s, URIRef)}
    )


def _case_data(path: Path) -> Graph:
    data = Graph()
    data += parse_case(path).graph
    data += load_reference()
    return data


def test_every_node_shape_has_a_passing_and_a_failing_case() -> None:
    shapes = load_shapes()
    passed: set[URIRef] = set()
    failed: set[URIRef] = set()
    for path in PASS_CASES:
        data, own = _case_data(path), set(parse_case(path).graph.subjects())
        passed |= {s for s in _node_shapes_with_targets(shapes) if targets(shapes, s, data) & own}
    for path in FAIL_CASES:
        data = _case_data(path)
        for v in run_case(path).violations:
            for shape in _node_shapes_with_targets(shapes):
                own_shapes = {str(p) for p in shapes.objects(shape, SH.property)} | {str(shape)}
                if v.shape in own_shapes and URIRef(v.focus) in targets(shapes, shape, data):
                    failed.add(shape)
    every = set(_node_shapes_with_targets(shapes))
    assert every - passed == set(), f"node shapes without a passing case: {sorted(every - passed)}"
    assert every - failed == set(), f"node shapes without a failing case: {sorted(every - failed)}"


def test_every_property_shape_is_triggered_by_some_failing_case() -> None:
    """Each property shape a node shape uses fails at least once, so none is silently inert."""
    shapes = load_shapes()
    used = {str(p) for p in shapes.objects(None, SH.property)}
    triggered = {v.shape for path in FAIL_CASES for v in run_case(path).violations}
    assert used - triggered == set(), f"never triggered: {sorted(used - triggered)}"


# ---- the Luhn check, against a Python implementation -------------------------------------------


def _luhn_check_digit(nine: str) -> int:
    total = 0
    for i, ch in enumerate(nine):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10


def _luhn_query() -> str:
    """The Luhn constraint's own SELECT, with its declared prefixes, for a plain SPARQL run."""
    shapes = load_shapes()
    constraint = URIRef("https://w3id.org/segraph/shapes#LuhnCheckDigit")
    prologue = ""
    for declaration in shapes.objects(shapes.value(constraint, SH.prefixes), SH.declare):
        prefix = shapes.value(declaration, SH.prefix)
        namespace = shapes.value(declaration, SH.namespace)
        prologue += f"PREFIX {prefix}: <{namespace}>\n"
    select = str(shapes.value(constraint, SH.select))
    path = "<https://w3id.org/segraph/ontology#organisationNumber>"
    return prologue + select.replace("$PATH", path).replace("$this", "?this")


def test_luhn_constraint_agrees_with_python_on_many_numbers() -> None:
    numbers = []
    for i in range(150):
        nine = f"{(i * 7_919_113 + 123_457) % 1_000_000_000:09d}"
        good = _luhn_check_digit(nine)
        numbers.append(f"{nine[:6]}-{nine[6:]}{good}")
        numbers.append(f"{nine[:6]}-{nine[6:]}{(good + 1 + i % 9) % 10}")
    numbers += ["7696543219", "769654-321", "76965a-3219"]  # other forms: left to the pattern
    data = Graph()
    for i, n in enumerate(numbers):
        data.add(
            (
                URIRef(f"https://example.org/org/{i}"),
                URIRef("https://w3id.org/segraph/ontology#organisationNumber"),
                Literal(n),
            )
        )
    flagged = {str(row.value): int(row.check) for row in data.query(_luhn_query())}
    expected = {
        n: _luhn_check_digit(n.replace("-", "")[:9])
        for n in numbers
        if len(n) == 11
        and n[6] == "-"
        and n.replace("-", "").isdigit()
        and int(n[-1]) != _luhn_check_digit(n.replace("-", "")[:9])
    }
    assert len(expected) == 150
    assert flagged == expected
