"""A build never depends on the machine's speed: from a cold cache, with every core busy.

The session's site (``tests/conftest.py``) is built while one busy process per core
runs; on a fresh clone (CI) its notebook cache is cold, so that build is this test's
build. Where the session found a warm cache, this test builds again from an empty one.
"""

from __future__ import annotations

import os

import pytest

from tests.conftest import ROOT, SESSION_BUILD, BusyCores, build_site, free_port

pytestmark = pytest.mark.slow


def test_the_site_builds_from_a_cold_cache_while_every_core_is_busy(built_site, tmp_path):
    cores = os.cpu_count() or 2
    record = SESSION_BUILD.get("record")
    if record is not None and record.cold:
        busy, seconds = record.busy_processes, record.seconds
        how = "the session's build"
    else:
        cache = tmp_path / "empty-cache"
        import time

        start = time.monotonic()
        with BusyCores() as load:
            result = build_site(ROOT, tmp_path / "site", free_port(), cache_dir=cache)
            busy = sum(p.poll() is None for p in load.procs)
        seconds = time.monotonic() - start
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
        assert any((cache / "site").rglob("*.ipynb")), "the build executed no notebook into the empty cache"
        how = "a build of its own"
    print(f"\ncold build with {busy} busy processes on {cores} cores ({how}): {seconds:.0f} s (information only)")
    assert busy == cores, f"only {busy} of {cores} busy processes lasted the whole build"
