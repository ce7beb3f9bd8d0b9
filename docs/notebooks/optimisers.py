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
# # Other optimisers
#
# Chapter 2 showed that the cross-entropy has no closed-form minimiser, so that it is
# minimised by gradient descent or one of its variants, and named a few: L-BFGS, SAG, SAGA,
# Adam. [Chapter 7](../training/) compared the full-batch methods that `lrmath.fit` offers
# (gradient descent, Newton, L-BFGS). This chapter adds the *stochastic* ones, which look at
# a few examples at a time: mini-batch SGD, Adam and SAGA. Each is written out here in a few
# lines of NumPy, so that nothing is hidden, and all six methods race on the same problem.
#
# The problem is the objective of the previous chapters, mean cross-entropy plus a small L2
# penalty ($\lambda = 10^{-3}$),
#
# $$J(\boldsymbol\theta) = \frac{1}{n}\sum_{i=1}^{n} \ell_i(\boldsymbol\theta)
# + \frac{\lambda}{2}\lVert\mathbf{w}\rVert^2, \qquad
# \ell_i(\boldsymbol\theta) = \log(1 + e^{z_i}) - y_i z_i, \qquad
# z_i = \mathbf{w}^\top\mathbf{x}_i + b,$$
#
# with $\boldsymbol\theta = (\mathbf{w}, b)$ all the parameters. Spoiler, so that the
# plots below are read the right way: on a small, smooth, convex problem like this one the
# stochastic methods lose, by far. The interesting part is *why*, and when the verdict flips.

# %%
import time
import warnings
from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np

import lrmath

# %% [markdown]
# ## The problem and its minimum
#
# We use the breast-cancer data of chapter 7 (569 examples, 30 features), standardised.
# This chapter is about *minimising* $J$, not about predicting new patients, so we use all
# the examples and no held-out set. Every method starts where `lrmath.fit` starts:
# $\mathbf{w} = 0$ and $b$ the log-odds of the fraction of positive labels.
#
# To measure progress we need the minimum $J^\star$ itself. Newton's method, run until the
# largest entry of the gradient is below $10^{-12}$, gives it to about the last digit that
# float64 can hold.

# %%
X, y, names = lrmath.load_breast_cancer()
X = (X - X.mean(axis=0)) / X.std(axis=0)
n, d = X.shape
L2 = 1e-3
b_start = float(np.log(y.mean() / (1 - y.mean())))


def objective(w, b):
    """J on all n examples: the quantity every method is judged by."""
    return lrmath.loss_and_grad(w, b, X, y, l2=L2)[0]


optimum = lrmath.fit(X, y, l2=L2, method="newton", tol=1e-12)
J_star = objective(optimum.w, optimum.b)
print(f"n = {n} examples, d = {d} features, J* = {J_star:.15f}")
print(f"J at the start: {objective(np.zeros(d), b_start):.6f}")

# %% [markdown]
# How hard is this problem for a first-order method? The curvature of $J$ along a direction
# is bounded above by $\hat M = \lVert\tilde{\mathbf{X}}\rVert_2^2/(4n) + \lambda$ everywhere
# ($\tilde{\mathbf{X}}$ is $\mathbf{X}$ with a column of ones; the $\frac14$ is the largest
# value of $\sigma'$), and gradient descent in `fit` takes the step $1/\hat M$, the largest one
# that is safe everywhere. Near the minimum it then shrinks the gap by a factor of about
# $1 - \ell/\hat M$ per step, where $\ell$ is the smallest eigenvalue of the Hessian at the
# minimum, the curvature along the flattest direction.

# %%
X1 = np.column_stack([X, np.ones(n)])  # rows x~_i = (x_i, 1): the bias is the last weight
M_hat = np.linalg.eigvalsh(X1.T @ X1)[-1] / (4 * n) + L2
ell = np.linalg.eigvalsh(lrmath.hessian(optimum.w, optimum.b, X, y, l2=L2))[0]
print(f"M_hat = {M_hat:.2f}, ell = {ell:.2e}, M_hat / ell = {M_hat / ell:.0f}")
assert M_hat / ell > 1000

# %% [markdown]
# A ratio in the thousands means thousands of gradient steps: this problem is small but not
# easy. The flattest directions are combinations of nearly redundant features (radius,
# perimeter and area, for instance), held in place mostly by the penalty: $\ell$ is close to
# $\lambda = 10^{-3}$.
#
# ## Counting the cost: passes over the data
#
# Methods that look at different numbers of examples per step cannot be compared by counting
# steps. We count **passes over the data** instead, one pass being the work of one full
# gradient, $\nabla J$ on all $n$ examples (about $2n(d+1)$ multiply-adds: the scores
# $\mathbf{X}\mathbf{w} + b$, then $\mathbf{X}^\top$ times the residuals):
#
# - **gradient descent**: one pass per iteration;
# - **L-BFGS**: one pass per iteration, plus one for each time its line search rejects a
#   trial step (rare; `fit` does not report it, so our count is slightly optimistic);
# - **Newton**: two passes per iteration (plus line-search retries, as for L-BFGS), one for
#   the gradient and one for the Hessian
#   $\frac1n\sum_i \sigma'(z_i)\,\tilde{\mathbf{x}}_i\tilde{\mathbf{x}}_i^\top$
#   ($\tilde{\mathbf{x}}_i = (\mathbf{x}_i, 1)$). But the Hessian's pass does much more
#   arithmetic, $n(d+1)^2$ multiply-adds, as much as $(d+1)/2 = 15.5$ gradients; we come
#   back to this;
# - **stochastic methods**: one pass per *epoch*, a sweep through all $n$ examples in
#   mini-batches.
#
# Passes measure the work in arithmetic and in reading the data; the seconds on the clock
# measure everything else as well (Python's overhead per step, for one). We show both. For
# the stochastic methods, evaluating $J$ on all the data after each epoch, which only serves
# to draw the plots, is left off the clock.

# %%
class Trace:
    """J - J* after each epoch, passes used, and seconds spent optimising (not evaluating)."""

    def __init__(self, theta, passes=0):
        self.gaps, self.passes, self.seconds = [objective(theta[:-1], theta[-1]) - J_star], [passes], [0.0]
        self.started = time.perf_counter()

    def record(self, theta):
        self.seconds.append(self.seconds[-1] + time.perf_counter() - self.started)
        self.passes.append(self.passes[-1] + 1)
        self.gaps.append(objective(theta[:-1], theta[-1]) - J_star)
        self.started = time.perf_counter()


def minibatches(batch_size, rng):
    """One epoch: the row numbers 0..n-1 in a random order, cut into batches."""
    order = rng.permutation(n)
    return [order[start:start + batch_size] for start in range(0, n, batch_size)]


def minibatch_gradient(theta, rows):
    """The gradient of J computed on the examples `rows` only (the penalty in full)."""
    _, grad_w, grad_b = lrmath.loss_and_grad(theta[:-1], theta[-1], X[rows], y[rows], l2=L2)
    return np.append(grad_w, grad_b)


# %% [markdown]
# `minibatch_gradient` averages the gradients of the examples in the batch. A batch drawn at
# random is a random sample of the data set, so this average is an **unbiased** estimate of
# $\nabla J$: right on average, but noisy, and the fewer the rows the noisier.
#
# ## Mini-batch SGD
#
# Stochastic gradient descent is the update of gradient descent,
# $\boldsymbol\theta \leftarrow \boldsymbol\theta - \eta_t\,\mathbf{g}_t$, with the
# mini-batch gradient $\mathbf{g}_t$ in place of $\nabla J$. Each epoch shuffles the
# examples and walks through them in batches.
#
# Because $\mathbf{g}_t$ is noisy, a constant step $\eta$ keeps the iterates jittering around
# the minimiser for ever (we measure this below). To converge, the step must shrink. A
# classic schedule is $\eta_t = \eta_0 / (1 + t/t_0)$: constant for the first $t_0$ or so
# steps, then decaying like $1/t$.

# %%
def sgd(batch_size, epochs, eta0, t0=np.inf, seed=0):
    rng = np.random.default_rng(seed)
    theta = np.append(np.zeros(d), b_start)
    trace, t = Trace(theta), 0
    for epoch in range(epochs):
        for rows in minibatches(batch_size, rng):
            eta = eta0 / (1 + t / t0)  # t0 = inf: a constant step
            theta = theta - eta * minibatch_gradient(theta, rows)
            t += 1
        trace.record(theta)
    return trace


# %% [markdown]
# ## Adam
#
# Adam (Kingma and Ba, 2015) keeps two running averages: $\mathbf{m}$ of the gradients,
# which smooths out some of the noise (*momentum*), and $\mathbf{v}$ of their squares, entry
# by entry. It divides one by the square root of the other, so every parameter gets its own
# step size: about $\eta$ when the recent gradients of that parameter agree in sign, smaller
# when they flip. Both averages start at 0, which biases them towards 0 in the first steps;
# dividing by $1 - \beta^t$ undoes that (exercise 2). Written out:

# %%
def adam(batch_size, epochs, eta, beta1=0.9, beta2=0.999, eps=1e-8, seed=0):
    rng = np.random.default_rng(seed)
    theta = np.append(np.zeros(d), b_start)
    m, v = np.zeros(d + 1), np.zeros(d + 1)
    trace, t = Trace(theta), 0
    for epoch in range(epochs):
        for rows in minibatches(batch_size, rng):
            g = minibatch_gradient(theta, rows)
            t += 1
            m = beta1 * m + (1 - beta1) * g  # running mean of the gradients
            v = beta2 * v + (1 - beta2) * g**2  # running mean of their squares
            m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)  # undo the start at 0
            theta = theta - eta * m_hat / (np.sqrt(v_hat) + eps)
        trace.record(theta)
    return trace


# %% [markdown]
# Adam was designed for training neural networks, where the gradients of different layers
# have wildly different scales. It is used here with a constant step, as it usually is.
#
# ## SAGA: removing the noise
#
# SGD needs a decaying step because its gradient estimate stays noisy even *at* the
# minimiser: there $\nabla J = 0$, but the gradients of single examples are not 0, only
# their average is. SAGA (Defazio, Bach and Lacoste-Julien, 2014) fixes this with memory. It
# remembers, for every example $i$, the gradient of $\ell_i$ from the last time it was
# visited, and the mean $\bar{\mathbf{g}}$ of all remembered gradients. For a batch $B$ it
# steps along
#
# $$\mathbf{g} = \frac{1}{|B|}\sum_{i \in B}\bigl(\nabla\ell_i(\boldsymbol\theta)
# - \nabla\ell_i^{\text{remembered}}\bigr) + \bar{\mathbf{g}} + \lambda\,(\mathbf{w}, 0),$$
#
# which is still unbiased (the remembered gradients of a random batch average to
# $\bar{\mathbf{g}}$, so subtracting them and adding $\bar{\mathbf{g}}$ changes nothing on
# average), and whose noise fades as the iterates settle, since then the fresh and the
# remembered gradients agree. So a *constant* step converges to the exact
# minimiser.
#
# The memory is cheap for logistic regression. Chapter 4 showed that the gradient of one
# example is $\nabla\ell_i = (\sigma(z_i) - y_i)\,\tilde{\mathbf{x}}_i$, so remembering the one
# number $r_i = \sigma(z_i) - y_i$ per example is enough. Filling the memory at the start
# takes one pass.

# %%
def saga(batch_size, epochs, eta, seed=0):
    rng = np.random.default_rng(seed)
    theta = np.append(np.zeros(d), b_start)
    residual = lrmath.sigmoid(X1 @ theta) - y  # the remembered r_i, one number per example
    mean_grad = X1.T @ residual / n  # mean of the remembered gradients r_i x~_i
    trace = Trace(theta, passes=1)  # filling the memory was one pass
    for epoch in range(epochs):
        for rows in minibatches(batch_size, rng):
            fresh = lrmath.sigmoid(X1[rows] @ theta) - y[rows]
            change = X1[rows].T @ (fresh - residual[rows])
            g = change / len(rows) + mean_grad
            g[:-1] += L2 * theta[:-1]  # the penalty's gradient is exact, no need to remember it
            theta = theta - eta * g
            mean_grad += change / n  # replace the batch's old gradients by the fresh ones
            residual[rows] = fresh
        trace.record(theta)
    trace.memory = residual, mean_grad
    return trace


# %% [markdown]
# Its older sibling SAG averages the same remembered gradients but weighs the correction by
# $1/n$ instead of $1/|B|$: less noise, but a biased estimate, and a harder proof. Both are
# among the solvers of scikit-learn's `LogisticRegression`.
#
# ## The race
#
# Each stochastic method gets 200 epochs with batches of 64 examples; gradient descent gets
# the same budget of 200 passes; Newton and L-BFGS run until the largest entry of the
# gradient is below $10^{-10}$. The step sizes were tuned by hand, a few values each, which
# is itself part of the cost of these methods (the full-batch ones need no tuning). Every
# random choice comes from a generator with a fixed seed, so every build draws the same
# batches.

# %%
EPOCHS, BATCH = 200, 64
runs = {
    "SGD": sgd(BATCH, EPOCHS, eta0=2.0, t0=500),
    "Adam": adam(BATCH, EPOCHS, eta=0.02),
    "SAGA": saga(BATCH, EPOCHS, eta=2.0),
}

fits, caught_warnings = {}, []
for method in ["gd", "newton", "lbfgs"]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fits[method] = lrmath.fit(X, y, l2=L2, method=method, tol=1e-10, max_iter=EPOCHS)
    caught_warnings += [f"{method}: {w.category.__name__}: {w.message}" for w in caught]
print("\n".join(caught_warnings) or "no warnings")

# %% [markdown]
# The one warning is expected: 200 passes are not nearly enough for gradient descent to
# reach the tolerance. We put the full-batch results in the same form as the stochastic
# ones: the gap after every iteration, the passes used (as counted above) and the seconds.

# %%
passes_per_iteration = {"gd": 1, "newton": 2, "lbfgs": 1}
for method, name in [("gd", "GD"), ("newton", "Newton"), ("lbfgs", "L-BFGS")]:
    r = fits[method]
    runs[name] = SimpleNamespace(gaps=r.history - J_star, seconds=r.times,
                                 passes=passes_per_iteration[method] * np.arange(r.n_iter + 1))

print(f"{'method':<7} {'passes':>7} {'final J - J*':>13} {'seconds':>8}")
for name, trace in runs.items():
    print(f"{name:<7} {trace.passes[-1]:>7} {trace.gaps[-1]:>13.1e} {trace.seconds[-1]:>8.3f}")
final = {name: trace.gaps[-1] for name, trace in runs.items()}

# %% [markdown]
# A gap of order $10^{-16}$, or 0, or even slightly negative, means "equal to $J^\star$ in
# float64" ($J^\star$ is about 0.06 and float64 keeps about 16 significant digits). On log
# axes we can only draw positive gaps, so those points are left out.

# %%
styles = {"GD": "-", "Newton": "-", "L-BFGS": "-", "SGD": "--", "Adam": "--", "SAGA": "--"}
fig, (by_pass, by_time) = plt.subplots(1, 2, figsize=(6.5, 3.8), sharey=True)
for name, trace in runs.items():
    gaps, passes, seconds = (np.asarray(a, dtype=float) for a in (trace.gaps, trace.passes, trace.seconds))
    keep = (gaps > 1e-16) & (passes > 0) & (seconds > 0)
    marker = "o" if name == "Newton" else None
    by_pass.loglog(passes[keep], gaps[keep], ls=styles[name], marker=marker, ms=3, label=name)
    by_time.loglog(seconds[keep], gaps[keep], ls=styles[name], marker=marker, ms=3, label=name)
by_pass.set_xlabel("passes over the data")
by_time.set_xlabel("time (seconds)")
by_pass.set_ylabel(r"$J - J^\star$")
by_pass.set_title("against work")
by_time.set_title("against time")
by_pass.legend(fontsize=7, loc="lower left", ncol=2)
fig.tight_layout()
plt.show()

# %% [markdown]
# What the plot shows, and the checks that hold it to it:
#
# - **Newton and L-BFGS** reach $J^\star$ to rounding error, in fewer passes than the
#   stochastic methods were given (Newton in far fewer), and in milliseconds. Even if each Newton iteration is
#   charged the full arithmetic of its Hessian, $1 + (d+1)/2$ gradients, Newton uses less
#   than the stochastic methods' 200 epochs.
# - **SGD** beats **gradient descent** pass for pass: in one pass, gradient descent takes one
#   careful step, SGD takes $\lceil 569/64 \rceil = 9$ rough ones, and early on, far from
#   the minimum, rough steps are good enough. But as its step decays, its progress slows to
#   the $1/t$ crawl of the schedule.
# - **Adam**, with its constant step, stalls in a noisy band far above $J^\star$: it goes up
#   about as often as down.
# - **SAGA**, with a constant step too, keeps going down at a steady rate, because its noise
#   fades: it is the only stochastic method here that would reach $J^\star$ if run longer.
#
# On the clock, read the stochastic methods with care. A step on 64 examples does little
# arithmetic, so its time is mostly Python's overhead per step, and `lrmath.loss_and_grad`
# also checks its inputs on every call; SAGA computes its batch gradients directly and skips
# that. So an epoch of SGD costs more seconds than a pass of gradient descent, which does the
# same arithmetic in one vectorised call, and SAGA looks faster than SGD for reasons that have
# nothing to do with the method. Passes are the fairer measure; the clock shows what this
# code costs on this machine.

# %%
newton = fits["newton"]
newton_arithmetic = newton.n_iter * (1 + (d + 1) / 2)  # in gradient-equivalents
print(f"Newton: {newton.n_iter} iterations = {2 * newton.n_iter} passes, "
      f"about {newton_arithmetic:.0f} gradients of arithmetic")
adam_tail = np.asarray(runs["Adam"].gaps[-50:])
print(f"Adam over its last 50 epochs: gap between {adam_tail.min():.1e} and {adam_tail.max():.1e}, "
      f"went up in {np.sum(np.diff(adam_tail) > 0)} of 49 epochs")
saga_gaps = runs["SAGA"].gaps
print(f"SAGA: gap {saga_gaps[100]:.1e} after 100 epochs, {saga_gaps[200]:.1e} after 200")

assert all(fits[m].converged for m in ["newton", "lbfgs"]) and not fits["gd"].converged
assert final["Newton"] < 1e-12 and final["L-BFGS"] < 1e-12
assert runs["L-BFGS"].passes[-1] < EPOCHS and newton_arithmetic < EPOCHS
assert final["SGD"] < 1e-3 and final["SGD"] < final["GD"] / 10
assert final["Adam"] > 1e-7 > 1e3 * max(final["Newton"], final["L-BFGS"])
assert adam_tail.max() > 2 * adam_tail.min() and np.sum(np.diff(adam_tail) > 0) >= 10
assert saga_gaps[200] < saga_gaps[100] / 10 and final["SAGA"] < final["SGD"] / 10
# time: only an order-of-magnitude claim, with a wide margin against a busy machine
assert max(runs["Newton"].seconds[-1], runs["L-BFGS"].seconds[-1]) < runs["SGD"].seconds[-1]
assert runs["GD"].seconds[-1] < runs["SGD"].seconds[-1]  # 200 passes each

# %% [markdown]
# SAGA's bookkeeping can be checked too: after 200 epochs of updates by differences, the
# running mean of the remembered gradients must still equal the mean computed afresh from
# the remembered residuals.

# %%
residual, mean_grad = runs["SAGA"].memory
print("largest difference:", np.abs(mean_grad - X1.T @ residual / n).max())
assert np.allclose(mean_grad, X1.T @ residual / n, rtol=0, atol=1e-12)

# %% [markdown]
# ## Batch size and step size
#
# The two knobs of SGD pull against each other. Progress per epoch grows with the number of
# steps, $n/|B|$, and with the step $\eta$; the noise in each step grows with $\eta$ and
# shrinks as the batch $|B|$ grows. One small experiment shows both, with a *constant* step
# and 60 epochs. Left: three batch sizes at $\eta = 1$. Right: three step sizes with batches
# of 8.

# %%
SHORT = 60
by_batch = {size: sgd(size, SHORT, eta0=1.0) for size in [8, 64, 512]}
by_step = {eta: (by_batch[8] if eta == 1.0 else sgd(8, SHORT, eta0=eta)) for eta in [1.0, 0.1, 0.02]}

fig, (left, right) = plt.subplots(1, 2, figsize=(6.5, 3.8), sharey=True)
for size, trace in by_batch.items():
    left.semilogy(trace.passes[1:], trace.gaps[1:], label=f"$|B| = {size}$")
for eta, trace in by_step.items():
    right.semilogy(trace.passes[1:], trace.gaps[1:], label=rf"$\eta = {eta}$")
left.set_title(r"batch size, $\eta = 1$")
right.set_title(r"step size, $|B| = 8$")
for ax in (left, right):
    ax.set_xlabel("epochs")
    ax.legend(fontsize=8)
left.set_ylabel(r"$J - J^\star$")
fig.tight_layout()
plt.show()


def tail(trace):
    """Mean gap over the last 20 epochs, and how far it swings (largest / smallest)."""
    gaps = np.asarray(trace.gaps[-20:])
    return gaps.mean(), gaps.max() / gaps.min()


for label, trace in [*((f"|B| = {s}, eta = 1", t) for s, t in by_batch.items()),
                     *((f"|B| = 8, eta = {e}", t) for e, t in by_step.items() if e != 1.0)]:
    level, swing = tail(trace)
    print(f"{label:<18} last 20 epochs: mean gap {level:.1e}, largest/smallest {swing:5.1f}, "
          f"{trace.seconds[-1]:.2f} s")

# %% [markdown]
# - **Small batches** ($|B| = 8$, 72 steps per epoch) get close fastest but then jitter in
#   a wide band: each step is too noisy for the step size.
# - **Large batches** ($|B| = 512$, 2 steps per epoch) are smooth, nearly gradient descent,
#   but take so few steps that they are still far from the minimum after 60 epochs.
# - In between ($|B| = 64$) is best here. Larger batches also cost less Python overhead per
#   example, which is why $|B| = 8$ takes the most seconds for the same passes.
# - A **smaller step** with the small batch calms the jitter and ends lower ($\eta = 0.1$),
#   but too small a step ($\eta = 0.02$) is slow from the start. This is why SGD's step is
#   made to decay: large while far away, small when close.

# %%
level = {size: tail(trace)[0] for size, trace in by_batch.items()}
assert level[64] < level[8] / 3 and level[64] < level[512] / 3
assert tail(by_batch[8])[1] > 5 * tail(by_batch[512])[1]
assert tail(by_step[0.1])[0] < tail(by_step[1.0])[0] / 3
assert by_step[1.0].gaps[5] < by_step[0.02].gaps[5] / 3 and tail(by_step[0.02])[0] > tail(by_step[0.1])[0]

# %% [markdown]
# ## Conclusion
#
# - For a **small, smooth, convex** problem like this one, the full-batch methods with
#   curvature information win by far: Newton and L-BFGS reach the exact minimum in fewer
#   passes than the stochastic methods were given, in milliseconds, with no step size to tune. That is why `lrmath.fit` (and
#   scikit-learn, by default) uses them.
# - **Stochastic methods shine when one pass is expensive**: with millions of examples, or
#   data that do not fit in memory, an epoch of SGD can get close to the minimum before
#   gradient descent has taken its first few steps, and Newton's Hessian costs $d/2$ passes
#   of arithmetic, prohibitive when $d$ is large. And for **non-convex** models such as deep
#   networks, Newton's method loses its guarantees (the Hessian need not be positive
#   definite), full batches do not fit in memory, and SGD and Adam are the standard tools.
# - With a **constant step**, SGD and Adam only reach a noisy neighbourhood of the
#   minimiser, whose width grows with $\eta$ and shrinks with the batch size. To converge
#   they need a decaying step (slow, $O(1/t)$) or variance reduction (SAGA, SAG), which
#   converges at a linear rate with a constant step, at the price of one remembered number
#   per example for logistic regression.
# - For predicting, the last digits of $J$ rarely matter: a gap of $10^{-4}$ may change no
#   prediction at all. Stopping early is a legitimate use of a noisy optimiser; it is just
#   not *minimising* $J$.
#
# ## Exercises
#
# **1.** SAGA remembers one number per example. How many numbers would it have to remember
# for a model whose per-example gradient is not a multiple of $\tilde{\mathbf{x}}_i$, for
# instance a network with a million weights? What does that say about where SAGA is used?
#
# <details><summary>Solution</summary>
#
# For logistic regression, $\nabla\ell_i = (\sigma(z_i) - y_i)\,\tilde{\mathbf{x}}_i$ and the
# data $\tilde{\mathbf{x}}_i$ are at hand anyway, so the scalar $r_i$ is enough: $n$ numbers.
# In general SAGA must store a whole gradient per example: $n$ times the number of
# parameters, here $n \times 10^6$ numbers, far more than the data. So SAGA is used for
# linear models (logistic regression, least squares, with any $d$), where the memory is $n$
# numbers, and rarely for deep networks. The check above that SAGA's running mean matches
# the remembered residuals is the bookkeeping this relies on.
#
# </details>
#
# **2.** Adam starts with $\mathbf{m}_0 = 0$ and updates
# $\mathbf{m}_t = \beta_1\mathbf{m}_{t-1} + (1 - \beta_1)\mathbf{g}_t$. Suppose every
# gradient equals the same vector $\mathbf{g}$. Show that
# $\mathbf{m}_t = (1 - \beta_1^t)\,\mathbf{g}$, and explain the division by
# $1 - \beta_1^t$ in the code.
#
# <details><summary>Solution</summary>
#
# Unrolling the recursion,
# $\mathbf{m}_t = (1 - \beta_1)\sum_{s=1}^{t}\beta_1^{t-s}\mathbf{g}
# = (1 - \beta_1)\,\frac{1 - \beta_1^t}{1 - \beta_1}\,\mathbf{g} = (1 - \beta_1^t)\,\mathbf{g}$,
# a geometric sum. So in the first steps $\mathbf{m}_t$ is much smaller than the gradients
# it averages (with $\beta_1 = 0.9$, one tenth of them at $t = 1$), only because it started
# at 0. Dividing by $1 - \beta_1^t$ removes exactly that factor; the same holds for
# $\mathbf{v}_t$ with $\beta_2$. The last cell of this page checks the identity numerically.
#
# </details>
#
# **3. Find the wrong step.** A student argues that SGD with a *constant* step converges to
# the minimiser:
#
# 1. a random mini-batch gradient $\mathbf{g}_t$ has mean $\nabla J(\boldsymbol\theta_t)$;
# 2. at the minimiser $\boldsymbol\theta^\star$, $\nabla J(\boldsymbol\theta^\star) = 0$;
# 3. so at $\boldsymbol\theta^\star$ every mini-batch gradient is 0, and an iterate that
#    reaches $\boldsymbol\theta^\star$ stays there;
# 4. since each step decreases $J$ on average, the iterates reach $\boldsymbol\theta^\star$.
#
# <details><summary>Solution</summary>
#
# Step 3 is wrong. A zero *mean* does not make every term zero: at $\boldsymbol\theta^\star$
# the mini-batch gradients scatter around 0, so an iterate at $\boldsymbol\theta^\star$ is
# knocked away again by the next step. This is the noise band Adam and constant-step SGD
# stall in above. (Step 4 is also too quick, but the argument already fails at 3.) SAGA
# repairs exactly step 3: its correction makes the step's noise vanish at
# $\boldsymbol\theta^\star$. The last cell of this page computes the mini-batch gradients at
# $\boldsymbol\theta^\star$.
#
# </details>
#
# ### Checks of the solutions

# %%
beta1, g = 0.9, np.array([0.3, -2.0])
m = np.zeros(2)
for t in range(1, 8):
    m = beta1 * m + (1 - beta1) * g
    assert np.allclose(m, (1 - beta1**t) * g)
print("exercise 2: m_t = (1 - beta1^t) g for t = 1..7")

theta_star = np.append(optimum.w, optimum.b)
batch_norms = [np.abs(minibatch_gradient(theta_star, rows)).max()
               for rows in minibatches(BATCH, np.random.default_rng(1))]
full_norm = np.abs(minibatch_gradient(theta_star, np.arange(n))).max()
print(f"exercise 3: at theta*, largest gradient entry {full_norm:.1e} on all the data, "
      f"from {min(batch_norms):.1e} to {max(batch_norms):.1e} on batches of {BATCH}")
assert full_norm < 1e-10 and min(batch_norms) > 1e-3
