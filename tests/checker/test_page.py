"""Derivation blocks in a page: syntax, line numbers, labels and references, expected failures."""

import textwrap

import pytest

from lrmath.checker.page import check_page, find_blocks, load_course_page


def page(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


SIGMOID = page(
    r"""
    # A page

    ```derivation
    where z \in \mathbb{R}
    define s = \frac{1}{1 + e^{-z}}   # the sigmoid \label{def}
    \frac{ds}{dz} = \frac{e^{-z}}{(1 + e^{-z})^2}   # chain rule
      = s(1 - s)   # in terms of s \label{result}
    ```

    By \eqref{result}, which uses \eqref{def}.
    """
)


def test_a_correct_page_is_proven_with_line_numbers():
    checked = check_page(SIGMOID, "p.md")
    assert checked.failures == []
    assert [(s.line, s.kind, s.proof.status) for s in checked.steps] == [
        (5, "definition", "defined"),
        (6, "equality", "proven"),
        (7, "equality", "proven"),
    ]
    assert checked.labels == {"def": (1, 5), "result": (2, 7)}
    assert checked.steps[2].continuation and checked.steps[2].lhs_tex == ""
    assert checked.steps[1].reason == "chain rule"


def test_a_wrong_step_fails_at_its_line_with_a_counterexample():
    broken = SIGMOID.replace("= s(1 - s)", "= s(1 + s)")
    checked = check_page(broken, "p.md")
    (line, message), = checked.failures
    assert line == 7 and "counterexample" in message
    assert checked.messages()[0].startswith("p.md:7: wrong step")


def test_an_unreadable_step_fails_at_its_line_and_column():
    broken = SIGMOID.replace(r"\frac{ds}{dz} = ", r"\frac{ds}{dz} = q + ")
    (line, message), = check_page(broken, "p.md").failures
    assert line == 6 and "`q` is not declared" in message and "column 1" in message


def test_a_reference_to_a_missing_label_fails():
    checked = check_page(SIGMOID + "\nSee \\eqref{nowhere}.\n", "p.md")
    (line, message), = checked.failures
    assert line == SIGMOID.count("\n") + 2 and "nowhere" in message


def test_references_in_code_are_not_references():
    text = SIGMOID + "\nWrite `\\eqref{nowhere}` in prose.\n\n```text\n\\eqref{nowhere}\n```\n"
    assert check_page(text, "p.md").failures == []


def test_duplicate_labels_fail():
    text = SIGMOID.replace(r"\label{def}", r"\label{result}")
    assert any("used twice" in m for _, m in check_page(text, "p.md").failures)


def test_a_block_inside_another_code_block_is_not_checked():
    text = "````markdown\n```derivation\nwhere z \\in \\mathbb{R}\nz = z + 1\n```\n````\n"
    assert find_blocks(text) == []
    assert check_page(text, "p.md").failures == []


def test_an_unclosed_block_is_an_error():
    (line, message), = check_page("text\n```derivation\nwhere z \\in \\mathbb{R}\n", "p.md").failures
    assert line == 2 and "never closed" in message


def test_numeric_steps_need_a_reason_and_are_marked():
    base = "```derivation\nwhere z \\in \\mathbb{R}\n(1 + z)^{2} = 1 + 2z + z^{2}   # numeric: REASON\n```\n"
    assert check_page(base.replace("REASON", "for the demonstration"), "p.md").steps[0].proof.status == "numeric"
    (line, message), = check_page(base.replace("REASON", ""), "p.md").failures
    assert line == 3 and "reason" in message


def test_wrong_marker_must_be_refuted():
    text = "```derivation\nwhere z \\in \\mathbb{R}\n(1 + z)^{2} = 1 + z^{2}   # wrong: the cross term is missing\n```\n"
    checked = check_page(text, "p.md")
    assert checked.failures == [] and checked.steps[0].proof.status == "expected-wrong"
    fixed = text.replace("1 + z^{2}", "1 + 2z + z^{2}")
    (line, message), = check_page(fixed, "p.md").failures
    assert line == 3 and "marked `wrong:` but it holds" in message


def test_definitions_carry_across_blocks_and_indexed_definitions_work():
    text = page(
        r"""
        ```derivation
        where n \in \mathbb{N}; i \in \{1, \dots, n\}; z \in \mathbb{R}; \hat{y} \in (0, 1)
        define \sigma(z) = \frac{1}{1 + e^{-z}}
        define \hat{y}_i = \sigma(z_i)
        ```

        ```derivation
        \frac{\partial}{\partial z_i}\hat{y}_i = \hat{y}_i(1 - \hat{y}_i)   # the sigmoid's slope, entry by entry
        ```
        """
    )
    checked = check_page(text, "p.md")
    assert checked.failures == [] and checked.steps[-1].proof.status == "proven"


@pytest.mark.parametrize(
    "line, words",
    [
        (r"define = 3", "expected a name"),
        (r"define z = 3", "already defined"),
        (r"z", "a step must be an equation"),
        (r"= z", "must follow an equation"),
    ],
)
def test_malformed_lines(line, words):
    middle = "where a \\in \\mathbb{R}" if line.startswith("=") else "define z = 2"
    text = f"```derivation\nwhere z \\in \\mathbb{{R}}\n{middle}\n{line}\n```\n"
    failures = check_page(text, "p.md").failures
    assert failures and failures[0][0] == 4 and words in failures[0][1], failures


def test_expressions_of_labelled_steps_can_be_reused():
    checked = load_course_page("03-sigmoid-derivative.md")
    import sympy as sp

    z = sp.Symbol("z", real=True)
    assert sp.simplify(checked.expression("sigmoid-derivative") - sp.diff(1 / (1 + sp.exp(-z)), z)) == 0
    with pytest.raises(KeyError, match="no step labelled"):
        checked.expression("nope")


def _page(*lines: str) -> str:
    return "```derivation\n" + "\n".join(lines) + "\n```\n"


def test_a_wrong_step_needs_a_confirmed_counterexample(monkeypatch):
    # a false step marked wrong: refuted, and the counterexample confirmed in high precision
    good = check_page(_page(r"where a, b \in \mathbb{R}", r"(a + b)^2 = a^2 + b^2   # wrong: the cross term"), "p.md")
    assert good.failures == [] and good.steps[0].proof.status == "expected-wrong"
    # a true step that SymPy cannot prove is not wrong: no counterexample, so the build fails
    # (the prover proves every true step tried here, so make it give up on this one)
    import lrmath.checker.page as page_module
    from lrmath.checker.proving import Proof

    monkeypatch.setattr(page_module, "prove", lambda *args, **kwargs: Proof("unproven", "gave up"))
    true = check_page(_page(r"where z \in \mathbb{R}", r"\log(1 + e^{z}) - \log(1 + e^{-z}) = z   # wrong: no"), "p.md", time_limit=None)
    assert true.failures and "no counterexample" in true.failures[0][1], true.failures
    monkeypatch.undo()
    # and one that SymPy proves is refused as holding
    held = check_page(_page(r"where z \in \mathbb{R}", r"\max(z, 0) - \max(-z, 0) = z   # wrong: no"), "p.md")
    assert held.failures and "but it holds" in held.failures[0][1], held.failures


def test_wrong_marks_one_step_and_the_next_line_continues_from_it():
    chain = check_page(_page(r"where a \in \mathbb{R}", r"2a = a = 3a   # wrong: twice"), "p.md")
    assert chain.failures and "marks one step" in chain.failures[0][1]
    after = check_page(_page(r"where a \in \mathbb{R}", r"2a = a   # wrong: halved", r"  = 3a"), "p.md")
    # the line after the wrong step is checked against it (a = 3a is false): refused
    assert [line for line, _ in after.failures] == [4] and "counterexample" in after.failures[0][1]


def test_a_defined_name_must_lie_in_its_declared_domain():
    bad = check_page(_page(r"where \hat{y} \in (0, 1); z \in \mathbb{R}", r"define \hat{y} = 2 + e^{z}"), "p.md")
    assert bad.failures and "not shown to lie there" in bad.failures[0][1]
    good = check_page(_page(r"where \hat{y} \in (0, 1); z \in \mathbb{R}", r"define \hat{y} = \frac{e^{z}}{1 + e^{z}}",
                            r"\log(\hat{y}) - \log(1 - \hat{y}) = z"), "p.md")
    assert good.failures == [] and good.steps[-1].proof.status == "proven"


def test_nonzero_facts_hold_in_their_own_block_only():
    text = (
        _page(r"where x \in \mathbb{R}; x \neq 0", r"\frac{x}{x} = 1")
        + _page(r"\frac{x}{x} = 1")
    )
    checked = check_page(text, "p.md")
    assert [line for line, _ in checked.failures] == [6] and "division by" in checked.failures[0][1]
