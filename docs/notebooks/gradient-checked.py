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
# # The gradient, checked three ways
#
# Chapter 4 proved that the gradient of the mean cross-entropy is
#
# <!-- not checked: restates chapter 4's grad-matrix and grad-b-mean, proven there entry by entry; this notebook checks the code against it numerically -->
# $$\nabla_{\mathbf{w}} J = \frac{1}{n}\mathbf{X}^\top\bigl(\sigma(\mathbf{X}\mathbf{w} + b) - \mathbf{y}\bigr),
# \qquad \frac{\partial J}{\partial b} = \frac{1}{n}\sum_{i=1}^{n}(\hat{y}_i - y_i).$$
#
# `lrmath.loss_and_grad` computes exactly this. A proof about formulas does not prove that
# code implements them, so this notebook checks the code three ways, at random points:
#
# 1. against **central finite differences** of the loss the code computes;
# 2. against the **SymPy expression proven on the page**, read from the page itself and
#    turned into a NumPy function (not typed again here);
# 3. against the two, for the bias as well as the weights.

# %%
import numpy as np
import sympy as sp

import lrmath
from lrmath.checker.page import load_course_page

rng = np.random.default_rng(0)
n, d = 7, 3
X = rng.normal(size=(n, d))
y = (rng.random(n) < 0.5).astype(float)
w = rng.normal(size=d)
b = 0.3

loss, grad_w, grad_b = lrmath.loss_and_grad(w, b, X, y)
print("loss   ", loss)
print("grad_w ", grad_w)
print("grad_b ", grad_b)

# %% [markdown]
# ## 1. Finite differences
#
# For a small step $h$, $\bigl(J(\mathbf{w} + h\mathbf{e}_j) - J(\mathbf{w} - h\mathbf{e}_j)\bigr) / 2h$
# approximates $\partial J / \partial w_j$ with an error of order $h^2$. With $h = 10^{-6}$ we
# expect agreement to about $10^{-9}$, limited by rounding in the loss.

# %%
def numeric_gradient(w, b, h=1e-6):
    J = lambda w, b: lrmath.loss_and_grad(w, b, X, y)[0]
    gw = np.array([(J(w + h * e, b) - J(w - h * e, b)) / (2 * h) for e in np.eye(d)])
    gb = (J(w, b + h) - J(w, b - h)) / (2 * h)
    return gw, gb

fd_w, fd_b = numeric_gradient(w, b)
print("max |code - finite differences| for w:", np.max(np.abs(grad_w - fd_w)))
print("    |code - finite differences| for b:", abs(grad_b - fd_b))

# %%
assert np.allclose(grad_w, fd_w, atol=1e-8) and abs(grad_b - fd_b) < 1e-8

# %% [markdown]
# ## 2. The expression proven on the page
#
# `load_course_page` reads `docs/04-bce-gradient.md`, proves every step again, and returns
# the expression of any labelled step with the page's definitions unfolded. Here is the
# right side of the step labelled `grad-mean`, as SymPy holds it:

# %%
page = load_course_page("04-bce-gradient.md")
grad_expr = page.expression("grad-mean")
bias_expr = page.expression("grad-b-mean")
grad_expr

# %% [markdown]
# It is written for symbolic sizes $n$ and $d$ and a symbolic feature index $j$. To
# evaluate it we fix the sizes, expand the sums, and let `sympy.lambdify` turn the result
# into a NumPy function of the entries of $\mathbf{X}$, $\mathbf{y}$, $\mathbf{w}$ and $b$.

# %%
def numpy_function(expr, n, d, j=None):
    names = {s.name: s for s in expr.free_symbols}
    fixed = expr.subs({names["n"]: n, names["d"]: d})
    if j is not None:
        fixed = fixed.subs(names["j"], j)
    fixed = fixed.doit()
    entries = sorted(fixed.atoms(sp.Indexed), key=str)
    b_symbol = names["b"]
    f = sp.lambdify([b_symbol] + entries, fixed, "numpy")

    def evaluate(w, b, X, y):
        values = []
        for entry in entries:
            base, idx = entry.base.label.name, [int(i) - 1 for i in entry.indices]
            if base == "x":
                values.append(X[idx[0], idx[1]])
            else:
                values.append({"w": w, "y": y}[base][idx[0]])
        return f(b, *values)

    return evaluate

proven_w = [numpy_function(grad_expr, n, d, j) for j in range(1, d + 1)]
proven_b = numpy_function(bias_expr, n, d)
sym_w = np.array([g(w, b, X, y) for g in proven_w])
sym_b = proven_b(w, b, X, y)
print("max |code - proven expression| for w:", np.max(np.abs(grad_w - sym_w)))
print("    |code - proven expression| for b:", abs(grad_b - sym_b))

# %%
assert np.allclose(grad_w, sym_w, rtol=1e-12, atol=1e-14)
assert np.isclose(grad_b, sym_b, rtol=1e-12, atol=1e-14)

# %% [markdown]
# ## 3. Many random points
#
# One point could agree by luck. Repeat at 200 random parameter vectors, some with large
# weights where the sigmoid saturates, and record the worst disagreement of each check.

# %%
worst_fd, worst_sym = 0.0, 0.0
for trial in range(200):
    scale = 10.0 if trial % 4 == 0 else 1.0
    w_t, b_t = scale * rng.normal(size=d), scale * rng.normal()
    _, gw, gb = lrmath.loss_and_grad(w_t, b_t, X, y)
    fw, fb = numeric_gradient(w_t, b_t)
    sw = np.array([g(w_t, b_t, X, y) for g in proven_w])
    worst_fd = max(worst_fd, np.max(np.abs(gw - fw)), abs(gb - fb))
    sb = proven_b(w_t, b_t, X, y)
    worst_sym = max(worst_sym, np.max(np.abs(gw - sw)), abs(gb - sb))
print(f"worst |code - finite differences| over 200 points: {worst_fd:.1e}")
print(f"worst |code - proven expression|  over 200 points: {worst_sym:.1e}")

# %%
assert worst_fd < 1e-6 and worst_sym < 1e-12

# %% [markdown]
# The code agrees with the proven formula to rounding error (about $10^{-16}$) and with
# finite differences to the accuracy finite differences can offer (about $10^{-9}$ or better).
# The second check is the stronger one: finite differences only say that the code is the
# derivative of *the loss the code computes*; the proven expression says it is the
# derivative of *the loss on the page*.

# %% [markdown]
# ## Exercises
#
# **1.** The central difference $\frac{f(x + h) - f(x - h)}{2h}$ has an error that shrinks
# like $h^2$; the forward difference $\frac{f(x + h) - f(x)}{h}$ only like $h$. By what
# factor should each error shrink when $h$ goes from $10^{-2}$ to $10^{-3}$? Check it on
# $f = \log\sigma$ at $x = 1$.
#
# <details><summary>Solution</summary>
#
# Taylor's formula gives $f(x \pm h) = f(x) \pm h f'(x) + \frac{h^2}{2}f''(x) \pm
# \frac{h^3}{6}f'''(x) + \dots$. In the forward difference the $h^2$ term survives, divided
# by $h$: an error of about $\frac{h}{2}f''(x)$, which shrinks 10 times. In the central
# difference the even terms cancel and the error is about $\frac{h^2}{6}f'''(x)$, which
# shrinks 100 times. The first cell below measures the two factors.
#
# </details>
#
# **2. Find the wrong step.** A student wants a more precise check and argues:
#
# 1. the error of the central difference is about $\frac{h^2}{6}f'''(x)$;
# 2. so the smaller $h$, the smaller the error;
# 3. with $h = 10^{-12}$ the check should agree with `loss_and_grad` to about $10^{-24}$;
# 4. it disagrees in the fifth decimal place, so `loss_and_grad` must be wrong.
#
# <details><summary>Solution</summary>
#
# Step 2 is wrong: it forgets rounding. $J$ is computed with a relative error of about
# $10^{-16}$, and the difference quotient divides that error by $2h$: an error of order
# $10^{-16}/10^{-12} = 10^{-4}$ times $|J|$. The total error, roughly $\frac{h^2}{6}|f'''| +
# \frac{10^{-16}|f|}{h}$, is smallest near $h \approx 10^{-5}$, which is why this page uses
# $h = 10^{-6}$. The second cell below shows the error at both sizes.
#
# </details>
#
# ### Checks of the solutions

# %%
f = lrmath.log_sigmoid
slope = 1.0 - lrmath.sigmoid(1.0)  # d/dz log sigma(z) = 1 - sigma(z)
central = [abs((f(1 + h) - f(1 - h)) / (2 * h) - slope) for h in (1e-2, 1e-3)]
forward = [abs((f(1 + h) - f(1.0)) / h - slope) for h in (1e-2, 1e-3)]
print(f"exercise 1: central error shrinks {central[0] / central[1]:.1f}x, "
      f"forward {forward[0] / forward[1]:.1f}x")

# %%
assert 90 < central[0] / central[1] < 110 and 9 < forward[0] / forward[1] < 11

# %%
exact_w, _ = lrmath.loss_and_grad(w, b, X, y)[1:]
tiny_w, _ = numeric_gradient(w, b, h=1e-12)
good_w, _ = numeric_gradient(w, b, h=1e-6)
print(f"exercise 2: worst error with h = 1e-12: {np.abs(tiny_w - exact_w).max():.1e}; "
      f"with h = 1e-6: {np.abs(good_w - exact_w).max():.1e}")

# %%
assert np.abs(tiny_w - exact_w).max() > 1e3 * np.abs(good_w - exact_w).max()

# %% [markdown]
# ### A coding exercise
#
# **3.** Write `my_gradient(w, b, X, y)`, the gradient of the mean cross-entropy, in plain
# NumPy from the formula of chapter 4, $\nabla_{\mathbf{w}} J = \frac1n
# \mathbf{X}^\top(\hat{\mathbf{y}} - \mathbf{y})$ and $\partial J/\partial b = \frac1n
# \sum_i (\hat{y}_i - y_i)$, and check it against `lrmath.loss_and_grad` at 20 random
# points. Try it first in your own copy of the notebook; the solution is collapsed.

# %% tags=["solution"]
def my_gradient(w, b, X, y):
    y_hat = 1 / (1 + np.exp(-(X @ w + b)))  # sigma of the scores
    residual = y_hat - y
    return X.T @ residual / len(y), residual.mean()


worst = 0.0
for _ in range(20):
    w_r, b_r = rng.normal(size=d), rng.normal()
    mine_w, mine_b = my_gradient(w_r, b_r, X, y)
    _, ref_w, ref_b = lrmath.loss_and_grad(w_r, b_r, X, y)
    worst = max(worst, np.abs(mine_w - ref_w).max(), abs(mine_b - ref_b))
print(f"exercise 3: largest difference from lrmath.loss_and_grad: {worst:.1e}")

# %%
assert worst < 1e-14
