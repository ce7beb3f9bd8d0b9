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
