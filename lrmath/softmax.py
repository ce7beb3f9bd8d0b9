r"""More than two classes: the softmax, its logarithm and the categorical cross-entropy.

With :math:`K` classes an example has one score (logit) :math:`z_k` per class, and

.. math::

    p_k = \frac{e^{z_k}}{\sum_{m=1}^{K} e^{z_m}}, \qquad
    L = -\sum_{k=1}^{K} y_k \log p_k = \log\sum_{m=1}^{K} e^{z_m} - \sum_{k=1}^{K} y_k z_k

for a one-hot label :math:`\mathbf{y}`, with gradient :math:`\partial L / \partial z_j = p_j - y_j`
(all proven in the chapter *Softmax and categorical cross-entropy*). The formulas are
evaluated after subtracting the row's largest score :math:`c = \max_k z_k`, which changes
nothing on paper,

.. math::

    p_k = \frac{e^{z_k - c}}{\sum_m e^{z_m - c}}, \qquad
    \log\sum_m e^{z_m} = c + \log\sum_m e^{z_m - c}

(proven in *Numerical stability*), and everything in floating point: every exponential is
then at most 1, so nothing overflows, and the sum is at least 1, so its logarithm is never
:math:`\log 0`. As in :mod:`lrmath.numerics`, the loss is computed from the logits, never from
probabilities. Every function is warning-free for any finite input.
"""

from __future__ import annotations

import numpy as np

from lrmath._checks import as_float_array, finite

__all__ = ["softmax", "log_softmax", "categorical_cross_entropy"]


def _logits(Z, name: str = "Z") -> np.ndarray:
    Z = as_float_array(Z, name)
    if Z.ndim == 0:
        raise ValueError(f"{name} must have at least one axis (one score per class), got a number")
    if Z.size == 0:
        raise ValueError(f"{name} is empty (shape {Z.shape})")
    finite(Z, name)
    return Z


def _axis(axis, Z: np.ndarray) -> int:
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"axis must be an integer, got {type(axis).__name__}")
    if not -Z.ndim <= axis < Z.ndim:
        raise ValueError(f"axis {axis} is out of range for Z of shape {Z.shape}")
    return int(axis)


def _shifted(Z: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Scores minus their maximum along ``axis`` (all <= 0, one 0 per slice), and log-sum-exp of those."""
    with np.errstate(over="ignore"):  # only if two scores differ by more than the largest float
        shifted = Z - Z.max(axis=axis, keepdims=True)
    # the sum is between 1 and K: no overflow, and its log is finite
    return shifted, np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax(Z, axis=-1):
    r"""The softmax :math:`p_k = e^{z_k} / \sum_m e^{z_m}` along ``axis``, for any finite scores.

    Computed from :math:`z_k - \max_m z_m`, which gives the same probabilities
    (the softmax is unchanged when one constant is added to every score) and never
    overflows.

    Parameters
    ----------
    Z : array_like
        Scores (logits), any shape with at least one axis; for data, shape (n, K), one row
        per example and one column per class.
    axis : int, default -1
        The axis of the classes.

    Returns
    -------
    ndarray
        Probabilities, same shape as ``Z``: positive (or 0 where a score is more than about
        745 below the largest) and summing to 1 along ``axis``.

    Raises
    ------
    ValueError
        If ``Z`` is a number, empty or not finite, or ``axis`` is out of range.

    Examples
    --------
    >>> softmax([1.0, 2.0, 3.0]).round(4)
    array([0.09  , 0.2447, 0.6652])
    >>> softmax([1001.0, 1002.0, 1003.0]).round(4)  # the same: only differences matter
    array([0.09  , 0.2447, 0.6652])
    >>> softmax([[0.0, 0.0], [0.0, 800.0]])  # no overflow, no warning
    array([[0.5, 0.5],
           [0. , 1. ]])
    """
    Z = _logits(Z)
    axis = _axis(axis, Z)
    shifted, log_total = _shifted(Z, axis)
    return np.exp(shifted - log_total)


def log_softmax(Z, axis=-1):
    r"""The logarithm of the softmax, :math:`\log p_k = z_k - \log\sum_m e^{z_m}`, finite for any finite scores.

    ``np.log(softmax(Z))`` is :math:`-\infty` once a probability underflows to 0 (a score
    about 745 below the largest); this returns the exact, finite value, computed as
    :math:`(z_k - c) - \log\sum_m e^{z_m - c}` with :math:`c = \max_m z_m`.

    Parameters
    ----------
    Z : array_like
        Scores, any shape with at least one axis.
    axis : int, default -1
        The axis of the classes.

    Returns
    -------
    ndarray
        Log-probabilities, same shape as ``Z``, all :math:`\le 0`; finite unless two scores
        of one slice differ by more than the largest float (about :math:`1.8 \times 10^{308}`),
        where :math:`-\infty` is the correctly rounded value.

    Examples
    --------
    >>> log_softmax([0.0, 0.0]).round(6)  # two equal scores: log(1/2) each
    array([-0.693147, -0.693147])
    >>> log_softmax([0.0, 1000.0])  # the naive log(softmax) gives -inf for the first
    array([-1000.,     0.])
    """
    Z = _logits(Z)
    axis = _axis(axis, Z)
    shifted, log_total = _shifted(Z, axis)
    return shifted - log_total


def _class_indices(Y, n: int, K: int) -> np.ndarray:
    """The true class of each row, from class indices (n,) or one-hot rows (n, K)."""
    Y = np.asarray(Y)
    if Y.ndim == 1:
        if Y.shape[0] != n:
            raise ValueError(f"Y has {Y.shape[0]} labels but Z has {n} rows")
        if Y.dtype == bool or not (np.issubdtype(Y.dtype, np.integer) or np.issubdtype(Y.dtype, np.floating)):
            raise TypeError(f"Y must hold integer class indices 0 to {K - 1}, got dtype {Y.dtype}")
        if np.issubdtype(Y.dtype, np.floating) and not np.all(np.isfinite(Y) & (Y == np.round(Y))):
            raise ValueError("Y of shape (n,) must hold integer class indices")
        if np.any((Y < 0) | (Y >= K)):
            raise ValueError(f"Y must hold class indices 0 to {K - 1} (Z has {K} columns); found {Y.min():g} to {Y.max():g}")
        return Y.astype(np.intp)
    Y = as_float_array(Y, "Y")
    if Y.shape != (n, K):
        raise ValueError(f"Y must be class indices of shape ({n},) or one-hot of shape ({n}, {K}) like Z, got shape {Y.shape}")
    finite(Y, "Y")
    if not (np.all((Y == 0) | (Y == 1)) and np.all(Y.sum(axis=1) == 1)):
        bad = int(np.argmax(~(np.all((Y == 0) | (Y == 1), axis=1) & (Y.sum(axis=1) == 1))))
        raise ValueError(f"Y of shape ({n}, {K}) must be one-hot (0s and one 1 per row); row {bad} is {Y[bad].tolist()}")
    return Y.argmax(axis=1)


def categorical_cross_entropy(Y, Z):
    r"""Mean categorical cross-entropy from logits, :math:`\frac1n\sum_i \bigl[\log\sum_k e^{z_{ik}} - z_{i c_i}\bigr]`.

    This is :math:`-\frac1n\sum_i\sum_k y_{ik}\log p_{ik}`, the negative log-likelihood of the
    true classes, computed without forming a probability: finite for every finite score,
    and about :math:`|z|` (not infinity) for a confident wrong prediction (unless the scores differ by more than
    the largest float). For two classes it
    equals :func:`lrmath.bce` of the score difference :math:`z_{i1} - z_{i0}`.

    Parameters
    ----------
    Y : array_like
        The true classes, either as integer class indices :math:`c_i \in \{0, \dots, K-1\}`
        of shape (n,), or as one-hot rows of shape (n, K) (0s and a single 1 per row).
    Z : array_like of shape (n, K)
        Scores, one row per example and one column per class.

    Returns
    -------
    float
        The mean loss, :math:`\ge 0`. Its gradient with respect to ``Z`` is
        :math:`(\mathrm{softmax}(Z) - Y_{\text{one-hot}}) / n`.

    Raises
    ------
    ValueError
        If ``Z`` is not 2-D, empty or not finite, or ``Y`` does not match it.
    TypeError
        If ``Y`` holds something other than class indices or numbers.

    Examples
    --------
    >>> categorical_cross_entropy([0, 2], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])  # log 3 each
    1.0986122886681098
    >>> Y = [[1, 0, 0], [0, 0, 1]]  # the same labels, one-hot
    >>> categorical_cross_entropy(Y, [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    1.0986122886681098
    >>> categorical_cross_entropy([0], [[0.0, 900.0]])  # the naive formula gives inf
    900.0
    """
    Z = _logits(Z)
    if Z.ndim != 2:
        raise ValueError(f"Z must be 2-D of shape (n_samples, n_classes), got shape {Z.shape}")
    n, K = Z.shape
    if K < 2:
        raise ValueError(f"Z must have at least 2 columns (classes), got shape {Z.shape}")
    classes = _class_indices(Y, n, K)
    # sum_k y_k log p_k picks the true class's term; picking it avoids 0 * (-inf)
    return float(-np.mean(log_softmax(Z, axis=1)[np.arange(n), classes]))
