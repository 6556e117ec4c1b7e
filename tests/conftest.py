"""Browser fixtures only: a real Streamlit server and Debian's chromium for pytest-playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from servers import app_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch the system chromium (browser downloads are blocked here); never skip without it."""
    exe = shutil.which("chromium")
    if exe is None:
        pytest.fail("The browser test needs Debian's chromium: run `apt-get install -y chromium` "
                    "(CI installs it). Never `playwright install`.")
    return {**browser_type_launch_args, "executable_path": exe,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]}


@pytest.fixture(scope="session", autouse=True)
def _test_register(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Loading rules records them in the register (screening.rules.register): never the installation's own."""
    old = os.environ.get("SCREENING_REGISTER")
    os.environ["SCREENING_REGISTER"] = str(tmp_path_factory.mktemp("register"))
    yield
    if old is None:
        os.environ.pop("SCREENING_REGISTER", None)
    else:
        os.environ["SCREENING_REGISTER"] = old


@pytest.fixture(scope="session", autouse=True)
def _test_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Saved screenings go to a store of the test run's own, never the installation's data/."""
    saved = {k: os.environ.get(k) for k in ("SCREENING_DATABASE_URL", "SCREENING_STORE_KEYS")}
    os.environ["SCREENING_DATABASE_URL"] = f"sqlite:///{tmp_path_factory.mktemp('store') / 'test.db'}"
    os.environ["SCREENING_STORE_KEYS"] = "3Fv0s7B0m5m3y8B6d4u4r8cJ1pX9r2k7QwE5t6y7u8I="
    yield
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def app_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the shared test server writes its log."""
    return tmp_path_factory.mktemp("server") / "streamlit.log"


@pytest.fixture(scope="session")
def app_url(app_log: Path) -> Iterator[str]:
    """One ``streamlit run app.py`` for the whole run (tests that need a server of their own start
    one with tests/servers.py), healthy before the first test, stopped after the last."""
    with app_server(app_log) as server:
        yield server.url
