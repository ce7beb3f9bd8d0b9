"""Loss, gradient, Hessian and predictions, against finite differences and the definitions."""

import os

import numpy as np
import pytest

import lrmath


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4))
    y = (rng.random(60) < 0.4).astype(float)
    return X, y


def objective(theta, X, y, l2):
    return lrmath.loss_and_grad(theta[:-1], theta[-1], X, y, l2)[0]


@pytest.mark.parametrize("l2", [0.0, 0.3])
@pytest.mark.parametrize("scale", [0.1, 1.0, 30.0])
def test_gradient_equals_central_finite_differences(data, l2, scale):
    X, y = data
    rng = np.random.default_rng(int(scale * 10))
    for _ in range(5):
        theta = scale * rng.normal(size=X.shape[1] + 1)
        _, gw, gb = lrmath.loss_and_grad(theta[:-1], theta[-1], X, y, l2)
        h = 1e-6 * max(1.0, scale)
        numeric = np.array([(objective(theta + h * e, X, y, l2) - objective(theta - h * e, X, y, l2)) / (2 * h) for e in np.eye(len(theta))])
        assert np.allclose(np.append(gw, gb), numeric, rtol=1e-6, atol=1e-7)


def test_loss_is_the_textbook_cross_entropy_plus_the_penalty(data):
    X, y = data
    w, b, l2 = np.array([0.5, -1.0, 0.25, 2.0]), 0.3, 0.7
    p = 1 / (1 + np.exp(-(X @ w + b)))
    textbook = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)) + l2 / 2 * w @ w
    assert lrmath.loss_and_grad(w, b, X, y, l2)[0] == pytest.approx(textbook, rel=1e-13)


def test_loss_is_finite_for_huge_weights(data):
    X, y = data
    loss, gw, gb = lrmath.loss_and_grad(np.full(4, 1e6), -1e6, X, y)
    assert np.isfinite(loss) and loss > 0 and np.all(np.isfinite(gw)) and np.isfinite(gb)


@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_hessian_equals_finite_differences_of_the_gradient_and_is_psd(data, l2):
    X, y = data
    theta = np.random.default_rng(3).normal(size=5)
    H = lrmath.hessian(theta[:-1], theta[-1], X, y, l2)

    def grad(t):
        _, gw, gb = lrmath.loss_and_grad(t[:-1], t[-1], X, y, l2)
        return np.append(gw, gb)

    h = 1e-6
    numeric = np.array([(grad(theta + h * e) - grad(theta - h * e)) / (2 * h) for e in np.eye(5)])
    assert np.allclose(H, numeric, atol=1e-7)
    assert np.allclose(H, H.T)
    assert np.linalg.eigvalsh(H).min() > -1e-12


def test_predictions(data):
    X, _ = data
    w, b = np.array([1.0, 0.0, -1.0, 0.5]), 0.1
    z = X @ w + b
    assert np.allclose(lrmath.predict_proba(X, w, b), lrmath.sigmoid(z))
    assert np.array_equal(lrmath.predict(X, w, b), (z >= 0).astype(int))
    assert np.array_equal(lrmath.predict(X, w, b, threshold=0.8), (lrmath.sigmoid(z) >= 0.8).astype(int))


W, B = np.zeros(2), 0.0
GOOD_X, GOOD_Y = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0, 1])


@pytest.mark.parametrize(
    "args, kwargs, words",
    [
        ((W, B, np.ones(2), GOOD_Y), {}, "X must be 2-D of shape (n_samples, n_features), got shape (2,)"),
        ((W, B, np.ones((0, 2)), []), {}, "X has no rows"),
        ((W, B, GOOD_X, [0, 1, 1]), {}, "y has 3 labels but X has 2 rows"),
        ((W, B, GOOD_X, [0, 3]), {}, "y must hold labels 0 and 1 only; found 0, 3"),
        ((W, B, GOOD_X, [0, np.nan]), {}, "y contains NaN"),
        ((W, B, np.array([[1.0, np.inf], [0, 0]]), GOOD_Y), {}, "X contains inf (first at index (0, 1))"),
        ((np.zeros(3), B, GOOD_X, GOOD_Y), {}, "w must have shape (2,) to match X's 2 columns, got shape (3,)"),
        ((W, "b", GOOD_X, GOOD_Y), {}, "b must be a real number"),
        ((W, B, GOOD_X, GOOD_Y), {"l2": -1.0}, "l2 must be a finite number >= 0"),
    ],
)
def test_bad_input_names_the_argument(args, kwargs, words):
    with pytest.raises((ValueError, TypeError)) as info:
        lrmath.loss_and_grad(*args, **kwargs)
    assert words in str(info.value)


def test_non_finite_entries_are_found_in_any_block_and_huge_finite_ones_pass():
    # X is checked block by block during the pass; a NaN far down must still be named,
    # and entries whose sum overflows are not mistaken for inf.
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((50_000, 3)), rng.integers(0, 2, 50_000)
    X[41_234, 2] = np.nan
    with pytest.raises(ValueError, match=r"X contains NaN \(first at index \(41234, 2\)\)"):
        lrmath.loss_and_grad(np.zeros(3), 0.0, X, y)
    X[41_234, 2] = 0.0
    X[:2, 0] = 1e308  # finite, but their sum is inf
    loss, grad_w, _ = lrmath.loss_and_grad(np.zeros(3), 0.0, X, y)
    assert np.isfinite(loss) and np.isfinite(grad_w).all()


@pytest.mark.parametrize("w", [np.zeros(2), np.array([1.0, 1.0]), np.array([0.0, -1.0])])
@pytest.mark.parametrize("bad, kind", [(np.inf, "inf"), (-np.inf, "inf"), (np.nan, "NaN")])
def test_the_short_path_for_small_data_still_finds_every_non_finite_entry(w, bad, kind):
    # float64 arrays of the right shapes take the short path, which checks the results for
    # finiteness instead of X: every inf or NaN in X, whatever the weights, must still be named.
    X = np.array([[1.0, 2.0], [3.0, 4.0], [0.5, -1.0]])
    X[1, 1] = bad
    with pytest.raises(ValueError, match=rf"X contains {kind} \(first at index \(1, 1\)\)"):
        lrmath.loss_and_grad(w, 0.0, X, np.array([0.0, 1.0, 0.0]))
    with pytest.raises(ValueError, match="y must hold labels 0 and 1 only"):
        lrmath.loss_and_grad(w, 0.0, np.ones((3, 2)), np.array([0.0, 1.0, 0.5]))


def test_the_short_path_gives_the_long_paths_numbers(data):
    X, y = data  # small: the short path
    w, b = np.linspace(-1, 1, 4), 0.2
    short = lrmath.loss_and_grad(w, b, X, y, 0.3)
    long = lrmath.loss_and_grad(list(w), b, X.tolist(), y.astype(int), 0.3)  # not float64 arrays: the long path
    assert short[0] == pytest.approx(long[0], rel=1e-15)
    np.testing.assert_allclose(short[1], long[1], rtol=1e-14)
    assert short[2] == pytest.approx(long[2], rel=1e-14)


@pytest.mark.parametrize("w", [np.zeros(3), np.array([0.0, 0.0, 1.0]), np.array([0.0, 0.0, -1.0])])
@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
@pytest.mark.parametrize("label", [0, 1])
def test_large_data_non_finite_entries_show_in_the_results_and_are_named(w, bad, label):
    # No pass of its own checks a large X: a NaN or inf must make the results non-finite,
    # whatever the weight it meets and whatever the label of its row.
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((50_000, 3)), rng.integers(0, 2, 50_000).astype(float)
    X[41_234, 2], y[41_234] = bad, label
    kind = "NaN" if np.isnan(bad) else "inf"
    with pytest.raises(ValueError, match=rf"X contains {kind} \(first at index \(41234, 2\)\)"):
        lrmath.loss_and_grad(w, 0.0, X, y)


def test_the_pass_gives_the_same_numbers_at_any_thread_count(monkeypatch):
    """Blocks of about 2 MiB whatever the threads; with several, chunks of blocks go to a pool
    of threads, and the sums come out bit for bit the same. The Hessian's blocks grow to about
    32 MiB with several BLAS threads (BLAS splits each product): the same numbers to rounding."""
    import threadpoolctl

    from lrmath import objective

    rng = np.random.default_rng(3)
    X = rng.standard_normal((40_000, 100))  # 32 MB: 16 blocks of 2 MiB, 2 chunks
    y = (rng.random(40_000) < 0.4).astype(float)
    w, b = rng.standard_normal(100) * 0.1, 0.3
    blocks = objective._row_blocks(*X.shape, threaded=False)
    assert objective._BLOCK_BYTES / 2 < (blocks[0].stop - blocks[0].start) * 8 * X.shape[1] <= objective._BLOCK_BYTES
    assert len(objective._row_blocks(*X.shape, threaded=True)) == 1
    pools = []
    original_pool = objective._pool
    monkeypatch.setattr(objective, "_pool", lambda workers: pools.append(workers) or original_pool(workers))
    results = {}
    for count in (1, 2):
        with threadpoolctl.threadpool_limits(count, user_api="blas"):
            if objective.blas_threads() != count:
                pytest.fail(f"threadpoolctl could not set NumPy's BLAS to {count} threads")
            results[count] = (lrmath.loss_and_grad(w, b, X, y, l2=0.1), lrmath.hessian(w, b, X, y, l2=0.1))
    assert pools == ([2] if (os.cpu_count() or 1) >= 2 else [])  # the two chunks ran in a pool at 2 threads only
    (loss1, gw1, gb1), h1 = results[1]
    (loss2, gw2, gb2), h2 = results[2]
    assert loss1 == loss2 and gb1 == gb2 and np.array_equal(gw1, gw2)
    np.testing.assert_allclose(h1, h2, rtol=1e-10, atol=1e-14)


def test_the_blas_thread_count_follows_threadpool_limits():
    import threadpoolctl

    from lrmath._blas import threads

    with threadpoolctl.threadpool_limits(1):
        assert threads() == 1
    assert threads() >= 1
