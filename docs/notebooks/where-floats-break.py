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
# # Where floats break
#
# [Numerical stability](../../12-stability/) proved the identities behind `lrmath`'s stable
# functions, and [From formulas to code](../formulas-to-code/) showed the textbook formulas
# failing at a few chosen scores such as $z = 40$ and $z = 800$. This notebook asks a
# sharper question: **at exactly which score does each naive formula break?** Instead of
# trying points, it *searches* for the boundary, down to two neighbouring float64 numbers,
# checks that the boundary is where the properties of float64 say it must be, and compares
# each naive formula with the `lrmath` function there, against 50-digit arithmetic from
# mpmath. It covers the softmax and log-sum-exp of [chapter 11](../../11-softmax/) too.

# %%
import warnings

import matplotlib.pyplot as plt
import mpmath
import numpy as np

import lrmath

mpmath.mp.dps = 50
eps = np.finfo(float).eps

# %% [markdown]
# ## Searching for the first bad float
#
# Each failure below is *monotone*: once a formula breaks at some score, it stays broken for
# every score further out. So bisection finds the boundary. Start from a score `good` where
# the formula works and a score `bad` where it does not, halve the interval, and stop when
# the two are **adjacent floats**, with no float64 between them: `bad` is then the very first
# float at which the formula breaks. About 60 halvings suffice.
#
# NumPy signals overflow with a `RuntimeWarning` and carries on with `inf`; the search only
# looks at the values, so those warnings are silenced inside it.

# %%
def first_bad(breaks, good, bad):
    """The float closest to `good` at which `breaks` holds.

    By bisection, down to adjacent floats.
    """
    if breaks(good) or not breaks(bad):
        raise ValueError("the search needs a good and a bad starting point")
    steps = 0
    while np.nextafter(good, bad) != bad:
        middle = good / 2 + bad / 2  # halves first: good + bad could overflow
        if middle in (good, bad):
            break
        if breaks(middle):
            bad = middle
        else:
            good = middle
        steps += 1
    if np.nextafter(good, bad) != bad:  # something in between: the search failed
        raise RuntimeError(f"no adjacent floats between {good!r} and {bad!r}")
    return bad, steps


def quietly(f):
    """f, with NumPy's floating-point warnings silenced (the search tests values)."""
    def g(*args):
        with np.errstate(all="ignore"):
            return f(*args)
    return g

# %% [markdown]
# ## The naive formulas
#
# Each is the formula of a chapter, typed in directly. The score is the argument `z`; for the
# softmax the scores are a short vector built from one number `t`.

# %%
naive = {
    "1 - sigma(z)": quietly(lambda z: 1 - 1 / (1 + np.exp(-z))),
    "log(1 - sigma(z))": quietly(lambda z: np.log(1 - 1 / (1 + np.exp(-z)))),
    "log(1 + exp(z))": quietly(lambda z: np.log(1 + np.exp(z))),
    "log sigma(z)": quietly(lambda z: np.log(1 / (1 + np.exp(-z)))),
    "softmax([t, 0])": quietly(lambda t: np.exp([t, 0.0]) / np.exp([t, 0.0]).sum()),
    "softmax([t, t, t])": quietly(
        lambda t: np.exp([t, t, t]) / np.exp([t, t, t]).sum()),
    "CCE([0, t], class 0)": quietly(
        lambda t: -np.log(np.exp(0.0) / np.exp([0.0, t]).sum())),
    "logsumexp(1000 x [t])": quietly(lambda t: np.log(np.exp(np.full(1000, t)).sum())),
}

# %% [markdown]
# What "broken" means for each, and where to start the search. A result of exactly 0 for
# $1 - \sigma(z)$ is broken because the true value is positive; `inf`, `-inf` and `nan` are
# broken because the true values are ordinary numbers.

# %%
searches = [  # (name, breaks(value), good start, bad start)
    ("1 - sigma(z)", lambda v: v == 0.0, 1.0, 100.0),
    ("log(1 - sigma(z))", np.isneginf, 1.0, 100.0),
    ("log(1 + exp(z))", np.isinf, 1.0, 1000.0),
    ("log sigma(z)", np.isneginf, -1.0, -1000.0),
    ("softmax([t, 0])", lambda v: np.isnan(v).any(), 1.0, 1000.0),
    ("softmax([t, t, t])", lambda v: np.isnan(v).any(), -1.0, -1000.0),
    ("CCE([0, t], class 0)", np.isinf, 1.0, 1000.0),
    ("logsumexp(1000 x [t])", np.isinf, 1.0, 1000.0),
]

found = {}
for name, is_broken, good, bad in searches:
    f = naive[name]
    found[name], steps = first_bad(lambda z: bool(is_broken(f(z))), good, bad)
    print(f"{name:<22} first breaks at {found[name]!r:>22}   ({steps} halvings)")

# %% [markdown]
# ## Why exactly there
#
# Every boundary follows from three facts about float64:
#
# - the largest float, $M \approx 1.8 \times 10^{308}$: $e^{z}$ overflows once $z > \log M$;
# - the smallest positive (subnormal) float, $2^{-1074} \approx 4.9 \times 10^{-324}$:
#   $e^{z}$ is rounded to 0 once it is below half of it, that is once
#   $z < \log 2^{-1075} = -1075 \log 2$;
# - the spacing of floats near 1: $1 + u$ rounds to 1 once $u$ is at most half the
#   distance to the next float above 1, that is $u \le 2^{-53}$; so $\sigma(z) = 1/(1 + e^{-z})$
#   is exactly 1, and $1 - \sigma(z)$ exactly 0, once $e^{-z} \le 2^{-53}$, that is for
#   $z \ge 53 \log 2$.
#
# The cell below predicts each boundary from these constants and checks the search against
# the prediction.

# %%
log_max = np.log(np.finfo(float).max)
log_half_tiny = -1075 * np.log(2)  # log of half the smallest positive float
predicted = {
    "1 - sigma(z)": 53 * np.log(2),  # e^{-z} <= 2^-53: 1 + e^{-z} rounds to 1
    "log(1 - sigma(z))": 53 * np.log(2),  # the same: log of that 0
    "log(1 + exp(z))": log_max,  # e^z overflows
    "log sigma(z)": -log_max,  # e^{-z} overflows, 1/(1 + inf) = 0, log 0
    "softmax([t, 0])": log_max,  # inf / inf
    "softmax([t, t, t])": log_half_tiny,  # 0 / 0, once e^t underflows
    "CCE([0, t], class 0)": log_max,  # 1/(1 + inf) = 0, -log 0
    # 1000 e^t overflows before e^t does
    "logsumexp(1000 x [t])": log_max - np.log(1000),
}
print(f"{'formula':<22} {'search':>20} {'prediction':>20}   gap, in floats")
gaps = {}
for name in found:
    gaps[name] = abs(found[name] - predicted[name]) / np.spacing(abs(predicted[name]))
    print(f"{name:<22} {found[name]:>20.13f} {predicted[name]:>20.13f}   "
          f"{gaps[name]:.0f}")

# %%
# the prediction is itself rounded: it may be a neighbouring float
assert all(gap <= 2 for gap in gaps.values()), gaps

# %% [markdown]
# The search lands on the predictions: at $53\log 2 \approx 36.74$ for the subtraction from
# 1, at $\log M \approx 709.78$ for every overflow, a little earlier, at $\log M - \log 1000$,
# for a sum of 1000 exponentials, and at $-1075\log 2 \approx -745.13$ for the underflow of
# the all-equal softmax, each within a float or two (the prediction is computed in float64
# too, so its own last bit is rounded). Note what this means in practice: $1 - \sigma(z)$ breaks at
# a score of **37**, not of 700. Scores of that size are routine, which is why the loss must
# never be computed as $\log(1 - \sigma(z))$.
#
# Every boundary is also a wall, not a single bad point: just past it, every larger score is
# broken too. Check a thousand scores past each one.

# %%
walls = {}
for name, is_broken, good, bad in searches:
    beyond = np.linspace(found[name], bad, 1000)
    broken_beyond = all(is_broken(naive[name](z)) for z in beyond)
    fine_before = not is_broken(naive[name](np.nextafter(found[name], good)))
    walls[name] = broken_beyond and fine_before
    print(f"{name:<22} broken at 1000 scores past it: {broken_beyond}, "
          f"fine at the float before it: {fine_before}")

# %%
assert all(walls.values()), walls

# %% [markdown]
# ## The stable versions at the same scores
#
# Now evaluate the `lrmath` function for each quantity at the first bad score, and twice as
# far out, with every NumPy warning turned into an error. Each line uses the identity from
# the chapters that makes it stable:
#
# - $1 - \sigma(z)$ is `sigmoid(-z)`, by $1 - \sigma(z) = \sigma(-z)$;
# - $\log(1 - \sigma(z))$ is `log_sigmoid(-z)`, by the same identity and
#   $\log\sigma(z) = -\log(1 + e^{-z})$;
# - $\log(1 + e^{z})$, whose $e^{z}$ overflows, is `log1pexp(z)`, computed as
#   $\max(z, 0) + \log(1 + e^{-|z|})$;
# - $\log\sigma(z)$ is `log_sigmoid(z)`, computed as $-\bigl(\max(-z, 0) + \log(1 + e^{-|z|})\bigr)$;
# - the softmax is `softmax`, shifted by the largest score;
# - the categorical cross-entropy and the log-sum-exp come from `categorical_cross_entropy`: the
#   shifted log-sum-exp minus the true class's score (for 1000 equal scores $t$ the loss is
#   $\log 1000$, so the log-sum-exp is $t$ plus the loss).
#
# The references are computed with mpmath at 50 significant digits, from the defining
# formulas, with no trick at all: mpmath's exponent range is practically unlimited, so
# $e^{1400}$ is an ordinary number there.

# %%
mp = mpmath.mpf


def exact_softmax(scores):
    exps = [mpmath.exp(mp(float(s))) for s in scores]
    return [e / mpmath.fsum(exps) for e in exps]


def exact_sigmoid(z):
    return 1 / (1 + mpmath.exp(-mp(z)))


stable = {  # name: (lrmath function of the score, exact reference)
    "1 - sigma(z)": (lambda z: lrmath.sigmoid(-z),
                     lambda z: 1 - exact_sigmoid(z)),
    "log(1 - sigma(z))": (lambda z: lrmath.log_sigmoid(-z),
                          lambda z: mpmath.log(1 - exact_sigmoid(z))),
    "log(1 + exp(z))": (lrmath.log1pexp,
                        lambda z: mpmath.log(1 + mpmath.exp(mp(z)))),
    "log sigma(z)": (lrmath.log_sigmoid,
                     lambda z: mpmath.log(exact_sigmoid(z))),
    "softmax([t, 0])": (lambda t: lrmath.softmax([t, 0.0]),
                        lambda t: exact_softmax([t, 0.0])),
    "softmax([t, t, t])": (lambda t: lrmath.softmax([t, t, t]),
                           lambda t: exact_softmax([t, t, t])),
    "CCE([0, t], class 0)": (
        lambda t: lrmath.categorical_cross_entropy([0], [[0.0, t]]),
        lambda t: -mpmath.log(exact_softmax([0.0, t])[0])),
    "logsumexp(1000 x [t])": (
        lambda t: t + lrmath.categorical_cross_entropy([0], np.full((1, 1000), t)),
        lambda t: mpmath.log(1000 * mpmath.exp(mp(t)))),
}


def error_in_eps(value, exact):
    """Relative error in units of eps; 0 when a value that underflows is returned 0."""
    value, exact = np.atleast_1d(value), exact if isinstance(exact, list) else [exact]
    worst = 0.0
    for v, e in zip(value, exact):
        # below the smallest float, 0 is correctly rounded
        if abs(e) < 2.0**-1074 and v == 0.0:
            continue
        worst = max(worst, float(abs(mp(float(v)) - e) / abs(e)) / eps)
    return worst


def show(v):
    return np.array2string(np.asarray(v), precision=4) if np.ndim(v) else f"{v:.6g}"


print(f"{'quantity':<22} {'score':>9}  {'naive':>16}  {'lrmath':>22}  {'error':>7}")
worst, finite = 0.0, {}
for name, (function, exact) in stable.items():
    for z in (found[name], 2 * found[name]):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a warning would stop the notebook here
            # overflow, 0/0 and log 0 raise; underflow may (e^-1400 -> 0 is right)
            with np.errstate(over="raise", invalid="raise", divide="raise"):
                value = function(z)
        finite[name, z] = bool(np.all(np.isfinite(value)))
        err = error_in_eps(value, exact(z))
        worst = max(worst, err)
        print(f"{name:<22} {z:>9.3f}  {show(naive[name](z)):>16}  {show(value):>22}  "
              f"{err:>5.2f} eps")
print(f"\nworst relative error of the stable versions: {worst:.2f} eps")

# %%
assert all(finite.values()) and worst <= 2

# %% [markdown]
# Every naive entry in the table is `0`, `inf`, `-inf` or `nan`; every `lrmath` entry is
# finite, raised no warning, and is within about one unit in the last place of the 50-digit
# value. (The all-equal softmax, at $t \approx -745$ and $-1490$, is a good example of
# what the shift buys: the naive formula divides 0 by 0, while the shifted one computes
# $e^{0}/(e^{0} + e^{0} + e^{0}) = 1/3$, exactly the right answer, because only the
# differences of the scores matter.)
#
# ## Quietly wrong before loudly wrong
#
# The boundaries above are where a formula returns something absurd. Well before that, a
# naive formula can return a number that looks fine and is wrong. The plot shows the
# relative error of $1 - \sigma(z)$ computed by subtraction, and of `lrmath.sigmoid(-z)`,
# for scores from 0 to the boundary found above: the subtraction loses more digits the
# larger $z$ is, and from the dashed line on it returns 0.

# %% alt="The relative error of 1 - sigma(z), log scale, against the score z from 0 to 40. The naive formula 1 - 1/(1 + e^(-z)) loses accuracy steadily, from about 10 to the -16 near z = 0 to about 10 to the -1 near z = 36, and from about z = 37 on it returns exactly 0, a relative error of 1. lrmath.sigmoid(-z) stays near machine epsilon, about 10 to the -16, for every z."
grid = np.linspace(0.0, 40.0, 401)
exact_gap = stable["1 - sigma(z)"][1]  # 1 - sigma(z), to 50 digits
naive_error = [error_in_eps(naive["1 - sigma(z)"](z), exact_gap(z)) * eps for z in grid]
stable_error = [error_in_eps(lrmath.sigmoid(-z), exact_gap(z)) * eps for z in grid]

fig, ax = plt.subplots(figsize=(6.5, 3.8))
ax.semilogy(grid, np.maximum(naive_error, eps / 10),
            label=r"naive: $1 - 1/(1 + e^{-z})$")
ax.semilogy(grid, np.maximum(stable_error, eps / 10), label=r"lrmath.sigmoid$(-z)$")
ax.axvline(found["1 - sigma(z)"], color="gray", ls="--", lw=1)
ax.annotate("returns 0 from here on", xy=(found["1 - sigma(z)"], 1e-3),
            xytext=(17, 1e-2), arrowprops=dict(arrowstyle="->", color="gray"))
ax.axhline(eps, color="gray", ls=":", lw=0.8)
ax.text(26, eps * 4, "machine epsilon", color="gray", fontsize=8)
ax.set_xlabel("score $z$")
ax.set_ylabel(r"relative error of $1 - \sigma(z)$")
ax.set_title("Digits lost to the subtraction from 1")
ax.legend(loc="center left")
plt.show()

# %% [markdown]
# A relative error of $10^{-8}$ means only about 8 correct digits, and the naive formula
# reaches it about half way to the boundary. The cell below finds that score with the same
# search (the error jitters from one score to the next, so the answer is exact only to within
# that jitter) and checks that `lrmath` stays at full precision.

# %%
def loses_half_the_digits(z):
    return error_in_eps(naive["1 - sigma(z)"](z), exact_gap(z)) * eps > 1e-8


half, _ = first_bad(loses_half_the_digits, 1.0, 36.0)
print(f"naive 1 - sigma(z) has fewer than 8 correct digits from about z = {half:.2f}")
print(f"largest error of lrmath.sigmoid(-z) on the grid: "
      f"{max(stable_error) / eps:.2f} eps")

# %%
assert 15 < half < 25 and max(stable_error) <= 2 * eps

# %% [markdown]
# So the rule of the chapters holds with numbers attached: keep the score, use the
# identities, and never subtract a probability from 1. `lrmath` follows it everywhere,
# and its tests check the same properties over thousands of random and extreme scores.
