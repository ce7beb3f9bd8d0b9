"""Display math outside derivation blocks: checked by a derivation, or visibly marked not checked."""

import pytest

from lrmath.checker.displays import check_displays, notebook_markdown, relations_in
from lrmath.checker.page import check_page


@pytest.mark.parametrize(
    "tex, expected",
    [
        (r"a = b", ["="]),
        (r"\sum_{i=1}^{n} x_i", []),  # a sum's limits state nothing
        (r"\mathbf{w} \leftarrow \mathbf{w} - \eta g", []),  # an assignment
        (r"a \le b < c \geq d \neq e \approx f", [r"\le", "<", r"\geq", r"\neq", r"\approx"]),
        (r"x \in \mathbb{R} \quad \text{for all} \; x = 1 % a = b", ["="]),  # TeX comments are not shown
    ],
)
def test_relations_are_the_claims_of_a_display(tex, expected):
    assert relations_in(tex) == expected


def test_every_kind_of_display_is_found_at_its_line():
    page = "a\n\n\\[\nx = 1\n\\]\n\n$$y = 2$$\n\n\\begin{align*}\nz &= 3\n\\end{align*}\n\n```text\n$$in = code$$\n```\n`$$inline = code$$`\n"
    displays, failures = check_displays(page)
    assert [d.line for d in displays] == [3, 7, 9]
    assert [line for line, _ in failures] == [3, 7, 9]


def test_a_marked_display_passes_and_keeps_its_reason():
    page = "<!-- not checked: an approximation,\u00a0not an identity -->\n\n\\[\nf(x) \\approx f(0)\n\\]\n"
    (display,), failures = check_displays(page)
    assert failures == [] and display.reason == "an approximation, not an identity" and display.mark_line == 1


@pytest.mark.parametrize(
    "page, line, words",
    [
        ("<!-- not checked: why -->\ntext\n\n\\[a = b\\]\n", 1, "directly above a display"),
        ("<!-- not checked:   -->\n\\[a = b\\]\n", 1, "needs its reason"),
        ("<!-- not checked: nothing -->\n\\[a + b\\]\n", 1, "states no relation"),
        ("<!-- not checked: spans\nlines -->\n\\[a = b\\]\n", 1, "on one line"),
        ("text\n\\[\na = b\n", 2, "never closed"),
    ],
)
def test_a_misplaced_or_empty_mark_is_an_error_at_its_line(page, line, words):
    _, failures = check_displays(page)
    assert any(n == line and words in message for n, message in failures), failures


def test_a_page_check_fails_on_an_unmarked_display_with_path_and_line():
    checked = check_page("# T\n\n\\[\n\\sigma'(z) = \\sigma(z)\n\\]\n", "docs/t.md")
    assert checked.messages() == [
        "docs/t.md:3: this displayed `=` is proven by nobody: move it into a ```derivation block, "
        "or mark it with `<!-- not checked: reason -->` on the line above the display"
    ]


def test_notebook_markdown_cells_keep_the_line_numbers_of_the_py_file():
    source = "# %%\nx = 1  # $$a = b$$ in code\n\n# %% [markdown]\n# Text\n#\n# $$a = b$$\n\n# %%\ny = 2\n"
    markdown = notebook_markdown(source)
    displays, failures = check_displays(markdown)
    assert [d.line for d in displays] == [7] and failures[0][0] == 7
    assert notebook_markdown("x = 1\n") is None  # a plain module is not a notebook
