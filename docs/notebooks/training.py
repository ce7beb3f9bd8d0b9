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
# # Training on real data
#
# The chapters derived the objective of logistic regression, the mean cross-entropy plus an
# optional L2 penalty,
#
# <!-- not checked: the definition of the objective; chapter 2 proves each term equals the cross-entropy (loss-from-score) -->
# $$J(\mathbf{w}, b) = \frac{1}{n}\sum_{i=1}^{n}\bigl[\log(1 + e^{z_i}) - y_i z_i\bigr]
# + \frac{\lambda}{2}\lVert\mathbf{w}\rVert^2, \qquad z_i = \mathbf{w}^\top\mathbf{x}_i + b,$$
#
# and [chapter 2](../../02-likelihood-to-bce/) explained why it has to be minimised by
# iterating. This notebook does that on a real data set with `lrmath.fit`, compares three
# methods (gradient descent, Newton's method, L-BFGS), checks the model on data it has not
# seen, and looks at what the penalty $\lambda$ (`l2`) does.

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np

import lrmath

# %% [markdown]
# ## The data
#
# The *Breast Cancer Wisconsin (Diagnostic)* data set (W. Wolberg, O. Mangasarian, N. Street
# and W. Street, UCI Machine Learning Repository, 1995, licence CC BY 4.0) describes 569
# breast masses sampled by fine needle aspiration. For each, ten properties of the cell
# nuclei in a digitised image (radius, texture, perimeter, area, smoothness, compactness,
# concavity, concave points, symmetry, fractal dimension) are summarised three ways: mean,
# standard error and "worst" (mean of the three largest values), giving 30 features. The
# label is the diagnosis: **1 = malignant**, 0 = benign. It ships with `lrmath`, so nothing
# is downloaded.

# %%
X, y, names = lrmath.load_breast_cancer()
print("X:", X.shape, " y:", y.shape)
print(f"malignant: {int(y.sum())}, benign: {int((1 - y).sum())}")
for j in [0, 3, 4, 27]:
    print(f"{names[j]:<22} from {X[:, j].min():8.3f} to {X[:, j].max():8.3f}")

# %% [markdown]
# The features live on very different scales (areas in the thousands, smoothness around
# 0.1). Without a penalty that would not change what the model can express (a weight simply
# rescales with its feature), but it makes the objective badly conditioned for gradient
# descent, and it would make a penalty on $\lVert\mathbf{w}\rVert$ treat the features
# unequally. So we standardise them.
#
# ## A held-out test set
#
# Accuracy on the examples a model was trained on says little about new patients. So we
# shuffle once, with a fixed seed so that every build gives the same split, and keep 25 % of
# the examples aside. They are used only to evaluate.

# %%
rng = np.random.default_rng(0)
order = rng.permutation(len(y))
n_test = round(0.25 * len(y))
test, train = order[:n_test], order[n_test:]
print(f"train: {len(train)} examples, {y[train].mean():.1%} malignant")
print(f"test:  {len(test)} examples, {y[test].mean():.1%} malignant")

# %% [markdown]
# **Standardise** each feature to mean 0 and standard deviation 1, using the mean and
# standard deviation of the *training* examples only. Computing them on all the data would
# let the test set leak into training; applied to the test set, the training statistics
# leave its features only approximately standardised, as they would be for new patients.

# %%
mean, std = X[train].mean(axis=0), X[train].std(axis=0)
X_train, X_test = (X[train] - mean) / std, (X[test] - mean) / std
y_train, y_test = y[train], y[test]
print("training means, largest |.|:", np.abs(X_train.mean(axis=0)).max())
print("test means,     largest |.|:", np.abs(X_test.mean(axis=0)).max())

# %% [markdown]
# ## Gradient descent, written out
#
# Before handing the work to `lrmath.fit`, here is the whole method in plain NumPy. Each
# line is a formula of the chapters: the scores $z_i = \mathbf{w}^\top\mathbf{x}_i + b$, the
# predictions $\hat{y}_i = \sigma(z_i)$, the gradient of
# [chapter 4](../../04-bce-gradient/) plus that of the penalty,
#
# <!-- not checked: chapter 4 proves the gradient of the loss entry by entry; the penalty's term is proven in chapter 10 -->
# $$\nabla_{\mathbf{w}} J = \frac{1}{n}\mathbf{X}^\top(\hat{\mathbf{y}} - \mathbf{y})
# + \lambda\mathbf{w}, \qquad \frac{\partial J}{\partial b} = \frac{1}{n}\sum_{i=1}^{n}
# (\hat{y}_i - y_i),$$
#
# and a step against it. The step size is $\eta = 1/L$, where
# $L = \frac{1}{4n}\lVert[\mathbf{X}, \mathbf{1}]\rVert_2^2 + \lambda$ bounds how sharply
# $J$ can curve (the slope of the sigmoid is at most $\frac14$, chapter 3): with it, every
# step is guaranteed to lower $J$.

# %%
L2 = 1e-3


def objective(w, b, X, y, l2):
    """J from the scores (chapter 2): log(1 + e^z) - y z, averaged, plus the penalty."""
    z = X @ w + b
    return np.mean(np.logaddexp(0, z) - y * z) + l2 / 2 * (w @ w)


def gradient_descent(X, y, l2, steps):
    """`steps` steps of gradient descent from w = 0, b = 0: w, b, and J after each."""
    n, d = X.shape
    with_ones = np.column_stack([X, np.ones(n)])
    eta = 1 / (np.linalg.norm(with_ones, 2) ** 2 / (4 * n) + l2)  # 1 / L
    w, b = np.zeros(d), 0.0
    history = [objective(w, b, X, y, l2)]
    for _ in range(steps):
        z = X @ w + b  # the scores
        y_hat = 1 / (1 + np.exp(-z))  # the predictions (here |z| stays well below 700)
        residual = y_hat - y
        grad_w = X.T @ residual / n + l2 * w
        grad_b = residual.mean()
        w, b = w - eta * grad_w, b - eta * grad_b
        history.append(objective(w, b, X, y, l2))
    return w, b, np.array(history)


w_hand, b_hand, history = gradient_descent(X_train, y_train, L2, steps=2000)
for k in [0, 1, 10, 100, 1000, 2000]:
    print(f"after {k:>4} steps: J = {history[k]:.6f}")

# %% [markdown]
# $J$ falls fast at first and then ever more slowly: between step 1000 and step 2000
# it still moves in the third decimal. That slowness is the subject of the next section. The checks: every
# step lowered $J$, and the hand-written $J$ and gradient agree with `lrmath`'s.

# %%
assert np.all(np.diff(history) < 0)
J_lrmath, gw_lrmath, gb_lrmath = lrmath.loss_and_grad(w_hand, b_hand, X_train, y_train,
                                                      l2=L2)
residual = 1 / (1 + np.exp(-(X_train @ w_hand + b_hand))) - y_train
assert np.isclose(history[-1], J_lrmath, rtol=1e-12)
assert np.allclose(X_train.T @ residual / len(y_train) + L2 * w_hand, gw_lrmath,
                   rtol=1e-10, atol=1e-14)
assert np.isclose(residual.mean(), gb_lrmath, rtol=1e-10, atol=1e-14)

# %% [markdown]
# `lrmath.fit(..., method="gd")` runs this same loop, with the same step $1/L$, and a few
# additions: it checks its inputs, starts from the best bias for $\mathbf{w} = 0$ (exercise 1
# below), stops when every entry of the gradient is small instead of after a fixed number of
# steps, and computes the sigmoid and the loss in the stable forms of chapter 12.
#
# ## Three ways to minimise $J$
#
# `lrmath.fit` offers three methods (see [chapter 2](../../02-likelihood-to-bce/), *What is
# done instead: iterate*):
#
# - `"gd"`, **gradient descent**, $\boldsymbol\theta \leftarrow \boldsymbol\theta - \eta\nabla J$,
#   with a step $\eta$ that is guaranteed to decrease $J$;
# - `"newton"`, **Newton's method**, which solves a $(d+1) \times (d+1)$ linear system with the
#   Hessian at every step;
# - `"lbfgs"`, **L-BFGS**, which estimates the curvature from the last few gradients.
#
# All three stop when every entry of the gradient is at most `tol` in absolute value. We use
# a small penalty, $\lambda = 10^{-3}$, for reasons explained at the end. Warnings, if any,
# are caught and printed.

# %%
results, fit_warnings = {}, {}
for method in ["gd", "newton", "lbfgs"]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results[method] = lrmath.fit(X_train, y_train, method=method, l2=1e-3, tol=1e-8)
    fit_warnings[method] = [f"{w.category.__name__}: {w.message}" for w in caught]

print(f"{'method':<7} {'iterations':>10} {'converged':>9} {'final J':>20} "
      f"{'seconds':>8} {'ms/iteration':>12}")
for method, r in results.items():
    print(f"{method:<7} {r.n_iter:>10} {str(r.converged):>9} {r.history[-1]:>20.15f} "
          f"{r.times[-1]:>8.3f} {1e3 * r.times[-1] / r.n_iter:>12.4f}")
print("warnings:", sum(fit_warnings.values(), []) or "none")

# %% [markdown]
# The objective is convex and, with the penalty, has a single minimiser, so all three
# methods should find it.
# They do, to the precision the stopping rule asks for:

# %%
reference = results["newton"]
for method in ["gd", "lbfgs"]:
    r = results[method]
    print(f"{method:<6} max |w - w_newton| = {np.max(np.abs(r.w - reference.w)):.1e}   "
          f"|b - b_newton| = {abs(r.b - reference.b):.1e}")

# %%
assert all(np.allclose(results[m].w, reference.w, atol=1e-4) for m in ["gd", "lbfgs"])
assert all(abs(results[m].b - reference.b) < 1e-4 for m in ["gd", "lbfgs"])
assert all(r.converged for r in results.values())
assert results["gd"].n_iter > 1000
assert results["gd"].n_iter > 100 * results["newton"].n_iter

# %% [markdown]
# The seconds in the table depend on the machine and on what else it was doing, so they
# are shown, never checked. What can be checked is the arithmetic, counted in
# multiply-adds. With $n$ training examples and $d + 1 = 31$ parameters, one gradient is
# about $2n(d+1)$ of them (the scores, then $\mathbf{X}^\top$ times the residuals); a Newton
# iteration adds the Hessian, $n(d+1)^2$, and its Cholesky factorisation, $(d+1)^3/3$.
# Gradient descent and L-BFGS take one gradient per iteration (L-BFGS a few more when its
# line search rejects a step, which `fit` does not report).

# %%
n_train, p = X_train.shape[0], X_train.shape[1] + 1
gradient_work = 2 * n_train * p
work = {
    "gd": results["gd"].n_iter * gradient_work,
    "newton": results["newton"].n_iter * (gradient_work + n_train * p**2 + p**3 / 3),
    "lbfgs": results["lbfgs"].n_iter * gradient_work,
}
for method, madds in work.items():
    print(f"{method:<7} about {madds:.1e} multiply-adds")

# %%
assert work["gd"] > 50 * max(work["newton"], work["lbfgs"])

# %% [markdown]
# Gradient descent needs far more iterations than the other two. How fast each one closes
# in on the minimum is easiest to see by plotting $J_k - J^\star$, the gap between the
# objective after iteration $k$ and the best value $J^\star$ any method reached, on a
# logarithmic scale. The gap of the method that found $J^\star$ reaches exactly 0 at the end,
# which a log scale cannot show, so that last point is left out; gaps around $10^{-15}$ are
# rounding noise ($J$ is about 0.06 and float64 keeps about 16 significant digits).

# %% alt="Two panels of the gap J_k - J* on log axes for gd, newton and lbfgs, against iterations on the left and against seconds on the right. Newton falls to about 10 to the -12 in under ten iterations, L-BFGS in under a hundred, while gradient descent needs tens of thousands."
best = min(r.history.min() for r in results.values())
fig, (by_iter, by_time) = plt.subplots(1, 2, figsize=(6.5, 3.8), sharey=True)
for method, r in results.items():
    gap = r.history - best
    keep = gap > 0
    keep[0] = False  # iteration 0 is the common starting point; log axes cannot show 0
    by_iter.loglog(np.arange(len(gap))[keep], gap[keep], label=method)
    by_time.loglog(r.times[keep], gap[keep], label=method)
by_iter.set_xlabel("iteration $k$")
by_time.set_xlabel("time (seconds)")
by_iter.set_ylabel(r"$J_k - J^\star$")
by_iter.set_title("against iterations")
by_time.set_title("against time")
by_iter.legend(loc="upper right")
fig.tight_layout()
plt.show()

# %% [markdown]
# Three behaviours the theory predicts, visible in the plot:
#
# - **Gradient descent** converges *linearly*: each step removes roughly the same fraction of
#   the gap, which is small when the problem is badly conditioned; the gap shrinks steadily,
#   but it takes many thousands of cheap steps.
# - **Newton's method** converges *quadratically* near the minimum: once close, the number of
#   correct digits roughly doubles at every step, so the curve falls off a cliff after a few
#   iterations. Each step builds and factorises the Hessian, which is cheap with $d = 30$.
# - **L-BFGS** lies in between (*superlinear*); each step costs a few gradient evaluations
#   and no Hessian, which makes it the method of choice when $d$ is large.
#
# Newton's iterates show the doubling of digits directly:

# %%
newton_gaps = reference.history - best
print("Newton, J_k - J*:", " ".join(f"{g:.1e}" for g in newton_gaps))

# %% [markdown]
# The timings are for this small problem on the machine that built this page, and include
# Python overhead; they vary from run to run. What does not vary is the count: gradient
# descent does orders of magnitude more arithmetic than the other two.
#
# ## Accuracy on the held-out examples
#
# A model predicts "malignant" when $\sigma(z) \ge 1/2$, that is when $z \ge 0$.

# %%
for method, r in results.items():
    train_acc = np.mean(lrmath.predict(X_train, r.w, r.b) == y_train)
    test_acc = np.mean(lrmath.predict(X_test, r.w, r.b) == y_test)
    print(f"{method:<7} training accuracy {train_acc:.4f}   "
          f"held-out accuracy {test_acc:.4f}")

predicted = lrmath.predict(X_test, reference.w, reference.b)
missed = int(np.sum((predicted == 0) & (y_test == 1)))
false_alarms = int(np.sum((predicted == 1) & (y_test == 0)))
print(f"held-out errors: {missed} malignant predicted benign, "
      f"{false_alarms} benign predicted malignant "
      f"(of {int(y_test.sum())} malignant, {int((1 - y_test).sum())} benign)")

# %%
assert all(np.array_equal(lrmath.predict(X_test, r.w, r.b), predicted)
           for r in results.values())

# %% [markdown]
# Since the three methods found the same weights, they make the same predictions (checked
# below). The two
# kinds of error are not equally bad: a missed malignant tumour is worse than a false alarm.
# Lowering the threshold of `lrmath.predict` below $1/2$ trades false alarms for fewer misses;
# where to put it is a medical decision, not a mathematical one.
#
# ## A picture in two dimensions
#
# With 30 features the decision boundary $\mathbf{w}^\top\mathbf{x} + b = 0$ is a
# hyperplane we cannot draw. With two it is a line. We refit on two standardised features,
# `worst_radius` and `worst_concave_points`, and draw
#
# <!-- not checked: the equation of a line, solved for \(x_2\) (with \(w_2 \ne 0\)); an equivalence, not an identity -->
# $$w_1 x_1 + w_2 x_2 + b = 0 \quad\Longleftrightarrow\quad x_2 = -\frac{w_1 x_1 + b}{w_2},$$
#
# together with the lines where the predicted probability is 0.1 and 0.9
# ($z = \pm\log 9$, since $\sigma(\log 9) = 0.9$).

# %%
pair = [names.index("worst_radius"), names.index("worst_concave_points")]
model2 = lrmath.fit(X_train[:, pair], y_train, l2=1e-3)
w1, w2 = model2.w
print(f"w = ({w1:.3f}, {w2:.3f}), b = {model2.b:.3f}")
acc2 = np.mean(lrmath.predict(X_test[:, pair], model2.w, model2.b) == y_test)
print(f"held-out accuracy with these two features only: {acc2:.4f}")

# %% alt="Scatter plot of the examples on two standardised features, worst radius across and worst concave points up: benign examples in blue at the lower left, malignant ones in red at the upper right, overlapping near the middle; training examples as dots, held-out ones as circles. Three parallel straight lines mark where the model predicts a probability of malignant of 0.1, 0.5 and 0.9."
fig, ax = plt.subplots(figsize=(6.5, 3.8))
for label, colour, text in [(0, "tab:blue", "benign"), (1, "tab:red", "malignant")]:
    rows = y_train == label
    ax.scatter(X_train[rows, pair[0]], X_train[rows, pair[1]], s=12, c=colour,
               alpha=0.6, label=f"{text} (training)")
    rows = y_test == label
    ax.scatter(X_test[rows, pair[0]], X_test[rows, pair[1]], s=28, facecolors="none",
               edgecolors=colour, label=f"{text} (held out)")
x1 = np.linspace(X_train[:, pair[0]].min(), X_train[:, pair[0]].max(), 2)
levels = [(0.0, "-", r"$\sigma(z) = 0.5$"), (np.log(9), "--", r"$\sigma(z) = 0.9$"),
          (-np.log(9), ":", r"$\sigma(z) = 0.1$")]
for z_level, style, text in levels:
    ax.plot(x1, (z_level - w1 * x1 - model2.b) / w2, "k", ls=style, lw=1, label=text)
ax.set_ylim(X_train[:, pair[1]].min() - 0.3, X_train[:, pair[1]].max() + 0.3)
ax.set_xlabel("worst radius (standardised)")
ax.set_ylabel("worst concave points (standardised)")
ax.set_title("Decision boundary on two features")
ax.legend(fontsize=7, loc="lower right", ncol=2)
plt.show()

# %% [markdown]
# The boundary is a straight line, as it must be for a linear score. The probability changes
# across it, not along it: the 0.1 and 0.9 lines are parallel to it, and the larger the
# weights, the closer together they are (a steeper sigmoid across the boundary).
#
# ## What the penalty does
#
# The penalty $\frac{\lambda}{2}\lVert\mathbf{w}\rVert^2$ pulls the weights towards 0. Refit
# the 30-feature model for twelve values of $\lambda$ from $10^{-4}$ to $10$ (Newton, fast
# here) and watch the weights and the held-out accuracy.

# %%
l2_values = np.logspace(-4, 1, 12)
path = [lrmath.fit(X_train, y_train, l2=lam, method="newton") for lam in l2_values]
weights = np.array([r.w for r in path])
norms = np.linalg.norm(weights, axis=1)
test_accuracy = [np.mean(lrmath.predict(X_test, r.w, r.b) == y_test) for r in path]
train_accuracy = [np.mean(lrmath.predict(X_train, r.w, r.b) == y_train) for r in path]
for lam, nrm, tr, te in zip(l2_values, norms, train_accuracy, test_accuracy):
    print(f"l2 = {lam:8.1e}   |w| = {nrm:7.3f}   training accuracy {tr:.4f}   "
          f"held-out accuracy {te:.4f}")

# %% [markdown]
# A larger penalty can never give larger weights: if $\lambda < \lambda'$ with minimisers
# $\mathbf{w}, \mathbf{w}'$, adding the two inequalities that say each is optimal for its own
# strength leaves $(\lambda' - \lambda)(\lVert\mathbf{w}\rVert^2 - \lVert\mathbf{w}'\rVert^2) \ge 0$.
# The computed path obeys this:

# %%
print("norm of w decreases along the path:", np.all(np.diff(norms) <= 1e-9))

# %%
assert np.all(np.diff(norms) <= 1e-9)

# %% alt="Left, the 30 weights and their norm against the L2 penalty strength on a log axis: the norm falls from about 11 at the weakest penalty to near 0 at the strongest, and every weight shrinks towards 0. Right, accuracy against the same penalty for training and held-out examples: about 0.97 to 0.99 up to moderate penalties, falling to about 0.7 at the strongest."
fig, (coef_ax, acc_ax) = plt.subplots(1, 2, figsize=(6.5, 3.8))
coef_ax.semilogx(l2_values, weights, lw=1)
coef_ax.semilogx(l2_values, norms, "k", lw=2, label=r"$\|\mathbf{w}\|$")
coef_ax.axhline(0, color="gray", lw=0.5)
coef_ax.set_xlabel(r"penalty $\lambda$ (l2)")
coef_ax.set_ylabel("weight")
coef_ax.set_title("the 30 weights and their norm")
coef_ax.legend()
acc_ax.semilogx(l2_values, train_accuracy, "o-", ms=3, label="training")
acc_ax.semilogx(l2_values, test_accuracy, "s-", ms=3, label="held out")
acc_ax.set_xlabel(r"penalty $\lambda$ (l2)")
acc_ax.set_ylabel("accuracy")
acc_ax.set_title("accuracy")
acc_ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# With little penalty the weights are large and of both signs (several of the 30 features
# measure nearly the same thing, radius, perimeter and area for instance, and large
# opposite weights on them partly cancel). As $\lambda$ grows the weights are pulled
# towards 0 and the model becomes simpler: the norm falls steadily, although single weights
# need not (some change sign on the way); with too much penalty it can no longer separate the
# classes well and the accuracy drops. Between the extremes the held-out accuracy changes
# little.
#
# A caution: picking the $\lambda$ with the best accuracy in this plot would be choosing it
# *on the test set*, and the accuracy at that $\lambda$ would then be an optimistic estimate.
# Choose $\lambda$ with a separate validation split or cross-validation on the training
# examples, and touch the test set once.
#
# ## Without a penalty: separable data
#
# [Chapter 2](../../02-likelihood-to-bce/) showed that if some weights classify every example
# correctly, scaling them up always lowers $J$, so with $\lambda = 0$ there is no finite
# minimiser. With 30 features and 569 examples, that is exactly the case here: fit on all
# the data, standardised, with `l2=0`.

# %%
X_all = (X - X.mean(axis=0)) / X.std(axis=0)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    unpenalised = lrmath.fit(X_all, y, l2=0.0)
for w in caught:
    print(f"{w.category.__name__}: {w.message}")

train_accuracy_all = np.mean(lrmath.predict(X_all, unpenalised.w, unpenalised.b) == y)
print(f"accuracy on all 569 examples: {train_accuracy_all}   "
      f"|w| = {np.linalg.norm(unpenalised.w):.1f}")

# %%
assert any(issubclass(w.category, lrmath.SeparableDataWarning) for w in caught)
assert train_accuracy_all == 1.0

# %% [markdown]
# `fit` stopped as soon as every example was on the right side of the line, because going on
# could only inflate the weights. The argument of chapter 2 can be checked directly: along
# the ray $c\,(\mathbf{w}, b)$, the objective keeps falling towards 0 as $c$ grows.

# %%
scales = [1, 2, 4, 8, 16]
along_ray = [lrmath.loss_and_grad(c * unpenalised.w, c * unpenalised.b, X_all, y)[0]
             for c in scales]
for c, value in zip(scales, along_ray):
    print(f"c = {c:>2}   J(c w, c b) = {value:.3e}")

# %%
assert all(a > b > 0 for a, b in zip(along_ray, along_ray[1:]))

# %% [markdown]
# With a penalty, even a small one, the minimiser is finite and unique:

# %%
penalised = lrmath.fit(X_all, y, l2=1e-3)
all_accuracy = np.mean(lrmath.predict(X_all, penalised.w, penalised.b) == y)
print(f"l2 = 1e-3: converged = {penalised.converged}, "
      f"|w| = {np.linalg.norm(penalised.w):.1f}, "
      f"accuracy on all data = {all_accuracy:.4f}")

# %%
assert penalised.converged

# %% [markdown]
# ## Conclusion
#
# - All three methods minimise the same convex objective and reach the same model; they
#   differ only in how they get there. On this problem, with 30 features, Newton's method
#   needs a handful of iterations and milliseconds; gradient descent needs many thousands
#   of small steps; L-BFGS is in between and is the one that scales to many features.
# - Logistic regression does well on this data set, on examples it was not trained on. But
#   the test set is small, so the accuracy is an estimate with a sizeable error bar (cell
#   below), measured on a single split.
# - A perfect fit on the training data is not a virtue here: with no penalty the data are
#   separable, and the weights would grow without bound. A small L2 penalty makes the problem
#   well posed; its strength should be chosen on data other than the test set.
# - This is a teaching example, not a diagnostic tool: the data come from a single medical
#   centre about three decades ago, with a class balance that need not match the population
#   a real test would be used on.

# %%
acc = np.mean(lrmath.predict(X_test, reference.w, reference.b) == y_test)
standard_error = np.sqrt(acc * (1 - acc) / len(y_test))
print(f"held-out accuracy {acc:.3f} on {len(y_test)} examples, "
      f"standard error about {standard_error:.3f} "
      f"({len(y_test) - int(round(acc * len(y_test)))} errors)")

# %% [markdown]
# ## Exercises
#
# **1.** `lrmath.fit` starts from $\mathbf{w} = 0$ and $b_0 = \log\frac{\bar{y}}{1 - \bar{y}}$,
# where $\bar{y}$ is the fraction of positive labels. Show that among the models with
# $\mathbf{w} = 0$ this $b_0$ minimises $J$, whatever the penalty.
#
# <details><summary>Solution</summary>
#
# With $\mathbf{w} = 0$ every score is $b$, so by the bias gradient of chapter 4,
# $\frac{\partial J}{\partial b} = \frac1n\sum_i(\sigma(b) - y_i) = \sigma(b) - \bar{y}$; the
# penalty does not involve $b$. This is zero when $\sigma(b) = \bar{y}$, that is
# $b = \log\frac{\bar{y}}{1 - \bar{y}}$, and $J$ is convex in $b$, so that is the minimum. The
# first cell below evaluates the gradient there.
#
# </details>
#
# **2. Find the wrong step.** To miss fewer malignant tumours, a student lowers the threshold
# of `lrmath.predict` from $0.5$ to $0.3$ and argues:
#
# 1. an example is predicted malignant when $\sigma(z) \ge t$;
# 2. lowering $t$ only changes predictions from benign to malignant;
# 3. so the number of missed malignant tumours cannot go up, and the number of false alarms cannot go down;
# 4. so the total number of errors cannot go up.
#
# <details><summary>Solution</summary>
#
# Step 4 is wrong. Each changed prediction either fixes a miss or creates a false alarm, and
# nothing says there are more of the first kind. Steps 1 to 3 are right, and they are the
# honest trade-off: fewer misses, more false alarms, a total that may go either way. The
# second cell below counts both kinds of error at the two thresholds.
#
# </details>
#
# ### Checks of the solutions

# %%
b0 = np.log(y_train.mean() / (1 - y_train.mean()))
w0 = np.zeros(X_train.shape[1])
_, _, slope_b = lrmath.loss_and_grad(w0, b0, X_train, y_train, l2=1e-3)
print(f"exercise 1: dJ/db at w = 0, b = b0 is {slope_b:.1e}")

# %%
assert abs(slope_b) < 1e-12

# %%
counts = {}
for t in (0.5, 0.3):
    predicted = lrmath.predict(X_test, reference.w, reference.b, threshold=t)
    missed = int(np.sum((predicted == 0) & (y_test == 1)))
    false_alarms = int(np.sum((predicted == 1) & (y_test == 0)))
    counts[t] = (missed, false_alarms)
    print(f"exercise 2: threshold {t}: {missed} missed, {false_alarms} false alarms, "
          f"{missed + false_alarms} errors")

# %%
assert counts[0.3][0] <= counts[0.5][0] and counts[0.3][1] >= counts[0.5][1]

# %% [markdown]
# ### A coding exercise
#
# **3.** The hand-written `gradient_descent` above takes a fixed number of steps. Write
# `gradient_descent_until(X, y, l2, tol, max_steps)`, which stops as soon as every entry of
# the gradient is at most `tol` in absolute value (the stopping rule of `lrmath.fit`) and
# returns `w`, `b` and the number of steps taken. How many steps does `tol = 1e-4` need?
# Try it first in your own copy of the notebook; the solution is collapsed.

# %% tags=["solution"]
def gradient_descent_until(X, y, l2, tol, max_steps):
    n, d = X.shape
    with_ones = np.column_stack([X, np.ones(n)])
    eta = 1 / (np.linalg.norm(with_ones, 2) ** 2 / (4 * n) + l2)
    w, b = np.zeros(d), 0.0
    for step in range(max_steps + 1):
        residual = 1 / (1 + np.exp(-(X @ w + b))) - y
        grad_w, grad_b = X.T @ residual / n + l2 * w, residual.mean()
        if max(np.abs(grad_w).max(), abs(grad_b)) <= tol:
            return w, b, step
        w, b = w - eta * grad_w, b - eta * grad_b
    raise RuntimeError(f"no convergence to tol = {tol} in {max_steps} steps")


w_tol, b_tol, steps_tol = gradient_descent_until(X_train, y_train, L2, 1e-4, 100_000)
print(f"exercise 3: tol = 1e-4 needs {steps_tol} steps")

# %%
_, gw_tol, gb_tol = lrmath.loss_and_grad(w_tol, b_tol, X_train, y_train, l2=L2)
assert max(np.abs(gw_tol).max(), abs(gb_tol)) <= 1e-4
_, gw_before, gb_before = lrmath.loss_and_grad(*gradient_descent(
    X_train, y_train, L2, steps=steps_tol - 1)[:2], X_train, y_train, l2=L2)
assert max(np.abs(gw_before).max(), abs(gb_before)) > 1e-4  # one step earlier: not yet

# %% [markdown]
# ## Beyond accuracy: reading and judging the model
#
# Accuracy is one number, and it hides the two questions a user of this model asks: *which
# measurements drive the prediction?* and *how far can I trust a predicted probability?*
# This section answers both with NumPy alone, on the same split as above: the weights read
# as odds ratios, the confusion matrix, precision and recall, the ROC curve and its area, and
# a calibration curve. It refits the model, so that it can be read on its own.

# %%
X, y, names = lrmath.load_breast_cancer()
order = np.random.default_rng(0).permutation(len(y))
n_test = round(0.25 * len(y))
test, train = order[:n_test], order[n_test:]
mean, std = X[train].mean(axis=0), X[train].std(axis=0)
X_train, X_test = (X[train] - mean) / std, (X[test] - mean) / std
y_train, y_test = y[train], y[test]
model = lrmath.fit(X_train, y_train, l2=1e-3, method="newton")
p_test = lrmath.predict_proba(X_test, model.w, model.b)  # predicted P(malignant)

# %% [markdown]
# ### The weights as odds ratios
#
# Page [2b](../../02b-why-this-model/) proved that raising feature $j$ by one unit multiplies
# the odds of "malignant" by $e^{w_j}$, whatever the other features are. The features are
# standardised, so one unit is one standard deviation (of the training examples), and the
# ratios of different features can be compared. The five largest effects:

# %%
odds_ratios = np.exp(model.w)
strongest = np.argsort(-np.abs(model.w))[:5]
print(f"{'feature':<24} {'weight':>7} {'odds ratio':>11}")
for j in strongest:
    print(f"{names[j]:<24} {model.w[j]:>7.2f} {odds_ratios[j]:>11.2f}")

# %% [markdown]
# An odds ratio above 1 pushes towards malignant, below 1 towards benign. Read them with
# care: many of the 30 features measure nearly the same thing (radius, perimeter and area, in
# three summaries each), and correlated features share their effect between them in ways the
# data barely determine. A weight says what changes when *one* feature moves *with the others
# held fixed*, which for a radius and an area of the same nucleus never happens. The
# penalty keeps such weights finite and stable, not interpretable one by one.
#
# ### The confusion matrix, precision and recall
#
# At a threshold $t$ each held-out example is predicted malignant when $\hat{y} \ge t$. The
# four counts of predicted against true class are the **confusion matrix**. From it,
# **recall** (or sensitivity) is the fraction of malignant tumours that are caught,
# **precision** the fraction of "malignant" predictions that are right, and **specificity**
# the fraction of benign tumours recognised as benign.


# %%
def confusion(y_true, p, threshold):
    """Counts (true positives, false positives, false negatives, true negatives)."""
    predicted = p >= threshold
    positive = y_true == 1
    return (int(np.sum(predicted & positive)), int(np.sum(predicted & ~positive)),
            int(np.sum(~predicted & positive)), int(np.sum(~predicted & ~positive)))


for threshold in (0.5, 0.3):
    tp, fp, fn, tn = confusion(y_test, p_test, threshold)
    print(f"threshold {threshold}:{'predicted malignant':>34}   predicted benign")
    print(f"  truly malignant ({tp + fn:3d})      {tp:8d}             {fn:8d}")
    print(f"  truly benign    ({fp + tn:3d})      {fp:8d}             {tn:8d}")
    precision, recall, specificity = tp / (tp + fp), tp / (tp + fn), tn / (tn + fp)
    print(f"  precision {precision:.3f}   recall {recall:.3f}   "
          f"specificity {specificity:.3f}   accuracy {(tp + tn) / len(y_test):.3f}\n")

# %% [markdown]
# Lowering the threshold catches more malignant tumours (recall up) at the price of more
# false alarms (precision and specificity down). Which threshold is right depends on the
# costs of the two errors, which the data do not know.
#
# ### The ROC curve and its area
#
# The **ROC curve** shows every threshold at once: for each, the fraction of malignant
# tumours caught (true-positive rate, the recall) against the fraction of benign ones
# flagged (false-positive rate, $1 -$ specificity). Sweeping the threshold down through the
# sorted predictions adds one example at a time. The **area under the curve (AUC)** is 1 for
# a perfect ranking and $\frac12$ for a random one.


# %%
def roc_curve(y_true, p):
    """False- and true-positive rates at every threshold, highest first."""
    order = np.argsort(-p, kind="stable")
    y_sorted, p_sorted = y_true[order], p[order]
    last_of_tie = np.r_[np.diff(p_sorted) != 0, True]  # tied scores enter together
    tp = np.cumsum(y_sorted)[last_of_tie]
    fp = np.cumsum(1 - y_sorted)[last_of_tie]
    return np.r_[0, fp / fp[-1]], np.r_[0, tp / tp[-1]]


fpr, tpr = roc_curve(y_test, p_test)
auc = np.trapezoid(tpr, fpr)
print(f"AUC on the held-out examples: {auc:.4f}")

# %% [markdown]
# The AUC has a second meaning that needs no curve: it is the probability that a randomly
# chosen malignant example gets a higher predicted probability than a randomly chosen benign
# one (ties counting one half). Counting all such pairs gives the same number:

# %%
p_malignant, p_benign = p_test[y_test == 1], p_test[y_test == 0]
higher = p_malignant[:, None] > p_benign[None, :]
tied = p_malignant[:, None] == p_benign[None, :]
auc_pairs = (higher.sum() + 0.5 * tied.sum()) / higher.size
print(f"fraction of (malignant, benign) pairs ranked correctly: {auc_pairs:.4f}")

# %% [markdown]
# ### Calibration: do the probabilities mean what they say?
#
# A model is **calibrated** if, among the examples it gives a probability near 0.8, about
# 80 % are malignant. Group the held-out predictions into bins and compare each bin's mean
# prediction with the fraction of malignant examples in it. With 142 held-out examples the
# bins are small, so the counts are printed too.

# %% alt="Two panels. Left, the ROC curve of the model on the held-out examples: the true-positive rate climbs almost straight up to nearly 1 at a false-positive rate near 0, far above the dashed diagonal of a random ranking; the legend gives an area under the curve of about 0.998. Right, the calibration curve: mean predicted probability against the fraction of malignant examples in five bins, with the number of examples beside each point; the crowded bins near 0 and near 1 sit on the dashed diagonal of perfect calibration, while the three middle bins hold 3 or 4 examples each and scatter around it."
edges = np.linspace(0, 1, 6)
bin_of = np.clip(np.digitize(p_test, edges) - 1, 0, len(edges) - 2)
print(f"{'bin':>11} {'examples':>9} {'mean prediction':>16} {'fraction malignant':>19}")
calibration = []
for k in range(len(edges) - 1):
    members = bin_of == k
    if members.any():
        mean_p, fraction = p_test[members].mean(), y_test[members].mean()
        calibration.append((mean_p, fraction, int(members.sum())))
        print(f"[{edges[k]:.1f}, {edges[k + 1]:.1f}) {members.sum():>9d} "
              f"{calibration[-1][0]:>16.3f} {calibration[-1][1]:>19.3f}")
predicted_mean, observed, counts = map(np.array, zip(*calibration))

fig, (roc_ax, cal_ax) = plt.subplots(1, 2, figsize=(9, 4))
roc_ax.plot(fpr, tpr, drawstyle="steps-post",
            label=f"logistic regression (AUC {auc:.3f})")
roc_ax.plot([0, 1], [0, 1], "--", color="gray", label="random ranking (AUC 0.5)")
roc_ax.set(xlabel="false-positive rate (1 - specificity)",
           ylabel="true-positive rate (recall)", title="ROC curve, held-out examples")
roc_ax.legend(loc="lower right")
cal_ax.plot([0, 1], [0, 1], "--", color="gray", label="perfectly calibrated")
cal_ax.plot(predicted_mean, observed, "o-", label="held-out bins")
for x, o, c in zip(predicted_mean, observed, counts):
    cal_ax.annotate(str(c), (x, o), textcoords="offset points", xytext=(5, -12),
                    fontsize=8)
cal_ax.set(xlabel="mean predicted probability", ylabel="fraction malignant",
           title="Calibration (numbers: examples per bin)")
cal_ax.legend(loc="upper left")
fig.tight_layout()
plt.show()

# %% [markdown]
# Most predictions sit near 0 or 1, and there the fractions match well. The middle bins hold
# only a few examples each, so their points are noisy; a calibration curve needs many more
# examples than an accuracy does. Maximum likelihood tends to give calibrated probabilities
# on the data it was fitted to, because the gradient in $b$ vanishes exactly when the mean
# prediction equals the fraction of positives (chapter 4); the penalty and the difference
# between training and held-out data are what can pull it off.
#
# ### Checks of this section

# %%
tp5, fp5, fn5, tn5 = confusion(y_test, p_test, 0.5)
tp3, fp3, fn3, tn3 = confusion(y_test, p_test, 0.3)
assert tp5 + fp5 + fn5 + tn5 == len(y_test)
assert tp3 >= tp5 and fp3 >= fp5, "a lower threshold flags at least as many examples"
assert np.all(np.diff(fpr) >= 0) and np.all(np.diff(tpr) >= 0)
assert fpr[-1] == tpr[-1] == 1
assert abs(auc - auc_pairs) < 1e-12, "the area is the ranking probability"
assert 0.5 < auc <= 1
assert counts.sum() == len(y_test)
train_mean_prediction = lrmath.predict_proba(X_train, model.w, model.b).mean()
print(f"mean prediction on the training set {train_mean_prediction:.4f}, "
      f"fraction malignant {y_train.mean():.4f}")
assert abs(train_mean_prediction - y_train.mean()) < 1e-8, "dJ/db = 0 at the fit"
