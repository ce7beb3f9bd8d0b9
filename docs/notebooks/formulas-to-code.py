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
# # From formulas to code
#
# The chapters proved three formulas: the sigmoid, its derivative and the binary
# cross-entropy of one example,
#
# $$\sigma(z) = \frac{1}{1 + e^{-z}}, \qquad \sigma'(z) = \sigma(z)\bigl(1 - \sigma(z)\bigr),
# \qquad L(y, \hat{y}) = -\bigl[y \log \hat{y} + (1 - y)\log(1 - \hat{y})\bigr].$$
#
# On paper they are exact. In code they run in double precision (float64), which has two
# limits that matter here:
#
# - the largest float is about $1.8 \times 10^{308}$, so $e^{t}$ **overflows** to `inf` once
#   $t > 709.78$;
# - the float just below 1 is $1 - 2^{-53} \approx 1 - 1.1 \times 10^{-16}$, so $\sigma(z)$
#   **rounds to exactly 1** once $e^{-z}$ drops below about $10^{-16}$, that is for $z$ above
#   about 37, and then $1 - \sigma(z) = 0$.
#
# This notebook types the formulas in literally, shows where they break, and then uses the
# versions in `lrmath`, which compute everything from the score (the *logit*) $z$ and stay
# exact for every float. An arbitrary-precision library, mpmath, is the referee.

# %%
import warnings

import matplotlib.pyplot as plt
import mpmath
import numpy as np

import lrmath

# %% [markdown]
# ## The sigmoid and its slope
#
# [Chapter 3](../../03-sigmoid-derivative/) proved $\sigma'(z) = \sigma(z)(1 - \sigma(z))$ and
# that the slope is largest, $1/4$, at $z = 0$. Code gets the derivative for free once it has
# $\sigma(z)$:

# %%
z = np.linspace(-8, 8, 801)  # includes z = 0
s = lrmath.sigmoid(z)
slope = s * (1 - s)

fig, ax = plt.subplots(figsize=(6.5, 3.8))
ax.plot(z, s, label=r"$\sigma(z)$")
ax.plot(z, slope, label=r"$\sigma'(z) = \sigma(z)(1 - \sigma(z))$")
ax.axhline(0.25, color="gray", lw=0.8, ls=":")
ax.annotate("maximum slope 1/4 at z = 0", xy=(0, 0.25), xytext=(1.5, 0.38),
            arrowprops=dict(arrowstyle="->", color="gray"))
ax.set_xlabel("score $z$")
ax.set_ylabel("value")
ax.set_title("The sigmoid and its derivative")
ax.legend(loc="upper left")
plt.show()

# %% [markdown]
# Two checks of what the plot shows: the formula $\sigma(1 - \sigma)$ agrees with a
# numerical derivative of `lrmath.sigmoid` (central differences on the grid), and its
# largest value is $1/4$, taken at $z = 0$.

# %%
numerical = np.gradient(s, z)
print("max |s(1 - s) - numerical derivative|:", np.max(np.abs(slope - numerical)))
print("largest slope", slope.max(), "at z =", z[slope.argmax()])
assert np.allclose(slope, numerical, atol=1e-4)
assert slope.max() == 0.25 and z[slope.argmax()] == 0.0

# %% [markdown]
# ## The formulas, typed in literally
#
# Here are the textbook formulas as most of us would first write them, working on the
# probability $\hat{y}$:

# %%
def textbook_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def textbook_log_sigmoid(z):  # log sigma(z)
    return np.log(textbook_sigmoid(z))


def textbook_log_one_minus_sigmoid(z):  # log(1 - sigma(z))
    return np.log(1 - textbook_sigmoid(z))


def textbook_bce(y, z):  # loss of one example, from the probability
    y_hat = textbook_sigmoid(z)
    return -(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))

# %% [markdown]
# NumPy does not raise on overflow or on $\log 0$; it returns `inf` or `-inf` and emits a
# `RuntimeWarning`. The helper below records those warnings, so that each result can be
# printed next to what NumPy complained about.

# %%
def run(f, *args):
    """Call f(*args); return its value and the NumPy warnings it emitted."""
    with warnings.catch_warnings(record=True) as caught, np.errstate(over="warn", divide="warn", invalid="warn"):
        warnings.simplefilter("always")
        value = f(*np.asarray(args, dtype=float))
    return float(value), "; ".join(str(w.message) for w in caught) or "-"


print(run(textbook_sigmoid, -800.0))
print(run(textbook_log_one_minus_sigmoid, 40.0))

# %% [markdown]
# At $z = -800$ the sigmoid computes $e^{800}$, which overflows; $1/(1 + \infty)$ happens to
# give the right answer, 0, but only by luck, and its logarithm is then $-\infty$. At
# $z = 40$, $\sigma(z)$ is rounded to 1 and $\log(1 - \sigma(z)) = \log 0 = -\infty$.
#
# ## Textbook versus `lrmath`, with exact values
#
# The true values are easy to get from the identities of the chapters:
# $\log(1 - \sigma(z)) = \log\sigma(-z)$ (the symmetry $\sigma(-z) = 1 - \sigma(z)$), and the
# loss of a negative example ($y = 0$) is $-\log(1 - \sigma(z)) = \log(1 + e^{z})$. We compute
# the references with mpmath at 400 significant digits, far more than any of these numbers
# needs (so $1 + e^{-800}$ is not rounded to 1).

# %%
mpmath.mp.dps = 400


def ref_log_sigmoid(z):  # log sigma(z) = -log(1 + e^{-z})
    return -mpmath.log(1 + mpmath.exp(-mpmath.mpf(z)))


def ref_softplus(z):  # log(1 + e^z)
    return mpmath.log(1 + mpmath.exp(mpmath.mpf(z)))


def ref_sigmoid(z):
    return 1 / (1 + mpmath.exp(-mpmath.mpf(z)))

# %% [markdown]
# Each row: the quantity, the score, the literal formula's result (and its warnings), the
# `lrmath` function computed from the logit, and the exact value rounded to 6 digits.

# %%
rows = [
    ("sigma(z)", -800.0, textbook_sigmoid, lrmath.sigmoid, ref_sigmoid),
    ("log sigma(z)", -800.0, textbook_log_sigmoid, lrmath.log_sigmoid, ref_log_sigmoid),
    ("log(1 - sigma(z))", 40.0, textbook_log_one_minus_sigmoid,
     lambda z: lrmath.log_sigmoid(-z), lambda z: ref_log_sigmoid(-z)),
    ("log(1 - sigma(z))", 800.0, textbook_log_one_minus_sigmoid,
     lambda z: lrmath.log_sigmoid(-z), lambda z: ref_log_sigmoid(-z)),
    ("BCE, y = 0", 40.0, lambda z: textbook_bce(0.0, z),
     lambda z: lrmath.bce([0], [z]), ref_softplus),
    ("BCE, y = 0", 800.0, lambda z: textbook_bce(0.0, z),
     lambda z: lrmath.bce([0], [z]), ref_softplus),
]

print(f"{'quantity':<18} {'z':>6}  {'textbook':>10}  {'lrmath':>11}  {'exact':>11}   textbook warnings")
table = []
for name, zv, naive, stable, exact in rows:
    naive_value, naive_warnings = run(naive, zv)
    stable_value, stable_warnings = run(stable, zv)
    exact_value = exact(zv)
    table.append((naive_value, stable_value, exact_value, stable_warnings))
    print(f"{name:<18} {zv:>6g}  {naive_value:>10.4g}  {stable_value:>11.6g}  "
          f"{mpmath.nstr(exact_value, 6):>11}   {naive_warnings}")

# %% [markdown]
# The literal formulas return $-\infty$ or $+\infty$ where the true values are ordinary
# numbers such as $-40$ or $800$: a confident wrong prediction at $z = 800$ costs about 800,
# not infinity. The `lrmath` column is finite, matches the exact values, and raises no
# warning at all. (The first row is the one place where 0 is right: the exact $\sigma(-800)$, about
# $e^{-800}$, is far smaller than the smallest positive float, about
# $4.9 \times 10^{-324}$, so 0 is the closest float64 can get. The literal formula reaches
# it through an overflow; `lrmath.sigmoid` without one.)

# %%
for naive_value, stable_value, exact_value, stable_warnings in table:
    assert stable_warnings == "-"  # the stable functions never warn
    assert np.isfinite(stable_value) and stable_value == float(exact_value)  # correctly rounded
assert sum(not np.isfinite(naive_value) for naive_value, *_ in table) == 5  # all but sigma(-800)

# %% [markdown]
# ## Why computing from the logit fixes it
#
# Everything above reduces to one function, the *softplus* $\log(1 + e^{z})$:
#
# $$\log\sigma(z) = -\log(1 + e^{-z}), \qquad \log(1 - \sigma(z)) = -\log(1 + e^{z}),
# \qquad L(y, \sigma(z)) = \log(1 + e^{z}) - y z,$$
#
# the last one proven in [chapter 2](../../02-likelihood-to-bce/) (equation *loss-from-score*).
# None of them forms $\hat{y}$ and then subtracts it from 1, so nothing is lost to rounding
# near $\hat{y} = 1$. What remains is to evaluate the softplus without overflow. For
# $z \ge 0$ pull $e^{z}$ out of the sum:
#
# $$\log(1 + e^{z}) = \log\bigl(e^{z}(e^{-z} + 1)\bigr) = z + \log(1 + e^{-z}),$$
#
# and for $z < 0$ there is nothing to do. Both cases together:
#
# $$\log(1 + e^{z}) = \max(z, 0) + \log\bigl(1 + e^{-|z|}\bigr).$$
#
# The only exponential left is $e^{-|z|}$, which is **at most 1**, so it can never overflow.
# When it is tiny, `np.log1p(u)` computes $\log(1 + u)$ without first rounding $1 + u$ to 1,
# so even $\log(1 + 10^{-300}) \approx 10^{-300}$ keeps every digit. The same trick gives the
# sigmoid itself: $1/(1 + e^{-|z|})$ for $z \ge 0$ and $e^{-|z|}/(1 + e^{-|z|})$ for $z < 0$.
# This is `lrmath.log1pexp`; NumPy's `np.logaddexp(0, z)` computes the same quantity.

# %%
zs = np.array([-800.0, -40.0, -1.0, 0.0, 1.0, 40.0, 800.0])
stable_part = np.maximum(zs, 0) + np.log1p(np.exp(-np.abs(zs)))
print("max(z, 0) + log1p(exp(-|z|)):", stable_part)
print("lrmath.log1pexp(z):          ", lrmath.log1pexp(zs))
print("np.logaddexp(0, z):          ", np.logaddexp(0, zs))
assert np.array_equal(stable_part, lrmath.log1pexp(zs))
assert np.allclose(lrmath.log1pexp(zs), np.logaddexp(0, zs), rtol=1e-15, atol=0)

# %% [markdown]
# ## Correct to full precision
#
# Finite is not the same as right. Compare the stable functions with the mpmath references
# over scores from $-700$ to $700$ (chosen so that every exact value is an ordinary float, not
# below $10^{-308}$), and print the **relative error** in units of the machine epsilon
# $\varepsilon = 2^{-52} \approx 2.2 \times 10^{-16}$, the spacing of floats just above 1
# (just below 1 they are $2^{-53}$ apart). One unit
# means agreement to the last bit or so. The literal formula for $\log(1 - \sigma(z))$ is
# shown alongside.

# %%
eps = np.finfo(float).eps
scores = [-700.0, -100.0, -40.0, -20.0, -5.0, -1.0, -1e-10, 0.0, 1e-10, 1.0, 5.0, 20.0, 40.0, 100.0, 700.0]


def rel_err(computed, exact):
    return float(abs(mpmath.mpf(computed) - exact) / abs(exact)) / eps


print("relative error, in units of eps")
print(f"{'z':>7}  {'sigmoid':>8}  {'log_sigmoid':>11}  {'log1pexp':>8}  {'textbook log(1 - sigma)':>24}")
worst = 0.0
for zv in scores:
    errors = [rel_err(lrmath.sigmoid(zv), ref_sigmoid(zv)),
              rel_err(lrmath.log_sigmoid(zv), ref_log_sigmoid(zv)),
              rel_err(lrmath.log1pexp(zv), ref_softplus(zv))]
    worst = max(worst, *errors)
    naive_value, _ = run(textbook_log_one_minus_sigmoid, zv)
    naive = rel_err(naive_value, ref_log_sigmoid(-zv)) if np.isfinite(naive_value) else np.inf
    print(f"{zv:>7g}  {errors[0]:>8.2f}  {errors[1]:>11.2f}  {errors[2]:>8.2f}  {naive:>24.3g}")
print(f"worst relative error of the stable functions: {worst:.2f} eps")
assert worst < 2

# %% [markdown]
# The stable functions are within about one unit of $\varepsilon$ of the exact value
# everywhere: full double precision. The literal $\log(1 - \sigma(z))$ is accurate only for
# moderate scores, because it forms $1 - \sigma(z)$ by subtracting two numbers that are
# nearly equal whenever $|z|$ is large:
#
# - for large positive $z$, $\sigma(z)$ is close to 1: the error grows with $z$ (millions of
#   $\varepsilon$ at $z = 20$, that is, wrong from about the ninth significant digit), and from
#   about $z = 37$ on the result is $-\infty$;
# - for large negative $z$, $1 - \sigma(z)$ is close to 1 and rounds to exactly 1, so the
#   result is 0 instead of the tiny true value $\log(1 - \sigma(z)) \approx -e^{z}$: a
#   relative error of 1, which shows as $1/\varepsilon \approx 4.5 \times 10^{15}$ in the
#   table. The absolute error is tiny there, but any later step that divides by the value or
#   takes its logarithm inherits the 100 % error.
#
# ## When you only have probabilities: clipping
#
# Sometimes the scores are gone and only $\hat{y}$ is available (the output of another
# library, say). `lrmath.bce_from_proba` then **clips**: it replaces $\hat{y}$ and
# $1 - \hat{y}$ by at least $\epsilon = 10^{-15}$ before taking logarithms, so that a
# probability of exactly 0 or 1 gives a finite loss. The price is that no example can cost
# more than $-\log\epsilon$:

# %%
cap = -np.log(1e-15)
print(f"-log(1e-15) = {cap:.4f}")
for zv in [10.0, 30.0, 40.0, 800.0]:
    y_hat = lrmath.sigmoid(zv)
    print(f"z = {zv:5g}   from logits: {lrmath.bce([0], [zv]):9.4f}   "
          f"from clipped probabilities: {lrmath.bce_from_proba([0], [y_hat]):8.4f}")
assert lrmath.bce_from_proba([0], [lrmath.sigmoid(800.0)]) == cap

# %% [markdown]
# A plot of the loss of a negative example ($y = 0$) against its score shows the three
# regimes of the probability route: correct while $1 - \hat{y}$ is well resolved, then a
# staircase (near $\hat{y} = 1$ the floats are $2^{-53} \approx 1.1 \times 10^{-16}$ apart, so
# $1 - \hat{y}$ can only take a few values), then flat at the cap once the clipping takes
# over. The right panel zooms in on the staircase, just before the cap.

# %%
zz = np.linspace(0, 50, 2001)
zoom = np.linspace(33, 35, 2001)
exact_loss = lambda grid: [lrmath.bce([0], [v]) for v in grid]
clipped_loss = lambda grid: [lrmath.bce_from_proba([0], [lrmath.sigmoid(v)]) for v in grid]

fig, (left, right) = plt.subplots(1, 2, figsize=(6.5, 3.8))
for ax, grid in [(left, zz), (right, zoom)]:
    ax.plot(grid, exact_loss(grid), label="from the logit:\nlrmath.bce")
    ax.plot(grid, clipped_loss(grid), label="from $\\hat{y}$, clipped:\nlrmath.bce_from_proba")
    ax.axhline(cap, color="gray", lw=0.8, ls=":", label="cap $-\\log 10^{-15}$")
    ax.set_xlabel("score $z$ ($y = 0$)")
left.set_ylabel("loss of one negative example")
left.set_title("z from 0 to 50")
right.set_title("zoom: z from 33 to 35")
left.legend(loc="upper left", fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# What the clipping costs:
#
# - **The loss is wrong for confident mistakes.** Beyond $z \approx 34.5$ every negative
#   example costs the same $34.5$, whether its score is 40 or 800; the true loss keeps growing
#   like $z$. A mean over many examples can then hide a badly wrong one.
# - **The gradient is lost there.** On the flat part the clipped loss does not change with
#   $z$, so its derivative is 0, while the true derivative, $\sigma(z) - y$, is almost 1:
#   exactly the examples a training method most needs to hear about go silent.
# - Just before the cap, on the staircase, the value is only approximately right; the cell
#   below measures by how much.

# %%
below_cap = zoom[np.array(clipped_loss(zoom)) < cap]
staircase_error = np.abs(np.array(exact_loss(below_cap)) - np.array(clipped_loss(below_cap)))
print(f"largest error of the clipped loss on the staircase (z from 33 to {below_cap[-1]:.2f}): "
      f"{staircase_error.max():.3f}")

# %% [markdown]
# So the rule the `lrmath` code follows, and the one to take away: **keep the logit, and
# compute $\log\sigma$, $\log(1 - \sigma)$ and the loss from it.** Use probabilities for
# reporting, not for computing losses.

# %% [markdown]
# ## Exercises
#
# **1.** Write $\log(1 - \sigma(z))$ with `lrmath.log_sigmoid` only, and say how close it is
# to $-z$ for large $z$.
#
# <details><summary>Solution</summary>
#
# Since $1 - \sigma(z) = \sigma(-z)$, $\log(1 - \sigma(z)) = \log\sigma(-z)$, which is
# `lrmath.log_sigmoid(-z)`: no subtraction, so nothing cancels. And
# $\log\sigma(-z) = -\log(1 + e^{z}) = -z - \log(1 + e^{-z})$, so for large $z$ it is
# $-z - e^{-z}$ to within $e^{-2z}/2$: at $z = 50$ it differs from $-50$ by about
# $2 \times 10^{-22}$, far below the spacing of floats near 50. The textbook formula gives
# $-\infty$ there. The first cell below checks both claims.
#
# </details>
#
# **2. Find the wrong step.** A student computes the loss of a positive example ($y = 1$)
# with score $z = -40$ from the clipped probability of the last section:
#
# 1. $\hat{y} = \sigma(-40) \approx 4.2 \times 10^{-18}$;
# 2. clipping to $[\varepsilon, 1 - \varepsilon]$ with $\varepsilon = 10^{-15}$ gives $\hat{y} = 10^{-15}$;
# 3. the loss is $-\log(10^{-15}) \approx 34.5$;
# 4. so the loss of this example is about 34.5, as it should be.
#
# <details><summary>Solution</summary>
#
# Step 4 is wrong: steps 1 to 3 compute correctly what the *clipped* formula gives, but the
# true loss is $-\log\sigma(-40) = \log(1 + e^{40}) \approx 40$. Clipping cut it to 34.5,
# and every more confident mistake would also cost 34.5. The second cell below computes both.
#
# </details>
#
# ### Checks of the solutions

# %%
z = 50.0
assert lrmath.log_sigmoid(-z) == -z  # -z - e^{-z} rounds to -z at this size
assert abs(lrmath.log_sigmoid(-5.0) - (-5.0 - np.log1p(np.exp(-5.0)))) < 1e-15
with np.errstate(divide="ignore"):
    print("textbook log(1 - sigma(50)):", np.log(1 - 1 / (1 + np.exp(-z))), "  lrmath:", lrmath.log_sigmoid(-z))

# %%
eps = 1e-15
clipped = -np.log(np.clip(1 / (1 + np.exp(40.0)), eps, 1 - eps))
true = float(lrmath.bce(np.array([1.0]), np.array([-40.0])))
print(f"exercise 2: clipped loss {clipped:.2f}, true loss {true:.2f}")
assert abs(clipped - 34.54) < 0.01 and abs(true - 40.0) < 1e-12
