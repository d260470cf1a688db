"""Shared fixtures: the project directory, ../shared when present, and one real build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """A real `segraph serve` process on a free loopback port."""

    def __init__(self, var: Path, *extra: str, env: dict[str, str] | None = None) -> None:
        import os
        import subprocess
        import sys

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = var.parent / f"server-{self.port}.log"
        command = [sys.executable, "-m", "segraph.cli", "serve", "--project-dir", str(PROJECT),
                   "--var-dir", str(var), "--port", str(self.port), *extra]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {})}, start_new_session=True)
        self.wait_ready()

    def wait_ready(self, timeout: float = 60.0) -> None:
        import time
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"server did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        import os
        import signal
        import subprocess

        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:  # a server that will not stop is killed
                os.killpg(self.process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def live_server(built):
    """`segraph serve` on the default build: 2 workers, a 3 s query limit, no rate limit."""
    paths, _ = built
    server = LiveServer(paths.var, "--workers", "2", "--query-timeout", "3",
                        "--rate-limit", "0", "--max-rows", "1000")
    yield server
    server.stop()
