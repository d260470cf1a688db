"""Fixtures for the SHACL shape tests (see shape_cases.py for the case-file format)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rdflib import Graph

# The test modules import their helpers from shape_cases.py beside this file, whatever pytest's
# import mode.
sys.path.insert(0, str(Path(__file__).resolve().parent))

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
