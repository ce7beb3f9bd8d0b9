"""Shared fixtures: the site is built once per test session and served from 127.0.0.1.

The session's site is built the way it is published, under a subpath
(``http://127.0.0.1:PORT/course/``), while both cores are kept busy by other
processes, so every browser test also checks subpath hosting, and the build
itself checks that nothing it decides depends on machine load.
``LRMATH_TEST_SITE=/path/to/site`` (built with ``LRMATH_SITE_URL`` ending in
``/course/``) reuses a site built earlier, for working on the browser tests.
"""

from __future__ import annotations

import dataclasses
import functools
import http.server
import os
import socket
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SUBPATH = "course/"


def build_site(project: Path, out: Path, port: int, prefix: str = "", cache_dir: Path | None = None) -> subprocess.CompletedProcess:
    """``mkdocs build --strict`` of ``project`` into ``out``, for a server on ``port`` under ``prefix``."""
    env = dict(os.environ, LRMATH_SITE_URL=f"http://127.0.0.1:{port}/{prefix}", NO_MKDOCS_2_WARNING="1")
    env.setdefault("LRMATH_CACHE_DIR", str(ROOT / ".cache" / "lrmath"))
    if cache_dir is not None:
        env["LRMATH_CACHE_DIR"] = str(cache_dir)
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(out)],
        cwd=project, env=env, capture_output=True, text=True,
    )


class _Quiet(http.server.SimpleHTTPRequestHandler):
    """A static server that, like a web host, answers a missing page with the site's 404.html."""

    not_found_page: Path | None = None

    def log_message(self, *args):
        pass

    def send_error(self, code, message=None, explain=None):
        page = self.not_found_page
        if code != 404 or page is None or not page.exists():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def serve(directory: Path, port: int, not_found: Path | None = None):
    """Serve ``directory`` on 127.0.0.1:``port`` in a thread; returns the server."""
    handler_class = type("Handler", (_Quiet,), {"not_found_page": not_found})
    handler = functools.partial(handler_class, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class BusyCores:
    """One busy process per core (plain Python loops), for as long as the ``with`` lasts."""

    def __enter__(self):
        loop = "while True: pass"
        self.procs = [subprocess.Popen([sys.executable, "-c", loop]) for _ in range(os.cpu_count() or 2)]
        return self

    def __exit__(self, *exc):
        for proc in self.procs:
            proc.kill()
            proc.wait()
        self.still_running = [p.pid for p in self.procs if p.poll() is None]


@dataclasses.dataclass
class BuildRecord:
    """How the session's site was built (the busy-machine test reads it)."""

    cold: bool  # the notebook cache held no executed notebook before the build
    busy_processes: int  # busy processes that ran through the whole build
    seconds: float  # printed only, never compared


SESSION_BUILD: dict[str, BuildRecord] = {}


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The course, built once with ``--strict`` under /course/, served; yields (base URL, site folder).

    The server's root holds only ``course/``; a missing page gets the site's 404 page.
    """
    prebuilt = os.environ.get("LRMATH_TEST_SITE")
    port = int(os.environ.get("LRMATH_TEST_PORT", 0)) or free_port()
    root = tmp_path_factory.mktemp("host")
    out = root / SUBPATH.strip("/")
    if prebuilt:
        shutil.copytree(prebuilt, out)
    else:
        cache_dir = Path(os.environ.get("LRMATH_CACHE_DIR") or ROOT / ".cache" / "lrmath")
        cold = not any((cache_dir / "site").rglob("*.ipynb")) if (cache_dir / "site").exists() else True
        start = time.monotonic()
        with BusyCores() as busy:
            result = build_site(ROOT, out, port, SUBPATH, cache_dir)
            alive = sum(p.poll() is None for p in busy.procs)
        SESSION_BUILD["record"] = BuildRecord(cold, alive, time.monotonic() - start)
        if result.returncode != 0:
            pytest.fail("mkdocs build --strict failed:\n" + result.stdout[-3000:] + result.stderr[-6000:], pytrace=False)
        warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
        assert not warnings, warnings
    server = serve(root, port, not_found=out / "404.html")
    yield f"http://127.0.0.1:{port}/{SUBPATH}", out
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
