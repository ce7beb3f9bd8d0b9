r"""Read the LaTeX of a derivation, exactly, into SymPy.

The reader accepts a small, closed part of LaTeX: the part that course pages on
logistic regression use. Everything it accepts has one meaning, and anything
else is an error that says where it is. It never guesses and never drops a token
it does not understand: that is what lets the site claim that the math on the
page is the math that was proven.

Names must be declared first, in a :class:`Notation` (a page declares them in a
``where`` line). ``e`` is always Euler's number and ``\log`` the natural log.

>>> notation = Notation()
>>> notation.declare(r"z \in \mathbb{R}")
>>> notation.declare(r"\hat{y} \in (0, 1)")
>>> read(r"\frac{1}{1 + e^{-z}}", notation)
1/(1 + exp(-z))
>>> read(r"-\log(1 - \hat{y})", notation)
-log(1 - \hat{y})

Juxtaposition is multiplication, unless the name on the left is a function:

>>> sigma = notation.define_function(r"\sigma", ["z"])
>>> read(r"\sigma(z)(1 - \sigma(z))", notation)
(1 - \sigma(z))*\sigma(z)

Derivatives are read as unevaluated derivatives; the prover evaluates them:

>>> read(r"\frac{d}{dz} e^{2z}", notation)
Derivative(exp(2*z), z)

What cannot be read is an error, with the column:

>>> read(r"q + 1", notation)
Traceback (most recent call last):
...
lrmath.checker.reading.ReadError: column 1: `q` is not declared (declare it in a `where` line, e.g. `where q \in \mathbb{R}`)

So is whatever TeX would show differently from what would be read, or a careful reader
could read two ways; the message says how to write it:

>>> read(r"\log 2z", notation)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
lrmath.checker.reading.ReadError: column 1: `\log` without brackets reads two ways ...: write \log(...) around its argument
>>> read(r"z_12", notation)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
lrmath.checker.reading.ReadError: column 3: TeX subscripts only the first digit of `12` ...: write _{12}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import sympy as sp

__all__ = ["ReadError", "Notation", "Vec", "read", "read_chain", "tokenize"]


class ReadError(ValueError):
    """LaTeX that the strict reader cannot read exactly.

    ``column`` is 1-based within the text given to :func:`read` (0 if unknown).
    """

    def __init__(self, message: str, column: int = 0):
        self.column = column
        self.message = message
        super().__init__(f"column {column}: {message}" if column else message)


# --------------------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Token:
    kind: str  # "cmd", "num", "letter", "sym", "end"
    text: str
    column: int
    #: for a delimiter written with \left or \right: the number of its \left ... \right pair
    pair: int = 0
    #: the sizing command in front of a delimiter (\left, \right, \big, ...), if any
    size: str = ""


_TOKEN = re.compile(
    r"(?P<space>[ \t\r\n]+)"
    r"|(?P<cmd>\\(?:[A-Za-z]+|[,;:! {}|]))"
    r"|(?P<num>[0-9]+(?:\.[0-9]+)?)"
    r"|(?P<letter>[A-Za-z])"
    r"|(?P<sym>[{}()\[\]^_+\-*/=',|<>.])",
    re.ASCII,
)

#: Commands that only change spacing: they are skipped.
_IGNORED = {r"\,", r"\;", r"\:", r"\!", r"\ ", r"\quad", r"\qquad", r"\displaystyle"}

#: Commands that size the delimiter after them. \left and \right also pair up (TeX
#: requires it); the others only change the size.
_SIZERS = {
    r"\left", r"\right", r"\big", r"\Big", r"\bigg", r"\Bigg", r"\bigl", r"\bigr", r"\Bigl", r"\Bigr",
    r"\biggl", r"\biggr", r"\Biggl", r"\Biggr",
}
_DELIMITERS = {"(", ")", "[", "]", "|", r"\{", r"\}", r"\lvert", r"\rvert", r"\lVert", r"\rVert", r"\|", "."}


def tokenize(text: str) -> list[Token]:
    r"""Split LaTeX into tokens; spacing commands are dropped.

    ``\left(`` and ``\right)`` become the delimiters they size, numbered as a pair, so that
    the reader can check that each ``\left`` is closed by its own ``\right``:

    >>> [(t.text, t.pair) for t in tokenize(r"\left(1 + x_{i}\right)")]
    [('(', 1), ('1', 0), ('+', 0), ('x', 0), ('_', 0), ('{', 0), ('i', 0), ('}', 0), (')', 1), ('', 0)]

    What TeX itself would reject is an error here too:

    >>> tokenize(r"\left(1 + x")
    Traceback (most recent call last):
    ...
    lrmath.checker.reading.ReadError: column 1: `\left(` is never closed by a `\right` (TeX stops with "Missing \right"): add `\right)`
    """
    tokens, pos = [], 0
    open_pairs: list[tuple[int, Token]] = []
    pairs = 0
    sizer = None
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            char = text[pos]
            if not char.isascii():
                hint = (
                    "; write the digits 0-9" if char.isdigit() or char.isnumeric()
                    else "; write the minus sign as -" if char in "\u2212\u2013\u2014"
                    else "; write it as a LaTeX command" if char.isalpha()
                    else ""
                )
                raise ReadError(f"the character {char!r} (U+{ord(char):04X}) is not ASCII LaTeX{hint}", pos + 1)
            raise ReadError(f"unexpected character {char!r}", pos + 1)
        kind = match.lastgroup
        value = match.group()
        pos = match.end()
        if kind == "space" or value in _IGNORED:
            continue
        if sizer is not None:
            size_tok = sizer
            sizer = None
            if value not in _DELIMITERS:
                raise ReadError(
                    f"`{size_tok.text}` must be followed by a delimiter such as ( ) [ ] |, not `{value}` (TeX: Missing delimiter)",
                    size_tok.column,
                )
            if value == ".":
                raise ReadError(f"`{size_tok.text}.` (an invisible delimiter) is not read: use visible brackets", size_tok.column)
            pair = 0
            if size_tok.text == r"\left":
                pairs += 1
                pair = pairs
                tok = Token(kind, value, size_tok.column, pair, size_tok.text)
                open_pairs.append((pair, tok))
                tokens.append(tok)
                continue
            if size_tok.text == r"\right":
                if not open_pairs:
                    raise ReadError(
                        f"`\\right{value}` has no `\\left` before it (TeX stops with \"Extra \\right\")", size_tok.column
                    )
                pair = open_pairs.pop()[0]
            tokens.append(Token(kind, value, size_tok.column, pair, size_tok.text))
            continue
        if value in _SIZERS:
            sizer = Token(kind, value, pos - len(value) + 1)
            continue
        tokens.append(Token(kind, value, pos - len(value) + 1))
    if sizer is not None:
        raise ReadError(f"`{sizer.text}` at the end needs a delimiter after it", sizer.column)
    if open_pairs:
        tok = open_pairs[-1][1]
        raise ReadError(
            f"`\\left{tok.text}` is never closed by a `\\right` (TeX stops with \"Missing \\right\"): add `\\right{_CLOSING.get(tok.text, tok.text)}`",
            tok.column,
        )
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


_CLOSING = {"(": ")", "[": "]", r"\{": r"\}", r"\lvert": r"\rvert", r"\lVert": r"\rVert", "|": "|"}


# --------------------------------------------------------------------------------------
# Vectors and matrices, read componentwise
# --------------------------------------------------------------------------------------

@dataclass
class Vec:
    r"""A vector-valued expression of symbolic length, known by its components.

    ``component(k)`` is the k-th component for an index symbol ``k``. Vector
    equations are proven componentwise, for a symbolic index, so they hold for
    every length.
    """

    length: sp.Expr
    component: Callable[[sp.Expr], sp.Expr]
    transposed: bool = False

    def __repr__(self) -> str:
        k = sp.Symbol("k")
        return f"Vec[{self.length}](k -> {self.component(k)})"


@dataclass
class Mat:
    rows: sp.Expr
    cols: sp.Expr
    entry: Callable[[sp.Expr, sp.Expr], sp.Expr]
    transposed: bool = False

    def T(self) -> "Mat":
        return Mat(self.cols, self.rows, lambda i, j: self.entry(j, i))


# --------------------------------------------------------------------------------------
# Notation: what a page has declared
# --------------------------------------------------------------------------------------

@dataclass
class Declared:
    """One declared name: what it is and the domain it was declared in."""

    kind: str  # "scalar", "index", "vector", "matrix", "function"
    value: object  # Symbol, IndexedBase, or Function class
    domain: str = ""
    finite_values: tuple = ()
    probability: bool = False
    length: sp.Expr | None = None
    shape: tuple | None = None
    arity: int = 0
    index_range: tuple | None = None
    #: the declaration as read (domain and sizes), and the block it was made in
    spec: tuple = ()
    block: int = 0


_DOMAIN_ASSUMPTIONS = {
    "real": {"real": True},
    "positive": {"positive": True},
    "nonnegative": {"real": True, "nonnegative": True},
    "negative": {"negative": True},
    "probability": {"positive": True},
    "binary": {"integer": True, "nonnegative": True},
    "natural": {"integer": True, "positive": True},
}


def _describe(spec: tuple) -> str:
    """A declaration's domain, in words, for messages."""
    words = {
        "real": "a real number", "positive": "a positive real", "nonnegative": "a real that is not negative",
        "negative": "a negative real", "probability": "a probability in (0, 1)", "binary": "a label in {0, 1}",
        "natural": "a positive integer",
    }
    if spec[0] in words:
        return words[spec[0]]
    if spec[0] == "index":
        return f"an index in 1..{spec[1]}"
    if spec[0] in ("vector", "onehot"):
        return f"a vector of length {spec[1]}"
    if spec[0] == "matrix":
        return f"a {spec[1]} x {spec[2]} matrix"
    return spec[0]


def _name_of(tokens: list[Token], pos: int) -> tuple[str, int]:
    """Read a name (``y``, ``\\hat{y}``, ``\\mathbf{w}``, ``\\sigma``) at ``pos``."""
    tok = tokens[pos]
    if tok.kind == "letter":
        return tok.text, pos + 1
    if tok.kind == "cmd" and tok.text in _DECORATIONS:
        if tokens[pos + 1].text == "{":
            inner, end = _name_of(tokens, pos + 2)
            if tokens[end].text != "}":
                raise ReadError(f"expected `}}` to close {tok.text}{{...}}", tokens[end].column)
            return f"{tok.text}{{{inner}}}", end + 1
        inner, end = _name_of(tokens, pos + 1)
        return f"{tok.text}{{{inner}}}", end
    if tok.kind == "cmd" and (tok.text[1:] in _GREEK or tok.text == r"\ell"):
        return tok.text, pos + 1
    if tok.kind == "cmd" and tok.text in (r"\mathrm", r"\operatorname", r"\text"):
        if tokens[pos + 1].text != "{":
            raise ReadError(f"expected `{{` after {tok.text}", tokens[pos + 1].column)
        end = pos + 2
        word = ""
        while tokens[end].kind == "letter":
            word += tokens[end].text
            end += 1
        if tokens[end].text != "}" or not word:
            raise ReadError(f"{tok.text}{{...}} must hold letters only", tokens[end].column)
        return f"\\mathrm{{{word}}}", end + 1
    raise ReadError(f"expected a name, found `{tok.text or 'end of line'}`", tok.column)


_DECORATIONS = {r"\hat", r"\bar", r"\tilde", r"\mathbf", r"\boldsymbol", r"\mathcal", r"\vec"}
_GREEK = set(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi "
    "rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Phi Psi Omega".split()
)
_VECTOR_DECORATIONS = (r"\mathbf", r"\boldsymbol", r"\vec")


def _component_base_name(name: str) -> str:
    r"""``\mathbf{w}`` -> ``w``; ``\mathbf{X}`` -> ``x``: the name its entries are written with."""
    for deco in _VECTOR_DECORATIONS:
        if name.startswith(deco + "{"):
            inner = name[len(deco) + 1 : -1]
            return inner
        for outer in _DECORATIONS - set(_VECTOR_DECORATIONS):  # \hat{\mathbf{y}} -> \hat{y}
            if name.startswith(f"{outer}{{{deco}{{") and name.endswith("}}"):
                return f"{outer}{{{name[len(outer) + len(deco) + 2 : -2]}}}"
    return name


@dataclass
class Notation:
    r"""The names a derivation may use, with their domains, and its definitions.

    Declarations are LaTeX, the way a page states them::

        y \in \{0, 1\}            a label (integer, 0 or 1; proofs may split cases)
        \hat{y} \in (0, 1)        a probability (positive, and so is 1 - \hat{y})
        z \in \mathbb{R}          a real number
        n \in \mathbb{N}          a positive integer
        i \in \{1, \dots, n\}     an index running from 1 to n
        \mathbf{w} \in \mathbb{R}^{d}            a vector; its entries are w_j
        \mathbf{X} \in \mathbb{R}^{n \times d}   a matrix; its entries are x_{ij},
                                                 its rows \mathbf{x}_i
        \lambda > 0               a positive real
        s \geq 0, t < 0           a real that is not negative; a negative real (for proofs by cases)

    >>> nt = Notation()
    >>> nt.declare(r"y, t \in \{0, 1\}")
    >>> nt.names["y"].finite_values
    (0, 1)
    """

    names: dict[str, Declared] = field(default_factory=dict)
    #: symbol or function -> definition (an expression, or a Lambda for a function)
    definitions: dict = field(default_factory=dict)
    #: IndexedBase -> (pattern indices, body) for definitions such as \hat{y}_i = \sigma(z_i)
    indexed_definitions: dict = field(default_factory=dict)
    #: what the math read so far needs in order to mean anything, for the prover to show
    #: (see :mod:`lrmath.checker.domains`): ``(kind, expression, limits)`` with kind
    #: ``nonzero`` (a denominator), ``positive`` (a log's argument), ``nonnegative``
    #: (a square root's argument) or ``power`` (``(base, exponent)``); ``limits`` are the
    #: ``(variable, point, side)`` of the limits the expression sits in
    obligations: list = field(default_factory=list)
    _limits: list = field(default_factory=list)
    _dummy_count: int = 0
    #: the number of the derivation block being read (see :meth:`begin_block`)
    block: int = 0

    def begin_block(self) -> None:
        """A new derivation block starts: an index letter may be declared again with a new range."""
        self.block += 1

    # -- declarations ------------------------------------------------------------------
    def declare(self, text: str) -> None:
        """Declare one or more names from a LaTeX statement (see the class docstring)."""
        tokens = tokenize(text)
        pos, names = 0, []
        while True:
            name, pos = _name_of(tokens, pos)
            names.append((name, tokens[pos - 1].column))
            if tokens[pos].text == ",":
                pos += 1
                continue
            break
        rel = tokens[pos]
        rest_text = text[rel.column - 1 + len(rel.text) :].strip() if rel.kind != "end" else ""
        if rel.text == r"\in":
            kind = self._domain(rest_text, rel.column + 1)
        elif rel.text == ">" and rest_text == "0":
            kind = ("positive",)
        elif rel.text in (r"\geq", r"\ge") and rest_text == "0":
            kind = ("nonnegative",)
        elif rel.text == "<" and rest_text == "0":
            kind = ("negative",)
        else:
            raise ReadError(
                r"a declaration reads `name \in domain`, `name > 0`, `name \geq 0` or `name < 0`", rel.column
            )
        for name, column in names:
            old = self.names.get(name)
            if old is not None:
                if old.spec == kind:
                    continue  # the same declaration again: nothing changes
                if old.kind == "index" and kind[0] == "index" and old.block < self.block:
                    self._add(name, kind, column)  # an index letter reused in a later block, with a new range
                    self.names[name].spec, self.names[name].block = kind, self.block
                    continue
                raise ReadError(
                    f"`{name}` is already declared" + (f" as {_describe(old.spec)}" if old.spec else "")
                    + " and cannot be declared again differently"
                    + (" (an index letter may get a new range in a later block)" if old.kind == "index" else ""),
                    column,
                )
            self._add(name, kind, column)
            self.names[name].spec = kind
            self.names[name].block = self.block

    def _domain(self, text: str, column: int) -> tuple:
        compact = re.sub(r"\s+|\\[,;!]|\\left|\\right", "", text)
        if compact == r"\mathbb{R}":
            return ("real",)
        if compact in (r"\mathbb{N}", r"\mathbb{Z}_{>0}", r"\mathbb{N}_{>0}"):
            return ("natural",)
        if compact in (r"(0,1)",):
            return ("probability",)
        if compact in (r"(0,\infty)", r"\mathbb{R}_{>0}"):
            return ("positive",)
        if compact in (r"(-\infty,0)", r"\mathbb{R}_{<0}"):
            return ("negative",)
        m = re.fullmatch(r"\\\{0,1\\\}", compact)
        if m:
            return ("binary",)
        m = re.fullmatch(r"\\\{1,\\(?:dots|ldots),([A-Za-z])\\\}", compact)
        if m:
            return ("index", m.group(1))
        m = re.fullmatch(r"\\mathbb\{R\}\^(?:\{([A-Za-z])\}|([A-Za-z]))", compact)
        if m:
            return ("vector", m.group(1) or m.group(2))
        # a vector of labels or of probabilities: \{0, 1\}^{n}, (0, 1)^{n}
        m = re.fullmatch(r"(\\\{0,1\\\}|\(0,1\))\^(?:\{([A-Za-z])\}|([A-Za-z]))", compact)
        if m:
            return ("vector", m.group(2) or m.group(3), "binary" if m.group(1).startswith("\\") else "probability")
        m = re.fullmatch(r"\\mathbb\{R\}\^\{([A-Za-z])\\times([A-Za-z])\}", compact)
        if m:
            return ("matrix", m.group(1), m.group(2))
        m = re.fullmatch(r"\\\{\\mathbf\{e\}_1,\\(?:dots|ldots),\\mathbf\{e\}_(?:\{([A-Za-z])\}|([A-Za-z]))\\\}", compact)
        if m:
            return ("onehot", m.group(1) or m.group(2))
        raise ReadError(
            "unknown domain `" + text + r"`: use \mathbb{R}, \mathbb{N}, (0, 1), \{0, 1\}, "
            r"\{1, \dots, n\}, \mathbb{R}^{d}, \mathbb{R}^{n \times d} or \{\mathbf{e}_1, \dots, \mathbf{e}_K\}",
            column,
        )

    def _size(self, letter: str, column: int) -> sp.Symbol:
        entry = self.names.get(letter)
        if entry is None or entry.domain != "natural":
            raise ReadError(rf"the size `{letter}` must be declared first, as `{letter} \in \mathbb{{N}}`", column)
        return entry.value

    def _add(self, name: str, kind: tuple, column: int) -> None:
        domain = kind[0]
        if domain in _DOMAIN_ASSUMPTIONS:
            symbol = sp.Symbol(name, **_DOMAIN_ASSUMPTIONS[domain])
            self.names[name] = Declared(
                "scalar", symbol, domain,
                finite_values=(0, 1) if domain == "binary" else (),
                probability=domain == "probability",
            )
        elif domain == "index":
            upper = self._size(kind[1], column)
            symbol = sp.Symbol(name, integer=True, positive=True)
            self.names[name] = Declared("index", symbol, "index", index_range=(sp.Integer(1), upper))
        elif domain == "vector":
            length = self._size(kind[1], column)
            entries = kind[2] if len(kind) > 2 else "real"
            base = (
                self._entries(_component_base_name(name))
                if entries == "real"
                else sp.IndexedBase(_component_base_name(name), **_DOMAIN_ASSUMPTIONS[entries])
            )
            self.names[name] = Declared("vector", base, "vector", length=length, probability=entries == "probability")
        elif domain == "onehot":  # a one-hot vector: entries in {0, 1} that sum to 1
            length = self._size(kind[1], column)
            base = sp.IndexedBase(_component_base_name(name), integer=True, nonnegative=True)
            self.names[name] = Declared("vector", base, "onehot", length=length)
        elif domain == "matrix":
            shape = (self._size(kind[1], column), self._size(kind[2], column))
            base = self._entries(_component_base_name(name).lower())
            self.names[name] = Declared("matrix", base, "matrix", shape=shape)

    def _entries(self, letter: str) -> sp.IndexedBase:
        """The entries of a matrix (or a vector declared in R^n): real numbers.

        They do not take the domain of a scalar of the same letter: a vector declared in
        ``\\mathbb{R}^{n}`` has real entries even where ``y \\in \\{0, 1\\}`` is declared.
        Declare ``\\mathbf{y} \\in \\{0, 1\\}^{n}`` or ``\\hat{\\mathbf{y}} \\in (0, 1)^{n}`` for
        entries in a smaller domain. The exception is entries already *defined*
        (``define p_k = ...`` after ``p > 0``): their domain was proven when they were
        defined, and the vector is the vector of those entries.
        """
        scalar = self.names.get(letter)
        if scalar is not None and scalar.kind == "scalar":
            defined = sp.IndexedBase(letter, **scalar.value.assumptions0)
            if defined in self.indexed_definitions:
                return defined
        return sp.IndexedBase(letter, real=True)

    def define_function(self, name: str, params: list[str]) -> sp.FunctionClass:
        """Declare ``name`` as a function of ``len(params)`` arguments."""
        if name in self.names:
            raise ReadError(f"`{name}` is already declared")
        func = sp.Function(name)
        self.names[name] = Declared("function", func, "function", arity=len(params))
        return func

    def sum_index(self, name: str, lower: sp.Expr, upper: sp.Expr) -> sp.Symbol:
        """The index of a sum whose bounds declare it: an integer, positive when the sum starts at 1 or more."""
        assumptions = {"integer": True}
        if lower.is_Integer and lower > 0:
            assumptions["positive"] = True
        elif lower.is_Integer and lower == 0:
            assumptions["nonnegative"] = True
        symbol = sp.Symbol(name, **assumptions)
        key = f"_sum_{name}_{lower}_{upper}"
        ranges = self.index_ranges()
        if symbol not in ranges:
            self.names[key] = Declared("index", symbol, "index", index_range=(lower, upper))
        return symbol

    def oblige(self, kind: str, value) -> None:
        """Record that ``value`` must be shown ``kind`` (nonzero, positive, ...) for the math to mean anything."""
        entry = sp.Symbol("k_entry", integer=True, positive=True)  # a vector's condition holds for each entry
        if isinstance(value, Vec):
            value = value.component(entry)
        if isinstance(value, tuple):
            value = tuple(v.component(entry) if isinstance(v, Vec) else v for v in value)
        if not isinstance(value, Mat) and not (isinstance(value, tuple) and any(isinstance(v, Mat) for v in value)):
            self.obligations.append((kind, value, tuple(self._limits)))

    def fresh_index(self, upper: sp.Expr) -> sp.Symbol:
        """A new index symbol running from 1 to ``upper`` (for sums and components)."""
        self._dummy_count += 1
        symbol = sp.Symbol(f"k{self._dummy_count}", integer=True, positive=True)
        self.names[f"_k{self._dummy_count}"] = Declared("index", symbol, "index", index_range=(sp.Integer(1), upper))
        return symbol

    # -- queries used by the prover ------------------------------------------------------
    def index_ranges(self) -> dict:
        return {d.value: d.index_range for d in self.names.values() if d.kind == "index"}

    def finite_symbols(self) -> dict:
        return {d.value: d.finite_values for d in self.names.values() if d.finite_values}

    def one_hot_bases(self) -> dict:
        r"""The entries of each vector declared in :math:`\{\mathbf{e}_1, \dots, \mathbf{e}_K\}`, with its length."""
        return {d.value: d.length for d in self.names.values() if d.domain == "onehot"}

    def probability_bases(self) -> set:
        out = set()
        for d in self.names.values():
            if d.probability:
                out.add(d.value)
        return out


# --------------------------------------------------------------------------------------
# The parser
# --------------------------------------------------------------------------------------

_DOTS = (r"\dots", r"\cdots", r"\ldots")
_FUNCTIONS = {r"\log": sp.log, r"\ln": sp.log, r"\exp": sp.exp, r"\tanh": sp.tanh}


class _Parser:
    def __init__(self, text: str, notation: Notation, bound: dict | None = None):
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0
        self.nt = notation
        #: names bound locally (the index of a sum, the parameter of a definition)
        self.bound: dict[str, object] = dict(bound or {})

    # -- helpers -------------------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def peek(self, offset: int = 1) -> Token:
        return self.tokens[min(self.pos + offset, len(self.tokens) - 1)]

    def error(self, message: str, token: Token | None = None) -> ReadError:
        return ReadError(message, (token or self.tok).column)

    def close(self, opener: Token, text: str) -> Token:
        r"""Consume ``text``, which closes ``opener``: a ``\left`` only by its own ``\right``."""
        tok = self.expect(text)
        if tok.pair != opener.pair:
            if opener.pair:
                raise self.error(
                    f"`\\left{opener.text}` is closed by a plain `{tok.text}`: TeX pairs it with a later "
                    f"`\\right`, so the brackets on the page do not match what was read; close it with `\\right{tok.text}`",
                    opener,
                )
            raise self.error(
                f"`\\right{tok.text}` closes a plain `{opener.text}`: write `\\left{opener.text}` ... `\\right{tok.text}` or neither",
                tok,
            )
        return tok

    def adjacent(self, first: Token, second: Token) -> bool:
        """Whether ``second`` follows ``first`` with no space between them."""
        return second.column == first.column + len(first.text)

    def expect(self, text: str) -> Token:
        if self.tok.text != text:
            found = self.tok.text or "end of line"
            raise self.error(f"expected `{text}`, found `{found}`")
        tok = self.tok
        self.pos += 1
        return tok

    def at_end(self) -> bool:
        return self.tok.kind == "end"

    # -- grammar -------------------------------------------------------------------------
    def chain(self) -> list:
        """``expr (= expr)*`` to the end of the text."""
        parts = [self.expr()]
        while self.tok.text == "=":
            self.pos += 1
            parts.append(self.expr())
        if not self.at_end():
            raise self.error(f"cannot read `{self.text[self.tok.column - 1:]}` here")
        return parts

    def expr(self):
        sign = 1
        start = self.tok
        if self.tok.text in "+-" and self.tok.kind == "sym":
            sign = -1 if self.tok.text == "-" else 1
            self.pos += 1
        value = self.term()
        if sign < 0:
            value = _neg(value)
        terms = [value]  # the terms so far, while they may still be the start of `a_1 + ... + a_d`
        while self.tok.kind == "sym" and self.tok.text in "+-":
            op = self.tok.text
            self.pos += 1
            if self.tok.text in _DOTS:
                value = self.ellipsis(terms if terms is not None else [], op, start)
                terms = None
                continue
            rhs = self.term()
            value = _add(value, _neg(rhs) if op == "-" else rhs, self)
            if terms is not None:
                terms.append(_neg(rhs) if op == "-" else rhs)
        return value

    def ellipsis(self, terms: list, op: str, start: Token):
        r"""``x_1 w_1 + \dots + x_d w_d``: a sum, when the first and last terms show the pattern.

        The first term must have index 1 where the last has a size (``d``), and be the
        last term with that size replaced by 1; a second term before the dots must be the
        pattern at 2. Anything else is refused: the dots would be a guess.
        """
        dots = self.tok
        fix = r"write the sum as \sum_{j=1}^{d} ..."
        if op != "+" or len(terms) not in (1, 2) or self.peek().text != "+":
            raise self.error(r"`\dots` is read only in `a_1 + \dots + a_d` at the start of a sum: " + fix, dots)
        self.pos += 2
        last_tok = self.tok
        last = self.term()
        if any(isinstance(t, (Vec, Mat)) for t in [*terms, last]):
            raise self.error(r"`\dots` between vectors is not read: " + fix, dots)
        sizes = {
            i for e in last.atoms(sp.Indexed) for i in e.indices
            if isinstance(i, sp.Symbol) and any(d.value == i and d.domain == "natural" for d in self.nt.names.values())
        }
        if len(sizes) != 1:
            raise self.error(
                r"the last term after `\dots` must have entries indexed by one size, as in x_d w_d: " + fix, last_tok
            )
        (size,) = sizes
        k = self.nt.fresh_index(size)

        def at(expr, old, new):
            return expr.replace(
                lambda e: isinstance(e, sp.Indexed) and old in e.indices,
                lambda e: e.base[tuple(new if i == old else i for i in e.indices)],
            )

        pattern = at(last, size, k)
        if size in pattern.free_symbols or at(terms[0], sp.Integer(1), k) != pattern or pattern == last:
            raise self.error(
                r"the terms around `\dots` do not show one pattern (the first term must be the last one at "
                f"index 1, with {size} only in subscripts): " + fix,
                dots,
            )
        if len(terms) == 2 and sp.expand(terms[1] - pattern.xreplace({k: 2})) != 0:
            raise self.error(r"the second term is not the pattern at index 2: " + fix, dots)
        return sp.Sum(pattern, (k, 1, size))

    def signed_term(self):
        """The operand of a sum, product or limit: one term, with an optional sign."""
        if self.tok.kind == "sym" and self.tok.text in "+-":
            negative = self.tok.text == "-"
            self.pos += 1
            value = self.term()
            return _neg(value) if negative else value
        return self.term()

    def continues_product(self) -> bool:
        """Whether a further factor follows (by juxtaposition, ``\\cdot``, ``\\times``, ``*`` or ``/``)."""
        return self.tok.text in (r"\cdot", r"\times", "*", "/") or self.starts_factor()

    def starts_factor(self) -> bool:
        tok = self.tok
        if tok.kind in ("letter", "num"):
            return True
        if tok.kind == "sym":
            if tok.text == "|":  # an absolute value starts, unless a bar closes the one we are in
                return not getattr(self, "_in_bars", False)
            return tok.text in "([{"
        if tok.kind == "cmd":
            return tok.text not in (r"\cdot", r"\times", r"\to", r"\in", r"\right", r"\}", r"\rvert", r"\rVert")
        return False

    def term(self):
        value = self.power()
        while True:
            tok = self.tok
            if tok.text in (r"\cdot", r"\times", "*"):
                self.pos += 1
                value = _mul(value, self.power(), self, tok)
            elif tok.text == "/":
                self.pos += 1
                rhs = self.power()
                if isinstance(rhs, (Vec, Mat)):
                    raise self.error("cannot divide by a vector", tok)
                self.nt.oblige("nonzero", rhs)
                value = _mul(value, sp.Pow(rhs, -1), self, tok)
                if self.continues_product():
                    raise self.error(
                        "a factor after `a/b` reads two ways (`a/bc` is a/(bc) to some readers, (a/b)c to others): "
                        r"write \frac{a}{b c} or (a/b) c",
                        tok,
                    )
            elif self.starts_factor():
                if tok.kind == "num":
                    raise self.error(r"a number after a factor is ambiguous: write \cdot", tok)
                value = _mul(value, self.power(), self, tok)
            else:
                return value

    def power(self):
        base = self.postfix(self.atom())
        return base

    def script(self):
        """The argument of ``^`` or ``_``: one token, or a braced group."""
        if self.tok.text == "{":
            self.pos += 1
            value = self.expr_in_group("}")
            return value
        tok = self.tok
        if tok.kind == "num":
            if len(tok.text) > 1:
                raise self.error(f"TeX would read only the first digit of `{tok.text}`: write {{{tok.text}}}")
            self.pos += 1
            return _number(tok.text)
        if tok.kind in ("letter", "cmd"):
            return self.postfix_free_atom()
        if tok.text in ("-", "+"):
            raise self.error(f"TeX puts only `{tok.text}` in the exponent here: write the exponent in braces, e.g. x^{{{tok.text}1}}")
        raise self.error(f"expected an exponent, found `{tok.text or 'end of line'}`")

    def expr_in_group(self, close: str, opener: Token | None = None):
        value = self.expr()
        if opener is None:
            self.expect(close)
        else:
            self.close(opener, close)
        return value

    def postfix(self, value):
        superscript = None
        while True:
            tok = self.tok
            if tok.text == "^":
                if superscript is not None:
                    raise self.error(
                        "a second superscript on the same base is a TeX error (Double superscript): "
                        "write (a^{b})^{c} or a^{b c}",
                        tok,
                    )
                superscript = tok
                self.pos += 1
                if self.tok.text in (r"\top", "T") and isinstance(value, (Vec, Mat)):
                    self.pos += 1
                    value = _transpose(value)
                    continue
                if self.tok.text == "{" and self.peek().text in (r"\top",) and self.peek(2).text == "}":
                    self.pos += 3
                    value = _transpose(value)
                    continue
                exponent = self.script()
                if isinstance(value, (Vec, Mat)) or isinstance(exponent, (Vec, Mat)):
                    raise self.error("powers of vectors are not defined", tok)
                if value is not sp.E:
                    self.nt.oblige("power", (value, exponent))
                value = sp.Pow(value, exponent, evaluate=False) if value is not sp.E else sp.exp(exponent)
            elif tok.text == "_":
                raise self.error(
                    "a subscript must follow a name directly (a second subscript, or one after a superscript, "
                    "is a TeX error or reads two ways): write x_{ij} or x_{i}^{2}",
                    tok,
                )
            else:
                return value

    def postfix_free_atom(self):
        """An atom for an exponent: a name or a command, without its own powers."""
        return self.atom(allow_call=False)

    def atom(self, allow_call: bool = True):
        tok = self.tok
        if tok.kind == "num":
            self.pos += 1
            return _number(tok.text)
        if tok.text in ("(", "["):
            self.pos += 1
            return self.expr_in_group(")" if tok.text == "(" else "]", tok)
        if tok.text == "{":
            raise self.error(
                "braces { } group only for TeX and are invisible on the page (`{2}{3}` shows 23): "
                "use ( ) or [ ] to group",
                tok,
            )
        if tok.text == r"\{":
            raise self.error(r"braces \{ \} are not grouping here: use ( ) or [ ]")
        if tok.text == "|":
            self.pos += 1
            return self.absolute_value("|", tok)
        if tok.kind == "cmd":
            return self.command(allow_call)
        if tok.kind == "letter":
            return self.name(allow_call)
        raise self.error(f"expected a value, found `{tok.text or 'end of line'}`")

    def command(self, allow_call: bool):
        tok = self.tok
        cmd = tok.text
        if cmd == r"\frac" or cmd == r"\dfrac" or cmd == r"\tfrac":
            return self.fraction()
        if cmd == r"\sqrt":
            self.pos += 1
            self.expect("{")
            radicand = self.expr_in_group("}")
            self.nt.oblige("nonnegative", radicand)
            return sp.sqrt(radicand)
        if cmd in _FUNCTIONS:
            self.pos += 1
            if self.tok.text == "_":
                raise self.error(r"write the natural log as \log or \ln, without a base", self.tok)
            if self.tok.text == "^":
                raise self.error(f"a power of `{cmd}` reads two ways: write ({cmd}(x))^{{2}} or {cmd}(x^{{2}})", self.tok)
            bracketed = self.tok.text in ("(", "[")
            argument = self.function_argument()
            if not bracketed and self.continues_product():
                raise self.error(
                    f"`{cmd}` without brackets reads two ways when a factor follows (`{cmd} 2x` is {cmd}(2x) to "
                    f"most readers, ({cmd} 2)x to the grammar): write {cmd}(...) around its argument",
                    tok,
                )
            if _FUNCTIONS[cmd] is sp.log:
                self.nt.oblige("positive", argument)
            return _apply(_FUNCTIONS[cmd], argument)
        if cmd == r"\infty":
            self.pos += 1
            return sp.oo
        if cmd == r"\pi":
            self.pos += 1
            return sp.pi
        if cmd == r"\max":
            self.pos += 1
            opener = self.expect("(")
            first = self.expr()
            self.expect(",")
            second = self.expr()
            self.close(opener, ")")
            if isinstance(first, (Vec, Mat)) or isinstance(second, (Vec, Mat)):
                raise self.error(r"\max takes two numbers", tok)
            return sp.Max(first, second)
        if cmd == r"\lvert":
            self.pos += 1
            return self.absolute_value(r"\rvert", tok)
        if cmd in (r"\sum", r"\prod"):
            return self.big_operator(sp.Sum if cmd == r"\sum" else sp.Product)
        if cmd == r"\lim":
            return self.limit()
        if cmd == r"\nabla":
            return self.gradient()
        if cmd == r"\lVert":
            return self.norm()
        if cmd == r"\partial":
            raise self.error(r"\partial belongs in \frac{\partial f}{\partial x}")
        if cmd in _DECORATIONS or cmd[1:] in _GREEK or cmd in (r"\mathrm", r"\operatorname", r"\text", r"\ell"):
            return self.name(allow_call)
        raise self.error(f"`{cmd}` is not part of the notation the checker reads")

    def absolute_value(self, close: str, tok: Token):
        r"""``|x|`` or ``\lvert x \rvert``; a bar inside bars is ambiguous and an error."""
        if close == "|" and getattr(self, "_in_bars", False):
            raise self.error(r"a bar inside |...| is ambiguous: write \lvert ... \rvert", tok)
        outer, self._in_bars = getattr(self, "_in_bars", False), close == "|" or getattr(self, "_in_bars", False)
        try:
            value = self.expr()
        finally:
            self._in_bars = outer
        if isinstance(value, (Vec, Mat)):
            raise self.error(r"the absolute value of a vector: write the norm \lVert ... \rVert_1 or \lVert ... \rVert", tok)
        if self.tok.text != close:
            raise self.error(f"expected `{close}` to close the absolute value", tok)
        self.close(tok, close)
        return sp.Abs(value)

    def norm(self):
        r"""``\lVert v \rVert_1`` (sum of absolute values), ``\lVert v \rVert`` = ``\lVert v \rVert_2`` (Euclidean)."""
        tok = self.tok
        self.pos += 1
        inner = self.expr_in_group(r"\rVert", tok)
        if not isinstance(inner, Vec):
            raise self.error(r"\lVert ... \rVert is the norm of a vector; for a number write \lvert ... \rvert", tok)
        which = "2"
        if self.tok.text == "_":
            self.pos += 1
            which = self.tok.text
            if which not in ("1", "2"):
                raise self.error(r"the norm is \lVert v \rVert_1 or \lVert v \rVert_2", self.tok)
            self.pos += 1
        k = self.nt.fresh_index(inner.length)
        if which == "1":
            return sp.Sum(sp.Abs(inner.component(k)), (k, 1, inner.length))
        return sp.sqrt(sp.Sum(inner.component(k) ** 2, (k, 1, inner.length)))

    def function_argument(self):
        if self.tok.text in ("(", "["):
            return self.atom()
        return self.postfix(self.atom())

    def fraction(self):
        self.pos += 1
        start = self.pos
        derivative = self.derivative_fraction()
        if derivative is not None:
            return derivative
        self.pos = start
        if self.tok.text != "{":
            raise self.error(
                r"write the numerator and denominator of \frac in braces, e.g. \frac{1}{2} "
                r"(TeX reads \frac12 as one half, but \frac123 as one half times 3)"
            )
        self.expect("{")
        num = self.expr_in_group("}")
        self.expect("{")
        den = self.expr_in_group("}")
        if isinstance(den, (Vec, Mat)):
            raise self.error("cannot divide by a vector")
        self.nt.oblige("nonzero", den)
        return _mul(num, sp.Pow(den, -1), self, self.tok)

    def derivative_fraction(self):
        r"""``\frac{d}{dz} F``, ``\frac{dF}{dz}``, ``\frac{\partial F}{\partial w_j}``; else None.

        ``\frac{d...}{d z}`` is a derivative even where ``d`` also names a size: the
        denominator ``d`` followed by a variable is read the way every reader reads it.
        """
        if self.tok.text != "{":
            return None
        start_tok = self.tokens[self.pos - 1]
        head = self.peek()
        d_is_a_name = "d" in self.nt.names or "d" in self.bound
        is_d = head.kind == "letter" and head.text == "d" and (not d_is_a_name or self._denominator_starts_with_d())
        is_partial = head.text == r"\partial"
        if not (is_d or is_partial):
            return None
        self.pos += 2  # '{' and 'd' / '\partial'
        order = 1
        if self.tok.text == "^":
            self.pos += 1
            order_tok = self.tok
            if order_tok.kind != "num":
                raise self.error("the order of a derivative must be a number")
            order = int(order_tok.text)
            self.pos += 1
        operand = None
        if self.tok.text != "}":
            operand = self.expr()
        self.expect("}")
        self.expect("{")
        marker = self.tok
        if not ((is_d and marker.text == "d") or (is_partial and marker.text == r"\partial")):
            raise self.error(
                r"a derivative reads \frac{d f}{d x} or \frac{\partial f}{\partial x}; the two must match",
                marker,
            )
        self.pos += 1
        variable = self.variable()
        if order == 2 and is_partial and self.tok.text == r"\partial":
            # a mixed second derivative, \frac{\partial^2 F}{\partial a \partial b}
            self.pos += 1
            second = self.variable()
            self.expect("}")
            if operand is None:
                operand = self.operator_operand(start_tok)
            return _mixed_derivative(operand, variable, second, self)
        if order > 1:
            if self.tok.text != "^":
                raise self.error(
                    f"write the denominator of an order-{order} derivative as d x^{order}"
                    + (r" (or \partial a \partial b for a mixed one)" if order == 2 and is_partial else "")
                )
            self.pos += 1
            if self.tok.text != str(order):
                raise self.error(f"the order in the denominator must be {order}")
            self.pos += 1
        self.expect("}")
        if operand is None:
            operand = self.operator_operand(start_tok)
        return _derivative(operand, variable, order, self)

    def operator_operand(self, operator: Token):
        r"""What ``\frac{d}{dz}`` or ``\nabla_{\mathbf{w}}`` is applied to: exactly one factor.

        ``\frac{d}{dz} 2z`` reads two ways (the derivative of 2z, or of 2 alone, times z):
        a product after the operator must be put in brackets.
        """
        operand_tok = self.tok
        operand = self.power()
        if self.continues_product():
            op_text = self.text[operator.column - 1 : operand_tok.column - 1].strip()
            rest = self.text[operand_tok.column - 1 :].strip()
            raise self.error(
                f"`{op_text}` is followed by a product, and it is not clear whether it applies to the first "
                f"factor only or to all of them: write {op_text}\\left[ {_shorten(rest)} \\right] to differentiate "
                f"the whole product (or move the factors it does not apply to in front of it)",
                operator,
            )
        return operand

    def _denominator_starts_with_d(self) -> bool:
        """Whether the second group of the ``\\frac`` at ``self.pos`` starts with the letter d."""
        depth, pos = 0, self.pos
        while pos < len(self.tokens) - 1:
            text = self.tokens[pos].text
            depth += text == "{"
            depth -= text == "}"
            pos += 1
            if depth == 0:
                break
        return (
            self.tokens[pos].text == "{"
            and self.tokens[pos + 1].text == "d"
            and self.tokens[pos + 2].text not in ("}", "^", "")
        )

    def variable(self):
        """A differentiation or limit variable: a declared scalar, or an entry like w_j."""
        tok = self.tok
        value = self.name(allow_call=False)
        if isinstance(value, (Vec, Mat)):
            raise self.error(r"differentiate by a vector with \nabla_{\mathbf{w}}, or by an entry such as w_j", tok)
        if not isinstance(value, (sp.Symbol, sp.Indexed)):
            raise self.error("a derivative or limit must be taken with respect to a single name", tok)
        return value

    def gradient(self):
        tok = self.tok
        self.pos += 1
        self.expect("_")
        brace = self.tok.text == "{"
        if brace:
            self.pos += 1
        name, self.pos = _name_of(self.tokens, self.pos)
        if brace:
            self.expect("}")
        entry = self.nt.names.get(name)
        if entry is None or entry.kind != "vector":
            raise self.error(rf"\nabla_{{{name}}}: `{name}` is not a declared vector", tok)
        operand = self.operator_operand(tok)
        if isinstance(operand, (Vec, Mat)):
            raise self.error(r"\nabla of a vector is not defined here", tok)
        base = entry.value
        return Vec(entry.length, lambda j: _derivative(operand, base[j], 1, self))

    def big_operator(self, cls):
        r"""``\sum_{i=1}^{n} body``, ``\prod_{i=1}^{n} body``, or ``\sum_i body`` over a declared index.

        The bounds declare the index for the body (it need not be declared on the page);
        a bare ``\sum_i`` sums over the range ``i`` was declared with, and is refused when
        it has none.
        """
        tok = self.tok
        self.pos += 1
        self.expect("_")
        braced = self.tok.text == "{"
        if braced:
            self.pos += 1
        index_tok = self.tok
        index_name, self.pos = _name_of(self.tokens, self.pos)
        entry = self.nt.names.get(index_name)
        symbol_name = cls is sp.Sum and r"\sum" or r"\prod"
        if not braced or self.tok.text == "}":  # \sum_i: over the declared range of i
            if braced:
                self.pos += 1
            if self.tok.text == "^":
                raise self.error(f"write the range as {symbol_name}_{{{index_name}=1}}^{{n}}", self.tok)
            if entry is None or entry.kind != "index":
                raise self.error(
                    f"`{symbol_name}_{index_name}` does not say the range of `{index_name}`: write "
                    f"{symbol_name}_{{{index_name}=1}}^{{n}}, or declare it (where {index_name} \\in \\{{1, \\dots, n\\}})",
                    index_tok,
                )
            index = entry.value
            lower, upper = entry.index_range
            bound = {}
        else:
            self.expect("=")
            lower = self.expr()
            self.expect("}")
            self.expect("^")
            upper = self.script()
            if isinstance(lower, (Vec, Mat)) or isinstance(upper, (Vec, Mat)):
                raise self.error("the bounds of a sum are numbers", tok)
            if entry is not None and entry.kind == "index":
                index, bound = entry.value, {}
            elif entry is not None and index_name not in self.bound:
                raise self.error(
                    f"`{index_name}` is declared as a {entry.kind} on this page and cannot also be the index of a sum: "
                    "use another letter",
                    index_tok,
                )
            else:  # the bounds declare the index, for the body only
                index = self.nt.sum_index(index_name, lower, upper)
                bound = {index_name: index}
        saved = {k: self.bound[k] for k in bound if k in self.bound}
        self.bound.update(bound)
        try:
            body = self.signed_term()
        finally:
            for k in bound:
                self.bound.pop(k, None)
            self.bound.update(saved)
        if isinstance(body, (Vec, Mat)):
            if cls is sp.Product:
                raise self.error("a product of vectors is not defined", tok)
            return Vec(body.length, lambda k: sp.Sum(body.component(k), (index, lower, upper)))
        return cls(body, (index, lower, upper))

    def limit(self):
        tok = self.tok
        self.pos += 1
        self.expect("_")
        self.expect("{")
        variable = self.variable()
        self.expect(r"\to")
        point = self.atom() if self.tok.text != "-" else None
        if point is None:
            self.pos += 1
            point = -self.atom()
        direction = "+-"
        if self.tok.text == "^":
            self.pos += 1
            sign = self.tok.text
            if sign == "{":
                self.pos += 1
                sign = self.tok.text
                self.pos += 1
                self.expect("}")
            else:
                self.pos += 1
            if sign not in "+-":
                raise self.error("a one-sided limit reads a^+ or a^-", tok)
            direction = sign
        self.expect("}")
        if direction == "+-" and point not in (sp.oo, -sp.oo):
            raise self.error("say from which side the limit is taken: write 0^+ or 1^-", tok)
        if point in (sp.oo, -sp.oo):
            direction = "-" if point == sp.oo else "+"
        self.nt._limits.append((variable, point, direction))
        try:
            body = self.signed_term()
        finally:
            self.nt._limits.pop()
        return sp.Limit(body, variable, point, dir=direction)

    def name(self, allow_call: bool = True):
        tok = self.tok
        name, self.pos = _name_of(self.tokens, self.pos)
        if name == "e" and "e" not in self.nt.names and "e" not in self.bound:
            self._not_an_application(name, tok)
            return sp.E
        if name == r"\delta" and name not in self.nt.names and name not in self.bound:
            return self.kronecker_delta(tok)
        if name in self.bound:
            value = self.bound[name]
            if isinstance(value, sp.Symbol) and self.tok.text == "_":
                raise self.error(f"`{name}` is a parameter here and takes no subscript")
            return value
        entry = self.nt.names.get(name)
        if entry is None and name == r"\mathrm{sign}":  # \operatorname{sign}(x): -1, 0 or 1
            if self.tok.text != "(":
                raise self.error(r"\operatorname{sign} must be applied to an argument in parentheses", tok)
            argument = self.atom()
            if isinstance(argument, Mat):
                raise self.error(r"\operatorname{sign} of a matrix is not defined", tok)
            return _apply(sp.sign, argument)
        if entry is None:
            row = self._row_of_matrix(name, tok)
            if row is not None:
                return row
        if entry is None or (entry.kind == "scalar" and self.tok.text == "_"):
            # y_i names the entries of a declared \mathbf{y}, not copies of the scalar y
            entry = self._component_entry(name) or entry
        if entry is None:
            raise self.error(
                f"`{name}` is not declared (declare it in a `where` line, e.g. `where {name} \\in \\mathbb{{R}}`)", tok
            )
        if entry.kind == "function":
            return self.call(entry, name, tok, allow_call)
        if self.tok.text == "_":
            value = self.subscripted(entry, name, tok)
        else:
            value = None
        self._not_an_application(name, tok)
        if value is not None:
            return value
        if entry.kind == "vector":
            base = entry.value
            return Vec(entry.length, lambda k: base[k])
        if entry.kind == "matrix":
            base = entry.value
            return Mat(entry.shape[0], entry.shape[1], lambda i, j: base[i, j])
        return entry.value

    def _not_an_application(self, name: str, tok: Token) -> None:
        r"""``\hat{y}(z)`` looks like a function applied to z, but ``\hat{y}`` is a number here: refuse.

        A product with a longer bracket, ``y(1 - y)``, reads one way only and is accepted.
        """
        if self.tok.text != "(":
            return
        try:
            inner, end = _name_of(self.tokens, self.pos + 1)
        except ReadError:
            return
        if self.tokens[end].text in (")", ","):
            raise self.error(
                f"`{name}({inner})` looks like a function applied to `{inner}`, but `{name}` is not a function: "
                f"write {name} \\cdot {inner} for a product, or `define {name}({inner}) = ...` for a function",
                tok,
            )

    def kronecker_delta(self, tok: Token):
        r"""``\delta_{kj}``, an undeclared ``\delta`` with two indices: 1 if k = j, else 0."""
        if self.tok.text != "_":
            raise self.error(r"an undeclared \delta is the Kronecker delta and needs two indices, e.g. \delta_{kj}", tok)
        self.pos += 1
        indices = self.subscript_indices()
        if len(indices) != 2:
            raise self.error(r"the Kronecker delta takes two indices, e.g. \delta_{kj}", tok)
        return sp.KroneckerDelta(*indices)

    def _row_of_matrix(self, name: str, tok: Token):
        r"""``\mathbf{x}_i``, the i-th row of a declared ``\mathbf{X}``: a vector with entries x_{ik}."""
        for deco in _VECTOR_DECORATIONS:
            if name.startswith(deco + "{") and name[len(deco) + 1 : -1].islower():
                matrix = self.nt.names.get(deco + "{" + name[len(deco) + 1 : -1].upper() + "}")
                break
        else:
            return None
        if matrix is None or matrix.kind != "matrix":
            return None
        if self.tok.text != "_":
            raise self.error(f"`{name}` names the rows of the matrix; write the row as {name}_i", tok)
        self.pos += 1
        indices = self.subscript_indices()
        if len(indices) != 1:
            raise self.error(f"a row `{name}_i` takes one index", tok)
        i, base = indices[0], matrix.value
        return Vec(matrix.shape[1], lambda k: base[i, k])

    def _component_entry(self, name: str):
        """``w`` names the entries of a declared ``\\mathbf{w}``; ``x`` those of ``\\mathbf{X}``."""
        for entry_name, entry in self.nt.names.items():
            if entry.kind in ("vector", "matrix") and str(entry.value) == name:
                return Declared("entries", entry.value, entry.kind, length=entry.length, shape=entry.shape)
        return None

    def subscripted(self, entry: Declared, name: str, tok: Token):
        self.expect("_")
        indices = self.subscript_indices()
        if entry.kind == "scalar":
            base = sp.IndexedBase(entry.value.name, **entry.value.assumptions0)
            return base[tuple(indices)] if len(indices) > 1 else base[indices[0]]
        if entry.kind == "entries":  # w_j of \mathbf{w}; x_j of \mathbf{x}; x_{ij} of \mathbf{X}
            return entry.value[tuple(indices)] if len(indices) > 1 else entry.value[indices[0]]
        if entry.kind == "vector":
            if len(indices) != 1:
                raise self.error(f"`{name}_i` takes one index", tok)
            i = indices[0]
            base = entry.value
            # \mathbf{x}_i: the i-th example, a vector with entries x_{ik}
            return Vec(entry.length, lambda k: base[i, k])
        if entry.kind == "matrix":
            raise self.error(f"write the entries of `{name}` with the lower-case letter, e.g. x_{{ij}}", tok)
        raise self.error(f"`{name}` takes no subscript", tok)

    def subscript_indices(self) -> list:
        """``_i``, ``_0``, ``_{ij}``, ``_{i,j}``, ``_{i+1}``: each index a declared index or a number.

        Without braces TeX subscripts one character only: ``w_12`` shows w₁2, and ``x_ij``
        shows x_i j, so both are errors that say how to write what was meant.
        """
        if self.tok.text != "{":
            tok = self.tok
            if tok.kind == "num" and len(tok.text) > 1:
                raise self.error(
                    f"TeX subscripts only the first digit of `{tok.text}` (it shows {tok.text[0]} lowered, then "
                    f"{tok.text[1:]}): write _{{{tok.text}}}",
                    tok,
                )
            index = self.one_index()
            after = self.tok
            if tok.kind == "letter" and after.kind == "letter" and self.adjacent(tok, after):
                raise self.error(
                    f"TeX subscripts only `{tok.text}` in `_{tok.text}{after.text}`: write _{{{tok.text}{after.text}}} "
                    f"for two indices, or _{{{tok.text}}} {after.text} for a product",
                    after,
                )
            return [index]
        self.pos += 1
        out = [self.index_expression()]
        while self.tok.text != "}":
            if self.tok.text == ",":
                self.pos += 1
            elif isinstance(out[-1], sp.Add):
                raise self.error("separate an index such as i+1 from the next one with a comma: x_{i+1,j}")
            out.append(self.index_expression())
        self.pos += 1
        return out

    def index_expression(self):
        """One index, possibly shifted by whole numbers or other indices: ``i``, ``i+1``, ``n-i``."""
        value = self.one_index()
        while self.tok.text in ("+", "-") and self.tok.kind == "sym":
            sign = 1 if self.tok.text == "+" else -1
            self.pos += 1
            value = value + sign * self.one_index()
        return value

    def one_index(self):
        tok = self.tok
        if tok.kind == "num":
            self.pos += 1
            return sp.Integer(tok.text)
        if tok.kind == "letter":
            self.pos += 1
            if tok.text in self.bound:
                return self.bound[tok.text]
            entry = self.nt.names.get(tok.text)
            if entry is not None and (entry.kind == "index" or entry.domain == "natural"):
                return entry.value  # an index, or a size: the last entry
            raise self.error(
                rf"the subscript `{tok.text}` must be a declared index (e.g. `where {tok.text} \in \{{1, \dots, n\}}`) or a number",
                tok,
            )
        raise self.error(f"expected an index, found `{tok.text or 'end of line'}`", tok)

    def call(self, entry: Declared, name: str, tok: Token, allow_call: bool):
        primes = 0
        while self.tok.text == "'":
            primes += 1
            self.pos += 1
        if self.tok.text != "(":
            raise self.error(f"the function `{name}` must be applied to an argument in parentheses", tok)
        opener = self.tok
        self.pos += 1
        args = [self.expr()]
        while self.tok.text == ",":
            self.pos += 1
            args.append(self.expr())
        self.close(opener, ")")
        if len(args) != entry.arity:
            raise self.error(f"`{name}` takes {entry.arity} argument(s), not {len(args)}", tok)
        if primes:
            if entry.arity != 1:
                raise self.error(f"a prime on `{name}` needs a function of one argument", tok)
            t = sp.Dummy("t", real=True)
            return sp.Subs(sp.Derivative(entry.value(t), (t, primes)), t, args[0])
        return _apply(entry.value, args[0] if len(args) == 1 else args)


# --------------------------------------------------------------------------------------
# Arithmetic on scalars, vectors and matrices
# --------------------------------------------------------------------------------------

def _shorten(text: str, most: int = 40) -> str:
    return text if len(text) <= most else text[: most - 3].rstrip() + " ..."


def _number(text: str) -> sp.Expr:
    return sp.Rational(text) if "." in text else sp.Integer(text)


def _neg(value):
    if isinstance(value, Vec):
        return Vec(value.length, lambda k: -value.component(k))
    if isinstance(value, Mat):
        raise ReadError("negating a matrix is not supported")
    return sp.Mul(-1, value, evaluate=False)


def _add(a, b, parser):
    if isinstance(a, Vec) and isinstance(b, Vec):
        if sp.simplify(a.length - b.length) != 0:
            raise parser.error(f"vectors of lengths {a.length} and {b.length} cannot be added")
        return Vec(a.length, lambda k: a.component(k) + b.component(k))
    if isinstance(a, Vec):  # broadcasting a scalar, as NumPy does: X w + b
        return Vec(a.length, lambda k: a.component(k) + b)
    if isinstance(b, Vec):
        return Vec(b.length, lambda k: a + b.component(k))
    if isinstance(a, Mat) or isinstance(b, Mat):
        raise parser.error("adding matrices is not supported")
    return sp.Add(a, b, evaluate=False)


def _transpose(value):
    if isinstance(value, Vec):
        return Vec(value.length, value.component, transposed=not value.transposed)
    return value.T()


def _mul(a, b, parser, tok):
    vec_a, vec_b = isinstance(a, (Vec, Mat)), isinstance(b, (Vec, Mat))
    if not vec_a and not vec_b:
        return sp.Mul(a, b, evaluate=False)
    if isinstance(a, Vec) and isinstance(b, Vec):
        if a.transposed and not b.transposed:  # inner product
            k = parser.nt.fresh_index(a.length)
            return sp.Sum(a.component(k) * b.component(k), (k, 1, a.length))
        raise parser.error(r"two vectors multiply only as an inner product, \mathbf{a}^\top \mathbf{b}", tok)
    if isinstance(a, Vec) and a.transposed and isinstance(b, Mat):  # a row vector times a matrix
        k = parser.nt.fresh_index(b.rows)
        return Vec(b.cols, lambda j: sp.Sum(a.component(k) * b.entry(k, j), (k, 1, b.rows)), transposed=True)
    if isinstance(a, Mat) and isinstance(b, Vec) and not b.transposed:
        k = parser.nt.fresh_index(a.cols)
        return Vec(a.rows, lambda i: sp.Sum(a.entry(i, k) * b.component(k), (k, 1, a.cols)))
    if isinstance(a, Mat) and not vec_b:
        return Mat(a.rows, a.cols, lambda i, j: a.entry(i, j) * b)
    if isinstance(b, Mat) and not vec_a:
        return Mat(b.rows, b.cols, lambda i, j: a * b.entry(i, j))
    if isinstance(a, Vec) and not vec_b:
        return Vec(a.length, lambda k: a.component(k) * b, a.transposed)
    if isinstance(b, Vec) and not vec_a:
        return Vec(b.length, lambda k: a * b.component(k), b.transposed)
    raise parser.error("this product of vectors and matrices is not supported", tok)


def _apply(func, argument):
    if isinstance(argument, Vec):  # a scalar function applied entrywise, as NumPy does
        return Vec(argument.length, lambda k: func(argument.component(k)))
    if isinstance(argument, Mat):
        raise ReadError("functions of matrices are not supported")
    if isinstance(argument, list):
        return func(*argument)
    return func(argument, evaluate=False) if func in (sp.log, sp.exp) else func(argument)


def _mixed_derivative(operand, first, second, parser):
    r"""``\frac{\partial^2 F}{\partial a \partial b}``: differentiate by ``b``, then by ``a``.

    For the smooth functions of this course the order does not matter (Schwarz's theorem);
    reading it as ``d/da (dF/db)`` is the convention of the notation.
    """
    if isinstance(operand, Mat):
        raise parser.error("derivatives of matrices are not supported")
    if isinstance(operand, Vec):
        return Vec(operand.length, lambda k: sp.Derivative(operand.component(k), second, first))
    return sp.Derivative(operand, second, first)


def _derivative(operand, variable, order, parser):
    if isinstance(operand, Mat):
        raise parser.error("derivatives of matrices are not supported")
    if isinstance(operand, Vec):
        return Vec(operand.length, lambda k: sp.Derivative(operand.component(k), (variable, order)))
    return sp.Derivative(operand, (variable, order))


# --------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------

def read_chain(text: str, notation: Notation, bound: dict | None = None) -> list:
    """Read ``A = B = C`` into ``[A, B, C]``; every token must be used."""
    return _Parser(text, notation, bound).chain()


def read(text: str, notation: Notation, bound: dict | None = None):
    """Read one expression (no ``=``)."""
    parts = read_chain(text, notation, bound)
    if len(parts) != 1:
        raise ReadError("expected one expression, found an equation")
    return parts[0]
