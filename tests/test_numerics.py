"""The stable numerics: identities at random and extreme logits, against exact references."""

import warnings

import mpmath
import numpy as np
import pytest

import lrmath

EXTREMES = np.array([-800.0, -745.5, -709.8, -40.0, -37.0, -1e-300, 0.0, 1e-300, 30.0, 37.0, 40.0, 709.8, 800.0])


@pytest.fixture
def logits():
    rng = np.random.default_rng(0)
    return np.concatenate([EXTREMES, rng.normal(scale=30.0, size=2000), rng.uniform(-800, 800, size=2000)])


def exact(f, z):
    mpmath.mp.dps = 50
    return np.array([float(f(mpmath.mpf(float(v)))) for v in z])


def test_no_warning_anywhere(logits):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            for f in (lrmath.sigmoid, lrmath.log_sigmoid, lrmath.log1pexp):
                assert np.all(np.isfinite(f(logits)))
            assert np.isfinite(lrmath.bce((logits > 0).astype(float), logits))


def test_sigmoid_is_correctly_rounded_against_mpmath(logits):
    ref = exact(lambda z: 1 / (1 + mpmath.exp(-z)), logits)
    got = lrmath.sigmoid(logits)
    tiny = ref < 1e-300
    assert np.all(np.abs(got[~tiny] - ref[~tiny]) <= 4 * np.finfo(float).eps * ref[~tiny])
    assert np.all(got[tiny] <= 1e-300)


def test_log_sigmoid_and_log1pexp_against_mpmath(logits):
    ref = exact(lambda z: -mpmath.log1p(mpmath.exp(-z)), logits)
    got = lrmath.log_sigmoid(logits)
    assert np.all(np.abs(got - ref) <= 4 * np.finfo(float).eps * np.maximum(np.abs(ref), 1e-300))
    assert np.allclose(lrmath.log1pexp(logits), -lrmath.log_sigmoid(-logits), rtol=1e-15, atol=0)


def test_symmetry_and_derivative_identities(logits):
    s = lrmath.sigmoid(logits)
    # 1 - s is itself rounded to a multiple of eps/2 near 1: agreement to one ulp of 1
    assert np.allclose(lrmath.sigmoid(-logits), 1 - s, rtol=0, atol=np.finfo(float).eps)
    h = 1e-6
    z = np.linspace(-20, 20, 81)
    numeric = (lrmath.sigmoid(z + h) - lrmath.sigmoid(z - h)) / (2 * h)
    assert np.allclose(numeric, lrmath.sigmoid(z) * (1 - lrmath.sigmoid(z)), atol=1e-9)


def test_bce_is_finite_nonnegative_and_matches_the_textbook_where_that_is_safe(logits):
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, size=logits.size).astype(float)
    assert lrmath.bce(y, logits) >= 0
    z = rng.normal(scale=3, size=500)
    yy = rng.integers(0, 2, size=500).astype(float)
    p = 1 / (1 + np.exp(-z))
    textbook = -np.mean(yy * np.log(p) + (1 - yy) * np.log(1 - p))
    assert lrmath.bce(yy, z) == pytest.approx(textbook, rel=1e-12)
    assert lrmath.bce_from_proba(yy, p) == pytest.approx(textbook, rel=1e-9)


def test_a_confident_wrong_prediction_costs_its_logit():
    assert lrmath.bce([0.0], [800.0]) == 800.0
    assert lrmath.bce([1.0], [-800.0]) == 800.0


def test_clipping_of_the_probability_variant_is_what_the_docstring_says():
    assert lrmath.bce_from_proba([0.0], [1.0], eps=1e-15) == pytest.approx(-np.log(1e-15), rel=1e-6)
    assert lrmath.bce_from_proba([1.0], [0.0], eps=1e-3) == pytest.approx(-np.log(1e-3))


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: lrmath.bce([0, 2], [0.0, 0.0]), "labels 0 and 1 only; found 0, 2"),
        (lambda: lrmath.bce([0, 1, 1], [0.0, 0.0]), "y has 3 labels but z has 2 entries"),
        (lambda: lrmath.bce([0, 1], [0.0, np.nan]), "z contains NaN"),
        (lambda: lrmath.bce([0, 1], [[0.0, 0.0]]), "z must be 1-D"),
        (lambda: lrmath.bce(0, [0.0, 1.0]), "y has 1 labels but z has 2 entries"),
        (lambda: lrmath.sigmoid("abc"), "z must be numeric"),
        (lambda: lrmath.bce_from_proba([0], [1.5]), "probabilities in [0, 1]"),
        (lambda: lrmath.bce_from_proba([0], [0.5], eps=0.0), "eps must be in (0, 0.5)"),
    ],
)
def test_bad_input_is_named(call, words):
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    assert words in str(info.value)


def test_one_example_may_be_given_as_numbers():
    assert lrmath.bce(0, 40.0) == lrmath.bce([0], [40.0]) == pytest.approx(40.0)
