"""lrmath: logistic regression, proven step by step and implemented in NumPy.

The top level is the numerical half of the course, NumPy only. The derivation checker is
the subpackage :mod:`lrmath.checker` (SymPy), and the site glue is :mod:`lrmath.site`;
importing ``lrmath`` imports neither:

>>> import numpy as np, lrmath
>>> X, y, _ = lrmath.load_breast_cancer()
>>> X = (X - X.mean(axis=0)) / X.std(axis=0)
>>> model = lrmath.fit(X, y, l2=1e-3)
>>> model.converged, float((lrmath.predict(X, model.w, model.b) == y).mean()) > 0.97
(True, True)
"""

from lrmath.datasets import load_breast_cancer
from lrmath.fitting import ConvergenceWarning, FitResult, SeparableDataWarning, fit
from lrmath.numerics import bce, bce_from_proba, log1pexp, log_sigmoid, sigmoid
from lrmath.objective import hessian, loss_and_grad, predict, predict_proba
from lrmath.proximal import optimality, soft_threshold
from lrmath.softmax import categorical_cross_entropy, log_softmax, softmax

__all__ = [
    "sigmoid",
    "log_sigmoid",
    "log1pexp",
    "bce",
    "bce_from_proba",
    "softmax",
    "log_softmax",
    "categorical_cross_entropy",
    "loss_and_grad",
    "hessian",
    "predict_proba",
    "predict",
    "fit",
    "FitResult",
    "ConvergenceWarning",
    "SeparableDataWarning",
    "soft_threshold",
    "optimality",
    "load_breast_cancer",
]
