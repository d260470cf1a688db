"""Fixtures for the SHACL shape tests (see shape_cases.py for the case-file format)."""

from __future__ import annotations

import pytest
from rdflib import Graph
from shape_cases import load_ontology, load_reference, load_shapes


@pytest.fixture(scope="session")
def shapes_graph() -> Graph:
    return load_shapes()


@pytest.fixture(scope="session")
def reference_graph() -> Graph:
    return load_reference()


@pytest.fixture(scope="session")
def ontology_graph() -> Graph:
    ontology = load_ontology()
    if ontology is None:
        pytest.skip("ontology/segraph.ttl does not exist yet; it is written separately")
    return ontology
