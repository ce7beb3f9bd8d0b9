"""Dask arrays (lrmath.partitioned): the same numbers as in memory, one pass per evaluation.

Skipped only where Dask is not installed and CI is not set; under CI=true a missing Dask fails.
"""

import os
import subprocess
import sys

import numpy as np
import pytest

import lrmath
from lrmath.partitioned import add_sums, partition_sums

if os.environ.get("CI") == "true":
    import dask.array as da  # CI installs the dev extra, which includes Dask: no skipping there
else:
    da = pytest.importorskip("dask.array", reason="Dask is not installed: pip install -e '.[dev]'")


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(12)
    X = rng.normal(size=(3_000, 6)) * np.array([1.0, 10.0, 0.1, 1.0, 3.0, 1.0])
    y = (rng.random(3_000) < lrmath.sigmoid(X @ rng.normal(size=6) * 0.3 - 0.4)).astype(float)
    return X, y


def chunked(X, y, rows=(700, 1000, 500, 800)):
    """Uneven row partitions, and y cut differently from X, as a user's data may be."""
    return da.from_array(X, chunks=(rows, 3)), da.from_array(y, chunks=1_111)


def test_the_sums_of_partitions_are_the_sums_of_the_whole(data):
    X, y = data
    theta = np.linspace(-0.5, 0.5, 7)
    whole = partition_sums(X, y, theta, with_hessian=True)
    cuts = [0, 1, 17, 1_000, 3_000]
    parts = [partition_sums(X[a:b], y[a:b], theta, a, with_hessian=True) for a, b in zip(cuts, cuts[1:])]
    total = add_sums(*parts)
    assert total.n == 3_000
    assert total.loss == pytest.approx(whole.loss, rel=1e-13)
    np.testing.assert_allclose(total.grad, whole.grad, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(total.hessian, whole.hessian, rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("l2", [0.0, 0.01])
def test_loss_and_grad_and_hessian_on_dask_equal_numpy(data, l2):
    X, y = data
    Xd, yd = chunked(X, y)
    w, b = np.linspace(-0.2, 0.3, 6), 0.15
    loss, gw, gb = lrmath.loss_and_grad(w, b, X, y, l2)
    dloss, dgw, dgb = lrmath.loss_and_grad(w, b, Xd, yd, l2)
    assert dloss == pytest.approx(loss, rel=1e-13)
    np.testing.assert_allclose(dgw, gw, rtol=1e-11, atol=1e-14)
    assert dgb == pytest.approx(gb, rel=1e-11, abs=1e-15)
    np.testing.assert_allclose(lrmath.hessian(w, b, Xd, yd, l2), lrmath.hessian(w, b, X, y, l2), rtol=1e-11, atol=1e-14)


def test_numpy_labels_with_a_dask_X_are_accepted(data):
    X, y = data
    Xd, _ = chunked(X, y)
    w = np.full(6, 0.1)
    assert lrmath.loss_and_grad(w, 0.0, Xd, y)[0] == pytest.approx(lrmath.loss_and_grad(w, 0.0, X, y)[0], rel=1e-13)


@pytest.mark.parametrize("method", ["newton", "lbfgs", "auto"])
def test_fit_on_dask_agrees_with_the_in_memory_fit(data, method):
    X, y = data
    Xd, yd = chunked(X, y)
    memory = lrmath.fit(X, y, l2=1e-3, tol=1e-10, method=method if method != "auto" else "newton")
    dask_fit = lrmath.fit(Xd, yd, l2=1e-3, tol=1e-10, method=method)
    assert dask_fit.converged and dask_fit.grad_norm <= 1e-10
    np.testing.assert_allclose(dask_fit.w, memory.w, atol=1e-8)
    assert dask_fit.b == pytest.approx(memory.b, abs=1e-8)
    assert dask_fit.method == ("newton" if method == "auto" else method)


def test_newton_on_dask_takes_one_pass_per_evaluation(data):
    """The Hessian comes in the same pass as the gradient: passes = evaluations, not twice."""
    X, y = data
    Xd, yd = chunked(X, y)
    result = lrmath.fit(Xd, yd, l2=1e-3, tol=1e-10, method="newton")
    in_memory = lrmath.fit(X, y, l2=1e-3, tol=1e-10, method="newton")
    assert result.n_iter == in_memory.n_iter
    assert result.passes == in_memory.passes - in_memory.n_iter  # in memory each Hessian is a pass of its own


def test_each_evaluation_is_one_map_and_a_tree_reduce(data):
    import dask

    X, y = data
    Xd, yd = chunked(X, y, rows=(300,) * 10)
    from lrmath.partitioned import aligned, evaluate

    Xa, ya = aligned(Xd, yd)
    seen = []

    class Count(dask.callbacks.Callback):
        def _pretask(self, key, dsk, state):
            seen.append(key)

    with Count():
        evaluate(Xa, ya, np.zeros(7))
    names = [k[0] if isinstance(k, tuple) else k for k in seen]
    assert sum(n.startswith("partition_sums") for n in names) == 10
    assert sum(n.startswith("add_sums") for n in names) == 3  # 10 -> 2 (fan-in 8) -> 1


def test_bad_values_are_named_with_their_global_index(data):
    X, y = data
    X, y = X.copy(), y.copy()
    X[2_345, 4] = np.nan
    Xd, yd = chunked(X, y)
    with pytest.raises(ValueError, match=r"X contains NaN \(first at index \(2345, 4\)\)"):
        lrmath.loss_and_grad(np.zeros(6), 0.0, Xd, yd)
    y[1_999] = 3.0
    with pytest.raises(ValueError, match="y must hold labels 0 and 1 only; found 3 at index 1999"):
        lrmath.fit(da.from_array(data[0], chunks=500), da.from_array(y, chunks=500))


def test_shapes_and_methods_are_checked_before_any_pass(data):
    X, y = data
    Xd, yd = chunked(X, y)
    with pytest.raises(ValueError, match="y has 2999 labels but X has 3000 rows"):
        lrmath.loss_and_grad(np.zeros(6), 0.0, Xd, yd[:-1])
    with pytest.raises(ValueError, match="method 'auto', 'lbfgs' or 'newton'"):
        lrmath.fit(Xd, yd, method="gd")
    with pytest.raises(ValueError, match="l1=0"):
        lrmath.fit(Xd, yd, l1=0.1)
    with pytest.raises(ValueError, match="w must have shape"):
        lrmath.loss_and_grad(np.zeros(5), 0.0, Xd, yd)


def test_separable_dask_data_warn_as_in_memory():
    X = da.from_array(np.array([[-2.0], [-1.0], [1.0], [2.0]]), chunks=2)
    y = da.from_array(np.array([0.0, 0.0, 1.0, 1.0]), chunks=2)
    with pytest.warns(lrmath.SeparableDataWarning):
        lrmath.fit(X, y, method="lbfgs")


def test_lrmath_imports_without_dask():
    """Dask is optional: importing lrmath and fitting NumPy data never imports it."""
    code = ("import sys, numpy as np, lrmath; lrmath.fit(np.array([[0.],[1.],[2.],[3.]]), [0,1,0,1], l2=0.1); "
            "print('dask' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_block_that_makes_both_X_and_y_is_made_once_per_pass():
    """X and y cut from the same generated blocks: one evaluation makes each block once."""
    import dask

    made = []

    def make(k):
        made.append(k)
        rng = np.random.default_rng(k)
        return rng.normal(size=(50, 3)), (rng.random(50) < 0.5).astype(float)

    blocks = [dask.delayed(make, pure=True)(k) for k in range(4)]
    X = da.concatenate([da.from_delayed(b[0], shape=(50, 3), dtype=float) for b in blocks])
    y = da.concatenate([da.from_delayed(b[1], shape=(50,), dtype=float) for b in blocks])
    with dask.config.set(scheduler="synchronous"):
        lrmath.loss_and_grad(np.zeros(3), 0.0, X, y)
    assert sorted(made) == [0, 1, 2, 3]
