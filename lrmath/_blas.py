"""How many threads the BLAS behind NumPy uses right now.

The blocked pass of :mod:`lrmath.objective` runs on as many threads as BLAS has, each
taking chunks of blocks of about 2 MiB with BLAS held to one thread (:func:`one_thread`), so
that the per-example NumPy work is shared too, which BLAS's own threads do not do. With more
than 500 columns it stays on one thread of Python and lets BLAS split each product of
blocks of about 4 MiB (at least 32 rows): with one thread, blocks of about 2 MiB stay in the core's own cache
between :math:`X_B w` and :math:`X_B^\\top r_B`, but BLAS splits a product only when it is
large. Measured on the course's 2-core machine at two threads (minimum of 15 passes): over
1 000 000 x 20, 25 ms with BLAS's threads on 32 MiB blocks, 18 ms with two threads of
chunks; over 20 000 x 2 000, 19 against 28 ms (BLAS's threads then on 32 MiB blocks; 4 MiB
are as fast, see :func:`lrmath.objective._loss_and_grad_sums`). The Hessian, whose
products are compute-bound, uses BLAS's threads on 32 MiB blocks (4 MiB ones took 450
against 320 to 400 ms over 50 000 x 800).

The count is read from the BLAS library itself (through threadpoolctl, each call a few
microseconds), so it follows ``threadpoolctl.threadpool_limits`` and
``OPENBLAS_NUM_THREADS``. Without threadpoolctl it is taken to be 1.

>>> threads() >= 1
True
"""

from __future__ import annotations

import contextlib

__all__ = ["threads", "one_thread"]

_controller = None


def threads() -> int:
    """The number of threads NumPy's BLAS would use for a large product (at least 1)."""
    global _controller
    try:
        if _controller is None:
            from threadpoolctl import ThreadpoolController

            _controller = ThreadpoolController().select(user_api="blas")
        counts = [lib.num_threads for lib in _controller.lib_controllers]
    except Exception:  # noqa: BLE001 - no threadpoolctl, or a BLAS it cannot read: plan for one thread
        return 1
    return max([1, *counts])


def one_thread():
    """A context in which NumPy's BLAS runs one thread (for products that the caller already
    runs in parallel, one per thread); a no-op where the count cannot be set."""
    if _controller is None:
        threads()
    if _controller is None:
        return contextlib.nullcontext()
    return _controller.limit(limits=1)
