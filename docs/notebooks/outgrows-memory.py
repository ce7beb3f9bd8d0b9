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
# # The data outgrow memory
#
# [Chapter 14](../../14-outgrows-one-machine/) proved that the loss, the gradient and the
# Hessian over all the rows are the sums of those over any partition of the rows. Here we use
# it. We start a small [Dask](https://docs.dask.org/) cluster on this machine whose workers
# are each allowed **less memory than the data take**, make a data set block by block so that
# no process ever holds it whole, and fit it with `lrmath.fit`. Then we check the answer
# against a fit in memory, and count passes over the data against the solvers behind
# dask-ml's `LogisticRegression`.
#
# Times are printed for information only: they depend on the machine and on what else it is
# doing. The passes do not.

# %%
import os

os.environ["OPENBLAS_NUM_THREADS"] = (
    "1"  # one BLAS thread per worker: the workers are the parallelism
)

import time
import warnings

import dask
import dask.array as da
import numpy as np
from distributed import Client, LocalCluster, get_task_stream

import lrmath

# %% [markdown]
# ## A data set made block by block
#
# Each block of rows is made by a function of its index alone (its own random seed): a worker
# can make block 17 without anything from blocks 0 to 16, and makes it again whenever a pass
# needs it. The features are Gaussian, the labels are drawn from a logistic model with known
# weights, as in the benchmark.

# %%
N_BLOCKS, ROWS, D = 40, 25_000, 40
N = N_BLOCKS * ROWS
L2 = 1e-4
W_TRUE = np.random.default_rng(0).standard_normal(D) * 2 / np.sqrt(D)


def make_block(k):
    """Rows k*ROWS to (k+1)*ROWS - 1: features and labels, from block k's own seed."""
    rng = np.random.default_rng([2026, k])
    X = rng.standard_normal((ROWS, D))
    y = (rng.random(ROWS) < lrmath.sigmoid(X @ W_TRUE + 0.5)).astype(np.float64)
    return X, y


blocks = [
    dask.delayed(make_block, pure=True, name=f"make_block-{k}")(k)
    for k in range(N_BLOCKS)
]
X = da.concatenate(
    [da.from_delayed(b[0], shape=(ROWS, D), dtype=np.float64) for b in blocks]
)
y = da.concatenate(
    [da.from_delayed(b[1], shape=(ROWS,), dtype=np.float64) for b in blocks]
)
data_mib = (X.nbytes + y.nbytes) / 2**20
print(
    f"X: {X.shape[0]:,} x {X.shape[1]} in {N_BLOCKS} blocks; "
    f"X and y take {data_mib:.0f} MiB"
)

# %% [markdown]
# ## A cluster with less memory than the data
#
# Two worker processes (this machine has two cores), one thread each, on 127.0.0.1 only and
# without the dashboard. Each worker may use 256 MiB, the Python interpreter and its
# libraries (about 130 MiB) included: less than the data's size. A block is 8 MB, so a worker
# works well within its limit; we tell Dask not to pause a worker that nears it (the
# interpreter's share alone is half of it), since nothing here needs to wait for memory.

# %%
WORKER_MEMORY = 256 * 2**20
dask.config.set({"distributed.worker.memory.pause": False})
cluster = LocalCluster(
    n_workers=2,
    threads_per_worker=1,
    processes=True,
    memory_limit=WORKER_MEMORY,
    host="127.0.0.1",
    dashboard_address=None,
)
client = Client(cluster)
assert (
    WORKER_MEMORY < X.nbytes
), "the point of this notebook: the data do not fit in one worker"
print(
    f"{len(client.scheduler_info()['workers'])} workers, "
    f"{WORKER_MEMORY / 2**20:.0f} MiB each; data {data_mib:.0f} MiB"
)


# %% [markdown]
# A pass over the data is one making of every block. We count passes by counting the
# `make_block` tasks that the workers ran, divided by the number of blocks.


# %%
def passes_of(task_stream) -> float:
    made = sum(1 for task in task_stream.data if "make_block" in str(task["key"]))
    return made / N_BLOCKS


# %% [markdown]
# ## Fitting on the cluster
#
# `lrmath.fit` with `method="auto"` picks Newton for a Dask array (a pass is dear, and
# Newton's Hessian comes in the same pass as its gradient: one map, one reduce).

# %%
start = time.perf_counter()
with get_task_stream(client) as stream:
    result = lrmath.fit(X, y, l2=L2, tol=1e-10)
seconds_dask = time.perf_counter() - start
passes_dask = passes_of(stream)
print(
    f"method {result.method}: {result.n_iter} iterations, "
    f"converged {result.converged}, "
    f"|grad|_inf = {result.grad_norm:.1e}"
)
print(
    f"passes over the data: {passes_dask:g} ({result.passes} evaluations "
    "and one for the labels' mean); "
    f"{seconds_dask:.1f} s"
)

# %% [markdown]
# The counts agree with what `fit` reports: every evaluation made each block once, plus the
# one pass that computed the mean label for the starting bias.

# %%
assert result.converged
assert passes_dask == result.passes + 1

# %% [markdown]
# ## The same fit in memory
#
# For the check, and only for it, this notebook (not a worker) assembles the whole data set.

# %%
X_mem = np.concatenate([make_block(k)[0] for k in range(N_BLOCKS)])
y_mem = np.concatenate([make_block(k)[1] for k in range(N_BLOCKS)])
start = time.perf_counter()
in_memory = lrmath.fit(X_mem, y_mem, l2=L2, tol=1e-10, method="newton")
seconds_memory = time.perf_counter() - start
gap = max(float(np.max(np.abs(result.w - in_memory.w))), abs(result.b - in_memory.b))
print(
    f"in memory: {in_memory.n_iter} Newton iterations, {in_memory.passes} passes, "
    f"{seconds_memory:.1f} s"
)
print(f"largest difference of weights and bias, cluster vs memory: {gap:.1e}")
assert gap <= 1e-8
del X_mem, y_mem

# %% [markdown]
# ## Against the solvers behind dask-ml
#
# dask-ml's `LogisticRegression` is a thin layer over the package dask-glm. The current
# dask-ml release (2024.4.4) does not import with scikit-learn 1.9 (it imports a private
# scikit-learn function that no longer exists), so we call dask-glm's estimator directly,
# with the L-BFGS solver. Its objective is the **sum** of the losses plus
# $\frac{\lambda}{2}\lVert\boldsymbol\theta\rVert^2$ over all the parameters, the bias
# included; ours is the mean plus $\frac{\lambda}{2}\lVert\mathbf{w}\rVert^2$. Multiplying ours
# by $n$ gives its `lamduh` $= n\lambda$, and its `tol` (SciPy's bound on the largest
# gradient entry) $= n \cdot 10^{-10}$. The optima differ slightly, because it penalises the
# bias. SciPy's L-BFGS also stops when the objective's relative decrease falls below about
# $2 \cdot 10^{-9}$, usually before that gradient bound. Before it starts, dask-glm
# standardises the columns, which costs passes of its own (a mean and a variance); they are
# counted too.

# %%
try:
    from dask_glm.estimators import LogisticRegression as GLMLogisticRegression
except ImportError as exc:  # pragma: no cover - reported, not hidden
    GLMLogisticRegression = None
    print(f"dask-glm is not installed here ({exc}); the comparison is skipped")

if GLMLogisticRegression is not None:
    glm = GLMLogisticRegression(
        solver="lbfgs", lamduh=N * L2, tol=N * 1e-10, max_iter=100
    )
    start = time.perf_counter()
    with get_task_stream(client) as stream, warnings.catch_warnings():
        warnings.simplefilter(
            "ignore", FutureWarning
        )  # a dask configuration key it still uses
        glm.fit(X, y)
    seconds_glm = time.perf_counter() - start
    passes_glm = passes_of(stream)
    w_glm, b_glm = np.asarray(glm.coef_), float(glm.intercept_)
    _, gw, gb = lrmath.loss_and_grad(w_glm, b_glm, X, y, L2)
    print(
        f"dask-glm L-BFGS: {passes_glm:g} passes, {seconds_glm:.1f} s; "
        f"largest weight difference to lrmath {np.max(np.abs(w_glm - result.w)):.1e}, "
        f"bias {abs(b_glm - result.b):.1e}; our |grad|_inf at its answer "
        f"{max(np.abs(gw).max(), abs(gb)):.1e}"
    )
    print(f"lrmath Newton:   {passes_dask:g} passes, {seconds_dask:.1f} s")

# %% [markdown]
# Newton needs a handful of passes because each one brings the whole curvature back, in
# $(d + 1)^2$ numbers per block; L-BFGS pieces the curvature together from gradients, one
# pass at a time. When a pass means reading the data from disk or making it anew, as here,
# the number of passes is what the fit costs.

# %%
client.close()
cluster.close()
