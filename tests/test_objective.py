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


BAD_LABELS = [np.nan, np.inf, -np.inf, 0.5, -1.0, 2.0, 1e-20, -1e-300, 5e-324, -5e-324,
              1.0 - 2.0**-53, 1.0 + 2.0**-52, 2.0**-53, 1e300]


@pytest.mark.parametrize("bad", BAD_LABELS)
def test_the_short_path_refuses_every_label_other_than_0_and_1(bad):
    # 1e-20 made 1 - 2y round to 1 (an earlier label test took it for label 0); tiny and
    # subnormal labels, the neighbours of 1, NaN and inf must all go the long way, which names them.
    from lrmath.objective import _small_loss_and_grad

    X, y = np.array([[1.0, 2.0], [3.0, 4.0], [0.5, -1.0]]), np.array([0.0, 1.0, 0.0])
    y[1] = bad
    assert _small_loss_and_grad(np.ones(2), 0.0, X, y, 0.0) is None
    with pytest.raises(ValueError, match=r"y must hold labels 0 and 1 only|y contains (NaN|inf) \(first at index 1\)"):
        lrmath.loss_and_grad(np.ones(2), 0.0, X, y)


@pytest.mark.parametrize("y", [[-0.2, 0.4], [0.0, -0.2, 1.0, 0.4], [2.0] + [0.5] * 8, [-1.0] + [0.5] * 8])
def test_the_label_test_is_not_fooled_by_terms_that_cancel(y):
    # sum of y(y - 1) is 0 for each of these (and sum of y^2 = sum of y): a test through a sum would pass them
    from lrmath.objective import _small_loss_and_grad

    y = np.array(y)
    assert np.sum(y * (y - 1)) == 0
    X = np.arange(2.0 * len(y)).reshape(len(y), 2)
    assert _small_loss_and_grad(np.ones(2), 0.0, X, y, 0.0) is None
    with pytest.raises(ValueError, match="y must hold labels 0 and 1 only"):
        lrmath.loss_and_grad(np.ones(2), 0.0, X, y)


@pytest.mark.parametrize("bad, kind", [(np.inf, "inf"), (-np.inf, "inf"), (np.nan, "NaN")])
@pytest.mark.parametrize("row", [0, 1])
@pytest.mark.parametrize("column", [0, 1])
def test_the_short_path_finds_a_non_finite_entry_where_weight_and_residual_are_zero(bad, kind, row, column):
    # Scores of +-100 make every residual exactly 0 (tanh rounds to +-1) and column 1's weight
    # is 0: a NaN or inf meets a zero factor in both products, X w and X^T r, and must still show.
    X = np.array([[100.0, 1.0], [-100.0, 2.0]])
    y = np.array([1.0, 0.0])
    X[row, column] = bad
    with pytest.raises(ValueError, match=rf"X contains {kind} \(first at index \({row}, {column}\)\)"):
        lrmath.loss_and_grad(np.array([1.0, 0.0]), 0.0, X, y)


@pytest.mark.parametrize("bad, kind", [(np.inf, "inf"), (-np.inf, "inf"), (np.nan, "NaN")])
@pytest.mark.parametrize("l2", [0.0, 0.5])
def test_the_short_path_finds_a_non_finite_weight_even_when_every_loss_is_zero(bad, kind, l2):
    # w = (inf, 0) classifies both examples right with infinite margin: every loss and residual
    # is 0, so only the check through the weights themselves can see it (an earlier version did not).
    X, y = np.array([[1.0, 0.0], [-1.0, 0.0]]), np.array([1.0, 0.0])
    w = np.array([bad, 0.0])
    with pytest.raises(ValueError, match=rf"w contains {kind}"):
        lrmath.loss_and_grad(w, 0.0, X, y, l2)
    w = np.array([1.0, bad])
    with pytest.raises(ValueError, match=rf"w contains {kind}"):
        lrmath.loss_and_grad(w, 0.0, X, y, l2)


def test_the_short_path_warns_about_nothing_for_bad_input():
    # its check is on the results, so NaN and inf pass through its arithmetic: no RuntimeWarning
    # may escape (with warnings as errors it would replace the clear ValueError)
    import warnings

    X = np.array([[1.0, np.inf], [3.0, 4.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="X contains inf"):
            lrmath.loss_and_grad(np.array([1.0, 0.0]), 0.0, X, np.array([0.0, 1.0]))
        X[0, 1] = 1e300  # finite, but the scores overflow: the short path gives up, silently
        lrmath.loss_and_grad(np.array([1.0, 1e300]), 0.0, X, np.array([0.0, 1.0]))


@pytest.mark.parametrize("l2", [0.0, 0.3, 2])
@pytest.mark.parametrize("scale", [1e-3, 1.0, 40.0, 1e4])
def test_the_short_path_agrees_with_the_long_path_at_every_scale_of_scores(data, l2, scale):
    # tiny and huge scores: the loss to full relative precision (a sum of non-negative terms,
    # no cancellation, even when the loss is 1e-300), the residuals to about 1e-16 absolute
    from lrmath.objective import _small_loss_and_grad

    X, y = data
    w, b = scale * np.array([1.0, -0.5, 0.25, 2.0]), 0.1
    short = _small_loss_and_grad(w, b, X, y, l2)
    assert short is not None
    long = lrmath.loss_and_grad(list(w), b, X.tolist(), y.astype(int), l2)
    assert short[0] == pytest.approx(long[0], rel=1e-14, abs=0)
    np.testing.assert_allclose(short[1], long[1], rtol=1e-13, atol=3e-16 * np.abs(X).max() + 1e-300)
    assert short[2] == pytest.approx(long[2], rel=1e-13, abs=3e-16)


def test_the_short_path_keeps_the_precision_of_a_tiny_loss():
    # every example right with margin ~ 700: each loss is about e^-700 ~ 1e-304, and the sum
    # must keep all its digits (sum(log1p(e^z)) - y.z would give 0 or noise)
    from lrmath.objective import _small_loss_and_grad

    X, y = np.array([[700.0], [-701.0], [702.0]]), np.array([1.0, 0.0, 1.0])
    loss, grad_w, grad_b = _small_loss_and_grad(np.ones(1), 0.0, X, y, 0.0)
    expected = (np.exp(-700.0) + np.exp(-701.0) + np.exp(-702.0)) / 3
    assert loss == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("w, X, y, words", [
    (np.ones(2), np.ones((3, 2)), np.ones((3, 1)), "y must be 1-D"),
    (np.ones((2, 1)), np.ones((3, 2)), np.ones(3), "w must have shape"),
    (np.ones(2), np.ones((3, 2)), np.ones(4), "y has 4 labels but X has 3 rows"),
    (np.ones(3), np.ones((3, 2)), np.ones(3), "w must have shape"),
    (np.ones(2), np.ones(3), np.ones(3), "X must be 2-D"),
    (np.ones(2), np.ones((3, 2, 1)), np.ones(3), "X must be 2-D"),
    (np.ones(0), np.ones((3, 0)), np.ones(3), "X has no columns"),
    (np.ones(2), np.ones((0, 2)), np.ones(0), "X has no rows"),
])
def test_the_short_path_leaves_every_wrong_shape_to_the_long_one(w, X, y, words):
    from lrmath.objective import _small_loss_and_grad

    assert _small_loss_and_grad(w, 0.0, X, y, 0.0) is None
    with pytest.raises(ValueError, match=words):
        lrmath.loss_and_grad(w, 0.0, X, y)


def test_the_short_path_takes_a_numpy_bias_and_returns_python_floats(data):
    # a bias read from an array (theta[-1]) is a np.float64: it takes the short path too
    from lrmath.objective import _small_loss_and_grad

    X, y = data
    theta = np.array([0.5, -1.0, 0.25, 2.0, 0.3])
    short = _small_loss_and_grad(theta[:-1], theta[-1], X, y, 0.1)
    assert short is not None and type(short[0]) is float and type(short[2]) is float
    assert short[0] == lrmath.loss_and_grad(theta[:-1], 0.3, X, y, 0.1)[0]


def test_a_forked_process_can_still_evaluate_after_its_parent_used_the_pool():
    # The pass keeps a pool of threads; a child made by fork has none of them. Without care,
    # the child's first pass would wait forever for threads that do not exist.
    import multiprocessing

    import threadpoolctl

    from lrmath import objective

    if "fork" not in multiprocessing.get_all_start_methods() or (os.cpu_count() or 1) < 2:
        pytest.skip("needs fork and two CPUs (the pool is only used with several threads)")
    rng = np.random.default_rng(5)
    X = rng.standard_normal((40_000, 100))  # 2 chunks: the pool runs at two BLAS threads
    y = (rng.random(40_000) < 0.5).astype(float)
    w = rng.standard_normal(100) * 0.1
    with threadpoolctl.threadpool_limits(2, user_api="blas"):
        expected = lrmath.loss_and_grad(w, 0.2, X, y)[0]
        assert objective._pools  # the parent made its pool
        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        child = context.Process(target=lambda: queue.put(lrmath.loss_and_grad(w, 0.2, X, y)[0]))
        child.start()
        child.join(timeout=120)  # a hang, not a speed: the child needs well under a second
        if child.is_alive():
            child.kill()
            pytest.fail("the forked child's pass hung")
    assert child.exitcode == 0 and queue.get(timeout=10) == expected
