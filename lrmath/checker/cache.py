"""Proofs remembered by content: an unchanged derivation is not proven twice.

Two levels, both plain JSON files under ``<cache>/derivations/``:

- a **page** entry, under a key made of the page's path and the text of each of its
  derivation blocks: an unchanged page is not even sent to a worker. Prose around the
  blocks may change freely: the stored steps are moved to the lines where their blocks
  stand now, and the page's ``\\eqref`` references are checked again (they live in the prose);
- a **block** entry, under a key made of the block's text, the labels numbered before it
  and a fingerprint of everything the blocks above it declared and defined: when one
  line of a page changes, only its block (and a later block whose definitions it changed)
  is proven again; the others are replayed (read, not proven) to rebuild the notation.

Every key also holds a digest of the checker's own source and the versions of SymPy,
mpmath and Python, so that a change to any of them invalidates every stored proof. An
entry is JSON (never a pickle: nothing stored can run code when read), holds its own key
and a SHA-256 digest of its content, and is checked against the page's blocks before it is
used: a corrupt, truncated, tampered or misplaced entry is ignored and the page proven
again. (A digest detects damage and careless edits; whoever can write the cache folder
can also edit the checker's source, so it is not a signature.) A result with a line that
hit the time limit or crashed its worker depends on the machine's load and is not stored.

Both ``mkdocs serve`` (through the plugin) and ``lrmath verify`` use it; ``lrmath verify
--no-cache`` proves everything from scratch.

>>> import tempfile, pathlib
>>> cache = pathlib.Path(tempfile.mkdtemp())
>>> page = "Intro.\\n\\n```derivation\\nwhere z \\\\in \\\\mathbb{R}\\nz + z = 2z\\n```\\n"
>>> first = check_page_cached(page, "p.md", cache)
>>> again = check_page_cached("A longer intro.\\n\\n" + page, "p.md", cache)  # prose changed
>>> first.proven, again.proven, again.steps[0].line - first.steps[0].line, again.from_cache
(1, 1, 2, True)
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import tempfile
from functools import lru_cache
from pathlib import Path

from lrmath.checker.displays import check_displays
from lrmath.checker.page import CheckedPage, check_page_here, check_references, find_blocks
from lrmath.checker.plain import block_from_plain, block_to_plain, from_plain, to_plain
from lrmath.checker.proving import Proof

__all__ = ["check_page_cached", "check_pages", "check_page_by_blocks", "checker_digest", "fingerprint"]

CHECKER_DIR = Path(__file__).resolve().parent
STATUSES = {"proven", "numeric", "defined", "expected-wrong", "refuted", "unproven"}


@lru_cache(maxsize=1)
def checker_digest() -> str:
    """A digest of the checker's own source and the versions of SymPy, mpmath and Python."""
    import mpmath
    import sympy

    versions = f"sympy {sympy.__version__} mpmath {mpmath.__version__} {platform.python_implementation()} {platform.python_version()}"
    digest = hashlib.sha256(versions.encode())
    for path in sorted(CHECKER_DIR.rglob("*.py")):
        digest.update(path.relative_to(CHECKER_DIR).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


# -- stored entries -----------------------------------------------------------------------

def _canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _seal(key: str, payload) -> str:
    return hashlib.sha256(key.encode() + b"\0" + _canonical(payload)).hexdigest()


def _write(path: Path, key: str, payload) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"key": key, "sha256": _seal(key, payload), "payload": payload})
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)  # readers see the old entry or the new one, never half of it
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _read(path: Path, key: str):
    """The payload stored under ``key``, or None if absent, unreadable, or not what was sealed."""
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("key") != key or "payload" not in entry:
        return None
    if entry.get("sha256") != _seal(key, entry["payload"]):
        return None
    return entry["payload"]


def _key(*parts: str) -> str:
    digest = hashlib.sha256(checker_digest().encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _texts(block) -> str:
    return "\n".join(text for _, text in block.lines)


def _plausible(page: CheckedPage, blocks) -> bool:
    """A stored page matches the blocks it is used for, and its steps make sense."""
    if len(page.blocks) != len(blocks):
        return False
    for old, new in zip(page.blocks, blocks):
        if _texts(old) != _texts(new) or not _plausible_steps(old):
            return False
    return True


def _plausible_steps(block) -> bool:
    first, last = block.start, block.end
    return all(
        isinstance(s.line, int) and first < s.line < last and s.proof.status in STATUSES
        and s.kind in ("definition", "equality")
        for s in block.steps
    )


# -- pages ---------------------------------------------------------------------------------

def _page_store(cache_dir, markdown: str, path: str):
    blocks = find_blocks(markdown)
    key = _key("page", path, *(_texts(b) for b in blocks))
    return Path(cache_dir) / "derivations" / f"page-{key[:40]}.json", key, blocks


def _reuse_page(markdown: str, path: str, cache_dir) -> CheckedPage | None:
    try:
        store, key, blocks = _page_store(cache_dir, markdown, path)
    except Exception:  # noqa: BLE001 - the page is then checked, and the error reported there
        return None
    payload = _read(store, key)
    if payload is None:
        return None
    try:
        cached = from_plain(payload)
    except (KeyError, TypeError, ValueError):
        return None
    if not _plausible(cached, blocks):
        return None
    _move_lines(cached, blocks)
    cached.failures = [f for f in cached.failures if not f[1].startswith("\\eqref")]
    check_references(markdown, cached.blocks, cached.labels, cached.failures)
    cached.displays, display_failures = check_displays(markdown)  # they live in the prose
    cached.failures.extend(display_failures)
    cached.from_cache = True
    return cached


def _store_page(markdown: str, path: str, cache_dir, checked: CheckedPage) -> None:
    if getattr(checked, "interrupted", False):
        return
    try:
        store, key, _ = _page_store(cache_dir, markdown, path)
    except Exception:  # noqa: BLE001
        return
    _write(store, key, to_plain(checked))


def _derivation_lines(markdown: str) -> int:
    """How many lines the page's derivation blocks have (the work a page needs, roughly)."""
    try:
        return sum(1 for block in find_blocks(markdown) for _line, text in block.lines if text.strip())
    except Exception:  # noqa: BLE001 - only an order of work: the check itself reports the page's problems
        return 0


def check_pages(pages, cache_dir=None, time_limit="default", pool=None) -> list[CheckedPage]:
    """Check ``(markdown, path)`` pages in worker processes, reusing stored proofs.

    ``cache_dir`` None proves everything again (and stores nothing).
    """
    from lrmath.checker import workers

    limit = workers.default_time_limit() if time_limit == "default" else float(time_limit)
    pool = pool or workers.shared_pool()
    results = [None if cache_dir is None else _reuse_page(markdown, path, cache_dir) for markdown, path in pages]
    todo = [i for i, r in enumerate(results) if r is None]
    # the pages with the most derivation lines first, so that the last one to finish is a short one
    todo.sort(key=lambda i: (-_derivation_lines(pages[i][0]), -len(pages[i][0])))
    for i, checked in zip(todo, pool.check([pages[i] for i in todo], limit, cache_dir)):
        results[i] = checked
        if cache_dir is not None:
            _store_page(*pages[i], cache_dir, checked)
    return results


def check_page_cached(markdown: str, path: str, cache_dir, time_limit="default") -> CheckedPage:
    """:func:`lrmath.checker.page.check_page`, reusing the proofs of unchanged blocks."""
    return check_pages([(markdown, path)], cache_dir, time_limit)[0]


def _move_lines(cached: CheckedPage, blocks) -> None:
    """Shift the line numbers of a cached check to where its blocks stand now."""
    moved = []
    for old, new in zip(cached.blocks, blocks):
        delta = new.start - old.start
        for step in old.steps:
            step.line += delta
        old.declarations = [(line + delta, text) for line, text in old.declarations]
        moved.extend((line + delta, msg) for line, msg in cached.failures if old.start <= line <= old.end)
        old.start, old.end, old.lines, old.indent = new.start, new.end, new.lines, new.indent
    cached.failures = moved


# -- blocks (in a worker) ------------------------------------------------------------------

_DUMMY_INDEX = re.compile(r", dummy_index=\d+")


def fingerprint(value) -> str | None:
    """A text that changes whenever ``value`` (a page's notation) does; None if unsure.

    SymPy objects are written out in full (:func:`sympy.srepr`, so assumptions count),
    without the per-process numbers of dummy symbols.

    >>> from lrmath.checker.reading import Notation
    >>> a, b = Notation(), Notation()
    >>> a.declare(r"z \\in \\mathbb{R}"); b.declare(r"z > 0")
    >>> fingerprint(a) == fingerprint(Notation()), fingerprint(a) == fingerprint(b)
    (False, False)
    """
    import dataclasses

    import sympy as sp

    def walk(v):
        if v is None or isinstance(v, (str, bool, int, float)):
            return repr(v)
        if isinstance(v, (sp.Basic, sp.FunctionClass)):
            return _DUMMY_INDEX.sub("", sp.srepr(v))
        if isinstance(v, (list, tuple)):
            return "[" + ",".join(walk(x) for x in v) + "]"
        if isinstance(v, (set, frozenset)):
            return "{" + ",".join(sorted(walk(x) for x in v)) + "}"
        if isinstance(v, dict):
            return "{" + ",".join(sorted(walk(k) + ":" + walk(x) for k, x in v.items())) + "}"
        if dataclasses.is_dataclass(v) or hasattr(v, "__dict__"):
            # attributes named ``_..._memo`` are caches of what the rest already determines
            state = {k: x for k, x in vars(v).items() if not (k.startswith("_") and k.endswith("_memo"))}
            return type(v).__qualname__ + walk(state)
        text = repr(v)
        if " at 0x" in text:
            raise TypeError("not fingerprintable")
        return text

    try:
        return walk(value)
    except (TypeError, RecursionError):
        return None


def check_page_by_blocks(markdown: str, path: str, cache_dir, skip=None, progress=None) -> CheckedPage:
    """:func:`~lrmath.checker.page.check_page_here`, reusing stored blocks (see the module)."""
    store = Path(cache_dir) / "derivations"
    skip = skip or {}

    def run(checker, block):
        if any(block.start <= line <= block.end for line in skip):
            return checker.block(block)  # a timed-out line: its result depends on the load
        state = fingerprint(checker.nt)
        if state is None:
            return checker.block(block)
        labels = json.dumps(sorted((k, v[0]) for k, v in checker.labels.items()))
        key = _key("block", state, labels, _texts(block))
        file = store / f"block-{key[:40]}.json"
        before = len(checker.failures)
        payload = _read(file, key)
        cached = _block_from(payload, block)
        if cached is None:
            checker.block(block)
            _write(file, key, {"block": block_to_plain(block), "failures": [list(f) for f in checker.failures[before:]]})
            return
        real = checker.prove
        checker.prove = lambda *args, **kwargs: Proof("proven")  # replay: read every line, prove none
        try:
            checker.block(block)
        finally:
            checker.prove = real
        del checker.failures[before:]
        old, steps = cached
        delta = block.start - old.start
        for step in steps:
            step.line += delta
        block.steps = steps
        block.declarations = [(line + delta, text) for line, text in old.declarations]
        checker.failures.extend((line + delta, message) for line, message in payload["failures"])

    return check_page_here(markdown, path, skip, progress, run_block=run)


def _block_from(payload, block):
    if not isinstance(payload, dict):
        return None
    try:
        old = block_from_plain(payload["block"])
        failures = payload["failures"]
        if _texts(old) != _texts(block) or not _plausible_steps(old):
            return None
        if not all(isinstance(line, int) and old.start <= line <= old.end and isinstance(m, str) for line, m in failures):
            return None
        return old, old.steps
    except (KeyError, TypeError, ValueError):
        return None
