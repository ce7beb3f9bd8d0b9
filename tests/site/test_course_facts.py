"""Facts about the code that the course states in prose, checked against the code.

A chapter that restates a rule of ``lrmath`` (which method ``fit`` picks, whether it raises
or warns) drifts when the code changes; these tests make the drift fail.
"""

from __future__ import annotations

import math

from lrmath import fitting
from tests.conftest import ROOT


def chapter(name: str) -> str:
    return " ".join((ROOT / "docs" / name).read_text().split())


def test_chapter_9_states_the_auto_rule_of_fit():
    text = chapter("09-newton-irls.md")
    exponent = int(math.log2(fitting.AUTO_NEWTON_SIZE))
    assert 2**exponent == fitting.AUTO_NEWTON_SIZE
    assert f"at most \\(2^{{{exponent}}}\\) entries" in text
    assert f"from its {fitting.AUTO_MIN_LBFGS_EVALS}th evaluation" in text
    assert f"as soon as {fitting.AUTO_NEWTON_STEPS} Newton iterations" in text
    assert f"\\(1 + d/{fitting.HESSIAN_COLUMNS_PER_PASS}\\) passes" in text
    assert f"more than {fitting.AUTO_MAX_NEWTON_D} features" in text
    assert f"larger than {fitting.SINGLE_MIN_BYTES >> 20} MiB" in text
    assert f"at least {fitting.SINGLE_MIN_COLUMNS} columns" in text
    assert f"\\(10^{{{int(math.log10(fitting.SINGLE_UNTIL))}}}\\) times its value at the start" in text
    assert fitting.SINGLE_UNTIL == 10.0 ** int(math.log10(fitting.SINGLE_UNTIL))
    assert f"({fitting.SINGLE_STALL} iterations in a row that do not halve the largest gradient entry)" in text


def test_separable_data_is_described_as_a_warning_not_an_error():
    assert issubclass(fitting.SeparableDataWarning, Warning)
    for name in ("08-convexity.md", "notebooks/separable.py"):
        text = chapter(name)
        assert "SeparableDataWarning" in text
        assert "raises `SeparableDataWarning`" not in text and "`lrmath.fit` raises" not in text
