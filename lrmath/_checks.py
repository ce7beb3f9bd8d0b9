"""Input checks shared by the public functions: clear errors that name the argument."""

from __future__ import annotations

import numbers

import numpy as np


def as_float_array(value, name: str) -> np.ndarray:
    """``value`` as a float64 array; a clear TypeError for what is not numeric."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be numeric (a number or an array of numbers), got {type(value).__name__}") from None
    return array


def sum_is_finite(array: np.ndarray) -> bool:
    """True proves every entry finite: a sum is finite only if every term is (NaN and inf
    survive +). One streaming pass, no boolean copy. False only means "look entry by entry":
    the sum of huge finite entries can overflow. (NumPy's own sum, not a BLAS dot product:
    a multi-threaded BLAS call per block waits for its second thread on a busy machine.)"""
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.isfinite(np.sum(array)))


def finite(array: np.ndarray, name: str) -> None:
    if sum_is_finite(array):
        return
    bad = ~np.isfinite(array)
    if bad.any():
        where = np.argwhere(bad)[0]
        kind = "NaN" if np.isnan(array[tuple(where)]) else "inf"
        position = tuple(int(i) for i in where)
        raise ValueError(f"{name} contains {kind} (first at index {position if len(position) > 1 else position[0]})")


def check_X(X, name: str = "X", check_finite: bool = True) -> np.ndarray:
    """A 2-D, finite, non-empty float64 matrix of shape (n, d).

    ``check_finite=False`` leaves finiteness to the caller (who checks it block by block,
    while the blocks are in cache, and calls :func:`finite` for the error message).
    """
    X = as_float_array(X, name)
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D of shape (n_samples, n_features), got shape {X.shape}")
    if X.shape[0] == 0:
        raise ValueError(f"{name} has no rows (shape {X.shape})")
    if X.shape[1] == 0:
        raise ValueError(f"{name} has no columns (shape {X.shape})")
    if check_finite:
        finite(X, name)
    return X


def check_labels(y, name: str = "y", n: int | None = None, other: str = "X has") -> np.ndarray:
    """A 1-D float64 vector of 0s and 1s, of length ``n`` if given (``other``: what has n)."""
    y = as_float_array(y, name)
    if y.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one label per example), got shape {y.shape}")
    if n is not None and y.shape[0] != n:
        rows = "rows" if other == "X has" else "entries"
        raise ValueError(f"{name} has {y.shape[0]} labels but {other} {n} {rows}")
    if not np.all((y == 0) | (y == 1)):  # linear, and false for NaN and inf too
        finite(y, name)
        found = np.unique(y)
        shown = ", ".join(f"{v:g}" for v in found[:6]) + (", ..." if found.size > 6 else "")
        raise ValueError(f"{name} must hold labels 0 and 1 only; found {shown}")
    return y


def check_weights(w, b, d: int) -> tuple[np.ndarray, float]:
    """``w`` of shape (d,) and a finite scalar ``b``."""
    w = as_float_array(w, "w")
    if w.shape != (d,):
        raise ValueError(f"w must have shape ({d},) to match X's {d} columns, got shape {w.shape}")
    finite(w, "w")
    if not isinstance(b, numbers.Real) and not (np.ndim(b) == 0 and np.isreal(b)):
        raise TypeError(f"b must be a real number, got {type(b).__name__}")
    b = float(b)
    if not np.isfinite(b):
        raise ValueError(f"b must be finite, got {b}")
    return w, b


def check_penalty(value, name: str) -> float:
    if not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")
    return value
