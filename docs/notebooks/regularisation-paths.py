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
# # Regularisation paths
#
# [Chapter 10](../../10-regularisation/) proved that the L2 penalty
# $\frac{\lambda_2}{2}\lVert\mathbf{w}\rVert^2$ shrinks every weight while the L1 penalty
# $\lambda_1\lVert\mathbf{w}\rVert_1$ sets weights *exactly* to zero. This notebook watches
# both happen on real data. For each penalty we fit the model for a whole range of strengths,
# from so strong that nothing is learned to so weak that it hardly matters, and follow
#
# - every weight (the *coefficient path*),
# - how many weights are not zero,
# - the accuracy on examples the model was not trained on.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np

import lrmath

# %% [markdown]
# ## The data
#
# The breast-cancer data of [notebook 7](../training/), with the same split: 75 % to train,
# 25 % held out, features standardised with the training statistics. Standardising matters
# more here than there: a penalty on $\lvert w_j\rvert$ charges every feature the same
# price per unit of weight, which is fair only if the features are on the same scale.

# %%
X, y, names = lrmath.load_breast_cancer()
rng = np.random.default_rng(0)
order = rng.permutation(len(y))
n_test = round(0.25 * len(y))
test, train = order[:n_test], order[n_test:]
mean, std = X[train].mean(axis=0), X[train].std(axis=0)
X_train, X_test = (X[train] - mean) / std, (X[test] - mean) / std
y_train, y_test = y[train], y[test]
print(f"train: {X_train.shape}, held out: {X_test.shape}")

# %% [markdown]
# ## Where the L1 path starts
#
# The chapter showed that a weight at zero is optimal exactly when
# $\lvert\partial J/\partial w_j\rvert \le \lambda_1$. At $\mathbf{w} = 0$ the best bias is the
# log-odds of the label mean, so every prediction is the label mean $\bar{y}$, and
# $\partial J/\partial w_j = \frac1n\sum_i(\bar{y} - y_i)x_{ij}$. The largest of these is
# the smallest $\lambda_1$ at which **all** weights are zero:

# %%
y_bar = y_train.mean()
b0 = np.log(y_bar / (1 - y_bar))
_, grad_w, _ = lrmath.loss_and_grad(np.zeros(X.shape[1]), b0, X_train, y_train)
l1_max = np.abs(grad_w).max()
print(f"l1_max = {l1_max:.4f}, reached by feature '{names[np.abs(grad_w).argmax()]}'")

# %% [markdown]
# ## The L1 path, with warm starts
#
# We fit on 40 values of $\lambda_1$, log-spaced from $\lambda_1^{\max}$ down to
# $10^{-4}\lambda_1^{\max}$. Neighbouring values have similar solutions, so each fit starts
# from the previous one (`init=(w, b)`, a *warm start*) instead of from zero. We time the
# path both ways.

# %%
l1_grid = l1_max * np.logspace(0, -4, 40)


def l1_path(warm):
    fits, init = [], None
    for l1 in l1_grid:
        fits.append(lrmath.fit(X_train, y_train, l1=l1, tol=1e-8, init=init))
        init = (fits[-1].w, fits[-1].b) if warm else None
    return fits


iterations = {}
for warm in (False, True):
    start = time.perf_counter()
    path = l1_path(warm)
    seconds = time.perf_counter() - start  # shown, never checked
    iterations[warm] = sum(r.n_iter for r in path)
    print(f"{'warm' if warm else 'cold'} starts: {iterations[warm]:4d} proximal Newton "
          f"iterations in {seconds:.2f} s")

# %%
assert all(r.converged for r in path) and iterations[True] < iterations[False]

# %% [markdown]
# Every fit converged: the stopping rule of `lrmath.fit` is the optimality (KKT) condition of
# the chapter, so we can confirm it independently with `lrmath.optimality`, and also check
# that the first fit is exactly zero, as predicted.

# %%
l1_weights = np.array([r.w for r in path])
violations = [lrmath.optimality(r.w, r.b, X_train, y_train, l1=l1)
              for r, l1 in zip(path, l1_grid)]
print(f"largest optimality violation on the path: {max(violations):.1e}")
all_zero = np.all(l1_weights[0] == 0)
print("weights at l1_max:", "all exactly 0" if all_zero else l1_weights[0])

# %%
assert max(violations) <= 1e-8 and np.all(l1_weights[0] == 0)

# %% [markdown]
# ## The L2 path
#
# For comparison, the same for $\lambda_2$ (Newton's method, also warm-started), on a grid
# spanning the same five decades and covering the strengths notebook 7 used.

# %%
l2_grid = np.logspace(1, -4, 40)
l2_path, init = [], None
for l2 in l2_grid:
    l2_path.append(lrmath.fit(X_train, y_train, l2=l2, init=init))
    init = (l2_path[-1].w, l2_path[-1].b)
l2_weights = np.array([r.w for r in l2_path])

# %%
assert all(r.converged for r in l2_path)

# %% [markdown]
# ## The coefficient paths
#
# Each line is one of the 30 weights, against the penalty strength (strong penalty on the
# right). On the left, L1: weights leave zero one at a time as the penalty weakens. On the
# right, L2: every weight is non-zero for every $\lambda_2$, and all shrink together.

# %% alt="Two panels of the 30 weights against the penalty strength on a log axis, the strongest penalty on the right. Left, L1: at the strongest penalties every weight is exactly 0, and the weights leave zero one at a time as the penalty weakens. Right, L2: no weight is ever 0; all of them shrink smoothly towards 0 together as the penalty grows."
fig, (l1_ax, l2_ax) = plt.subplots(1, 2, figsize=(6.5, 3.8), sharey=True)
l1_ax.semilogx(l1_grid, l1_weights, lw=1)
l2_ax.semilogx(l2_grid, l2_weights, lw=1)
for ax, name in [(l1_ax, r"$\lambda_1$ (l1)"), (l2_ax, r"$\lambda_2$ (l2)")]:
    ax.axhline(0, color="gray", lw=0.5)
    ax.set_xlabel(name)
l1_ax.set_ylabel("weight")
l1_ax.set_title("L1: weights enter one by one")
l2_ax.set_title("L2: all weights shrink")
l1_ax.set_ylim(-6, 6)
fig.tight_layout()
plt.show()

# %% [markdown]
# The y-axis is cut at $\pm 6$: with the weakest penalties a few weights grow much larger
# (the data are nearly separable, and the penalty is what keeps them finite).
#
# ## How many weights are not zero
#
# Counting exact zeros makes the difference unmistakable:

# %% alt="The number of non-zero weights, out of 30, against the penalty strength on a log axis. With L2 it is 30 at every strength; with L1 it falls in steps from about 25 at the weakest penalty to 0 at the strongest."
l1_nonzero = (l1_weights != 0).sum(axis=1)
l2_nonzero = (l2_weights != 0).sum(axis=1)
fig, ax = plt.subplots(figsize=(6.5, 3.3))
ax.semilogx(l1_grid, l1_nonzero, "o-", ms=3, drawstyle="steps-mid",
            label="L1, against $\\lambda_1$")
ax.semilogx(l2_grid, l2_nonzero, "s--", ms=3, label="L2, against $\\lambda_2$")
ax.set_xlabel("penalty strength")
ax.set_ylabel("non-zero weights (of 30)")
ax.legend()
fig.tight_layout()
plt.show()
print("L2: fewest non-zero weights anywhere on its path:", l2_nonzero.min())
print("L1: non-zero weights along the path:", *l1_nonzero)

# %%
assert l2_nonzero.min() == 30 and l1_nonzero[0] == 0 and l1_nonzero[-1] > 20

# %% [markdown]
# The L1 count mostly grows as $\lambda_1$ falls, but not always: near the weak end a weight
# can return to zero when others take over its role. The lasso path is not monotone in
# general.
#
# The order in which features enter the L1 path is a ranking of sorts: the first ones carry
# the most information not already carried by the others. Which five come first?

# %%
entered = {}
for k in range(len(l1_grid)):
    for j in np.flatnonzero(l1_weights[k]):
        entered.setdefault(j, l1_grid[k])
for j, l1 in sorted(entered.items(), key=lambda item: -item[1])[:5]:
    print(f"{names[j]:<24} enters at l1 = {l1:.4f}")
relatives = ["mean_radius", "mean_perimeter", "mean_area"]
for name in relatives:
    l1 = entered.get(names.index(name))
    print(f"{name:<24} " + (f"enters at l1 = {l1:.1e}" if l1 else "never enters"))

# %%
assert all(entered.get(names.index(name), 0) < 0.01 * l1_max for name in relatives)

# %% [markdown]
# These are mostly "worst" (largest-value) measurements of size and shape irregularity.
# Their close relatives (the *mean* radius, perimeter and area measure nearly the same thing as
# the worst ones) come in much later or not at all: when features are strongly correlated,
# the lasso tends to pick one of a group and leave the rest at zero. That makes the selected
# set a convenient summary, not a statement that the other features are irrelevant.
#
# ## Held-out accuracy against the penalty

# %% alt="Two panels of accuracy against the penalty strength, L1 on the left and L2 on the right, for the training and the held-out examples. Both stay between about 0.97 and 0.99 for weak and moderate penalties and fall steeply, to between about 0.6 and 0.75, only at the strongest."
def accuracy(fits, X_, y_):
    return np.array([np.mean(lrmath.predict(X_, r.w, r.b) == y_) for r in fits])


l1_test, l2_test = accuracy(path, X_test, y_test), accuracy(l2_path, X_test, y_test)
l1_train = accuracy(path, X_train, y_train)
l2_train = accuracy(l2_path, X_train, y_train)
fig, (l1_ax, l2_ax) = plt.subplots(1, 2, figsize=(6.5, 3.8), sharey=True)
panels = [(l1_ax, l1_grid, l1_train, l1_test, r"$\lambda_1$ (l1)"),
          (l2_ax, l2_grid, l2_train, l2_test, r"$\lambda_2$ (l2)")]
for ax, grid, tr, te, name in panels:
    ax.semilogx(grid, tr, "o-", ms=3, label="training")
    ax.semilogx(grid, te, "s-", ms=3, label="held out")
    ax.set_xlabel(name)
l1_ax.set_ylabel("accuracy")
l1_ax.set_title("L1")
l2_ax.set_title("L2")
l1_ax.legend(loc="lower left")
fig.tight_layout()
plt.show()

# %% [markdown]
# The same curves as numbers of held-out errors (of 142), which is what they really are:
# each error is 0.7 percentage points.

# %%
l1_errors = np.round((1 - l1_test) * len(y_test)).astype(int)
l2_errors = np.round((1 - l2_test) * len(y_test)).astype(int)
print("L1 errors:", *l1_errors)
print("L2 errors:", *l2_errors)
for name, errors, nonzero in [("L1", l1_errors, l1_nonzero),
                              ("L2", l2_errors, l2_nonzero)]:
    k = np.argmin(errors)
    print(f"{name}: fewest held-out errors {errors[k]}, "
          f"with {nonzero[k]} non-zero weights")
# the sparsest L1 model within one error of the best of both paths
best = min(l1_errors.min(), l2_errors.min())
close = np.flatnonzero(l1_errors <= best + 1)
sparsest = close[np.argmin(l1_nonzero[close])]
print(f"L1 within one error of the best: {l1_errors[sparsest]} errors "
      f"with {l1_nonzero[sparsest]} of 30 weights (l1 = {l1_grid[sparsest]:.4f})")
enough = l1_nonzero >= 6  # once a handful of features are in, the errors hardly move
print(f"L1 with at least 6 weights: between {l1_errors[enough].min()} "
      f"and {l1_errors[enough].max()} errors")

# %%
assert l1_nonzero[sparsest] <= 15
assert l1_errors[enough].max() - l1_errors[enough].min() <= 3

# %% [markdown]
# ## Conclusion
#
# - **L1 selects, L2 shrinks.** On the L1 path the weights are exactly zero until the penalty
#   falls below the level at which their feature pays for itself, as the chapter's
#   optimality condition predicts; on the L2 path no weight is ever zero.
# - **Accuracy is flat over a wide range.** Once the penalty is weak enough for a handful of
#   features to enter, held-out accuracy changes by a few test examples at most, for both
#   penalties. With 142 held-out examples one example is 0.7 percentage points, so the
#   differences between the best settings are within the noise of a single split. What L1
#   buys here is not accuracy but a much smaller model with nearly the same accuracy.
# - **Choosing the strength** by the best point of these curves would be choosing it on the
#   test set. Use cross-validation on the training examples, and look at the test set once.
# - **Warm starts** make a path cheap: the whole L1 path costs fewer proximal Newton
#   iterations than fitting each point from zero.
