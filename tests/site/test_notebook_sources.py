"""The notebooks' sources, read without running them: line length, no clock, described plots."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "docs" / "notebooks").glob("*.py"))
MAX_CODE_LINE = 88

#: names whose value depends on the clock: an assert that reads one can fail on a busy machine
CLOCK_NAMES = {"perf_counter", "monotonic", "process_time", "time", "times", "seconds", "timings", "elapsed"}


def code_cells(path):
    """(line of the cell's first source line, source) of every code cell of a notebook."""
    import jupytext

    text = path.read_text()
    notebook = jupytext.reads(text, fmt="py:percent")
    markers = [n for n, line in enumerate(text.splitlines(), 1) if line.startswith("# %%")]
    assert len(markers) == len(notebook.cells), f"{path.name}: a cell without a '# %%' marker"
    return [(line + 1, cell) for line, cell in zip(markers, notebook.cells) if cell.cell_type == "code"]


def clock_asserts(source: str, first_line: int) -> list[str]:
    """The assert statements of ``source`` that read a clock-like name.

    >>> clock_asserts("t = r.times\\nassert r.times[-1] < 1\\nassert r.n_iter < 9", 10)
    ['line 11: assert r.times[-1] < 1']
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assert):
            names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            names |= {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
            if names & CLOCK_NAMES:
                found.append(f"line {first_line + node.lineno - 1}: {ast.unparse(node)}")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_code_lines_are_at_most_88_characters(path):
    long = [
        f"{path.name}:{first + k}: {len(line)} characters"
        for first, cell in code_cells(path)
        for k, line in enumerate(cell.source.splitlines())
        if len(line) > MAX_CODE_LINE
    ]
    assert not long, "\n".join(long)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_notebook_asserts_on_the_clock(path):
    """Times are shown, never checked: on a busy machine a timing assert stops the build."""
    found = [f"{path.name} {hit}" for first, cell in code_cells(path) for hit in clock_asserts(cell.source, first)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_cell_that_plots_has_alt_text(path):
    missing = [
        f"{path.name}:{first - 1}"
        for first, cell in code_cells(path)
        if "plt.show()" in cell.source and len(cell.metadata.get("alt", "")) < 40
    ]
    assert not missing, f"cells that plot with no alt text (# %% alt=\"...\"): {missing}"


def test_the_clock_check_can_fail():
    assert clock_asserts("import time\nstart = time.perf_counter()\nassert time.perf_counter() - start < 1", 1)
    assert not clock_asserts("assert result.n_iter < 20", 1)
