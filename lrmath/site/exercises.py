"""Exercises on the built pages: a "find the wrong step" explanation goes inside its solution.

A "find the wrong step" exercise is a derivation block with a step marked
``wrong:``; the checker renders it bare, followed by a collapsed solution that
shows its verdict on each step (:func:`lrmath.checker.rendering.render_block`).
The author's explanation of the mistake is written right after the block as a
collapsed admonition with the class ``lr-why``::

    ```derivation
    ...
    ```

    ??? success lr-why "Why"

        The first step forgets ...

:func:`fold_explanations` moves that explanation inside the solution, after the
verdict, so that the page shows one solution and nothing of it before the
student opens it. Without the plugin the explanation would still be collapsed.

In a notebook, the solution of a coding exercise is a code cell tagged
``solution`` (``# %% tags=["solution"]``): it runs like every cell, and the cells
after it check its result. :func:`collapse_solution_cells` folds each such cell,
with its output, into a collapsed "Solution" on the page.

>>> verdict = '<details class="success lr-solution"><summary>S</summary><div>v</div></details>'
>>> why = '\\n<details class="success lr-why">\\n<summary>Why</summary>\\n<p>The slip.</p>\\n</details>'
>>> fold_explanations(verdict + why, "page.md")
'<details class="success lr-solution"><summary>S</summary><div>v</div>\\n<p>The slip.</p>\\n</details>'
>>> fold_explanations(why, "page.md")
Traceback (most recent call last):
...
ValueError: page.md: an "lr-why" explanation (Why) must directly follow a "find the wrong step" derivation block and hold no collapsible block
"""

from __future__ import annotations

import re

__all__ = ["collapse_solution_cells", "fold_explanations"]

#: the end of a solution rendered by the checker, then an explanation holding no <details>
_FOLDABLE = re.compile(
    r"</div></details>\s*<details class=\"success lr-why\">\s*<summary>.*?</summary>"
    r"((?:(?!</?details\b).)*?)</details>",
    re.DOTALL,
)
_LEFT = re.compile(r"<details class=\"success lr-why\">\s*<summary>(.*?)</summary>", re.DOTALL)


def fold_explanations(html: str, path: str) -> str:
    """Move each ``lr-why`` explanation into the solution right before it.

    Raises :class:`ValueError` naming ``path`` when an explanation does not directly
    follow a solution, or holds a collapsible block of its own (which would make the
    boundaries of the move ambiguous).
    """
    folded = _FOLDABLE.sub(lambda m: "</div>" + m.group(1) + "</details>", html)
    left = _LEFT.search(folded)
    if left:
        raise ValueError(
            f'{path}: an "lr-why" explanation ({left.group(1).strip()}) must directly follow '
            'a "find the wrong step" derivation block and hold no collapsible block'
        )
    return folded


_TAGGED_CELL = re.compile(r'<div(?: id="[^"]*")? class="jp-Cell [^"]*\bcelltag_solution\b[^"]*"[^>]*>')
_DIV = re.compile(r"<div\b|</div>")


def collapse_solution_cells(html: str) -> str:
    """Wrap every notebook cell tagged ``solution`` in a collapsed ``<details>``.

    >>> page = '<p>Q</p><div class="jp-Cell jp-CodeCell celltag_solution"><div>x = 1</div></div><p>next</p>'
    >>> print(collapse_solution_cells(page))
    <p>Q</p><details class="success lr-code-solution"><summary>Solution (code)</summary><div class="jp-Cell jp-CodeCell celltag_solution"><div>x = 1</div></div></details><p>next</p>
    """
    out, cursor = [], 0
    for start in _TAGGED_CELL.finditer(html):
        if start.start() < cursor:
            continue
        depth, end = 0, None
        for tag in _DIV.finditer(html, start.start()):
            depth += 1 if tag.group() == "<div" else -1
            if depth == 0:
                end = tag.end()
                break
        if end is None:
            raise ValueError("a notebook cell tagged 'solution' is not closed in the page")
        out += [html[cursor:start.start()],
                '<details class="success lr-code-solution"><summary>Solution (code)</summary>',
                html[start.start():end], "</details>"]
        cursor = end
    out.append(html[cursor:])
    return "".join(out)
