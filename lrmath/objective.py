r"""The objective of logistic regression, its gradient and Hessian, and predictions.

For data :math:`\mathbf{X} \in \mathbb{R}^{n \times d}`, labels :math:`\mathbf{y} \in \{0, 1\}^n`,
weights :math:`\mathbf{w}` and bias :math:`b`, with scores :math:`\mathbf{z} = \mathbf{X}\mathbf{w} + b`
and predictions :math:`\hat{\mathbf{y}} = \sigma(\mathbf{z})`:

.. math::

    J(\mathbf{w}, b) = \frac1n \sum_{i=1}^n \bigl[\log(1 + e^{z_i}) - y_i z_i\bigr]
        + \frac{\lambda}{2}\lVert\mathbf{w}\rVert^2

    \nabla_{\mathbf{w}} J = \frac1n \mathbf{X}^\top(\hat{\mathbf{y}} - \mathbf{y}) + \lambda\mathbf{w},
    \qquad
    \frac{\partial J}{\partial b} = \frac1n \sum_{i=1}^n (\hat{y}_i - y_i)

These are equations (17) to (19) and (20) of the chapter *The gradient of
cross-entropy*, where every step is proven; :math:`\lambda` is ``l2``. The bias is
not penalised. The loss is written with :math:`\log(1 + e^{z})` (see
:mod:`lrmath.numerics`) so that it is finite for every score.

Speed: :math:`\mathbf{X}` is processed in blocks of rows of about 2 MiB. When NumPy's BLAS
runs several threads, as many threads take chunks of blocks in turn (with more than 500
columns, blocks of 4 MiB instead, whose products BLAS's threads split: see
:func:`_loss_and_grad_sums` and :mod:`lrmath._blas`). For each block,
the scores, losses and residuals are computed and the block's share of
:math:`\mathbf{X}^\top \mathbf{r}` is added while the block is still in the processor's cache,
so :math:`\mathbf{X}` is read from memory **once** per evaluation rather than twice, and no
temporary is as large as :math:`\mathbf{X}`. One exponential and one ``log1p`` per example:
:math:`e^{-|z|}` serves both the loss and the sigmoid. :func:`loss_and_grad` checks
:math:`\mathbf{X}` for NaN and inf through its results, with no read of its own: a NaN or an
infinity in :math:`\mathbf{X}` always makes the loss or the gradient NaN or infinite (see
:func:`_small_loss_and_grad`), and only then is :math:`\mathbf{X}` searched, to name the entry.
(Blocks also keep every BLAS call small: one large :math:`\mathbf{X}^\top \mathbf{r}` with few
columns was several times slower than the blocked loop on a busy two-core machine.)

Small data (at most 256 KiB) that are already float64 arrays of the right shapes take a
short path of about twenty NumPy calls (:func:`_small_loss_and_grad`): there a call's time
is the count of NumPy calls, about half a microsecond each, not the data.

Dask arrays: :func:`loss_and_grad` and :func:`hessian` accept a Dask array for ``X`` and
``y`` and compute over its row partitions, one map and one reduce
(:mod:`lrmath.partitioned`).
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from lrmath._blas import one_thread as blas_one_thread
from lrmath._blas import threads as blas_threads
from lrmath._checks import check_labels, check_penalty, check_weights, check_X, finite

__all__ = ["loss_and_grad", "hessian", "predict_proba", "predict"]


def _scores(w: np.ndarray, b: float, X: np.ndarray) -> np.ndarray:
    z = X @ w
    z += b
    return z


#: bytes of X per block of rows: for one BLAS thread, and for several (see :mod:`lrmath._blas`)
_BLOCK_BYTES, _THREADED_BLOCK_BYTES = 1 << 21, 1 << 25
#: ... and for several threads in the pass over wide X, at least _PASS_MIN_ROWS rows (see _loss_and_grad_sums)
_PASS_THREADED_BLOCK_BYTES, _PASS_MIN_ROWS = 1 << 22, 32
#: blocks per chunk: the unit of work a thread of the pass takes (see _loss_and_grad_sums)
_CHUNK_BLOCKS = 8
#: the pass runs on a pool of threads (one per BLAS thread) for X with at most this many columns
_POOL_MAX_COLUMNS = 500


def _row_blocks(n: int, d: int, itemsize: int = 8, threaded: bool | None = None, for_pass: bool = False):
    """Slices of rows of an (n, d) matrix, about 2 MiB each for one BLAS thread
    (a block read for :math:`X_B w` is still in cache for :math:`X_B^\\top r_B`) and about
    32 MiB for several (large enough for BLAS to split each product among its threads).
    ``threaded``: which of the two (default: whether NumPy's BLAS runs several threads now).
    ``itemsize``: bytes per entry (8 for float64, 4 for a float32 copy). ``for_pass``: blocks
    for :func:`_loss_and_grad_sums` over wide X, which with several threads are of 4 MiB and at
    least 32 rows (see there)."""
    if threaded is None:
        threaded = blas_threads() > 1
    if threaded and for_pass:
        step = max(_PASS_MIN_ROWS, _PASS_THREADED_BLOCK_BYTES // (itemsize * d))
    else:
        step = max(1, (_THREADED_BLOCK_BYTES if threaded else _BLOCK_BYTES) // (itemsize * d))
    return [slice(start, min(start + step, n)) for start in range(0, n, step)]


_pools: dict = {}


def _pool(workers: int) -> ThreadPoolExecutor:
    """A pool of ``workers`` threads, made once and kept (a new pool per pass would cost more
    than small passes take). A process made by ``fork`` has none of its parent's threads, so
    it forgets the pools and makes its own (a pool whose threads are gone would wait forever)."""
    if workers not in _pools:
        _pools[workers] = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lrmath-pass")
    return _pools[workers]


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_pools.clear)


def _loss_sum_and_residual(z: np.ndarray, c: np.ndarray, u=None, r=None) -> tuple[float, np.ndarray]:
    r"""Summed loss :math:`\sum_i \log(1 + e^{z_i}) - y_i z_i` and residuals :math:`\sigma(z) - y`.

    ``c`` is :math:`\tfrac12 - y`. One :math:`e = e^{-|z|}` gives both, through

    .. math::

        \log(1 + e^{z}) - y z = 2\max\bigl((\tfrac12 - y) z, 0\bigr) + \log(1 + e^{-|z|}),
        \qquad
        \sigma(z) - y = \operatorname{sign}(z)\bigl(\tfrac{1}{1 + e^{-|z|}} - \tfrac12\bigr) + \tfrac12 - y

    (the first is :math:`\max(z, 0) - y z` for :math:`y \in \{0, 1\}`; the second holds because
    :math:`\sigma(z) - \frac12` is odd in :math:`z`). Both sums add non-negative terms, so
    the loss keeps full relative precision (line searches compare values of :math:`J` that
    differ in the last digits). Every operation is in place; the residuals are exact to
    about 1e-16 in absolute terms, which is what a gradient needs. ``u`` and ``r`` (optional,
    of the shape of ``z``) are work space: the residuals are written to ``r``.
    """
    u = np.multiply(z, c, out=u)
    loss = 2.0 * float(np.maximum(u, 0.0, out=u).sum())
    e = np.negative(np.abs(z, out=u), out=u)  # -|z| (faster than copysign(z, -1))
    np.exp(e, out=e)
    r = np.add(e, 1.0, out=r)
    loss += float(np.log1p(e, out=e).sum())
    np.divide(1.0, r, out=r)  # np.reciprocal is slower here
    r -= 0.5
    np.copysign(r, z, out=r)
    r += c
    return loss, r


def _loss_and_grad_sums(X: np.ndarray, c: np.ndarray, w: np.ndarray, b: float, z_out=None, copy_to=None,
                        parallel: bool = True):
    r"""One pass over ``X``, block by block: :math:`\sum_i L_i`, :math:`X^\top r`, :math:`\sum_i r_i`.

    ``c`` is :math:`\tfrac12 - y`; the scores are written to ``z_out`` if given. No penalty,
    no division by :math:`n`. ``X`` is not searched for NaN and inf: they show in the results,
    which is how :func:`loss_and_grad` and :func:`lrmath.fit` find them (see
    :func:`_small_loss_and_grad`). (Searching each block while it came into cache was measured
    too: 28 against 37 ms per pass over 200 000 x 200 on one day, 56 against 35 ms on another.)

    **Threads.** With at most 500 columns, the rows are cut into chunks of up to 8 blocks of
    about 2 MiB, and each chunk's sums are computed on their own and added up in the order of
    the chunks. When NumPy's BLAS runs several threads, as many threads of this pass take
    chunks in turn, each with single-threaded BLAS, so that the per-example work (a dozen
    NumPy operations per example, which BLAS's threads do not share) runs in parallel too.
    The numbers do not depend on the count of threads: the same blocks, the same order of
    sums. Measured on the course's 2-core machine at two threads (minimum of 15), one pass
    over 1 000 000 x 20 took 25 ms with BLAS's two threads splitting each product of 32 MiB
    blocks, 18 ms this way; over 200 000 x 200, 24 against 21 ms. With more columns a block
    holds few rows, BLAS's own threads do better (20 000 x 2 000: 19 against 28 ms), and the
    pass stays in the calling thread with blocks sized for them (:func:`_row_blocks`), as it
    does with ``parallel=False`` (for callers that are themselves threads of a pool:
    :mod:`lrmath.partitioned`). Those blocks are of 4 MiB and at least 32 rows: as fast as
    32 MiB at two threads (20 000 x 2 000: 24 against 26 ms a pass; 400 x 100 000, where
    4 MiB would be 5 rows, needs the 32), and a float32 copy's products then sum 524 rows in
    single precision instead of 4 194, which brought L-BFGS on 20 000 x 2 000 at two threads from
    35 iterations to 25 (24 at one thread; see :func:`lrmath.fitting._lbfgs`).

    ``X`` may be a float32 copy (what :func:`lrmath.fit` uses for L-BFGS's early iterations
    on large data, :class:`lrmath.fitting._Problem`): the two products then run in single
    precision (half the bytes to read), and everything per example (scores, losses,
    residuals) and every sum over blocks stays in float64. ``copy_to`` (a float32 array of
    ``X``'s shape, optional) receives such a copy of ``X``, block by block, and the pass reads
    each block's copy while it is in cache: making the copy costs writing it, not another read
    of ``X``, and the results are those of the pass over the copy.

    >>> X = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.0]])
    >>> c, w = 0.5 - np.array([1.0, 0.0, 1.0]), np.array([0.25, -0.5])
    >>> copy = np.empty(X.shape, np.float32)
    >>> making = _loss_and_grad_sums(X, c, w, 0.1, copy_to=copy)
    >>> bool(np.array_equal(copy, X.astype(np.float32)))
    True
    >>> single, double = _loss_and_grad_sums(copy, c, w, 0.1), _loss_and_grad_sums(X, c, w, 0.1)
    >>> bool(single[0] == making[0] and np.array_equal(single[1], making[1]) and single[2] == making[2])
    True
    >>> bool(abs(single[0] - double[0]) < 1e-6 and np.allclose(single[1], double[1], atol=1e-6))
    True
    """
    n, d = X.shape
    if d > _POOL_MAX_COLUMNS or not parallel:  # one thread of Python; blocks sized for BLAS's threads
        return _chunk_sums(X, c, w, b, _row_blocks(n, d, X.itemsize, for_pass=True), z_out, copy_to)
    blocks = _row_blocks(n, d, X.itemsize, threaded=False)
    chunks = [blocks[i:i + _CHUNK_BLOCKS] for i in range(0, len(blocks), _CHUNK_BLOCKS)]
    workers = min(blas_threads(), os.cpu_count() or 1)  # one pool per count (it rarely changes)

    def chunk_sums(chunk):
        return _chunk_sums(X, c, w, b, chunk, z_out, copy_to)

    if workers > 1:  # BLAS held to one thread: the products, hence the numbers, as with one thread
        with blas_one_thread():
            parts = list(_pool(workers).map(chunk_sums, chunks)) if len(chunks) > 1 else [chunk_sums(chunks[0])]
    else:
        parts = [chunk_sums(chunk) for chunk in chunks]
    loss, grad_w, grad_b = parts[0]
    for part_loss, part_grad_w, part_grad_b in parts[1:]:
        loss += part_loss
        grad_w += part_grad_w
        grad_b += part_grad_b
    return loss, grad_w, grad_b


def _chunk_sums(X, c, w, b, blocks, z_out=None, copy_to=None):
    """:func:`_loss_and_grad_sums` over the rows of ``blocks`` (consecutive slices), in order."""
    d = X.shape[1]
    single = X.dtype == np.float32 or copy_to is not None
    loss, grad_w, grad_b = 0.0, np.zeros(d), 0.0
    rows_per_block = blocks[0].stop - blocks[0].start
    work = np.empty((3 if z_out is None else 2, rows_per_block))  # one allocation per chunk, reused
    block_grad = np.empty(d, np.float32 if single else X.dtype)
    if single:  # the products in single precision, through buffers of it
        w = w.astype(np.float32)
        z_single, r_single = np.empty((2, rows_per_block), np.float32)
    for rows in blocks:
        block = X[rows]
        if copy_to is not None:  # the block's copy first; the products then read it, in cache
            block = copy_to[rows]
            np.copyto(block, X[rows], casting="same_kind")
        k = rows.stop - rows.start
        z = work[2, :k] if z_out is None else z_out[rows]
        if single:
            np.copyto(z, np.matmul(block, w, out=z_single[:k]))
        else:
            np.matmul(block, w, out=z)
        z += b
        block_loss, r = _loss_sum_and_residual(z, c[rows], u=work[0, :k], r=work[1, :k])
        loss += block_loss
        if single:
            np.copyto(r_single[:k], r, casting="same_kind")
            r_block = r_single[:k]
        else:
            r_block = r
        grad_w += np.matmul(r_block, block, out=block_grad)
        grad_b += float(r.sum())
    return loss, grad_w, grad_b


def _hessian_sum(X: np.ndarray, z: np.ndarray) -> np.ndarray:
    r""":math:`\tilde X^\top S \tilde X` at the scores ``z``, bias last; no penalty, no division by :math:`n`.

    With :math:`\tilde X = [X, 1]` and :math:`a_i = \sqrt{s_i}\,x_i` the weights' block is
    :math:`A^\top A`, accumulated over blocks of rows (no temporary as large as ``X``); NumPy
    computes ``A.T @ A`` with BLAS ``syrk``, half the work of a general product. The bias's
    row is :math:`\sum_i s_i \tilde x_i = A^\top \sqrt{s}` (and :math:`\sqrt{s}^\top\sqrt{s}`),
    so ``A`` stays a contiguous block of ``X``'s shape.

    >>> X = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.0]])
    >>> z = np.array([0.3, -1.2, 2.0])
    >>> s = np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))) ** 2  # sigma'(z)
    >>> Xt = np.c_[X, np.ones(3)]
    >>> bool(np.allclose(_hessian_sum(X, z), Xt.T @ (s[:, None] * Xt), rtol=1e-14))
    True
    """
    n, d = X.shape
    H = np.zeros((d + 1, d + 1))
    blocks = _row_blocks(n, d + 1)
    buffer = np.empty((blocks[0].stop, d))
    weights = H[:d, :d]
    for rows in blocks:
        h = np.abs(z[rows])
        h *= -0.5
        np.exp(h, out=h)  # e^{-|z|/2}
        root = np.divide(h, 1.0 + h * h, out=h)  # sqrt(s), s = e/(1 + e)^2 with e = h^2
        A = np.multiply(X[rows], root[:, None], out=buffer[: len(root)])
        weights += A.T @ A
        H[d, :d] += root @ A
        H[d, d] += root @ root
    H[:d, d] = H[d, :d]
    return H


_SMALL_BYTES = 1 << 18  # data up to this size take the short path of loss_and_grad
_SMALL_ITEMS = _SMALL_BYTES // 8
_FLOAT, _ARRAY = np.dtype(np.float64), np.ndarray
_BIAS_TYPES = (float, np.float64)  # a bias read from an array is a np.float64
# 0-d arrays: a ufunc takes them about 0.2 us faster than Python floats
_ZERO, _ONE, _HALF = np.array(0.0), np.array(1.0), np.array(0.5)
_ONES = np.ones(_SMALL_ITEMS)  # sums on the short path are dot products with its first n entries
_ONES.flags.writeable = False


@np.errstate(over="ignore", invalid="ignore")  # as a decorator: half the cost of a with block
def _small_loss_and_grad(w, b, X, y, l2):
    r""":func:`loss_and_grad` for small, well-formed NumPy data with few NumPy calls, or None.

    On small data the time of a call is the number of NumPy calls (about half a microsecond
    each; one with a Python float argument about 0.2 us more), not the data, so this path is
    written for few calls. With :math:`s_i = 2y_i - 1` (:math:`-1` for label 0, :math:`+1`
    for label 1) and the negated scores :math:`\zeta = -z`:

    .. math::

        \log(1 + e^{z_i}) - y_i z_i = \log(1 + e^{s_i \zeta_i}),
        \qquad
        2\bigl(\sigma(z_i) - y_i\bigr) = -\bigl(\tanh(\zeta_i / 2) + s_i\bigr)

    (for :math:`y_i = 1` the first is :math:`\log(1 + e^{-z_i})`; the second is
    :math:`\sigma(z) = \frac12(1 + \tanh\frac z2)`). The losses are non-negative, so their sum
    keeps full relative precision, as in :func:`_loss_sum_and_residual`; the residuals are
    exact to about 1e-16 in absolute terms (``tanh`` is accurate to its last digit and
    :math:`|s_i| = 1`). The sums over examples are dot products with a vector of ones, kept from one call to the next (one BLAS call each; ``np.sum`` costs
    twice as much, and making the ones anew as much again).

    It takes data that are already float64 arrays of the right shapes and checks the labels
    with :math:`y_i (y_i - 1) = 0` entry by entry, which in floating point holds for 0 and 1
    only: for :math:`0 < |y| < 2^{-53}`, :math:`y - 1` rounds to :math:`-1` and the product
    is :math:`-y \ne 0` (subnormal :math:`y` too); for every other :math:`y \notin \{0, 1\}`
    both factors are at least :math:`2^{-53}` in size (:math:`y - 1` is exact near 1), so
    the product is neither zero nor underflows; NaN and inf give NaN or inf. No sum is
    involved, so values of both signs cannot cancel (:math:`y = (-0.2, 0.4)` gives
    :math:`\sum_i y_i(y_i - 1) = 0`). Finiteness is checked on the **results**, through
    :math:`\mathbf{g} \cdot \mathbf{w}` with :math:`\mathbf{g}` the returned gradient: a NaN
    or an infinity :math:`x_{ij}` in ``X`` makes :math:`g_j` NaN or infinite (its sum has the
    term :math:`r_i x_{ij}`, and :math:`0 \cdot \infty` is NaN), and a NaN or infinite
    :math:`g_j` or :math:`w_j` makes the term :math:`g_j w_j`, hence the dot product, NaN or
    infinite. So finite results prove finite inputs. This needs BLAS to multiply by zeros
    rather than skip them, as IEEE arithmetic and NumPy's OpenBLAS do; the tests put NaN and
    inf where the weight and the residual they meet are both 0. (The loss alone would not do: with :math:`w_j = \infty` and
    every example classified right, every loss and residual is 0.) Anything else (wrong
    shapes or types, bad labels, non-finite or overflowing results) returns None and goes the
    long way, whose checks name what is wrong.

    >>> X, y = np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([1.0, 0.0])
    >>> loss, grad_w, grad_b = _small_loss_and_grad(np.zeros(2), 0.0, X, y, 0.0)
    >>> round(loss, 6), grad_w, grad_b
    (0.693147, array([ 0.5 , -0.75]), 0.0)
    >>> _small_loss_and_grad(np.zeros(2), 0.0, X, np.array([1.0, 0.5]), 0.0) is None  # not a label
    True
    >>> _small_loss_and_grad(np.array([np.inf, 0.0]), 0.0, X, y, 0.0) is None  # not finite
    True
    """
    if not (type(X) is _ARRAY and type(y) is _ARRAY and type(w) is _ARRAY
            and X.dtype is _FLOAT and y.dtype is _FLOAT and w.dtype is _FLOAT
            and type(b) in _BIAS_TYPES and type(l2) in (float, int)):
        return None
    try:
        n, d = X.shape  # X 2-D, y and w 1-D (a ValueError otherwise)
        (n_y,), (d_w,) = y.shape, w.shape
    except ValueError:
        return None
    if not (n_y == n and d_w == d and 0 < n * d <= _SMALL_ITEMS and math.isfinite(b) and l2 >= 0):
        return None
    q = y - _ONE
    if np.count_nonzero(y * q):  # a label other than 0 or 1 (NaN and inf too): see above
        return None
    s = y + q  # 2y - 1
    zeta = X.dot(w)  # ndarray.dot: faster than @ or np.dot on small data
    zeta = -b - zeta
    losses = np.logaddexp(_ZERO, zeta * s)
    zeta *= _HALF
    minus_2r = np.tanh(zeta)
    minus_2r += s  # -2 (sigma(z) - y)
    ones = _ONES[:n]
    scale = -0.5 / n
    loss = float(losses.dot(ones)) * (-2.0 * scale)
    grad_b = float(minus_2r.dot(ones)) * scale
    grad_w = minus_2r.dot(X)
    grad_w *= scale
    if l2:
        loss += 0.5 * l2 * float(w.dot(w))
        grad_w += w * l2
    if not math.isfinite(loss + grad_b + float(grad_w.dot(w))):
        return None
    return loss, grad_w, grad_b


def _validated(w, b, X, y, l2, check_finite=True):
    X = check_X(X, check_finite=check_finite)
    y = check_labels(y, "y", n=X.shape[0])
    w, b = check_weights(w, b, X.shape[1])
    return w, b, X, y, check_penalty(l2, "l2")


def loss_and_grad(w, b, X, y, l2=0.0):
    r"""The objective :math:`J` and its gradient, in one pass over the data.

    Parameters
    ----------
    w : array_like of shape (d,)
        Weights.
    b : float
        Bias.
    X : array_like or Dask array of shape (n, d)
        Features, one example per row. A Dask array (``pip install "lrmath[scale]"``) is
        evaluated partition by partition, one pass, never held whole
        (:mod:`lrmath.partitioned`).
    y : array_like or Dask array of shape (n,)
        Labels, 0 or 1.
    l2 : float, default 0.0
        Strength :math:`\lambda \ge 0` of the penalty :math:`\frac{\lambda}{2}\lVert\mathbf{w}\rVert^2`.

    Returns
    -------
    loss : float
        :math:`J(\mathbf{w}, b)`.
    grad_w : ndarray of shape (d,)
        :math:`\frac1n \mathbf{X}^\top(\sigma(\mathbf{X}\mathbf{w} + b) - \mathbf{y}) + \lambda\mathbf{w}`.
    grad_b : float
        :math:`\frac1n \sum_i (\hat{y}_i - y_i)`.

    Examples
    --------
    At :math:`\mathbf{w} = 0` every prediction is one half:

    >>> X = np.array([[1.0, 2.0], [3.0, -1.0]])
    >>> loss, grad_w, grad_b = loss_and_grad(np.zeros(2), 0.0, X, [1, 0])
    >>> round(loss, 6), grad_w, grad_b
    (0.693147, array([ 0.5 , -0.75]), 0.0)
    """
    small = _small_loss_and_grad(w, b, X, y, l2)  # first: on small data every call counts
    if small is not None:
        return small
    if _is_dask(X, y):
        return _loss_and_grad_partitioned(w, b, X, y, l2)
    w, b, X, y, l2 = _validated(w, b, X, y, l2, check_finite=False)  # X is checked by the results
    n = X.shape[0]
    with np.errstate(over="ignore", invalid="ignore"):
        loss, grad_w, grad_b = _loss_and_grad_sums(X, 0.5 - y, w, b)
        if not np.isfinite(loss + grad_b + grad_w.sum()):
            finite(X, "X")  # a NaN or inf in X shows in the results: name it (see _small_loss_and_grad)
    loss /= n
    grad_w /= n
    if l2:
        loss += 0.5 * l2 * float(w @ w)
        grad_w += l2 * w
    return loss, grad_w, grad_b / n


def hessian(w, b, X, y, l2=0.0):
    r"""The Hessian of :math:`J` with respect to :math:`(\mathbf{w}, b)`, bias last.

    .. math::

        \mathbf{H} = \frac1n \tilde{\mathbf{X}}^\top \mathbf{S} \tilde{\mathbf{X}}
            + \lambda \begin{pmatrix}\mathbf{I}_d & 0\\ 0 & 0\end{pmatrix},
        \qquad \mathbf{S} = \operatorname{diag}\bigl(\hat{y}_i(1 - \hat{y}_i)\bigr),

    where :math:`\tilde{\mathbf{X}} = [\mathbf{X}, \mathbf{1}]`. It is positive
    semi-definite (the loss is convex), and positive definite when ``l2 > 0``
    and :math:`\tilde{\mathbf{X}}` has full column rank.

    Parameters
    ----------
    w, b, X, y, l2
        As in :func:`loss_and_grad`.

    Returns
    -------
    ndarray of shape (d + 1, d + 1)
        Rows and columns ``0..d-1`` are the weights, ``d`` is the bias.

    Examples
    --------
    >>> H = hessian(np.zeros(1), 0.0, [[2.0], [-2.0]], [1, 0])
    >>> H  # S = 1/4 everywhere at w = 0
    array([[1.  , 0.  ],
           [0.  , 0.25]])
    """
    if _is_dask(X, y):
        from lrmath import partitioned

        X, y = partitioned.aligned(X, y)
        w, b = check_weights(w, b, X.shape[1])
        problem = partitioned.PartitionedProblem(X, y, check_penalty(l2, "l2"))
        return problem.hessian(np.append(w, b))
    w, b, X, y, l2 = _validated(w, b, X, y, l2)
    n, d = X.shape
    H = _hessian_sum(np.ascontiguousarray(X), _scores(w, b, X)) / n
    H[np.arange(d), np.arange(d)] += l2
    return H


def _is_dask(X, y) -> bool:
    """Whether ``X`` or ``y`` is a Dask array (checked without importing Dask)."""
    return any(type(a).__module__.split(".")[0] == "dask" for a in (X, y))


def _loss_and_grad_partitioned(w, b, X, y, l2):
    """:func:`loss_and_grad` over a Dask array: one map over the row partitions and one reduce
    (:mod:`lrmath.partitioned`)."""
    from lrmath import partitioned

    X, y = partitioned.aligned(X, y)
    w, b = check_weights(w, b, X.shape[1])
    l2 = check_penalty(l2, "l2")
    sums = partitioned.evaluate(X, y, np.append(w, b))
    loss, grad_w = sums.loss / sums.n, sums.grad[:-1] / sums.n
    if l2:
        loss += 0.5 * l2 * float(w @ w)
        grad_w += l2 * w
    return loss, grad_w, float(sums.grad[-1]) / sums.n


def _sigmoid(z: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def predict_proba(X, w, b):
    r"""Predicted probabilities of class 1, :math:`\sigma(\mathbf{X}\mathbf{w} + b)`.

    Parameters
    ----------
    X : array_like of shape (n, d)
    w : array_like of shape (d,)
    b : float

    Returns
    -------
    ndarray of shape (n,)

    Examples
    --------
    >>> predict_proba([[0.0], [100.0]], [1.0], 0.0)
    array([0.5, 1. ])
    """
    X = check_X(X)
    w, b = check_weights(w, b, X.shape[1])
    return _sigmoid(_scores(w, b, X))


def predict(X, w, b, threshold=0.5):
    r"""Predicted labels: 1 where :math:`\sigma(\mathbf{X}\mathbf{w} + b) \ge` ``threshold``.

    Parameters
    ----------
    X : array_like of shape (n, d)
    w : array_like of shape (d,)
    b : float
    threshold : float, default 0.5
        In :math:`(0, 1)`. At 0.5 this is the sign of the score.

    Returns
    -------
    ndarray of shape (n,), dtype int

    Examples
    --------
    >>> predict([[-1.0], [0.5], [3.0]], [1.0], 0.0)
    array([0, 1, 1])
    >>> predict([[-1.0], [0.5], [3.0]], [1.0], 0.0, threshold=0.9)
    array([0, 0, 1])
    """
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be in (0, 1), got {threshold}")
    return (predict_proba(X, w, b) >= threshold).astype(int)
