r"""The objective over data split into row partitions: Dask arrays, for data that outgrows memory.

Every quantity :func:`lrmath.fit` needs is a **sum over examples**. Split the rows into
partitions :math:`P_1, \dots, P_K` and

.. math::

    J = \frac1n \sum_{k=1}^{K} \sum_{i \in P_k} L_i + \frac{\lambda}{2}\lVert\mathbf{w}\rVert^2,
    \qquad
    \nabla J = \frac1n \sum_{k=1}^{K} \tilde{\mathbf{X}}_k^\top \mathbf{r}_k + \lambda \tilde{\mathbf{w}},
    \qquad
    \mathbf{H} = \frac1n \sum_{k=1}^{K} \tilde{\mathbf{X}}_k^\top \mathbf{S}_k \tilde{\mathbf{X}}_k
        + \lambda \tilde{\mathbf{I}},

(proven in the chapter *When the data outgrows one machine*). So one evaluation is one
**map** over the partitions, each returning its own sums (a number, a vector of length
:math:`d + 1` and, for Newton, a :math:`(d + 1) \times (d + 1)` matrix, whatever the number
of its rows), and one **reduce** that adds them: one pass over the data, which no process
ever holds whole. :func:`partition_sums` is the map, in NumPy; :func:`evaluate` builds the
Dask graph of map and reduce and computes it, on whatever scheduler is active (threads by
default, or a ``distributed`` cluster).

Dask is an optional dependency (``pip install "lrmath[scale]"``) and is imported only when a
Dask array is passed: ``import lrmath`` does not import it.

>>> import numpy as np
>>> X = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]]); y = np.array([1.0, 0.0, 1.0])
>>> theta = np.array([0.1, -0.2, 0.3])
>>> whole = partition_sums(X, y, theta)
>>> parts = add_sums(partition_sums(X[:1], y[:1], theta), partition_sums(X[1:], y[1:], theta, offset=1))
>>> bool(np.isclose(whole.loss, parts.loss) and np.allclose(whole.grad, parts.grad)), parts.n
(True, 3)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lrmath._checks import sum_is_finite
from lrmath.objective import _hessian_sum, _loss_and_grad_sums

__all__ = ["is_dask_array", "partition_sums", "add_sums", "evaluate", "PartitionSums"]

REDUCE_FAN_IN = 8  # partial sums added per task of the reduce tree


def is_dask_array(value) -> bool:
    """Whether ``value`` is a Dask array (without importing Dask)."""
    return type(value).__module__.split(".")[0] == "dask" and hasattr(value, "chunks") and hasattr(value, "to_delayed")


@dataclass
class PartitionSums:
    """The unnormalised sums one partition (or several, added) contributes.

    ``loss`` is :math:`\\sum_i L_i`; ``grad`` is :math:`\\tilde X^\\top r` (bias last);
    ``hessian`` is :math:`\\tilde X^\\top S \\tilde X` or None; ``all_correct`` says whether every
    example's score has the sign of its label (the data are then separated by ``theta``).
    """

    n: int
    loss: float
    grad: np.ndarray
    hessian: np.ndarray | None
    all_correct: bool


def partition_sums(X, y, theta, offset: int = 0, with_hessian: bool = False) -> PartitionSums:
    """The map: one partition's sums at ``theta = (w, b)``, with its input checked.

    ``offset`` is the index of the partition's first row in the whole data, so that an error
    names the row as the user knows it.

    >>> partition_sums(np.ones((2, 1)), np.array([0.0, 2.0]), np.zeros(2), offset=10)
    Traceback (most recent call last):
    ...
    ValueError: y must hold labels 0 and 1 only; found 2 at index 11
    """
    X = np.ascontiguousarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    bad = ~((y == 0) | (y == 1))
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"y must hold labels 0 and 1 only; found {y[i]:g} at index {offset + i}")
    if not sum_is_finite(X):
        nonfinite = ~np.isfinite(X)
        if nonfinite.any():
            i, j = (int(k) for k in np.argwhere(nonfinite)[0])
            kind = "NaN" if np.isnan(X[i, j]) else "inf"
            raise ValueError(f"X contains {kind} (first at index ({offset + i}, {j}))")
    z = np.empty(X.shape[0])
    loss, grad_w, grad_b = _loss_and_grad_sums(X, 0.5 - y, theta[:-1], float(theta[-1]), z_out=z)
    grad = np.append(grad_w, grad_b)
    all_correct = bool(np.all((2.0 * y - 1.0) * z > 0))
    H = _hessian_sum(X, z) if with_hessian else None
    return PartitionSums(X.shape[0], loss, grad, H, all_correct)


def add_sums(*parts: PartitionSums) -> PartitionSums:
    """The reduce: sums of partitions add up (the Hessian too, when every part has one)."""
    hessians = [p.hessian for p in parts]
    return PartitionSums(
        n=sum(p.n for p in parts),
        loss=float(sum(p.loss for p in parts)),
        grad=np.sum([p.grad for p in parts], axis=0),
        hessian=None if any(h is None for h in hessians) else np.sum(hessians, axis=0),
        all_correct=all(p.all_correct for p in parts),
    )


def aligned(X, y):
    """``X`` and ``y`` as Dask arrays with the same row partitions and ``X`` whole across columns.

    Shapes are checked here, with the argument named; values are checked in the pass.
    """
    import dask.array as da

    if not is_dask_array(X):
        X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D of shape (n_samples, n_features), got shape {X.shape}")
    if not is_dask_array(y):
        y = np.asarray(y, dtype=np.float64)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D (one label per example), got shape {y.shape}")
    if any(np.isnan(s) for s in (*X.shape, *y.shape)):
        raise ValueError("X and y must have known chunk sizes; call .compute_chunk_sizes() on them first")
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y has {y.shape[0]} labels but X has {X.shape[0]} rows")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must have rows and columns, got shape {X.shape}")
    if not is_dask_array(X):
        X = da.from_array(X, chunks=(y.chunks[0], -1))
    if len(X.chunks[1]) > 1:
        X = X.rechunk({1: -1})
    if not is_dask_array(y) or y.chunks[0] != X.chunks[0]:
        y = da.asarray(y).rechunk({0: X.chunks[0]})
    return X, y


def evaluate(X, y, theta, with_hessian: bool = False) -> PartitionSums:
    """One pass: map :func:`partition_sums` over the row partitions, reduce by :func:`add_sums`.

    ``X`` and ``y`` as returned by :func:`aligned`.
    """
    import dask

    # optimize_graph=False: optimised separately, the graphs of X and of y would each get their
    # own copy of any task that makes both (a block read from one file, or generated), and
    # every pass would make it twice
    X_parts = X.to_delayed(optimize_graph=False).ravel()
    y_parts = y.to_delayed(optimize_graph=False).ravel()
    offsets = np.concatenate([[0], np.cumsum(X.chunks[0])[:-1]]).astype(int)
    theta = np.array(theta, dtype=np.float64)
    map_ = dask.delayed(partition_sums, pure=True)
    level = [map_(Xp, yp, theta, int(offset), with_hessian) for Xp, yp, offset in zip(X_parts, y_parts, offsets)]
    reduce_ = dask.delayed(add_sums, pure=True)
    while len(level) > 1:  # a tree: no task adds more than REDUCE_FAN_IN partial sums
        level = [reduce_(*level[i: i + REDUCE_FAN_IN]) for i in range(0, len(level), REDUCE_FAN_IN)]
    (total,) = dask.compute(level[0])
    return total


class PartitionedProblem:
    """:math:`J` and its derivatives over a Dask array, with the interface of
    :class:`lrmath.fitting._Problem` that ``"lbfgs"`` and ``"newton"`` use.

    ``passes`` counts the passes over the data. With ``with_hessian`` (Newton), every pass
    also returns the Hessian at its point, so a Newton iteration costs one pass, not two.
    """

    def __init__(self, X, y, l2: float, with_hessian: bool = False):
        self.X, self.y = X, y
        self.n, self.d = X.shape
        self.l2, self.with_hessian = l2, with_hessian
        self.separable = False
        self.passes = 0
        self._hessian_at = None  # (theta, H) of the last pass

    def value_grad(self, theta: np.ndarray):
        """:math:`J` and its gradient; the third value stands for the scores, as in ``_Problem``."""
        sums = evaluate(self.X, self.y, theta, self.with_hessian)
        self.passes += 1
        loss = sums.loss / self.n
        g = sums.grad / self.n
        key = theta.copy()
        if sums.hessian is not None:
            self._hessian_at = (key, sums.hessian)
        if self.l2:
            loss += 0.5 * self.l2 * float(theta[:-1] @ theta[:-1])
            g[:-1] += self.l2 * theta[:-1]
        elif sums.all_correct:
            self.separable = True
        return loss, g, key

    def hessian(self, key: np.ndarray) -> np.ndarray:
        """The Hessian at the point ``key`` returned by :meth:`value_grad` (one more pass if
        that pass did not compute it)."""
        if self._hessian_at is not None and self._hessian_at[0] is key:
            H = self._hessian_at[1].copy()
        else:
            H = evaluate(self.X, self.y, key, with_hessian=True).hessian
            self.passes += 1
        H /= self.n
        H[np.arange(self.d), np.arange(self.d)] += self.l2
        return H
