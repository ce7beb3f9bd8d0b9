"""How many threads the BLAS behind NumPy uses right now.

The blocked pass of :mod:`lrmath.objective` sizes its blocks of rows by it. With one
thread, blocks of about 2 MiB stay in the core's own cache between :math:`X_B w` and
:math:`X_B^\\top r_B`, and reading :math:`X` once beats two full matrix-vector products.
With more threads, BLAS splits a product only when it is large, so small blocks would
leave every thread but one idle: blocks of about 32 MiB let it split them and still stay
in the shared cache. Measured on the course's 2-core machine, one pass of
``loss_and_grad`` over 200 000 x 200 took 35.7 ms with 2 MiB blocks and 22.6 ms with
32 MiB blocks at two threads, but 35.6 against 41.2 ms at one thread.

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
