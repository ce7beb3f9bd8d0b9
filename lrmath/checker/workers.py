"""Checking pages in worker processes, with a time limit on every line.

SymPy cannot be interrupted reliably from inside its own process (a long integer power
runs in C and ignores signals), so pages are checked in a small pool of worker processes.
Each worker tells the pool which line it starts; a line that uses more processor time than
the time limit (so that a busy machine does not make a line fail), or that kills its worker (out of memory, a crash), fails with a located message:
the worker is killed and replaced, and the page is checked again with that line marked
failed instead of proven. The other pages go on in the other workers, and pages are
checked in parallel, one per core.

Workers die with the process that started them (``PR_SET_PDEATHSIG`` on Linux, and a
watchdog thread that notices a new parent), and each may use at most a few GiB of memory
beyond what it starts with, so a runaway expression is a ``MemoryError`` on its line.

The time limit is 10 s unless ``$LRMATH_TIME_LIMIT`` says otherwise; ``lrmath verify
--time-limit`` and the MkDocs plugin's ``time_limit`` option override both.

>>> pool = CheckerPool(1)
>>> page = "```derivation\\nwhere z \\\\in \\\\mathbb{R}\\nz + z = 2z\\n```\\n"
>>> [checked.proven for checked in pool.check([(page, "a.md"), (page, "b.md")], time_limit=10)]
[1, 1]
>>> pool.close()
"""

from __future__ import annotations

import atexit
import collections
import ctypes
import multiprocessing
import os
import signal
import threading
import time
from multiprocessing.connection import wait

__all__ = ["CheckerPool", "default_time_limit", "shared_pool", "DEFAULT_TIME_LIMIT", "TIME_LIMIT_ENV"]

DEFAULT_TIME_LIMIT = 10.0
TIME_LIMIT_ENV = "LRMATH_TIME_LIMIT"
MEMORY_HEADROOM = 3 << 30  # bytes a worker may allocate beyond its size at start
POLL = 0.2  # seconds between looks at the workers' processor time


def default_time_limit() -> float:
    """Seconds one line may take: ``$LRMATH_TIME_LIMIT`` if set, else 10.

    >>> os.environ[TIME_LIMIT_ENV] = "2.5"; default_time_limit()
    2.5
    >>> del os.environ[TIME_LIMIT_ENV]; default_time_limit()
    10.0
    """
    value = os.environ.get(TIME_LIMIT_ENV, "").strip()
    if not value:
        return DEFAULT_TIME_LIMIT
    return parse_time_limit(value, TIME_LIMIT_ENV)


def parse_time_limit(value, name: str) -> float:
    """A positive number of seconds, or a ValueError naming ``name``."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number of seconds, not {value!r}") from None
    if not seconds > 0 or seconds == float("inf"):
        raise ValueError(f"{name} must be a positive, finite number of seconds, not {value!r}")
    return seconds


def timeout_message(limit: float) -> str:
    return (
        f"gave up on this line after {limit:g} s of computing (the time limit for one line): split the step "
        f"into smaller ones, or raise the limit (lrmath verify --time-limit, the plugin's "
        f"time_limit option, ${TIME_LIMIT_ENV})"
    )


def crash_message(exitcode) -> str:
    how = f"signal {-exitcode}" if isinstance(exitcode, int) and exitcode < 0 else f"exit status {exitcode}"
    return (
        f"the checker's worker process died on this line ({how}; out of memory, or too deep for "
        f"the interpreter): split the step into smaller ones"
    )


# -- in the worker -------------------------------------------------------------------------

def _die_with_parent(parent: int, from_main_thread: bool) -> None:
    # PR_SET_PDEATHSIG fires when the *thread* that started us ends: only trust it when
    # that thread is the parent's main thread, whose end is the parent's
    if from_main_thread:
        try:  # Linux: the kernel kills us when the parent exits
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before we got here
        os._exit(1)

    def watch():
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _limit_memory() -> None:
    try:
        import resource

        with open("/proc/self/statm") as f:
            size = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (size + MEMORY_HEADROOM, resource.RLIM_INFINITY))
    except (OSError, ValueError, ImportError):
        pass


def _close_inherited_files(keep: int) -> None:
    """Close every file descriptor the fork copied from the parent, but stdio and ``keep``.

    A forked worker holds copies of all the parent's pipes: while it lives, a program at
    the other end of one of them (a browser driver, a kernel) never sees it closed, and
    waits forever for the parent to let go.
    """
    top = os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 4096
    os.closerange(3, keep)
    os.closerange(keep + 1, max(top, keep + 2))


def _serve(conn, parent: int, from_main_thread: bool) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _close_inherited_files(conn.fileno())
    _die_with_parent(parent, from_main_thread)
    _limit_memory()
    from lrmath.checker.page import CheckedPage, check_page_here, failure_message
    from lrmath.checker.plain import to_plain

    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        markdown, path, skip, cache = message
        try:
            if cache is not None:
                from lrmath.checker.cache import check_page_by_blocks

                checked = check_page_by_blocks(markdown, path, cache, skip, lambda line: conn.send(("at", line)))
            else:
                checked = check_page_here(markdown, path, skip, lambda line: conn.send(("at", line)))
            result = to_plain(checked)
        except BaseException as exc:  # noqa: BLE001 - reported as the page's failure, never a traceback
            result = to_plain(CheckedPage(path, [], [(1, failure_message(exc))], {}))
        conn.send(("done", result))


# -- in the parent --------------------------------------------------------------------------

class _Task:
    def __init__(self, markdown: str, path: str, cache):
        self.markdown, self.path, self.cache = markdown, path, cache
        self.skip: dict[int, str] = {}
        self.result = None


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid: int) -> float | None:
    """Seconds of processor time process ``pid`` has used (user + system), None if unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK
    except (OSError, IndexError, ValueError):
        return None


class _Worker:
    def __init__(self, ctx):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, os.getpid(), threading.current_thread() is threading.main_thread()), daemon=True, name="lrmath-checker")
        self.process.start()
        child.close()
        self.task: _Task | None = None
        self.line = 0
        self.since = 0.0

    def give(self, task: _Task) -> None:
        self.task = task
        self.started_line(0)
        self.conn.send((task.markdown, task.path, dict(task.skip), task.cache))

    def started_line(self, line: int) -> None:
        self.line, self.since, self.cpu = line, time.monotonic(), cpu_seconds(self.process.pid)

    def over(self, limit: float, now: float) -> bool:
        """Has the current line used more than ``limit`` seconds of processor time?

        Processor time, not the clock: on a busy machine a line waits for a core without
        using up its time, so the load does not decide which line fails. (Only where
        processor time cannot be read does the clock count.)
        """
        if self.cpu is None:
            return now - self.since > limit
        cpu = cpu_seconds(self.process.pid)
        return cpu is not None and cpu - self.cpu > limit

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


class CheckerPool:
    """Worker processes that check pages; see the module's docstring.

    ``size`` workers at most (default: the number of cores), started when first needed
    and kept for later calls. :attr:`restarts` counts workers killed on a time limit or
    found dead.
    """

    def __init__(self, size: int | None = None):
        self.size = max(1, size or os.cpu_count() or 1)
        self._ctx = multiprocessing.get_context("fork")
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self.restarts = 0
        self.timeouts = 0

    def check(self, pages, time_limit: float, cache_dir=None) -> list:
        """Check ``(markdown, path)`` pages; their :class:`CheckedPage`\\ s in the same order.

        With ``cache_dir``, the proofs of unchanged derivation blocks are reused from it
        (see :func:`lrmath.checker.cache.check_page_by_blocks`).
        """
        from lrmath.checker.plain import from_plain

        with self._lock:
            tasks = [_Task(markdown, path, None if cache_dir is None else str(cache_dir)) for markdown, path in pages]
            queue = collections.deque(tasks)
            busy: dict = {}
            try:
                while queue or busy:
                    while queue and len(busy) < self.size:
                        worker = self._take()
                        worker.give(queue.popleft())
                        busy[worker.conn] = worker
                    for conn in wait(list(busy), timeout=min(POLL, time_limit)):
                        worker = busy[conn]
                        try:
                            kind, payload = conn.recv()
                        except (EOFError, OSError):
                            del busy[conn]
                            worker.process.join(1)
                            self._lost(worker, crash_message(worker.process.exitcode), queue)
                            continue
                        if kind == "at":
                            worker.started_line(payload)
                        else:
                            worker.task.result = from_plain(payload)
                            worker.task.result.interrupted = bool(worker.task.skip)
                            worker.task = None
                            del busy[conn]
                            self._idle.append(worker)
                    now = time.monotonic()
                    for conn, worker in list(busy.items()):
                        if worker.over(time_limit, now):
                            del busy[conn]
                            self.timeouts += 1
                            self._lost(worker, timeout_message(time_limit), queue)
            except BaseException:
                for worker in busy.values():
                    worker.kill()
                raise
            return [t.result for t in tasks]

    def _take(self) -> _Worker:
        while self._idle:
            worker = self._idle.pop()
            if worker.process.is_alive():
                return worker
            worker.kill()
        return _Worker(self._ctx)

    def _lost(self, worker: _Worker, message: str, queue) -> None:
        """A worker timed out or died: fail its line, and check its page again without it."""
        from lrmath.checker.page import CheckedPage

        worker.kill()
        self.restarts += 1
        task, line = worker.task, worker.line
        if line > 0 and line not in task.skip:
            task.skip[line] = message
            queue.appendleft(task)
        else:  # not inside a line (finding the blocks, the references): the page fails
            task.result = CheckedPage(task.path, [], [(max(line, 1), message)], {})
            task.result.interrupted = True

    def workers(self) -> list[int]:
        """The process ids of the idle workers (for tests)."""
        return [w.process.pid for w in self._idle]

    def close(self) -> None:
        while self._idle:
            worker = self._idle.pop()
            try:
                worker.conn.send(None)
            except OSError:
                pass
            worker.process.join(2)
            worker.kill()


_SHARED: CheckerPool | None = None


def shared_pool() -> CheckerPool:
    """The process's pool, started on first use and closed at exit."""
    global _SHARED
    if _SHARED is None:
        _SHARED = CheckerPool()
        atexit.register(_SHARED.close)
    return _SHARED
