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

Speed: one evaluation computes **one** exponential and one ``log1p`` per example
(:math:`e^{-|z|}` serves both the loss and the sigmoid), and reads :math:`\mathbf{X}`
from memory once: it goes through the rows in blocks of a few MiB (see
:func:`accumulate`), using each block for :math:`\mathbf{X}\mathbf{w}` and then, from
the cache, for :math:`\mathbf{X}^\top\mathbf{r}`. The values of ``X`` and ``y`` are
checked lazily: NaN or inf in ``X`` shows up as a non-finite loss, and only then is ``X``
searched for the culprit. ``benchmarks/fit_vs_sklearn.py`` measures all this against
the machine's memory bandwidth.
"""

from __future__ import annotations

import numpy as np

from lrmath._checks import check_labels, check_penalty, check_weights, check_X, finite

__all__ = ["loss_and_grad", "hessian", "predict_proba", "predict"]


def _scores(w: np.ndarray, b: float, X: np.ndarray) -> np.ndarray:
    z = X @ w
    z += b
    return z


def _loss_and_residual(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    r"""Summed loss and residuals :math:`\hat{y} - y`, from one :math:`e^{-|z|}`."""
    e = np.exp(-np.abs(z))
    inv = 1.0 / (1.0 + e)
    # log(1 + e^z) - y z = max(z, 0) + log1p(e^{-|z|}) - y z
    # (summed term by term: the difference of two large sums would lose digits that a
    # line search near the optimum needs)
    terms = np.maximum(z, 0.0)
    terms -= y * z
    terms += np.log1p(e)
    loss = float(terms.sum())
    # sigma(z) = 1/(1 + e^{-|z|}) for z >= 0 and e^{-|z|}/(1 + e^{-|z|}) for z < 0
    residual = np.where(z >= 0, inv, e * inv)
    residual -= y
    return loss, residual


def block_rows(d: int) -> int:
    """Rows per block in :func:`accumulate`: a few MiB of ``X``, so that it stays in cache.

    Fewer rows would make Python's per-block overhead show; more would push the block
    out of cache before the second product reads it. Chosen by measurement (see
    ``benchmarks/fit_vs_sklearn.py``).
    """
    return max(4096, min(16384, (1 << 22) // (8 * d)))


def accumulate(X, y, w, b, z=None, grad=True):
    r"""Sums over the examples, one block of rows at a time.

    Returns the summed loss :math:`\sum_i [\log(1 + e^{z_i}) - y_i z_i]`, the sums
    :math:`\mathbf{X}^\top\mathbf{r}` and :math:`\sum_i r_i` of the residuals
    :math:`\mathbf{r} = \sigma(\mathbf{z}) - \mathbf{y}` (zeros if ``grad`` is false), the
    scores :math:`\mathbf{z}` (computed unless given), and whether every label was 0 or 1.

    Each block of rows is used for :math:`\mathbf{X}\mathbf{w}` and then, while it is
    still in the processor's cache, for :math:`\mathbf{X}^\top\mathbf{r}`: the data
    are read from memory once per evaluation, not twice. No input checks: callers check.
    """
    n, d = X.shape
    given = z is not None
    if not given:
        z = np.empty(n)
    loss, grad_w, grad_b, labels_ok = 0.0, np.zeros(d), 0.0, True
    step = block_rows(d)
    for i in range(0, n, step):
        Xb, yb, zb = X[i : i + step], y[i : i + step], z[i : i + step]
        if not given:
            np.matmul(Xb, w, out=zb)
            zb += b
        part, rb = _loss_and_residual(zb, yb)
        loss += part
        labels_ok = labels_ok and not np.any(yb * (yb - 1.0))
        if grad:
            grad_w += rb @ Xb
            grad_b += float(rb.sum())
    return loss, grad_w, grad_b, z, labels_ok


def _validated(w, b, X, y, l2):
    """Shapes and the small arguments; the values of X and y are checked lazily (below)."""
    X = check_X(X, values=False)
    y = check_labels(y, "y", n=X.shape[0], values=False)
    w, b = check_weights(w, b, X.shape[1])
    return w, b, X, y, check_penalty(l2, "l2")


def _explain_bad_values(X, y, labels_ok, *results) -> None:
    """Raise the clear error of the full checks if a cheap sign says the inputs are bad.

    NaN or inf anywhere in X makes some score, and so the loss, non-finite; labels other
    than 0 and 1 make some y (y - 1) non-zero. Only then are the full checks run.
    """
    if not labels_ok:
        check_labels(y, "y")
    if not all(np.all(np.isfinite(r)) for r in results):
        finite(X, "X")


def loss_and_grad(w, b, X, y, l2=0.0):
    r"""The objective :math:`J` and its gradient, in one pass over the data.

    Parameters
    ----------
    w : array_like of shape (d,)
        Weights.
    b : float
        Bias.
    X : array_like of shape (n, d)
        Features, one example per row.
    y : array_like of shape (n,)
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
    w, b, X, y, l2 = _validated(w, b, X, y, l2)
    with np.errstate(invalid="ignore", over="ignore"):  # bad values are explained below
        total, grad_w, grad_b, _, labels_ok = accumulate(X, y, w, b)
    _explain_bad_values(X, y, labels_ok, total, grad_w)
    n = X.shape[0]
    loss = total / n
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
    w, b, X, y, l2 = _validated(w, b, X, y, l2)
    p = _sigmoid(_scores(w, b, X))
    s = p * (1.0 - p)
    n, d = X.shape
    H = np.empty((d + 1, d + 1))
    H[:d, :d] = (X.T * s) @ X / n
    H[:d, d] = H[d, :d] = X.T @ s / n
    H[d, d] = s.mean()
    H[:d, :d] += l2 * np.eye(d)
    return H


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
