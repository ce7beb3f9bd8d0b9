"""The command line: ``lrmath verify [PATH ...]``.

Checks every derivation in the given Markdown files or folders (default:
``docs``), prints one line per failure as ``path:line: message``, then a
summary, and exits with status 1 if anything failed (2 for a bad argument).

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "ok.md").write_text("```derivation\\nwhere z \\\\in \\\\mathbb{R}\\nz + z = 2z\\n```\\n")
>>> main(["verify", str(folder)])  # doctest: +ELLIPSIS
verified: 1 step proven, 0 numeric, 0 failures on 1 page in ... s
0
"""

from __future__ import annotations

import argparse
import os
import sys
from concurrent.futures import ProcessPoolExecutor
import time
from pathlib import Path

from lrmath.derivation import check_page


def _markdown_files(paths: list[str]) -> list[Path]:
    files = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files.extend(sorted(path.rglob("*.md")))
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(name)
    return files


def _check(args):
    return check_page(*args).without_expressions()


def verify(paths: list[str]) -> int:
    started = time.perf_counter()
    try:
        files = _markdown_files(paths)
    except FileNotFoundError as exc:
        print(f"lrmath verify: no such file or folder: {exc}", file=sys.stderr)
        return 2
    proven = numeric = failures = pages = 0
    texts = {file: file.read_text(encoding="utf-8") for file in files}
    todo = [f for f, t in texts.items() if "```derivation" in t or "~~~derivation" in t or "\\eqref" in t]
    # pages are independent: prove them in parallel, report them in order
    with ProcessPoolExecutor(max_workers=min(len(todo), os.cpu_count() or 1) or 1) as pool:
        results = list(pool.map(_check, [(texts[f], str(f)) for f in todo]))
    for checked in results:
        pages += 1
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
    )
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lrmath", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("verify", help="prove every derivation in Markdown files or folders")
    check.add_argument("paths", nargs="*", default=["docs"], help="files or folders (default: docs)")
    args = parser.parse_args(argv)
    return verify(args.paths)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
