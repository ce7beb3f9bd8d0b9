r"""Fenced code blocks in a Markdown page, found exactly as the site's build finds them.

The build hands derivation blocks to ``pymdownx.superfences``; ``lrmath verify`` must check
the very same blocks, whatever their spelling (```` ``` derivation```` with a space, tildes,
``{.derivation}``, fences indented in admonitions and lists, inside block quotes). So the
blocks are not found by a regular expression of our own: Python-Markdown's whitespace
normalisation and superfences' own fence scanner are run over the page, and each fence it
accepts is recorded with its lines.

Lines are counted by ``\n`` only, as Markdown and editors count them: a byte-order mark,
``\r\n`` line ends, U+2028, U+0085 or a form feed in the prose do not shift them. A lone
``\r`` (which Markdown would read as a line break) is refused by :func:`lone_carriage_return`.

>>> [(b.start, b.end, b.language, b.body) for b in code_blocks("Text\n\n~~~ derivation\nx = x\n~~~\n")]
[(3, 5, 'derivation', ['x = x'])]
>>> [(b.start, b.language) for b in code_blocks("- item\n\n    ```{.derivation}\n    x = x\n    ```\n")]
[(3, 'derivation')]
>>> unclosed_fences("```derivation\nx = x\n")
[1]
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

__all__ = ["CodeBlock", "code_blocks", "source_lines", "unclosed_fences", "lone_carriage_return", "LANGUAGE"]

LANGUAGE = "derivation"


@dataclass
class CodeBlock:
    start: int  # line of the opening fence, 1-based
    end: int  # line of the closing fence
    indent: str  # what stands before the opening fence on its line (spaces, block quote marks)
    language: str  # "" when none
    body: list  # the lines between the fences, with the fence's indentation removed


def source_lines(markdown: str) -> list[str]:
    r"""The page's lines, split at ``\n`` only; a leading BOM and a ``\r`` before ``\n`` dropped.

    >>> source_lines("\ufeffa\u2028b\r\nc")
    ['a\u2028b', 'c']
    """
    text = markdown[1:] if markdown.startswith("\ufeff") else markdown
    return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]


def lone_carriage_return(markdown: str) -> int:
    r"""The line of the first ``\r`` not followed by ``\n`` (0 if none).

    >>> lone_carriage_return("a\r\nb\rc")
    2
    """
    at = 0
    while True:
        at = markdown.find("\r", at)
        if at < 0:
            return 0
        if markdown[at + 1 : at + 2] != "\n":
            return markdown.count("\n", 0, at) + 1
        at += 1


class _Scanner:
    """A Markdown instance with superfences, whose fence scanner records what it accepts."""

    def __init__(self):
        import markdown
        from pymdownx.superfences import SuperFencesCodeExtension

        self.source = None
        fence = {"name": LANGUAGE, "class": "lr-derivation", "format": self._format}
        self.md = markdown.Markdown(extensions=[SuperFencesCodeExtension(custom_fences=[fence])])
        self.normalize = self.md.preprocessors["normalize_whitespace"]
        self.fences = self.md.preprocessors["fenced_code_block"]
        self.fences._store = self._store
        self.lock = threading.Lock()

    def _format(self, src, language, *args, **kwargs):
        self.source = src
        return ""

    def _store(self, source, code, start, end):
        pre = self.fences
        body = self.source if pre.lang == LANGUAGE and self.source is not None else pre.rebuild_block(pre.code)
        self.found.append((start, end, pre.lang or "", body))
        self.source = None

    def scan(self, lines: list[str]) -> tuple[list, list]:
        with self.lock:
            self.md.reset()
            self.found = []
            normal = self.normalize.run(list(lines))
            self.fences.run(normal)
            return self.found, normal


_SCANNER: _Scanner | None = None


def _scanner() -> _Scanner:
    global _SCANNER
    if _SCANNER is None:
        _SCANNER = _Scanner()
    return _SCANNER


def code_blocks(markdown: str) -> list[CodeBlock]:
    """Every fenced code block superfences accepts in the page (any language), in page order.

    A fence shown inside another fenced block is content, not a block.
    """
    lines = source_lines(markdown)
    found, normal = _scanner().scan(lines)
    blocks = []
    for start, end, language, body in sorted(found):
        opening = normal[start]
        indent = opening[: len(opening) - len(opening.lstrip(" \t>"))]
        body_lines = body.split("\n") if end - start > 2 else []
        blocks.append(CodeBlock(start + 1, end, indent, language, body_lines))
    return blocks


def unclosed_fences(markdown: str, blocks: list[CodeBlock] | None = None) -> list[int]:
    """Lines that open a derivation fence that superfences did not accept as a block.

    Such a fence is never closed, or a line inside it is indented less than the fence:
    the build would show its lines as text, unchecked.
    """
    from pymdownx.superfences import RE_NESTED_FENCE_START

    blocks = code_blocks(markdown) if blocks is None else blocks
    inside = {n for b in blocks for n in range(b.start, b.end + 1)}
    out = []
    for number, line in enumerate(source_lines(markdown), 1):
        if number in inside or LANGUAGE not in line:
            continue
        stripped = line.lstrip(" \t>")
        m = RE_NESTED_FENCE_START.match(stripped)
        if m and (m.group("lang") == LANGUAGE or "." + LANGUAGE in (m.group("attrs") or "").split()):
            out.append(number)
    return out
