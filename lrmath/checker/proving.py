r"""Prove that one step of a derivation follows: SymPy must show the difference is zero.

A step ``A = B`` is **proven** only when a symbolic simplification of ``A - B``
returns exactly ``0``. ``None``, "probably", or agreement at random points is
never a proof. Random points are used for two other jobs: as a second witness
(a proof that disagrees with the numbers is a bug and is reported), and to give
a wrong step a concrete counterexample.

Names that a page *defined* (``\hat{y} = \sigma(z)``) are first kept as they are,
because an identity that holds for every value of ``\hat{y}`` holds for
``\sigma(z)`` too; only if that fails are definitions unfolded, one level at a
time. Derivatives and limits are always taken of the fully unfolded expression,
keeping the variable itself.

>>> from lrmath.checker.reading import Notation, read
>>> nt = Notation()
>>> nt.declare(r"z \in \mathbb{R}")
>>> s = 1 / (1 + sp.exp(-z)) if (z := nt.names["z"].value) is not None else None
>>> prove(read(r"\frac{d}{dz} \frac{1}{1 + e^{-z}}", nt), s * (1 - s), nt).status
'proven'
>>> result = prove(read(r"\frac{d}{dz} \frac{1}{1 + e^{-z}}", nt), s * (1 + s), nt)
>>> result.status, "counterexample" in result.detail
('refuted', True)
"""

from __future__ import annotations

import functools
import itertools
import math
import random
import time
from dataclasses import dataclass, field

import sympy as sp
from sympy.core.evalf import PrecisionExhausted

from lrmath.checker.domains import expand_logs, probability_parts
from lrmath.checker.quick_numbers import agreement
from lrmath.checker.reading import Notation, Vec

__all__ = ["Proof", "prove", "evaluate", "unfold", "numeric_difference", "confirmed_counterexample"]


@dataclass
class Proof:
    """The outcome of checking one step.

    ``status`` is one of ``proven`` (SymPy showed the difference is 0),
    ``numeric`` (only checked at random points, allowed when the page gives a
    reason), ``refuted`` (a counterexample was found) or ``unproven``
    (no proof, no counterexample: the build fails).
    """

    status: str
    method: str = ""
    detail: str = ""
    lhs: str = ""
    rhs: str = ""
    seconds: float = 0.0
    checks: list = field(default_factory=list)
    #: for ``refuted``: the counterexample was confirmed in high precision inside the declared domains
    confirmed: bool = False


# --------------------------------------------------------------------------------------
# Unfolding definitions, evaluating derivatives and limits
# --------------------------------------------------------------------------------------

def _definition_map(nt: Notation, protect) -> dict:
    return {k: v for k, v in nt.definitions.items() if k not in protect and isinstance(k, sp.Symbol)}


def unfold(expr, nt: Notation, protect=frozenset(), levels: int | None = None, only=None):
    """Replace defined names by their definitions (``levels`` times, or until none is left).

    Names in ``protect`` are kept (the variable of a derivative); with ``only``, just
    those names are unfolded. Results are remembered on the notation, keyed by the
    arguments and the definitions (see :func:`_definitions_state`).
    """
    if not isinstance(expr, sp.Basic):
        return _unfold(expr, nt, protect, levels, only)
    protect, only = frozenset(protect), (None if only is None else frozenset(only))
    return _remembered(
        nt,
        lambda: ("unfold", expr, protect, levels, only, _definitions_state(nt)),
        lambda: _unfold(expr, nt, protect, levels, only),
    )


def _remembered(nt: Notation, make_key, compute):
    """``compute()``, remembered on the notation under the key ``make_key()`` (a memo of
    at most a few thousand entries; computed afresh when the key cannot be hashed)."""
    memo = nt.__dict__.setdefault("_evaluate_memo", {})
    try:
        key = make_key()
        hash(key)
    except TypeError:  # a definition that is not a SymPy value: nothing to remember it by
        return compute()
    if key not in memo:
        if len(memo) > 4000:
            memo.clear()
        memo[key] = compute()
    return memo[key]


def _unfold(expr, nt: Notation, protect=frozenset(), levels: int | None = None, only=None):
    """:func:`unfold`, computed.
    """
    symbols = _definition_map(nt, protect)
    functions = {k: v for k, v in nt.definitions.items() if isinstance(k, sp.FunctionClass)}
    indexed = set(nt.indexed_definitions)
    if only is not None:
        symbols = {k: v for k, v in symbols.items() if k in only}
        functions = {k: v for k, v in functions.items() if k in only}
        indexed &= set(only)
    count = 0
    while levels is None or count < levels:
        before = expr
        if symbols:
            # map each IndexedBase to itself so that xreplace does not descend into it:
            # the entries \hat{y}_i are not the scalar \hat{y}
            keep = {base: base for base in expr.atoms(sp.IndexedBase)}
            expr = expr.xreplace({**symbols, **keep})
        for func, lam in functions.items():
            if expr.has(func):
                expr = expr.replace(func, lam)
        if indexed:
            expr = expr.replace(
                lambda e: isinstance(e, sp.Indexed) and e.base in indexed and e not in protect and e.base not in protect,
                lambda e: _indexed_body(e, nt),
            )
        count += 1
        if expr == before:
            break
        if count > 60:
            raise RecursionError("definitions refer to each other in a cycle")
    return expr


def _indexed_body(e: sp.Indexed, nt: Notation):
    pattern, body = nt.indexed_definitions[e.base]
    return body.xreplace(dict(zip(pattern, e.indices)))


def _resolve_index_conditions(expr, nt: Notation):
    """Drop ``Piecewise`` branches that only say an index is in its declared range."""
    ranges = nt.index_ranges()

    def holds(cond) -> bool:
        if cond is sp.true:
            return True
        if not isinstance(cond, sp.core.relational.Relational):
            if isinstance(cond, sp.And):
                return all(holds(c) for c in cond.args)
            return False
        idx = [s for s in cond.free_symbols if s in ranges]
        if len(idx) != 1:
            return False
        (j,) = idx
        lo, hi = ranges[j]
        # linear in j, so true at both ends of the range means true on all of it
        if sp.diff(cond.lhs - cond.rhs, j, 2) != 0:
            return False
        return bool(cond.subs(j, lo) == sp.true and cond.subs(j, hi) == sp.true)

    def fix(pw):
        for value, cond in pw.args:
            if holds(cond):
                return value
        return pw

    return expr.replace(lambda e: isinstance(e, sp.Piecewise), fix)


def defined_names(expr, nt: Notation) -> set:
    """The names in ``expr`` that have a definition on the page."""
    names = {s for s in expr.free_symbols if s in nt.definitions}
    names |= {f.func for f in expr.atoms(sp.Function) if f.func in nt.definitions}
    names |= {i.base for i in expr.atoms(sp.Indexed) if i.base in nt.indexed_definitions}
    return names


def _definitions_state(nt: Notation) -> tuple:
    """The page's definitions so far, as a hashable value (part of the memos' keys)."""
    return (
        frozenset(nt.definitions.items()),
        frozenset((base, tuple(pattern), body) for base, (pattern, body) in nt.indexed_definitions.items()),
    )


def _notation_state(expr, nt: Notation) -> tuple:
    """Everything of the notation that :func:`evaluate` of ``expr`` reads: the definitions, and
    the declared ranges of the indices that ``expr`` or a definition mentions.

    Part of the key of :func:`evaluate`'s memo, so that a result is reused only while
    nothing it depended on has changed (a later ``define``, or a block that declares an
    index again with another range, gives another key).
    """
    definitions, indexed = _definitions_state(nt)
    memo = nt.__dict__.setdefault("_evaluate_memo", {})
    mentioned = memo.get(("mentioned", definitions, indexed))
    if mentioned is None:
        mentioned = frozenset().union(
            *(body.atoms(sp.Symbol) for body in nt.definitions.values() if isinstance(body, sp.Basic)),
            *((body.atoms(sp.Symbol) if isinstance(body, sp.Basic) else set()) | set(pattern) for _base, pattern, body in indexed),
        )
        memo[("mentioned", definitions, indexed)] = mentioned
    names = expr.atoms(sp.Symbol) | mentioned
    ranges = frozenset((k, tuple(v)) for k, v in nt.index_ranges().items() if k in names)
    return definitions, indexed, ranges


def evaluate(expr, nt: Notation, levels: int | None = 0, protect=frozenset(), only=None):
    """Evaluate derivatives, limits and substitutions in ``expr``.

    The operand of each derivative or limit is unfolded completely (keeping the
    variable); the rest of the expression is unfolded ``levels`` times
    (``None``: completely).

    Results are remembered on the notation, keyed by the expression, the arguments and
    :func:`_notation_state` (in a chain ``A = B = C`` the middle side is evaluated once;
    the levels of unfolding build on each other).
    """
    if not isinstance(expr, sp.Basic):
        return _evaluate(expr, nt, levels, protect, only)
    protect, only = frozenset(protect), (None if only is None else frozenset(only))

    def compute():
        if levels == 0:
            return _evaluate(expr, nt, 0, protect, only)
        # k levels = one more level of unfolding on k - 1 levels; completely = until nothing changes
        start = evaluate(expr, nt, 0 if levels is None or levels == 1 else levels - 1, protect, only)
        return unfold(start, nt, levels=None if levels is None else 1, protect=protect, only=only)

    return _remembered(nt, lambda: (expr, levels, protect, only, _notation_state(expr, nt)), compute)


def _evaluate(expr, nt: Notation, levels: int | None = 0, protect=frozenset(), only=None):

    def derivative(d: sp.Derivative):
        # differentiating by an entry z_j makes every entry of z an independent variable:
        # a definition of the entries (z_k = w_k^T x + b_k) must not be unfolded inside
        keep = protect | frozenset(d.variables) | frozenset(v.base for v in d.variables if isinstance(v, sp.Indexed))
        inner = evaluate(unfold(d.expr, nt, protect=keep), nt, levels=None, protect=keep)
        out = inner
        for var, count in d.variable_count:
            out = sp.diff(out, var, count)
        # Sums of Kronecker deltas (from d w_k / d w_j) collapse; leave other sums alone,
        # since Sum.doit() would go looking for closed forms, which is slow and not needed.
        out = out.replace(
            lambda e: isinstance(e, sp.Sum) and e.function.has(sp.KroneckerDelta),
            lambda e: e.doit(),
        )
        return _resolve_index_conditions(out, nt)

    def limit(lim: sp.Limit):
        body, var, point, direction = lim.args
        keep = protect | frozenset([var])
        inner = evaluate(unfold(body, nt, protect=keep), nt, levels=None, protect=keep)
        return sp.limit(inner, var, point, str(direction))

    # Derivatives and limits first: their variables must not be unfolded away.
    expr = expr.replace(
        lambda e: isinstance(e, sp.Subs),
        lambda e: unfold(e, nt, levels=None, protect=protect).doit(),
    )
    expr = expr.replace(lambda e: isinstance(e, sp.Derivative), derivative)
    expr = expr.replace(lambda e: isinstance(e, sp.Limit), limit)
    if levels != 0:
        expr = unfold(expr, nt, levels=levels, protect=protect, only=only)
    return expr


# --------------------------------------------------------------------------------------
# Strategies: each returns True only for an exact zero
# --------------------------------------------------------------------------------------

def _sums_normalised(expr, nt: Notation):
    r"""Rewrite every sum over one index into a canonical, exact form.

    The summand is expanded into terms; in each term the factors free of the index are
    moved in front of the sum, a Kronecker delta :math:`\delta_{kj}` picks the term
    :math:`k = j` (when :math:`j` is declared over the sum's range), a constant summand
    gives its count, and :math:`\sum_k y_k = 1` is used for a vector declared one-hot,
    :math:`\{\mathbf{e}_1, \dots, \mathbf{e}_K\}`. Each rule is an identity, so the
    result equals ``expr``.
    """
    if not expr.has(sp.Sum):
        return expr
    ranges = nt.index_ranges()
    one_hot = nt.one_hot_bases()
    # e^{a + b} = e^{a} e^{b}, but e^{sum} stays a power: SymPy's expand would make it a Product
    expr = _split_exponentials(expr)

    def rewrite(total):
        if len(total.limits) != 1:
            return total
        k, lo, hi = total.limits[0]
        out = []
        for term in sp.Add.make_args(sp.expand(total.function, power_exp=False)):
            factors = sp.Mul.make_args(term)
            deltas = [f for f in factors if isinstance(f, sp.KroneckerDelta) and k in f.args]
            if len(deltas) == 1:
                (other,) = set(deltas[0].args) - {k} or {k}
                if ranges.get(other) == (lo, hi):
                    out.append((term / deltas[0]).xreplace({k: other}))
                    continue
            constant = sp.Mul(*[f for f in factors if not f.has(k)])
            varying = sp.Mul(*[f for f in factors if f.has(k)])
            if varying == 1:
                out.append(constant * (hi - lo + 1))
            elif lo == 1 and isinstance(varying, sp.Indexed) and varying.indices == (k,) and one_hot.get(varying.base) == hi:
                out.append(constant)  # the entries of a one-hot vector sum to 1
            else:
                out.append(constant * sp.Sum(varying, (k, lo, hi)))
        return sp.Add(*out)

    return _canonical_dummies(expr.replace(lambda e: isinstance(e, sp.Sum), rewrite))


def _summands_simplified(expr):
    """Merge sums over the same range into one sum, and cancel inside it.

    ``c*Sum(f, (i, 1, n)) - Sum(g, (i, 1, n))`` becomes ``Sum(cancel(c*f - g), (i, 1, n))``
    when ``c`` does not depend on ``i``; the difference of two equal sums becomes 0.
    Sums of one summand over adjacent ranges are joined (:func:`_adjacent_ranges_joined`).
    """
    expr = _canonical_dummies(sp.expand(expr))
    groups, rest = {}, sp.Integer(0)
    for term in sp.Add.make_args(expr):
        sums = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.Sum)]
        if len(sums) == 1 and len(sums[0].limits) == 1:
            (total,) = sums
            coefficient = sp.Mul(*[f for f in sp.Mul.make_args(term) if f is not total])
            if total.limits[0][0] not in coefficient.free_symbols:
                groups.setdefault(total.limits, []).append(coefficient * total.function)
                continue
        rest += term
    bodies = {limits: sp.cancel(sp.together(sp.Add(*parts))) for limits, parts in groups.items()}
    bodies = _adjacent_ranges_joined(bodies)
    return rest + sp.Add(*[sp.Sum(body, *limits) for limits, body in bodies.items()])


def _adjacent_ranges_joined(bodies: dict) -> dict:
    """Join sums of one summand over adjacent ranges: ``a..b`` and ``b+1..c`` make ``a..c``.

    ``bodies`` maps the limits ``((i, lo, hi),)`` of each sum to its summand. This is
    the rule SymPy's ``simplify`` uses on sums (its ranges follow Karr's convention, under
    which it holds for any bounds; the reader refuses a range not shown to be at least
    empty, so for the page's sums it is the usual rule).
    """
    bodies = {limits: body for limits, body in bodies.items() if body != 0}
    joined = True
    while joined:
        joined = False
        for (first, body), (second, other) in itertools.permutations(bodies.items(), 2):
            (i, lo, mid), (j, mid_next, hi) = first[0], second[0]
            if i != j or sp.expand(mid_next - mid - 1) != 0 or sp.cancel(sp.together(body - other)) != 0:
                continue
            del bodies[first], bodies[second]
            whole = ((i, lo, hi),)
            total = sp.cancel(sp.together(bodies.get(whole, 0) + body))
            bodies.pop(whole, None)
            if total != 0:
                bodies[whole] = total
            joined = True
            break
    return bodies


def _canonical_dummies(expr):
    """Rename the index of every sum and product by its nesting depth.

    ``Sum(w[k]*x[k], (k, 1, d))`` and ``Sum(w[m]*x[m], (m, 1, d))`` are the same sum;
    after renaming they are also the same expression. (A pure function of the
    expression's structure: results are remembered, see :func:`_canonical_dummies_of`.)
    """
    if not isinstance(expr, sp.Basic):
        return _canonical_dummies_of(expr)
    return _canonical_dummies_remembered(expr)


@functools.lru_cache(maxsize=4096)
def _canonical_dummies_remembered(expr):
    return _canonical_dummies_of(expr)


def _canonical_dummies_of(expr):

    def walk(e, depth):
        if not e.args:
            return e
        if isinstance(e, (sp.Sum, sp.Product)):
            if len(e.limits) > 1:
                # SymPy writes nested sums as one, Sum(f, (k, ..), (j, ..)), innermost limit
                # first: name the outermost index by this depth, the next one by depth + 1, ...
                limits = list(e.limits)
                names = {}
                for offset, (var, _lo, _hi) in enumerate(reversed(limits)):
                    names[var] = sp.Symbol(f"_i{depth + offset}", integer=True, positive=True)
                new_limits = [
                    (names[var], walk(lo.xreplace(names), depth), walk(hi.xreplace(names), depth))
                    for var, lo, hi in limits
                ]
                body = walk(e.function.xreplace(names), depth + len(limits))
                return e.func(body, *new_limits)
            (var, lo, hi), = e.limits
            canon = sp.Symbol(f"_i{depth}", integer=True, positive=True)
            body = walk(e.function.xreplace({var: canon}), depth + 1)
            return e.func(body, (canon, walk(lo, depth), walk(hi, depth)))
        return e.func(*[walk(a, depth) for a in e.args])

    return walk(expr, 0)


def _factors_out_of_sums(expr):
    """Pull every factor that does not depend on a sum's index out of that sum.

    ``Sum(a_j b_k, (k, 1, d), (j, 1, d))`` becomes ``Sum(a_j, (j, 1, d)) * Sum(b_k, (k, 1, d))``:
    inner sums first, one index at a time, so that a double sum of a product factors into
    a product of sums and constants leave the sum. Only products are split; a summand that
    is a sum of terms stays whole.
    """

    def pull(e):
        if not isinstance(e, sp.Sum):
            return e
        body = e.function
        for var, lo, hi in e.limits:  # innermost first
            free, bound = [], []
            for factor in sp.Mul.make_args(body):
                (bound if var in factor.free_symbols else free).append(factor)
            body = sp.Mul(*free) * sp.Sum(sp.Mul(*bound), (var, lo, hi))
        return body

    return expr.replace(lambda e: isinstance(e, sp.Sum), pull)


def _one_sum(expr):
    """Write every product of finite sums as one sum over all their indices, in a fixed order.

    ``Sum(a_j Sum(b_{jk}, k), j)``, ``Sum(Sum(b_{jk}, j), k)`` and ``(Sum a_j)(Sum c_k)``
    become sums over both indices of one product. Finite sums over ranges that do not
    depend on each other may be taken in any order, so the indices are renamed in the order
    that gives the smallest expression: two sums that differ only in the order of summation
    come out identical. Sums whose ranges depend on another index are left as they are.
    """

    def height(e):
        if isinstance(e, sp.Sum):
            return 1 + height(e.function)
        return max((height(a) for a in e.args), default=0)

    def gather(body, limits):
        """Move every sum (or power of a sum) among the factors of ``body`` into ``limits``."""
        while True:
            factors = list(sp.Mul.make_args(body))
            pick = next((k for k, f in enumerate(factors) if isinstance(f, sp.Sum)
                         or (isinstance(f, sp.Pow) and isinstance(f.base, sp.Sum)
                             and f.exp.is_Integer and f.exp > 0)), None)
            if pick is None:
                return body, limits
            factor = factors.pop(pick)
            base, times = (factor, 1) if isinstance(factor, sp.Sum) else (factor.base, int(factor.exp))
            if times > 1:
                factors.append(sp.Pow(base, times - 1))
            rename = {var: sp.Dummy() for var, _lo, _hi in base.limits}
            body = sp.Mul(*factors) * base.function.xreplace(rename)
            limits = [(rename[v], lo.xreplace(rename), hi.xreplace(rename)) for v, lo, hi in base.limits] + limits

    def canonical(body, limits):
        variables = [v for v, _lo, _hi in limits]
        bounds = [b for _v, lo, hi in limits for b in (lo, hi)]
        if len(variables) > 4 or any(b.has(*variables) for b in bounds):
            return sp.Sum(body, *limits)
        # named by height (1 + the height of the sums inside the body), so that an inner sum's
        # own index can never have the name of an outer index it mentions
        level = 1 + height(body)
        best = None
        for order in itertools.permutations(range(len(limits))):
            names = {limits[k][0]: sp.Symbol(f"_s{level}_{m}", integer=True, positive=True) for m, k in enumerate(order)}
            candidate = sp.Sum(
                sp.expand(body.xreplace(names)),
                *[(names[limits[k][0]], limits[k][1], limits[k][2]) for k in reversed(order)],
            )
            key = sp.srepr(candidate)
            if best is None or key < best[0]:
                best = (key, candidate)
        return best[1]

    def merge(e):
        body, limits = gather(e.function, list(e.limits))
        return canonical(body, limits)

    expr = sp.expand(expr).replace(lambda e: isinstance(e, sp.Sum), merge)
    # one sum per set of limits: sum(f) - sum(g) over the same indices is sum(f - g)
    groups, rest = {}, []
    for term in sp.Add.make_args(expr):
        body, limits = gather(term, [])
        if not limits:
            rest.append(term)
            continue
        total = canonical(body, limits)
        groups.setdefault(total.limits, []).append(total.function)
    merged = [sp.Sum(sp.expand(sp.Add(*bodies)), *limits) for limits, bodies in groups.items()]
    return sp.Add(*rest, *[m for m in merged if m.function != 0])


#: Cheap methods, tried at every level of unfolding before any expensive one.
_CHEAP = (
    ("expand", sp.expand),
    ("cancel", lambda e: sp.cancel(sp.together(e))),
)


def _sum_methods(nt: Notation | None) -> list:
    """The cheap methods for differences that contain sums, as (name, method)."""
    methods = [("merging the sums and cancelling in the summand", _summands_simplified)]
    if nt is not None:
        methods.append((
            "moving constant factors out of the sums (and the rules of the sums' index), then cancel",
            lambda e: sp.cancel(sp.together(_sums_normalised(e, nt))),
        ))
    methods.append((
        "pulling the factors that do not depend on a sum's index out of it",
        lambda e: sp.expand(_canonical_dummies(_factors_out_of_sums(sp.expand(e)))),
    ))
    methods.append((
        "writing products of sums as one sum, summed in any order (finite sums commute)",
        lambda e: sp.expand(_one_sum(e)),
    ))
    return methods


def _first_zero(diff, methods) -> str | None:
    """The name of the first method that turns ``diff`` into exactly 0, or None."""
    for name, method in methods:
        try:
            if method(diff) == 0:
                return name if " " in name else f"{name}(lhs - rhs) = 0"
        except (TypeError, NotImplementedError, sp.PolynomialError):
            continue
    return None


def _cheap_zero(diff, nt: Notation | None = None) -> str | None:
    if diff == 0:
        return "the two sides are identical"
    return _first_zero(diff, list(_CHEAP) + (_sum_methods(nt) if diff.has(sp.Sum) else []))


#: The order in which :func:`prove` tries methods: each group at every level of unfolding
#: (as written first) before the next group. Together they are :func:`_cheap_zero` and then
#: the rest of :func:`_zero` and :func:`_cases`; the order only decides which method is
#: named when several succeed (each proves the step), and cheap ones that often succeed come first.
def _attempts(nt: Notation) -> tuple:
    return (
        lambda d: "the two sides are identical" if d == 0 else _first_zero(d, _CHEAP[:1]),
        lambda d: _first_zero(d, _CHEAP[1:]),
        lambda d: _first_zero(d, _sum_methods(nt)) if d.has(sp.Sum) else None,
        lambda d: _zero(d, nt, cheap_tried=True) or _cases(d, nt),
    )


def _simplifies_to_zero(expr) -> bool:
    """``simplify(expr) == 0``; a crash inside SymPy (it happens on some sums) is not a proof."""
    try:
        return sp.count_ops(expr) < 400 and sp.simplify(expr) == 0
    except (StopIteration, RuntimeError, TypeError, NotImplementedError, sp.PolynomialError):
        return False


def _split_exponentials(expr):
    """:math:`e^{a + b} \to e^{a} e^{b}` (and :math:`e^{-a} = 1/e^{a}` for the polynomial algebra)."""
    return expr.replace(
        lambda e: isinstance(e, sp.exp) and isinstance(e.args[0], sp.Add),
        lambda e: sp.Mul(*[sp.exp(a) for a in e.args[0].args]),
    )


def _log_arguments_normalised(expr):
    """Write the argument of every logarithm as one reduced fraction (an equal expression)."""
    return expr.replace(
        lambda e: isinstance(e, sp.log),
        lambda e: sp.log(sp.cancel(sp.together(_split_exponentials(e.args[0])))),
    )


def _zero(diff, nt: Notation, cheap_tried: bool = False) -> str | None:
    """Try harder (log rules, then ``simplify``) to show ``diff == 0`` exactly.

    ``cheap_tried``: :func:`_cheap_zero` has already failed on this very ``diff``.
    """
    method = None if cheap_tried else _cheap_zero(diff, nt)
    if method:
        return method
    if diff.has(sp.log):
        try:
            if sp.cancel(sp.together(_log_arguments_normalised(diff))) == 0:
                return "each logarithm's argument reduced to one fraction, then cancel = 0"
        except (TypeError, NotImplementedError, sp.PolynomialError):
            pass
    if diff.has(sp.log):
        expanded = expand_logs(diff, nt)
        if expanded != diff:
            if expanded.has(sp.Sum) or expanded.has(sp.Product):
                expanded = _summands_simplified(expanded)
            if _cheap_zero(expanded, nt) or _simplifies_to_zero(expanded):
                return "log rules where each log's argument is proven positive, then simplify = 0"
    if _simplifies_to_zero(diff):
        return "simplify(lhs - rhs) = 0"
    if diff.has(sp.tanh) and _cheap_zero(sp.cancel(sp.together(diff.rewrite(sp.exp))), nt):
        return "tanh written with exponentials, then cancel = 0"
    if diff.has(sp.Abs, sp.Max, sp.Min) and not diff.has(sp.Derivative, sp.Subs, sp.Limit, sp.sign, sp.Heaviside):
        if _simplifies_to_zero(diff.rewrite(sp.Piecewise)):
            return "|x| and max written case by case (as piecewise expressions), then simplify = 0"
    return None


def _cases(diff, nt: Notation) -> str | None:
    """For labels declared in {0, 1}: prove the step for each value."""
    finite = {s: v for s, v in nt.finite_symbols().items() if s in diff.free_symbols}
    if not diff.has(sp.Sum, sp.Product):  # entries y_i of a label y (no sum binds their index)
        labels = {str(s): v for s, v in nt.finite_symbols().items()}
        # entries of a declared vector or matrix are not the label's entries, even if they share its letter
        arrays = {str(d.value) for d in nt.names.values() if d.kind in ("vector", "matrix")}
        for entry in diff.atoms(sp.Indexed):
            a = entry.base.label.assumptions0
            if str(entry.base) in labels and str(entry.base) not in arrays and a.get("integer") and a.get("nonnegative"):
                finite[entry] = labels[str(entry.base)]
    if not finite or len(finite) > 3:
        return None
    names = list(finite)
    for values in itertools.product(*(finite[s] for s in names)):
        if _zero(diff.xreplace(dict(zip(names, values))), nt) is None:
            return None
    return "by cases, " + ", ".join(f"{s} in {{{', '.join(map(str, finite[s]))}}}" for s in names) + ": each gives 0"


# --------------------------------------------------------------------------------------
# Numbers: a witness and counterexamples
# --------------------------------------------------------------------------------------

#: sizes (``n``, ``d``) tried, one per point: 1 (the edge case) and past the small ones
_SIZES = (3, 1, 2, 6, 4, 9)
#: magnitudes of the values of real names, one per point: small, moderate and large
_SCALES = (1.0, 0.01, 10.0, 1.0, 1000.0, 0.1, 100.0, 1e-4)
#: the quick pass every step gets (a witness for a proof, and a first search for a counterexample)
_QUICK_SIZES = (3, 1, 2, 5)
_QUICK_SCALES = (1.0, 0.1, 10.0, 1.0)


def _random_value(symbol, rng: random.Random, scale: float = 1.0, probability: bool = False):
    """A value in the symbol's declared domain, of about the given magnitude (an exact fraction)."""
    a = symbol.assumptions0 if hasattr(symbol, "assumptions0") else {}
    if a.get("integer") and a.get("nonnegative") and not a.get("positive"):
        return rng.choice((0, 1))
    if a.get("integer") and a.get("positive"):
        return rng.randint(1, 6)
    if probability:  # in (0, 1): in the middle, or close to either end
        where = rng.random()
        if scale >= 100 and where < 0.5:
            value = 10 ** -rng.uniform(2, 8)
        elif scale >= 100:
            value = 1 - 10 ** -rng.uniform(2, 8)
        else:
            value = rng.uniform(0.02, 0.98)
        return sp.Rational(value)
    magnitude = scale * rng.uniform(0.3, 3.0)
    if a.get("positive"):
        return sp.Rational(magnitude)
    if a.get("nonnegative"):  # declared `s \geq 0`: sometimes exactly 0
        return sp.Integer(0) if rng.random() < 0.15 else sp.Rational(magnitude)
    if a.get("negative"):  # declared `t < 0`
        return -sp.Rational(magnitude)
    return sp.Rational(magnitude if rng.random() < 0.5 else -magnitude)


def _unrolled(e):
    """``e`` with every sum and product over concrete bounds written out term by term.

    At a numeric point the sizes are numbers, so ``Sum(f, (i, 1, 3))`` is just
    ``f(1) + f(2) + f(3)``; SymPy's ``doit`` would first look for a closed form (partial
    fractions and all), which costs seconds on the nested sums of a Hessian. Ranges that
    are not concrete or are reversed are left to ``doit``, with SymPy's own meaning.
    """
    if not isinstance(e, sp.Basic) or not e.has(sp.Sum, sp.Product):
        return e
    if isinstance(e, (sp.Sum, sp.Product)):
        *inner, (index, lo, hi) = e.limits  # the last limit is the outermost
        if lo.is_Integer and hi.is_Integer and hi >= lo - 1 and hi - lo < 10_000:
            body = e.function if not inner else type(e)(e.function, *inner)
            terms = [_unrolled(body.xreplace({index: sp.Integer(k)})) for k in range(int(lo), int(hi) + 1)]
            return sp.Add(*terms) if isinstance(e, sp.Sum) else sp.Mul(*terms)
        return e
    return e.func(*[_unrolled(a) for a in e.args])


def _quick_agreement(full_l, full_r, nt: Notation, trials, seed, seeds, sizes, probability_symbols, probability_bases):
    """The quick pass by :func:`lrmath.checker.quick_numbers.agreement`: ``(gap, point)`` if it vouches for agreement, else None.

    Its points are drawn like the exact pass's (the same magnitudes, sizes, domains and one-hot vectors).
    """
    if not isinstance(full_l, sp.Basic) or not isinstance(full_r, sp.Basic):
        return None
    one_hot = nt.one_hot_bases()
    ranges = nt.index_ranges()
    labels = {i.base.label for e in (full_l, full_r) for i in e.atoms(sp.Indexed)}
    free = sorted(((full_l.free_symbols | full_r.free_symbols) - labels) - set(sizes), key=str)
    points, draws = [], []
    for run in range(seeds):
        rng = random.Random(seed + 7919 * run)
        for trial in range(trials):
            scale = _QUICK_SCALES[(trial + run) % len(_QUICK_SCALES)]
            point = {s: _QUICK_SIZES[(i + trial + run) % len(_QUICK_SIZES)] for i, s in enumerate(sizes)}
            for s in free:
                if isinstance(s, sp.Indexed):
                    continue
                if s in ranges:
                    lo, hi = (sp.sympify(sp.sympify(b).xreplace(point)) for b in ranges[s])
                    if not (lo.is_Integer and hi.is_Integer) or hi < lo:
                        return None
                    point[s] = rng.randint(int(lo), int(hi))
                else:
                    point[s] = _random_value(s, rng, scale, s in probability_symbols)
            points.append(point)
            draws.append((rng, scale, {}))

    def draw(base, indices, k):
        rng, scale, hot = draws[k]
        if base in one_hot and len(indices) == 1:
            if base not in hot:
                size = sp.sympify(sp.sympify(one_hot[base]).xreplace(points[k]))
                if not size.is_Integer:
                    raise ValueError("a one-hot vector of unknown length")
                hot[base] = rng.randint(1, int(size))
            return int(indices[0] == hot[base])
        return _random_value(base.label, rng, scale, base in probability_bases)

    return agreement(full_l, full_r, points, draw)


def numeric_difference(lhs, rhs, nt: Notation, trials: int = 4, seed: int = 0, seeds: int = 1, report: dict | None = None, hard: bool = False):
    """Evaluate ``lhs - rhs`` at points of the declared domains; return (max relative difference, worst point).

    Each point takes its values from a different magnitude and random signs, within each
    name's domain; sizes (``n``, ``d``) run through a list that includes 1, indices are
    random in their range. The quick pass (every step) uses magnitudes 0.1 to 10 and sizes
    up to 5; ``hard`` (``numeric:`` steps) magnitudes 1e-4 to 1e3 (probabilities down to
    1e-8 from either end) and sizes up to 9. Values are exact fractions and both sides are evaluated with SymPy's
    arbitrary-precision arithmetic (mpmath), so nothing overflows. A point where either side
    is not a finite number (``inf``, ``nan``) is not agreement: it is skipped and counted in
    ``report["skipped"]``. Returns ``(None, None)`` when the expressions cannot be evaluated
    or no point gave two finite values.

    The quick pass first tries :func:`lrmath.checker.quick_numbers.agreement` (interval
    arithmetic, much faster); that can only vouch that the sides agree, and whenever it
    does not, the exact evaluation above decides, so every counterexample comes from it.
    """
    full_l = _canonical_dummies(evaluate(lhs, nt, levels=None))
    full_r = _canonical_dummies(evaluate(rhs, nt, levels=None))
    sizes = [d.value for d in nt.names.values() if d.kind == "scalar" and d.domain == "natural"]
    size_list, scale_list = (_SIZES, _SCALES) if hard else (_QUICK_SIZES, _QUICK_SCALES)
    probability_symbols, probability_bases = probability_parts(nt)
    if not hard and report is None:
        # the fast look first: when it vouches that the sides agree, that is this pass's answer;
        # anything else (a gap, a doubt) is decided below, exactly
        try:
            quick = _quick_agreement(full_l, full_r, nt, trials, seed, seeds, sizes, probability_symbols, probability_bases)
        except Exception:  # noqa: BLE001 - only an accelerator: whatever goes wrong, the exact path decides
            quick = None
        if quick is not None:
            return quick
    worst, worst_point, evaluated, skipped = 0.0, None, 0, 0
    for run in range(seeds):
        rng = random.Random(seed + 7919 * run)
        for trial in range(trials):
            scale = scale_list[(trial + run) % len(scale_list)]
            point = {s: size_list[(i + trial + run) % len(size_list)] for i, s in enumerate(sizes)}
            exprs = [sp.sympify(e.xreplace(point)) for e in (full_l, full_r)]
            ranges = {k: (sp.sympify(lo).xreplace(point), sp.sympify(hi).xreplace(point)) for k, (lo, hi) in nt.index_ranges().items()}
            for k, (lo, hi) in ranges.items():
                if k in exprs[0].free_symbols or k in exprs[1].free_symbols:
                    point[k] = rng.randint(int(lo), int(hi))
            exprs = [_unrolled(e.xreplace(point)).doit() for e in exprs]
            labels = {i.base.label for e in exprs for i in e.atoms(sp.Indexed)}
            free = set().union(*(e.free_symbols for e in exprs)) - labels
            indexed = set().union(*(e.atoms(sp.Indexed) for e in exprs))
            for s in sorted(free, key=str):
                point[s] = _random_value(s, rng, scale, s in probability_symbols)
            one_hot = nt.one_hot_bases()
            hot = {base: rng.randint(1, int(size.xreplace(point))) for base, size in one_hot.items()}
            for s in sorted(indexed, key=str):
                if s.base in one_hot and all(i.is_Integer for i in s.indices):
                    point[s] = int(s.indices[0] == hot[s.base])  # a one-hot vector: e_hot
                else:
                    point[s] = _random_value(s.base.label, rng, scale, s.base in probability_bases)
            try:
                # strict: a value whose 30 digits cannot all be trusted (cancellation beyond
                # SymPy's working precision) raises, and the point is skipped, never compared
                values = [sp.N(e.xreplace(point), 30, strict=True) for e in exprs]
                relative = _relative_gap(*values)
            except PrecisionExhausted:
                relative = None
            except (TypeError, ValueError, ZeroDivisionError, OverflowError):
                return None, None
            if relative is None:
                skipped += 1
                continue
            evaluated += 1
            if relative > worst or worst_point is None:
                worst, worst_point = relative, point
    if report is not None:
        report.update(evaluated=evaluated, skipped=skipped)
    if worst_point is None:
        return None, None
    return worst, worst_point


def _relative_gap(a, b) -> float | None:
    """|a - b| relative to their size (at least 1); None unless both are finite numbers.

    ``inf`` or ``nan`` on either side is never agreement, even on both sides.
    """
    def finite(v) -> bool | None:  # True, False (infinite or undefined) or None (not a number)
        if v.free_symbols or not v.is_number:
            return None
        if v.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            return False
        return all(isinstance(part, (sp.Float, sp.Integer, sp.Rational)) for part in v.as_real_imag()) or None

    kinds = [finite(v) for v in (a, b)]
    if None in kinds:
        return None
    if not all(kinds):
        # a finite value against an infinite one, or +inf against -inf, is a difference;
        # inf or nan on both sides is never agreement: the point is skipped
        signed = {sp.oo, -sp.oo}
        if all(kinds) is False and kinds.count(False) == 1:
            return math.inf
        if a in signed and b in signed and a != b:
            return math.inf
        return None
    scale = max(sp.Integer(1), abs(a), abs(b))
    return float(abs(a - b) / scale)


def confirmed_counterexample(lhs, rhs, nt: Notation, point: dict, digits: int = 60) -> bool:
    """The sides differ at ``point``, confirmed with ``digits`` significant digits (mpmath, via SymPy's evalf)."""
    try:
        sides = []
        for e in (lhs, rhs):
            value = sp.sympify(sp.sympify(_canonical_dummies(evaluate(sp.sympify(e), nt, levels=None))).xreplace(point))
            sides.append(sp.N(sp.sympify(value.doit().xreplace(point)), digits, strict=True))
        gap = _relative_gap(*sides)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, PrecisionExhausted):
        return False
    return gap is not None and gap > 1e-20


def _format_point(point: dict) -> str:
    def shown(v):
        if isinstance(v, float) or (isinstance(v, sp.Rational) and not v.is_Integer):
            return f"{float(v):.4g}"
        return str(v)

    return ", ".join(f"{k} = {shown(v)}" for k, v in point.items())


# --------------------------------------------------------------------------------------
# The entry point
# --------------------------------------------------------------------------------------

def _atoms_and_names(expr, nt: Notation) -> set:
    return expr.free_symbols | defined_names(expr, nt) | {i.base for i in expr.atoms(sp.Indexed)}


def _unfold_towards(pair, nt: Notation, rounds: int = 4):
    """Unfold the names one side uses and the other does not, when that brings the sides closer.

    A name is unfolded when its definition, unfolded, mentions something the other side mentions:
    for ``log(L) = sum of logs of y_hat_i``, the likelihood ``L`` is unfolded (it is a
    product of the ``y_hat_i``) but ``y_hat_i`` is left alone.
    """
    chosen = set()
    for _ in range(rounds):
        sides = [_atoms_and_names(side, nt) for side in pair]
        picks = set()
        for mine, other in ((0, 1), (1, 0)):
            for name in defined_names(pair[mine], nt) - sides[other]:
                if isinstance(name, sp.FunctionClass):  # a function used on one side only: unfold it
                    picks.add(name)
                    continue
                body = nt.definitions.get(name) if name in nt.definitions else nt.indexed_definitions[name][1]
                if _atoms_and_names(unfold(body, nt), nt) & sides[other]:
                    picks.add(name)
        if not picks:
            break
        chosen |= picks
        pair = tuple(_canonical_dummies(evaluate(unfold(side, nt, levels=1, only=picks), nt, 0)) for side in pair)
    return pair, chosen


def _unfolding_levels(lhs, rhs, nt: Notation, most: int = 8) -> list:
    """Both sides at increasing depths of unfolding, as (description, lhs, rhs).

    First as written; then with only the names that one side mentions and the other does
    not (often just what the step is about, such as a likelihood defined as a product);
    then every definition 1, 2, ... levels deep, until nothing changes.
    """
    out, previous = [], None
    for levels in range(most):
        pair = tuple(_canonical_dummies(evaluate(side, nt, levels)) for side in (lhs, rhs))
        if pair == previous:
            break
        previous = pair
        where = "as written" if levels == 0 else f"after unfolding definitions {levels} level(s)"
        out.append((where, *pair))
        if levels == 0:
            partial, names = _unfold_towards(pair, nt)
            if names:
                out.append((f"after unfolding {', '.join(sorted(set(map(str, names))))}", *partial))
    return out


def _refute(proof: Proof, lhs, rhs, nt: Notation, gap: float, point: dict) -> None:
    """Mark ``proof`` refuted by the sides' relative difference ``gap`` at ``point``, confirmed or not in high precision."""
    proof.status = "refuted"
    proof.detail = f"wrong step: counterexample at {_format_point(point)} (relative difference {gap:.3g})"
    proof.confirmed = confirmed_counterexample(lhs, rhs, nt, point)


def prove(lhs, rhs, nt: Notation, numeric_reason: str | None = None) -> Proof:
    """Check the step ``lhs = rhs`` under the page's notation and definitions."""
    started = time.perf_counter()
    if isinstance(lhs, Vec) != isinstance(rhs, Vec):
        return Proof("unproven", detail="one side is a vector and the other is not")
    if isinstance(lhs, Vec):
        j = nt.fresh_index(lhs.length)
        if sp.simplify(lhs.length - rhs.length) != 0:
            return Proof("refuted", detail=f"the vectors have lengths {lhs.length} and {rhs.length}")
        inner = prove(lhs.component(j), rhs.component(j), nt, numeric_reason)
        inner.method = f"componentwise, for entry {j} of {lhs.length}: " + inner.method
        inner.seconds = time.perf_counter() - started
        return inner
    proof = Proof("unproven", lhs=sp.sstr(lhs), rhs=sp.sstr(rhs))
    # Numbers first: a step that is clearly wrong is refuted at once, with a counterexample,
    # without spending time on simplification that cannot succeed.
    gap, point = numeric_difference(lhs, rhs, nt)
    if gap is not None and gap > 1e-6:
        _refute(proof, lhs, rhs, nt, gap, point)
        proof.seconds = time.perf_counter() - started
        return proof
    if numeric_reason is not None:  # tested hard: more seeds, every magnitude
        report = {}
        gap, point = numeric_difference(lhs, rhs, nt, trials=len(_SCALES), seeds=4, report=report, hard=True)
        if gap is not None and gap > 1e-9:
            _refute(proof, lhs, rhs, nt, gap, point)
            proof.seconds = time.perf_counter() - started
            return proof
        if gap is None or report.get("evaluated", 0) < 3 * report.get("skipped", 0) or report.get("evaluated", 0) < 16:
            proof.detail = (
                f"a `numeric:` step must evaluate to finite numbers on both sides at most points of the domains; "
                f"it did at {report.get('evaluated', 0)} of {report.get('evaluated', 0) + report.get('skipped', 0)}"
                " (inf or nan on both sides is not agreement)"
            )
            proof.seconds = time.perf_counter() - started
            return proof
    if numeric_reason is None:
        try:
            levels = _unfolding_levels(lhs, rhs, nt)
        except (ValueError, NotImplementedError, TypeError) as exc:
            levels = []
            proof.detail = f"SymPy could not evaluate the step: {exc}"
        # the cheapest methods at every level first, then the others (see _attempts)
        for attempt in _attempts(nt):
            for where, a, b in levels:
                method = "the two sides are identical" if a == b else attempt(a - b)
                if method:
                    proof.status, proof.method = "proven", f"{method} ({where})"
                    break
            if proof.status == "proven":
                break
    if proof.status == "proven":
        if gap is not None and gap > 1e-9:
            proof.status = "unproven"
            proof.detail = f"SymPy says 0 but the sides differ by {gap:.3g} at {_format_point(point)}: a bug"
    elif gap is None:
        proof.detail = proof.detail or "SymPy could not show the difference is 0, and the sides cannot be evaluated"
    elif gap > 1e-9:
        _refute(proof, lhs, rhs, nt, gap, point)
    elif numeric_reason is not None:
        proof.status, proof.method = "numeric", (
            f"equal at {report['evaluated']} points of the domains, magnitudes 1e-4 to 1e3, both signs, 4 seeds "
            f"(relative difference <= {gap:.1e}); not proven because: {numeric_reason}"
        )
    else:
        proof.detail = (
            "SymPy could not show that the difference is 0 (the sides agree at random points: "
            "rewrite the step in smaller steps, or mark it `numeric:` with a reason)"
        )
    proof.seconds = time.perf_counter() - started
    return proof
