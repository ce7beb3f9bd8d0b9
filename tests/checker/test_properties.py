"""Property tests: random input is never proven unless it is true.

Two sources of input, both bounded so that the file runs in well under a minute:

- random token soup (names, numbers, operators, brackets, commands) around an ``=``;
- random mutations (a token replaced, deleted, duplicated or inserted) of the course's
  own derivation lines, read in the context of their page (its ``where`` and ``define``
  lines before them).

Whatever the checker does with such a line, it must not crash, and if it marks a step
proven, the step must be true: here that is confirmed independently of the prover, by
evaluating both sides in 30-digit precision at several points of the declared domains.
A step proven while the two sides differ at some point is a lie of the green mark.
"""

from __future__ import annotations

import random
import re
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lrmath.checker.page import LABEL, _split_reason, check_page, find_blocks
from lrmath.checker.proving import evaluate
from lrmath.checker.reading import Vec, tokenize

ROOT = Path(__file__).resolve().parents[2]
SECONDS_PER_EXAMPLE = 5


class _TooSlow(Exception):
    pass


@contextmanager
def _time_limit(seconds: int):
    """Give up on one example after ``seconds`` of this process's processor time (a slow
    example says nothing about soundness; processor time, not the clock, so that a busy
    machine does not change which examples are checked)."""

    def stop(*_):
        raise _TooSlow

    old = signal.signal(signal.SIGVTALRM, stop)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, old)


# --------------------------------------------------------------------------------------
# The course's own lines, each with the declarations and definitions before it
# --------------------------------------------------------------------------------------

def _course_lines() -> list[tuple[str, str, str]]:
    """(page, earlier blocks as Markdown, this block's where/define lines, claim) for each claim that is not a continuation."""
    out = []
    for page in sorted((ROOT / "docs").glob("*.md")):
        context: list[list[str]] = []
        for block in find_blocks(page.read_text(encoding="utf-8")):
            context.append([])
            for _, raw in block.lines:
                math, reason = _split_reason(LABEL.sub("", raw).strip())
                if not math or reason.lower().startswith(("wrong:", "numeric:")):
                    continue
                if math.startswith(("where ", "define ")):
                    context[-1].append(math)
                elif not math.startswith("="):
                    prefix = "".join("```derivation\n" + "\n".join(b) + "\n```\n\n" for b in context[:-1] if b)
                    out.append((page.name, prefix, "\n".join(context[-1]), math))
    return out


COURSE = _course_lines()


def _page(prefix: str, block_context: str, claim: str) -> str:
    return prefix + "```derivation\n" + (block_context + "\n" if block_context else "") + claim + "\n```\n"


# --------------------------------------------------------------------------------------
# Truth, judged without the prover: high-precision values at points of the domains
# --------------------------------------------------------------------------------------

def _value_for(symbol, domains: dict, rng: random.Random):
    domain = domains.get(symbol.name if isinstance(symbol, sp.Symbol) else str(symbol), "")
    a = symbol.assumptions0
    if domain == "probability":
        return sp.Rational(rng.randint(5, 95), 100)
    if domain == "binary" or (a.get("integer") and a.get("nonnegative") and not a.get("positive")):
        return rng.choice((0, 1))
    if domain == "natural":
        return rng.randint(2, 4)
    if a.get("positive"):
        return sp.Rational(rng.randint(5, 300), 100)
    if a.get("nonnegative"):
        return sp.Rational(rng.randint(0, 300), 100)
    if a.get("negative"):
        return -sp.Rational(rng.randint(5, 300), 100)
    return sp.Rational(rng.randint(-300, 300), 100)


def _differ_somewhere(lhs, rhs, nt, points: int = 4) -> str | None:
    """A point where the two sides differ in 30-digit arithmetic, or None if none was found."""
    if isinstance(lhs, Vec) or isinstance(rhs, Vec):
        k = nt.fresh_index((lhs if isinstance(lhs, Vec) else rhs).length)  # an entry, its range declared
        lhs = lhs.component(k) if isinstance(lhs, Vec) else lhs
        rhs = rhs.component(k) if isinstance(rhs, Vec) else rhs
    ranges = {}
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    diff = evaluate(lhs, nt, levels=None) - evaluate(rhs, nt, levels=None)
    domains = {str(d.value): d.domain for d in nt.names.values() if isinstance(d.value, sp.Symbol)}
    domains.update({str(d.value): d.domain for d in nt.names.values() if isinstance(d.value, sp.IndexedBase)})
    ranges.update(nt.index_ranges())
    rng = random.Random(1)
    for _ in range(points):
        point = {}
        sizes = [s for s in diff.free_symbols if domains.get(s.name) == "natural"]
        sizes += [hi for lo, hi in ranges.values() if isinstance(hi, sp.Symbol)]
        for s in set(sizes):
            point[s] = rng.randint(2, 4)
        for index, (lo, hi) in ranges.items():
            if index in diff.free_symbols:
                point[index] = rng.randint(int(sp.sympify(lo).xreplace(point)), int(sp.sympify(hi).xreplace(point)))
        try:
            concrete = sp.sympify(diff.xreplace(point)).doit()
            labels = {e.base.label for e in concrete.atoms(sp.Indexed)}
            for s in sorted(concrete.free_symbols - labels, key=str):
                point[s] = _value_for(s, domains, rng)
            concrete = concrete.xreplace(point)
            for entry in sorted(concrete.atoms(sp.Indexed), key=str):
                point[entry] = _value_for(entry.base.label, domains, rng)
            value = sp.N(concrete.xreplace(point), 30)
            value = complex(value)
        except (TypeError, ValueError, ZeroDivisionError, OverflowError, AttributeError):
            continue
        if value != value or abs(value) == float("inf"):
            continue
        if abs(value) > 1e-15:
            return f"{point} gives lhs - rhs = {value}"
    return None


#: how many examples reached each outcome (printed with -s; shows the test exercises the prover)
OUTCOMES: dict[str, int] = {}
#: the sides of every step proven above, for the MathJax check at the end
PROVEN_TEX: list[dict] = []


def _check_never_lies(markdown: str) -> None:
    try:
        with _time_limit(SECONDS_PER_EXAMPLE):
            checked = check_page(markdown, "property.md", time_limit=None)
            for step in checked.steps:
                OUTCOMES[step.proof.status] = OUTCOMES.get(step.proof.status, 0) + 1
            OUTCOMES["refused"] = OUTCOMES.get("refused", 0) + bool(checked.failures)
            for step in checked.steps:
                if step.kind == "equality" and step.proof.status == "proven" and step.lhs_expr is not None:
                    witness = _differ_somewhere(step.lhs_expr, step.rhs_expr, checked.notation)
                    assert witness is None, f"proven but false: {step.lhs_tex} = {step.rhs_tex}; {witness}\n{markdown}"
                    PROVEN_TEX.extend({"where": markdown, "tex": tex} for tex in (step.lhs_tex, "= " + step.rhs_tex) if tex)
    except _TooSlow:
        OUTCOMES["too slow"] = OUTCOMES.get("too slow", 0) + 1


# --------------------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------------------

VOCABULARY = [
    "z", "a", "y", "n", "i", "w_j", "x_{ij}", "y_i", r"\hat{y}", r"\sigma(z)", r"\mathbf{w}", r"\mathbf{x}",
    "0", "1", "2", "12", "0.5", "+", "-", r"\cdot", "/", "^", "_", "{", "}", "(", ")", "[", "]", "|",
    r"\left(", r"\right)", r"\big(", r"\frac", r"\frac{d}{dz}", r"\frac{\partial}{\partial z}", r"\log",
    r"\exp", r"\tanh", r"\sqrt", r"\sum_{i=1}^{n}", r"\sum_i", r"\max", ",", r"\dots", "e", r"\lvert", r"\rvert",
    r"\nabla_{\mathbf{w}}", "'", "=", "\u0663", r"\top",
]
SOUP_CONTEXT = (
    "```derivation\n"
    r"where z, a \in \mathbb{R}; \hat{y} \in (0, 1); y \in \{0, 1\}; n, d \in \mathbb{N}; "
    r"i \in \{1, \dots, n\}; j \in \{1, \dots, d\}; \mathbf{w}, \mathbf{x} \in \mathbb{R}^{d}; x \in \mathbb{R}"
    "\n"
    r"define \sigma(z) = \frac{1}{1 + e^{-z}}"
    "\n"
)


@st.composite
def token_soup(draw):
    left = draw(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=8))
    right = draw(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=8))
    return " ".join(left) + " = " + " ".join(right)


@st.composite
def mutated_course_line(draw):
    name, prefix, block_context, claim = draw(st.sampled_from(COURSE))
    spans = [(t.column - 1, t.column - 1 + len(t.text)) for t in tokenize(claim)[:-1]]
    text = claim
    for _ in range(draw(st.integers(0, 2))):  # 0: the line itself, which must pass the truth check
        if not spans:
            break
        start, end = spans[draw(st.integers(0, len(spans) - 1))]
        kind = draw(st.sampled_from(["replace", "delete", "duplicate", "insert"]))
        token = draw(st.sampled_from(VOCABULARY))
        piece = text[start:end]
        text = text[:start] + {
            "replace": token, "delete": "", "duplicate": piece + " " + piece, "insert": token + " " + piece,
        }[kind] + text[end:]
        try:
            spans = [(t.column - 1, t.column - 1 + len(t.text)) for t in tokenize(text)[:-1]]
        except Exception:
            break
    return _page(prefix, block_context, text.replace("\n", " "))


@pytest.mark.filterwarnings("ignore")
@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(token_soup())
def test_token_soup_is_never_proven_unless_true(line):
    _check_never_lies(SOUP_CONTEXT + line + "\n```\n")


@pytest.mark.filterwarnings("ignore")
@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(mutated_course_line())
def test_mutated_course_lines_are_never_proven_unless_true(page):
    _check_never_lies(page)


def test_the_truth_check_can_see_a_false_step():
    """The independent witness is not vacuous: it finds the point where a false step fails."""
    checked = check_page(SOUP_CONTEXT + r"\sigma(z) = \sigma(z)" + "\n```\n", "witness.md", time_limit=None)
    nt = checked.notation
    z = nt.names["z"].value
    sigma = nt.names[r"\sigma"].value
    assert _differ_somewhere(sigma(z), 1 - sigma(-z), nt) is None  # true: sigma(z) = 1 - sigma(-z)
    assert _differ_somewhere(sigma(z), sigma(-z), nt) is not None  # false except at z = 0
    w = nt.names[r"\mathbf{w}"].value
    j = nt.names["j"].value
    assert _differ_somewhere(sp.Sum(w[j], (j, 1, nt.names["d"].value)), 0, nt) is not None


def test_what_was_proven_above_typesets_in_mathjax():
    """Run after the property tests (pytest keeps the file's order): proven lines typeset cleanly."""
    from tests.checker.test_typesetting import typeset_errors

    assert PROVEN_TEX, "the property tests above proved nothing: they would not test soundness"
    errors = typeset_errors(PROVEN_TEX)
    assert not errors, "\n".join(f"MathJax: {e['error']} in `{e['tex']}`, from:\n{e['where']}" for e in errors)


def test_the_course_lines_were_found():
    print("outcomes of the property tests:", OUTCOMES)
    assert len(COURSE) > 100
    assert all(re.search(r"=|\\le|\\ge|<|>", claim) for *_, claim in COURSE)
