"""Worker processes: a line that runs too long or kills its worker fails at its line; workers die with their parent."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from lrmath.checker import page as page_module
from lrmath.checker.page import check_page
from lrmath.checker.workers import CheckerPool, default_time_limit, parse_time_limit

SLOW = "```derivation\nwhere z \\in \\mathbb{R}\ndefine \\sigma(t) = \\frac{1}{1 + e^{-t}}\n\\sigma(10^{9}) = 1\nz + z = 2z\n```\n"
GOOD = "```derivation\nwhere z \\in \\mathbb{R}\nz + z = 2z\n```\n"


def test_a_line_over_the_time_limit_fails_at_its_line_and_the_rest_is_checked():
    pool = CheckerPool(2)
    try:
        slow, good = pool.check([(SLOW, "slow.md"), (GOOD, "good.md")], time_limit=1)
    finally:
        pool.close()
    assert pool.timeouts == 1 and pool.restarts == 1
    (line, message), = slow.failures
    assert line == 4 and message.startswith("gave up on this line after 1 s")
    assert slow.proven == 1  # the line after it was still proven
    assert good.failures == [] and good.proven == 1


def test_check_page_applies_the_limit_too():
    checked = check_page(SLOW, "slow.md", time_limit=1)
    assert [m.split(" after")[0] for m in checked.messages()] == ["slow.md:4: gave up on this line"]


def test_a_worker_that_dies_fails_its_line_and_is_replaced(monkeypatch):
    real = page_module._PageChecker.line

    def line(self, block, number, math, reason, label):
        if "crash" in reason:
            os._exit(3)  # as the kernel's out-of-memory killer or a C stack overflow would
        return real(self, block, number, math, reason, label)

    monkeypatch.setattr(page_module._PageChecker, "line", line)  # inherited by the forked workers
    text = "```derivation\nwhere z \\in \\mathbb{R}\nz = z   # crash here\nz + z = 2z\n```\n"
    pool = CheckerPool(1)
    try:
        checked, again = pool.check([(text, "c.md"), (GOOD, "g.md")], time_limit=30)
    finally:
        pool.close()
    (line_no, message), = checked.failures
    assert line_no == 3 and "worker process died on this line (exit status 3" in message
    assert checked.proven == 1 and again.proven == 1 and pool.restarts == 1


def test_a_line_that_needs_too_much_memory_is_a_located_failure():
    text = "```derivation\nwhere z \\in \\mathbb{R}\n10^{10^{11}} = 1\nz + z = 2z\n```\n"
    checked = check_page(text, "m.md", time_limit=5)
    (line, message), = checked.failures
    assert line == 3 and ("memory" in message or "gave up" in message or "died" in message), message


def test_workers_die_with_their_parent(tmp_path):
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {os.getcwd()!r})
        from lrmath.checker.workers import CheckerPool
        pool = CheckerPool(2)
        page = {SLOW!r}
        pool.check([({GOOD!r}, "a.md"), ({GOOD!r}, "b.md")], time_limit=30)
        print(" ".join(map(str, pool.workers())), flush=True)
        time.sleep(600)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        pids = [int(p) for p in parent.stdout.readline().split()]
        assert len(pids) == 2 and all(_alive(p) for p in pids)
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    for _ in range(100):  # the kernel delivers PR_SET_PDEATHSIG at once; the watchdog within 0.5 s
        if not any(_alive(p) for p in pids):
            break
        time.sleep(0.1)
    assert not any(_alive(p) for p in pids), "workers outlived their parent"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_the_time_limit_comes_from_the_environment_and_is_checked(monkeypatch):
    monkeypatch.setenv("LRMATH_TIME_LIMIT", "3.5")
    assert default_time_limit() == 3.5
    monkeypatch.setenv("LRMATH_TIME_LIMIT", "soon")
    with pytest.raises(ValueError, match="LRMATH_TIME_LIMIT must be a number of seconds"):
        default_time_limit()
    for bad in ("0", "-1", "inf", "nan"):
        with pytest.raises(ValueError, match="positive"):
            parse_time_limit(bad, "--time-limit")


def test_a_worker_does_not_hold_the_parents_pipes():
    """A forked worker closes what it inherited: a program reading from a pipe of the
    parent (a browser driver, a kernel) sees it closed when the parent closes it."""
    import subprocess
    import sys

    from lrmath.checker.workers import CheckerPool

    reader = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    pool = CheckerPool(1)
    try:
        page = "```derivation\nwhere z \\in \\mathbb{R}\n2z = z + z\n```\n"
        [checked] = pool.check([(page, "p.md")], 10)
        assert checked.failures == [] and checked.proven == 1
        reader.stdin.close()
        reader.wait(timeout=30)  # without the fix the worker keeps the pipe open: it never ends
    finally:
        reader.kill()
        pool.close()
