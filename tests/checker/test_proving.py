"""Proving one step: exact zero or nothing; counterexamples; where each strategy is allowed."""

import pytest
import sympy as sp

from lrmath.checker.proving import numeric_difference, prove
from lrmath.checker.reading import Notation, read


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
    from lrmath.checker.reading import Declared

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


@pytest.fixture
def classes():
    n = Notation()
    n.declare(r"K \in \mathbb{N}")
    n.declare(r"j, k, m \in \{1, \dots, K\}")
    n.declare(r"z, c \in \mathbb{R}")
    n.declare(r"\mathbf{y} \in \{\mathbf{e}_1, \dots, \mathbf{e}_K\}")
    n.declare(r"\mathbf{t} \in \mathbb{R}^{K}")
    return n


@pytest.mark.parametrize(
    "lhs, rhs",
    [
        # constant factors leave a sum; a Kronecker delta picks one term
        (r"\sum_{k=1}^{K} \frac{e^{z_k}}{\sum_{m=1}^{K} e^{z_m}}", "1"),
        (r"\sum_{k=1}^{K} t_k \delta_{kj}", "t_j"),
        (r"\sum_{m=1}^{K} e^{z_m + c}", r"e^{c}\sum_{m=1}^{K} e^{z_m}"),
        # the one fact a one-hot vector adds: its entries sum to 1
        (r"\sum_{k=1}^{K} y_k", "1"),
        (r"-\sum_{k=1}^{K} y_k (\delta_{kj} - c)", "c - y_j"),
        # logarithms whose arguments are equal fractions
        (r"\log\left(\frac{e^{z_1}}{e^{z_1} + e^{z_2}}\right)", r"\log\left(\frac{1}{1 + e^{z_2 - z_1}}\right)"),
    ],
)
def test_sum_and_class_steps_are_proven(classes, lhs, rhs):
    proof = check(classes, lhs, rhs)
    assert proof.status == "proven", proof


@pytest.mark.parametrize(
    "lhs, rhs",
    [
        (r"\sum_{k=1}^{K} t_k", "1"),  # an ordinary vector's entries need not sum to 1
        (r"\sum_{k=1}^{K} y_k", "0"),
        (r"\sum_{k=1}^{K} t_k \delta_{kj}", "t_k"),
        (r"\log(e^{z_1} + e^{z_2})", r"z_1 + \log(e^{z_2})"),
    ],
)
def test_wrong_sum_steps_are_refuted(classes, lhs, rhs):
    assert check(classes, lhs, rhs).status == "refuted"


def test_random_points_give_one_hot_vectors_one_hot_values(classes):
    """Otherwise a true step that uses sum_k y_k = 1 would be 'refuted' by the witness."""
    gap, point = numeric_difference(read(r"\sum_{k=1}^{K} y_k", classes), sp.Integer(1), classes, trials=8)
    assert gap == 0
    values = [v for s, v in point.items() if isinstance(s, sp.Indexed) and str(s.base) == "y"]
    assert sorted(values) == [0] * (len(values) - 1) + [1]


def test_log_rules_are_allowed_for_arguments_sympy_knows_are_positive(classes):
    assert check(classes, r"\log\left(\frac{e^{z_1}}{\sum_{m=1}^{K} e^{z_m}}\right)",
                 r"z_1 - \log\left(\sum_{m=1}^{K} e^{z_m}\right)").status == "proven"
    assert check(classes, r"\log(t_1 t_2)", r"\log(t_1) + \log(t_2)").status != "proven"


def test_differentiating_by_an_entry_keeps_the_other_entries_independent(classes):
    """Once z_k = w_k x + b_k is defined, d/dz_j still treats every z_m as a variable."""
    classes.declare(r"d \in \mathbb{N}")
    classes.declare(r"i \in \{1, \dots, d\}")
    classes.declare(r"\mathbf{W} \in \mathbb{R}^{K \times d}")
    classes.declare(r"\mathbf{x} \in \mathbb{R}^{d}")
    z = sp.IndexedBase("z", real=True)
    k, i = classes.names["k"].value, classes.names["i"].value
    classes.indexed_definitions[z] = ((k,), sp.Sum(read(r"w_{ki} x_i", classes), (i, 1, classes.names["d"].value)))
    softmax = r"\frac{e^{z_1}}{\sum_{m=1}^{K} e^{z_m}}"
    assert check(classes, rf"\frac{{\partial}}{{\partial z_1}}{softmax}", rf"{softmax}\left(1 - {softmax}\right)").status == "proven"


def test_cases_by_declared_sign_are_proven_and_checked_at_points_of_that_sign():
    n = Notation()
    n.declare(r"s \geq 0")
    n.declare(r"t < 0")
    assert check(n, r"\log(1 + e^{s})", r"\max(s, 0) + \log(1 + e^{-|s|})").status == "proven"
    assert check(n, r"\log(1 + e^{t})", r"\max(t, 0) + \log(1 + e^{-|t|})").status == "proven"
    # the s-form is false for negative scores: the witness must only use s >= 0 there
    assert check(n, r"\log(1 + e^{t})", r"t + \log(1 + e^{-|t|})").status == "refuted"
    _, point = numeric_difference(read("s + t", n), read("t + s", n), n, trials=6)
    assert point[n.names["s"].value] >= 0 and point[n.names["t"].value] < 0


@pytest.fixture
def sums():
    n = Notation()
    n.declare(r"d \in \mathbb{N}")
    n.declare(r"j, k \in \{1, \dots, d\}")
    n.declare(r"\mathbf{x}, \mathbf{v} \in \mathbb{R}^{d}")
    n.declare(r"s \in \mathbb{R}")
    return n


def test_a_double_sum_of_a_product_factors_into_a_product_of_sums(sums):
    double = r"\sum_{j=1}^{d}\sum_{k=1}^{d} v_j s x_j x_k v_k"
    for rhs in (
        r"\sum_{j=1}^{d} s x_j v_j\left(\sum_{k=1}^{d} x_k v_k\right)",
        r"s\left(\sum_{j=1}^{d} x_j v_j\right)\left(\sum_{k=1}^{d} x_k v_k\right)",
        r"s(\mathbf{x}^\top\mathbf{v})^2",
    ):
        proof = check(sums, double, rhs)
        assert proof.status == "proven", (rhs, proof)


def test_a_double_sum_is_not_a_single_sum(sums):
    """SymPy writes nested sums as one Sum with two limits; neither may be lost."""
    from lrmath.checker.proving import _canonical_dummies

    double = read(r"\sum_{j=1}^{d}\sum_{k=1}^{d} v_j x_k", sums)
    assert len(double.limits) == 2
    assert len(_canonical_dummies(double).limits) == 2
    for wrong in (r"\sum_{k=1}^{d} v_j x_k", r"\sum_{j=1}^{d} v_j x_j", r"s\left(\sum_{j=1}^{d} v_j\right)\left(\sum_{k=1}^{d} x_k\right)"):
        assert check(sums, r"\sum_{j=1}^{d}\sum_{k=1}^{d} v_j x_k", wrong).status == "refuted", wrong


def test_factors_that_depend_on_the_index_stay_in_the_sum(sums):
    assert check(sums, r"\sum_{k=1}^{d} s x_k v_k", r"s\sum_{k=1}^{d} x_k v_k").status == "proven"
    assert check(sums, r"\sum_{k=1}^{d} x_k v_k", r"x_j\sum_{k=1}^{d} v_k").status == "refuted"


def test_finite_sums_may_be_taken_in_any_order():
    """The quadratic form of (1/n) X^T S X is a mean of squares: needs the order of summation swapped."""
    n = Notation()
    n.declare(r"d, n \in \mathbb{N}")
    n.declare(r"j, k \in \{1, \dots, d\}")
    n.declare(r"i \in \{1, \dots, n\}")
    n.declare(r"\mathbf{v}, \mathbf{x} \in \mathbb{R}^{d}")
    n.declare(r"\mathbf{X} \in \mathbb{R}^{n \times d}")
    n.declare(r"s \in \mathbb{R}")
    form = r"\sum_{j=1}^{d}\sum_{k=1}^{d} v_j\left(\frac{1}{n}\sum_{i=1}^{n} x_{ij}s_i x_{ik}\right)v_k"
    assert prove(read(form, n), read(r"\frac{1}{n}\sum_{i=1}^{n} s_i(\mathbf{x}_i^\top\mathbf{v})^2", n), n).status == "proven"
    assert prove(read(r"\sum_{i=1}^{n}\sum_{j=1}^{d} x_{ij}", n), read(r"\sum_{j=1}^{d}\sum_{i=1}^{n} x_{ij}", n), n).status == "proven"
    for wrong in (r"\frac{1}{n}\sum_{i=1}^{n} s_i(\mathbf{x}_i^\top\mathbf{v})", r"\frac{1}{n}\sum_{i=1}^{n}(\mathbf{x}_i^\top\mathbf{v})^2",
                  r"\frac{1}{n}\sum_{i=1}^{n} s_i x_{ij}v_j\sum_{k=1}^{d} x_{ik}v_k"):
        assert prove(read(form, n), read(wrong, n), n).status == "refuted", wrong


def test_sums_of_one_summand_over_adjacent_ranges_are_joined_and_no_others():
    from lrmath.checker.proving import _summands_simplified

    i = sp.Symbol("i", integer=True, positive=True)
    m, n = sp.symbols("m n", integer=True, positive=True)
    a = sp.IndexedBase("a", real=True)
    whole = sp.Sum(a[i], (i, 1, n))
    assert _summands_simplified(whole - sp.Sum(a[i], (i, 1, m)) - sp.Sum(a[i], (i, m + 1, n))) == 0
    assert _summands_simplified(2 * whole - 2 * sp.Sum(a[i], (i, m + 1, n)) - 2 * sp.Sum(a[i], (i, 1, m))) == 0
    for wrong in (
        whole - sp.Sum(a[i], (i, 1, m)) - sp.Sum(a[i], (i, m, n)),  # row m twice
        whole - sp.Sum(a[i], (i, 1, m)) - sp.Sum(a[i], (i, m + 2, n)),  # row m + 1 left out
        whole - sp.Sum(a[i], (i, 1, m)) - sp.Sum(2 * a[i], (i, m + 1, n)),  # another summand
    ):
        assert _summands_simplified(wrong) != 0, wrong


def test_an_inner_sum_that_mentions_the_outer_index_is_not_captured():
    from lrmath.checker.proving import _one_sum

    j, k = sp.symbols("j k", integer=True, positive=True)
    d = sp.Symbol("d", integer=True, positive=True)
    a = sp.IndexedBase("a", real=True)
    inner = sp.Sum(a[j, k], (k, 1, d))
    nested = sp.Sum(1 / inner, (j, 1, d))  # the inner sum is not a factor: it stays inside
    merged = _one_sum(nested)
    (outer,) = [v for v, _lo, _hi in merged.limits]
    (inner_sum,) = merged.function.atoms(sp.Sum)
    (inner_var,) = [v for v, _lo, _hi in inner_sum.limits]
    assert outer != inner_var and outer in inner_sum.free_symbols


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


def test_entries_of_a_label_are_split_into_cases_but_not_entries_of_a_real_vector():
    n = Notation()
    n.declare(r"m \in \mathbb{N}")
    n.declare(r"i \in \{1, \dots, m\}")
    n.declare(r"y \in \{0, 1\}")
    proof = prove(read(r"y_i^2", n), read(r"y_i", n), n)
    assert proof.status == "proven" and "by cases" in proof.method
    n.declare(r"\mathbf{y} \in \mathbb{R}^{m}")  # now y_i are the entries of a real vector
    assert prove(read(r"y_i^2", n), read(r"y_i", n), n).status != "proven"


@pytest.mark.parametrize(
    "lhs, rhs",
    [(r"|z|", r"\max(z, -z)"), (r"\max(z, a) + \max(-z, -a)", r"|z - a|"), (r"\tanh(z)", r"\frac{e^{2z} - 1}{e^{2z} + 1}")],
)
def test_absolute_value_max_and_tanh_identities(nt, lhs, rhs):
    assert check(nt, lhs, rhs).status == "proven"
    assert check(nt, lhs, rhs + " + 1").status != "proven"


def test_infinite_or_undefined_on_both_sides_is_never_agreement():
    from lrmath.checker.proving import _relative_gap

    assert _relative_gap(sp.oo, sp.oo) is None and _relative_gap(sp.nan, sp.nan) is None
    assert _relative_gap(sp.oo, sp.Integer(5)) == float("inf") and _relative_gap(sp.oo, -sp.oo) == float("inf")
    assert _relative_gap(sp.Float(2), sp.Float(2)) == 0.0


def test_numeric_steps_are_tested_at_large_magnitudes_in_high_precision(nt):
    # both sides overflow floats at every point; mpmath still sees the factor 2
    proof = check(nt, "e^{1000 + a}", "2e^{1000 + a}", numeric_reason="a test")
    assert proof.status == "refuted" and proof.confirmed
    # a kink at -100 is out of reach of points between -2 and 2, not of magnitudes up to 1000
    proof = check(nt, r"\max(a, -100)", "a", numeric_reason="a test")
    assert proof.status == "refuted"
    proof = check(nt, r"\log(1 + e^{a}) - \log(1 + e^{-a})", "a", numeric_reason="a test")
    assert proof.status == "numeric", proof.detail


def test_log_rules_need_positivity_proven_not_sampled():
    n = Notation()
    n.declare(r"m \in \mathbb{N}")
    n.declare(r"p \in (0, 1)")
    proof = prove(read(r"\log((p(1 - p))^{m})", n), read(r"m\log p + m\log(1 - p)", n), n)
    assert proof.status == "proven", proof.detail
    # 5 - m is not positive for every size m: the rule log(a^2) = 2 log a does not apply
    proof = prove(read(r"\log((5 + m)^2)", n), read(r"2\log(5 + m)", n), n)
    assert proof.status == "proven"
    q = Notation()
    q.declare(r"m \in \mathbb{N}")
    q.declare(r"x \in \mathbb{R}")
    proof = prove(sp.log((5 - read("m", q)) ** 2), 2 * sp.log(5 - read("m", q)), q)
    assert proof.status != "proven"


def test_the_fast_numeric_look_vouches_only_for_agreement_it_can_bound():
    """Interval arithmetic: cancellation beyond its digits, a log of a negative number, or a
    gap makes it step aside (None), and the exact path decides."""
    from lrmath.checker.quick_numbers import agreement

    z = sp.Symbol("z", real=True)
    points = [{z: sp.Rational(3, 7)}, {z: -2}]
    assert agreement(sp.exp(2 * z) - 1, (sp.exp(z) - 1) * (sp.exp(z) + 1), points, draw=None) is not None
    big = sp.Integer(10) ** 600  # (1e600 + z) - 1e600 loses z even at 500 digits: never agreement with 0
    assert agreement(sp.Add(big, z, evaluate=False) - big, sp.Integer(0), points, draw=None) is None
    assert agreement(sp.log(z - 1), sp.log(z - 1), points, draw=None) is None
    assert agreement(z + sp.Rational(1, 10**15), z, points, draw=None) is None  # 1e-15: above AGREE, for the exact path


def test_a_wrong_step_that_the_fast_look_cannot_evaluate_is_still_refuted(nt):
    proof = check(nt, r"\log(z^2 + 1)", r"2\log(z^2 + 1)")
    assert proof.status == "refuted" and proof.confirmed


def test_log_rules_split_off_a_factor_whose_log_is_a_number():
    """log(e p) = 1 + log p: the rule met log(e), which SymPy evaluates to 1 (it crashed on it)."""
    from lrmath.checker.domains import expand_logs

    n = Notation()
    n.declare(r"p > 0")
    assert expand_logs(read(r"\log(e p)", n), n) == 1 + sp.log(read("p", n))
