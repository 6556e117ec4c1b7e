"""The app as the browser tests see it: ``streamlit run app.py`` on a free local port.

One way to start, wait for and stop a test server, used by the shared server in conftest.py, the two
servers on one database in test_servers.py and the council-mode server in test_signin_browser.py.
(test_deployment.py starts its own on purpose: it checks what a bare ``streamlit run app.py`` does.)
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: How long a server may take to answer its health check (two cores, other tests running).
START_SECONDS = 60.0


def free_port() -> int:
    """A port nothing listens on now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class AppServer:
    """One running ``streamlit run app.py``; its output goes to ``log`` (a file: an unread pipe
    would fill and stall the server)."""

    proc: subprocess.Popen[bytes]
    port: int
    log: Path
    _out: IO[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_healthy(self, timeout: float = START_SECONDS) -> None:
        """Until ``/_stcore/health`` answers ok; fail with the server's log if it exits or never does."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"streamlit exited with {self.proc.returncode}:\n{self.log_text()[-4000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1) as r:
                    if r.read() == b"ok":
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        pytest.fail(f"streamlit did not answer /_stcore/health within {timeout:.0f} s:\n"
                    f"{self.log_text()[-4000:]}")

    def stop(self) -> None:
        """Terminate (kill if it will not go); safe to call twice or after the process died."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._out.close()


def start_app(log: Path, *, env: Mapping[str, str] | None = None, args: Sequence[str] = (),
              port: int | None = None) -> AppServer:
    """Start the app (not yet waited for: start several, then wait for each, and they boot together).

    ``env`` replaces the environment when given (default: this process's). The file watcher is off:
    a test server runs the code it started with, even if a file in the tree is edited meanwhile.
    """
    port = free_port() if port is None else port
    out = log.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", *args],
        cwd=ROOT, env=dict(os.environ if env is None else env), stdout=out, stderr=subprocess.STDOUT)
    return AppServer(proc, port, log, out)


@contextmanager
def app_servers(logs: Sequence[Path], *, env: Mapping[str, str] | None = None,
                args: Sequence[str] = ()) -> Iterator[list[AppServer]]:
    """Servers started side by side (they boot together), each healthy before the block runs, all
    stopped after it."""
    with ExitStack() as stack:
        servers: list[AppServer] = []
        for log in logs:
            server = start_app(log, env=env, args=args)
            stack.callback(server.stop)
            servers.append(server)
        for server in servers:
            server.wait_healthy()
        yield servers


@contextmanager
def app_server(log: Path, *, env: Mapping[str, str] | None = None, args: Sequence[str] = (),
               port: int | None = None) -> Iterator[AppServer]:
    """One server, healthy before the block runs, stopped after it."""
    server = start_app(log, env=env, args=args, port=port)
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()
