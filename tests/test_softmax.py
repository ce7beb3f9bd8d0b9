"""The softmax, log-softmax and categorical cross-entropy: properties, the identities of
chapters 12 and 13, exact references, and clear errors."""

import warnings

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import lrmath

# scores of any size a float64 computation can meet, including ones whose exponential overflows
score = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
moderate = st.floats(min_value=-30, max_value=30, allow_nan=False, allow_infinity=False)


def score_matrices(elements=score, max_rows=6, max_classes=6, min_classes=2):
    shapes = st.tuples(st.integers(1, max_rows), st.integers(min_classes, max_classes))
    return shapes.flatmap(lambda shape: arrays(np.float64, shape, elements=elements))


def no_warnings():
    """Any NumPy floating-point warning becomes an error inside this block."""
    return np.errstate(over="raise", under="ignore", invalid="raise", divide="raise")


def exact_log_softmax(row, k):
    mpmath.mp.dps = 60
    return mpmath.mpf(float(row[k])) - mpmath.log(mpmath.fsum(mpmath.exp(mpmath.mpf(float(v))) for v in row))


@settings(max_examples=200, deadline=None)
@given(score_matrices())
def test_rows_are_probabilities_summing_to_one(Z):
    with no_warnings():
        P = lrmath.softmax(Z)
    assert P.shape == Z.shape
    assert np.all((P >= 0) & (P <= 1))
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=0, atol=8 * np.finfo(float).eps)
    # the largest score always gets the largest probability
    assert np.all(P[np.arange(len(Z)), Z.argmax(axis=1)] == P.max(axis=1))


@settings(max_examples=200, deadline=None)
@given(score_matrices(elements=moderate), st.floats(min_value=-1e3, max_value=1e3))
def test_adding_a_constant_to_every_score_changes_nothing(Z, c):
    np.testing.assert_allclose(lrmath.softmax(Z + c), lrmath.softmax(Z), rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(lrmath.log_softmax(Z + c), lrmath.log_softmax(Z), rtol=1e-9, atol=1e-9)


@settings(max_examples=200, deadline=None)
@given(score_matrices(min_classes=1))
def test_log_softmax_is_finite_and_its_exponential_is_the_softmax(Z):
    with no_warnings():
        logP = lrmath.log_softmax(Z)
    assert np.all(np.isfinite(logP)) and np.all(logP <= 0)
    np.testing.assert_allclose(np.exp(logP), lrmath.softmax(Z), rtol=1e-12, atol=1e-300)


@settings(max_examples=60, deadline=None)
@given(score_matrices(max_rows=2, max_classes=4))
def test_log_softmax_against_60_digit_arithmetic(Z):
    got = lrmath.log_softmax(Z)
    for i, row in enumerate(Z):
        for k in range(len(row)):
            ref = exact_log_softmax(row, k)
            assert abs(got[i, k] - float(ref)) <= 4 * np.finfo(float).eps * max(1.0, abs(float(ref)), np.abs(row).max())


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 8), st.just(2)), elements=score), st.data())
def test_two_classes_are_the_sigmoid_and_the_binary_cross_entropy(Z, data):
    """Chapter 12: p_1 = sigma(z_1 - z_2), and the categorical loss is the binary one."""
    y = np.array(data.draw(st.lists(st.integers(0, 1), min_size=len(Z), max_size=len(Z))))
    difference = Z[:, 1] - Z[:, 0]  # class 1 against class 0
    np.testing.assert_allclose(lrmath.softmax(Z)[:, 1], lrmath.sigmoid(difference), rtol=1e-12, atol=1e-300)
    expected = lrmath.bce(y, difference)
    assert lrmath.categorical_cross_entropy(y, Z) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(score_matrices(elements=moderate, max_rows=4, max_classes=5), st.data())
def test_gradient_is_p_minus_y_against_finite_differences(Z, data):
    n, K = Z.shape
    labels = np.array(data.draw(st.lists(st.integers(0, K - 1), min_size=n, max_size=n)))
    Y = np.eye(K)[labels]
    gradient = (lrmath.softmax(Z) - Y) / n  # chapter 12, for the mean over the rows
    h = 1e-6
    numerical = np.zeros_like(Z)
    for index in np.ndindex(Z.shape):
        step = np.zeros_like(Z)
        step[index] = h
        numerical[index] = (lrmath.categorical_cross_entropy(labels, Z + step)
                            - lrmath.categorical_cross_entropy(labels, Z - step)) / (2 * h)
    np.testing.assert_allclose(numerical, gradient, atol=1e-7)


def test_huge_scores_are_finite_warning_free_and_exact():
    Z = np.array([[1e300, 0.0, -1e300], [800.0, 0.0, -800.0], [-800.0, -800.0, -800.0], [-1e6, 1e6, 0.0]])
    labels = np.array([2, 1, 0, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with no_warnings():
            P = lrmath.softmax(Z)
            logP = lrmath.log_softmax(Z)
            loss = lrmath.categorical_cross_entropy(labels, Z)
    assert np.array_equal(P[0], [1.0, 0.0, 0.0]) and np.array_equal(P[1], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(P[2], 1 / 3, rtol=1e-15)
    assert np.all(np.isfinite(logP))
    assert logP[0, 2] == -2e300 and logP[1, 2] == -1600.0 and logP[1, 1] == -800.0 and logP[3, 0] == -2e6
    # each row costs minus its log-probability: 2e300, 800, log 3, 2e6
    assert loss == pytest.approx((2e300 + 800.0 + np.log(3.0) + 2e6) / 4, rel=1e-15)


def test_scores_further_apart_than_the_largest_float():
    """-inf is then the correctly rounded log-probability; still no warning and no NaN."""
    Z = np.array([[1e308, -1e308]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with no_warnings():
            assert np.array_equal(lrmath.softmax(Z), [[1.0, 0.0]])
            assert np.array_equal(lrmath.log_softmax(Z), [[0.0, -np.inf]])
            assert lrmath.categorical_cross_entropy([0], Z) == 0.0
            assert lrmath.categorical_cross_entropy([1], Z) == np.inf


def test_naive_formulas_fail_where_these_do_not():
    """The reason the module exists: the textbook softmax overflows to nan."""
    z = np.array([1000.0, 0.0])
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(z) / np.exp(z).sum()
    assert np.isnan(naive[0])
    assert np.array_equal(lrmath.softmax(z), [1.0, 0.0])


def test_one_hot_and_integer_labels_agree():
    rng = np.random.default_rng(1)
    Z = rng.normal(size=(7, 4)) * 5
    labels = rng.integers(0, 4, size=7)
    value = lrmath.categorical_cross_entropy(labels, Z)
    assert value == lrmath.categorical_cross_entropy(np.eye(4)[labels], Z)
    assert value == lrmath.categorical_cross_entropy(labels.astype(float), Z)
    assert value == pytest.approx(-np.mean(np.log(lrmath.softmax(Z))[np.arange(7), labels]), rel=1e-12)


def test_axis():
    Z = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(lrmath.softmax(Z, axis=0), lrmath.softmax(Z.T).T)
    np.testing.assert_allclose(lrmath.log_softmax(Z, axis=0).sum(), np.log(lrmath.softmax(Z, axis=0)).sum())


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: lrmath.softmax(3.0), ValueError, "at least one axis"),
        (lambda: lrmath.softmax([]), ValueError, r"Z is empty \(shape \(0,\)\)"),
        (lambda: lrmath.softmax([1.0, np.nan]), ValueError, "Z contains NaN"),
        (lambda: lrmath.softmax([1.0, np.inf]), ValueError, "Z contains inf"),
        (lambda: lrmath.softmax([[1.0, 2.0]], axis=2), ValueError, r"axis 2 is out of range for Z of shape \(1, 2\)"),
        (lambda: lrmath.log_softmax([1.0], axis=1.0), TypeError, "axis must be an integer"),
        (lambda: lrmath.softmax(["a"]), TypeError, "Z must be numeric"),
        (lambda: lrmath.categorical_cross_entropy([0], [1.0, 2.0]), ValueError, r"Z must be 2-D .* got shape \(2,\)"),
        (lambda: lrmath.categorical_cross_entropy([0], [[1.0]]), ValueError, "at least 2 columns"),
        (lambda: lrmath.categorical_cross_entropy([0, 1], [[1.0, 2.0]]), ValueError, "Y has 2 labels but Z has 1 rows"),
        (lambda: lrmath.categorical_cross_entropy([2], [[1.0, 2.0]]), ValueError, "class indices 0 to 1"),
        (lambda: lrmath.categorical_cross_entropy([0.5], [[1.0, 2.0]]), ValueError, "integer class indices"),
        (lambda: lrmath.categorical_cross_entropy([True], [[1.0, 2.0]]), TypeError, "dtype bool"),
        (lambda: lrmath.categorical_cross_entropy([[1, 1]], [[1.0, 2.0]]), ValueError, r"one-hot .* row 0 is \[1.0, 1.0\]"),
        (lambda: lrmath.categorical_cross_entropy([[1, 0, 0]], [[1.0, 2.0]]), ValueError, r"shape \(1,\) or one-hot of shape \(1, 2\)"),
    ],
)
def test_errors_name_the_argument_and_shape(call, error, words):
    with pytest.raises(error, match=words):
        call()
