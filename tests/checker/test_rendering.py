"""What the reader sees: marks, numbers, links, and exercises whose verdict is hidden."""

import re

from lrmath.checker.page import check_page
from lrmath.checker.rendering import RENDERED, render_page

PAGE = r"""# P

```derivation
where z \in \mathbb{R}
define s = \frac{1}{1 + e^{-z}}   # the sigmoid
\frac{ds}{dz} = s(1 - s)   # its slope, with \(s\) \label{slope}
```

By \eqref{slope}; in code, `\eqref{slope}` stays as written.

```derivation
(1 + z)^{2} = 1 + z^{2}   # wrong: the cross term is missing
  = z^{2} + 1   # reordering
```
"""


def rendered():
    markdown = render_page(check_page(PAGE, "p.md"), PAGE)
    keys = re.findall(r"lrmath-[0-9a-f]+", markdown)
    return markdown, [RENDERED[k] for k in keys]


def test_blocks_become_keys_and_references_become_links_outside_code():
    markdown, blocks = rendered()
    assert len(blocks) == 2 and "define s" not in markdown
    assert 'By <a href="#eq-slope">(1)</a>' in markdown
    assert "`\\eqref{slope}`" in markdown


def test_each_step_has_its_mark_reason_and_proof_details():
    _, (first, _) = rendered()
    assert first.count('class="lr-mark lr-mark--defined"') == 1
    assert first.count('class="lr-mark lr-mark--proven"') == 1
    assert 'id="eq-slope"' in first and '<span class="lr-tag">(1)</span>' in first
    assert '<span class="arithmatex">its slope, with \\(s\\)</span>' in first
    assert "SymPy read:" in first and "how: " in first


def test_a_find_the_wrong_step_exercise_hides_the_verdict_until_the_solution():
    _, (_, exercise) = rendered()
    question, solution = exercise.split('<details class="success lr-solution">')
    assert "lr-mark" not in question and "cross term" not in question
    assert solution.count("lr-mark--wrong") == 1 and solution.count("lr-mark--proven") == 1
    assert "<details" not in exercise.split("lr-solution")[0].replace('<details class="success ', "")


def test_a_reason_shared_by_the_steps_of_one_line_is_shown_once():
    page = "```derivation\nwhere z \\in \\mathbb{R}\n(z + 1)^{2} = (z + 1)(z + 1) = z^{2} + 2z + 1   # expand the square\n```\n"
    markdown = render_page(check_page(page, "p.md"), page)
    (block,) = [RENDERED[k] for k in re.findall(r"lrmath-[0-9a-f]+", markdown)]
    assert block.count('lr-mark--proven') == 2
    assert block.count("expand the square") == 1


def _blocks(page: str) -> list:
    markdown = render_page(check_page(page, "p.md"), page)
    return [RENDERED[k] for k in re.findall(r"lrmath-[0-9a-f]+", markdown)]


def test_each_block_states_the_domains_of_the_names_it_uses_even_from_earlier_blocks():
    page = (
        "```derivation\nwhere \\lambda > 0; x, u \\in \\mathbb{R}\n"
        "\\lvert \\lambda x \\rvert = \\lambda \\lvert x \\rvert   # a positive factor\n```\n\n"
        "```derivation\n2\\lambda = \\lambda + \\lambda\n```\n"
    )
    first, second = _blocks(page)
    domains = re.findall(r'<p class="lr-assume">(.*?)</p>', first)
    assert domains and "\\lambda &gt; 0" in domains[0] and "x \\in \\mathbb{R}" in domains[0]
    assert "u" not in domains[0]  # declared with x, but not used: not shown
    # the second block uses only lambda: its domain is shown, the unused x and u are not
    (later,) = re.findall(r'<p class="lr-assume">(.*?)</p>', second)
    assert "\\lambda &gt; 0" in later and "mathbb{R}" not in later


def test_the_proof_panel_shows_the_reading_typeset_without_lines_timings_or_internal_names():
    page = (
        "```derivation\nwhere d \\in \\mathbb{N}; j \\in \\{1, \\dots, d\\}; \\mathbf{w} \\in \\mathbb{R}^{d}\n"
        "\\nabla_{\\mathbf{w}} \\left[\\sum_{j=1}^{d} w_j^2\\right] = 2\\mathbf{w}   # each entry\n"
        "```\n\n```derivation\nwhere z \\in \\mathbb{R}\n(1 + z)^{2} = 1 + z^{2}   # wrong: the cross term is missing\n```\n"
    )
    vector, exercise = _blocks(page)
    panels = re.findall(r'<div class="lr-proof">(.*?)</div>', vector + exercise)
    assert len(panels) == 2
    text = " ".join(panels)
    assert 'SymPy read: <span class="arithmatex">\\(' in panels[0]  # typeset, by MathJax
    assert "line " not in text and "time:" not in text and " ms" not in text
    assert not re.search(r"\bk\d+\b", text), text  # the checker's own index names
    assert "relative difference" not in text and "counterexample" in panels[1]


def test_an_inequality_step_shows_its_relation():
    page = (
        "```derivation\nwhere s \\in (0, 1)\n"
        "s(1 - s) = \\frac{1}{4} - \\left(s - \\frac{1}{2}\\right)^2   # complete the square\n"
        "  \\le \\frac{1}{4}   # a square is never negative\n```\n"
    )
    (block,) = _blocks(page)
    assert block.count("lr-mark--proven") == 2
    assert "\\displaystyle \\le \\frac{1}{4}" in block and "\\displaystyle = \\frac{1}{4}" in block


def test_every_panel_names_tex_only_inside_typeset_math_and_definitions_show_their_reading():
    page = (
        "```derivation\nwhere z \\in \\mathbb{R}; \\hat{y} \\in (0, 1)\n"
        "define \\sigma(z) = \\frac{1}{1 + e^{-z}}   # the sigmoid\n"
        "\\sigma(z)(1 - \\sigma(z)) = \\frac{e^{-z}}{(1 + e^{-z})^2}   # over one denominator\n```\n"
    )
    (block,) = _blocks(page)
    panels = re.findall(r'<div class="lr-proof">(.*?)</div>', block)
    assert len(panels) == 2 and all("SymPy read:" in p for p in panels)
    assert ":=" in panels[0]  # a definition is read as one
    for panel in panels:
        outside_math = re.sub(r'<span class="arithmatex">.*?</span>', "", panel)
        assert "\\" not in outside_math, outside_math
