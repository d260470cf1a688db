"""SHACL validation of RDF data against the shapes in ``shapes/``, with reports a person can act on.

The data graph is validated together with *reference* data (the ontology and the graph's own
municipalities, SDG concepts, challenges and concept schemes), so that a reference to something
that does not exist in the graph is caught. Only the resources the data itself describes are
reported on; the reference data is checked by the build.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from rdflib import BNode, Graph, Literal, Node, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS

from segraph.namespaces import bind_prefixes

# The SHACL engines: pySHACL (the reference implementation) and pyshacl-turbo (the same API and
# test suite, evaluated in Rust; about 100x faster on this graph). Both are tested on every
# shape case; the build and `segraph validate` use the setting `validator`.
ENGINES = ("turbo", "pyshacl")
DEFAULT_ENGINE = "turbo"

PREFIXED = bind_prefixes(Graph()).namespace_manager  # shortens IRIs in reports
SEVERITY_NAMES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


@dataclass(frozen=True)
class Violation:
    """One validation result: which resource, which property path, what is wrong."""

    focus: str
    path: str | None
    message: str
    severity: str = "violation"
    value: str | None = None
    shape: str | None = None
    constraint: str | None = None


@dataclass
class Report:
    """The outcome of validating one data graph."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    results_graph: Graph | None = None
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "violation"]

    def to_json(self) -> str:
        return json.dumps(
            {"conforms": self.conforms, "results": [asdict(v) for v in self.violations]},
            ensure_ascii=False,
            indent=2,
        )

    def to_turtle(self) -> str:
        graph = self.results_graph if self.results_graph is not None else Graph()
        return bind_prefixes(graph).serialize(format="turtle")

    def to_text(self) -> str:
        """A report grouped by resource, with prefixed names and the shape's own message."""
        if self.conforms and not self.violations:
            return "Conforms: no problems found."

        def short(term: str | None) -> str:
            if term is None:
                return "-"
            if term.startswith(("http://", "https://")):
                try:
                    return PREFIXED.normalizeUri(URIRef(term))
                except Exception:
                    return f"<{term}>"
            return term

        by_focus: dict[str, list[Violation]] = defaultdict(list)
        for violation in self.violations:
            by_focus[violation.focus].append(violation)
        lines = []
        errors = len(self.errors)
        head = "Does not conform" if not self.conforms else "Conforms, with notes"
        lines.append(
            f"{head}: {errors} violation(s), {len(self.violations) - errors} warning(s)/note(s) "
            f"on {len(by_focus)} resource(s)."
        )
        for focus in sorted(by_focus):
            label = self.labels.get(focus)
            lines.append("")
            lines.append(f"{focus}" + (f"  ({label})" if label else ""))
            for v in sorted(by_focus[focus], key=_sort_key):
                value = f" value {v.value}" if v.value is not None else ""
                lines.append(f"  [{v.severity}] {short(v.path)}{value}")
                lines.append(f"      {v.message}")
                lines.append(f"      shape {short(v.shape)}, constraint {short(v.constraint)}")
        return "\n".join(lines)


def _path_text(results: Graph, path: Node | None) -> str | None:
    if path is None:
        return None
    if isinstance(path, BNode):
        inverse = results.value(path, SH.inversePath)
        if inverse is not None:
            return f"^{inverse}"
        return "(complex path)"
    return str(path)


def _value_text(value: Node | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, Literal):
        return value.n3(PREFIXED)
    if isinstance(value, URIRef):
        return f"<{value}>"
    return "(blank node)"


def _label_of(graph: Graph, node: Node) -> str | None:
    for predicate in (SKOS.prefLabel, RDFS.label):
        labels = list(graph.objects(node, predicate))
        if labels:
            by_lang = {getattr(lab, "language", None): str(lab) for lab in labels}
            return by_lang.get("sv") or by_lang.get("en") or next(iter(by_lang.values()))
    return None


def _message(results: Graph, result: Node, shapes: Graph | None) -> str:
    """The English message of a result.

    pySHACL drops the language tags of SHACL-SPARQL messages (after filling in ``{?var}``), so
    the untagged message that matches the constraint's English template is chosen.
    """
    messages = list(results.objects(result, SH.resultMessage))
    english = [str(m) for m in messages if getattr(m, "language", None) == "en"]
    if english:
        return " / ".join(sorted(english))
    untagged = sorted(str(m) for m in messages if not getattr(m, "language", None))
    if shapes is not None and len(untagged) > 1:
        for source in (results.value(result, SH.sourceConstraint),
                       results.value(result, SH.sourceShape)):
            for template in (shapes.objects(source, SH.message) if source is not None else ()):
                if getattr(template, "language", None) != "en":
                    continue
                pattern = re.compile(
                    ".*?".join(re.escape(part) for part in re.split(r"\{[?$]\w+\}", template)),
                    re.DOTALL)
                for message in untagged:
                    if pattern.fullmatch(message):
                        return message
    return " / ".join(untagged) or " / ".join(sorted(map(str, messages)))


def _sort_key(v: Violation) -> tuple[str, ...]:
    return tuple("" if x is None else x for x in (v.focus, v.path, v.constraint, v.message,
                                                  v.value, v.shape, v.severity))


def parse_results(results: Graph, shapes: Graph | None = None) -> list[Violation]:
    """Turn a SHACL results graph into :class:`Violation` records."""
    violations = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        message = _message(results, result, shapes)
        severity = results.value(result, SH.resultSeverity)
        shape = results.value(result, SH.sourceShape)
        violations.append(
            Violation(
                focus=str(focus) if not isinstance(focus, BNode) else "(blank node)",
                path=_path_text(results, results.value(result, SH.resultPath)),
                message=message or "constraint not met",
                severity=SEVERITY_NAMES.get(severity, "violation"),  # type: ignore[arg-type]
                value=_value_text(results.value(result, SH.value)),
                shape=str(shape) if isinstance(shape, URIRef) else None,
                constraint=str(results.value(result, SH.sourceConstraintComponent)),
            )
        )
    return sorted(set(violations), key=_sort_key)


def validate_graph(
    data: Graph,
    shapes: Graph,
    *,
    reference: Graph | None = None,
    focus_nodes: Iterable[URIRef] | None = None,
    engine: str = DEFAULT_ENGINE,
) -> Report:
    """Validate ``data`` against ``shapes``.

    ``reference`` is mixed into the data graph (so that class and existence checks see the
    graph's own municipalities, SDG targets, challenges and the ontology); only the subjects of
    ``data`` (or the given ``focus_nodes``) are validated when a reference is given.
    """
    data_graph = Graph()
    for triple in data:
        data_graph.add(triple)
    if reference is not None:
        for triple in reference:
            data_graph.add(triple)
        if focus_nodes is None:
            focus_nodes = {s for s in data.subjects() if isinstance(s, URIRef)}
    focus = sorted(focus_nodes) if focus_nodes is not None else None
    if focus is not None and not focus:
        return Report(conforms=True)
    if engine == "turbo":
        from pyshacl_turbo import validate as run
    elif engine == "pyshacl":
        from pyshacl import validate as run
    else:
        raise ValueError(f"unknown SHACL engine {engine!r}; use one of {', '.join(ENGINES)}")
    conforms, results, _ = run(
        data_graph,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        focus_nodes=focus,
    )
    violations = parse_results(results, shapes)
    labels = {}
    for v in violations:
        if v.focus.startswith("http"):
            label = _label_of(data_graph, URIRef(v.focus))
            if label:
                labels[v.focus] = label
    return Report(conforms=bool(conforms), violations=violations, results_graph=results,
                  labels=labels)
