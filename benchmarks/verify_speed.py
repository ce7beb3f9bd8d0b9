r"""How fast are the course's derivations proven, cold and after a one-line edit?

Run from the project root::

    PYTHONPATH=$PWD python benchmarks/verify_speed.py [--docs docs] [--jobs N]

Three measurements, in one run, so that their **ratios** carry over from a noisy, shared
machine (the seconds do not; the load is printed with them):

1. **reference**: every page checked one after the other in this process
   (:func:`lrmath.checker.page.check_page_here`: no workers, no cache), as the checker
   did before it had worker processes. Its processor time is printed too: it is what
   the machine's load does not change much.
2. **cold verify**: ``python -m lrmath verify --no-cache DOCS`` as a fresh process, the
   whole command (start-up and imports included), pages proven in parallel workers.
   Target: at most 10 s on 2 quiet cores.
3. **one-line edit**: what ``mkdocs serve`` does after an author edits one line: the
   plugin checks every page again through the cache (:func:`lrmath.checker.cache.check_pages`,
   with a warm pool of workers, as in a running server); unchanged pages come from the
   cache, and in the edited page only the edited block is proven again. The edit is a new
   reason on a step in the middle block of the page that takes longest. Target: under 2 s.
   Its reference is the cold check of that page alone (step 1).

Nothing here is asserted: ``tests/`` decide correctness by counts, never by the clock.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load() -> str:
    try:
        return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"
    except OSError:
        return "load unknown"


def reference(pages):
    from lrmath.checker.page import check_page_here

    wall, cpu = time.perf_counter(), time.process_time()
    per_page, per_page_cpu = {}, {}
    for text, path in pages:
        started, started_cpu = time.perf_counter(), time.process_time()
        checked = check_page_here(text, path)
        assert not checked.failures, checked.messages()
        per_page[path] = time.perf_counter() - started
        per_page_cpu[path] = time.process_time() - started_cpu
    return time.perf_counter() - wall, time.process_time() - cpu, per_page, per_page_cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cold_verify(docs: Path, jobs: int | None) -> tuple[float, float, str]:
    """Seconds on the clock and of processor time (the command and its workers)."""
    command = [sys.executable, "-m", "lrmath", "verify", "--no-cache", str(docs)] + (["--jobs", str(jobs)] if jobs else [])
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cpu, started = _children_cpu(), time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu
    if result.returncode != 0:
        raise SystemExit(f"lrmath verify failed:\n{result.stdout}{result.stderr}")
    lines = result.stdout.strip().splitlines()
    summary = next((line for line in reversed(lines) if line.startswith("verified:")), lines[-1] if lines else "")
    return seconds, cpu, summary


def _pool_cpu(pool) -> float:
    from lrmath.checker.workers import cpu_seconds

    return time.process_time() + sum(cpu_seconds(pid) or 0.0 for pid in pool.workers())


def edited(text: str) -> tuple[str, int]:
    """The page with one reason changed in its middle derivation block, and that line."""
    from lrmath.checker.page import find_blocks

    blocks = [b for b in find_blocks(text) if any(" # " in t for _, t in b.lines)]
    block = blocks[len(blocks) // 2]
    line, old = next((n, t) for n, t in block.lines if " # " in t and not t.strip().startswith(("where", "define")))
    lines = text.split("\n")
    lines[line - 1] = old.replace(" # ", " # (edited) ", 1)
    return "\n".join(lines), line


def one_line_edit(pages, slowest: str, jobs: int | None):
    from lrmath.checker import workers
    from lrmath.checker.cache import check_pages

    cache = Path(tempfile.mkdtemp(prefix="lrmath-bench-"))
    pool = workers.CheckerPool(jobs)
    try:
        started = time.perf_counter()
        warm = check_pages(pages, cache, pool=pool)  # the server's first build
        first = time.perf_counter() - started
        assert not any(c.failures for c in warm)
        changed = []
        for text, path in pages:
            if path == slowest:
                text, line = edited(text)
            changed.append((text, path))
        cpu, started = _pool_cpu(pool), time.perf_counter()
        again = check_pages(changed, cache, pool=pool)  # the rebuild after saving the edit
        seconds, cpu = time.perf_counter() - started, _pool_cpu(pool) - cpu
        assert not any(c.failures for c in again), [c.messages() for c in again]
        reused = sum(getattr(c, "from_cache", False) for c in again)
        return first, seconds, cpu, line, reused
    finally:
        pool.close()
        shutil.rmtree(cache, ignore_errors=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", default=str(ROOT / "docs"))
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    docs = Path(args.docs)
    pages = [(p.read_text(encoding="utf-8"), str(p)) for p in sorted(docs.rglob("*.md"))]
    pages = [(t, p) for t, p in pages if "derivation" in t]

    print(f"before: {load()}")
    ref_wall, ref_cpu, per_page, per_page_cpu = reference(pages)
    slowest = max(per_page_cpu, key=per_page_cpu.get)
    print(f"{'':38}{'clock':>9}{'processor':>11}")
    print(f"{'reference: one process, no workers':38}{ref_wall:8.1f}s{ref_cpu:10.1f}s   ({len(pages)} pages)")
    cold, cold_cpu, summary = cold_verify(docs, args.jobs)
    print(f"{'cold `lrmath verify --no-cache`':38}{cold:8.1f}s{cold_cpu:10.1f}s   = {cold / ref_wall:.2f} x reference on the clock  [{summary}]")
    first, edit, edit_cpu, line, reused = one_line_edit(pages, slowest, args.jobs)
    page_name = Path(slowest).name
    print(f"{'first build (warm pool, empty cache)':38}{first:8.1f}s")
    print(
        f"{'one-line edit, ' + page_name + ':' + str(line):38}{edit:8.2f}s{edit_cpu:10.2f}s   = "
        f"{edit_cpu / per_page_cpu[slowest]:.2f} x proving that page cold ({per_page_cpu[slowest]:.1f} s processor); "
        f"{reused} of {len(pages)} pages straight from the cache"
    )
    print(f"after:  {load()}")
    print(
        "targets, on 2 quiet cores: cold verify <= 10 s, one-line edit < 2 s. On a busy machine the clock\n"
        "stretches with the load; processor time (and, for the cold run, processor time / 2 cores) does not much."
    )


if __name__ == "__main__":
    main()
