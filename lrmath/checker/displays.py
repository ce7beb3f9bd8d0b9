r"""Display math outside derivation blocks: every relation shown is checked, or visibly not.

A derivation block is proven step by step. Display math written directly in the prose
(``\[ ... \]``, ``$$ ... $$``, ``\begin{align} ... \end{align}`` and the other display
environments) is typeset and proven by nobody, so a relation in it (``=``, ``\le``,
``<``, ``\approx``, ...) must either move into a ``derivation`` block or carry, on the
line above it (blank lines between are allowed), a mark with the reason it is not checked::

    <!-- not checked: the update rule assigns; it claims no equality -->
    \[
    \mathbf{w} \leftarrow \mathbf{w} - \eta\,\nabla J
    \]

The site shows the mark as a small badge "not checked" with the reason, and the build and
``lrmath verify`` list every marked display. An unmarked display relation is an error at
its line; so is a mark with no reason, or a mark that stands above no display relation.

>>> page = '''Prose.
...
... \\[
... \\sigma(z) = \\frac{1}{1 + e^{-z}}
... \\]
...
... <!-- not checked: an approximation, not an identity -->
... $$J(\\theta + p) \\approx J(\\theta) + g^\\top p$$
... '''
>>> found, failures = check_displays(page)
>>> [(d.line, d.relations, d.reason) for d in found]
[(3, ['='], None), (8, ['\\approx'], 'an approximation, not an identity')]
>>> failures  # doctest: +NORMALIZE_WHITESPACE
[(3, 'this displayed `=` is proven by nobody: move it into a ```derivation block, or mark
   it with `<!-- not checked: reason -->` on the line above the display')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Display", "MARK", "check_displays", "find_displays", "notebook_markdown"]

#: The mark of a display that is not checked, on the line above it.
MARK = re.compile(r"<!--\s*not checked\s*:(?P<reason>.*?)-->", re.DOTALL)
_MARK_START = re.compile(r"<!--\s*not checked\b", re.IGNORECASE)

_ENVIRONMENTS = r"(?:equation|align|alignat|flalign|gather|multline|eqnarray|displaymath|math)\*?"
_OPEN = re.compile(r"\\\[|\$\$|\\begin\{(?P<env>" + _ENVIRONMENTS + r")\}")

#: Relations that claim something. ``\leftarrow`` (an assignment) and ``\in`` do not.
RELATION = re.compile(
    r"(?<![\\<>!:])=(?!=)"
    r"|(?<!\\)[<>]"
    r"|\\(?:le|leq|leqslant|ge|geq|geqslant|lt|gt|ne|neq|approx|equiv|simeq|cong|propto|ll|gg)(?![A-Za-z])"
)


@dataclass
class Display:
    """One display of math in the prose: where it starts, its TeX, what it claims, its mark."""

    line: int  # line of the opening delimiter (1-based)
    end: int  # line of the closing delimiter
    tex: str
    relations: list
    reason: str | None = None  # the mark's reason, None when unmarked
    mark_line: int = 0


def _prose(markdown: str) -> list:
    """The page's lines with code blocks blanked and inline code removed (numbering kept)."""
    from lrmath.checker.page import prose_lines

    lines = [""] * (markdown.count("\n") + 1)
    for number, text in prose_lines(markdown):
        lines[number - 1] = text
    return lines


def _close_pattern(opener: re.Match) -> re.Pattern:
    if opener.group("env"):
        return re.compile(r"\\end\{" + re.escape(opener.group("env")) + r"\}")
    return re.compile(r"\\\]" if opener.group() == r"\[" else r"\$\$")


def _strip_tex_comments(tex: str) -> str:
    return re.sub(r"(?<!\\)%[^\n]*", "", tex)


def relations_in(tex: str) -> list:
    r"""The relations a piece of display TeX states, in order.

    >>> relations_in(r"\mathbf{w} \leftarrow \mathbf{w} + \eta x, \quad a \le b = \sum_{i=1}^{n} c_i")
    ['\\le', '=']
    """
    tex = _strip_tex_comments(tex)
    tex = re.sub(r"\\(?:text|mathrm|operatorname)\{[^{}]*\}", "", tex)  # words are not relations
    previous = None
    while previous != tex:  # sub- and superscripts (`\sum_{i=1}`) state no relation
        previous, tex = tex, re.sub(r"[_^]\{[^{}]*\}", "", tex)
    return [m.group() for m in RELATION.finditer(tex)]


def find_displays(markdown: str) -> tuple[list, list]:
    """The displays of a page's prose and the failures met while finding them.

    Returns ``(displays, failures)``; a failure is ``(line, message)``.
    """
    lines = _prose(markdown)
    displays, failures = [], []
    text = "\n".join(lines)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def line_of(offset: int) -> int:
        lo, hi = 0, len(starts) - 1
        while lo < hi:  # the last start <= offset
            mid = (lo + hi + 1) // 2
            if starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    pos = 0
    while True:
        opener = _OPEN.search(text, pos)
        if not opener:
            break
        closer = _close_pattern(opener).search(text, opener.end())
        if not closer:
            failures.append((line_of(opener.start()), f"this display `{opener.group()}` is never closed"))
            break
        tex = text[opener.end() : closer.start()]
        displays.append(Display(line_of(opener.start()), line_of(closer.end() - 1), tex, relations_in(tex)))
        pos = closer.end()
    _attach_marks(lines, displays, failures)
    return displays, failures


def _attach_marks(lines: list, displays: list, failures: list) -> None:
    by_line = {d.line: d for d in displays}
    for number, text in enumerate(lines, 1):
        if not _MARK_START.search(text):
            continue
        match = MARK.search(text)
        if not match:
            failures.append((number, "a `not checked` mark reads `<!-- not checked: reason -->`, on one line"))
            continue
        reason = " ".join(match.group("reason").split())
        target = number + 1
        while target <= len(lines) and not lines[target - 1].strip():
            target += 1
        display = by_line.get(target)
        if display is None or not _OPEN.match(lines[target - 1].strip()):
            failures.append((number, "this `not checked` mark must stand directly above a display (`\\[`, `$$` or `\\begin{...}`)"))
        elif not reason:
            failures.append((number, "a `not checked` mark needs its reason: `<!-- not checked: why -->`"))
        elif not display.relations:
            failures.append((number, "this display states no relation (`=`, `\\le`, ...): it needs no `not checked` mark"))
        else:
            display.reason, display.mark_line = reason, number


def check_displays(markdown: str, notebook: bool = False) -> tuple[list, list]:
    """Find the displays and fail each one that states a relation without a mark.

    Returns ``(displays, failures)`` as :func:`find_displays`, failures in line order.
    With ``notebook`` (Markdown cells, which hold no derivation blocks) the message says
    where the claim can be proven instead.
    """
    displays, failures = find_displays(markdown)
    for display in displays:
        if display.relations and display.reason is None:
            shown = display.relations[0]
            fix = (
                "prove it in a derivation on a course page, and mark it here with "
                "`# <!-- not checked: reason -->` on the line above the display"
                if notebook else
                "move it into a ```derivation block, "
                "or mark it with `<!-- not checked: reason -->` on the line above the display"
            )
            failures.append((display.line, f"this displayed `{shown}` is proven by nobody: {fix}"))
    return displays, sorted(failures)


_CELL = re.compile(r"^# %%(?P<rest>.*)$")


def notebook_markdown(source: str) -> str | None:
    r"""The Markdown cells of a jupytext percent-format notebook, at their own line numbers.

    Code lines become blank lines, and the ``# `` that starts each Markdown line is removed,
    so that line numbers in the result are line numbers of the ``.py`` file. ``None`` when
    the file has no Markdown cell (it is not a notebook).

    >>> notebook_markdown("# %% [markdown]\n# Text\n# $$a = b$$\n\n# %%\nx = 1\n").splitlines()
    ['', 'Text', '$$a = b$$', '', '', '']
    """
    out, in_markdown, any_markdown = [], False, False
    for line in source.split("\n"):
        cell = _CELL.match(line)
        if cell:
            in_markdown = bool(re.match(r"\s*\[(?:markdown|md)\]", cell.group("rest")))
            any_markdown |= in_markdown
            out.append("")
        elif in_markdown and (line == "#" or line.startswith("# ")):
            out.append(line[2:])
        else:
            out.append("")
    return "\n".join(out) if any_markdown else None
