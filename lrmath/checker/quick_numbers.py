r"""A fast first look at a step in numbers: both sides in interval arithmetic, or "unsure".

The quick numeric pass that every step gets (:func:`lrmath.checker.proving.numeric_difference`)
substitutes exact fractions and lets SymPy evaluate the result; on the unrolled double
sums of a Hessian that costs most of a step's time. This module evaluates the same
fully unfolded expression directly, walking its tree once per point in mpmath's
interval arithmetic (:mod:`mpmath.iv`, rounded outwards: the true value always lies in
the computed interval) at :data:`DIGITS` significant digits, then at :data:`MORE_DIGITS`
if the intervals came out too wide; sums and products term by term, entries of vectors
drawn as they are met.

It is only an accelerator, and it can only ever say "the sides agree at these points":
the whole interval of ``lhs - rhs`` lies within :data:`AGREE` (relative), far below
the 1e-9 at which the checker calls two values different. Whenever it cannot vouch for
that it answers ``None`` and the caller takes the exact path as before: a construct it
does not know (a derivative left unevaluated, a piecewise function, an undefined
function, a reversed range), a logarithm or a root whose argument is not shown positive,
a division by an interval containing 0, intervals too wide, or a gap. So a
counterexample, a refutation, or a "SymPy says 0 but the numbers differ" always comes
from the exact path, confirmed in high precision as before; ``numeric:`` steps never
come here.

>>> import sympy as sp
>>> z = sp.Symbol("z", real=True)
>>> points = [{z: sp.Rational(1, 3)}, {z: -7}]
>>> gap, _ = agreement(sp.exp(2 * z), sp.exp(z) ** 2, points, draw=None)
>>> gap < AGREE
True
>>> agreement(sp.exp(z), sp.exp(z) + 1, points, draw=None) is None
True
>>> agreement(sp.log(z), sp.log(z), points, draw=None) is None  # log(-7): the exact path decides
True
>>> s = 1 / (1 + sp.exp(-z))  # 1 - s(1000) is about e^-1000: 50 digits are not enough, 500 are
>>> agreement(1 / (1 - s), 1 + sp.exp(z), [{z: 1000}], draw=None) is not None
True
"""

from __future__ import annotations

import mpmath
import sympy as sp

__all__ = ["agreement", "Unsure", "DIGITS", "MORE_DIGITS", "AGREE"]

#: significant digits of the first try, and of the second when the intervals were too wide
DIGITS, MORE_DIGITS = 50, 500
#: the largest relative gap (over the whole interval) taken as agreement
AGREE = 1e-20
#: sums and products with more terms than this are left to the exact path
MOST_TERMS = 5000

iv = mpmath.iv


class Unsure(Exception):
    """The fast evaluation cannot vouch for its value: take the exact path."""


class _TooWide(Unsure):
    """The intervals are too wide to decide: more digits may do."""


def _integer(value) -> int:
    if isinstance(value, int):
        return value
    raise Unsure("an index that is not an exact integer")


def _lowest(x) -> float:
    """A lower bound of ``|x|``."""
    if isinstance(x, int):
        return abs(x)
    lo, hi = x.a, x.b
    return 0 if lo <= 0 <= hi else min(abs(lo), abs(hi))


def _highest(x):
    """An upper bound of ``|x|``."""
    if isinstance(x, int):
        return abs(x)
    return max(abs(x.a), abs(x.b))


def _positive(x) -> bool:
    return x > 0 if isinstance(x, int) else x.a > 0


def _finite(x):
    if not isinstance(x, int) and not (mpmath.isfinite(x.a) and mpmath.isfinite(x.b)):
        raise _TooWide("an interval without finite ends")
    return x


class _Evaluator:
    """Values of SymPy expressions at one point (exact ints, or intervals), with entries of vectors drawn on first use.

    ``values`` maps symbols to numbers; ``entry(base, indices)`` gives (and remembers) the
    value of an entry such as ``w_3``.
    """

    def __init__(self, values: dict, entry):
        self.values = values
        self.entry = entry
        self.terms = 0
        #: the indices of the sums being evaluated, with their current values
        self.bound = ()
        #: value of each (subexpression, bound) met so far: both sides share their parts
        self.known = {}

    def __call__(self, e):
        key = (e, self.bound)
        value = self.known.get(key)
        if value is None:
            value = self.known[key] = self._value(e)
        return value

    def _value(self, e):
        ev = self
        if e.is_Integer:
            return int(e)
        if e.is_Rational:
            return iv.mpf(e.p) / e.q
        if e is sp.pi:
            return +iv.pi
        if e is sp.E:
            return +iv.e
        if isinstance(e, sp.Indexed):
            return self.entry(e.base, tuple(_integer(ev(i)) for i in e.indices))
        if e.is_Symbol:
            if e in self.values:
                return self.values[e]
            raise Unsure(f"no value for {e}")
        if e.is_Add:
            return _sum(ev(a) for a in e.args)
        if e.is_Mul:
            return _product(ev(a) for a in e.args)
        if e.is_Pow:
            base, exponent = e.args
            b = ev(base)
            if exponent.is_Integer:
                n = int(exponent)
                if n < 0:
                    if _lowest(b) == 0:
                        raise _TooWide("a division by an interval that contains 0")
                    return 1 / (iv.mpf(b) ** -n)
                return b**n
            if not _positive(b):
                raise _TooWide("a power of a number not shown positive")
            return iv.exp(ev(exponent) * iv.log(b))
        if isinstance(e, sp.exp):
            return iv.exp(ev(e.args[0]))
        if isinstance(e, sp.log) and len(e.args) == 1:
            x = ev(e.args[0])
            if not _positive(x):
                raise _TooWide("the logarithm of a number not shown positive")
            return iv.log(x)
        if isinstance(e, sp.tanh):
            return 1 - 2 / (iv.exp(2 * ev(e.args[0])) + 1)
        if isinstance(e, sp.Abs):
            x = ev(e.args[0])
            return abs(x)
        if isinstance(e, (sp.Max, sp.Min)):
            values = [ev(a) for a in e.args]
            if all(isinstance(v, int) for v in values):
                return max(values) if isinstance(e, sp.Max) else min(values)
            values = [iv.mpf(v) for v in values]
            pick = max if isinstance(e, sp.Max) else min
            return iv.mpf([pick(v.a for v in values), pick(v.b for v in values)])
        if isinstance(e, sp.KroneckerDelta):
            i, j = (_integer(ev(a)) for a in e.args[:2])
            return int(i == j)
        if isinstance(e, (sp.Sum, sp.Product)):
            return self._series(e.function, list(e.limits), isinstance(e, sp.Sum))
        raise Unsure(f"{type(e).__name__} is left to the exact path")

    def _series(self, body, limits, is_sum: bool):
        *inner, (index, lo, hi) = limits  # the last limit is the outermost
        first, last = _integer(self(lo)), _integer(self(hi))
        if last < first - 1:
            raise Unsure("a reversed range")
        self.terms += last - first + 1
        if self.terms > MOST_TERMS:
            raise Unsure("too many terms")
        missing = object()
        saved, outer = self.values.get(index, missing), self.bound
        values = []
        try:
            for k in range(first, last + 1):
                self.values[index] = k
                self.bound = outer + ((index, k),)
                values.append(self._series(body, inner, is_sum) if inner else self(body))
        finally:
            self.bound = outer
            if saved is missing:
                self.values.pop(index, None)
            else:
                self.values[index] = saved
        return _sum(values) if is_sum else _product(values)


def _sum(values):
    out = 0
    for v in values:
        out = out + v
    return out


def _product(values):
    out = 1
    for v in values:
        out = out * v
    return out


def _number(value):
    """An exact int, or an interval around a fraction."""
    if isinstance(value, int):
        return value
    value = sp.sympify(value)
    if value.is_Integer:
        return int(value)
    if value.is_Rational:
        return iv.mpf(value.p) / value.q
    raise Unsure(f"a value that is not a fraction: {value}")


def _gap(a, b) -> float:
    """An upper bound of ``|a - b| / max(1, |a|, |b|)`` over the intervals."""
    return float(mpmath.mpf(_highest(a - b)) / max(1, _lowest(a), _lowest(b)))


def agreement(lhs, rhs, points: list, draw) -> tuple | None:
    """``(largest relative gap, last point)`` when ``lhs`` and ``rhs`` agree to :data:`AGREE` at every point, else ``None``.

    ``points`` are dicts of exact values (ints or fractions) for the symbols: sizes,
    indices, reals. ``draw(base, indices, k)`` gives the exact value of a vector's entry at
    the ``k``-th point (it is called once per entry and point, in the order the entries
    are met). ``None`` means: not shown to agree, take the exact path.
    """
    worst, last = 0.0, None
    drawn = [{} for _ in points]
    try:
        for k, point in enumerate(points):
            for digits in (DIGITS, MORE_DIGITS):
                saved, iv.dps = iv.dps, digits
                try:
                    gap = _gap_at(lhs, rhs, point, drawn[k], lambda base, indices, k=k: draw(base, indices, k))
                    break
                except _TooWide:
                    if digits == MORE_DIGITS:
                        return None
                finally:
                    iv.dps = saved
            if not gap < AGREE:
                return None
            worst = max(worst, gap)
            last = {**point, **{sp.Indexed(base, *indices): v for (base, indices), v in drawn[k].items()}}
    except (Unsure, ZeroDivisionError, OverflowError, ValueError, TypeError, ArithmeticError):
        return None
    return worst, last


def _gap_at(lhs, rhs, point, drawn, draw):
    def entry(base, indices):
        key = (base, indices)
        if key not in drawn:
            drawn[key] = draw(base, indices)
        return _number(drawn[key])

    values = {symbol: _number(value) for symbol, value in point.items()}
    evaluator = _Evaluator(values, entry)
    a, b = _finite(evaluator(lhs)), _finite(evaluator(rhs))
    return _gap(a, b)
