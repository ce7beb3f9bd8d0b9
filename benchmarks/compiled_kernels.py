"""What compiled code would buy: the evidence behind proposing Numba as an optional extra.

Two rows of ``fit_vs_sklearn.py`` stay at or above their targets with NumPy alone:

* one ``loss_and_grad`` over 1 000 000 x 20 at two threads (target: 1.3x the floor of two
  reads of X, one ``exp`` and one ``log1p`` per row);
* one call on 16 x 4 data (target: 10 us).

This script measures, in one run and against the same floor as ``fit_vs_sklearn.py``, what
``lrmath`` does today and what a compiled kernel of the same arithmetic does: the whole pass
fused into one loop over the rows (read each row once, its score, loss and residual, add
:math:`r_i x_i` to the gradient), with the labels checked on the way, threads over chunks of
rows, and the same formulas as :func:`lrmath.objective._loss_sum_and_residual`. The kernels
live here, not in ``lrmath``: the issue asks for a proposal with measurements, not for the
dependency. Numba is not a dependency of lrmath; run this with it installed::

    pip install numba
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE PYTHONPATH=. python benchmarks/compiled_kernels.py

Without Numba it says so and exits with status 2. The kernels are plain Python loops under
Numba's decorators, so without Numba they still run, slowly, as Python:
``tests/test_benchmarks.py`` checks their arithmetic against :func:`lrmath.loss_and_grad` that way.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fit_vs_sklearn as bench  # noqa: E402  (the floor and the data, as the benchmark has them)

import lrmath  # noqa: E402

try:
    import numba
except ImportError:  # pragma: no cover - depends on the machine
    numba = None

CHUNK_ROWS = 16_384  # rows per task of the threaded kernel


def kernels(compiled: bool = True):
    """The kernels: compiled by Numba (the first call of each compiles it), or as plain Python
    when ``compiled`` is false or Numba is missing."""
    fast = {"reassoc", "contract"}  # sums may be reordered; NaN and inf keep their meaning
    if compiled and numba is not None:
        njit, prange = numba.njit, numba.prange
    else:
        def njit(**options):
            return lambda function: function

        prange = range

    @njit(fastmath=fast, parallel=True)
    def pass_sums(X, y, w, b):
        n, d = X.shape
        n_chunks = (n + CHUNK_ROWS - 1) // CHUNK_ROWS
        grads = np.zeros((n_chunks, d + 2))  # per chunk: gradient, bias, loss
        bad = np.zeros(n_chunks, np.int64)
        for k in prange(n_chunks):
            g = grads[k]
            for i in range(k * CHUNK_ROWS, min(n, (k + 1) * CHUNK_ROWS)):
                yi = y[i]
                if yi * (yi - 1.0) != 0.0:
                    bad[k] += 1
                z = b
                for j in range(d):
                    z += X[i, j] * w[j]
                c = 0.5 - yi
                e = math.exp(-abs(z))
                g[d + 1] += 2.0 * max(c * z, 0.0) + math.log1p(e)
                p = 1.0 / (1.0 + e) - 0.5
                r = (p if z >= 0.0 else -p) + c
                g[d] += r
                for j in range(d):
                    g[j] += r * X[i, j]
        total = np.zeros(d + 2)
        for k in range(n_chunks):  # in order: the same numbers at any count of threads
            total += grads[k]
        return total, bad.sum()

    @njit(fastmath=fast)
    def small(w, b, X, y, l2):
        n, d = X.shape
        g = np.zeros(d)
        loss = grad_b = 0.0
        for i in range(n):
            yi = y[i]
            if yi * (yi - 1.0) != 0.0:
                return np.nan, g, np.nan
            z = b
            for j in range(d):
                z += X[i, j] * w[j]
            c = 0.5 - yi
            e = math.exp(-abs(z))
            loss += 2.0 * max(c * z, 0.0) + math.log1p(e)
            p = 1.0 / (1.0 + e) - 0.5
            r = (p if z >= 0.0 else -p) + c
            grad_b += r
            for j in range(d):
                g[j] += r * X[i, j]
        penalty = 0.0
        for j in range(d):
            penalty += w[j] * w[j]
            g[j] = g[j] / n + l2 * w[j]
        return loss / n + 0.5 * l2 * penalty, g, grad_b / n

    @njit(fastmath=fast, nogil=True)
    def scores_to_exponent(z, b, e):
        """z += b; e = -|z| (the argument of NumPy's vectorised exp)."""
        for i in range(z.shape[0]):
            zi = z[i] + b
            z[i] = zi
            e[i] = -abs(zi)

    @njit(fastmath=fast, nogil=True)
    def losses_and_residuals(z, y, e, log1p_e, r):
        """From z, e = exp(-|z|) and log1p(e): the summed loss, r = sigma(z) - y, sum r, bad labels."""
        loss = total_r = 0.0
        bad = 0
        for i in range(z.shape[0]):
            yi = y[i]
            if yi * (yi - 1.0) != 0.0:
                bad += 1
            c = 0.5 - yi
            zi = z[i]
            loss += 2.0 * max(c * zi, 0.0) + log1p_e[i]
            p = 1.0 / (1.0 + e[i]) - 0.5
            ri = (p if zi >= 0.0 else -p) + c
            r[i] = ri
            total_r += ri
        return loss, total_r, bad

    return pass_sums, small, scores_to_exponent, losses_and_residuals


def mixed_pass(scores_to_exponent, losses_and_residuals, X, y, w, b, threads):
    """The pass of :mod:`lrmath.objective` (blocks of 2 MiB, chunks on a pool of threads, BLAS
    for the two products, NumPy's vectorised exp and log1p) with the dozen other NumPy calls
    per block replaced by two compiled loops that release the GIL."""
    from lrmath.objective import _pool, _row_blocks
    from lrmath._blas import one_thread

    n, d = X.shape
    blocks = _row_blocks(n, d, 8, threaded=False)
    chunks = [blocks[i:i + 8] for i in range(0, len(blocks), 8)]
    rows = blocks[0].stop

    def chunk_sums(chunk):
        work = np.empty((4, rows))
        grad_w, block_grad = np.zeros(d), np.empty(d)
        loss = grad_b = 0.0
        bad = 0
        for part in chunk:
            k = part.stop - part.start
            z, e, L, r = work[:, :k]
            block = X[part]
            np.matmul(block, w, out=z)
            scores_to_exponent(z, b, e)
            np.exp(e, out=e)
            np.log1p(e, out=L)
            block_loss, block_r, block_bad = losses_and_residuals(z, y[part], e, L, r)
            loss += block_loss
            grad_b += block_r
            bad += block_bad
            grad_w += np.matmul(r, block, out=block_grad)
        return loss, grad_w, grad_b, bad

    with one_thread():
        parts = list(_pool(threads).map(chunk_sums, chunks)) if threads > 1 else [chunk_sums(c) for c in chunks]
    total = np.zeros(d + 2)
    bad = 0
    for loss, grad_w, grad_b, part_bad in parts:
        total[:d] += grad_w
        total[d] += grad_b
        total[d + 1] += loss
        bad += part_bad
    return total, bad


def compiled_loss_and_grad(pass_sums, w, b, X, y, l2):
    """:func:`lrmath.loss_and_grad` through the fused kernel: same results, same checks of labels."""
    n, d = X.shape
    total, bad = pass_sums(X, y, w, b)
    if bad:
        raise ValueError("y must hold labels 0 and 1 only")
    return total[d + 1] / n + 0.5 * l2 * float(w @ w), total[:d] / n + l2 * w, total[d] / n


def large_row(pass_sums, mixed, threads: int) -> dict:
    """1 000 000 x 20 at ``threads``: the floor, lrmath, the fused kernel, the mixed pass."""
    X, y = bench.synthetic(1_000_000, 20, seed=bench.SEED)
    X = np.ascontiguousarray(X)
    fitted = lrmath.fit(X, y, l2=bench.L2, tol=bench.TOL)
    numba.set_num_threads(threads)
    ours = lrmath.loss_and_grad(fitted.w, fitted.b, X, y, bench.L2)
    fused = compiled_loss_and_grad(pass_sums, fitted.w, fitted.b, X, y, bench.L2)
    agree = max(abs(ours[0] - fused[0]) / ours[0], float(np.max(np.abs(ours[1] - fused[1]))), abs(ours[2] - fused[2]))
    row = bench.time_loss_and_grad(X, y, fitted.w, fitted.b, 15)
    row["fused"], _ = bench.best_time(lambda: compiled_loss_and_grad(pass_sums, fitted.w, fitted.b, X, y, bench.L2), 15)
    row["mixed"], _ = bench.best_time(lambda: compiled_loss_and_grad(mixed, fitted.w, fitted.b, X, y, bench.L2), 15)
    mixed_result = compiled_loss_and_grad(mixed, fitted.w, fitted.b, X, y, bench.L2)
    row["agree"] = max(agree, abs(ours[0] - mixed_result[0]) / ours[0],
                       float(np.max(np.abs(ours[1] - mixed_result[1]))), abs(ours[2] - mixed_result[2]))
    return row


def small_row(small) -> dict:
    rng = np.random.default_rng(bench.SEED)
    X, y, w = rng.standard_normal((16, 4)), (rng.random(16) < 0.5).astype(float), rng.standard_normal(4)
    ours = lrmath.loss_and_grad(w, 0.1, X, y, bench.L2)
    compiled = small(w, 0.1, X, y, bench.L2)
    agree = max(abs(ours[0] - compiled[0]), float(np.max(np.abs(ours[1] - compiled[1]))), abs(ours[2] - compiled[2]))
    calls = 2_000

    def loop(f):
        def run():
            for _ in range(calls):
                f(w, 0.1, X, y, bench.L2)
        return bench.best_time(run, 5)[0] / calls

    return {"lrmath": loop(lrmath.loss_and_grad), "compiled": loop(small), "agree": agree}


def main() -> int:
    if numba is None:
        print("Numba is not installed: pip install numba (it is not a dependency of lrmath)")
        return 2
    from threadpoolctl import threadpool_limits

    pass_sums, small, scores_to_exponent, losses_and_residuals = kernels()
    X0, y0 = np.random.default_rng(0).standard_normal((40_000, 3)), np.zeros(40_000)
    pass_sums(X0, y0, np.zeros(3), 0.0)  # compile once
    small(np.zeros(3), 0.0, X0[:4], y0[:4], 0.0)
    mixed_pass(scores_to_exponent, losses_and_residuals, X0, y0, np.zeros(3), 0.0, 1)
    print(f"numba {numba.__version__}, NumPy {np.__version__}; times are minima; ratios in this run")
    print(f"{'1e6 x 20, threads':<20}{'floor ms':>10}{'lrmath ms':>11}{'ratio':>7}{'fused ms':>10}{'ratio':>7}"
          f"{'mixed ms':>10}{'ratio':>7}{'agree':>10}")
    for threads in (1, 2):
        def mixed(X, y, w, b, threads=threads):
            return mixed_pass(scores_to_exponent, losses_and_residuals, X, y, w, b, threads)

        with threadpool_limits(limits=threads):
            row = large_row(pass_sums, mixed, threads)
        print(f"{threads:<20}{1e3 * row['floor']:>10.2f}{1e3 * row['loss_and_grad']:>11.2f}{row['ratio']:>7.2f}"
              f"{1e3 * row['fused']:>10.2f}{row['fused'] / row['floor']:>7.2f}"
              f"{1e3 * row['mixed']:>10.2f}{row['mixed'] / row['floor']:>7.2f}{row['agree']:>10.1e}")
    row = small_row(small)
    print(f"16 x 4, one call: lrmath {1e6 * row['lrmath']:.2f} us, compiled {1e6 * row['compiled']:.2f} us "
          f"(target 10 us); agree {row['agree']:.1e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
