r"""Domains are facts to prove: what the math on a page needs in order to mean anything.

A step is only as good as the meaning of its two sides. ``\log x`` means something
only for ``x > 0``, ``\frac{a}{b}`` only for ``b \neq 0``, ``\frac{d}{dx}|x|`` only
where ``x \neq 0``; a name declared in ``(0, 1)`` and then defined must be shown to
lie in ``(0, 1)``. SymPy answers all of these by a convention (``log(-1) = i\pi``,
``x/x = 1``, ``d|x|/dx = sign(x)`` with ``sign(0) = 0``, ``\sum_{i=3}^{1} 1 = -1``)
that the reader does not share. This module proves, symbolically and from the
declared domains only, that each such condition holds; where it cannot, the line is
refused with the reason. Nothing here samples numbers.

>>> from lrmath.checker.reading import Notation, read
>>> nt = Notation()
>>> nt.declare(r"z \in \mathbb{R}")
>>> nt.declare(r"\hat{y} \in (0, 1)")
>>> positive(read(r"1 - \hat{y}", nt), nt), positive(read(r"\frac{1}{1 + e^{-z}}", nt), nt)
(True, True)
>>> positive(read("z", nt), nt), nonzero(read("z^2 + 1", nt), nt)
(False, True)
>>> nt.obligations.clear()
>>> _ = read(r"\frac{z}{z}", nt)
>>> unmet(nt)
'division by `z`, which is not shown to be non-zero where z ∈ ℝ'
"""

from __future__ import annotations

import itertools

import sympy as sp
from sympy.core.function import AppliedUndef

__all__ = ["assume_nonzero", "probability_parts", "positive", "nonnegative", "nonzero", "in_domain", "unmet", "convention_problem", "expand_logs"]

#: how a domain is named in messages
DOMAIN_TEXT = {
    "real": "ℝ", "positive": "(0, ∞)", "nonnegative": "[0, ∞)", "negative": "(-∞, 0)",
    "probability": "(0, 1)", "binary": "{0, 1}", "natural": "ℕ",
}


# --------------------------------------------------------------------------------------
# Signs, proven from the declared domains
# --------------------------------------------------------------------------------------

def probability_parts(nt):
    """The scalar symbols and the IndexedBase labels whose values lie in (0, 1)."""
    symbols, bases = set(), set()
    for d in nt.names.values():
        if d.probability and d.kind == "scalar":
            symbols.add(d.value)
            bases.add(sp.IndexedBase(d.value.name, **d.value.assumptions0))  # its entries \hat{y}_i
        elif d.probability and d.kind == "vector":
            bases.add(d.value)
    return symbols, bases


def _logistic_form(expr, nt):
    r"""Write every probability ``p`` as ``1/(1 + e^{-u})`` for a new real ``u`` (a bijection onto (0, 1)).

    Then ``1 - p = e^{-u}/(1 + e^{-u})`` is visibly positive to SymPy.
    """
    symbols, bases = probability_parts(nt)
    mapping = {}
    for s in expr.free_symbols:
        if s in symbols:
            u = sp.Dummy(f"u_{s.name}", real=True)
            mapping[s] = 1 / (1 + sp.exp(-u))
    for entry in expr.atoms(sp.Indexed):
        if entry.base in bases:
            u = sp.IndexedBase(sp.Dummy(f"u_{entry.base.label}"), real=True)
            mapping[entry] = 1 / (1 + sp.exp(-u[entry.indices]))
    return expr.xreplace(mapping) if mapping else expr


def _unfolded(expr, nt):
    """``expr`` with definitions unfolded and derivatives (``F''(w)``) and limits evaluated."""
    from lrmath.checker.proving import evaluate

    try:
        return evaluate(expr, nt, levels=None)
    except (RecursionError, ValueError, TypeError, NotImplementedError):
        return expr


def assume_nonzero(nt, name) -> None:
    """Record that a symbol, or every entry of an IndexedBase, is declared non-zero (``where w_j \\neq 0``)."""
    nt.__dict__.setdefault("nonzero_facts", set()).add(name)
    nt.__dict__.pop("_sign_memo", None)


def _declared_nonzero(e, nt) -> bool:
    facts = nt.__dict__.get("nonzero_facts", ())
    return e in facts or (isinstance(e, sp.Indexed) and e.base in facts)


def _sign(expr, nt, want: str, depth: int = 0, rewritten: bool = False) -> bool:
    """True only when ``expr`` is shown ``want`` (positive, nonnegative or nonzero)."""
    key = (expr, want, rewritten, len(nt.definitions), len(nt.indexed_definitions), len(nt.names))
    memo = nt.__dict__.setdefault("_sign_memo", {})
    if key not in memo:
        memo[key] = None  # a cycle is not a proof
        memo[key] = _sign_uncached(expr, nt, want, depth, rewritten)
    return bool(memo[key])


def _sign_uncached(expr, nt, want: str, depth: int, rewritten: bool) -> bool:
    e = expr
    known = {"positive": e.is_positive, "nonnegative": e.is_nonnegative, "nonzero": e.is_zero is False and e.is_finite}
    if known[want]:
        return True
    if depth > 8:
        return False
    rec = lambda x, w=want: _sign(x, nt, w, depth + 1, rewritten)  # noqa: E731
    if want == "nonzero" and _declared_nonzero(e, nt):
        return True
    if want == "nonzero":
        if isinstance(e, sp.Mul):
            return all(rec(f) for f in e.args)
        if isinstance(e, sp.Pow):
            return rec(e.base) and e.exp.is_finite is not False
        if isinstance(e, sp.exp):
            return e.args[0].is_real is True
        if rec(e, "positive") or rec(-e, "positive"):
            return True
    elif isinstance(e, sp.Add):
        if all(rec(a, "nonnegative") for a in e.args) and (
            want == "nonnegative" or any(rec(a, "positive") for a in e.args)
        ):
            return True
    elif isinstance(e, sp.Mul):
        negatives = [f for f in e.args if f.is_negative]
        if len(negatives) % 2 == 0 and all(rec(-f if f in negatives else f) for f in e.args):
            return True
    elif isinstance(e, sp.Pow):
        if rec(e.base, "positive") and e.exp.is_real:
            return True
        if e.exp.is_even and e.exp.is_integer and (want == "nonnegative" or rec(e.base, "nonzero")):
            return True
        if want == "nonnegative" and rec(e.base, "nonnegative") and e.exp.is_positive:
            return True
    elif isinstance(e, sp.exp):
        if e.args[0].is_real:
            return True
    elif isinstance(e, sp.Abs):
        return want == "nonnegative" or rec(e.args[0], "nonzero")
    elif isinstance(e, sp.Max):
        if any(rec(a) for a in e.args):
            return True
    elif isinstance(e, sp.Min):
        if all(rec(a) for a in e.args):
            return True
    elif isinstance(e, sp.Sum):
        (_i, lo, hi), *more = e.limits
        if not more and (want == "nonnegative" or _sign(hi - lo, nt, "nonnegative", depth + 1)) and rec(e.function):
            return True
    elif isinstance(e, sp.Product):
        if want != "nonzero" and rec(e.function):
            return True
    elif isinstance(e, sp.log):
        if want == "positive" and rec(e.args[0] - 1, "positive"):
            return True
        if want == "nonnegative" and rec(e.args[0] - 1, "nonnegative"):
            return True
    if want != "nonzero" and _bounded_by_declared_indices(e, nt, want, depth):
        return True
    if not rewritten:
        # labels in {0, 1}: every case must be shown
        finite = {k: v for k, v in nt.finite_symbols().items() if k in e.free_symbols}
        if finite and len(finite) <= 3:
            names = list(finite)
            if all(
                _sign(e.xreplace(dict(zip(names, values))), nt, want, depth + 1, True)
                for values in itertools.product(*(finite[k] for k in names))
            ):
                return True
        # unfold definitions, write probabilities in logistic form, and put over one denominator
        for candidate in _rewrites(e, nt):
            if candidate != e and _sign(candidate, nt, want, depth + 1, True):
                return True
    return False


def _bounded_by_declared_indices(e, nt, want: str, depth: int) -> bool:
    """``e`` is linear in a declared index ``m`` (``where m \\in \\{1, \\dots, n\\}``): it is
    ``want`` for every ``m`` when it is at the end of the range that makes it smallest
    (so ``n - m \\ge 0`` follows from ``m \\le n``). Sums' own indices are not used here:
    their range holds only inside their sum."""
    declared = {d.value: d.index_range for key, d in nt.names.items()
                if d.kind == "index" and not key.startswith("_sum_") and d.index_range}
    for index, (lo, hi) in declared.items():
        if index not in e.free_symbols:
            continue
        try:
            poly = sp.Poly(e, index)
        except sp.PolynomialError:
            continue
        if poly.degree() != 1 or not poly.coeffs()[0].is_number:
            continue
        worst = hi if poly.coeffs()[0] < 0 else lo
        if _sign(sp.expand(e.xreplace({index: worst})), nt, want, depth + 1):
            return True
    return False


def _rewrites(e, nt):
    unfolded = _unfolded(e, nt)
    yield unfolded
    logistic = _logistic_form(unfolded, nt)
    yield logistic
    try:
        yield sp.factor(sp.together(logistic))
    except (sp.PolynomialError, TypeError, NotImplementedError):
        pass


def positive(expr, nt) -> bool:
    """``expr > 0`` for every value the declared domains allow (False: not shown)."""
    return _sign(sp.sympify(expr), nt, "positive")


def nonnegative(expr, nt) -> bool:
    """``expr >= 0`` for every value the declared domains allow (False: not shown)."""
    return _sign(sp.sympify(expr), nt, "nonnegative")


def nonzero(expr, nt) -> bool:
    """``expr != 0`` for every value the declared domains allow (False: not shown)."""
    return _sign(sp.sympify(expr), nt, "nonzero")


def in_domain(value, domain: str, nt) -> bool:
    """``value`` lies in the named domain (``positive``, ``probability``, ...) for every allowed value of its names."""
    value = sp.sympify(value)
    if domain in ("real", "", "defined", "function", "vector", "matrix", "index", "onehot"):
        return value.is_real is not False
    if domain == "positive":
        return positive(value, nt)
    if domain == "nonnegative":
        return nonnegative(value, nt)
    if domain == "negative":
        return positive(-value, nt)
    if domain == "probability":
        return positive(value, nt) and positive(1 - value, nt)
    if domain == "natural":
        return value.is_integer is True and positive(value, nt)
    if domain == "binary":
        if value in (0, 1):
            return True
        finite = nt.finite_symbols()
        if isinstance(value, sp.Indexed):  # entries of a label y_i, or of a vector in {0, 1}^n or one-hot
            a = value.base.assumptions0
            return bool(a.get("integer") and a.get("nonnegative") and not a.get("positive"))
        return value in finite or (value.is_integer is True and sp.expand(value * (value - 1)) == 0)
    return False


# --------------------------------------------------------------------------------------
# Obligations recorded by the reader
# --------------------------------------------------------------------------------------

def _where(expr, nt) -> str:
    """``x ∈ ℝ, ŷ ∈ (0, 1)``: the declared domains of the names in ``expr``."""
    parts = []
    for d in nt.names.values():
        if d.kind == "scalar" and d.value in expr.free_symbols and d.domain in DOMAIN_TEXT:
            parts.append(f"{d.value} ∈ {DOMAIN_TEXT[d.domain]}")
        elif d.kind == "scalar" and d.value in expr.free_symbols and d.domain == "defined":
            parts.append(f"{d.value} as defined")
    return "where " + ", ".join(parts) if parts else "for every value of its names"


def _near(expr, limits, nt):
    """``expr`` with each limit's variable replaced by a point near its limit, on the side it approaches from.

    The point is ``a + t`` or ``a - t`` (``1/t`` or ``-1/t`` at infinity) for a ``t`` in
    ``(0, 1/1000)``, written ``t = 1/(1000 (1 + e^{-u}))`` so that its sign is visible.
    """
    for variable, point, side in limits:
        u = sp.Dummy("u", real=True)
        t = 1 / (1000 * (1 + sp.exp(-u)))
        if point == sp.oo:
            near = 1 / t
        elif point == -sp.oo:
            near = -1 / t
        else:
            near = point + t if side == "+" else point - t
        expr = expr.xreplace({variable: near}) if not isinstance(expr, tuple) else tuple(e.xreplace({variable: near}) for e in expr)
    return expr


def _obligation_problem(kind, value, limits, nt) -> str | None:
    shown = _near(value, limits, nt)
    close = " near the limit" if limits else ""
    if kind == "nonzero":
        if not nonzero(shown, nt):
            return f"division by `{value}`, which is not shown to be non-zero{close} {_where(value, nt)}"
    elif kind == "positive":
        if not positive(shown, nt):
            return (
                f"the logarithm of `{value}`, which is not shown to be positive{close} {_where(value, nt)}"
                " (the log of 0 or of a negative number is not a real number)"
            )
    elif kind == "nonnegative":
        if not nonnegative(shown, nt):
            return f"the square root of `{value}`, which is not shown to be non-negative{close} {_where(value, nt)}"
    elif kind == "power":
        base, exponent = shown
        if exponent.is_integer and exponent.is_positive:
            return None
        if positive(base, nt):
            return None
        if exponent.is_integer and nonzero(base, nt):
            return None
        if exponent.is_positive and exponent.is_real and nonnegative(base, nt):
            return None
        what = "0^0 has no agreed value" if base == 0 and exponent == 0 else "its value is a convention where the base is 0 or negative"
        return (
            f"the power `({value[0]})^({value[1]})`: the base is not shown positive{close} {_where(base, nt)},"
            f" and the exponent is not a positive integer ({what})"
        )
    return None


def unmet(nt) -> str | None:
    """The first obligation recorded by the reader (``nt.obligations``) that cannot be shown, as a message."""
    for kind, value, limits in nt.obligations:
        problem = _obligation_problem(kind, value, limits, nt)
        if problem:
            return problem
    return None


# --------------------------------------------------------------------------------------
# Conventions of SymPy that the reader does not share
# --------------------------------------------------------------------------------------

_KINKS = (sp.Abs, sp.Max, sp.Min, sp.sign, sp.Heaviside, sp.floor, sp.ceiling, sp.Piecewise, sp.DiracDelta)


def _kink_problem(operand, variables, point: dict, nt) -> str | None:
    """A derivative of ``|a|``, ``max(a, b)``, ... where the kink may be reached."""
    # differentiating by w_j reaches every entry w_k of w (k may equal j)
    reach = set(variables) | {v.base for v in variables if isinstance(v, sp.Indexed)}
    for kink in operand.atoms(*_KINKS):
        if not any(kink.has(v) for v in reach):
            continue
        if isinstance(kink, (sp.Abs, sp.sign)):
            gap = kink.args[0].xreplace(point)
        elif isinstance(kink, (sp.Max, sp.Min)) and len(kink.args) == 2:
            gap = (kink.args[0] - kink.args[1]).xreplace(point)
        else:
            return f"a derivative of `{kink}`: SymPy's value at its jumps is a convention; the checker does not differentiate it"
        if not nonzero(gap, nt):
            shown = f" at {', '.join(f'{k} = {v}' for k, v in point.items())}" if point else ""
            where = "is 0 there" if gap.is_number else f"`{gap}` may be 0"
            return (
                f"a derivative of `{kink}`{shown}: {where}, at the kink, where it has no derivative "
                "(SymPy would answer by the convention sign(0) = 0 or Heaviside(0) = 1/2); "
                "declare a domain that excludes the kink, or differentiate on each side"
            )
    return None


def _defined_dependencies(variable, nt) -> set:
    from lrmath.checker.proving import unfold

    if isinstance(variable, sp.Indexed) and variable.base in nt.indexed_definitions:
        pattern, body = nt.indexed_definitions[variable.base]
        body = body.xreplace(dict(zip(pattern, variable.indices)))
    elif variable in nt.definitions:
        body = nt.definitions[variable]
    else:
        return set()
    body = unfold(body, nt)
    # the variables it is made of; indices and sizes (integers) only say which entry
    return {s for s in body.free_symbols if not s.is_integer} | {i.base for i in body.atoms(sp.Indexed)}


def convention_problem(expr, nt, parameter_domains: dict) -> str | None:
    """Why ``expr`` (as read) would be proven only by a convention the reader does not share, or None.

    Checks sums' ranges, the arguments of functions whose parameters have domains,
    derivatives at kinks, and derivatives by a defined name.
    """
    from lrmath.checker.proving import unfold

    if not isinstance(expr, sp.Basic):
        return None
    for total in expr.atoms(sp.Sum, sp.Product):
        for index, lo, hi in total.limits:
            if index.is_positive and not nonnegative(lo - 1, nt):
                return (
                    f"the {'sum' if isinstance(total, sp.Sum) else 'product'} over `{index}` starts at {lo}, "
                    f"but `{index}` is declared as an index from 1, so SymPy would assume {index} ≥ 1 inside it: "
                    "shift the range to start at 1"
                )
            if not nonnegative(hi - lo + 1, nt):
                return (
                    f"the range {lo} to {hi} of `{index}` may be reversed: a reversed sum is empty (0) to a reader "
                    f"but not to SymPy (which gives sum_{{i=3}}^{{1}} 1 = -1): show that {hi} ≥ {lo} - 1"
                )
    subs_inner = set()
    for subs in expr.atoms(sp.Subs):
        point = dict(zip(subs.variables, subs.point))
        for app in subs.expr.atoms(AppliedUndef):
            subs_inner.add(app)
            problem = _argument_problem(app.xreplace(point), nt, parameter_domains)
            if problem:
                return problem
        for d in subs.expr.atoms(sp.Derivative):
            subs_inner.add(d)
            operand = unfold(d.expr, nt, protect=frozenset(d.variables))
            problem = _kink_problem(operand, d.variables, point, nt)
            if problem:
                return problem
    for app in expr.atoms(AppliedUndef):
        if app not in subs_inner:
            problem = _argument_problem(app, nt, parameter_domains)
            if problem:
                return problem
    for d in expr.atoms(sp.Derivative):
        if d in subs_inner:
            continue
        keep = frozenset(d.variables) | frozenset(v.base for v in d.variables if isinstance(v, sp.Indexed))
        operand = unfold(d.expr, nt, protect=keep)
        problem = _kink_problem(operand, d.variables, {}, nt)
        if problem:
            return problem
        for v in d.variables:
            shared = _defined_dependencies(v, nt) & (operand.free_symbols | {i.base for i in operand.atoms(sp.Indexed)})
            shared -= {v, getattr(v, "base", v)}
            if shared:
                names = ", ".join(sorted(map(str, shared)))
                return (
                    f"a derivative by `{v}`, which is defined in terms of {names}, of an expression that "
                    f"also depends on {names}: it is ambiguous (SymPy would hold {names} fixed); "
                    f"write the expression in terms of `{v}` alone, or differentiate by {names}"
                )
    for limit in expr.atoms(sp.Limit):
        body, variable, point, side = limit.args
        d = next((d for d in nt.names.values() if d.kind == "scalar" and d.value == variable), None)
        if d is not None and d.domain not in ("real", "defined") and point not in (sp.oo, -sp.oo):
            near = _near(variable, [(variable, point, str(side))], nt)
            if not in_domain(near, d.domain, nt):
                return (
                    f"`{variable}` is declared in {DOMAIN_TEXT.get(d.domain, d.domain)} and cannot approach "
                    f"{point} from the {'right' if str(side) == '+' else 'left'}"
                )
    return None


def _argument_problem(app, nt, parameter_domains: dict) -> str | None:
    domains = parameter_domains.get(app.func)
    if not domains:
        return None
    for argument, (name, domain) in zip(app.args, domains):
        if domain and not in_domain(argument, domain, nt):
            return (
                f"`{app.func}` was defined for {name} ∈ {DOMAIN_TEXT.get(domain, domain)}, and its argument "
                f"`{sp.expand(argument)}` is not shown to lie there"
            )
    return None


# --------------------------------------------------------------------------------------
# Logarithm rules, where they hold
# --------------------------------------------------------------------------------------

def expand_logs(expr, nt):
    r"""Apply :math:`\log(ab) = \log a + \log b`, :math:`\log a^c = c \log a` and :math:`\log e^x = x` where valid.

    Each rule is applied only where its conditions (``a, b > 0``; ``a > 0`` and ``c`` real;
    ``x`` real) are proven from the declared domains, so the result equals ``expr``.
    """

    def rule(log):
        if not isinstance(log, sp.log):  # log(e) is 1 already
            return log
        arg = log.args[0]
        if isinstance(arg, sp.Mul) and all(positive(f, nt) for f in arg.args):
            return sp.Add(*[rule(sp.log(f)) for f in arg.args])
        if isinstance(arg, sp.Pow) and arg.exp.is_real and positive(arg.base, nt):
            return arg.exp * rule(sp.log(arg.base))
        if isinstance(arg, sp.exp) and arg.args[0].is_real:
            return arg.args[0]
        if isinstance(arg, sp.Product) and positive(arg.function, nt):
            return sp.Sum(rule(sp.log(arg.function)), *arg.limits)
        return log

    for _ in range(6):
        before = expr
        expr = expr.replace(lambda e: isinstance(e, sp.log), rule)
        if expr == before:
            break
    return expr
