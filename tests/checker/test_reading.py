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
        (r"a / z / 2", lambda s: s["a"] / s["z"] / 2),
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


def test_a_declared_d_makes_d_over_dz_an_error_not_a_guess():
    n = Notation()
    n.declare(r"d \in \mathbb{N}")
    n.declare(r"z \in \mathbb{R}")
    with pytest.raises(ReadError, match="could be a derivative or a fraction"):
        read(r"\frac{d}{dz} z", n)
    assert isinstance(read(r"\frac{\partial}{\partial z} z^{2}", n), sp.Derivative)
    assert read(r"\frac{d}{z}", n) == n.names["d"].value / n.names["z"].value


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
        (r"\sum_{q=1}^{n} z", 7, "index"),
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
        (r"\lvert z |", "close the absolute value"),
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
