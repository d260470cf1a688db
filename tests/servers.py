"""A real `segraph serve` on a free loopback port, for tests that talk HTTP.

A module of its own (not conftest.py) so that tests can import it by a unique name.
"""

from __future__ import annotations

from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


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
        var.mkdir(parents=True, exist_ok=True)
        self.log = var / f"server-{self.port}.log"
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
