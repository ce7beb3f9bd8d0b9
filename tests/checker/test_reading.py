"""The strict reader: what each construct is read as, and what it refuses (with the column)."""

import pytest
import sympy as sp

from lrmath.checker.reading import Notation, ReadError, Vec, read, read_chain, tokenize


@pytest.fixture
def nt():
    n = Notation()
    for line in (
        r"z, a \in \mathbb{R}",
        r"\hat{y} \in (0, 1)",
        r"y \in \{0, 1\}",
        r"n, m \in \mathbb{N}",
        r"i \in \{1, \dots, n\}",
        r"j, k \in \{1, \dots, m\}",
        r"\mathbf{w}, \mathbf{x} \in \mathbb{R}^{m}",
        r"\mathbf{X} \in \mathbb{R}^{n \times m}",
        r"\lambda > 0",
    ):
        n.declare(line)
    n.define_function(r"\sigma", ["z"])
    return n


def sym(nt, name):
    return nt.names[name].value


@pytest.mark.parametrize(
    "tex, build",
    [
        (r"\frac{1}{1 + e^{-z}}", lambda s: 1 / (1 + sp.exp(-s["z"]))),
        (r"e^{z}", lambda s: sp.exp(s["z"])),
        (r"\exp(z)", lambda s: sp.exp(s["z"])),
        (r"\log\hat{y}", lambda s: sp.log(s[r"\hat{y}"])),
        (r"\ln(1 - \hat{y})", lambda s: sp.log(1 - s[r"\hat{y}"])),
        (r"y(1 - y)", lambda s: s["y"] * (1 - s["y"])),
        (r"2 \cdot 3 z", lambda s: 6 * s["z"]),
        (r"\left[ a + z \right]^{2}", lambda s: (s["a"] + s["z"]) ** 2),
        (r"(1 + e^{-z})^{-1}", lambda s: 1 / (1 + sp.exp(-s["z"]))),
        (r"\sqrt{a}", lambda s: sp.sqrt(s["a"])),
        (r"0.5 z", lambda s: s["z"] / 2),
        (r"-\,a + z", lambda s: s["z"] - s["a"]),
        (r"\lambda a", lambda s: s[r"\lambda"] * s["a"]),
        (r"\frac{a}{z} / 2", lambda s: s["a"] / s["z"] / 2),
        (r"2|z|", lambda s: 2 * sp.Abs(s["z"])),
        (r"\tanh(z)", lambda s: sp.tanh(s["z"])),
        (r"\log(2z) z", lambda s: sp.log(2 * s["z"]) * s["z"]),
        (r"\bigl(a + z\bigr)^{2}", lambda s: (s["a"] + s["z"]) ** 2),
        (r"\left|a\right| + \left\lvert z\right\rvert", lambda s: sp.Abs(s["a"]) + sp.Abs(s["z"])),
    ],
)
def test_scalar_constructs(nt, tex, build):
    expected = build({k: v.value for k, v in nt.names.items() if v.kind == "scalar"})
    got = read(tex, nt)
    assert sp.simplify(got.doit() - expected) == 0, (tex, got, expected)


def test_e_is_eulers_number_and_log_is_natural(nt):
    assert read(r"\log(e)", nt).doit() == 1
    assert read(r"e^{0}", nt) == 1


def test_a_declared_function_is_applied_and_other_names_multiply(nt):
    sigma = nt.names[r"\sigma"].value
    z = sym(nt, "z")
    assert read(r"\sigma(z)", nt) == sigma(z)
    assert read(r"z(1 + z)", nt).doit() == z * (1 + z)


def test_prime_is_the_derivative_of_a_declared_function(nt):
    got = read(r"\sigma'(z)", nt)
    sigma, z = nt.names[r"\sigma"].value, sym(nt, "z")
    assert isinstance(got, sp.Subs)
    assert got.doit() == sp.Derivative(sigma(z), z)


@pytest.mark.parametrize("tex", [r"\frac{d}{dz} z^{2}", r"\frac{d z^{2}}{d z}", r"\frac{\partial}{\partial z}z^{2}", r"\frac{\partial z^{2}}{\partial z}"])
def test_derivative_notations_read_as_unevaluated_derivatives(nt, tex):
    got = read(tex, nt)
    z = sym(nt, "z")
    assert isinstance(got, sp.Derivative) and got.variables == (z,)
    assert got.doit() == 2 * z


def test_second_derivative(nt):
    z = sym(nt, "z")
    assert read(r"\frac{d^2}{dz^2} z^{3}", nt).doit() == 6 * z


def test_sum_product_and_subscripts(nt):
    got = read(r"\sum_{i=1}^{n} y_i \hat{y}_i", nt)
    assert isinstance(got, sp.Sum)
    (index, lo, hi), = got.limits
    assert (index, lo, hi) == (sym(nt, "i"), 1, sym(nt, "n"))
    assert {str(e.base) for e in got.atoms(sp.Indexed)} == {"y", r"\hat{y}"}
    assert isinstance(read(r"\prod_{i=1}^{n} \hat{y}_i", nt), sp.Product)


def test_sum_operand_is_one_term(nt):
    got = read(r"\sum_{i=1}^{n} y_i + a", nt)
    assert isinstance(got, sp.Add) and sym(nt, "a") in got.args


def test_one_sided_limit(nt):
    got = read(r"\lim_{\hat{y} \to 0^+} -\log\hat{y}", nt)
    assert isinstance(got, sp.Limit) and str(got.args[3]) == "+"
    assert got.doit() == sp.oo


def test_vectors_are_read_componentwise(nt):
    inner = read(r"\mathbf{w}^\top\mathbf{x}", nt)
    assert isinstance(inner, sp.Sum)
    grad = read(r"\nabla_{\mathbf{w}} (\mathbf{w}^\top\mathbf{x})", nt)
    assert isinstance(grad, Vec) and grad.length == sym(nt, "m")
    j = sym(nt, "j")
    w, x = nt.names[r"\mathbf{w}"].value, nt.names[r"\mathbf{x}"].value
    component = grad.component(j).doit()
    assert component.has(x[j]) or component.has(sp.KroneckerDelta)


def test_a_size_named_d_still_lets_d_over_dz_be_a_derivative():
    n = Notation()
    n.declare(r"d \in \mathbb{N}")
    n.declare(r"z \in \mathbb{R}")
    d, z = n.names["d"].value, n.names["z"].value
    assert read(r"\frac{d}{dz}\left[d z^{2}\right]", n) == sp.Derivative(sp.Mul(d, z**2, evaluate=False), z)
    assert isinstance(read(r"\frac{\partial}{\partial z} z^{2}", n), sp.Derivative)
    assert read(r"\frac{d}{z}", n) == d / z  # no `d` then a variable below: a fraction
    assert sp.simplify(read(r"\frac{d}{d}", n)) == 1


def test_matrix_vector_product_component(nt):
    v = read(r"\mathbf{X}\mathbf{w}", nt)
    i = sym(nt, "i")
    entry = v.component(i)
    assert isinstance(entry, sp.Sum)
    assert entry.function.has(nt.names[r"\mathbf{X}"].value[i, entry.limits[0][0]])


def test_chain_splits_at_top_level_equals(nt):
    parts = read_chain(r"a = \frac{a}{1} = 1 a", nt)
    assert len(parts) == 3


@pytest.mark.parametrize(
    "tex, column, words",
    [
        (r"q + 1", 1, "not declared"),
        (r"z + \foo", 5, "not part of the notation"),
        (r"2 3", 3, "ambiguous"),
        (r"z^23", 3, "first digit"),
        (r"\sigma z", 1, "parentheses"),
        (r"\lim_{z \to 0} z", 1, "which side"),
        (r"\sum_{z=1}^{n} 1", 7, "index of a sum"),
        (r"(z + 1", 7, "expected `)`"),
        (r"z + ", 5, "expected a value"),
        (r"\log_{2} z", 5, "natural log"),
        (r"y_q", 3, "declared index"),
        (r"z = ", 5, "expected a value"),
        (r"\frac{\partial z}{d z}", 19, "must match"),
        (r"\mathbf{w}\mathbf{x}", 11, "inner product"),
        (r"z # 1", 3, "unexpected character"),
    ],
)
def test_unreadable_input_fails_at_its_column(nt, tex, column, words):
    with pytest.raises(ReadError) as info:
        read_chain(tex, nt)
    assert info.value.column == column, str(info.value)
    assert words in str(info.value)


def test_nothing_is_dropped_trailing_tokens_are_an_error(nt):
    with pytest.raises(ReadError, match="cannot read"):
        read(r"z ) + 1", nt)


@pytest.mark.parametrize(
    "declaration, words",
    [
        (r"z \in \mathbb{C}", "unknown domain"),
        (r"z = 3", "declaration reads"),
        (r"i \in \{1, \dots, m\}", "must be declared first"),
    ],
)
def test_bad_declarations(declaration, words):
    with pytest.raises(ReadError, match=words):
        Notation().declare(declaration)


def test_a_name_is_declared_once():
    n = Notation()
    n.declare(r"z \in \mathbb{R}")
    with pytest.raises(ReadError, match="already declared"):
        n.declare(r"z \in (0, 1)")


def test_domains_become_assumptions(nt):
    assert sym(nt, "z").is_real
    assert sym(nt, r"\hat{y}").is_positive
    assert sym(nt, "y").is_integer and sym(nt, "y").is_nonnegative
    assert nt.names["y"].finite_values == (0, 1)
    assert sym(nt, "n").is_integer and sym(nt, "n").is_positive


def test_tokenizer_skips_spacing_and_sizing():
    assert [t.text for t in tokenize(r"\left( a \, \quad b \right)")] == ["(", "a", "b", ")", ""]


def test_ell_is_a_name():
    n = Notation()
    n.declare(r"\ell \in \mathbb{R}")
    assert read(r"2\ell", n) == 2 * n.names[r"\ell"].value


def test_an_undeclared_delta_with_two_indices_is_the_kronecker_delta():
    n = Notation()
    n.declare(r"K \in \mathbb{N}")
    n.declare(r"j, k \in \{1, \dots, K\}")
    j, k = n.names["j"].value, n.names["k"].value
    assert read(r"\delta_{kj}", n) == sp.KroneckerDelta(k, j)
    assert read(r"\delta_{k,j}", n) == sp.KroneckerDelta(k, j)
    with pytest.raises(ReadError, match="two indices"):
        read(r"\delta_{k}", n)
    with pytest.raises(ReadError, match="Kronecker delta"):
        read(r"\delta + 1", n)
    declared = Notation()
    declared.declare(r"\delta \in \mathbb{R}")  # a declared \delta is an ordinary name
    assert read(r"2\delta", declared) == 2 * declared.names[r"\delta"].value


def test_one_hot_domain():
    n = Notation()
    n.declare(r"K \in \mathbb{N}")
    n.declare(r"k \in \{1, \dots, K\}")
    n.declare(r"\mathbf{y} \in \{\mathbf{e}_1, \dots, \mathbf{e}_{K}\}")
    entry = read("y_k", n)
    assert entry.is_integer and entry.is_nonnegative
    assert n.names[r"\mathbf{y}"].kind == "vector"
    assert n.one_hot_bases() == {entry.base: n.names["K"].value}
    with pytest.raises(ReadError, match="must be declared first"):
        Notation().declare(r"\mathbf{t} \in \{\mathbf{e}_1, \dots, \mathbf{e}_m\}")


def test_sign_declarations_max_and_absolute_value():
    n = Notation()
    n.declare(r"s \geq 0")
    n.declare(r"t < 0")
    n.declare(r"z \in \mathbb{R}")
    s, t, z = (n.names[k].value for k in "stz")
    assert s.is_nonnegative and s.is_real and t.is_negative
    # SymPy uses the declared signs: these are the two cases of max(z, 0) and |z|
    assert read(r"\max(s, 0)", n) == s and read(r"|s|", n) == s
    assert read(r"\max(t, 0)", n) == 0 and read(r"\lvert t \rvert", n) == -t
    assert read(r"e^{-|z|}", n) == sp.exp(-sp.Abs(z))
    assert read(r"\max(z, 0)", n) == sp.Max(z, 0)


def test_absolute_value_norms_and_sign(nt):
    z, w = sym(nt, "z"), nt.names[r"\mathbf{w}"].value
    assert read(r"\lvert z \rvert", nt) == sp.Abs(z)
    assert read(r"\lambda\lvert 1 - z\rvert", nt) == sym(nt, r"\lambda") * sp.Abs(1 - z)
    assert read(r"\operatorname{sign}(z)", nt) == sp.sign(z)
    one = read(r"\lVert\mathbf{w}\rVert_1", nt)
    (k, lo, hi), = one.limits
    assert one == sp.Sum(sp.Abs(w[k]), (k, 1, sym(nt, "m")))
    for tex in (r"\lVert\mathbf{w}\rVert", r"\lVert\mathbf{w}\rVert_2"):  # the Euclidean norm
        two = read(tex, nt)
        (k, lo, hi), = two.args[0].limits
        assert two == sp.sqrt(sp.Sum(w[k] ** 2, (k, 1, sym(nt, "m"))))
    squared = read(r"\lVert\mathbf{w}\rVert_2^2", nt)
    (k, lo, hi), = squared.args[0].args[0].limits
    assert sp.Pow(squared.args[0], 2) == sp.Sum(w[k] ** 2, (k, 1, sym(nt, "m")))
    assert isinstance(read(r"\operatorname{sign}(\mathbf{w})", nt), Vec)


@pytest.mark.parametrize(
    "tex, words",
    [
        (r"|z + |z||", "ambiguous"),
        (r"|z", "close the absolute value"),
        (r"\lvert z |", "close the absolute value|expected a value"),
        (r"\max(z)", "expected `,`"),
    ],
)
def test_bad_absolute_values_and_max(tex, words):
    n = Notation()
    n.declare(r"z \in \mathbb{R}")
    with pytest.raises(ReadError, match=words):
        read(tex, n)


def test_mixed_second_derivative(nt):
    """``\\partial^2 F / \\partial a \\partial z`` is d/da (dF/dz): both variables, in that order."""
    a, z = sym(nt, "a"), sym(nt, "z")
    got = read(r"\frac{\partial^2}{\partial a \partial z}\left(a^{2} z^{3}\right)", nt)
    assert isinstance(got, sp.Derivative) and got.variables == (z, a)
    assert got.doit() == 6 * a * z**2
    w = nt.names[r"\mathbf{w}"].value
    j, k = sym(nt, "j"), sym(nt, "k")
    entries = read(r"\frac{\partial^2 z}{\partial w_j \partial w_k}", nt)
    assert entries.variables == (w[k], w[j])
    # the same variable twice is the ordinary second derivative
    assert read(r"\frac{\partial^2}{\partial z \partial z} z^{3}", nt).doit() == 6 * z


def test_mixed_derivative_needs_partial_and_two_variables(nt):
    with pytest.raises(ReadError, match=r"\\partial a \\partial b"):
        read(r"\frac{\partial^2}{\partial a} z", nt)
    with pytest.raises(ReadError):  # d-notation has no mixed form
        read(r"\frac{d^2}{dz dz} z", nt)


def test_row_vector_times_matrix_and_a_quadratic_form():
    n = Notation()
    n.declare(r"d \in \mathbb{N}")
    n.declare(r"\mathbf{p} \in \mathbb{R}^{d}")
    n.declare(r"\mathbf{H} \in \mathbb{R}^{d \times d}")
    row = read(r"\mathbf{p}^\top\mathbf{H}", n)
    assert isinstance(row, Vec) and row.transposed
    k = sp.Symbol("k", integer=True, positive=True)
    entry = row.component(k)
    (index, lo, hi), = entry.limits
    h, p = n.names[r"\mathbf{H}"].value, n.names[r"\mathbf{p}"].value
    assert entry.function == p[index] * h[index, k]  # column k: sum over the rows
    form = read(r"\mathbf{p}^\top\mathbf{H}\mathbf{p}", n)
    assert isinstance(form, sp.Sum) and form.has(h) and not isinstance(form, Vec)
    with pytest.raises(ReadError):
        read(r"\mathbf{p}\mathbf{H}", n)  # a column vector cannot multiply a matrix from the left


@pytest.mark.parametrize(
    "tex, words",
    [
        (r"\lvert z", r"expected `\rvert`"),
        (r"\lvert \mathbf{w} \rvert", r"of a vector: write the norm"),
        (r"\lVert z \rVert", r"norm of a vector"),
        (r"\lVert \mathbf{w} \rVert_3", r"\lVert v \rVert_1 or \lVert v \rVert_2"),
        (r"\operatorname{sign} z", "in parentheses"),
    ],
)
def test_absolute_values_and_norms_are_read_strictly(nt, tex, words):
    with pytest.raises(ReadError) as info:
        read(tex, nt)
    assert words in str(info.value)


def test_negative_domain():
    n = Notation()
    n.declare(r"q < 0")
    n.declare(r"r \in (-\infty, 0)")
    assert n.names["q"].value.is_negative and n.names["r"].value.is_negative
    assert read(r"\lvert q\rvert", n) == -n.names["q"].value
    with pytest.raises(ReadError, match="declaration reads"):
        n.declare(r"s < 1")


# --------------------------------------------------------------------------------------
# Standard notation is read as people read it, or refused with the fix in the message
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "tex, column, words",
    [
        # an operator before a product: to the first factor, or to all of it?
        (r"\frac{d}{dz} 2z", 1, r"write \frac{d}{dz}\left[ 2z \right]"),
        (r"\frac{d}{dz}\sigma(z)(1 - \sigma(z))", 1, r"\frac{d}{dz}\left["),
        (r"\frac{\partial}{\partial z} z \cdot a", 1, r"\frac{\partial}{\partial z}\left["),
        (r"\frac{d^2}{dz^2} a z", 1, r"\frac{d^2}{dz^2}\left["),
        (r"\frac{\partial^2}{\partial a \partial z} a z", 1, r"\left["),
        (r"\nabla_{\mathbf{w}} 2\mathbf{w}^\top\mathbf{x}", 1, r"\nabla_{\mathbf{w}}\left["),
        # functions without brackets
        (r"\log 2z", 1, r"write \log(...)"),
        (r"\exp z a", 1, r"write \exp(...)"),
        (r"\tanh 2 \cdot z", 1, r"write \tanh(...)"),
        (r"\log^2 z", 5, "reads two ways"),
        # what TeX shows differently
        (r"a_12", 3, "write _{12}"),
        (r"x_ij", 4, "write _{ij}"),
        (r"x_i_j", 4, "second subscript"),
        (r"{2}{3}", 1, "invisible"),
        (r"z^2^3", 4, "Double superscript"),
        (r"z^{2}^{3}", 6, "Double superscript"),
        (r"e^-z", 3, "e.g. x^{-1}"),
        (r"\frac12", 6, r"\frac{1}{2}"),
        (r"a/2z", 2, "reads two ways"),
        (r"a / z / 2", 3, "reads two ways"),
        # a number before a bracketed name looks like a function applied to it
        (r"a(z)", 1, "is not a function"),
        (r"e(z)", 1, "is not a function"),
        (r"a \left(z\right)", 1, "is not a function"),
        # \left and \right pair up, as in TeX
        (r"\left(z + 1", 1, r"never closed by a `\right`"),
        (r"\left(z + 1)", 1, r"add `\right)`"),
        (r"(z + 1\right)", 7, r"has no `\left`"),
        (r"\left(a) \cdot (z\right)", 1, "closed by a plain `)`"),
        (r"\left|a| + z\right|", 1, "closed by a plain `|`"),
        (r"\big z", 1, "followed by a delimiter"),
        (r"\left. z \right|", 1, "invisible delimiter"),
        # characters that are not ASCII LaTeX
        ("z + \u0663", 5, "digits 0-9"),
        ("\uff12z", 1, "digits 0-9"),
        ("z \u2212 1", 3, "minus sign"),
        ("z\u00a0+ 1", 2, "not ASCII"),
        # sums and dots that do not say their range
        (r"\sum_q z", 6, "does not say the range"),
        (r"\sum_i^{n} z", 7, r"\sum_{i=1}^{n}"),
        (r"w_1 + \dots + w_m + \dots + w_m", 21, r"at the start of a sum"),
        (r"w_1 + \dots + w_1", 15, "indexed by one size"),
        (r"w_1 + \dots + x_m", 7, "one pattern"),
        (r"w_1 + w_3 + \dots + w_m", 13, "pattern at index 2"),
    ],
)
def test_notation_that_reads_two_ways_is_refused_with_the_fix(nt, tex, column, words):
    with pytest.raises(ReadError) as info:
        read_chain(tex, nt)
    assert words in str(info.value)
    assert info.value.column == column, str(info.value)


def test_an_operator_applies_to_one_factor_and_a_sign_ends_it(nt):
    z = sym(nt, "z")
    assert read(r"\frac{d}{dz} z^{2} + 1", nt).doit() == 2 * z + 1
    assert read(r"2\frac{d}{dz}(1 + z)^{2}", nt).doit() == 4 * (1 + z)
    assert read(r"\frac{d}{dz}\left[2z\right]", nt).doit() == 2


def test_a_sums_bounds_declare_its_index_for_the_body_only(nt):
    n = sym(nt, "n")
    total = read(r"\sum_{q=1}^{n} 1", nt)
    assert total.doit() == n
    (q, lo, hi), = total.limits
    assert q.is_integer and q.is_positive and (lo, hi) == (1, n)
    from_zero = read(r"\sum_{q=0}^{n} q", nt).limits[0][0]
    assert from_zero.is_nonnegative and not from_zero.is_positive  # q = 0 is in the range
    with pytest.raises(ReadError, match="not declared"):
        read(r"\sum_{q=1}^{n} 1 + q", nt)  # q is bound in the sum only
    entries = read(r"\sum_{q=1}^{n} a_q", nt)
    assert entries.function.base.label.name == "a"


def test_a_bare_sum_runs_over_the_declared_range(nt):
    i, n = sym(nt, "i"), sym(nt, "n")
    assert read(r"\sum_i y_i", nt) == read(r"\sum_{i=1}^{n} y_i", nt)
    assert read(r"\sum_{i} 1", nt).limits == ((i, 1, n),)


def test_an_index_may_be_shifted(nt):
    i, j = sym(nt, "i"), sym(nt, "j")
    a = sp.IndexedBase("a", real=True)
    assert read(r"a_{i+1}", nt) == a[i + 1]
    assert read(r"a_{i-1,j}", nt) == a[i - 1, j]
    assert read(r"a_{n}", nt) == a[sym(nt, "n")]  # a size is the last index
    with pytest.raises(ReadError, match="comma"):
        read(r"a_{i+1j}", nt)


def test_dots_between_the_first_and_last_terms_are_a_sum(nt):
    m = sym(nt, "m")
    got = read(r"x_1 w_1 + \dots + x_m w_m", nt)
    (k, lo, hi), = got.limits
    w, x = nt.names[r"\mathbf{w}"].value, nt.names[r"\mathbf{x}"].value
    assert (lo, hi) == (1, m) and got.function == w[k] * x[k]
    total, z = sp.Add.make_args(read(r"w_1 + w_2 + \dots + w_m + z", nt)), sym(nt, "z")
    (first,) = [t for t in total if isinstance(t, sp.Sum)]
    assert z in total and first.limits[0][1:] == (1, m) and first.function == w[first.limits[0][0]]


def test_rows_of_a_declared_matrix(nt):
    i, m = sym(nt, "i"), sym(nt, "m")
    row = read(r"\mathbf{x}_i", nt)  # \mathbf{x} is declared too, but with a subscript it is a row of X
    assert isinstance(row, Vec) and row.length == m
    k = sp.Symbol("k", integer=True, positive=True)
    assert row.component(k) == nt.names[r"\mathbf{X}"].value[i, k]
    n = Notation()
    n.declare(r"n, d \in \mathbb{N}")
    n.declare(r"\mathbf{X} \in \mathbb{R}^{n \times d}")
    n.declare(r"i \in \{1, \dots, n\}")
    assert isinstance(read(r"\mathbf{x}_i^\top \mathbf{x}_i", n), sp.Sum)
    with pytest.raises(ReadError, match="rows of the matrix"):
        read(r"\mathbf{x}", n)


def test_the_same_declaration_twice_is_allowed_and_an_index_gets_a_new_range_in_a_later_block():
    n = Notation()
    n.declare(r"z \in \mathbb{R}")
    n.declare(r"z \in \mathbb{R}")  # nothing changes
    n.declare(r"n, K \in \mathbb{N}")
    n.declare(r"i \in \{1, \dots, n\}")
    with pytest.raises(ReadError, match="already declared as an index in 1..n"):
        n.declare(r"i \in \{1, \dots, K\}")  # not in the same block
    n.begin_block()
    n.declare(r"i \in \{1, \dots, K\}")
    i = n.names["i"].value
    assert n.index_ranges()[i] == (1, n.names["K"].value)
    with pytest.raises(ReadError, match="already declared as a real number"):
        n.declare(r"z \in (0, 1)")  # only an index letter may change, and only between blocks


def test_tokenizer_pairs_left_and_right():
    tokens = tokenize(r"\left( a \left| b \right| \right) \big( c \big)")
    pairs = [(t.text, t.pair, t.size) for t in tokens if t.kind != "letter"]
    assert pairs == [("(", 1, r"\left"), ("|", 2, r"\left"), ("|", 2, r"\right"), (")", 1, r"\right"),
                     ("(", 0, r"\big"), (")", 0, r"\big"), ("", 0, "")]
