"""Shared fixtures: the project directory, ../shared when present, and one real build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from browsers import ARGS, CHROMIUM, NO_CHROMIUM
from release_history import History, make_history
from servers import LiveServer

from segraph.build import BuildResult, build
from segraph.settings import Paths

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"


@pytest.fixture(scope="session")
def project_dir() -> Path:
    return PROJECT


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the repository; tests that compare with it skip without it."""
    path = SHARED / "data"
    if not path.is_dir():
        pytest.skip("../shared/data is not present beside the repository")
    return path


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Paths, BuildResult]:
    """The whole default graph, built once (with HermiT) into a temporary var directory."""
    var = tmp_path_factory.mktemp("var")
    paths = Paths(project=PROJECT, var=var)
    return paths, build(paths)


@pytest.fixture()
def project_copy(tmp_path: Path) -> Path:
    """A writable copy of the sources, for tests that break them on purpose."""
    for name in ("ontology", "shapes", "data"):
        shutil.copytree(PROJECT / name, tmp_path / name)
    return tmp_path


@pytest.fixture(scope="session")
def live_server(built):
    """`segraph serve` on the default build: 2 workers, a 3 s query limit, no rate limit."""
    paths, _ = built
    server = LiveServer(paths.var, "--workers", "2", "--query-timeout", "3",
                        "--rate-limit", "0", "--max-rows", "1000")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    """Two releases (three builds, no reasoning) in a new var; see ``release_history``."""
    return make_history(tmp_path_factory.mktemp("history"), PROJECT)


@pytest.fixture(scope="session")
def history_server(history: History):
    """`segraph serve` on the var with two releases (1 worker, no rate limit)."""
    server = LiveServer(history.paths.var, "--workers", "1", "--rate-limit", "0")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    """One chromium for all browser tests (they skip without it)."""
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="needs the playwright package (pip install -e '.[test]')")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()
