"""Deployment defaults: a plain ``streamlit run app.py`` listens on this machine only, asks no outside
host anything (no external-IP probe, no fonts or icons from elsewhere) and works with no network;
made downloads leave Streamlit's media store soon after they are made."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import websockets
from playwright.sync_api import Browser, Route, expect
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.media_file_storage import MediaFileStorageError
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from websockets.sync.client import connect

import screening
from ui import downloads
from ui.state import ordered_factors

ROOT = Path(__file__).resolve().parents[1]
RULES = screening.load(ROOT / "rules")


class Recorder:
    """A stand-in for the outside world: the server's HTTP(S)_PROXY. Any outbound request lands here."""

    def __init__(self) -> None:
        self.seen: list[bytes] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.seen.append(conn.recv(4096)[:200])
                except OSError as e:
                    self.seen.append(repr(e).encode())


@dataclass
class Server:
    port: int
    host: str
    proc: subprocess.Popen[bytes]
    recorder: Recorder
    output: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> str:
        if not self.output:
            self.proc.terminate()
            try:
                out, _ = self.proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                out, _ = self.proc.communicate()
            self.output.append(out.decode(errors="replace"))
        return self.output[0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # the test itself uses no proxy


def start(host: str = "127.0.0.1", **env: str) -> Server:
    """``python -m streamlit run app.py`` with no arguments: only the port (and ``env``) from outside."""
    port, recorder = _free_port(), Recorder()
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("STREAMLIT_") and k.lower() not in {"no_proxy", "http_proxy", "https_proxy"}}
    clean.update({"STREAMLIT_SERVER_PORT": str(port), "HTTP_PROXY": recorder.url, "HTTPS_PROXY": recorder.url,
                  "http_proxy": recorder.url, "https_proxy": recorder.url, **env})
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py"], cwd=ROOT, env=clean,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    server = Server(port, host, proc, recorder)
    for _ in range(300):
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited with {proc.returncode}:\n{server.stop()}")
        try:
            with _DIRECT.open(f"{server.url}/_stcore/health", timeout=1) as r:
                if r.read() == b"ok":
                    return server
        except OSError:
            time.sleep(0.1)
    out = server.stop()
    pytest.fail(f"streamlit did not answer /_stcore/health within 30 s:\n{out}")


def listening(port: int) -> set[str]:
    """Every local address with a socket listening on ``port`` (Linux /proc/net/tcp and tcp6)."""
    found: set[str] = set()
    for name, size in (("tcp", 4), ("tcp6", 16)):
        path = Path("/proc/net") / name
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            addr, hexport = local.split(":")
            if state != "0A" or int(hexport, 16) != port:  # 0A: LISTEN
                continue
            raw = bytes.fromhex(addr)
            raw = b"".join(raw[i:i + 4][::-1] for i in range(0, size, 4))  # each 32-bit word is little-endian
            found.add(socket.inet_ntop(socket.AF_INET if size == 4 else socket.AF_INET6, raw))
    return found


def other_address() -> str | None:
    """This machine's address on its network, if it has one (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))
        except OSError:
            return None
        addr = str(s.getsockname()[0])
    return None if addr.startswith("127.") else addr


@pytest.fixture(scope="module")
def plain() -> Iterator[Server]:
    server = start()
    try:
        yield server
    finally:
        server.stop()


def test_plain_run_listens_on_this_machine_only(plain: Server) -> None:
    assert listening(plain.port) == {"127.0.0.1"}
    there = other_address()
    if there is not None:  # and, from the network's side, nothing answers
        with pytest.raises(OSError), socket.create_connection((there, plain.port), timeout=2):
            pass


def test_the_page_asks_no_outside_host_and_works_with_no_network(plain: Server, browser: Browser) -> None:
    """Every request the browser makes goes to the app itself; anything else is cut off (no network).
    Then a page from another origin tries the websocket: refused, and still nobody is asked for this
    machine's external address (app.py's guard, installed by the page run above)."""
    origin, foreign = plain.url, list[str]()

    def only_ours(route: Route) -> None:
        if route.request.url.startswith(origin + "/") or route.request.url == origin:
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort("internetdisconnected")

    context = browser.new_context()
    context.route("**/*", only_ours)
    page = context.new_page()
    try:
        for path, heading in (("", ordered_factors(RULES)[0].title), ("/review", "Open a screening file")):
            page.goto(origin + path)
            expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=30_000)
            expect(page.get_by_text(RULES.default_contact.phone.replace(" ", "\u00a0")).first).to_be_visible()
            page.wait_for_load_state("networkidle")
        icon = page.eval_on_selector("link[rel='shortcut icon']", "e => e.href")
    finally:
        context.close()
    assert foreign == []
    assert str(icon).startswith(("data:", origin)), icon

    ws = f"ws://127.0.0.1:{plain.port}/_stcore/stream"
    assert _websocket_status(ws, "http://evil.example") == 403
    time.sleep(2.5)  # Streamlit's probe waits up to 1 s for each of two URLs
    assert plain.recorder.seen == [], "the server called out"


def _websocket_status(url: str, origin: str) -> int:
    try:
        with connect(url, origin=websockets.Origin(origin), proxy=None, open_timeout=10):
            return 101
    except websockets.InvalidStatus as e:
        return int(e.response.status_code)


def test_start_up_shows_one_local_url_and_probes_nothing(plain: Server) -> None:
    out = plain.stop()
    assert f"URL: http://127.0.0.1:{plain.port}" in out
    assert "External URL" not in out and "Network URL" not in out
    assert "external IP" not in out, out  # Streamlit logs this when its probe fails
    assert plain.recorder.seen == []


def test_a_council_changes_the_address_deliberately() -> None:
    """README's override: an environment variable moves the listening address and the URL shown
    (127.0.0.2 stands in for a server's address: it is still this machine)."""
    server = start("127.0.0.2", STREAMLIT_SERVER_ADDRESS="127.0.0.2",
                   STREAMLIT_BROWSER_SERVER_ADDRESS="screening.council.example")
    try:
        assert listening(server.port) == {"127.0.0.2"}
        with pytest.raises(OSError), socket.create_connection(("127.0.0.1", server.port), timeout=2):
            pass
    finally:
        out = server.stop()
    assert f"URL: http://screening.council.example:{server.port}" in out
    assert server.recorder.seen == [] and "External URL" not in out


class _Column:
    """Stands in for a Streamlit column: keeps what download_button was given."""

    def __init__(self) -> None:
        self.calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def download_button(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append((args, kwargs))


def test_a_made_download_leaves_the_media_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """Through Streamlit's own deferred-download path: made on click, gone LINGER_SECONDS later."""
    storage = MemoryMediaFileStorage("/media")
    mgr = MediaFileManager(storage)

    class FakeRuntime:
        media_file_mgr = mgr

    monkeypatch.setattr(downloads.runtime, "exists", lambda: True)
    monkeypatch.setattr(downloads.runtime, "get_instance", lambda: FakeRuntime)
    monkeypatch.setattr(downloads, "LINGER_SECONDS", 0.2)
    made: list[int] = []

    def make() -> str:
        made.append(1)
        return "summary text"

    column = _Column()
    downloads.download_button("Download", make, file_name="s.md", mime="text/markdown", key="dl.x",
                              where=column)
    (_label, produce), kwargs = column.calls[0]
    assert made == [] and kwargs["on_click"] == "ignore"  # nothing is made until the click
    file_id = mgr.add_deferred(produce, kwargs["mime"], "0.1", file_name=kwargs["file_name"])
    url = mgr.execute_deferred(file_id)
    assert made == [1]
    name = url.rsplit("/", 1)[1]
    assert storage.get_file(name).content == b"summary text"
    time.sleep(0.6)
    with pytest.raises(MediaFileStorageError):
        storage.get_file(name)


def test_forget_without_a_runtime_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(downloads.runtime, "exists", lambda: False)
    assert downloads.forget(b"x", "text/plain", "x.txt") is False


MAKE = shutil.which("make")


def _make_chromium(tmp_path: Path, *, root: bool, has_chromium: bool) -> tuple[int, str, str]:
    """``make chromium`` on a PATH holding only stand-ins for id, sudo, apt-get (and chromium): what
    runs, as it would on a fresh Debian machine. The stand-in apt-get 'installs' chromium."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    log = tmp_path / "log"

    def script(name: str, body: str) -> None:
        (bin_ / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_ / name).chmod(0o755)

    os.symlink(shutil.which("env") or "/usr/bin/env", bin_ / "env")
    script("id", f"echo {0 if root else 1000}")
    script("sudo", f'echo "sudo $*" >> {log}; exec "$@"')
    script("apt-get", f'echo "apt-get $*" >> {log}; '
                      f'if [ "$1" = install ]; then printf "#!/bin/sh\\n" > {bin_}/chromium; '
                      f"{shutil.which('chmod')} 755 {bin_}/chromium; fi")
    if has_chromium:
        script("chromium", "true")
    assert MAKE is not None, "make test needs make"
    done = subprocess.run([MAKE, "--no-print-directory", "-C", str(ROOT), "chromium"], capture_output=True,
                          text=True, env={"PATH": str(bin_), "HOME": str(tmp_path)}, timeout=60)
    return done.returncode, log.read_text() if log.exists() else "", done.stdout + done.stderr


def test_make_test_installs_chromium_when_missing(tmp_path: Path) -> None:
    code, log, out = _make_chromium(tmp_path, root=True, has_chromium=False)
    assert code == 0, out
    assert log.splitlines() == ["apt-get update -qq", "apt-get install -y -qq chromium"]


def test_make_test_uses_sudo_when_not_root(tmp_path: Path) -> None:
    code, log, out = _make_chromium(tmp_path, root=False, has_chromium=False)
    assert code == 0, out
    assert log.splitlines()[0].startswith("sudo env DEBIAN_FRONTEND=noninteractive apt-get update")
    assert "apt-get install -y -qq chromium" in log


def test_make_test_leaves_an_installed_chromium_alone(tmp_path: Path) -> None:
    code, log, out = _make_chromium(tmp_path, root=False, has_chromium=True)
    assert (code, log) == (0, ""), out


def test_make_test_runs_the_chromium_step_and_ci_calls_make_test() -> None:
    makefile = (ROOT / "Makefile").read_text()
    test_rule = next(line for line in makefile.splitlines() if line.startswith("test:"))
    assert "chromium" in test_rule.split(":", 1)[1].split()
    assert (ROOT / ".ci" / "run").read_text().rstrip().endswith("make test")
