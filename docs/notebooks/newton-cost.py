# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The cost of a Newton step, measured
#
# [Chapter 9](../../09-newton-irls/) counted the floating-point operations (flops) of one
# iteration. With $n$ examples and $d$ parameters:
#
# - **gradient descent** computes $\mathbf{X}\mathbf{w}$ and $\mathbf{X}^\top\mathbf{r}$,
#   two passes over $\mathbf{X}$ with a multiply and an add per entry: about $4nd$ flops;
# - **Newton's method** does that too, then forms $\mathbf{X}^\top\mathbf{S}\mathbf{X}$
#   (about $nd^2$ flops, using its symmetry) and factorises it by Cholesky (about $d^3/3$).
#
# This notebook times one iteration of each, with `lrmath`'s own functions, for several $d$
# on the machine that built this page, then counts how many iterations each method needs on
# the breast cancer data of [Training on real data](../training/). Timings vary from run to
# run and machine to machine; the flop counts do not.

# %% [markdown]
# One setting first. NumPy's linear algebra library (OpenBLAS) starts as many threads as
# the machine has cores. On a machine shared with other work, those threads wait for each
# other and a small matrix product can take a hundred times longer than it should, at
# random. For measurements that can be repeated, we ask for one thread; this must be set
# before NumPy is imported.

# %%
import os

os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["OMP_NUM_THREADS"] = "1"

import time
import warnings

import numpy as np

import lrmath

# %% [markdown]
# ## One iteration of each
#
# The data are random: $n = 2000$ examples with Gaussian features, and labels drawn from a
# logistic model, so that they are not separable. One gradient-descent iteration is one call
# of `lrmath.loss_and_grad` and an update. One Newton iteration adds `lrmath.hessian` and the
# solution of $\mathbf{H}\,\Delta = \nabla J$ through a Cholesky factorisation, as
# `lrmath.fit` does. Each is timed as the best of several repetitions, to keep other work on
# the machine out of the measurement.

# %%
def best_time(function, repeat=7):
    """The shortest of `repeat` wall-clock times of function(), in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def gd_iteration(w, b, X, y, eta=0.1):
    loss, grad_w, grad_b = lrmath.loss_and_grad(w, b, X, y, l2=1e-3)
    return w - eta * grad_w, b - eta * grad_b


def newton_iteration(w, b, X, y):
    loss, grad_w, grad_b = lrmath.loss_and_grad(w, b, X, y, l2=1e-3)
    H = lrmath.hessian(w, b, X, y, l2=1e-3)
    C = np.linalg.cholesky(H)  # H = C C^T
    step = np.linalg.solve(C.T, np.linalg.solve(C, np.append(grad_w, grad_b)))
    return w - step[:-1], b - step[-1]


rng = np.random.default_rng(0)
n = 2000
rows = []
for d in [10, 40, 160, 400]:
    X = rng.normal(size=(n, d))
    w_true = rng.normal(size=d) / np.sqrt(d)
    y = (rng.random(n) < lrmath.sigmoid(X @ w_true)).astype(float)
    w, b = np.zeros(d), 0.0
    gd_seconds = best_time(lambda: gd_iteration(w, b, X, y))
    newton_seconds = best_time(lambda: newton_iteration(w, b, X, y))
    gd_flops = 4 * n * d
    newton_flops = 4 * n * d + n * d**2 + d**3 / 3
    rows.append((d, gd_flops, gd_seconds, newton_flops, newton_seconds))

print(f"n = {n}; Gflop/s is the rate achieved, flops divided by time")
print(f"{'d':>4} | {'gd flops':>9} {'ms':>7} {'Gflop/s':>7} | "
      f"{'Newton flops':>12} {'ms':>8} {'Gflop/s':>7} | "
      f"{'flop ratio':>10} {'time ratio':>10}")
for d, gf, gs, nf, ns in rows:
    print(f"{d:>4} | {gf:>9.2e} {1e3 * gs:>7.3f} {gf / gs / 1e9:>7.2f} | "
          f"{nf:>12.2e} {1e3 * ns:>8.3f} {nf / ns / 1e9:>7.2f} | "
          f"{nf / gf:>10.1f} {ns / gs:>10.1f}")

# %% [markdown]
# The flop ratio is $(4nd + nd^2 + d^3/3) / (4nd) = 1 + d/4 + d^2/(12n)$: a Newton
# iteration costs about $d/4$ gradient iterations, and relatively more as $d$ grows. On a
# quiet machine the measured times follow that trend (they are one run, shown but never
# checked: a busy machine can reorder them), but a flop count is not a stopwatch, for two
# reasons visible in the rate columns. For small $d$ both iterations take a fraction of a
# millisecond, and fixed costs (Python, checking the inputs, calling into NumPy) dominate.
# And operations run at different speeds: a matrix-matrix product such as
# $\mathbf{X}^\top\mathbf{S}\mathbf{X}$ reuses each number it loads many times, while a
# matrix-vector product is limited by how fast $\mathbf{X}$ streams from memory. Flops are
# a guide to how the cost *grows*.

# %%
ratios = [ns / gs for _, _, gs, _, ns in rows]
print("time ratio Newton / gd:", " ".join(f"{r:.1f}" for r in ratios))
# shown, not checked: a busy machine can reorder these; the flop ratios are certain

# %% [markdown]
# ## How many iterations each method needs
#
# The breast cancer data: 569 examples, 30 standardised features (so $d + 1 = 31$ parameters
# with the bias), and a small penalty $\lambda = 10^{-3}$, which makes the objective strongly
# convex. All three methods stop when every entry of the gradient is at most $10^{-8}$.

# %%
X, y, _ = lrmath.load_breast_cancer()
X = (X - X.mean(axis=0)) / X.std(axis=0)
n, d = X.shape
results, fit_warnings = {}, {}
for method in ["gd", "newton", "lbfgs"]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results[method] = lrmath.fit(X, y, l2=1e-3, method=method, tol=1e-8)
    fit_warnings[method] = [str(c.message) for c in caught]

p = d + 1
per_iteration = {"gd": 4 * n * p, "newton": 4 * n * p + n * p**2 + p**3 / 3}
print(f"{'method':<7} {'iterations':>10} {'seconds':>9} {'ms/iteration':>13} "
      f"{'flops/iteration':>16}")
for method, r in results.items():
    flops = per_iteration.get(method)
    flops_text = f"{flops:>16.2e}" if flops else f"{'(varies)':>16}"
    ms_per_iteration = 1e3 * r.times[-1] / r.n_iter
    print(f"{method:<7} {r.n_iter:>10} {r.times[-1]:>9.4f} {ms_per_iteration:>13.4f} "
          f"{flops_text}")
total = {m: results[m].n_iter * per_iteration[m] for m in per_iteration}
print(f"total flops: gd {total['gd']:.2e}, Newton {total['newton']:.2e} "
      f"(gd needs {total['gd'] / total['newton']:.0f} times as many)")

# %%
assert results["newton"].n_iter < 20 < results["gd"].n_iter
assert all(r.converged for r in results.values())
assert not any(fit_warnings.values()), fit_warnings

# %% [markdown]
# A Newton iteration costs about $d/4 \approx 8$ gradient iterations here, but gradient
# descent needs thousands of iterations and Newton a handful. Newton's iterates also show
# the *quadratic convergence* of chapter 9: once close, the gap to the optimum is roughly
# squared at every step (the number of correct digits doubles), until it reaches the
# rounding level of about $10^{-16}$.

# %%
best = min(r.history.min() for r in results.values())
gaps = results["newton"].history - best
for k, gap in enumerate(gaps):
    print(f"Newton iteration {k:>2}:   J_k - J* = {gap:.1e}")

# %% [markdown]
# ## Newton's step is a weighted least-squares fit
#
# Chapter 9 proved that the Newton step from $\boldsymbol\theta$ lands on the solution of a
# weighted least-squares problem with weights $s_i$ and working response
# $\zeta_i = z_i + (y_i - \hat{y}_i)/s_i$. Check it at one point, without the penalty (with
# it, the least-squares problem gains the same penalty): solve both ways and compare.

# %%
X1 = np.column_stack([X, np.ones(n)])  # the bias as a last column of ones
theta = np.append(0.1 * rng.normal(size=d), 0.0)
z = X1 @ theta
y_hat = lrmath.sigmoid(z)
s = y_hat * (1 - y_hat)
_, grad_w, grad_b = lrmath.loss_and_grad(theta[:-1], theta[-1], X, y)
H = lrmath.hessian(theta[:-1], theta[-1], X, y)
newton = theta - np.linalg.solve(H, np.append(grad_w, grad_b))

zeta = z + (y - y_hat) / s  # the working response
weighted = np.sqrt(s)[:, None]
irls, *_ = np.linalg.lstsq(weighted * X1, np.sqrt(s) * zeta, rcond=None)
print("largest |Newton - weighted least squares|:", np.max(np.abs(newton - irls)))

# %%
assert np.allclose(newton, irls, rtol=1e-8, atol=1e-10)
