r"""Fitting: minimise :math:`J(\mathbf{w}, b) = \text{mean BCE} + \frac{\lambda}{2}\lVert\mathbf{w}\rVert^2`.

Three methods, from the one every course teaches first to the ones used in practice:

``"gd"``
    Gradient descent, :math:`\boldsymbol\theta \leftarrow \boldsymbol\theta - \eta\,\nabla J`,
    with the step :math:`\eta = 1/M` from the Lipschitz constant
    :math:`M = \lVert\tilde{\mathbf{X}}\rVert_2^2 / (4n) + \lambda` of the gradient
    (:math:`\sigma' \le 1/4`), which guarantees that every step decreases :math:`J`.
    Slow, and there for teaching.
``"newton"``
    Newton's method (IRLS): solve :math:`\mathbf{H}\,\Delta = \nabla J` with a
    Cholesky factorisation of the Hessian and step by :math:`\Delta`, halving the
    step while it does not decrease :math:`J` enough. A handful of iterations, each
    costing :math:`O(n d^2 + d^3)`.
``"lbfgs"``
    Limited-memory BFGS: a quasi-Newton direction built from the last 10 gradient
    differences, with a backtracking line search. :math:`O(n d)` per iteration.
``"auto"``
    Chosen from what each method costs, counted in **passes** over :math:`\mathbf{X}` (one
    evaluation of :math:`J` and its gradient reads :math:`\mathbf{X}` once; building the
    Hessian costs about :math:`1 + d/40` passes, :func:`hessian_cost_in_passes`, a ratio
    measured by ``benchmarks/fit_vs_sklearn.py``):

    - ``"newton"`` when :math:`\mathbf{X}` is small (at most :math:`2^{16}` entries): it sits in
      cache, per-call overhead dominates, and Newton needs the fewest calls;
    - ``"lbfgs"`` when :math:`d > 1000`: one Hessian costs more than 25 passes and
      :math:`d^3/3` flops to factor, more than L-BFGS's whole fit on all but hopeless
      conditioning;
    - otherwise ``"lbfgs+newton"``: L-BFGS, watching its own rate. After each pass (from
      the tenth on) it estimates the passes it still needs, :math:`\log(\text{tol}/g)/\log\rho`
      with :math:`\rho` its recent decrease of :math:`\lVert\nabla J\rVert_\infty` per pass,
      and hands over to Newton as soon as four Newton iterations
      (:math:`4(2 + d/40)` passes) cost less. On standardised data L-BFGS finishes first;
      on badly scaled data (feature scales spanning decades, where L-BFGS slows to
      thousands of iterations) Newton takes over within a few passes.
    - On large data (:math:`\mathbf{X}` over 32 MiB) with at least 100 columns, where a pass
      is the time to read :math:`\mathbf{X}` from memory, L-BFGS's first pass also writes a
      float32 copy of it, and the iterations read the copy (half the bytes) until
      :math:`\lVert\nabla J\rVert_\infty` is :math:`10^{-7}` of its value at the start (or
      until 10 iterations in a row fail to halve it); the last ones read :math:`\mathbf{X}`,
      so the result is as accurate (see :func:`_lbfgs`). Not from a warm start (``init``),
      where the copy does not pay (:meth:`_Problem.use_single`).
    - For a Dask array (:mod:`lrmath.partitioned`), a pass is dear (the data are read from
      disk or made anew) and the Hessian comes in the same pass as the gradient:
      ``"newton"`` when :math:`d \le 1000`, else ``"lbfgs"``.

    With ``l1 > 0``: ``"prox-newton"`` when :math:`d \le 100`, ``"fista"`` otherwise.
``"prox-newton"``, ``"fista"``
    The proximal methods of :mod:`lrmath.proximal`, for the L1 penalty
    :math:`\lambda_1\lVert\mathbf{w}\rVert_1` (``l1``), alone or with ``l2`` (the elastic
    net). ``"gd"``, ``"newton"`` and ``"lbfgs"`` need a gradient, which :math:`\lvert w_j\rvert`
    does not have at 0: asking for them with ``l1 > 0`` is a ValueError.

All stop when the largest entry of the gradient, :math:`\lVert\nabla J\rVert_\infty`, is at
most ``tol``. :math:`\boldsymbol\theta = (\mathbf{w}, b)`; the bias is not penalised.

Two things that cannot be fixed by iterating longer are said, not hidden:

- **Separable data** with ``l2=0``: if some iterate classifies every example correctly,
  :math:`J` can be made as small as we like by scaling :math:`\boldsymbol\theta` up, so
  there is no finite minimiser. :func:`fit` warns (:class:`SeparableDataWarning`) and stops.
  (A method that stops at ``max_iter`` first is followed by up to 50 Newton steps, which
  find such an iterate quickly when one exists.) The weights returned then depend on the
  method and where it stopped: they are not an optimum, because there is none.
- **No convergence** within ``max_iter``: a :class:`ConvergenceWarning`, and
  ``converged=False`` in the result.
"""

from __future__ import annotations

import numbers
import os
import time
import warnings
from dataclasses import dataclass

import numpy as np

from lrmath._checks import check_labels, check_penalty, check_X, finite
from lrmath.objective import _hessian_sum, _is_dask, _loss_and_grad_sums, _loss_sum_and_residual
from lrmath.proximal import _fista, _proximal_newton

__all__ = ["fit", "FitResult", "ConvergenceWarning", "SeparableDataWarning"]

METHODS = ("auto", "gd", "newton", "lbfgs", "prox-newton", "fista")
PROXIMAL_METHODS = ("prox-newton", "fista")
PARTITIONED_METHODS = ("auto", "newton", "lbfgs")  # what a Dask array can be fitted with
DEFAULT_MAX_ITER = {"gd": 100_000, "newton": 100, "lbfgs": 2_000, "lbfgs+newton": 2_000, "prox-newton": 100, "fista": 100_000}
AUTO_NEWTON_SIZE = 2**16  # "auto": Newton outright when X has at most this many entries
AUTO_MIN_LBFGS_EVALS = 10  # "auto": L-BFGS passes before its rate is judged
AUTO_NEWTON_STEPS = 4  # "auto": Newton steps expected from where L-BFGS hands over
HESSIAN_COLUMNS_PER_PASS = 40  # building the Hessian costs about 1 + d / this passes over X (measured)
AUTO_MAX_NEWTON_D = 1000  # "auto": no Newton beyond this many features (a Hessian costs 25+ passes)
SINGLE_MIN_BYTES = 32 << 20  # L-BFGS reads a float32 copy of X in its early iterations when X is this large
SINGLE_MIN_COLUMNS = 100  # ... and has this many columns (see _Problem.use_single)
SINGLE_UNTIL = 1e-7  # ... until |grad J| falls below this times its value at the start (see _lbfgs)
SINGLE_ROUNDING = 1e-8  # ... where J's relative error is about 1e-9, which the line search allows for
SINGLE_MIN_STEP = 1e-3  # ... or until a line search on the copy backtracks below this step
SINGLE_STALL = 10  # ... or until this many iterations on the copy have not halved |grad J|


def _memory() -> int:
    """Bytes of physical memory on this machine (0 where the system does not say)."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return 0


def hessian_cost_in_passes(d: int) -> float:
    """What building the Hessian costs, in passes over X (one pass: J and its gradient).

    A pass reads each entry of X once and does 4 flops with it (two ``gemv``); the Hessian
    does about :math:`2(d + 1)` flops per entry (``syrk``), at a higher rate because it is
    compute-bound. Measured on this course's machine (``benchmarks/fit_vs_sklearn.py``,
    Table 2's "H/pass" column): about :math:`1 + d / 40`.
    """
    return 1.0 + d / HESSIAN_COLUMNS_PER_PASS


class ConvergenceWarning(UserWarning):
    """The method stopped at ``max_iter`` before the gradient was below ``tol``."""


class SeparableDataWarning(RuntimeWarning):
    """The data are linearly separable and ``l2=0``: there is no finite minimiser."""


@dataclass(frozen=True)
class FitResult:
    """What :func:`fit` found.

    Attributes
    ----------
    w : ndarray of shape (d,)
        Weights.
    b : float
        Bias.
    n_iter : int
        Iterations taken.
    converged : bool
        Whether :math:`\\lVert\\nabla J\\rVert_\\infty \\le` ``tol`` was reached.
    history : ndarray of shape (n_iter + 1,)
        :math:`J` at the start and after each iteration.
    times : ndarray of shape (n_iter + 1,)
        Seconds since the method started (set-up included), at the same moments.
    method : str
        The method used (``"auto"`` resolved: ``"newton"``, ``"lbfgs+newton"`` or ``"lbfgs"``).
    grad_norm : float
        :math:`\\lVert\\nabla J\\rVert_\\infty` at the result; for ``"prox-newton"`` and
        ``"fista"``, the largest entry of the prox-gradient mapping
        (:func:`lrmath.proximal.optimality`), which is the same number when ``l1=0``.
    passes : int
        Passes over ``X``: evaluations of :math:`J` (with or without its gradient) and
        Hessians, those over L-BFGS's float32 copy of ``X`` included. Over a Dask array, a
        Newton iteration's Hessian comes in the same pass as its gradient. (The search for a
        separating iterate after a failed fit is not counted.)
    """

    w: np.ndarray
    b: float
    n_iter: int
    converged: bool
    history: np.ndarray
    times: np.ndarray
    method: str
    grad_norm: float
    passes: int = -1


class _Problem:
    """:math:`J` and its derivatives as functions of :math:`\\theta = (w, b)`.

    Speed: every evaluation goes through ``X`` once, in blocks of rows that stay in cache
    (:func:`lrmath.objective._loss_and_grad_sums`), and the Hessian is built block by block
    with a symmetric product, so no temporary is as large as ``X``. NaN and inf in ``X`` show in
    the first pass's results (see :func:`lrmath.objective._small_loss_and_grad`), and only then
    is ``X`` searched, to name the entry; a method that reads ``X`` otherwise first (the
    Lipschitz bound of ``"gd"``) searches it before. For L-BFGS on large data the first pass
    also writes a float32 copy of ``X`` (:meth:`use_single`).
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, l2: float, warm: bool = False):
        self.X = np.ascontiguousarray(X, dtype=np.float64)  # rows contiguous, for the blocks
        self.y, self.l2 = y, l2
        self.warm = warm  # a start given by the caller (fit's init): no float32 copy (see use_single)
        self.n, self.d = X.shape
        self.c = 0.5 - y  # the loss and the residuals are written with 1/2 - y
        self.sign = 2.0 * y - 1.0
        self.separable = False
        self.passes = 0  # passes over X: evaluations of J (with or without gradient) and Hessians
        self.unchecked = True  # X not yet searched for NaN and inf: the first pass does it, through its results
        self.single = None  # a float32 copy of X, while L-BFGS's early iterations use it (see use_single)
        self.make_single = False  # whether the next pass writes that copy on its way

    def _check(self) -> None:
        """Search X for NaN and inf once, if no pass has (a ValueError names the first)."""
        if self.unchecked:
            finite(self.X, "X")
            self.unchecked = False

    def scores(self, theta: np.ndarray) -> np.ndarray:
        z = self.X @ theta[:-1]
        z += theta[-1]
        return z

    def value_grad(self, theta: np.ndarray, z: np.ndarray | None = None, single: bool = False):
        """:math:`J`, its gradient and the scores at ``theta``, in one pass over ``X``.

        ``z`` (the scores at ``theta``, if known) is not needed: the pass that reads ``X``
        for the gradient computes the scores on the way, at no extra memory traffic.
        ``single``: read the float32 copy of ``X`` instead (see :meth:`use_single`).
        """
        self.passes += 1
        w = theta[:-1]
        z = np.empty(self.n)
        copy = None
        if self.make_single:  # this pass writes the float32 copy on its way
            copy = self.single = np.empty(self.X.shape, np.float32)
            self.make_single = False
        with np.errstate(over="ignore", invalid="ignore"):
            loss, grad_w, grad_b = _loss_and_grad_sums(self.single if single else self.X, self.c, w, theta[-1],
                                                       z_out=z, copy_to=copy)
        if (self.unchecked or copy is not None) and not np.isfinite(loss + grad_b + grad_w.sum()):
            # NaN or inf in X always shows in the results (objective._small_loss_and_grad)
            finite(self.X, "X")  # raises, naming the first bad entry
            if copy is not None:  # X is finite: entries beyond float32's range; no copy, the pass again
                self.drop_single()
                self.unchecked = False
                return self.value_grad(theta)
        self.unchecked = False
        single = single or copy is not None  # whether the numbers come from the float32 copy
        loss /= self.n
        g = np.empty_like(theta)
        g[:-1] = grad_w
        g[:-1] /= self.n
        g[-1] = grad_b / self.n
        if self.l2:
            loss += 0.5 * self.l2 * float(w @ w)
            g[:-1] += self.l2 * w
        elif not single and np.all(self.sign * z > 0):  # (scores from the float32 copy could misplace one by 1e-7)
            self.separable = True
        return loss, g, z

    def use_single(self) -> bool:
        """Whether L-BFGS's early iterations should read a float32 copy of ``X``; if so, the next
        pass makes it (:func:`lrmath.objective._loss_and_grad_sums`).

        A pass over large ``X`` is the time to read it from memory, so one over a float32 copy
        costs half as much (measured: 18 against 35 ms over 200 000 x 200, 12.6 against 33 ms
        over 20 000 x 2 000, one thread); the pass that writes the copy (and computes from it
        on its way) takes about two passes' time (70 ms over 200 000 x 200). It pays when ``X``
        is larger than the caches and has many columns (with few columns the per-example work,
        not the read, is most of a pass), and the copy is made only if it takes at most an
        eighth of the machine's memory.

        Not from a warm start (``fit``'s ``init``): starting near the optimum, the gradient is
        soon as small as the copy's rounding makes it uncertain, and the iterations on the
        copy stall until ``SINGLE_STALL`` sends them to ``X``. Measured along a path of
        penalties (``l2`` 1e-4, then 2e-4 and 1e-3 from the first fit; one thread): 200 000 x 200
        took 0.72 s with the copy and 0.28 to 0.38 s without; 20 000 x 2 000, 0.98 to 1.22 s
        against 0.70 to 0.81 s.
        """
        size = self.X.nbytes
        self.make_single = (not self.warm and size >= SINGLE_MIN_BYTES and self.d >= SINGLE_MIN_COLUMNS
                            and size // 2 <= _memory() // 8)
        return self.make_single

    def drop_single(self) -> None:
        self.single = None
        self.make_single = False

    def value(self, theta: np.ndarray):
        self._check()
        self.passes += 1
        z = self.scores(theta)
        loss, _ = _loss_sum_and_residual(z, self.c)
        loss /= self.n
        if self.l2:
            loss += 0.5 * self.l2 * float(theta[:-1] @ theta[:-1])
        return loss, z

    def hessian(self, z: np.ndarray) -> np.ndarray:
        """:math:`\\frac1n \\tilde X^\\top S \\tilde X + \\lambda I_d` at the scores ``z``, bias last
        (:func:`lrmath.objective._hessian_sum`: blocks of rows, BLAS ``syrk``)."""
        self._check()
        self.passes += 1
        H = _hessian_sum(self.X, z)
        H /= self.n
        H.reshape(-1)[: self.d * (self.d + 2) : self.d + 2] += self.l2  # the weights' diagonal (a view)
        return H

    def lipschitz(self) -> float:
        """:math:`\\lVert[X, 1]\\rVert_2^2 / (4n) + \\lambda`, an upper bound on the curvature."""
        self._check()
        d = self.d
        if d <= 500:
            gram = np.empty((d + 1, d + 1))
            gram[:d, :d] = self.X.T @ self.X
            gram[:d, d] = gram[d, :d] = self.X.sum(axis=0)
            gram[d, d] = self.n
            top = float(np.linalg.eigvalsh(gram)[-1])
        else:  # power iteration, with a margin for its underestimate
            v = np.ones(d + 1) / np.sqrt(d + 1)
            for _ in range(50):
                u = np.append(self.X.T @ (self.X @ v[:-1] + v[-1]), (self.X @ v[:-1] + v[-1]).sum())
                top = float(np.linalg.norm(u))
                v = u / top
            top *= 1.05
        return top / (4 * self.n) + self.l2


def fit(X, y, *, l2=0.0, method="auto", tol=1e-8, max_iter=None, lr=None, init=None, l1=0.0):
    r"""Fit logistic regression by minimising the mean cross-entropy plus L2 and L1 penalties.

    Parameters
    ----------
    X : array_like or Dask array of shape (n, d)
        Features. Standardise them first for ``"gd"``: it converges faster. A Dask array
        (methods ``"auto"``, ``"newton"``, ``"lbfgs"``) is never held whole: each
        evaluation is one map over its row partitions and one reduce
        (:mod:`lrmath.partitioned`).
    y : array_like or Dask array of shape (n,)
        Labels, 0 or 1.
    l2 : float, default 0.0
        :math:`\lambda \ge 0` in :math:`J + \frac{\lambda}{2}\lVert\mathbf{w}\rVert^2`.
        scikit-learn's ``C`` is :math:`1 / (n\lambda)`.
    method : {"auto", "gd", "newton", "lbfgs", "prox-newton", "fista"}, default "auto"
        See the module docstring. ``"auto"`` decides from costs counted in passes over
        ``X`` (a Hessian costs :func:`hessian_cost_in_passes`, about :math:`1 + d/40`, as
        measured by the benchmark): Newton for small ``X`` (at most :math:`2^{16}` entries);
        L-BFGS for :math:`d > 1000`; otherwise L-BFGS that, from its tenth pass on,
        estimates the passes it still needs from its recent rate and hands over to Newton
        when four Newton iterations cost fewer (on large data with at least 100 columns, its
        early iterations read a float32 copy of ``X``). With ``l1 > 0``, proximal Newton for
        :math:`d \le 100`, FISTA beyond. For a Dask array, Newton (its Hessian comes in the
        same pass as its gradient) when :math:`d \le 1000`, else L-BFGS. The result's
        ``method`` says what was used.
    tol : float, default 1e-8
        Stop when :math:`\lVert\nabla J\rVert_\infty \le` ``tol``; for the proximal
        methods, when the prox-gradient mapping is (see :func:`lrmath.proximal.optimality`).
    max_iter : int, optional
        Default 100 000 for ``"gd"`` and ``"fista"``, 100 for ``"newton"`` and
        ``"prox-newton"``, 2 000 for ``"lbfgs"``.
    lr : float, optional
        Step size for ``"gd"`` and ``"fista"``; default :math:`1/M` (see the module docstring).
    init : tuple (w, b), optional
        Starting point; default :math:`\mathbf{w} = 0` and :math:`b` the log-odds of the
        label mean (the best constant model). A previous fit's ``(result.w, result.b)``
        is a warm start along a path of penalties.
    l1 : float, default 0.0
        :math:`\lambda_1 \ge 0` in :math:`+\,\lambda_1\lVert\mathbf{w}\rVert_1`: the L1
        (lasso) penalty, which sets weights exactly to zero; with ``l2 > 0`` too, the elastic
        net. scikit-learn's ``LogisticRegression(C=C, l1_ratio=r)`` minimises the same
        objective times :math:`Cn` when :math:`C = 1/(n(\lambda_1 + \lambda_2))` and
        :math:`r = \lambda_1/(\lambda_1 + \lambda_2)`, i.e. :math:`\lambda_1 = r/(Cn)`,
        :math:`\lambda_2 = (1 - r)/(Cn)`.

    Returns
    -------
    FitResult

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> y = np.array([0, 1, 0, 1])
    >>> result = fit(X, y, l2=0.1)
    >>> result.converged, result.method
    (True, 'newton')

    At the result the gradient vanishes (to ``tol``):

    >>> from lrmath.objective import loss_and_grad
    >>> _, grad_w, grad_b = loss_and_grad(result.w, result.b, X, y, l2=0.1)
    >>> bool(max(np.abs(grad_w).max(), abs(grad_b)) <= 1e-8)
    True

    Every method reaches the same minimiser:

    >>> slow = fit(X, y, l2=0.1, method="gd")
    >>> bool(np.allclose(slow.w, result.w, atol=1e-6))
    True

    An L1 penalty above :math:`\lvert\partial J/\partial w\rvert = 0.25` at
    :math:`w = 0` sets the weight exactly to zero; a smaller one only shrinks it:

    >>> [round(float(fit(X, y, l1=l1).w[0]), 3) for l1 in (0.0, 0.1, 0.3)]
    [0.908, 0.5, 0.0]
    >>> fit(X, y, l1=0.3).method
    'prox-newton'
    """
    partitioned = _is_dask(X, y)
    if partitioned:
        from lrmath import partitioned as _partitioned

        X, y = _partitioned.aligned(X, y)  # shapes now; values in every pass
    else:
        X = check_X(X, check_finite=False)  # NaN and inf: searched in the first pass (_Problem)
        y = check_labels(y, "y", n=X.shape[0])
    l2 = check_penalty(l2, "l2")
    l1 = check_penalty(l1, "l1")
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    if l1 > 0 and method not in PROXIMAL_METHODS + ("auto",):
        raise ValueError(
            f"method={method!r} needs the gradient, which the L1 penalty does not have where a weight is 0; "
            f"with l1 > 0 use method='auto', 'prox-newton' or 'fista'"
        )
    if partitioned and (l1 > 0 or method not in PARTITIONED_METHODS):
        raise ValueError(
            f"a Dask array is fitted with method 'auto', 'lbfgs' or 'newton' and l1=0; got method={method!r}, l1={l1:g}"
        )
    if not (isinstance(tol, numbers.Real) and tol > 0):
        raise ValueError(f"tol must be a positive number, got {tol!r}")
    n, d = X.shape
    method = _resolve(method, n, d, l1, partitioned)
    if max_iter is None:
        max_iter = DEFAULT_MAX_ITER[method]
    if not (isinstance(max_iter, numbers.Integral) and max_iter >= 1):
        raise ValueError(f"max_iter must be a positive integer, got {max_iter!r}")
    if partitioned:
        problem = _partitioned.PartitionedProblem(X, y, l2, with_hessian=method == "newton")
    else:
        problem = _Problem(X, y, l2, warm=init is not None)
    theta = np.zeros(d + 1)
    if init is not None:
        theta[:-1], theta[-1] = np.asarray(init[0], dtype=float), float(init[1])
    else:
        mean = float(y.mean().compute()) if partitioned else y.mean()
        theta[-1] = np.log(mean / (1 - mean)) if 0 < mean < 1 else 0.0
    solver = {"gd": _gradient_descent, "newton": _newton, "lbfgs": _lbfgs, "lbfgs+newton": _lbfgs_then_newton,
              "prox-newton": _proximal_newton, "fista": _fista}[method]
    kwargs = {"lr": lr} if method in ("gd", "fista") else {}
    if method in PROXIMAL_METHODS:
        kwargs["l1"] = l1
    theta, n_iter, converged, history, times, gnorm = solver(problem, theta, tol, max_iter, **kwargs)
    passes = problem.passes
    if not converged and not problem.separable and l2 == 0 and l1 == 0:
        # Slow methods may never reach an iterate that separates the data. A few Newton
        # steps from where they stopped do, if the data are separable.
        _newton(problem, theta.copy(), tol, 50)
    if problem.separable and l1 == 0:  # an L1 penalty, like L2, keeps the minimiser finite
        warnings.warn(
            "the data are linearly separable and l2=0: J has no finite minimiser (it decreases "
            "towards 0 as the weights grow without bound); stopped. Use l2 > 0.",
            SeparableDataWarning,
            stacklevel=2,
        )
    elif not converged:
        warnings.warn(
            f"{method} did not converge in {n_iter} iterations: largest "
            f"{'entry of the prox-gradient mapping' if method in PROXIMAL_METHODS else 'gradient entry'} {gnorm:.2e} > tol {tol:.0e}",
            ConvergenceWarning,
            stacklevel=2,
        )
    return FitResult(theta[:-1].copy(), float(theta[-1]), n_iter, converged, np.array(history), np.array(times), method,
                     gnorm, passes)


def _resolve(method: str, n: int, d: int, l1: float, partitioned: bool) -> str:
    """What ``method="auto"`` means for this problem (see :func:`fit`'s docstring)."""
    if method != "auto":
        return method
    if l1 > 0:
        return "prox-newton" if d <= 100 else "fista"
    if partitioned:  # a pass is dear (data read from disk or made anew): Newton's few passes win
        return "newton" if d <= AUTO_MAX_NEWTON_D else "lbfgs"
    if n * d <= AUTO_NEWTON_SIZE:
        return "newton"
    return "lbfgs+newton" if d <= AUTO_MAX_NEWTON_D else "lbfgs"


# ---------------------------------------------------------------------------------------
# The three methods: each returns (theta, n_iter, converged, history, times, |grad|_inf)
# ---------------------------------------------------------------------------------------

def _gradient_descent(problem: _Problem, theta, tol, max_iter, lr=None):
    start = time.perf_counter()
    step = 1.0 / problem.lipschitz() if lr is None else float(lr)
    if not step > 0:
        raise ValueError(f"lr must be positive, got {lr!r}")
    loss, g, _ = problem.value_grad(theta)
    history, times = [loss], [time.perf_counter() - start]  # the set-up (1/M) is included
    for it in range(1, max_iter + 1):
        if np.max(np.abs(g)) <= tol or problem.separable:
            return theta, it - 1, not problem.separable, history, times, float(np.max(np.abs(g)))
        theta = theta - step * g  # the textbook update: W := W - lr * grad
        loss, g, _ = problem.value_grad(theta)
        if not np.isfinite(loss):
            raise FloatingPointError(f"gradient descent diverged at iteration {it}: lr={step:g} is too large")
        history.append(loss)
        times.append(time.perf_counter() - start)
    gnorm = float(np.max(np.abs(g)))
    return theta, max_iter, gnorm <= tol and not problem.separable, history, times, gnorm


def _cholesky_solve(H: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Solve H x = g for a positive definite H; a tiny ridge if H is only semi-definite.

    The Cholesky factorisation is the test of definiteness (it fails otherwise). NumPy has no
    triangular solver, so the system is then solved with ``solve`` on H itself: one call
    instead of two on the factors, which is what counts for small d; for large d either
    costs nothing next to building H (n d^2).
    """
    ridge, A = 0.0, H
    for _ in range(8):
        try:
            np.linalg.cholesky(A)
            return np.linalg.solve(A, g)
        except np.linalg.LinAlgError:
            ridge = max(ridge * 100, 1e-10 * float(np.trace(H)) / len(g) + 1e-12)
            A = H + ridge * np.eye(len(g))
    raise np.linalg.LinAlgError("the Hessian is not positive definite even with a ridge")


def _acceptable(loss, new_loss, t, slope, new_slope, c1=1e-4, rounding=1e-12) -> bool:
    r"""Whether the step ``t`` along a descent direction decreases :math:`J` enough.

    ``slope`` and ``new_slope`` are the derivatives of :math:`J` along the direction at the
    start and at the new point. First Armijo's test,
    :math:`J_{\text{new}} \le J + c_1 t \cdot \text{slope}`. Near the minimum the decrease it asks
    for falls below the rounding error of :math:`J` (a gradient of 1e-9 changes :math:`J` by
    about 1e-18), and a line search that insists on it backtracks for nothing. So, when
    :math:`J` did not rise beyond rounding, the approximate test of Hager and Zhang (2005) is
    used, which looks at the slope instead (gradients keep their precision where values do not):
    :math:`\text{slope}_{\text{new}} \le (1 - 2c_1)\,|\text{slope}|`; for a quadratic this is
    Armijo's test itself. ``rounding`` is the relative error of :math:`J` (larger when it is
    computed from a float32 copy of :math:`\mathbf{X}`, see :func:`_lbfgs`).
    """
    if new_loss <= loss + c1 * t * slope:
        return True
    return new_loss <= loss + rounding * abs(loss) and new_slope <= (2 * c1 - 1) * slope


def _newton(problem: _Problem, theta, tol, max_iter):
    start = time.perf_counter()
    loss, g, z = problem.value_grad(theta)
    history, times = [loss], [time.perf_counter() - start]
    for it in range(1, max_iter + 1):
        gnorm = float(np.max(np.abs(g)))
        if gnorm <= tol or problem.separable:
            return theta, it - 1, not problem.separable, history, times, gnorm
        direction = -_cholesky_solve(problem.hessian(z), g)
        slope = float(g @ direction)
        t = 1.0
        while True:  # backtracking line search
            candidate = theta + t * direction
            new_loss, new_g, new_z = problem.value_grad(candidate)  # the gradient costs no extra pass
            if _acceptable(loss, new_loss, t, slope, float(new_g @ direction)) or t < 1e-10:
                break
            t *= 0.5
        theta, loss, g, z = candidate, new_loss, new_g, new_z
        history.append(loss)
        times.append(time.perf_counter() - start)
    gnorm = float(np.max(np.abs(g)))
    return theta, max_iter, gnorm <= tol and not problem.separable, history, times, gnorm


def _lbfgs(problem: _Problem, theta, tol, max_iter, memory: int = 10, hand_over=None):
    r"""L-BFGS; ``hand_over(evals, gnorms)``, if given, may stop it early (returns True) so that
    another method takes over from where it is.

    On large data with many columns (:meth:`_Problem.use_single`), the first pass writes a
    float32 copy of ``X`` (and computes from it), and the iterations read that copy, at half
    the cost of a pass, while :math:`\lVert\nabla J\rVert_\infty` is above ``SINGLE_UNTIL``
    (1e-7) times its value at the start. Single precision perturbs the gradient by about 1e-9 (``X`` rounded to 7
    digits, and the products' sums), far below the gradients of those iterations, and
    :math:`J` by about 1e-9 relative, which their line searches allow for
    (``SINGLE_ROUNDING``). From then on every pass reads ``X`` itself, and the iterations,
    keeping their curvature pairs, go on to ``tol``: the result is as accurate as without the
    copy. The switch comes early if a line search on the copy fails (its values are then not
    to be trusted, or not finite: an entry beyond float32's range), or if ``SINGLE_STALL`` (10)
    iterations on the copy in a row fail to halve :math:`\lVert\nabla J\rVert_\infty`: the
    copy's rounding then stands in the way (its line searches accept steps that only its
    rounding calls descents), as when a start near the optimum puts the threshold below it.
    Without that rule, such a fit stayed on the copy until ``max_iter`` (20 000 x 2 000 with
    the threshold at 3e-8 instead of 1e-7: 2 000 passes on the copy, no convergence; with it,
    31 passes on the copy and 9 on ``X``).
    """
    start = time.perf_counter()
    single = isinstance(problem, _Problem) and problem.use_single()  # not for a Dask array
    loss, g, _ = problem.value_grad(theta)  # from the copy it writes on its way, if single
    single = single and problem.single is not None  # (no copy if X has entries beyond float32's range)
    evals = 1
    single_until = max(tol, SINGLE_UNTIL * float(np.max(np.abs(g))))
    history, times = [loss], [time.perf_counter() - start]
    s_list, y_list = [], []
    gnorms = []
    anchor, stalled = np.inf, 0  # on the copy: the last |grad J| that halved the one before, iterations since

    from_copy = single  # whether ``loss`` and ``g`` were computed from the float32 copy

    def to_double(evaluate: bool):
        """Leave the float32 copy; with ``evaluate``, J and its gradient at ``theta`` at full precision."""
        nonlocal single, loss, g, evals, from_copy
        single = False
        problem.drop_single()
        if evaluate:
            loss, g, _ = problem.value_grad(theta)
            evals += 1
            history[-1] = loss
            from_copy = False

    for it in range(1, max_iter + 1):
        gnorm = float(np.max(np.abs(g)))
        if single and gnorm <= single_until:
            # from here on every pass reads X; the float32 gradient is kept for the next step's
            # direction (its error, about 1e-9, is far below |g|), unless it claims convergence
            to_double(evaluate=gnorm <= tol)
            gnorm = float(np.max(np.abs(g)))
        elif single:  # no progress for SINGLE_STALL iterations: the copy's rounding is in the way
            anchor, stalled = (gnorm, 0) if gnorm <= 0.5 * anchor else (anchor, stalled + 1)
            if stalled >= SINGLE_STALL:
                to_double(evaluate=False)
        gnorms.append(gnorm)
        if gnorm <= tol or problem.separable or (hand_over is not None and hand_over(evals, gnorms, tol)):
            if single:
                to_double(evaluate=False)
            return theta, it - 1, gnorm <= tol and not problem.separable, history, times, gnorm
        # two-loop recursion: direction = H_k g, H_k the L-BFGS inverse-Hessian estimate
        q = g.copy()
        alphas = []
        for s, yv in zip(reversed(s_list), reversed(y_list)):
            a = (s @ q) / (yv @ s)
            alphas.append(a)
            q -= a * yv
        if s_list:
            q *= (s_list[-1] @ y_list[-1]) / (y_list[-1] @ y_list[-1])
        else:
            q /= max(1.0, float(np.linalg.norm(g)))
        for (s, yv), a in zip(zip(s_list, y_list), reversed(alphas)):
            q += s * (a - (yv @ q) / (yv @ s))
        direction = -q
        while True:  # the line search; done again at full precision if it fails on the float32 copy
            slope = float(g @ direction)
            if slope >= 0:  # not a descent direction: restart from the gradient
                s_list, y_list = [], []
                direction, slope = -g, -float(g @ g)
            t = 1.0
            while True:
                candidate = theta + t * direction
                if single:
                    new_loss, new_g, _ = problem.value_grad(candidate, single=True)
                else:
                    new_loss, new_g, _ = problem.value_grad(candidate)
                evals += 1
                accepted = _acceptable(loss, new_loss, t, slope, float(new_g @ direction),
                                       rounding=SINGLE_ROUNDING if from_copy or single else 1e-12)
                if accepted or t < (SINGLE_MIN_STEP if single else 1e-12):
                    break
                t *= 0.5
            if accepted or not single:
                break
            to_double(evaluate=True)
        s, yv = candidate - theta, new_g - g
        if s @ yv > 1e-12 * (s @ s) and from_copy == single:  # a pair across the switch mixes two precisions
            s_list.append(s)
            y_list.append(yv)
            if len(s_list) > memory:
                s_list.pop(0)
                y_list.pop(0)
        theta, loss, g, from_copy = candidate, new_loss, new_g, single
        history.append(loss)
        times.append(time.perf_counter() - start)
    if single:
        to_double(evaluate=True)
    gnorm = float(np.max(np.abs(g)))
    return theta, max_iter, gnorm <= tol and not problem.separable, history, times, gnorm


def _newton_is_cheaper(d: int):
    """The rule by which ``"auto"`` hands over from L-BFGS to Newton (see :func:`fit`).

    After ``evals`` passes, L-BFGS's rate is the geometric mean of the decrease of
    :math:`\\lVert\\nabla J\\rVert_\\infty` per iteration over its last (up to) 5 iterations;
    at that rate, reaching ``tol`` takes :math:`\\log(\\text{tol}/g)/\\log(\\text{rate})` more
    passes. Newton from here takes about ``AUTO_NEWTON_STEPS`` iterations of one Hessian and
    one pass each. Hand over when Newton's cost is the smaller.
    """
    newton_cost = AUTO_NEWTON_STEPS * (1.0 + hessian_cost_in_passes(d))

    def hand_over(evals: int, gnorms: list, tol: float) -> bool:
        if evals < AUTO_MIN_LBFGS_EVALS or len(gnorms) < 3:
            return False
        window = gnorms[-6:]
        rate = (window[-1] / window[0]) ** (1.0 / (len(window) - 1)) if window[0] > 0 else 0.0
        # iterations to passes: L-BFGS used ``evals`` passes for ``len(gnorms) - 1`` iterations
        passes_per_iteration = evals / max(1, len(gnorms) - 1)
        if rate >= 1.0:
            return True
        remaining = passes_per_iteration * np.log(tol / window[-1]) / np.log(rate) if rate > 0 else 0.0
        return newton_cost < remaining

    return hand_over


def _lbfgs_then_newton(problem: _Problem, theta, tol, max_iter):
    """``"auto"`` on large data: L-BFGS while it is cheaper than Newton, then Newton."""
    start = time.perf_counter()
    theta, n_iter, converged, history, times, gnorm = _lbfgs(
        problem, theta, tol, max_iter, hand_over=_newton_is_cheaper(problem.d))
    if converged or problem.separable or n_iter >= max_iter:
        return theta, n_iter, converged, history, times, gnorm
    offset = time.perf_counter() - start
    theta, more, converged, newton_history, newton_times, gnorm = _newton(problem, theta, tol, max_iter - n_iter)
    history += newton_history[1:]  # Newton's iteration 0 is L-BFGS's last point
    times += [offset + t for t in newton_times[1:]]
    return theta, n_iter + more, converged, history, times, gnorm
