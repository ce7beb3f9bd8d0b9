"""Proofs remembered by content: an unchanged derivation is not proven twice.

A page's check is stored under a key made of the page's path, the text of each of its
derivation blocks, and a digest of the checker itself, SymPy's and Python's versions (so that a change to
the reader or the prover invalidates every stored proof). Prose around the blocks may change
freely: the stored steps are moved to the lines where their blocks stand now, and the
page's ``\\eqref`` references are checked again, since they live in the prose.

Both ``mkdocs serve`` (through the plugin) and ``lrmath verify`` use it; ``lrmath verify
--no-cache`` proves everything from scratch.

>>> import tempfile, pathlib
>>> cache = pathlib.Path(tempfile.mkdtemp())
>>> page = "Intro.\\n\\n```derivation\\nwhere z \\\\in \\\\mathbb{R}\\nz + z = 2z\\n```\\n"
>>> first = check_page_cached(page, "p.md", cache)
>>> again = check_page_cached("A longer intro.\\n\\n" + page, "p.md", cache)  # prose changed
>>> first.proven, again.proven, again.steps[0].line - first.steps[0].line
(1, 1, 2)
"""

from __future__ import annotations

import hashlib
import pickle
import platform
from functools import lru_cache
from pathlib import Path

from lrmath.checker.displays import check_displays
from lrmath.checker.page import CheckedPage, check_page, check_references, find_blocks
from lrmath.checker.reading import ReadError

__all__ = ["check_page_cached"]

CHECKER_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def checker_digest() -> str:
    """A digest of the checker's own source, SymPy's version and Python's version."""
    import sympy

    digest = hashlib.sha256(f"sympy {sympy.__version__} python {platform.python_version()}".encode())
    for path in sorted(CHECKER_DIR.rglob("*.py")):
        digest.update(path.relative_to(CHECKER_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def check_page_cached(markdown: str, path: str, cache_dir: Path) -> CheckedPage:
    """:func:`lrmath.checker.page.check_page`, reusing the proofs of unchanged blocks.

    A page whose blocks cannot even be found (a :class:`~lrmath.checker.reading.ReadError`) is
    checked without the cache, so that the error is reported as usual.
    """
    try:
        blocks = find_blocks(markdown)
    except ReadError:
        return check_page(markdown, path)
    key = hashlib.sha256(path.encode() + b"\0" + checker_digest().encode())
    for block in blocks:
        key.update("\n".join(text for _, text in block.lines).encode() + b"\0")
    store = Path(cache_dir) / "derivations" / f"{key.hexdigest()[:32]}.pickle"
    if store.exists():
        cached = pickle.loads(store.read_bytes())
        _move_lines(cached, blocks)
        cached.failures = [f for f in cached.failures if not f[1].startswith("\\eqref")]
        check_references(markdown, cached.blocks, cached.labels, cached.failures)
        cached.displays, display_failures = check_displays(markdown)  # they live in the prose
        cached.failures.extend(display_failures)
        cached.from_cache = True
        return cached
    checked = check_page(markdown, path)
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_bytes(pickle.dumps(checked.without_expressions()))
    return checked


def _move_lines(cached: CheckedPage, blocks) -> None:
    """Shift the line numbers of a cached check to where its blocks stand now."""
    moved = []
    for old, new in zip(cached.blocks, blocks):
        delta = new.start - old.start
        for step in old.steps:
            step.line += delta
        moved.extend((line + delta, msg) for line, msg in cached.failures if old.start <= line <= old.end)
        old.start, old.end, old.lines = new.start, new.end, new.lines
    cached.failures = moved
