"""The command line: ``lrmath verify [PATH ...] [--no-cache] [--time-limit SECONDS] [--jobs N]``.

Checks every derivation in the given Markdown files or folders (default:
``docs``), prints one line per failure as ``path:line: message``, then a
summary, and exits with status 1 if anything failed (2 for a bad argument).

Proofs of unchanged derivation blocks are reused from ``.cache/lrmath`` (or
``$LRMATH_CACHE_DIR``), as ``mkdocs serve`` does; see :mod:`lrmath.checker.cache`.
``--no-cache`` proves every step again. Pages are proven in worker processes, one
per core (``--jobs``), and a line that takes longer than ``--time-limit`` seconds
(default ``$LRMATH_TIME_LIMIT`` or 10) fails at its line; see :mod:`lrmath.checker.workers`.
A page that cannot be read (not UTF-8, a broken link) is one failure line, and the other
pages are still checked.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "ok.md").write_text("```derivation\\nwhere z \\\\in \\\\mathbb{R}\\nz + z = 2z\\n```\\n")
>>> main(["verify", "--no-cache", str(folder)])  # doctest: +ELLIPSIS
verified: 1 step proven, 0 numeric, 0 failures on 1 page in ... s
0
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from lrmath.checker.cache import check_pages
from lrmath.checker.page import CheckedPage


def _markdown_files(paths: list[str]) -> list[Path]:
    """The ``.md`` files named or under the folders named (links included, even broken ones)."""
    files = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.md") if not p.is_dir()))
        elif path.is_file() or path.is_symlink():
            files.append(path)
        else:
            raise FileNotFoundError(name)
    return files


def read_page(path: Path, name: str | None = None) -> tuple[str | None, str]:
    """The page's text, or None and a one-line ``path:line: message`` saying why not.

    ``name`` is the path to show (default: ``path``).

    >>> import tempfile, pathlib
    >>> bad = pathlib.Path(tempfile.mkdtemp()) / "bad.md"
    >>> _ = bad.write_bytes(b"fine\\nna\\xefve\\n")
    >>> read_page(bad)[1].endswith("bad.md:2: not UTF-8 text (byte 0xef at column 3): save the page as UTF-8")
    True
    """
    name = str(path) if name is None else name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if path.is_symlink():
            return None, f"{name}:1: a broken link (to {os.readlink(path)}, which does not exist)"
        return None, f"{name}:1: no such file"
    except OSError as exc:
        return None, f"{name}:1: cannot be read ({exc.strerror or exc})"
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, f"{name}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x} at column {column}): save the page as UTF-8"


def cache_dir() -> Path:
    return Path(os.environ.get("LRMATH_CACHE_DIR") or ".cache/lrmath")


def verify(paths: list[str], use_cache: bool = True, time_limit="default", jobs: int | None = None) -> int:
    from lrmath.checker import workers

    started = time.perf_counter()
    try:
        files = _markdown_files(paths)
    except FileNotFoundError as exc:
        print(f"lrmath verify: no such file or folder: {exc}", file=sys.stderr)
        return 2
    proven = numeric = failures = pages = reused = 0
    unreadable, texts = [], {}
    for file in files:
        text, error = read_page(file)
        if text is None:
            unreadable.append(error)
        else:
            texts[file] = text
    todo = [f for f, t in texts.items() if "derivation" in t or "\\eqref" in t]
    pool = workers.CheckerPool(jobs) if jobs else None
    try:
        results = check_pages([(texts[f], str(f)) for f in todo], cache_dir() if use_cache else None, time_limit, pool)
    finally:
        if pool is not None:
            pool.close()
    for message in unreadable:
        print(message)
        failures += 1
    for checked in results:
        pages += 1
        reused += getattr(checked, "from_cache", False)
        for message in checked.messages():
            print(message)
        failures += len(checked.failures)
        proven += checked.proven
        numeric += sum(s.proof.status == "numeric" for s in checked.steps)
    seconds = time.perf_counter() - started
    plural = "s" if proven != 1 else ""
    print(
        f"verified: {proven} step{plural} proven, {numeric} numeric, {failures} failures "
        f"on {pages} page{'s' if pages != 1 else ''} in {seconds:.1f} s"
        + (f" ({reused} unchanged, their stored proofs reused; --no-cache to prove again)" if reused else "")
    )
    return 1 if failures else 0


def _seconds(text: str) -> float:
    from lrmath.checker.workers import parse_time_limit

    try:
        return parse_time_limit(text, "--time-limit")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    from lrmath.checker.workers import DEFAULT_TIME_LIMIT, TIME_LIMIT_ENV, default_time_limit

    parser = argparse.ArgumentParser(prog="lrmath", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("verify", help="prove every derivation in Markdown files or folders")
    check.add_argument("paths", nargs="*", default=["docs"], help="files or folders (default: docs)")
    check.add_argument("--no-cache", action="store_true", help="prove every step again, ignoring stored proofs")
    check.add_argument(
        "--time-limit", type=_seconds, default=None, metavar="SECONDS",
        help=f"give up on a line after this long (default: ${TIME_LIMIT_ENV} or {DEFAULT_TIME_LIMIT:g})",
    )
    check.add_argument("--jobs", type=int, default=None, metavar="N", help="worker processes (default: one per core)")
    args = parser.parse_args(argv)
    if args.jobs is not None and args.jobs < 1:
        parser.error("--jobs must be at least 1")
    try:
        limit = args.time_limit if args.time_limit is not None else default_time_limit()
    except ValueError as exc:
        parser.error(str(exc))
    return verify(args.paths, use_cache=not args.no_cache, time_limit=limit, jobs=args.jobs)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
