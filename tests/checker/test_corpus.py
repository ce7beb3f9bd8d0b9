r"""The adversarial corpus: minimal pages that the checker must refuse or must prove.

Each file in ``corpus/`` is a small Markdown page whose first line says what must happen:

- ``<!-- expect: prove -->``: the page checks with no failure and proves at least one step;
- ``<!-- expect: refuse: FRAGMENT -->``: the page fails, and some failure's message
  contains FRAGMENT (case-insensitive), so the refusal is the intended one, at a line of
  the page.

A proven page may add lines ``<!-- shows: TEX -->``: the rendered derivations must show TEX
(so an assumption a proof relies on is in the reader's sight, not only in the source).

File names start with the class of trick they try (``notation-``, ``domain-``,
``convention-``, ``wrong-``, ``numeric-``, ``display-``, ``assume-``, ``robust-``,
``true-``), so a class with no case shows up in :func:`test_every_class_is_covered`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lrmath.checker.page import check_page

CORPUS = Path(__file__).resolve().parent / "corpus"
PAGES = sorted(CORPUS.glob("*.md"))
EXPECT = re.compile(r"<!-- expect: (prove|refuse: (.+?)) -->")
SHOWS = re.compile(r"^<!-- shows: (.+?) -->$", re.MULTILINE)
CLASSES = ("notation", "domain", "convention", "wrong", "numeric", "display", "assume", "robust", "true")


def _expectation(path: Path) -> tuple[str, str]:
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8", "replace")
    match = EXPECT.fullmatch(first.strip())
    assert match, f"{path.name}: first line must be <!-- expect: prove --> or <!-- expect: refuse: ... -->"
    return ("prove", "") if match.group(1) == "prove" else ("refuse", match.group(2))


def _check(path: Path):
    try:
        markdown = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        markdown = path.read_bytes().decode("latin-1")
    return check_page(markdown, f"corpus/{path.name}")


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_corpus_page(path):
    kind, fragment = _expectation(path)
    checked = _check(path)
    messages = checked.messages()
    if kind == "prove":
        assert not messages, "\n".join(messages)
        assert checked.proven >= 1, "nothing was proven"
        _assert_shown(checked, path)
    else:
        assert messages, f"{path.name} was accepted; it must be refused ({fragment!r})"
        assert any(fragment.lower() in m.lower() for m in messages), (
            f"refused, but not for the intended reason {fragment!r}:\n" + "\n".join(messages)
        )
        assert all(re.match(rf"corpus/{re.escape(path.name)}:\d+: ", m) for m in messages), messages


def _assert_shown(checked, path: Path) -> None:
    """Each ``<!-- shows: TEX -->`` of the page is in the domains line of a rendered block."""
    import html

    from lrmath.checker.rendering import render_block

    lines = [
        html.unescape(line)
        for b in checked.blocks
        for line in re.findall(r'<p class="lr-assume">.*?</p>', render_block(b.steps, checked.labels, getattr(b, "assumptions", None)))
    ]
    for tex in SHOWS.findall(path.read_text(encoding="utf-8")):
        assert any(tex in line for line in lines), f"{path.name}: no block shows {tex!r} with its steps: {lines}"


def test_the_corpus_is_large_enough():
    assert len(PAGES) >= 80, f"only {len(PAGES)} corpus pages"


def test_every_class_is_covered():
    for cls in CLASSES:
        assert any(p.name.startswith(cls + "-") for p in PAGES), f"no corpus page of class {cls!r}"
    for p in PAGES:
        assert p.name.split("-", 1)[0] in CLASSES, f"{p.name}: unknown class"
