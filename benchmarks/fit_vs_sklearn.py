r"""How fast is :func:`lrmath.fit`, next to scikit-learn and next to what the hardware allows?

Run from the project root (``--quick`` for a smoke run on small data, a few seconds)::

    PYTHONPATH=$PWD python benchmarks/fit_vs_sklearn.py [--quick] [--threads 1]

Data sets (all fitted with ``l2 = 1e-4``, i.e. scikit-learn's ``C = 1/(n * l2)``; the two
minimise the same objective, mean cross-entropy plus ``l2/2 * |w|^2`` with the bias not
penalised):

- the Wisconsin breast cancer data (569 x 30) from :func:`lrmath.load_breast_cancer`,
  standardised, and as published ("raw": feature standard deviations from 0.003 to 570, the
  badly scaled data users meet; scikit-learn's ``lbfgs`` needs about 9 000 iterations there);
- synthetic 100 000 x 20, 1 000 000 x 20, 200 000 x 200 and the wide 20 000 x 2 000 (where a
  Hessian costs 8e10 flops and Newton's methods lose; seed fixed): standard Gaussian
  features, true weights drawn as ``N(0, 1) * 2 / sqrt(d)`` (so the true score has standard
  deviation about 2: a realistic, non-separable problem with about 80 % Bayes accuracy), a
  true bias of 0.5, and labels drawn from the logistic model ``y ~ Bernoulli(sigma(X w + b))``.

Table 1, fitting. For each data set: the time of ``lrmath.fit`` (``method="auto"``) and of
scikit-learn's ``LogisticRegression`` with ``solver="lbfgs"`` and ``solver="newton-cholesky"``.
All three are asked for the same thing, ``max |grad J| <= tol`` with ``tol = 1e-10``
(``lrmath.fit``'s rule; scikit-learn's ``lbfgs`` passes ``tol`` as SciPy's ``gtol`` on this same
objective and ``newton-cholesky`` checks the largest gradient entry), with ``max_iter`` far
beyond what they need. scikit-learn's ``lbfgs`` also stops when ``J`` decreases by less than
64 machine epsilons (SciPy's ``ftol``), which usually happens first: its coefficients are then
about 1e-8 from the optimum instead of 1e-10, so the ratio to it favours scikit-learn. Every
time is the **minimum** over several repetitions (fewer for the large sets), the three methods
taking turns, and the table shows **ratios** lrmath / scikit-learn measured in the same run:
the machine is shared and noisy, so ratios are what carry over, not seconds. "Equal accuracy" is made visible
by the largest coefficient difference and the intercept difference against each scikit-learn
solver, and by the objective values (lrmath's minus the smaller of scikit-learn's: negative
or about 1e-16 means lrmath's optimum is as good).

Table 2, one evaluation of ``lrmath.loss_and_grad`` (validation included, as a user calls it)
at the optimum, against a **floor** measured in the same run:

    floor = 2 * (one read of X) + (np.exp of an n-vector) + (np.log1p of an n-vector).

Any evaluation of the loss and gradient must read ``X`` twice (for ``X w`` and for
``X^T r``; the second needs the residuals, which need all of the first) and compute at least
one exponential and one logarithm per example. "One read of X" is the faster of ``X @ v``
(BLAS ``gemv``: every entry of ``X`` read once, two flops per 8 bytes, memory-bound once ``X``
is larger than the caches) and ``X.sum()`` (NumPy's streaming reduction, often the faster:
a single-threaded ``gemv`` on long rows reads memory at about half the streaming rate); it
is what this machine's memory bandwidth allows for one pass, measured rather than quoted from
a data sheet. lrmath's own pass reads ``X`` from memory once, block by block (see
:mod:`lrmath.objective`), so it can in principle beat this two-read floor. The exponential
and the logarithm are timed on an n-vector into a preallocated output. All are minima over
repetitions. Where ``X`` fits in the caches (breast cancer; 100 000 x 20 is 16 MB) the
"reads" are cache reads, and the time of ``loss_and_grad`` is dominated by per-example NumPy
operations and call overhead that the floor does not count (the small-data overhead line
has its own target); the 1 000 000 x 20 (160 MB), 200 000 x 200 and 20 000 x 2 000 (320 MB)
sets are where the ratio measures what it is meant to, and only they get the target
(``CACHED_BYTES``: X larger than the processor's largest cache, read from Linux's sysfs).
The course's machine has 2 MiB of L2 per core and an L3 of 300 MiB shared with the host's
other guests, so the 160 MB of 1 000 000 x 20 can sit in the L3: with two threads the
floor's ``gemv`` read them at 32 to 48 GB/s, against 23 GB/s for 1.6 GB (one thread: 12 to
15 GB/s either way). That set is therefore marked "cache", and Table 2 has a narrow set
beyond any cache of its own, 10 000 000 x 20 (1.6 GB; ``loss_only_sets``), which is not
fitted by scikit-learn (minutes), only evaluated.

Threads: by default BLAS (OpenBLAS, two threads here) and scikit-learn's OpenMP loops use
what they find; lrmath's pass then runs on as many threads of its own (chunks of 2 MiB
blocks, BLAS held to one thread each, see ``lrmath.objective._loss_and_grad_sums``). On a
machine that other people are also using, a thread can wait milliseconds for its core, and
the ratios move more than with one thread. ``--threads 1`` (threadpoolctl, which comes with
scikit-learn) pins both libraries to one thread each, which gives steady ratios; the header
says which was used.

Targets: ``lrmath.fit`` at most **0.7x** the faster of the two scikit-learn solvers on every
data set, at equal accuracy; ``loss_and_grad`` within **1.3x** of the floor where ``X`` is
larger than the caches; one call on 16 x 4 data within **10 us**. Two of them are at or
above their targets with NumPy alone (``loss_and_grad`` over 1 000 000 x 20 at two threads,
and the 16 x 4 call): ``benchmarks/compiled_kernels.py`` measures what compiled kernels of
the same arithmetic would give them, the evidence for proposing Numba as an optional extra.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np

import lrmath
from lrmath.objective import _hessian_sum, _loss_and_grad_sums

L2 = 1e-4
TOL = 1e-10
MAX_ITER = 10_000
SEED = 20261123
TARGET_FIT = 0.7
TARGET_FLOOR = 1.3
TARGET_OVERHEAD_US = 10.0


def largest_cache_bytes(default: int = 64 << 20, root: str = "/sys/devices/system/cpu/cpu0/cache") -> int:
    """The size of the processor's largest cache (the L3 on most machines), read from Linux's
    sysfs (entries like ``2048K`` or ``300M``); ``default`` where that cannot be read.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as root:
    ...     for index, size in enumerate(["48K", "2048K", "307200K"]):
    ...         folder = pathlib.Path(root, f"index{index}")
    ...         folder.mkdir()
    ...         _ = (folder / "size").write_text(size + "\\n")
    ...     largest_cache_bytes(root=root) == 300 << 20
    True
    >>> largest_cache_bytes(default=123, root="/nonexistent")
    123
    """
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    sizes = []
    for path in Path(root).glob("index*/size"):
        try:
            text = path.read_text().strip()
            sizes.append(int(text[:-1]) * units[text[-1]] if text[-1] in units else int(text))
        except (OSError, ValueError, IndexError):
            continue
    return max(sizes) if sizes else default


CACHED_BYTES = largest_cache_bytes()  # X at most this large can sit in cache: no floor target (Table 2)
SLOW_FIT_SECONDS = 3.0  # a fit slower than this is not repeated


def cancer():
    X, y, _ = lrmath.load_breast_cancer()
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def cancer_raw():
    """As published: feature scales from 0.003 to 570 (standard deviations), badly conditioned."""
    X, y, _ = lrmath.load_breast_cancer()
    return X, y


def synthetic(n: int, d: int, seed: int = SEED):
    """Gaussian features, labels drawn from a logistic model with moderate true weights."""
    rng = np.random.default_rng(seed + 7919 * d + n)
    X = rng.standard_normal((n, d))
    w_true = rng.standard_normal(d) * 2.0 / np.sqrt(d)
    p = lrmath.sigmoid(X @ w_true + 0.5)
    y = (rng.random(n) < p).astype(np.float64)
    return X, y


def data_sets(quick: bool):
    """(name, loader, fit repetitions, loss_and_grad repetitions), built one at a time to save memory."""
    yield "breast cancer", cancer, (3 if quick else 20), (5 if quick else 50)
    if not quick:  # scikit-learn's lbfgs takes about 9 000 iterations on it: tens of seconds
        yield "breast cancer raw", cancer_raw, 10, 50
    if quick:
        sizes, reps = [(2_000, 20), (10_000, 20), (2_000, 100), (500, 200)], [2, 2, 2, 1]
    else:
        sizes, reps = [(100_000, 20), (1_000_000, 20), (200_000, 200), (20_000, 2_000)], [7, 3, 3, 3]
    for (n, d), r in zip(sizes, reps):
        yield f"synthetic {n}x{d}", (lambda n=n, d=d: synthetic(n, d)), r, 3 * r


def loss_only_sets(quick: bool):
    """(name, loader, loss_and_grad repetitions) of the data sets of Table 2 alone: narrow data
    far larger than any cache (1.6 GB), where fitting it with scikit-learn too would take minutes."""
    n = 200_000 if quick else 10_000_000
    yield f"synthetic {n}x20", (lambda: synthetic(n, 20)), (2 if quick else 7)


def best_time(function, repetitions: int):
    """Minimum wall time of ``function()`` over ``repetitions`` calls, and its last result."""
    best, result = np.inf, None
    for _ in range(repetitions):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def _sklearn(solver: str, X, y):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0 / (len(y) * L2), solver=solver, tol=TOL, max_iter=MAX_ITER)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        model.fit(X, y)
    return model


def objective(w, b, X, y) -> float:
    return lrmath.loss_and_grad(w, b, X, y, l2=L2)[0]


def time_fits(X, y, repetitions: int) -> dict:
    """The three fits, taking turns ``repetitions`` times; minimum times and the solutions."""
    runs = {
        "lrmath": lambda: lrmath.fit(X, y, l2=L2, tol=TOL),
        "lbfgs": lambda: _sklearn("lbfgs", X, y),
        "newton-cholesky": lambda: _sklearn("newton-cholesky", X, y),
    }
    times = dict.fromkeys(runs, np.inf)
    results = {}
    for _ in range(repetitions):
        for name, run in runs.items():
            if name in results and times[name] > SLOW_FIT_SECONDS:  # one run of a fit this slow is measurement enough
                continue
            t, results[name] = best_time(run, 1)
            times[name] = min(times[name], t)
    ours = results["lrmath"]
    row = {"seconds": times["lrmath"], "method": ours.method, "n_iter": ours.n_iter,
           "converged": ours.converged, "J": objective(ours.w, ours.b, X, y)}
    for name in ("lbfgs", "newton-cholesky"):
        model = results[name]
        coef, intercept = model.coef_[0], float(model.intercept_[0])
        row[name] = {
            "ratio": times["lrmath"] / times[name],
            "seconds": times[name],
            "n_iter": int(model.n_iter_[0]),
            "coef_diff": float(np.max(np.abs(ours.w - coef))),
            "intercept_diff": abs(ours.b - intercept),
            "J": objective(coef, intercept, X, y),
        }
    row["ratio_best"] = times["lrmath"] / min(times["lbfgs"], times["newton-cholesky"])
    row["J_minus_sklearn"] = row["J"] - min(row["lbfgs"]["J"], row["newton-cholesky"]["J"])
    return row


def time_loss_and_grad(X, y, w, b, repetitions: int) -> dict:
    """One ``loss_and_grad`` against two reads of X plus one exp and one log1p per row."""
    n, d = X.shape
    v, u = np.ones(d), np.empty(n)
    read_gemv, _ = best_time(lambda: np.matmul(X, v, out=u), repetitions)
    read_sum, _ = best_time(X.sum, repetitions)
    z = -np.abs(X @ w + b)  # realistic arguments: e^{-|z|} at the optimum
    out = np.empty(n)
    t_exp, e = best_time(lambda: np.exp(z, out=out), repetitions)
    e = e.copy()
    t_log1p, _ = best_time(lambda: np.log1p(e, out=out), repetitions)
    floor = 2 * min(read_gemv, read_sum) + t_exp + t_log1p
    measured, _ = best_time(lambda: lrmath.loss_and_grad(w, b, X, y, L2), repetitions)
    c = 0.5 - y
    core, _ = best_time(lambda: _loss_and_grad_sums(X, c, w, b), repetitions)  # as fit calls it
    z = X @ w + b
    hessian, _ = best_time(lambda: _hessian_sum(X, z), 1 if d > 500 else max(1, repetitions // 3))
    return {"read_gemv": read_gemv, "read_sum": read_sum, "exp": t_exp, "log1p": t_log1p,
            "floor": floor, "loss_and_grad": measured, "ratio": measured / floor,
            "core": core, "core_ratio": core / floor, "hessian_per_pass": hessian / core,
            "bandwidth_GBps": X.nbytes / min(read_gemv, read_sum) / 1e9}


def time_overhead(repetitions: int = 200, windows: int = 50) -> float:
    """Seconds of one ``loss_and_grad`` on 16 x 4 data: the fixed cost of a call.

    The minimum over ``windows`` runs of ``repetitions`` calls each (about 2 ms a run): a run
    as long as 20 ms (2 000 calls, as this was measured until 2026-12-06) nearly always holds a
    timer interrupt or a neighbour's burst on a shared machine, and its minimum then measures
    the machine as much as the call (same 10 000 calls in a quiet process: 8.9 to 9.0 us in
    runs of 2 000, 8.4 to 8.6 us in runs of 200).
    """
    rng = np.random.default_rng(SEED)
    X, y, w = rng.standard_normal((16, 4)), (rng.random(16) < 0.5).astype(float), rng.standard_normal(4)
    best = np.inf
    for _ in range(windows):
        start = time.perf_counter()
        for _ in range(repetitions):
            lrmath.loss_and_grad(w, 0.1, X, y, L2)
        best = min(best, (time.perf_counter() - start) / repetitions)
    return best


def dask_rows(quick: bool) -> list[dict]:
    """Table 3: ``lrmath.fit`` on a Dask array made block by block (threaded scheduler), at two
    sizes, against the same fit in memory: passes, seconds, seconds per pass, agreement."""
    try:
        import dask
        import dask.array as da
    except ImportError:
        return []
    d, rows_per_block = 20, (5_000 if quick else 100_000)
    rows = []
    for n_blocks in ((2, 8) if quick else (5, 20)):
        def block(k, n_blocks=n_blocks):
            return synthetic(rows_per_block, d, seed=SEED + 1_000 * n_blocks + k)

        parts = [dask.delayed(block, pure=True)(k) for k in range(n_blocks)]
        X = da.concatenate([da.from_delayed(p[0], shape=(rows_per_block, d), dtype=float) for p in parts])
        y = da.concatenate([da.from_delayed(p[1], shape=(rows_per_block,), dtype=float) for p in parts])
        seconds, result = best_time(lambda: lrmath.fit(X, y, l2=L2, tol=TOL), 1 if not quick else 2)
        X_mem = np.concatenate([block(k)[0] for k in range(n_blocks)])
        y_mem = np.concatenate([block(k)[1] for k in range(n_blocks)])
        generate, _ = best_time(lambda: [block(k) for k in range(n_blocks)], 1)
        memory_seconds, memory = best_time(lambda: lrmath.fit(X_mem, y_mem, l2=L2, tol=TOL, method=result.method), 1)
        rows.append({"n": n_blocks * rows_per_block, "d": d, "blocks": n_blocks, "method": result.method,
                     "passes": result.passes + 1,  # + the labels' mean for the starting bias
                     "seconds": seconds, "generate": generate, "memory_seconds": memory_seconds,
                     "memory_passes": memory.passes,
                     "diff": max(float(np.max(np.abs(result.w - memory.w))), abs(result.b - memory.b))})
        del X_mem, y_mem
    return rows


def run(quick: bool = False, out=sys.stdout, threads: int | None = None) -> list[dict]:
    """Run the benchmark, print the two tables to ``out`` and return one dict per data set.

    ``threads``: limit BLAS and OpenMP to that many threads (None: leave them alone).
    """
    if threads is not None:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=threads):
            return _run(quick, out, f"{threads} thread(s), threadpoolctl")
    return _run(quick, out, "BLAS/OpenMP threads as found")


def _run(quick: bool, out, threads_note: str) -> list[dict]:
    rows = []
    for name, load, fit_reps, lg_reps in data_sets(quick):
        X, y = load()
        X = np.ascontiguousarray(X, dtype=np.float64)
        row = {"name": name, "n": X.shape[0], "d": X.shape[1]}
        row.update(time_fits(X, y, fit_reps))
        fitted = lrmath.fit(X, y, l2=L2, tol=TOL)
        row["loss_and_grad"] = time_loss_and_grad(X, y, fitted.w, fitted.b, lg_reps)
        rows.append(row)
        print(f"  done: {name}", file=sys.stderr, flush=True)
        del X, y
    loss_only = []
    for name, load, lg_reps in loss_only_sets(quick):
        X, y = load()
        fitted = lrmath.fit(X, y, l2=L2, tol=TOL)
        loss_only.append({"name": name, "n": X.shape[0], "d": X.shape[1],
                          "loss_and_grad": time_loss_and_grad(X, y, fitted.w, fitted.b, lg_reps)})
        print(f"  done: {name} (Table 2 only)", file=sys.stderr, flush=True)
        del X, y
    overhead = time_overhead()
    dask = dask_rows(quick)
    print(format_tables(rows, quick, threads_note, overhead, dask, loss_only), file=out)
    return rows


def format_tables(rows: list[dict], quick: bool = False, threads_note: str = "", overhead: float | None = None,
                  dask: list[dict] = (), loss_only: list[dict] = ()) -> str:
    lines = [f"lrmath.fit vs scikit-learn {_sklearn_version()}, l2={L2:g}, tol={TOL:g}, {threads_note}"
             + ("  [--quick: small sizes]" if quick else ""),
             "Times are minima over repetitions; ratios are lrmath / scikit-learn, same run.", ""]
    head = (f"{'data set':<24}{'lrmath':>9}{'method':>13}{'it':>4}"
            f"{'/lbfgs':>8}{'/newt-ch':>9}{'/faster':>8}{'target':>8}"
            f"{'|dw| lbfgs':>12}{'|dw| newt':>11}{'|db| newt':>11}{'J':>20}{'J-J_skl':>10}")
    lines += ["Table 1: fit (seconds for lrmath; ratios to each scikit-learn solver)", head, "-" * len(head)]
    for r in rows:
        ok = "ok" if r["ratio_best"] <= TARGET_FIT else "MISS"
        lines.append(
            f"{r['name']:<24}{r['seconds']:>9.4f}{r['method']:>13}{r['n_iter']:>4}"
            f"{r['lbfgs']['ratio']:>8.2f}{r['newton-cholesky']['ratio']:>9.2f}{r['ratio_best']:>8.2f}{ok:>8}"
            f"{r['lbfgs']['coef_diff']:>12.1e}{r['newton-cholesky']['coef_diff']:>11.1e}"
            f"{r['newton-cholesky']['intercept_diff']:>11.1e}{r['J']:>20.15f}{r['J_minus_sklearn']:>10.1e}")
    head = f"{'data set':<24}{'lrmath s':>10}{'it':>5}{'lbfgs s':>10}{'it':>5}{'newton-ch s':>13}{'it':>5}"
    lines += ["", "Seconds and iterations behind the ratios", head, "-" * len(head)]
    for r in rows:
        lbfgs, newton = r["lbfgs"], r["newton-cholesky"]
        lines.append(f"{r['name']:<24}{r['seconds']:>10.4f}{r['n_iter']:>5}{lbfgs['seconds']:>10.4f}{lbfgs['n_iter']:>5}"
                     f"{newton['seconds']:>13.4f}{newton['n_iter']:>5}")
    head = (f"{'data set':<24}{'X@v ms':>9}{'sum ms':>9}{'GB/s':>7}{'exp ms':>8}{'log1p ms':>9}"
            f"{'floor ms':>10}{'l&g ms':>9}{'ratio':>7}{'target':>8}{'core ms':>9}{'ratio':>7}{'H/pass':>8}")
    lines += ["", "Table 2: one loss_and_grad vs floor = 2 reads of X + exp + log1p of an n-vector",
              head, "-" * len(head)]
    for r in [*rows, *loss_only]:
        g = r["loss_and_grad"]
        ok = "cache" if 8 * r["n"] * r["d"] <= CACHED_BYTES else "ok" if g["ratio"] <= TARGET_FLOOR else "MISS"
        lines.append(
            f"{r['name']:<24}{1e3 * g['read_gemv']:>9.3f}{1e3 * g['read_sum']:>9.3f}{g['bandwidth_GBps']:>7.1f}"
            f"{1e3 * g['exp']:>8.3f}{1e3 * g['log1p']:>9.3f}{1e3 * g['floor']:>10.3f}"
            f"{1e3 * g['loss_and_grad']:>9.3f}{g['ratio']:>7.2f}{ok:>8}{1e3 * g['core']:>9.3f}{g['core_ratio']:>7.2f}"
            f"{g['hessian_per_pass']:>8.1f}")
    lines.append(f"target: l&g at most {TARGET_FLOOR:g}x the floor where X is larger than the largest cache "
                 f"({CACHED_BYTES >> 20} MiB here, from sysfs); 'cache': X is smaller and can be read from cache "
                 "(then the time is per-example NumPy calls, and the overhead line below is their target).")
    lines.append("l&g: lrmath.loss_and_grad as called (input checks included); core: the pass alone, "
                 "as fit calls it (objective._loss_and_grad_sums); H/pass: building the Hessian, in passes "
                 "(fitting.hessian_cost_in_passes models it as 1 + d/40).")
    if overhead is not None:
        ok = "ok" if 1e6 * overhead <= TARGET_OVERHEAD_US else "MISS"
        lines.append(f"Small-data overhead: one loss_and_grad on 16 x 4 data takes {1e6 * overhead:.1f} us "
                     f"(target {TARGET_OVERHEAD_US:g} us): {ok}")
    if dask:
        head = (f"{'n x d':>14}{'blocks':>8}{'method':>9}{'passes':>8}{'dask s':>9}{'s/pass':>8}{'make s':>8}"
                f"{'memory s':>10}{'passes':>8}{'|diff|':>10}")
        lines += ["", "Table 3: lrmath.fit on a Dask array made block by block (threaded scheduler) vs the same "
                  "data in memory", head, "-" * len(head)]
        for r in dask:
            lines.append(f"{r['n']:>10,} x {r['d']:<2}{r['blocks']:>8}{r['method']:>9}{r['passes']:>8}"
                         f"{r['seconds']:>9.2f}{r['seconds'] / r['passes']:>8.3f}{r['generate']:>8.2f}"
                         f"{r['memory_seconds']:>10.2f}{r['memory_passes']:>8}{r['diff']:>10.1e}")
        lines.append("passes: over the data (made anew each time), including one for the labels' mean; make s: "
                     "making every block once; |diff|: largest weight or bias difference to the in-memory fit.")
    return "\n".join(lines)


def _sklearn_version() -> str:
    import sklearn

    return sklearn.__version__


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke run of a few seconds")
    parser.add_argument("--threads", type=int, default=None,
                        help="limit BLAS and OpenMP threads (threadpoolctl); default: as found")
    args = parser.parse_args(argv)
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    run(quick=args.quick, threads=args.threads)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
