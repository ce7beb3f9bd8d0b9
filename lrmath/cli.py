"""The command line: ``lrmath verify [PATH ...] [--no-cache]``.

Checks every derivation in the given Markdown files or folders (default:
``docs``), and every display equation outside derivations (in the pages and in
the Markdown cells of jupytext notebooks ``*.py``: each must be marked
``<!-- not checked: reason -->``, see :mod:`lrmath.checker.displays`), prints
one line per failure as ``path:line: message``, then a summary, and exits with
status 1 if anything failed (2 for a bad argument). ``--unchecked`` lists the
displays marked not checked, with their reasons.

Proofs of unchanged derivation blocks are reused from ``.cache/lrmath`` (or
``$LRMATH_CACHE_DIR``), as ``mkdocs serve`` does; see :mod:`lrmath.checker.cache`.
``--no-cache`` proves every step again.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "ok.md").write_text("```derivation\\nwhere z \\\\in \\\\mathbb{R}\\nz + z = 2z\\n```\\n")
>>> main(["verify", "--no-cache", str(folder)])  # doctest: +ELLIPSIS
verified: 1 step proven, 0 numeric, 0 failures on 1 page in ... s
displays: 0 outside derivations state a relation, 0 marked not checked
0
"""

from __future__ import annotations

import argparse
import os
import sys
from concurrent.futures import ProcessPoolExecutor
import time
from pathlib import Path

from lrmath.checker.displays import check_displays, notebook_markdown
from lrmath.checker.page import CheckedPage, check_page
from lrmath.checker.cache import check_page_cached


def _markdown_files(paths: list[str]) -> list[Path]:
    files = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files.extend(sorted(path.rglob("*.md")))
            files.extend(p for p in sorted(path.rglob("*.py")) if _is_notebook(p))
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(name)
    return files


def _is_notebook(path: Path) -> bool:
    return path.suffix == ".py" and notebook_markdown(path.read_text(encoding="utf-8")) is not None


def _check(args):
    markdown, path, cache_dir = args
    if path.endswith(".py"):  # a notebook: its Markdown cells' display math only
        displays, failures = check_displays(notebook_markdown(markdown) or "", notebook=True)
        return CheckedPage(path, [], failures, {}, displays=displays)
    if cache_dir is None:
        return check_page(markdown, path).without_expressions()
    return check_page_cached(markdown, path, cache_dir).without_expressions()


def cache_dir() -> Path:
    return Path(os.environ.get("LRMATH_CACHE_DIR") or ".cache/lrmath")


def verify(paths: list[str], use_cache: bool = True, list_unchecked: bool = False) -> int:
    started = time.perf_counter()
    try:
        files = _markdown_files(paths)
    except FileNotFoundError as exc:
        print(f"lrmath verify: no such file or folder: {exc}", file=sys.stderr)
        return 2
    proven = numeric = failures = pages = reused = 0
    unchecked = []
    texts = {file: file.read_text(encoding="utf-8") for file in files}
    todo = list(texts)  # every page: display math may stand on any of them
    # pages are independent: prove them in parallel, report them in order
    with ProcessPoolExecutor(max_workers=min(len(todo), os.cpu_count() or 1) or 1) as pool:
        store = cache_dir() if use_cache else None
        results = list(pool.map(_check, [(texts[f], str(f), store) for f in todo]))
    for checked in results:
        pages += 1
        reused += getattr(checked, "from_cache", False)
        for message in checked.messages():
            print(message)
        failures += len(checked.failures)
        proven += checked.proven
        numeric += sum(s.proof.status == "numeric" for s in checked.steps)
        unchecked.extend((checked.path, d) for d in checked.displays if d.relations)
    seconds = time.perf_counter() - started
    plural = "s" if proven != 1 else ""
    print(
        f"verified: {proven} step{plural} proven, {numeric} numeric, {failures} failures "
        f"on {pages} page{'s' if pages != 1 else ''} in {seconds:.1f} s"
        + (f" ({reused} unchanged, their stored proofs reused; --no-cache to prove again)" if reused else "")
    )
    marked = [(path, d) for path, d in unchecked if d.reason is not None]
    print(
        f"displays: {len(unchecked)} outside derivations state a relation, "
        f"{len(marked)} marked not checked" + ("" if list_unchecked or not marked else " (list them: --unchecked)")
    )
    if list_unchecked:
        for path, display in marked:
            print(f"{path}:{display.line}: not checked: {display.reason}")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lrmath", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("verify", help="prove every derivation in Markdown files or folders")
    check.add_argument("paths", nargs="*", default=["docs"], help="files or folders (default: docs)")
    check.add_argument("--no-cache", action="store_true", help="prove every step again, ignoring stored proofs")
    check.add_argument("--unchecked", action="store_true", help="list the display equations marked not checked")
    args = parser.parse_args(argv)
    return verify(args.paths, use_cache=not args.no_cache, list_unchecked=args.unchecked)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
