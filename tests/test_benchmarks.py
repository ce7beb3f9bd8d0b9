"""The benchmark script runs (quick mode) and its fits agree with scikit-learn; no timing assertions."""

import importlib.util
import io
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "fit_vs_sklearn.py"


def _load(script: Path):
    """A benchmark script as a module (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location(script.stem, script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench():
    return _load(SCRIPT)


@pytest.fixture(scope="module")
def quick_run(bench):
    out = io.StringIO()
    rows = bench.run(quick=True, out=out, threads=1)
    return rows, out.getvalue()


def test_quick_run_prints_the_tables_with_a_row_per_data_set(quick_run):
    rows, text = quick_run
    assert [r["name"] for r in rows][0] == "breast cancer" and len(rows) == 5
    titles = ("Table 1: fit", "Seconds and iterations", "Table 2: one loss_and_grad")
    assert all(title in text for title in titles)
    for r in rows:
        assert sum(line.startswith(r["name"]) for line in text.splitlines()) == len(titles)


def test_lrmath_reaches_scikit_learns_optimum(quick_run):
    rows, _ = quick_run
    for r in rows:
        assert r["converged"]
        newton = r["newton-cholesky"]  # converged tightly: the reference
        assert newton["coef_diff"] <= 1e-6 and newton["intercept_diff"] <= 1e-6, r["name"]
        assert r["lbfgs"]["coef_diff"] <= 1e-3, r["name"]  # scikit-learn's lbfgs may stop early on ftol
        assert r["J_minus_sklearn"] <= 1e-12 * r["J"], r["name"]


def test_the_floor_and_ratios_are_measured(quick_run):
    rows, _ = quick_run
    for r in rows:
        g = r["loss_and_grad"]
        assert 0 < g["floor"] < np.inf and g["floor"] == pytest.approx(
            2 * min(g["read_gemv"], g["read_sum"]) + g["exp"] + g["log1p"])
        assert g["ratio"] == pytest.approx(g["loss_and_grad"] / g["floor"])
        assert r["ratio_best"] == pytest.approx(
            r["seconds"] / min(r["lbfgs"]["seconds"], r["newton-cholesky"]["seconds"]))


def test_table_2_has_a_set_of_its_own_beyond_the_caches(bench, quick_run):
    _, text = quick_run
    (name, load, _), = bench.loss_only_sets(quick=True)
    line = next(line for line in text.splitlines() if line.startswith(name))
    assert line.split()[-4] in ("ok", "MISS", "cache")  # the verdict column: it was measured and judged
    (full_name, _, _), = bench.loss_only_sets(quick=False)
    assert full_name == "synthetic 10000000x20"  # 1.6 GB: beyond the caches of any machine it runs on


def test_the_benchmarks_docstring_examples_hold(bench):
    import doctest

    result = doctest.testmod(bench)
    assert result.attempted >= 2 and result.failed == 0


def test_synthetic_data_are_not_separable(bench):
    X, y = bench.synthetic(2_000, 20)
    assert X.shape == (2_000, 20) and set(np.unique(y)) == {0.0, 1.0}
    import lrmath

    result = lrmath.fit(X, y)  # l2 = 0: separable data would warn and not converge
    assert result.converged and 0.6 < np.mean(lrmath.predict(X, result.w, result.b) == y) < 0.95


def test_the_dask_table_and_the_overhead_line_are_printed(quick_run):
    _, text = quick_run
    assert "Small-data overhead: one loss_and_grad on 16 x 4 data takes" in text
    table = text[text.index("Table 3: lrmath.fit on a Dask array"):].splitlines()
    rows = [line.split() for line in table[3:5]]
    assert [r[0] for r in rows] == ["10,000", "40,000"]
    assert all(float(r[-1]) <= 1e-8 for r in rows)  # agrees with the in-memory fit


KERNELS = SCRIPT.with_name("compiled_kernels.py")


@pytest.fixture(scope="module")
def compiled_kernels():
    return _load(KERNELS)


def test_the_proposed_kernels_compute_what_loss_and_grad_computes(compiled_kernels):
    """The kernels behind the proposal of Numba (run as plain Python here) give lrmath's numbers,
    on data with scores large enough that the stable forms matter, and refuse labels other than 0 and 1."""
    import lrmath

    pass_sums, small, to_exponent, finish = compiled_kernels.kernels(compiled=False)
    rng = np.random.default_rng(5)
    n, d = 40_000, 3  # more than one chunk of rows and one block
    X, w = rng.standard_normal((n, d)), np.array([30.0, -2.0, 0.5])
    y = (rng.random(n) < lrmath.sigmoid(X @ w / 10)).astype(float)
    expected = lrmath.loss_and_grad(w, 0.3, X, y, 0.01)

    def close(got):
        assert got[0] == pytest.approx(expected[0], rel=1e-12)
        np.testing.assert_allclose(got[1], expected[1], rtol=0, atol=1e-12)
        assert got[2] == pytest.approx(expected[2], abs=1e-12)

    close(compiled_kernels.compiled_loss_and_grad(pass_sums, w, 0.3, X, y, 0.01))
    for threads in (1, 2):
        def mixed(X, y, w, b, threads=threads):
            return compiled_kernels.mixed_pass(to_exponent, finish, X, y, w, b, threads)
        close(compiled_kernels.compiled_loss_and_grad(mixed, w, 0.3, X, y, 0.01))
    few = slice(0, 16)
    expected = lrmath.loss_and_grad(w, 0.3, X[few], y[few], 0.01)
    close(small(w, 0.3, X[few], y[few], 0.01))
    y[7] = 0.5
    with pytest.raises(ValueError, match="labels 0 and 1"):
        compiled_kernels.compiled_loss_and_grad(pass_sums, w, 0.3, X, y, 0.01)
    assert np.isnan(small(w, 0.3, X[few], y[few], 0.01)[0])


def test_the_kernels_script_says_when_numba_is_missing(compiled_kernels, monkeypatch, capsys):
    monkeypatch.setattr(compiled_kernels, "numba", None)
    assert compiled_kernels.main() == 2
    assert "pip install numba" in capsys.readouterr().out
