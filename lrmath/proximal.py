r"""Proximal methods for the L1 (lasso) and elastic-net penalties.

With ``l1`` :math:`= \lambda_1 > 0` the objective is **composite**:

.. math::

    F(\mathbf{w}, b) = \underbrace{\frac1n \sum_{i=1}^n \bigl[\log(1 + e^{z_i}) - y_i z_i\bigr]
        + \frac{\lambda_2}{2}\lVert\mathbf{w}\rVert^2}_{f \text{: smooth}}
        + \underbrace{\lambda_1 \lVert\mathbf{w}\rVert_1}_{h \text{: not differentiable at } w_j = 0}

(the bias is not penalised). Gradient methods need :math:`\nabla F`, which does not
exist where a weight is zero, and that is exactly where the L1 penalty puts the optimum
of many weights. Proximal methods handle :math:`f` with its gradient and :math:`h` with
its **proximal operator**, which for :math:`h = \lambda_1\lvert\cdot\rvert` is
soft-thresholding (:func:`soft_threshold`, derived in the chapter *Regularisation*):

.. math::

    \operatorname{prox}_{t h}(v) = \arg\min_u \Bigl[\frac{1}{2t}(u - v)^2 + \lambda_1\lvert u\rvert\Bigr]
        = \operatorname{sign}(v)\max(\lvert v\rvert - t\lambda_1, 0).

Two methods, used by :func:`lrmath.fit`:

``"prox-newton"`` (the default for :math:`d \le 100`)
    Proximal Newton, as in glmnet and liblinear's newGLMNET. At
    :math:`\boldsymbol\theta = (\mathbf{w}, b)` replace :math:`f` by its second-order
    model and minimise *model + h* exactly-enough by **coordinate descent**: for one
    coordinate the model is a parabola plus :math:`\lambda_1\lvert\cdot\rvert`, whose
    minimiser is one soft-thresholding. The step found is then shortened by a
    backtracking (Armijo) line search on :math:`F`. Each outer iteration costs one
    Hessian, :math:`O(nd^2)`, plus cheap sweeps over the :math:`(d+1)\times(d+1)` model;
    near the optimum the convergence is quadratic, like Newton's. The inner sweeps stop
    when the model's own optimality measure is below a tenth of the outer one, so early
    outer steps are cheap and late ones accurate.
``"fista"`` (the default for :math:`d > 100`)
    Accelerated proximal gradient (Beck & Teboulle's FISTA) with step :math:`1/L`, where
    :math:`L = \lVert[\mathbf{X}, \mathbf{1}]\rVert_2^2/(4n) + \lambda_2` bounds the
    curvature of :math:`f`, so no backtracking is needed; plus the **adaptive restart** of
    O'Donoghue & Candès: the momentum is reset whenever :math:`F` goes up, which restores
    linear convergence on strongly convex problems. :math:`O(nd)` per iteration, but it
    needs thousands of iterations on ill-conditioned data such as the breast-cancer
    features, where proximal Newton needs about ten.

**Stopping rule.** Both stop when the *prox-gradient mapping* with unit step,

.. math::

    G(\boldsymbol\theta) = \boldsymbol\theta - \operatorname{prox}_h\bigl(\boldsymbol\theta - \nabla f(\boldsymbol\theta)\bigr),

has :math:`\lVert G\rVert_\infty \le` ``tol`` (:func:`optimality`). :math:`G = 0` exactly
at the minimiser: entry by entry it says :math:`\partial f/\partial w_j = -\lambda_1
\operatorname{sign}(w_j)` where :math:`w_j \ne 0`, :math:`\lvert\partial f/\partial
w_j\rvert \le \lambda_1` where :math:`w_j = 0` (the KKT conditions), and
:math:`\partial f/\partial b = 0`. For :math:`\lambda_1 = 0` it *is* the gradient, so the
rule is the one of the smooth methods.
As with any gradient-based rule, a small :math:`G` bounds the distance to the minimiser
only through the curvature: on nearly separable data with a weak penalty (the breast-cancer
features with :math:`\lambda_1 = 10^{-4}`) FISTA stops with :math:`\lVert G\rVert_\infty`
near :math:`10^{-10}` while some weights are still :math:`10^{-4}` away. Proximal Newton,
whose last steps are exact, does not have that problem.
"""

from __future__ import annotations

import time

import numpy as np

from lrmath._checks import as_float_array, check_labels, check_penalty, check_weights, check_X, finite
from lrmath.objective import loss_and_grad

__all__ = ["soft_threshold", "optimality"]


def soft_threshold(v, threshold):
    r"""The proximal operator of :math:`\tau\lvert\cdot\rvert`: shrink towards 0 by :math:`\tau`, stop at 0.

    .. math::

        S_\tau(v) = \arg\min_u \Bigl[\tfrac12 (u - v)^2 + \tau\lvert u\rvert\Bigr]
            = \operatorname{sign}(v)\max(\lvert v\rvert - \tau, 0)

    applied entry by entry. Every :math:`v` with :math:`\lvert v\rvert \le \tau` is mapped
    to exactly 0: this is where the zeros of the L1 penalty come from.

    Parameters
    ----------
    v : array_like
        Points to shrink.
    threshold : float
        :math:`\tau \ge 0`.

    Returns
    -------
    ndarray
        :math:`S_\tau(v)`, of the shape of ``v``.

    Examples
    --------
    >>> soft_threshold([-3.0, -0.5, 0.0, 0.2, 2.5], 1.0)
    array([-2. , -0. ,  0. ,  0. ,  1.5])

    The three cases of its derivation: above the threshold, below minus it, in between.

    >>> float(soft_threshold(1.7, 0.5)), float(soft_threshold(-1.7, 0.5)), float(soft_threshold(0.4, 0.5))
    (1.2, -1.2, 0.0)
    """
    v = as_float_array(v, "v")
    finite(v.reshape(-1), "v")
    threshold = check_penalty(threshold, "threshold")
    return np.sign(v) * np.maximum(np.abs(v) - threshold, 0.0)


def optimality(w, b, X, y, *, l1=0.0, l2=0.0):
    r"""How far :math:`(\mathbf{w}, b)` is from minimising mean BCE + L1 + L2: :math:`\lVert G\rVert_\infty`.

    :math:`G` is the prox-gradient mapping of the module docstring. It is 0 exactly at the
    minimiser; for ``l1=0`` it is the largest entry of the gradient. :func:`lrmath.fit`
    stops when it is at most ``tol`` and reports it as ``FitResult.grad_norm``.

    Parameters
    ----------
    w : array_like of shape (d,)
        Weights.
    b : float
        Bias.
    X : array_like of shape (n, d)
        Features.
    y : array_like of shape (n,)
        Labels, 0 or 1.
    l1, l2 : float, default 0.0
        The penalty strengths :math:`\lambda_1, \lambda_2 \ge 0` of
        :math:`\lambda_1\lVert\mathbf{w}\rVert_1 + \frac{\lambda_2}{2}\lVert\mathbf{w}\rVert^2`.

    Returns
    -------
    float

    Examples
    --------
    At :math:`\mathbf{w} = 0` with the best constant bias, the gradient of the BCE is
    :math:`\frac1n\mathbf{X}^\top(\bar{y} - \mathbf{y})`; an L1 penalty at least that large
    makes :math:`\mathbf{w} = 0` optimal:

    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> y = np.array([0, 0, 1, 1])
    >>> grad_w = X.T @ (0.5 - y) / 4
    >>> grad_w
    array([-0.5])
    >>> optimality([0.0], 0.0, X, y, l1=0.5), optimality([0.0], 0.0, X, y, l1=0.2)
    (0.0, 0.3)
    """
    X = check_X(X)
    y = check_labels(y, "y", n=X.shape[0])
    w, b = check_weights(w, b, X.shape[1])
    l1, l2 = check_penalty(l1, "l1"), check_penalty(l2, "l2")
    _, grad_w, grad_b = loss_and_grad(w, b, X, y, l2)
    theta = np.append(w, b)
    return _mapping_norm(theta, np.append(grad_w, grad_b), l1)


# ---------------------------------------------------------------------------------------
# Pieces shared by the two methods. theta = (w, b); the last entry is not penalised.
# ---------------------------------------------------------------------------------------

def _prox(theta: np.ndarray, t: float, l1: float) -> np.ndarray:
    out = theta.copy()
    w = theta[:-1]
    out[:-1] = np.sign(w) * np.maximum(np.abs(w) - t * l1, 0.0)
    return out


def _mapping_norm(theta: np.ndarray, g: np.ndarray, l1: float) -> float:
    r""":math:`\lVert\theta - \mathrm{prox}_h(\theta - \nabla f)\rVert_\infty`."""
    return float(np.max(np.abs(theta - _prox(theta - g, 1.0, l1))))


def _penalty(theta: np.ndarray, l1: float) -> float:
    return l1 * float(np.abs(theta[:-1]).sum())


def _coordinate_descent(H, g, theta, l1, tol, max_sweeps=2000):
    r"""Minimise :math:`g^\top\Delta + \frac12\Delta^\top H\Delta + \lambda_1\lVert w + \Delta_w\rVert_1`.

    One coordinate at a time: with the others fixed, coordinate :math:`j` sees a parabola
    with curvature :math:`H_{jj}` and slope :math:`r_j = g_j + (H\Delta)_j` at the current
    point, plus :math:`\lambda_1\lvert u\rvert` in the new value :math:`u` of the weight;
    the minimiser is one soft-thresholding. :math:`H\Delta` is kept up to date.

    Coordinate descent is slow when features are strongly correlated, but it finds *which*
    weights are zero, and their signs, long before it has converged. So after every sweep
    we guess that pattern and solve for the rest exactly: with the zeros fixed and the signs
    :math:`s` known the model is a quadratic, minimised by one linear solve of the active
    block, :math:`H_{AA}\,\delta_A = -(g_A + \lambda_1 s_A) - H_{AZ}\,\delta_Z`. The guess is
    kept only if it passes the model's optimality test (signs as guessed, and
    :math:`\lvert r_j\rvert \le \lambda_1` for every weight at zero); the model is convex,
    so then it is its exact minimiser.
    """
    d1 = len(theta)
    delta = np.zeros(d1)
    H_delta = np.zeros(d1)
    diag = np.diag(H).copy()
    last = d1 - 1
    for sweep in range(1, max_sweeps + 1):
        for j in range(d1):
            r = g[j] + H_delta[j]
            if j == last:  # the bias: a plain Newton step on the parabola
                step = -r / diag[j]
            else:
                old = theta[j] + delta[j]
                v = old - r / diag[j]
                new = np.sign(v) * max(abs(v) - l1 / diag[j], 0.0)
                step = new - old
            if step != 0.0:
                delta[j] += step
                H_delta += step * H[:, j]
        # optimality of the model at theta + delta (the same measure as outside)
        if _mapping_norm(theta + delta, g + H_delta, l1) <= tol:
            break
        exact = _solve_on_pattern(H, g, theta, theta + delta, l1)
        if exact is not None:
            return exact, sweep
    return delta, sweep


def _solve_on_pattern(H, g, theta, point, l1):
    """The model's exact minimiser if ``point`` has its zeros and signs; else None."""
    active = point != 0
    active[-1] = True  # the bias is always free
    signs = np.sign(point)
    signs[-1] = 0.0
    A, Z = np.flatnonzero(active), np.flatnonzero(~active)
    delta = np.zeros_like(theta)
    delta[Z] = -theta[Z]
    rhs = -(g[A] + l1 * signs[A]) - H[np.ix_(A, Z)] @ delta[Z]
    try:
        delta[A] = np.linalg.solve(H[np.ix_(A, A)], rhs)
    except np.linalg.LinAlgError:
        return None
    new = theta + delta
    if np.any(np.sign(new[A[:-1]]) != signs[A[:-1]]):
        return None
    r = g + H @ delta
    if np.any(np.abs(r[Z]) > l1):
        return None
    return delta


def _proximal_newton(problem, theta, tol, max_iter, l1):
    start = time.perf_counter()
    smooth, g, z = problem.value_grad(theta)
    loss = smooth + _penalty(theta, l1)
    history, times = [loss], [time.perf_counter() - start]
    sweeps = 0
    for it in range(1, max_iter + 1):
        measure = _mapping_norm(theta, g, l1)
        if measure <= tol:
            return theta, it - 1, True, history, times, measure
        H = problem.hessian(z)
        delta, used = _coordinate_descent(H, g, theta, l1, tol=max(0.1 * measure, 0.1 * tol))
        sweeps += used
        # Armijo on F with the decrease the model predicts (negative unless delta = 0)
        decrease = float(g @ delta) + _penalty(theta + delta, l1) - _penalty(theta, l1)
        t = 1.0
        while True:
            candidate = theta + t * delta
            new_smooth, new_z = problem.value(candidate)
            new_loss = new_smooth + _penalty(candidate, l1)
            if new_loss <= loss + 1e-4 * t * decrease or t < 1e-10:
                break
            t *= 0.5
        theta = candidate
        smooth, g, z = problem.value_grad(theta, new_z)
        loss = smooth + _penalty(theta, l1)
        history.append(loss)
        times.append(time.perf_counter() - start)
        if l1 == 0 and problem.separable:
            return theta, it, False, history, times, _mapping_norm(theta, g, l1)
    measure = _mapping_norm(theta, g, l1)
    return theta, max_iter, measure <= tol, history, times, measure


def _fista(problem, theta, tol, max_iter, l1, lr=None):
    start = time.perf_counter()
    step = 1.0 / problem.lipschitz() if lr is None else float(lr)
    if not step > 0:
        raise ValueError(f"lr must be positive, got {lr!r}")
    smooth, g, _ = problem.value_grad(theta)
    loss = smooth + _penalty(theta, l1)
    history, times = [loss], [time.perf_counter() - start]
    point, momentum = theta.copy(), 1.0  # the extrapolated point and t_k
    g_point = g
    for it in range(1, max_iter + 1):
        measure = _mapping_norm(theta, g, l1)
        if measure <= tol:
            return theta, it - 1, True, history, times, measure
        if l1 == 0 and problem.separable:
            return theta, it - 1, False, history, times, measure
        new_theta = _prox(point - step * g_point, step, l1)
        smooth, g, _ = problem.value_grad(new_theta)
        new_loss = smooth + _penalty(new_theta, l1)
        if not np.isfinite(new_loss):
            raise FloatingPointError(f"FISTA diverged at iteration {it}: lr={step:g} is too large")
        if new_loss > loss:  # adaptive restart: forget the momentum
            momentum = 1.0
        next_momentum = (1.0 + np.sqrt(1.0 + 4.0 * momentum**2)) / 2.0
        beta = (momentum - 1.0) / next_momentum  # 0 right after a restart
        point = new_theta + beta * (new_theta - theta) if beta else new_theta
        g_point = problem.value_grad(point)[1] if beta else g
        momentum = next_momentum
        theta, loss = new_theta, new_loss
        history.append(loss)
        times.append(time.perf_counter() - start)
    measure = _mapping_norm(theta, g, l1)
    return theta, max_iter, measure <= tol, history, times, measure
