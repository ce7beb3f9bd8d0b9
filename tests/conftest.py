"""Shared fixtures: the site is built once per test session and served from 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
import os
import socket
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_site(project: Path, out: Path, port: int) -> subprocess.CompletedProcess:
    """``mkdocs build --strict`` of ``project`` into ``out``, for a server on ``port``."""
    env = dict(os.environ, LRMATH_SITE_URL=f"http://127.0.0.1:{port}/", NO_MKDOCS_2_WARNING="1")
    env.setdefault("LRMATH_CACHE_DIR", str(ROOT / ".cache" / "lrmath"))
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(out)],
        cwd=project, env=env, capture_output=True, text=True,
    )


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory: Path, port: int):
    """Serve ``directory`` on 127.0.0.1:``port`` in a thread; returns the server."""
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The course, built once with ``--strict``, served; yields (base URL, site folder)."""
    port = free_port()
    out = tmp_path_factory.mktemp("site")
    result = build_site(ROOT, out, port)
    if result.returncode != 0:
        pytest.fail("mkdocs build --strict failed:\n" + result.stdout[-3000:] + result.stderr[-6000:], pytrace=False)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    assert not warnings, warnings
    server = serve(out, port)
    yield f"http://127.0.0.1:{port}/", out
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from tests.site.browser import CHROMIUM_FLAGS, chromium_path

    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    shutil.rmtree(ARTIFACTS / "screenshots", ignore_errors=True)  # no stale pages from renamed files
    (ARTIFACTS / "screenshots").mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
