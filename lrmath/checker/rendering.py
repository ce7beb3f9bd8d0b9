r"""Turn a checked page into what the reader sees.

Each derivation block becomes a grid of steps: the left side, the relation and the
right side (``= B``, ``\le B``), the equation number, and under it the reason in words
with the step's mark (**proven**, **definition**, **numeric**, or **wrong** in
exercises). Above the steps, the block states the domains its names were declared in
("for z ∈ ℝ, ŷ ∈ (0, 1)"): a proof holds under them, and the reader sees them. Opening
a mark shows what SymPy read, typeset, and how the step was proven. The LaTeX of the
steps is the author's own text, the very text the reader parsed.

``\eqref{label}`` in the prose becomes a link to the numbered step.

>>> from lrmath.checker.page import check_page
>>> source = '''```derivation
... where z \\in \\mathbb{R}
... e^{z}e^{-z} = 1   # exponents add \\label{one}
... ```
... See \\eqref{one}.'''
>>> markdown = render_page(check_page(source, "p.md"), source)
>>> print(markdown)  # doctest: +ELLIPSIS
```derivation
lrmath-...
```
See <a href="#eq-one">(1)</a>.
>>> html = RENDERED[markdown.splitlines()[1]]
>>> 'class="lr-mark lr-mark--proven"' in html, 'id="eq-one"' in html
(True, True)
>>> print(_assumptions(["z \\in \\mathbb{R}", "\\lambda > 0"]))
<p class="lr-assume">for <span class="arithmatex">\(z \in \mathbb{R}\)</span>, <span class="arithmatex">\(\lambda &gt; 0\)</span></p>
"""

from __future__ import annotations

import hashlib
import html
import re

from lrmath.checker.page import EQREF, INLINE_CODE, CheckedPage, Step, prose_lines

__all__ = ["render_block", "render_page"]

MARKS = {
    "proven": ("proven", "SymPy showed that the difference of the two sides is exactly 0"),
    "defined": ("definition", "a definition introduces a name; nothing is claimed"),
    "numeric": ("numeric", "checked at random points only, for the reason given"),
    "expected-wrong": ("wrong step", "this step is wrong on purpose, and the checker refutes it"),
    "refuted": ("refuted", "a counterexample was found"),
    "unproven": ("not proven", "SymPy could not prove this step"),
}

#: What an inequality step's mark says it certifies.
INEQUALITY_TITLE = "SymPy showed that the larger side minus the smaller one has the sign claimed"


def _inline(tex: str) -> str:
    return f'<span class="arithmatex">\\({html.escape(tex, quote=False)}\\)</span>'


def _assumptions(parts: list) -> str:
    """The domains a block's proofs hold under, as a short line above its steps."""
    if not parts:
        return ""
    return '<p class="lr-assume">for ' + ", ".join(_inline(p) for p in parts) + "</p>"


def _plain(text: str) -> str:
    r"""A prover's message as the reader should see it, as HTML: no internal index names,
    honest labels, and the page's names (``after unfolding \hat{y}, z``) typeset.

    >>> print(_plain(r"cancel = 0 (after unfolding \hat{y}, z); entry k7 (relative difference 0.5)"))
    cancel = 0 (after unfolding <span class="arithmatex">\(\hat{y}\)</span>, <span class="arithmatex">\(z\)</span>); entry k (the sides differ by 0.5, relative to their size)
    >>> print(_plain(r"wrong step: counterexample at n = 2, \hat{y} = 0.5 (relative difference 1)"))
    wrong step: counterexample at <span class="arithmatex">\(n = 2\)</span>, <span class="arithmatex">\(\hat{y} = 0.5\)</span> (the sides differ by 1, relative to their size)
    """
    text = re.sub(r"\bk\d+\b", "k", text)  # fresh index symbols (k7) are the checker's, not the page's
    text = re.sub(r"\(relative difference ([^)]*)\)", r"(the sides differ by \1, relative to their size)", text)
    pieces = re.split(r"((?:after unfolding|counterexample at) [^()]*?(?= \(|\)|, where|$))", text)
    out = []
    for piece in pieces:
        lead = next((w for w in ("after unfolding ", "counterexample at ") if piece.startswith(w)), None)
        if lead:
            names = piece[len(lead):].split(", ")
            out.append(lead + ", ".join(_inline(n.strip()) for n in names))
        else:
            out.append(html.escape(piece, quote=False))
    return "".join(out)


def _math(tex: str) -> str:
    return f'<span class="arithmatex">\\(\\displaystyle {html.escape(tex, quote=False)}\\)</span>'


def _row(step: Step, with_id: bool = True) -> str:
    """The equation itself: left side, ``= right side``, number."""
    row_id = f' id="eq-{html.escape(step.label)}"' if step.label and with_id else ""
    tag = f'<span class="lr-tag">({step.number})</span>' if step.number else ""
    lhs = _math(step.lhs_tex) if step.lhs_tex else ""
    classes = "lr-step" + (" lr-wrong" if step.proof.status == "expected-wrong" and with_id else "")
    return (
        f'<div class="{classes}"{row_id}>'
        f'<span class="lr-lhs">{lhs}</span>'
        f'<span class="lr-rhs">{_math(step.relation + " " + step.rhs_tex)}</span>'
        f'<span class="lr-side">{tag}</span>'
        f"</div>"
    )


def _step(step: Step, show_reason: bool = True) -> str:
    status = step.proof.status
    label, title = MARKS[status]
    if status == "proven" and step.relation != "=":
        title = INEQUALITY_TITLE
    how = []
    lhs, rhs = step.read_tex
    if lhs or rhs:
        claim = ":=" if step.kind == "definition" else step.relation
        how.append(f"<p>SymPy read: {_inline(lhs + ' ' + claim + ' ' + rhs if lhs else rhs)}</p>")
    if step.proof.method:
        how.append(f"<p>how: {_plain(step.proof.method)}</p>")
    if step.proof.detail:
        how.append(f"<p>{_plain(step.proof.detail)}</p>")
    reason = html.escape(step.reason, quote=False) if show_reason else ""
    if "\\(" in reason:  # inline math in the reason: let MathJax typeset it
        reason = f'<span class="arithmatex">{reason}</span>'
    mark = {"expected-wrong": "wrong"}.get(status, status)
    return (
        _row(step)
        + f'<details class="lr-how"><summary><span class="lr-mark lr-mark--{mark}" '
        f'title="{html.escape(title)}">{label}</span> {reason}</summary>'
        f'<div class="lr-proof">{"".join(how)}</div></details>'
    )


def render_block(steps: list, labels: dict | None = None, assumptions: list | None = None) -> str:
    """The HTML of one derivation block.

    Reasons may hold inline math ``\\( \\)`` and ``\\eqref{label}``.

    A block with a step marked ``wrong:`` is a "find the wrong step" exercise: it is
    shown first without marks or reasons, and then, in a collapsed solution, with them.
    """
    # A line "A = B = C   # reason" gives two steps with one reason: say it once.
    repeated = [i > 0 and (s.line, s.reason) == (steps[i - 1].line, steps[i - 1].reason) for i, s in enumerate(steps)]
    body = _unlink_summaries(_link_refs("".join(_step(s, not r) for s, r in zip(steps, repeated)), labels or {}))
    domains = _assumptions(assumptions or [])
    if not any(s.expect_wrong for s in steps):
        return f'<div class="lr-derivation">{domains}{body}</div>'
    bare = "".join(_row(s, with_id=False) for s in steps)
    return (
        f'<div class="lr-derivation lr-exercise">{domains}{bare}</div>'
        f'<details class="success lr-solution"><summary>Solution: the checker\'s verdict on each step</summary>'
        f'<div class="lr-derivation">{body}</div></details>'
    )


#: Rendered blocks by key, for the ``derivation`` fence of pymdownx.superfences.
RENDERED: dict[str, str] = {}


def superfences_format(source, language, css_class, options, md, **kwargs):
    """The ``format`` of the ``derivation`` custom fence (see ``mkdocs.yml``).

    :func:`render_page` replaces each block's body by a key; superfences calls this
    with the key and places the rendered HTML, also inside admonitions and lists.
    """
    key = source.strip()
    if key not in RENDERED:
        raise KeyError(f"derivation block {key!r} was not checked: is the lrmath plugin enabled?")
    return RENDERED[key]


def render_page(page: CheckedPage, markdown: str) -> str:
    """Replace each derivation block's body by a key to its rendering; link ``\\eqref``s.

    References are linked in the prose only: code blocks and inline code are left as written.
    """
    lines = markdown.split("\n")  # lines are counted by \n only, as the checker counts them
    prose = {number for number, _ in prose_lines(markdown)}
    out = [_link_outside_code(t, page.labels) if n in prose else t for n, t in enumerate(lines, 1)]
    for block in page.blocks:  # (the checker refuses empty blocks)
        rendered = render_block(block.steps, page.labels, getattr(block, "assumptions", []))
        key = "lrmath-" + hashlib.sha256(rendered.encode()).hexdigest()[:20]
        RENDERED[key] = rendered
        # keep the fences (and so the block's place in admonitions), swap the body for the key
        body = range(block.start, block.end - 1)
        for index in body:
            out[index] = None
        out[block.start] = block.indent + key
    return "\n".join(line for line in out if line is not None) + "\n"


def _link_outside_code(line: str, labels: dict) -> str:
    pieces, cursor = [], 0
    for match in INLINE_CODE.finditer(line):
        pieces.append(_link_refs(line[cursor : match.start()], labels))
        pieces.append(match.group())
        cursor = match.end()
    pieces.append(_link_refs(line[cursor:], labels))
    return "".join(pieces)


_SUMMARY = re.compile(r"<summary>.*?</summary>", re.DOTALL)
_LINK = re.compile(r'<a href="#(eq-[^"]*)">(.*?)</a>')


def _unlink_summaries(text: str) -> str:
    """Equation references inside a mark's ``<summary>`` (itself a control) are not links.

    >>> _unlink_summaries('<summary>by <a href="#eq-a">(1)</a></summary> <a href="#eq-a">(1)</a>')
    '<summary>by <span class="lr-ref" data-ref="eq-a">(1)</span></summary> <a href="#eq-a">(1)</a>'
    """
    return _SUMMARY.sub(lambda m: _LINK.sub(r'<span class="lr-ref" data-ref="\1">\2</span>', m.group()), text)


def _link_refs(text: str, labels: dict) -> str:
    def link(match):
        label = match.group(1)
        number = labels.get(label, (0, 0))[0]
        return f'<a href="#eq-{html.escape(label)}">({number})</a>'

    return EQREF.sub(link, text)
