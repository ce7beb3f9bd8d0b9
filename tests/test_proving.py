"""Proving one step: exact zero or nothing; counterexamples; where each strategy is allowed."""

import pytest
import sympy as sp

from lrmath.proving import numeric_difference, prove
from lrmath.reading import Notation, read


@pytest.fixture
def nt():
    n = Notation()
    n.declare(r"z, a, t \in \mathbb{R}")
    n.declare(r"\hat{y}, p \in (0, 1)")
    n.declare(r"y \in \{0, 1\}")
    return n


def check(nt, lhs, rhs, **kw):
    return prove(read(lhs, nt), read(rhs, nt), nt, **kw)


@pytest.mark.parametrize(
    "lhs, rhs",
    [
        (r"\frac{d}{dz}\frac{1}{1 + e^{-z}}", r"\frac{e^{-z}}{(1 + e^{-z})^2}"),
        (r"\frac{1}{1 + e^{-z}}", r"\frac{e^{z}}{1 + e^{z}}"),
        (r"-\left(\frac{y}{\hat{y}} - \frac{1 - y}{1 - \hat{y}}\right)", r"\frac{\hat{y} - y}{\hat{y}(1 - \hat{y})}"),
        (r"\lim_{\hat{y} \to 0^+} -\log\hat{y}", r"\infty"),
        (r"\lim_{\hat{y} \to 1^-} -\log\hat{y}", r"0"),
    ],
)
def test_true_steps_are_proven(nt, lhs, rhs):
    proof = check(nt, lhs, rhs)
    assert proof.status == "proven", proof


@pytest.mark.parametrize(
    "lhs, rhs",
    [
        (r"\frac{d}{dz}\frac{1}{1 + e^{-z}}", r"\frac{-e^{-z}}{(1 + e^{-z})^2}"),
        (r"\frac{\hat{y} - y}{\hat{y}(1 - \hat{y})}", r"\frac{y - \hat{y}}{\hat{y}(1 - \hat{y})}"),
        (r"e^{a + t}", r"e^{a} + e^{t}"),
    ],
)
def test_wrong_steps_are_refuted_with_a_counterexample(nt, lhs, rhs):
    proof = check(nt, lhs, rhs)
    assert proof.status == "refuted"
    assert "counterexample at" in proof.detail


def test_log_rules_need_positive_arguments():
    """log(a t) = log a + log t is false for negative reals; it must not be 'proven'."""
    n = Notation()
    n.declare(r"a, t \in \mathbb{R}")
    n.declare(r"p, q \in (0, 1)")
    assert prove(read(r"\log(p q)", n), read(r"\log p + \log q", n), n).status == "proven"
    assert prove(read(r"\log(a t)", n), read(r"\log a + \log t", n), n).status != "proven"


def test_labels_are_proven_by_cases(nt):
    """y^2 = y holds only because y is 0 or 1."""
    assert check(nt, "y^{2}", "y").status == "proven"
    assert "by cases" in check(nt, "y^{2}", "y").method
    n = Notation()
    n.declare(r"y \in \mathbb{R}")
    assert prove(read("y^{2}", n), read("y", n), n).status == "refuted"


def test_numeric_mode_needs_agreement_and_is_never_called_proven(nt):
    proof = check(nt, r"\frac{1}{1 + e^{-z}}", r"\frac{e^{z}}{1 + e^{z}}", numeric_reason="demonstration")
    assert proof.status == "numeric" and "demonstration" in proof.method
    wrong = check(nt, "z", "z + 1", numeric_reason="demonstration")
    assert wrong.status == "refuted"


def test_numeric_difference_is_zero_for_identities_and_not_otherwise(nt):
    gap, _ = numeric_difference(read(r"(1 + a)^{2}", nt), read(r"1 + 2a + a^{2}", nt), nt)
    assert gap < 1e-12
    gap, point = numeric_difference(read(r"(1 + a)^{2}", nt), read(r"1 + a^{2}", nt), nt)
    assert gap > 1e-3 and sp.Symbol("a", real=True) in point


def test_definitions_are_used_and_derivatives_keep_their_variable(nt):
    L = sp.Symbol("L", real=True)
    from lrmath.reading import Declared

    nt.names["L"] = Declared("scalar", L, "defined")
    nt.definitions[L] = read(r"-\log(\hat{y})", nt)
    nt.definitions[nt.names[r"\hat{y}"].value] = read(r"\frac{1}{1 + e^{-z}}", nt)
    # d L / d yhat treats yhat as the variable even though it is defined in terms of z
    assert check(nt, r"\frac{\partial L}{\partial \hat{y}}", r"-\frac{1}{\hat{y}}").status == "proven"
    # d L / d z goes through the definition of yhat
    assert check(nt, r"\frac{\partial L}{\partial z}", r"\hat{y} - 1").status == "proven"
    assert check(nt, r"\frac{\partial L}{\partial z}", r"\hat{y}").status == "refuted"


def test_a_wrong_limit_is_refuted_even_when_marked_numeric(nt):
    for wrong in ("5", r"-\infty"):
        proof = check(nt, r"\lim_{\hat{y} \to 0^+} -\log\hat{y}", wrong, numeric_reason="only a test")
        assert proof.status == "refuted", (wrong, proof)


def test_absolute_value_on_each_side_and_its_kink():
    n = Notation()
    n.declare(r"p > 0")
    n.declare(r"q < 0")
    n.declare(r"s \in \mathbb{R}")
    proven = [
        (r"\frac{d}{dp}\lvert p\rvert", r"\operatorname{sign}(p)"),
        (r"\frac{d}{dq}\lvert q\rvert", r"-1"),
        (r"\lim_{s \to 0^+} \frac{\lvert s\rvert}{s}", "1"),
        (r"\lim_{s \to 0^-} \frac{\lvert s\rvert}{s}", "-1"),
    ]
    for lhs, rhs in proven:
        assert prove(read(lhs, n), read(rhs, n), n).status == "proven", lhs
    # |q| = q is false for a negative q: the random points respect the declared sign
    wrong = prove(read(r"\lvert q\rvert", n), read("q", n), n)
    assert wrong.status == "refuted" and "q = -" in wrong.detail
