r"""Prove an inequality step of a derivation: ``A \le B``, ``A < B``, ``A \ge B``, ``A > B``.

A step ``A \le B`` is **proven** only when SymPy's assumptions system answers ``True`` to
"is ``B - A`` non-negative?" (``> 0`` for a strict ``<``) for some exact rewriting of the
difference: as written, then with definitions unfolded one level at a time. Its answer
``None`` ("don't know") is never taken as a proof. Two rewritings make the assumptions
useful:

- the difference is brought over one denominator and **factored**, so that a completed
  square shows itself: :math:`\tfrac14 - s(1 - s) = \tfrac14(2s - 1)^2 \ge 0`;
- a name declared in :math:`(0, 1)` is **substituted** by :math:`1/(1 + t)` with a fresh
  :math:`t > 0` (every number in :math:`(0, 1)` is of that form, exactly once), so that
  :math:`s(1 - s) = t/(1 + t)^2 > 0` is seen to be positive.

Labels declared in :math:`\{0, 1\}` may be split into cases. Independently, the difference is
evaluated at random points, and a point where the inequality fails refutes the step with a
counterexample.

>>> from lrmath.checker.reading import Notation, read
>>> nt = Notation()
>>> nt.declare(r"s \in (0, 1)")
>>> prove_inequality(read(r"s(1 - s)", nt), read(r"\frac{1}{4}", nt), r"\le", nt).status
'proven'
>>> prove_inequality(read(r"s(1 - s)", nt), read(r"0", nt), ">", nt).status
'proven'
>>> proof = prove_inequality(read(r"s(1 - s)", nt), read(r"\frac{1}{5}", nt), r"\le", nt)
>>> proof.status, "counterexample" in proof.detail
('refuted', True)
"""

from __future__ import annotations

import itertools
import time

import sympy as sp

from lrmath.checker.proving import Proof, _format_point, _unfolding_levels, numeric_difference
from lrmath.checker.reading import Notation, Vec

__all__ = ["RELATIONS", "prove_inequality"]

#: The inequality relations a step may state, with (strict, flipped): ``A \ge B`` is ``B \le A``.
RELATIONS = {
    r"\le": (False, False), r"\leq": (False, False), "<": (True, False), r"\lt": (True, False),
    r"\ge": (False, True), r"\geq": (False, True), ">": (True, True), r"\gt": (True, True),
}


def _sign_known(expr, strict: bool) -> bool:
    """SymPy's assumptions say ``expr > 0`` (strict) or ``expr >= 0``: True only when certain."""
    answer = expr.is_positive if strict else expr.is_nonnegative
    return answer is True


def _rewritings(expr, nt: Notation):
    """Exact rewritings of ``expr`` under which the assumptions system may see its sign."""
    yield "as it stands", expr
    try:
        together = sp.cancel(sp.together(expr))
        yield "over one denominator, factored", sp.factor(together)
    except (TypeError, NotImplementedError, sp.PolynomialError):
        return
    probabilities = _probability_atoms(expr, nt)
    if probabilities:
        fresh = {p: sp.Symbol(f"t_{k}", positive=True) for k, p in enumerate(sorted(probabilities, key=str))}
        substituted = together.xreplace({p: 1 / (1 + t) for p, t in fresh.items()})
        try:
            yield (
                "with each name in (0, 1) written as 1/(1 + t), t > 0, then factored",
                sp.factor(sp.cancel(sp.together(substituted))),
            )
        except (TypeError, NotImplementedError, sp.PolynomialError):
            return


def _probability_atoms(expr, nt: Notation) -> set:
    """The symbols and entries of ``expr`` declared in (0, 1)."""
    bases = nt.probability_bases()
    atoms = {s for s in expr.free_symbols if s in bases}
    atoms |= {i for i in expr.atoms(sp.Indexed) if i.base in bases or i.base.label in bases}
    return atoms


def _sign_proof(diff, strict: bool, nt: Notation) -> str | None:
    for how, rewritten in _rewritings(diff, nt):
        if _sign_known(rewritten, strict):
            return how
    finite = {s: v for s, v in nt.finite_symbols().items() if s in diff.free_symbols}
    if finite and len(finite) <= 3:
        names = list(finite)
        for values in itertools.product(*(finite[s] for s in names)):
            case = diff.xreplace(dict(zip(names, values)))
            if not any(_sign_known(r, strict) for _, r in _rewritings(case, nt)):
                return None
        return "by cases, " + ", ".join(f"{s} in {{{', '.join(map(str, finite[s]))}}}" for s in names)
    return None


def prove_inequality(lhs, rhs, relation: str, nt: Notation) -> Proof:
    r"""Check the step ``lhs relation rhs`` (``relation`` one of :data:`RELATIONS`)."""
    started = time.perf_counter()
    strict, flipped = RELATIONS[relation]
    if isinstance(lhs, Vec) or isinstance(rhs, Vec):
        return Proof("unproven", detail="an inequality compares two numbers, not vectors")
    small, large = (rhs, lhs) if flipped else (lhs, rhs)
    proof = Proof("unproven", lhs=sp.sstr(lhs), rhs=sp.sstr(rhs))
    # A counterexample first: the larger side minus the smaller, wherever it is negative.
    shortfall, point = numeric_difference(sp.Max(small - large, 0), sp.Integer(0), nt)
    if shortfall is not None and shortfall > 1e-12:
        proof.status = "refuted"
        proof.detail = f"wrong step: counterexample at {_format_point(point)}, where the inequality fails"
        proof.seconds = time.perf_counter() - started
        return proof
    try:
        levels = _unfolding_levels(small, large, nt)
    except (ValueError, NotImplementedError, TypeError) as exc:
        levels = []
        proof.detail = f"SymPy could not evaluate the step: {exc}"
    for where, a, b in levels:
        try:
            method = _sign_proof(sp.expand(b - a) if not (b - a).has(sp.Sum) else b - a, strict, nt)
        except (TypeError, NotImplementedError, sp.PolynomialError, RecursionError):
            method = None
        if method:
            side = "larger side minus smaller side"
            proof.status = "proven"
            proof.method = f"{side} is {'positive' if strict else 'non-negative'}: {method} ({where})"
            break
    if proof.status != "proven":
        proof.detail = proof.detail or (
            "SymPy could not show the inequality (its assumptions do not settle the sign of the "
            "difference): rewrite it in smaller steps, e.g. complete the square first"
        )
    proof.seconds = time.perf_counter() - started
    return proof
