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
# # The worked example, in code
#
# The page [A worked example, by hand](../../04b-worked-example/) took two features and three
# examples through the scores, the predictions, the loss, the gradient and one step of
# gradient descent, in exact fractions. This notebook does the same with `lrmath`, in
# floating point, and then compares every number with the value proven on that page.

# %%
import numpy as np

import lrmath

X = np.array([[1.0, 0.0],
              [0.0, 1.0],
              [1.0, 1.0]])  # three examples, two features
y = np.array([1.0, 1.0, 0.0])  # their labels
w = np.array([np.log(3), -np.log(3)])  # the starting weights
b = 0.0  # and bias

# %% [markdown]
# ## Scores, predictions, loss and gradient

# %%
z = X @ w + b
y_hat = lrmath.predict_proba(X, w, b)
loss, grad_w, grad_b = lrmath.loss_and_grad(w, b, X, y)
print("scores      ", z)
print("predictions ", y_hat)
print("errors      ", y_hat - y)
print(f"loss         {loss:.6f}")
print("gradient    ", grad_w, grad_b)

# %% [markdown]
# The predictions are $\frac34, \frac14, \frac12$, the loss is
# $\frac13\log\frac{32}{3} \approx 0.789$, and the gradient is
# $(\frac1{12}, -\frac1{12})$ for the weights and $-\frac16$ for the bias, as on the page
# (up to the last bit of floating point).
#
# ## One step of gradient descent

# %%
eta = 1.0
w_new = w - eta * grad_w
b_new = b - eta * grad_b
new_loss, new_grad_w, new_grad_b = lrmath.loss_and_grad(w_new, b_new, X, y)
print("new weights     ", w_new, b_new)
print("new scores      ", X @ w_new + b_new)
print("new predictions ", lrmath.predict_proba(X, w_new, b_new))
print(f"new loss         {new_loss:.6f}  (down by {loss - new_loss:.6f})")
estimate = eta * (grad_w @ grad_w + grad_b**2)
print(f"first-order estimate of the decrease: {estimate:.6f}")

# %% [markdown]
# The loss fell from 0.789 to 0.751, by a little less than the first-order estimate
# $\eta\lVert\nabla J\rVert^2 = \frac1{24} \approx 0.042$: the loss is convex, so it curves
# back up along the step.
#
# Many more steps do not reach a minimum, because the three points are separable: the
# weights $(-1, -1)$ with bias $\frac32$ put every example on the side of its label. Without a
# penalty `lrmath.fit` stops and warns (chapter 8); with a small L2 penalty the minimum is
# finite.

# %%
import warnings

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    lrmath.fit(X, y)
print([warning.category.__name__ for warning in caught])

result = lrmath.fit(X, y, l2=0.1)
print("fitted weights", result.w, "bias", round(result.b, 4),
      "in", result.n_iter, "iterations")
print("predictions at the minimum", lrmath.predict_proba(X, result.w, result.b))

# %%
assert any(issubclass(w.category, lrmath.SeparableDataWarning) for w in caught)
assert result.converged and np.all(np.isfinite(result.w))
assert np.all((X @ np.array([-1.0, -1.0]) + 1.5 > 0) == (y == 1)), "the separating line"

# %% [markdown]
# ## Checked against the page
#
# The values below are not typed again: they are the right-hand sides of the steps the
# checker proved on the page, read from it by label.

# %%
from lrmath.checker.page import load_course_page

page = load_course_page("04b-worked-example.md")


def proven(label):
    """The exact value proven at the step labelled ``label``, as a float."""
    return float(page.expression(label))


checks = {
    "scores": (z, [proven("z1"), proven("z2"), proven("z3")]),
    "predictions": (y_hat, [proven("yhat1"), proven("yhat2"), proven("yhat3")]),
    "loss": (loss, proven("loss-value")),
    "gradient": (np.append(grad_w, grad_b), [proven("g1"), proven("g2"), proven("gb")]),
    "new weights": (np.append(w_new, b_new),
                    [proven("w1-new"), proven("w2-new"), proven("b-new")]),
    "new scores": (X @ w_new + b_new,
                   [proven("z1-new"), proven("z2-new"), proven("z3-new")]),
    "decrease estimate": (grad_w @ grad_w + grad_b**2, proven("predicted-decrease")),
}
for name, (computed, exact) in checks.items():
    np.testing.assert_allclose(computed, exact, rtol=1e-14, atol=1e-15, err_msg=name)
    print(f"{name:18} matches the page")
assert 0 < loss - new_loss < proven("predicted-decrease"), "lower, less than estimated"
