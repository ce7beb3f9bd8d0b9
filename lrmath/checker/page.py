r"""Derivation blocks in a Markdown page: their syntax, and checking a whole page.

A derivation is a fenced block whose language is ``derivation``. Each line is one
of these, and may end with ``# reason`` (shown to the reader beside the step)::

    where  z \in \mathbb{R}; \hat{y} \in (0, 1)     declare names and their domains
    define \sigma(z) = \frac{1}{1 + e^{-z}}         introduce a name: nothing to prove
    \frac{d}{dz}\sigma(z) = \frac{e^{-z}}{(1 + e^{-z})^2}    a claim: proven
           = \sigma(z)(1 - \sigma(z))                a continuation: proven from the line above

A line may carry ``\label{name}``: it gets an equation number, and
``\eqref{name}`` in the page's prose links to it. A reason beginning with
``numeric:`` allows a step that SymPy cannot prove to be checked at random points
instead (it is shown differently): it is evaluated at 32 points of the declared
domains, of magnitudes from 1e-4 to 1e3 and both signs, in arbitrary precision, and a
point where a side is infinite or undefined never counts as agreement.

A reason beginning with ``wrong:`` marks one step that must be false (exercises of
the kind "find the wrong step"): the build fails unless the checker finds a
counterexample inside the declared domains and confirms it with 60 significant
digits; a step that is merely not proven is not wrong. ``wrong:`` marks exactly one
step, so it is refused on a line with more than one ``=``. The lines after a wrong
step continue from it and are checked as usual, against the wrong line: the exercise
shows what the student derives from the mistake, each step judged on its own.

Every line is also checked for meaning before it is proven (see
:mod:`lrmath.checker.domains`): each denominator must be shown non-zero, each log's
argument positive, each square root's argument non-negative, each derivative away
from kinks (``|x|``, ``\max``); a name defined after its domain was declared must be
shown to lie in it, and a function defined with a parameter in a domain may only be
applied to arguments shown to lie there.

Definitions accumulate down the page: a later block may use what an earlier one
declared or defined.

>>> page = '''
... ```derivation
... where z \\in \\mathbb{R}
... define s = \\frac{1}{1 + e^{-z}}
... \\frac{ds}{dz} = s(1 - s)   # the sigmoid's derivative
... ```
... '''
>>> checked = check_page(page, "example.md")
>>> [(step.line, step.proof.status) for step in checked.steps]
[(4, 'defined'), (5, 'proven')]
>>> checked.failures
[]
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import sympy as sp

from lrmath.checker.displays import check_displays
from lrmath.checker.domains import DOMAIN_TEXT, assume_nonzero, convention_problem, in_domain, unmet
from lrmath.checker.inequalities import prove_inequality
from lrmath.checker.fences import LANGUAGE, code_blocks, lone_carriage_return, source_lines, unclosed_fences
from lrmath.checker.proving import Proof, confirmed_counterexample, numeric_difference, prove
from lrmath.checker.reading import Declared, Notation, ReadError, Vec, read, tokenize, _name_of

__all__ = ["Block", "CheckedPage", "Step", "check_page", "check_page_here", "find_blocks"]

LABEL = re.compile(r"\\label\{([A-Za-z0-9:_-]+)\}")
EQREF = re.compile(r"\\eqref\{([^}]*)\}")
NONZERO = re.compile(r"(.+?)\s*\\(?:neq|ne)\s*0")


@dataclass
class Step:
    """One row of a rendered derivation: a definition or one proven equality."""

    line: int
    kind: str  # "definition" or "equality"
    lhs_tex: str
    rhs_tex: str
    continuation: bool
    reason: str = ""
    label: str = ""
    number: int = 0
    proof: Proof = field(default_factory=lambda: Proof("unproven"))
    expect_wrong: bool = False
    #: the relation the step claims: ``=``, or an inequality (``\le``, ``<``, ``\ge``, ``>``)
    relation: str = "="
    #: what SymPy read for the two sides, as LaTeX (for the reader; kept in the build cache)
    read_tex: tuple = ("", "")
    #: what SymPy read for the two sides (not kept in the build cache)
    lhs_expr: object = field(default=None, repr=False, compare=False)
    rhs_expr: object = field(default=None, repr=False, compare=False)


@dataclass
class Block:
    start: int  # line of the opening fence (1-based)
    end: int  # line of the closing fence
    indent: str
    lines: list  # (line number, text)
    steps: list = field(default_factory=list)
    declarations: list = field(default_factory=list)  # (line, tex)
    #: the declarations (``where`` parts, as written) of the names the block's steps use,
    #: wherever on the page they were declared: shown to the reader with the block
    assumptions: list = field(default_factory=list)


@dataclass
class CheckedPage:
    path: str
    blocks: list
    failures: list  # (line, message)
    labels: dict  # label -> (number, line)
    seconds: float = 0.0
    notation: Notation | None = field(default=None, repr=False)
    #: display math in the prose (see :mod:`lrmath.checker.displays`)
    displays: list = field(default_factory=list)

    def expression(self, label: str, unfold: bool = True):
        """The SymPy expression of the right side of the step labelled ``label``.

        With ``unfold`` the page's definitions are substituted and derivatives
        evaluated, so that the result is in the page's base variables: the very
        expression the checker proved, ready for :func:`sympy.lambdify`. A vector
        is returned as its entry for the symbol ``j`` (or a fresh index).
        """
        from lrmath.checker.proving import evaluate

        if self.failures:
            raise ValueError(f"{self.path} has failing steps: " + "; ".join(self.messages()))
        step = next((s for s in self.steps if s.label == label), None)
        if step is None:
            raise KeyError(f"no step labelled {label!r} on {self.path}; labels: {sorted(self.labels)}")
        value = step.rhs_expr
        if isinstance(value, Vec):
            j = self.notation.names["j"].value if "j" in self.notation.names else self.notation.fresh_index(value.length)
            value = value.component(j)
        return evaluate(value, self.notation, levels=None) if unfold else value

    def without_expressions(self) -> "CheckedPage":
        """A copy that can be pickled (for the build cache): no SymPy objects, no notation."""
        import copy

        light = copy.copy(self)
        light.notation = None
        light.blocks = copy.deepcopy([_strip(b) for b in self.blocks])
        return light

    def messages(self) -> list[str]:
        """The failures as ``path:line: message``, in line order."""
        return [f"{self.path}:{line}: {message}" for line, message in sorted(self.failures)]

    @property
    def steps(self) -> list:
        return [s for b in self.blocks for s in b.steps]

    @property
    def proven(self) -> int:
        return sum(s.kind == "equality" and s.proof.status == "proven" for s in self.steps)


def _strip(block: Block) -> Block:
    import copy

    out = copy.copy(block)
    out.steps = [copy.copy(s) for s in block.steps]
    for step in out.steps:
        step.lhs_expr = step.rhs_expr = None
    return out


def load_course_page(name: str) -> CheckedPage:
    """Check a page of the course (``docs/<name>``) and return it, for notebooks.

    The pages ship inside the package (``lrmath/course/``, copied from ``docs/``
    when the wheel is built), so an installed ``lrmath`` finds them anywhere; in
    a clone of the repository, ``docs/`` itself is read.

    >>> load_course_page("03-sigmoid-derivative.md").expression("sigmoid-derivative")
    (1 - 1/(1 + exp(-z)))/(1 + exp(-z))
    >>> load_course_page("no-such-page.md")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    FileNotFoundError: course page 'no-such-page.md' not found in ...
    """
    from pathlib import Path

    package = Path(__file__).resolve().parents[1]
    places = [package / "course"]
    if (package.parent / "mkdocs.yml").exists():  # a clone of the repository
        places.insert(0, package.parent / "docs")
    for place in places:
        if (place / name).is_file():
            path = place / name
            return check_page(path.read_text(encoding="utf-8"), str(path), time_limit=None)
    raise FileNotFoundError(f"course page {name!r} not found in " + " or ".join(str(p) for p in places))


INLINE_CODE = re.compile(r"(`+).+?\1")


def find_blocks(markdown: str) -> list:
    """The derivation blocks of a page, with the line numbers of their fences.

    They are the blocks the site's build renders (see :mod:`lrmath.checker.fences`): a
    derivation shown *inside* another code block (as on the authors' page) is text, not a
    block, and a fence written ``~~~ derivation`` or indented in an admonition is one.
    """
    return [
        Block(b.start, b.end, b.indent, [(b.start + 1 + i, text) for i, text in enumerate(b.body)])
        for b in code_blocks(markdown)
        if b.language == LANGUAGE
    ]


def prose_lines(markdown: str):
    """(line number, text) of the lines outside code blocks, inline code removed."""
    code = {n for b in code_blocks(markdown) for n in range(b.start, b.end + 1)}
    for number, text in enumerate(source_lines(markdown), 1):
        if number not in code:
            yield number, INLINE_CODE.sub("", text)


def _split_reason(text: str) -> tuple[str, str]:
    if " # " in text or text.lstrip().startswith("# "):
        math, _, reason = text.partition(" # ") if " # " in text else ("", "", text.lstrip()[2:])
        return math.rstrip(), reason.strip()
    return text.rstrip(), ""


_RELATION_COMMAND = re.compile(r"\\(le|leq|ge|geq|lt|gt)(?![A-Za-z])")


def _split_relations(text: str) -> tuple[list[str], list[str]]:
    r"""Split a claim at its relations outside braces: ``=``, ``<``, ``>``, ``\le``, ``\ge`` ...

    Returns the parts and the relations between them (one fewer).

    >>> _split_relations(r"a = \frac{b}{c} \le d")
    (['a ', ' \\frac{b}{c} ', ' d'], ['=', '\\le'])
    """
    parts, relations, depth, start, i = [], [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            command = _RELATION_COMMAND.match(text, i)
            if command and depth == 0:
                parts.append(text[start:i])
                relations.append(command.group())
                start = i = command.end()
                continue
            i += 2
            continue
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            depth -= 1
        elif ch in "=<>" and depth == 0:
            parts.append(text[start:i])
            relations.append(ch)
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts, relations


_BROKEN = object()  # stands for "the line above could not be read"

#: the index shown for "entry ⋆ of a vector" when a vector step's reading is typeset
_ENTRY = sp.Symbol(r"\star", integer=True, positive=True)


_DECLARATION = re.compile(r"^(?P<names>.*?)\s*(?P<rest>(?:\\in(?![A-Za-z])|>|<|\\geq?(?![A-Za-z])).*)$")


def _only(part: str, names: list) -> str:
    r"""A ``where`` part cut down to the names used, as the author wrote them.

    >>> _only(r"b, z \in \mathbb{R}", ["z"])
    'z \\in \\mathbb{R}'
    """
    match = _DECLARATION.match(part)
    if not match:
        return part
    written = [n.strip() for n in match.group("names").split(",")]
    wanted = {re.sub(r"\s+", "", n) for n in names}
    kept = [n for n in written if re.sub(r"\s+", "", n) in wanted]
    return f"{', '.join(kept)} {match.group('rest')}" if kept and len(kept) < len(written) else part


def _values_of(expr) -> list:
    """The SymPy expressions inside a side (a vector gives its entry, a matrix nothing)."""
    if isinstance(expr, Vec):
        return [expr.component(_ENTRY)]
    return [expr] if isinstance(expr, sp.Basic) else []


def _latex(expr) -> str:
    r"""What SymPy read, as LaTeX; a vector as its entry :math:`\star`.

    >>> _latex(sp.Symbol("z") ** 2 / 2)
    '\\frac{z^{2}}{2}'
    """
    values = _values_of(expr)
    if not values:
        return ""
    try:
        return sp.latex(_tidy(values[0]), order="none")
    except Exception:  # printing must never fail a check: show nothing rather than crash
        return ""


def _tidy(e):
    r"""The reading without the reader's bookkeeping: factors 1 dropped, products of numbers done.

    Nothing else is evaluated, so the typeset reading is still what was read (``z/z`` stays).

    >>> sp.latex(_tidy(sp.Mul(sp.Integer(1), sp.Rational(1, 2), evaluate=False) * sp.Symbol("z")), order="none")
    '\\frac{z}{2}'
    """
    if not isinstance(e, sp.Basic) or not e.args or isinstance(e, (sp.Indexed, sp.IndexedBase, sp.Symbol)):
        return e
    args = [_tidy(a) for a in e.args]
    if isinstance(e, (sp.Mul, sp.Add)):
        flat = [b for a in args for b in (a.args if isinstance(a, e.func) else (a,))]
        if isinstance(e, sp.Add):
            return sp.Add(*flat, evaluate=False)
        if all(a.is_Number for a in flat):
            return sp.Mul(*flat)
        flat = [a for a in flat if a != 1] or [sp.S.One]
        return flat[0] if len(flat) == 1 else sp.Mul(*flat, evaluate=False)
    if isinstance(e, sp.Pow):
        return sp.Pow(*args, evaluate=False)
    if isinstance(e, (sp.Derivative, sp.Sum, sp.Product, sp.Limit)):
        return e.func(*args)
    if isinstance(e, sp.Function):
        return e.func(*args, evaluate=False)
    return e


class _PageChecker:
    def __init__(self, path: str, skip: dict | None = None, progress=None):
        self.path = path
        self.skip = skip or {}  # line -> message: lines not to check again (they timed out)
        self.progress = progress or (lambda line: None)  # told each line before it is checked
        self.prove = prove  # (the cache replays a stored block with a stand-in)
        self.nt = Notation()
        self.failures: list[str] = []
        self.labels: dict[str, tuple[int, int]] = {}
        self.declared_in: dict[str, str] = {}  # name -> the `where` part that declared it
        self.previous = None  # (expression, tex) that a continuation line continues from
        #: function -> [(parameter name, declared domain of the parameter)]: its arguments must lie there
        self.parameter_domains: dict = {}

    def read(self, tex: str, bound: dict | None = None):
        """Read ``tex``; refuse it if it means something only by a convention (see :mod:`lrmath.checker.domains`)."""
        self.nt.obligations.clear()
        value = read(tex, self.nt, bound)
        problem = unmet(self.nt)
        if problem is None:
            scalar = value.component(sp.Symbol("k_entry", integer=True, positive=True)) if isinstance(value, Vec) else value
            problem = convention_problem(scalar, self.nt, self.parameter_domains)
        self.nt.obligations.clear()
        if problem:
            raise ReadError(f"`{tex}`: {problem}")
        return value

    def fail(self, line: int, message: str) -> None:
        self.failures.append((line, message))

    def block(self, block: Block) -> None:
        self.previous = None
        self.nt.begin_block()
        # `where w_j \neq 0` holds for its own block only
        self.nt.__dict__.pop("nonzero_facts", None)
        self.nt.__dict__.pop("_sign_memo", None)
        if not any(text.strip() for _, text in block.lines):
            self.fail(block.start, "this derivation block is empty")
        for line, raw in block.lines:
            if not raw.strip():
                continue
            labels = LABEL.findall(raw)
            if len(labels) > 1:
                self.fail(line, "a line may carry one \\label")
            label = labels[0] if labels else ""
            if line in self.skip:
                self.fail(line, self.skip[line])
                self.previous = _BROKEN
                continue
            self.progress(line)
            try:
                math, reason = _split_reason(LABEL.sub("", raw).strip())
                self.line(block, line, math, reason, label)
            except ReadError as exc:
                self.fail(line, exc.message + (f" (column {exc.column} of the math)" if exc.column else ""))
                self.previous = _BROKEN  # its continuation lines cannot be checked: say so once
            except Exception as exc:  # noqa: BLE001 - any failure is this line's, never a traceback
                self.fail(line, failure_message(exc))
                self.previous = _BROKEN
        block.assumptions = self.assumptions(block)

    def assumptions(self, block: Block) -> list:
        """The ``where`` parts declaring the names that the block's steps mention, in page order."""
        used = set()
        for step in block.steps:
            for expr in (step.lhs_expr, step.rhs_expr):
                for value in _values_of(expr):
                    used |= value.free_symbols | {i.base for i in value.atoms(sp.Indexed)}
                    used |= {f.func for f in value.atoms(sp.Function)}
        names_by_part: dict[str, list] = {}
        for name, entry in self.nt.names.items():
            part = self.declared_in.get(name)
            if part and entry.value in used:
                names_by_part.setdefault(part, []).append(name)
        order = list(dict.fromkeys(self.declared_in.values()))
        return [_only(part, names_by_part[part]) for part in sorted(names_by_part, key=order.index)]

    def line(self, block: Block, line: int, math: str, reason: str, label: str) -> None:
        keyword, _, rest = math.partition(" ")
        if keyword == "where":
            for part in rest.split(";"):
                if part.strip():
                    before = set(self.nt.names)
                    nonzero = NONZERO.fullmatch(part.strip())
                    if nonzero:
                        self.assume_nonzero(nonzero.group(1).strip())
                    else:
                        self.nt.declare(part.strip())
                    block.declarations.append((line, part.strip()))
                    for name in set(self.nt.names) - before:
                        self.declared_in[name] = part.strip()
            return
        numeric_reason = None
        if reason.lower().startswith("numeric:"):
            numeric_reason = reason.split(":", 1)[1].strip()
            if not numeric_reason:
                raise ReadError("a `numeric:` step needs a written reason after the colon")
        expect_wrong = reason.lower().startswith("wrong:")
        if keyword == "define":
            parts, relations = _split_relations(rest)
            if len(parts) < 2 or relations[0] != "=":
                raise ReadError("a definition reads `define name = expression`")
            self.define(block, line, parts[0].strip(), parts[1].strip(), reason, label if len(parts) == 2 else "")
            rest_parts, relations = parts[1:], relations[1:]
            continuation = True  # further `=` on a define line continue from its body
        else:
            rest_parts, relations = _split_relations(math)
            continuation = not rest_parts[0].strip()
            if continuation:
                if self.previous is _BROKEN:
                    if label:  # keep its number, so references to it do not fail as well
                        self.number(Step(line, "equality", "", "", True, label=label))
                    return
                if self.previous is None:
                    raise ReadError("a line that starts with `=` must follow an equation")
                rest_parts[0] = self.previous[1]
            elif len(rest_parts) < 2:
                raise ReadError("a step must be an equation `A = B` or an inequality `A \\le B` (or start with `=` to continue)")
        if len(rest_parts) < 2:
            return
        if expect_wrong and len(rest_parts) > 2:
            raise ReadError("`wrong:` marks one step: write the wrong step `A = B` on a line of its own")
        exprs = [self.read(p.strip()) for p in rest_parts]
        if continuation:
            exprs[0] = self.previous[0]
        for i in range(1, len(exprs)):
            step = Step(
                line,
                "equality",
                rest_parts[0].strip() if (i == 1 and not continuation) else "",
                rest_parts[i].strip(),
                continuation or i > 1,
                reason=reason if i == len(exprs) - 1 else "",
                label=label if i == len(exprs) - 1 else "",
                expect_wrong=expect_wrong,
            )
            step.lhs_expr, step.rhs_expr = exprs[i - 1], exprs[i]
            step.read_tex = (_latex(exprs[i - 1]), _latex(exprs[i]))
            step.relation = relations[i - 1]
            if step.relation == "=":
                step.proof = self.prove(exprs[i - 1], exprs[i], self.nt, numeric_reason)
            elif numeric_reason is not None:
                raise ReadError("an inequality cannot be checked `numeric:` only: prove it, or split it into steps")
            else:
                step.proof = prove_inequality(exprs[i - 1], exprs[i], step.relation, self.nt)
            self.judge(step)
            self.number(step)
            block.steps.append(step)
        self.previous = (exprs[-1], rest_parts[-1].strip())

    def judge(self, step: Step) -> None:
        status = step.proof.status
        if step.expect_wrong:
            if status == "unproven" and not isinstance(step.lhs_expr, Vec):
                # not refuted at the quick points: search every magnitude before calling it true
                gap, point = numeric_difference(step.lhs_expr, step.rhs_expr, self.nt, trials=8, seeds=4, hard=True)
                if gap is not None and gap > 1e-6 and confirmed_counterexample(step.lhs_expr, step.rhs_expr, self.nt, point):
                    status = step.proof.status = "refuted"
                    step.proof.confirmed = True
            if status in ("proven", "numeric"):
                self.fail(step.line, "this step is marked `wrong:` but it holds: " + step.proof.method)
            elif status != "refuted" or not step.proof.confirmed:
                self.fail(
                    step.line,
                    "this step is marked `wrong:` but no counterexample confirmed in high precision was found "
                    "inside the declared domains: it may be true; a `wrong:` step needs a real counterexample",
                )
            else:
                step.proof.status = "expected-wrong"
            return
        if status == "refuted":
            self.fail(step.line, step.proof.detail)
        elif status == "unproven":
            self.fail(step.line, step.proof.detail or "not proven")

    def number(self, step: Step) -> None:
        if step.label:
            if step.label in self.labels:
                self.fail(step.line, f"the label `{step.label}` is used twice (first on line {self.labels[step.label][1]})")
                return
            step.number = len(self.labels) + 1
            self.labels[step.label] = (step.number, step.line)

    def assume_nonzero(self, tex: str) -> None:
        r"""``where w_j \neq 0``: a declared name, or every entry of a declared vector, is not 0.

        This is how a page says "wherever no weight is zero", so that a derivative of
        ``|w_j|`` is allowed; like every ``where``, the reader sees it beside the block.
        """
        value = read(tex, self.nt)
        if isinstance(value, sp.Indexed) and all(isinstance(i, sp.Symbol) for i in value.indices):
            assume_nonzero(self.nt, value.base)
        elif isinstance(value, sp.Symbol) and value not in self.nt.definitions:
            assume_nonzero(self.nt, value)
        else:
            raise ReadError(rf"`{tex} \neq 0`: only a declared name or an entry such as w_j can be declared non-zero")

    def _entry_domain(self, base) -> str:
        """The declared domain of the entries ``base[i]`` ('' for real numbers)."""
        for d in self.nt.names.values():
            if d.kind in ("vector", "matrix") and d.value == base:
                return "probability" if d.probability else ("binary" if base.label.is_integer else "")
        for d in self.nt.names.values():  # \hat{y}_i, entries of a scalar name: its domain
            if d.kind == "scalar" and base == sp.IndexedBase(d.value.name, **d.value.assumptions0):
                return d.domain if d.domain not in ("real", "defined") else ""
        return ""

    def define(self, block: Block, line: int, target: str, body_tex: str, reason: str, label: str) -> None:
        tokens = tokenize(target)
        name, pos = _name_of(tokens, 0)
        nt = self.nt
        if tokens[pos].text == "(":  # a function: f(x) = ...
            params = []
            pos += 1
            while True:
                pname, pos = _name_of(tokens, pos)
                params.append(pname)
                if tokens[pos].text == ",":
                    pos += 1
                    continue
                break
            if tokens[pos].text != ")" or tokens[pos + 1].kind != "end":
                raise ReadError(f"cannot read the left side `{target}` of the definition")
            for p in params:
                if p in nt.names and nt.names[p].kind in ("vector", "matrix"):
                    raise ReadError(
                        f"`{name}({p})`: a function of a vector or matrix is not read (it would be applied entry by "
                        f"entry): define its value as a name instead, e.g. `define {name} = ...`, and differentiate "
                        r"it with \nabla"
                    )
            bound = {p: (nt.names[p].value if p in nt.names and nt.names[p].kind == "scalar" else sp.Symbol(p, real=True)) for p in params}
            body = self.read(body_tex, bound)
            func = nt.define_function(name, params)
            # the body may use each parameter's declared domain; so the function is defined there only
            self.parameter_domains[func] = [
                (p, nt.names[p].domain if p in nt.names and nt.names[p].kind == "scalar" and nt.names[p].domain not in ("real", "defined") else "")
                for p in params
            ]
            nt.definitions[func] = sp.Lambda(tuple(bound.values()), body)
            value = func(*bound.values())
        elif tokens[pos].text == "_":  # an indexed name: \hat{y}_i = ...
            if name not in nt.names or nt.names[name].kind != "scalar":
                raise ReadError(rf"declare `{name}` before defining its entries (e.g. `where {name} \in \mathbb{{R}}`)")
            value = read(target, nt)
            if not isinstance(value, sp.Indexed) or not all(isinstance(i, sp.Symbol) for i in value.indices):
                raise ReadError(f"the left side `{target}` must be a name with index letters")
            body = self.read(body_tex)
            domain = self._entry_domain(value.base)
            if domain and not in_domain(body, domain, nt):
                raise ReadError(
                    f"the entries of `{name}` are declared in {DOMAIN_TEXT.get(domain, domain)}, but the definition "
                    f"`{body_tex}` is not shown to lie there: a domain is a fact to prove"
                )
            nt.indexed_definitions[value.base] = (value.indices, body)
        else:
            if tokens[pos].kind != "end":
                raise ReadError(f"cannot read the left side `{target}` of the definition")
            body = self.read(body_tex)
            if isinstance(body, Vec):
                raise ReadError("vector-valued definitions are not supported: define the entries, e.g. \\hat{y}_i = ...")
            if name in nt.names:
                entry = nt.names[name]
                if entry.kind != "scalar":
                    raise ReadError(f"`{name}` is declared as a {entry.kind} and cannot be defined as a number")
                if entry.value in nt.definitions:
                    raise ReadError(f"`{name}` is already defined")
                if entry.domain not in ("real", "defined") and not in_domain(body, entry.domain, nt):
                    raise ReadError(
                        f"`{name}` is declared in {DOMAIN_TEXT.get(entry.domain, entry.domain)}, but its definition "
                        f"`{body_tex}` is not shown to lie there: a domain is a fact to prove"
                    )
                value = entry.value
            else:
                value = sp.Symbol(name, real=True)
                nt.names[name] = Declared("scalar", value, "defined")
            nt.definitions[value] = body
        step = Step(line, "definition", target, body_tex, False, reason=reason, label=label, rhs_expr=body)
        step.read_tex = (_latex(value), _latex(body))
        step.proof = Proof("defined", method="a definition: it introduces a name and claims nothing", lhs=sp.sstr(value), rhs=sp.sstr(body))
        self.number(step)
        block.steps.append(step)
        self.previous = (body, body_tex)


def failure_message(exc: BaseException) -> str:
    """What to tell the author when the reader or the prover itself failed on a line.

    >>> failure_message(RecursionError("maximum recursion depth exceeded"))
    'the checker cannot handle this line: it is nested too deeply (RecursionError); split it into smaller steps'
    """
    if isinstance(exc, RecursionError):
        what = "it is nested too deeply"
    elif isinstance(exc, MemoryError):
        what = "proving it needs too much memory (a number or an expression too large)"
    elif isinstance(exc, OverflowError):
        what = "a number in it is too large"
    else:
        detail = str(exc).splitlines()[0][:120] if str(exc) else ""
        what = "the checker failed on it" + (f" ({detail})" if detail else "")
    return f"the checker cannot handle this line: {what} ({type(exc).__name__}); split it into smaller steps"


def check_page(markdown: str, path: str, time_limit="default") -> CheckedPage:
    """Read and prove every derivation block of a page, and check its ``\\eqref``s.

    Each line is proven in a worker process and given at most ``time_limit`` seconds
    (default: :func:`lrmath.checker.workers.default_time_limit`, 10 s or
    ``$LRMATH_TIME_LIMIT``): a line that takes longer fails with a located message, and so
    does one that crashes its worker. The result is then plain data: the SymPy
    expressions and the notation stay in the worker. With ``time_limit=None`` the page is
    checked here, unbounded, and the result keeps them (for :meth:`CheckedPage.expression`).
    """
    if time_limit is None:
        return check_page_here(markdown, path)
    from lrmath.checker import workers

    limit = workers.default_time_limit() if time_limit == "default" else float(time_limit)
    return workers.shared_pool().check([(markdown, path)], limit)[0]


def check_page_here(markdown: str, path: str, skip: dict | None = None, progress=None, run_block=None) -> CheckedPage:
    """:func:`check_page` in this process: ``skip`` maps lines to the failure to report
    instead of checking them; ``progress(line)`` is called before each line (0: not a line);
    ``run_block(checker, block)``, if given, checks each block (the cache uses it)."""
    started = time.perf_counter()
    checker = _PageChecker(path, skip, progress)
    checker.progress(0)
    try:
        cr = lone_carriage_return(markdown)
        if cr:
            return CheckedPage(path, [], [(cr, "a carriage return (\\r) without a line feed: save the page with \\n line ends")], {})
        blocks = find_blocks(markdown)
        for number in unclosed_fences(markdown):
            checker.fail(number, "this derivation block is never closed, or a line in it is indented less than its fence")
    except Exception as exc:  # noqa: BLE001
        return CheckedPage(path, [], [(1, "the page's code blocks cannot be found: " + failure_message(exc))], {})
    for block in blocks:
        if run_block is None:
            checker.block(block)
        else:
            run_block(checker, block)
    checker.progress(0)
    try:
        check_references(markdown, blocks, checker.labels, checker.failures)
    except Exception as exc:  # noqa: BLE001
        checker.fail(1, "the page's \\eqref references cannot be checked: " + failure_message(exc))
    displays, display_failures = check_displays(markdown)
    checker.failures.extend(display_failures)
    return CheckedPage(path, blocks, checker.failures, checker.labels, time.perf_counter() - started, checker.nt, displays)


def check_references(markdown: str, blocks: list, labels: dict, failures: list) -> None:
    """Every ``\\eqref{label}``, in the prose or in a step's reason, must name a numbered step."""
    reasons = [(s.line, s.reason) for b in blocks for s in b.steps if s.reason]
    for number, text in list(prose_lines(markdown)) + reasons:
        for ref in EQREF.findall(text):
            if ref not in labels:
                failures.append((number, f"\\eqref{{{ref}}} refers to no equation on this page"))
