r"""The adversarial corpus: minimal pages that the checker must refuse or must prove.

Each file in ``corpus/`` is a small Markdown page whose first line says what must happen:

- ``<!-- expect: prove -->``: the page checks with no failure and proves at least one step;
- ``<!-- expect: refuse: FRAGMENT -->``: the page fails, and some failure's message
  contains FRAGMENT (case-insensitive), so the refusal is the intended one, at a line of
  the page.

File names start with the class of trick they try (``notation-``, ``domain-``,
``convention-``, ``wrong-``, ``numeric-``, ``display-``, ``assume-``, ``robust-``,
``true-``), so a class with no case shows up in :func:`test_every_class_is_covered`.

Pages are read as ``lrmath verify`` reads them (a file that is not UTF-8 is one located
failure) and checked with a short time limit per line (``TIME_LIMIT``), so that no page
can hang the test. A page may start with a byte-order mark.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lrmath.checker.page import check_page
from lrmath.cli import read_page

CORPUS = Path(__file__).resolve().parent / "corpus"
PAGES = sorted(CORPUS.glob("*.md"))
EXPECT = re.compile(r"<!-- expect: (prove|refuse: (.+?)) -->")
#: seconds of computing per line: a page that would hang (``\\sigma(10^{9})``) is refused at its
#: line instead, and quickly (see lrmath.checker.workers)
TIME_LIMIT = 2
CLASSES = ("notation", "domain", "convention", "wrong", "numeric", "display", "assume", "robust", "true")


def _expectation(path: Path) -> tuple[str, str]:
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8", "replace").lstrip("\ufeff")
    match = EXPECT.fullmatch(first.strip())
    assert match, f"{path.name}: first line must be <!-- expect: prove --> or <!-- expect: refuse: ... -->"
    return ("prove", "") if match.group(1) == "prove" else ("refuse", match.group(2))


def _check(path: Path) -> tuple[list[str], int]:
    """The page's failure messages and its number of proven steps, as ``lrmath verify`` reads it."""
    markdown, error = read_page(path, f"corpus/{path.name}")
    if markdown is None:  # not UTF-8, say: one located line, as lrmath verify prints it
        return [error], 0
    checked = check_page(markdown, f"corpus/{path.name}", time_limit=TIME_LIMIT)
    return checked.messages(), checked.proven


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_corpus_page(path):
    kind, fragment = _expectation(path)
    messages, proven = _check(path)
    if kind == "prove":
        assert not messages, "\n".join(messages)
        assert proven >= 1, "nothing was proven"
    else:
        assert messages, f"{path.name} was accepted; it must be refused ({fragment!r})"
        assert any(fragment.lower() in m.lower() for m in messages), (
            f"refused, but not for the intended reason {fragment!r}:\n" + "\n".join(messages)
        )
        assert all(re.match(rf"corpus/{re.escape(path.name)}:\d+: ", m) for m in messages), messages


def test_the_corpus_is_large_enough():
    assert len(PAGES) >= 80, f"only {len(PAGES)} corpus pages"


def test_every_class_is_covered():
    for cls in CLASSES:
        assert any(p.name.startswith(cls + "-") for p in PAGES), f"no corpus page of class {cls!r}"
    for p in PAGES:
        assert p.name.split("-", 1)[0] in CLASSES, f"{p.name}: unknown class"
