r"""How fast is ``lrmath``? Fitting against scikit-learn, and one gradient against the floor.

Run ``python benchmarks/fit_vs_sklearn.py`` (about two minutes on 2 cores) or with
``--quick`` (seconds, small sizes). Everything is measured in the same run and reported as a
ratio, because the machine is shared and absolute times drift from run to run; each time is
the minimum over several repetitions.

**Fitting.** For the Wisconsin breast cancer data (569 x 30, standardised) and synthetic
data of 100 000 x 20, 1 000 000 x 20 and 200 000 x 200, all with ``l2 = 1e-4``
(scikit-learn's ``C = 1 / (n l2)``), the time of ``lrmath.fit`` (``method="auto"``)
divided by the time of scikit-learn's ``LogisticRegression`` with ``solver="lbfgs"`` and
with ``solver="newton-cholesky"``, both at a tight tolerance. "Equal accuracy" is shown,
not assumed: the table prints each fit's objective :math:`J` minus the best :math:`J` any of
the three reached, and the largest coefficient difference from scikit-learn's
``newton-cholesky``. Target: ``lrmath.fit`` at most 0.7x the faster scikit-learn solver.

**One gradient.** ``lrmath.loss_and_grad`` on the same data against a physical floor
measured in the same run: two reads of :math:`\mathbf{X}` (one for
:math:`\mathbf{X}\mathbf{w}`, one for :math:`\mathbf{X}^\top\mathbf{r}`) at this machine's
memory bandwidth, plus one ``exp`` and one ``log1p`` per row. The bandwidth is that of
``X.sum(axis=None)``, NumPy's fastest streaming read of an array (pairwise summation,
vectorised); ``exp`` and ``log1p`` are timed on an n-vector. Target: within 1.5x of the
floor.

Synthetic data: standard normal features and labels drawn from a logistic model with true
weights of norm about 2 and bias 0.3, so the classes overlap (the data are not separable)
and the optimum is finite even without the penalty.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

import lrmath

L2 = 1e-4


def best_time(run, repeats: int) -> tuple[float, object]:
    """The minimum wall time of ``run()`` over ``repeats`` calls, and its last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def objective(w, b, X, y, l2=L2) -> float:
    return float(lrmath.loss_and_grad(w, b, X, y, l2=l2)[0])


def synthetic(n: int, d: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w_true = rng.standard_normal(d) * (2.0 / np.sqrt(d))
    y = (rng.random(n) < lrmath.sigmoid(X @ w_true + 0.3)).astype(float)
    return X, y


def breast_cancer():
    X, y, _ = lrmath.load_breast_cancer()
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def datasets(quick: bool):
    """(name, loader, repetitions) for each data set."""
    if quick:
        return [
            ("breast cancer 569x30", breast_cancer, 3),
            ("synthetic 20000x20", lambda: synthetic(20_000, 20), 2),
            ("synthetic 5000x100", lambda: synthetic(5_000, 100), 2),
        ]
    return [
        ("breast cancer 569x30", breast_cancer, 7),
        ("synthetic 100000x20", lambda: synthetic(100_000, 20), 5),
        ("synthetic 1000000x20", lambda: synthetic(1_000_000, 20), 3),
        ("synthetic 200000x200", lambda: synthetic(200_000, 200), 3),
    ]


def sklearn_fit(X, y, solver: str):
    from sklearn.linear_model import LogisticRegression

    n = X.shape[0]
    model = LogisticRegression(C=1.0 / (n * L2), solver=solver, tol=1e-10, max_iter=10_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lbfgs may report it stopped on its own criterion
        model.fit(X, y)
    return model.coef_.ravel(), float(model.intercept_[0])


def compare_fit(name, X, y, repeats):
    """One row of the fitting table, as a dict."""
    t_ours, ours = best_time(lambda: lrmath.fit(X, y, l2=L2), repeats)
    t_lbfgs, lbfgs = best_time(lambda: sklearn_fit(X, y, "lbfgs"), repeats)
    t_newton, newton = best_time(lambda: sklearn_fit(X, y, "newton-cholesky"), repeats)
    J = {
        "lrmath": objective(ours.w, ours.b, X, y),
        "lbfgs": objective(*lbfgs, X, y),
        "newton-cholesky": objective(*newton, X, y),
    }
    best_J = min(J.values())
    return {
        "name": name,
        "method": ours.method,
        "n_iter": ours.n_iter,
        "t_ours": t_ours,
        "t_lbfgs": t_lbfgs,
        "t_newton": t_newton,
        "ratio": t_ours / min(t_lbfgs, t_newton),
        "gap": {k: v - best_J for k, v in J.items()},
        "coef_diff": float(np.max(np.abs(ours.w - newton[0]))),
        "intercept_diff": abs(ours.b - newton[1]),
    }


def floor_row(name, X, y, repeats):
    """``loss_and_grad`` against two reads of X, one exp and one log1p per row."""
    n, d = X.shape
    w, b = np.full(d, 0.01), 0.1
    t_grad, _ = best_time(lambda: lrmath.loss_and_grad(w, b, X, y, l2=L2), repeats + 2)
    t_read, _ = best_time(lambda: X.sum(), repeats + 2)
    v = np.linspace(-3.0, 3.0, n)
    t_exp, _ = best_time(lambda: np.exp(v), repeats + 2)
    t_log1p, _ = best_time(lambda: np.log1p(np.abs(v)), repeats + 2)
    floor = 2 * t_read + t_exp + t_log1p
    return {
        "name": name,
        "t_grad": t_grad,
        "floor": floor,
        "bandwidth": X.nbytes / t_read / 1e9,
        "ratio": t_grad / floor,
    }


def run(quick: bool = False, out=print):
    """Measure every data set; print the two tables; return their rows."""
    fits, floors = [], []
    for name, load, repeats in datasets(quick):
        X, y = load()
        fits.append(compare_fit(name, X, y, repeats))
        floors.append(floor_row(name, X, y, repeats))
    out(f"fit (l2={L2:g}); times are the minimum of several runs; ratio = lrmath / faster scikit-learn")
    out(f"{'data':<22} {'auto':>6} {'its':>4} {'lrmath s':>9} {'lbfgs s':>9} {'newt-ch s':>9} "
        f"{'ratio':>6} {'J-J* lrmath':>11} {'J-J* lbfgs':>11} {'J-J* newt':>10} {'max|dw|':>8} {'|db|':>8}")
    for r in fits:
        g = r["gap"]
        out(f"{r['name']:<22} {r['method']:>6} {r['n_iter']:>4} {r['t_ours']:>9.4f} {r['t_lbfgs']:>9.4f} "
            f"{r['t_newton']:>9.4f} {r['ratio']:>6.2f} {g['lrmath']:>11.1e} {g['lbfgs']:>11.1e} "
            f"{g['newton-cholesky']:>10.1e} {r['coef_diff']:>8.1e} {r['intercept_diff']:>8.1e}")
    out("")
    out("one loss_and_grad against the floor (2 reads of X at measured bandwidth + one exp + one log1p per row)")
    out(f"{'data':<22} {'grad ms':>9} {'floor ms':>9} {'GB/s':>6} {'ratio':>6}")
    for r in floors:
        out(f"{r['name']:<22} {1e3 * r['t_grad']:>9.3f} {1e3 * r['floor']:>9.3f} {r['bandwidth']:>6.1f} {r['ratio']:>6.2f}")
    return fits, floors


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small data sets, a few seconds")
    run(parser.parse_args(argv).quick)


if __name__ == "__main__":
    main()
