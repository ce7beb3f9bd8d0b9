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
# # Separable data, plotted
#
# [Chapter 8](../../08-convexity/) proved that the mean cross-entropy is convex, and then
# that convexity does not guarantee a minimum: if some weights $(\mathbf{w}, b)$ put every
# example on the right side of the boundary, every margin $m_i = (2y_i - 1)z_i$ is positive,
# and along the ray $(t\mathbf{w}, tb)$
#
# $$J(t\mathbf{w}, tb) = \frac{1}{n}\sum_{i=1}^{n}\log\bigl(1 + e^{-t m_i}\bigr)$$
#
# falls strictly as $t$ grows and tends to 0, a value no finite weights attain. This
# notebook draws that on a small data set, runs gradient descent without a penalty to
# watch $\lVert\mathbf{w}\rVert$ grow, and shows what `lrmath.fit` does instead.

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np

import lrmath

# %% [markdown]
# ## A separable toy set
#
# Two clouds of 20 points each in the plane, far enough apart that a line separates them.
# The seed is fixed, so every build draws the same points.

# %%
rng = np.random.default_rng(1)
n_per_class = 20
X = np.vstack([rng.normal([-1.5, -1.0], 0.6, size=(n_per_class, 2)),
               rng.normal([1.5, 1.0], 0.6, size=(n_per_class, 2))])
y = np.repeat([0.0, 1.0], n_per_class)
n, d = X.shape
print(f"{n} examples, {d} features, {int(y.sum())} with label 1")

# %% [markdown]
# `lrmath.fit` without a penalty notices that the data are separable: as soon as one of its
# iterates classifies every example correctly it stops and warns, because iterating further
# could only inflate the weights. We keep those weights: they separate the data, which is all
# the argument needs.

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    separating = lrmath.fit(X, y, l2=0.0, method="gd")
for warning in caught:
    print(f"{warning.category.__name__}: {warning.message}")
assert any(issubclass(c.category, lrmath.SeparableDataWarning) for c in caught)

margins = (2 * y - 1) * (X @ separating.w + separating.b)
print(f"w = {separating.w.round(3)}, b = {separating.b:.3f}, after {separating.n_iter} iteration(s)")
print(f"smallest margin {margins.min():.3f}: every example is on its own side")
assert margins.min() > 0

# %% [markdown]
# ## The loss along the ray $t\,(\mathbf{w}, b)$
#
# Evaluate $J(t\mathbf{w}, tb)$ with `lrmath.loss_and_grad` for $t$ from $10^{-1}$ to
# $10^{2}$, and compare it with the formula above, evaluated directly from the margins.

# %%
ts = np.logspace(-1, 2, 61)
along_ray = np.array([lrmath.loss_and_grad(t * separating.w, t * separating.b, X, y)[0] for t in ts])
formula = np.array([np.mean(np.log1p(np.exp(-t * margins))) for t in ts])
print("largest |code - formula|:", np.max(np.abs(along_ray - formula)))
assert np.allclose(along_ray, formula, rtol=1e-12, atol=1e-300)
assert np.all(np.diff(along_ray) < 0) and np.all(along_ray > 0)

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(6.5, 3.8))
for label, colour, text in [(0, "tab:blue", "label 0"), (1, "tab:red", "label 1")]:
    rows = y == label
    left.scatter(X[rows, 0], X[rows, 1], s=14, c=colour, label=text)
x1 = np.linspace(X[:, 0].min(), X[:, 0].max(), 2)
w1, w2 = separating.w
left.plot(x1, -(w1 * x1 + separating.b) / w2, "k-", lw=1, label="boundary")
left.set_ylim(X[:, 1].min() - 0.5, X[:, 1].max() + 0.5)
left.set_xlabel("$x_1$")
left.set_ylabel("$x_2$")
left.set_title("a separable data set")
left.legend(fontsize=7, loc="lower right")
right.loglog(ts, along_ray)
right.set_xlabel("scale $t$")
right.set_ylabel(r"$J(t\mathbf{w}, tb)$")
right.set_title("the loss along the ray")
fig.tight_layout()
plt.show()

# %% [markdown]
# On the logarithmic axes the curve bends down ever more steeply: for large $t$ the loss is
# dominated by the example with the smallest margin $m$, and behaves like
# $\frac{1}{n}e^{-tm}$, which falls faster than any power of $t$. It never reaches 0:
# every term $\log(1 + e^{-t m_i})$ is positive.
#
# ## Gradient descent without a penalty
#
# Now run plain gradient descent, $\boldsymbol\theta \leftarrow \boldsymbol\theta -
# \eta\nabla J$ with the safe step $\eta = 1/M$, $M = \lVert[\mathbf{X}, \mathbf{1}]\rVert_2^2
# / (4n)$ of chapter 8, for $10^5$ steps, written out here so that nothing stops it, and
# record $\lVert\mathbf{w}\rVert$ and $J$ along the way.

# %%
X1 = np.column_stack([X, np.ones(n)])
M = np.linalg.norm(X1, 2) ** 2 / (4 * n)  # the bound on the curvature
eta = 1 / M
w, b = np.zeros(d), 0.0
checkpoints = set(np.unique(np.logspace(0, 5, 41).astype(int)).tolist())
steps, norms, losses = [], [], []
for k in range(1, 100_001):
    loss, grad_w, grad_b = lrmath.loss_and_grad(w, b, X, y)
    w, b = w - eta * grad_w, b - eta * grad_b
    if k in checkpoints:
        steps.append(k)
        norms.append(np.linalg.norm(w))
        losses.append(lrmath.loss_and_grad(w, b, X, y)[0])
steps, norms, losses = map(np.array, (steps, norms, losses))
for k, nrm, J in zip(steps[::8], norms[::8], losses[::8]):
    print(f"after {k:>6} steps   |w| = {nrm:6.2f}   J = {J:.2e}")
assert np.all(np.diff(norms) > 0) and np.all(np.diff(losses) < 0)

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(6.5, 3.8))
left.semilogx(steps, norms, "o-", ms=3)
left.set_xlabel("gradient-descent step $k$")
left.set_ylabel(r"$\|\mathbf{w}\|$")
left.set_title("the weights keep growing")
right.loglog(steps, losses, "o-", ms=3)
right.set_xlabel("gradient-descent step $k$")
right.set_ylabel("$J$")
right.set_title("the loss keeps falling")
fig.tight_layout()
plt.show()

# %% [markdown]
# On a logarithmic step axis the norm bends upwards at first and then, after the first hundred
# or so steps, climbs along a straight line: it grows like $\log k$, slowly but without end
# (the slope is fitted in the next cell). Every step still lowers the loss, so a stopping rule on
# the gradient would eventually fire (the gradient tends to 0 too), but the weights it
# returned would depend only on when it fired. The direction $\mathbf{w}/\lVert\mathbf{w}\rVert$
# settles down; the length does not.

# %%
direction = w / np.linalg.norm(w)
print("direction of w after 1e5 steps:", direction.round(4))
slope = np.polyfit(np.log(steps[steps >= 100]), norms[steps >= 100], 1)[0]
print(f"|w| grows by about {slope:.2f} per factor e of steps")
assert slope > 0

# %% [markdown]
# ## What `lrmath.fit` does, and the remedy
#
# `fit` refuses to pretend: with `l2=0` on these data it stops at the first iterate that
# separates them and warns with `SeparableDataWarning`, whatever the method. With a penalty,
# even a small one, the objective is strongly convex (chapter 8), and the minimiser is
# finite and unique; every method finds it.

# %%
for method in ["gd", "newton", "lbfgs"]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = lrmath.fit(X, y, l2=0.0, method=method)
    names = sorted({c.category.__name__ for c in caught})
    print(f"l2 = 0,    {method:<6}: stopped after {result.n_iter:>3} iterations, |w| = "
          f"{np.linalg.norm(result.w):6.2f}, warnings: {names}")
    assert "SeparableDataWarning" in names

penalised = {m: lrmath.fit(X, y, l2=1e-2, method=m) for m in ["gd", "newton", "lbfgs"]}
for method, result in penalised.items():
    print(f"l2 = 0.01, {method:<6}: converged = {result.converged}, |w| = {np.linalg.norm(result.w):.4f}")
assert all(r.converged for r in penalised.values())
assert all(np.allclose(r.w, penalised["newton"].w, atol=1e-5) for r in penalised.values())
