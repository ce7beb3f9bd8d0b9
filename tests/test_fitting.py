"""Fitting: every method reaches scikit-learn's optimum; warnings for what iterating cannot fix."""

import re
import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

import lrmath
from lrmath import ConvergenceWarning, SeparableDataWarning


@pytest.fixture(scope="module")
def cancer():
    X, y, _ = lrmath.load_breast_cancer()
    return (X - X.mean(axis=0)) / X.std(axis=0), y


@pytest.fixture(scope="module")
def reference(cancer):
    """scikit-learn's optimum for mean BCE + (l2/2)|w|^2, i.e. C = 1/(n l2), tightly converged."""
    X, y = cancer
    l2 = 1e-3
    model = LogisticRegression(C=1 / (len(y) * l2), solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(X, y)
    return l2, model.coef_[0], model.intercept_[0]


@pytest.mark.parametrize("method", ["newton", "lbfgs", "auto"])
def test_newton_and_lbfgs_reach_sklearns_optimum(cancer, reference, method):
    X, y = cancer
    l2, coef, intercept = reference
    result = lrmath.fit(X, y, l2=l2, method=method, tol=1e-10)
    assert result.converged
    assert np.max(np.abs(result.w - coef)) <= 1e-6
    assert abs(result.b - intercept) <= 1e-6
    ours = lrmath.loss_and_grad(result.w, result.b, X, y, l2)[0]
    theirs = lrmath.loss_and_grad(coef, intercept, X, y, l2)[0]
    assert ours <= theirs + 1e-12


def test_gradient_descent_gets_there_given_enough_iterations(cancer, reference):
    X, y = cancer
    l2, coef, intercept = reference
    result = lrmath.fit(X, y, l2=l2, method="gd", tol=1e-7, max_iter=200_000)
    assert result.converged
    assert np.max(np.abs(result.w - coef)) <= 1e-4
    assert np.all(np.diff(result.history) <= 1e-15), "a 1/L step must never increase J"


def test_history_and_times_are_recorded(cancer):
    X, y = cancer
    result = lrmath.fit(X, y, l2=1e-2, method="lbfgs")
    assert len(result.history) == len(result.times) == result.n_iter + 1
    assert result.history[-1] < result.history[0] and np.all(np.diff(result.times) >= 0)


def test_separable_data_without_penalty_warns_and_stops():
    X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    y = np.array([0, 0, 1, 1])
    for method in ("gd", "newton", "lbfgs"):
        with pytest.warns(SeparableDataWarning, match="no finite minimiser"):
            result = lrmath.fit(X, y, method=method)
        assert not result.converged and np.all(np.isfinite(result.w)) and result.n_iter < 1000
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert lrmath.fit(X, y, l2=0.1).converged  # a penalty gives a finite optimum


def test_non_convergence_warns_and_says_so(cancer):
    X, y = cancer
    with pytest.warns(ConvergenceWarning, match="did not converge in 5 iterations"):
        result = lrmath.fit(X, y, l2=1e-3, method="gd", max_iter=5)
    assert not result.converged and result.n_iter == 5


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"method": "sgd"}, ValueError, "method must be one of auto, gd, newton, lbfgs, prox-newton, fista; got 'sgd'"),
        ({"l2": -0.1}, ValueError, "l2 must be a finite number >= 0"),
        ({"l2": "big"}, TypeError, "l2 must be a real number"),
        ({"tol": 0}, ValueError, "tol must be a positive number"),
        ({"max_iter": 0}, ValueError, "max_iter must be a positive integer"),
    ],
)
def test_bad_options(kwargs, error, words):
    with pytest.raises(error) as info:
        lrmath.fit(np.eye(2), [0, 1], **kwargs)
    assert words in str(info.value)


def test_bad_data_is_named():
    with pytest.raises(ValueError, match=r"y must hold labels 0 and 1 only; found -1, 1"):
        lrmath.fit(np.eye(2), [-1, 1])
    with pytest.raises(ValueError, match=r"X must be 2-D"):
        lrmath.fit(np.ones(3), [0, 1, 1])


@pytest.mark.parametrize("method", ["auto", "gd", "newton", "lbfgs", "fista", "prox-newton"])
@pytest.mark.parametrize("bad, kind", [(np.nan, "NaN"), (-np.inf, "inf")])
def test_non_finite_x_is_named_by_every_method_in_any_block(method, bad, kind):
    # fit does not read X for this before its first pass: the first pass (or whatever reads X
    # first: the Lipschitz bound of gd and fista) must find it, far down in a late block too.
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((40_000, 8)), rng.integers(0, 2, 40_000)
    X[39_001, 5] = bad
    with pytest.raises(ValueError, match=rf"X contains {kind} \(first at index \(39001, 5\)\)"):
        lrmath.fit(X, y, method=method, l1=0.01 if method in ("fista", "prox-newton") else 0.0, max_iter=3)


def test_gradient_descent_on_separable_data_is_told_apart_from_slow_convergence(cancer):
    """gd rarely reaches a separating iterate on its own; fit must still say 'separable'."""
    X, y = cancer
    with pytest.warns(SeparableDataWarning):
        result = lrmath.fit(X, y, method="gd", max_iter=2000)
    assert not result.converged


def test_numpy_scalars_are_accepted_for_options(cancer):
    X, y = cancer
    result = lrmath.fit(X, y, l2=np.float32(1e-2), tol=np.float32(1e-6), max_iter=np.int64(50))
    assert result.converged


def test_l1_is_validated_and_dispatched(cancer):
    X, y = cancer
    with pytest.raises(ValueError, match="l1 must be a finite number >= 0, got -1.0"):
        lrmath.fit(X, y, l1=-1)
    with pytest.raises(ValueError, match="method='newton' needs the gradient"):
        lrmath.fit(X, y, l1=1e-2, method="newton")
    assert lrmath.fit(X, y, l1=1e-2).method == "prox-newton"
    assert lrmath.fit(X, y, l1=0.0, l2=1e-2).method == "newton"  # l1=0 is the smooth problem
    wide = np.hstack([X] * 4)  # d = 120 > 100: the first-order method
    assert lrmath.fit(wide, y, l1=5e-2, tol=1e-6).method == "fista"


def _large(d=20, n=4_000, seed=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    y = (rng.random(n) < lrmath.sigmoid(X @ rng.standard_normal(d) * 2 / np.sqrt(d) + 0.5)).astype(float)
    return X, y


def test_auto_keeps_lbfgs_on_well_scaled_data_and_hands_over_to_newton_on_badly_scaled_data():
    X, y = _large()  # 80 000 entries: above the size where auto is Newton outright
    well = lrmath.fit(X, y, l2=1e-4, tol=1e-10)
    lbfgs = lrmath.fit(X, y, l2=1e-4, tol=1e-10, method="lbfgs")
    assert well.method == "lbfgs+newton" and well.converged
    assert well.passes == lbfgs.passes  # L-BFGS finished before Newton looked cheaper
    scaled = X * np.logspace(-2, 2, X.shape[1])  # feature scales spanning four decades
    badly = lrmath.fit(scaled, y, l2=1e-4, tol=1e-10)
    with pytest.warns(lrmath.ConvergenceWarning):
        slow = lrmath.fit(scaled, y, l2=1e-4, tol=1e-10, method="lbfgs", max_iter=5 * badly.passes)
    assert badly.converged and not slow.converged  # L-BFGS alone needs far more passes
    assert badly.passes <= 10 + 6 * (2 + lrmath.fitting.hessian_cost_in_passes(X.shape[1]))


def test_passes_are_counted():
    X, y = _large()
    newton = lrmath.fit(X, y, l2=1e-4, tol=1e-10, method="newton")
    assert newton.passes >= 2 * newton.n_iter + 1  # a Hessian and at least one evaluation per iteration
    lbfgs = lrmath.fit(X, y, l2=1e-4, tol=1e-10, method="lbfgs")
    assert lbfgs.passes >= lbfgs.n_iter + 1


def _wide_enough():
    """42 000 x 100 floats (33.6 MB): just above the size where L-BFGS starts on a float32 copy."""
    rng = np.random.default_rng(11)
    X = rng.standard_normal((42_000, 100))
    y = (rng.random(42_000) < lrmath.sigmoid(X @ (rng.standard_normal(100) * 0.2) + 0.3)).astype(float)
    return X, y


def _spy_on_passes(monkeypatch):
    """Record the dtype of the matrix each pass of fit reads."""
    read = []
    original = lrmath.fitting._loss_and_grad_sums

    def spy(X, *args, **kwargs):
        read.append(X.dtype)
        return original(X, *args, **kwargs)

    monkeypatch.setattr(lrmath.fitting, "_loss_and_grad_sums", spy)
    return read


def test_lbfgs_starts_on_a_float32_copy_and_ends_as_accurate_as_newton(monkeypatch):
    X, y = _wide_enough()
    assert X.nbytes >= lrmath.fitting.SINGLE_MIN_BYTES and X.shape[1] >= lrmath.fitting.SINGLE_MIN_COLUMNS
    newton = lrmath.fit(X, y, l2=1e-4, tol=1e-12, method="newton")
    read = _spy_on_passes(monkeypatch)
    result = lrmath.fit(X, y, l2=1e-4, tol=1e-10, method="lbfgs")
    order = "".join("s" if dtype == np.float32 else "d" for dtype in read)
    assert result.converged and len(read) == result.passes
    assert re.fullmatch(r"ds{3,}d+", order), order  # X (making the copy), the copy, then X to the end
    _, grad_w, grad_b = lrmath.loss_and_grad(result.w, result.b, X, y, l2=1e-4)  # at full precision
    assert max(np.abs(grad_w).max(), abs(grad_b)) <= 1e-10
    assert np.abs(result.w - newton.w).max() < 1e-8 and abs(result.b - newton.b) < 1e-8


def test_lbfgs_leaves_the_float32_copy_when_its_rounding_stalls_progress(monkeypatch):
    # Asked to stay on the copy until |grad J| is 0 (never), the iterations stall at the copy's
    # rounding (about 1e-9): after SINGLE_STALL of them without halving |grad J| they go on reading X.
    X, y = _wide_enough()
    newton = lrmath.fit(X, y, l2=1e-4, tol=1e-12, method="newton")
    monkeypatch.setattr(lrmath.fitting, "SINGLE_UNTIL", 0.0)
    read = _spy_on_passes(monkeypatch)
    result = lrmath.fit(X, y, l2=1e-4, tol=1e-10, method="lbfgs", max_iter=300)
    order = "".join("s" if dtype == np.float32 else "d" for dtype in read)
    assert result.converged and re.fullmatch(r"ds{3,}d+", order), order
    assert order.count("s") < 150  # left well before max_iter
    assert np.abs(result.w - newton.w).max() < 1e-8 and abs(result.b - newton.b) < 1e-8


def test_a_warm_start_reads_x_itself(monkeypatch):
    # From a previous fit, the gradient starts near the copy's rounding: no copy is made.
    X, y = _wide_enough()
    first = lrmath.fit(X, y, l2=1e-4, tol=1e-10, method="lbfgs")
    read = _spy_on_passes(monkeypatch)
    warm = lrmath.fit(X, y, l2=2e-4, tol=1e-10, method="lbfgs", init=(first.w, first.b))
    assert warm.converged and read and all(dtype == np.float64 for dtype in read)
    read.clear()
    cold = lrmath.fit(X, y, l2=2e-4, tol=1e-10, method="lbfgs")
    assert np.float32 in read  # the same problem from the default start does use the copy
    assert np.abs(warm.w - cold.w).max() < 1e-8 and abs(warm.b - cold.b) < 1e-8


def test_the_float32_copy_is_only_made_where_it_pays(monkeypatch):
    X, y = _wide_enough()
    assert lrmath.fitting._Problem(X, y, 0.0).use_single()
    few_columns = np.zeros((60_000, 99))  # 47.5 MB, but per-example work, not the read, is most of a pass
    assert not lrmath.fitting._Problem(few_columns, np.zeros(60_000), 0.0).use_single()
    assert not lrmath.fitting._Problem(X[:20_000], y[:20_000], 0.0).use_single()  # in cache
    monkeypatch.setattr(lrmath.fitting, "_memory", lambda: 8 * X.nbytes // 2 - 1)  # the copy over 1/8 of memory
    assert not lrmath.fitting._Problem(X, y, 0.0).use_single()
    read = _spy_on_passes(monkeypatch)
    lrmath.fit(X, y, l2=1e-4, tol=1e-6, method="lbfgs")
    assert read and all(dtype == np.float64 for dtype in read)


def test_a_failing_pass_on_the_float32_copy_hands_over_to_x_itself(monkeypatch):
    # If the copy's numbers cannot be trusted (not finite: an entry beyond float32's range), the
    # line search on it fails, and the iterations go on from the same point reading X.
    X, y = _wide_enough()
    plain = lrmath.fit(X, y, l2=1e-4, tol=1e-10, method="lbfgs")
    read = _spy_on_passes(monkeypatch)
    spied = lrmath.fitting._loss_and_grad_sums

    def broken_copy(X, c, w, b, **kwargs):
        loss, grad_w, grad_b = spied(X, c, w, b, **kwargs)
        return (np.inf if X.dtype == np.float32 and read.count(np.float32) >= 4 else loss), grad_w, grad_b

    monkeypatch.setattr(lrmath.fitting, "_loss_and_grad_sums", broken_copy)
    result = lrmath.fit(X, y, l2=1e-4, tol=1e-10, method="lbfgs")
    assert result.converged and np.all(np.isfinite(result.history))
    first_double_after_copy = read.index(np.float32) + read[read.index(np.float32):].index(np.float64)
    assert all(dtype == np.float64 for dtype in read[first_double_after_copy:])
    assert np.abs(result.w - plain.w).max() < 1e-8 and abs(result.b - plain.b) < 1e-8


def test_an_entry_beyond_float32s_range_makes_the_copys_pass_infinite_without_a_warning():
    X = np.array([[1.0, 2.0], [1e39, -1.0], [0.5, 0.0]])  # 1e39 > float32's largest, 3.4e38
    c, w = 0.5 - np.array([1.0, 0.0, 1.0]), np.array([0.25, -0.5])
    copy = np.empty(X.shape, np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="ignore", invalid="ignore"):  # as _Problem.value_grad calls it
            lrmath.objective._loss_and_grad_sums(X, c, w, 0.0, copy_to=copy)
            loss, grad_w, _ = lrmath.objective._loss_and_grad_sums(copy, c, w, 0.0)
    assert not np.isfinite(loss + grad_w.sum())


def test_a_copy_that_overflows_float32_is_dropped_and_the_pass_done_on_x():
    rng = np.random.default_rng(12)
    X, y = rng.standard_normal((200, 3)), rng.integers(0, 2, 200).astype(float)
    X[7, 1] = 1e39  # beyond float32's largest, 3.4e38
    theta = np.array([0.1, -0.2, 0.3, 0.05])
    plain = lrmath.fitting._Problem(X, y, 0.1)
    expected = plain.value_grad(theta)
    problem = lrmath.fitting._Problem(X, y, 0.1)
    problem.make_single = True  # as use_single() would ask on large data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, g, z = problem.value_grad(theta)
    assert problem.single is None and problem.passes == 2  # the pass on the copy, then on X
    assert loss == expected[0] and np.array_equal(g, expected[1]) and np.array_equal(z, expected[2])
    assert np.isfinite(loss) and np.all(np.isfinite(g))


def test_nan_in_x_is_named_when_the_first_pass_writes_the_float32_copy():
    X, y = _wide_enough()
    X = X.copy()
    X[41_999, 99] = np.nan
    with pytest.raises(ValueError, match=r"X contains NaN \(first at index \(41999, 99\)\)"):
        lrmath.fit(X, y, l2=1e-4, method="lbfgs")
