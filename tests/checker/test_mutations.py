"""Mutation testing of the checker against every proven step of the site.

Each proven equality ``A = B`` on every page is corrupted in the ways a student or an
author slips (flip a sign, swap y and y-hat, drop a factor, change an exponent, turn
``1 - s`` into ``1 + s``, replace an operand by 0...), and the checker must reject every
corrupted step. A corrupted step it accepts is allowed only if it is mathematically the
same as the original (an equivalent mutant): that is verified, not assumed.

The kill rate is printed (run with ``-s`` to see it).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp

from lrmath.checker.page import check_page
from lrmath.checker.proving import numeric_difference, prove
from lrmath.checker.reading import Vec

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "```derivation" in p.read_text(encoding="utf-8"))
MAX_PER_STEP = 6


def _subexpressions(expr):
    """Every node of an expression tree, root first."""
    yield expr
    for arg in expr.args:
        if isinstance(arg, sp.Basic) and not isinstance(arg, (sp.Tuple, sp.IndexedBase)):
            yield from _subexpressions(arg)


def mutants(expr, swaps: dict):
    """Corrupted versions of ``expr``, each with a name saying what was done."""
    out = [("negate the whole side", -expr)]
    if swaps:
        swapped = expr.xreplace(swaps)
        if swapped != expr:
            out.append(("swap y and y-hat", swapped))
    for node in _subexpressions(expr):
        if isinstance(node, sp.Add) and len(node.args) >= 2:
            for k, term in enumerate(node.args):
                flipped = sp.Add(*[-a if i == k else a for i, a in enumerate(node.args)])
                out.append((f"flip the sign of {term} (1 - s -> 1 + s)", expr.xreplace({node: flipped})))
        if isinstance(node, sp.Mul) and len(node.args) >= 2:
            for k, factor in enumerate(node.args):
                if factor in (-1, 1):
                    continue
                dropped = sp.Mul(*[a for i, a in enumerate(node.args) if i != k])
                out.append((f"drop the factor {factor}", expr.xreplace({node: dropped})))
        if isinstance(node, sp.Pow) and node.exp.is_Integer:
            out.append((f"change the exponent of {node}", expr.xreplace({node: sp.Pow(node.base, node.exp + 1)})))
        if node.is_Number and node not in (-1,):
            changed = sp.Integer(0) if node.is_infinite else node + 1
            out.append((f"change the constant {node}", expr.xreplace({node: changed}) if node != expr else changed))
        if node is sp.oo or node is -sp.oo:
            out.append((f"change {node} to 0", sp.Integer(0) if node == expr else expr.xreplace({node: 0})))
        if isinstance(node, sp.exp):
            out.append((f"flip the sign in {node}", expr.xreplace({node: sp.exp(-node.args[0])})))
    seen, unique = set(), []
    for name, m in out:
        key = sp.srepr(m)
        if key not in seen and m != expr:
            seen.add(key)
            unique.append((name, m))
    return unique


def steps_to_mutate():
    cases = []
    for path in PAGES:
        checked = check_page(path.read_text(encoding="utf-8"), str(path.relative_to(DOCS)), time_limit=None)
        assert checked.failures == [], checked.messages()
        nt = checked.notation
        hats = {d.value for n, d in nt.names.items() if n.startswith(r"\hat") and d.kind == "scalar"}
        plain = {d.value for n, d in nt.names.items() if n == "y" and d.kind == "scalar"}
        swaps = {}
        if hats and plain:
            (h,), (y,) = list(hats)[:1], list(plain)[:1]
            swaps = {h: y, y: h}
        for step in checked.steps:
            if step.kind == "equality" and step.proof.status == "proven":
                cases.append((f"{checked.path}:{step.line}", step, nt, swaps))
    return cases


CASES = steps_to_mutate()


def test_there_are_steps_to_mutate():
    assert len(CASES) >= 40, len(CASES)


@pytest.mark.parametrize("where, step, nt, swaps", CASES, ids=[c[0] for c in CASES])
def test_every_corruption_of_a_proven_step_is_rejected(where, step, nt, swaps):
    lhs, rhs = step.lhs_expr, step.rhs_expr
    if isinstance(rhs, Vec):
        j = nt.fresh_index(rhs.length)
        lhs, rhs = lhs.component(j), rhs.component(j)
    candidates = mutants(rhs, swaps)[:MAX_PER_STEP]
    assert candidates, f"{where}: no mutant could be made of {rhs}"
    survivors = []
    for name, mutant in candidates:
        verdict = prove(lhs, mutant, nt)
        if verdict.status == "proven":
            # allowed only if the mutant is the same mathematics as the original
            same = prove(rhs, mutant, nt).status == "proven"
            gap, _ = numeric_difference(rhs, mutant, nt)
            if not (same and gap is not None and gap < 1e-9):
                survivors.append(f"{name}: {mutant}")
        else:
            KILLED.append(where)
        TOTAL.append(where)
    assert not survivors, f"{where}: the checker accepted corrupted steps: {survivors}"


KILLED: list = []
TOTAL: list = []


def test_report_kill_rate():
    """Printed so that it can be quoted; the per-step tests above are what fail."""
    if TOTAL:
        print(f"\nmutation kill rate: {len(KILLED)}/{len(TOTAL)} = {len(KILLED) / len(TOTAL):.1%} "
              f"(the rest are proven equivalent to the original)")
