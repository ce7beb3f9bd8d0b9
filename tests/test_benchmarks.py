"""The benchmark script runs, and what it compares is comparable (no timing asserted)."""

import importlib.util
import math

from tests.conftest import ROOT


def load_benchmark():
    spec = importlib.util.spec_from_file_location("fit_vs_sklearn", ROOT / "benchmarks" / "fit_vs_sklearn.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quick_benchmark_prints_both_tables_at_equal_accuracy():
    bench = load_benchmark()
    lines = []
    fits, floors = bench.run(quick=True, out=lines.append)
    names = [name for name, _, _ in bench.datasets(quick=True)]
    assert [r["name"] for r in fits] == names == [r["name"] for r in floors]
    for name in names:  # one row per data set in each table
        assert sum(line.startswith(name) for line in lines) == 2
    for r in fits:
        # "equal accuracy": every solver at the same optimum, so the times are comparable
        assert r["coef_diff"] < 1e-5 and r["intercept_diff"] < 1e-5, r
        assert max(r["gap"].values()) < 1e-10, r
        assert math.isfinite(r["ratio"]) and r["ratio"] > 0
    for r in floors:
        assert math.isfinite(r["ratio"]) and r["ratio"] > 0 and r["bandwidth"] > 0
