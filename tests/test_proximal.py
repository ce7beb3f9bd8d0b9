"""L1 and elastic net: agreement with scikit-learn, exact zeros, the KKT conditions, bad input."""

import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

import lrmath
from lrmath.fitting import _Problem
from lrmath.proximal import _fista, _proximal_newton, optimality, soft_threshold


@pytest.fixture(scope="module")
def cancer():
    X, y, _ = lrmath.load_breast_cancer()
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def sklearn_fit(X, y, l1, l2):
    """scikit-learn's optimum of the same objective.

    It minimises C * sum of losses + r * |w|_1 + (1 - r)/2 * |w|^2; divided by C n that is
    mean BCE + l1 |w|_1 + (l2/2) |w|^2 with l1 = r/(C n) and l2 = (1 - r)/(C n), so
    C = 1/(n (l1 + l2)) and r = l1/(l1 + l2). saga does not penalise the intercept (liblinear
    does), and converges to 1e-8 here in about a second.
    """
    n = len(y)
    model = LogisticRegression(C=1 / (n * (l1 + l2)), l1_ratio=l1 / (l1 + l2), solver="saga", tol=1e-12, max_iter=100_000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a saga that did not converge must not pass as a reference
        model.fit(X, y)
    return model.coef_[0], model.intercept_[0]


def composite(w, b, X, y, l1, l2):
    return lrmath.loss_and_grad(w, b, X, y, l2)[0] + l1 * np.abs(w).sum()


@pytest.mark.parametrize("l1, l2", [(1e-2, 0.0), (3e-2, 0.0), (5e-3, 1e-2), (1e-3, 1e-3)])
def test_agrees_with_sklearn_saga(cancer, l1, l2):
    X, y = cancer
    coef, intercept = sklearn_fit(X, y, l1, l2)
    result = lrmath.fit(X, y, l1=l1, l2=l2, tol=1e-10)
    assert result.converged and result.method == "prox-newton"
    assert np.max(np.abs(result.w - coef)) <= 1e-5
    assert abs(result.b - intercept) <= 1e-5
    assert composite(result.w, result.b, X, y, l1, l2) <= composite(coef, intercept, X, y, l1, l2) + 1e-12
    # the same zeros (saga's are exact zeros too: it soft-thresholds)
    assert np.array_equal(result.w == 0, coef == 0)


def test_fista_reaches_the_same_optimum(cancer):
    X, y = cancer
    l1, l2 = 5e-3, 1e-2
    newton = lrmath.fit(X, y, l1=l1, l2=l2, tol=1e-10)
    fista = lrmath.fit(X, y, l1=l1, l2=l2, method="fista", tol=1e-10)
    assert fista.converged and fista.method == "fista"
    assert np.max(np.abs(fista.w - newton.w)) <= 1e-6
    assert fista.n_iter > 10 * newton.n_iter  # why prox-newton is the default for small d


def test_large_l1_gives_exact_zeros_and_satisfies_kkt(cancer):
    X, y = cancer
    l1 = 0.05
    result = lrmath.fit(X, y, l1=l1, tol=1e-10)
    zero = result.w == 0
    assert 0 < zero.sum() < len(result.w) - 1, "expected a few non-zero weights and many exact zeros"
    _, grad_w, grad_b = lrmath.loss_and_grad(result.w, result.b, X, y)
    # KKT: |grad_j| <= l1 where w_j = 0; grad_j = -l1 sign(w_j) elsewhere; the bias is free
    assert np.all(np.abs(grad_w[zero]) <= l1 + 1e-10)
    assert np.max(np.abs(grad_w[~zero] + l1 * np.sign(result.w[~zero]))) <= 1e-9
    assert abs(grad_b) <= 1e-10
    assert optimality(result.w, result.b, X, y, l1=l1) == pytest.approx(result.grad_norm)


def test_l1_above_the_largest_gradient_gives_w_zero(cancer):
    """At w = 0, b = log-odds, w = 0 is optimal exactly when l1 >= max_j |grad_j|."""
    X, y = cancer
    b0 = np.log(y.mean() / (1 - y.mean()))
    _, grad_w, _ = lrmath.loss_and_grad(np.zeros(X.shape[1]), b0, X, y)
    l1_max = np.abs(grad_w).max()
    assert np.all(lrmath.fit(X, y, l1=l1_max * 1.001).w == 0)
    assert np.any(lrmath.fit(X, y, l1=l1_max * 0.95).w != 0)


def test_more_l1_never_gives_a_larger_penalty_term(cancer):
    X, y = cancer
    norms = [np.abs(lrmath.fit(X, y, l1=l1).w).sum() for l1 in (1e-3, 1e-2, 1e-1)]
    assert norms[0] > norms[1] > norms[2]


def test_warm_start_takes_fewer_iterations(cancer):
    X, y = cancer
    first = lrmath.fit(X, y, l1=1e-2)
    cold = lrmath.fit(X, y, l1=8e-3)
    warm = lrmath.fit(X, y, l1=8e-3, init=(first.w, first.b))
    assert warm.n_iter < cold.n_iter and np.max(np.abs(warm.w - cold.w)) <= 1e-6


def test_history_is_the_composite_objective_and_decreases(cancer):
    X, y = cancer
    for method in ("prox-newton", "fista"):
        result = lrmath.fit(X, y, l1=1e-2, l2=1e-3, method=method, tol=1e-8)
        assert len(result.history) == len(result.times) == result.n_iter + 1
        assert result.history[-1] == pytest.approx(composite(result.w, result.b, X, y, 1e-2, 1e-3), abs=1e-14)
    newton = lrmath.fit(X, y, l1=1e-2, l2=1e-3)
    assert np.all(np.diff(newton.history) <= 1e-15), "the line search never lets F increase"


def test_proximal_methods_without_l1_match_newton(cancer):
    X, y = cancer
    reference = lrmath.fit(X, y, l2=1e-3, tol=1e-10)
    for method in ("prox-newton", "fista"):
        result = lrmath.fit(X, y, l2=1e-3, method=method, tol=1e-9)
        assert result.converged and np.max(np.abs(result.w - reference.w)) <= 1e-6


def test_separable_data_l1_keeps_the_minimiser_finite():
    X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    y = np.array([0, 0, 1, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = lrmath.fit(X, y, l1=0.05)
    assert result.converged and 0 < result.w[0] < 100
    with pytest.warns(lrmath.SeparableDataWarning):
        lrmath.fit(X, y, method="prox-newton")


def test_non_convergence_warns(cancer):
    X, y = cancer
    with pytest.warns(lrmath.ConvergenceWarning, match="fista did not converge in 3 iterations: largest entry of the prox-gradient"):
        result = lrmath.fit(X, y, l1=1e-2, method="fista", max_iter=3)
    assert not result.converged and result.n_iter == 3


def test_the_solvers_directly_return_the_fit_tuple(cancer):
    X, y = cancer
    problem = _Problem(X, y, 0.0)
    theta = np.zeros(X.shape[1] + 1)
    for solver in (_proximal_newton, _fista):
        out = solver(problem, theta.copy(), 1e-6, 50_000, l1=2e-2)
        assert len(out) == 6 and out[2] and out[5] <= 1e-6


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"l1": -0.1}, ValueError, "l1 must be a finite number >= 0, got -0.1"),
        ({"l1": float("nan")}, ValueError, "l1 must be a finite number >= 0"),
        ({"l1": "big"}, TypeError, "l1 must be a real number"),
        ({"l1": 0.1, "method": "newton"}, ValueError, "method='newton' needs the gradient"),
        ({"l1": 0.1, "method": "lbfgs"}, ValueError, "with l1 > 0 use method='auto', 'prox-newton' or 'fista'"),
        ({"l1": 0.1, "method": "gd"}, ValueError, "method='gd' needs the gradient"),
        ({"l1": 0.1, "method": "fista", "lr": -1.0}, ValueError, "lr must be positive"),
    ],
)
def test_bad_options(kwargs, error, words):
    with pytest.raises(error) as info:
        lrmath.fit(np.eye(2), [0, 1], **kwargs)
    assert words in str(info.value)


def test_soft_threshold_cases_and_errors():
    v = np.array([-3.0, -1.0, -0.25, 0.0, 0.5, 1.0, 4.0])
    out = soft_threshold(v, 1.0)
    # above the threshold: v - t; below minus it: v + t; in between: exactly 0
    expected = np.where(v > 1.0, v - 1.0, np.where(v < -1.0, v + 1.0, 0.0))
    assert np.array_equal(out, expected)
    # it is the minimiser of (u - v)^2/2 + t|u|: no point of a fine grid does better
    grid = np.linspace(-5, 5, 20001)
    for value in v:
        objective = lambda u: 0.5 * (u - value) ** 2 + np.abs(u)  # noqa: E731
        assert objective(soft_threshold(value, 1.0)) <= objective(grid).min() + 1e-12
    with pytest.raises(ValueError, match="threshold must be a finite number >= 0"):
        soft_threshold(v, -1.0)
    with pytest.raises(ValueError, match="v contains NaN"):
        soft_threshold([1.0, np.nan], 1.0)
    with pytest.raises(TypeError, match="v must be numeric"):
        soft_threshold("abc", 1.0)


def test_optimality_checks_its_input(cancer):
    X, y = cancer
    with pytest.raises(ValueError, match=r"w must have shape \(30,\)"):
        optimality(np.zeros(3), 0.0, X, y, l1=0.1)
    with pytest.raises(ValueError, match="l1 must be a finite number >= 0"):
        optimality(np.zeros(30), 0.0, X, y, l1=-1)
    # with l1 = 0 it is the largest gradient entry
    w = np.linspace(-0.1, 0.1, 30)
    _, gw, gb = lrmath.loss_and_grad(w, 0.3, X, y, 0.01)
    assert optimality(w, 0.3, X, y, l2=0.01) == pytest.approx(max(np.abs(gw).max(), abs(gb)))


def test_prox_newton_stays_fast_with_a_weak_penalty(cancer):
    """Ill-conditioned (nearly separable) case: the exact solve on the sign pattern keeps it quadratic."""
    X, y = cancer
    result = lrmath.fit(X, y, l1=1e-4, tol=1e-10)
    assert result.converged and result.n_iter <= 25
    assert optimality(result.w, result.b, X, y, l1=1e-4) <= 1e-10
