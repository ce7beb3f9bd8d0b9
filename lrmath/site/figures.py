"""The figures of the chapters, drawn from ``lrmath`` at build time.

Every figure is a small function that computes what it shows with ``lrmath``
(never a hand-placed image) and draws it with matplotlib. The MkDocs plugin
writes each one as two SVGs, one per palette of the site, and a page places a
figure with a ``figure`` block holding its name and, optionally, a caption::

    ```figure
    sigmoid
    The sigmoid and its slope; the slope is largest, 1/4, at z = 0.
    ```

The page then shows ``figures/sigmoid.svg`` in the light palette and
``figures/sigmoid-dark.svg`` in the dark one (Material's ``#only-light`` and
``#only-dark``), both with the figure's alt text, which lives here beside the
code that draws it. The SVGs have a transparent background, draw text as paths
(no font is loaded) and link nothing outside themselves.

Drawing takes seconds and ``mkdocs serve`` rebuilds on every save, so the SVGs
are cached, keyed on every file of the package (this module included, see
:func:`lrmath.site.notebooks.cache_key`) and on matplotlib's version.

>>> sorted(FIGURES)[:3]
['descent-paths', 'l1-l2-balls', 'losses']
>>> all(len(figure.alt) > 80 for figure in FIGURES.values())
True
>>> print(figure_block(["softmax-temperature", "A caption."], "11-softmax.md")[:62])
<figure class="lr-figure" markdown>
![Bar chart of the softmax
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

import lrmath
from lrmath.site.fences import lines_inside_fences

__all__ = ["FIGURES", "Figure", "Palette", "PALETTES", "figure_block", "place_figures", "write_all"]


@dataclass(frozen=True)
class Palette:
    """The colours of one palette of the site: text, grid, and four series."""

    suffix: str  # added to the file name ("" or "-dark")
    text: str
    grid: str
    series: tuple  # four line colours, told apart by dash pattern too


PALETTES = (
    Palette("", text="#222222", grid="#d4d4d8", series=("#3949ab", "#00796b", "#d84315", "#6d4c41")),
    Palette("-dark", text="#e2e4e9", grid="#4a4f5e", series=("#9fa8ff", "#4db6ac", "#ffab70", "#d7ccc8")),
)
DASHES = ("-", "--", "-.", ":")


@dataclass(frozen=True)
class Figure:
    """A named figure: its alt text and the function that draws it."""

    name: str
    alt: str
    draw: Callable  # (plt, palette) -> matplotlib Figure


FIGURES: dict[str, Figure] = {}


def _figure(name: str, alt: str):
    def register(draw):
        FIGURES[name] = Figure(name, " ".join(alt.split()), draw)
        return draw

    return register


def _axes(plt, palette: Palette, ncols: int = 1, width: float = 4.4, height: float = 2.8):
    """A figure with transparent background and the palette's text and grid colours."""
    fig, axes = plt.subplots(1, ncols, figsize=(width, height), squeeze=False)
    for ax in axes[0]:
        ax.set_facecolor("none")
        ax.grid(True, color=palette.grid, linewidth=0.6)
        ax.set_axisbelow(True)
        for spine in ax.spines.values():
            spine.set_color(palette.text)
        ax.tick_params(colors=palette.text, labelcolor=palette.text)
        ax.xaxis.label.set_color(palette.text)
        ax.yaxis.label.set_color(palette.text)
        ax.title.set_color(palette.text)
    fig.patch.set_alpha(0)
    return fig, list(axes[0])


def _legend(ax, palette: Palette, **kwargs):
    legend = ax.legend(frameon=False, labelcolor=palette.text, **kwargs)
    return legend


# -- chapter 2 ------------------------------------------------------------------
@_figure(
    "losses",
    """Two panels, loss against the predicted probability y-hat from 0 to 1. Left, the
    cross-entropy: for label 1 the curve minus log of y-hat falls from very large values
    near y-hat = 0 to 0 at y-hat = 1; for label 0 the mirror image, minus log of 1 minus
    y-hat, rises to very large values near y-hat = 1. Right, the squared error for the same
    two labels: (1 - y-hat) squared and y-hat squared, which never exceed 1, so a confident
    wrong prediction costs at most 1 instead of growing without bound.""",
)
def _losses(plt, palette):
    fig, (ce, se) = _axes(plt, palette, ncols=2, width=5.0, height=3.0)
    y_hat = np.linspace(0.002, 0.998, 400)
    ones, zeros = np.ones(1), np.zeros(1)
    loss_1 = np.array([lrmath.bce_from_proba(ones, [p]) for p in y_hat])  # -log(y_hat)
    loss_0 = np.array([lrmath.bce_from_proba(zeros, [p]) for p in y_hat])  # -log(1 - y_hat)
    ce.plot(y_hat, loss_1, color=palette.series[0], ls=DASHES[0], label=r"$y = 1$: $-\log\hat y$")
    ce.plot(y_hat, loss_0, color=palette.series[1], ls=DASHES[1], label=r"$y = 0$: $-\log(1-\hat y)$")
    se.plot(y_hat, (1 - y_hat) ** 2, color=palette.series[0], ls=DASHES[0], label=r"$y = 1$: $(1-\hat y)^2$")
    se.plot(y_hat, y_hat**2, color=palette.series[1], ls=DASHES[1], label=r"$y = 0$: $\hat y^2$")
    ce.set_ylim(0, 5)
    se.set_ylim(0, 5)
    ce.set_title("cross-entropy")
    se.set_title("squared error")
    for ax in (ce, se):
        ax.set_xlabel(r"predicted probability $\hat y$")
        _legend(ax, palette, loc="upper center", fontsize=9)
    ce.set_ylabel("loss of one example")
    fig.tight_layout()
    return fig


# -- chapter 3 ------------------------------------------------------------------
@_figure(
    "sigmoid",
    """The sigmoid and its derivative for z from -6 to 6. The sigmoid rises in an S shape
    from near 0 to near 1 and crosses 1/2 at z = 0. Its derivative, sigma(z) times
    (1 - sigma(z)), is a bell-shaped curve, symmetric about z = 0, where it peaks at 1/4
    (marked with a dot); far from 0 in either direction it is close to 0.""",
)
def _sigmoid(plt, palette):
    fig, (ax,) = _axes(plt, palette)
    z = np.linspace(-6, 6, 400)
    s = lrmath.sigmoid(z)
    slope = s * (1 - s)
    ax.plot(z, s, color=palette.series[0], ls=DASHES[0], label=r"$\sigma(z)$")
    ax.plot(z, slope, color=palette.series[1], ls=DASHES[1], label=r"$\sigma'(z) = \sigma(z)(1-\sigma(z))$")
    peak = float(lrmath.sigmoid(0.0))
    ax.plot([0], [peak * (1 - peak)], "o", color=palette.series[2])
    ax.annotate(r"maximum $\sigma'(0) = \frac{1}{4}$", (0, 0.25), xytext=(1.0, 0.42),
                color=palette.text, arrowprops={"arrowstyle": "->", "color": palette.text})
    ax.set_xlabel("score $z$")
    ax.set_ylim(-0.03, 1.05)
    _legend(ax, palette, loc="upper left", fontsize=9)
    fig.tight_layout()
    return fig


# -- chapters 8 and 9 --------------------------------------------------------------
def descent_data():
    """A small data set with one feature, on which J(w, b) has elongated level sets.

    The feature sits far from 0, so the weight and the bias trade off against each
    other, which is what makes gradient descent zigzag.

    >>> X, y = descent_data()
    >>> X.shape, int(y.sum())
    ((12, 1), 6)
    """
    x = np.array([0.5, 1.0, 1.5, 2.0, 2.2, 2.6, 2.4, 2.8, 3.0, 3.5, 4.0, 4.5])
    y = np.array([0, 0, 0, 0, 1, 0, 1, 0, 1, 1, 1, 1], dtype=float)
    return x[:, None], y


def descent_paths(steps: int = 60):
    """The iterates of gradient descent and of Newton's method on :func:`descent_data`.

    Both start at (w, b) = (-1, 3); gradient descent takes ``steps`` steps of size
    ``1 / L`` with ``L`` the largest eigenvalue of the Hessian at the start, Newton takes
    pure steps until its gradient is below 1e-10.

    What the figure's alt text says: Newton arrives in six steps, near (2.4, -6);
    gradient descent, after 60, has covered about half the distance.

    >>> gd, newton = descent_paths()
    >>> len(newton) - 1, len(gd) - 1, [round(float(v), 1) for v in newton[-1]]
    (6, 60, [2.4, -6.0])
    >>> share = np.linalg.norm(gd[-1] - gd[0]) / np.linalg.norm(newton[-1] - gd[0])
    >>> bool(0.4 < share < 0.6)
    True
    """
    X, y = descent_data()
    start = np.array([-1.0, 3.0])
    eta = 1 / np.linalg.eigvalsh(lrmath.hessian(start[:1], start[1], X, y))[-1]
    gd = [start]
    for _ in range(steps):
        _, grad_w, grad_b = lrmath.loss_and_grad(gd[-1][:1], gd[-1][1], X, y)
        gd.append(gd[-1] - eta * np.append(grad_w, grad_b))
    newton = [start]
    for _ in range(20):
        _, grad_w, grad_b = lrmath.loss_and_grad(newton[-1][:1], newton[-1][1], X, y)
        gradient = np.append(grad_w, grad_b)
        if np.abs(gradient).max() < 1e-10:
            break
        H = lrmath.hessian(newton[-1][:1], newton[-1][1], X, y)
        newton.append(newton[-1] - np.linalg.solve(H, gradient))
    return np.array(gd), np.array(newton)


@_figure(
    "descent-paths",
    """Level curves of the mean cross-entropy J(w, b) on a small data set with one feature:
    long, thin, tilted ellipses around the minimum near w = 2.4, b = -6. Gradient descent
    starts at w = -1, b = 3 and after 60 small steps of size 1/L down the narrow valley is
    only about halfway to the minimum. Newton's method, from the same start, overshoots
    once and then reaches the minimum in six steps.""",
)
def _descent_paths(plt, palette):
    X, y = descent_data()
    gd, newton = descent_paths()
    w = np.linspace(-1.5, 4.0, 120)
    b = np.linspace(-13.0, 4.0, 120)
    J = np.array([[lrmath.loss_and_grad(np.array([wi]), bi, X, y)[0] for wi in w] for bi in b])
    fig, (ax,) = _axes(plt, palette, width=4.6, height=3.3)
    levels = np.quantile(J, np.linspace(0.0, 0.9, 14) ** 2)
    ax.contour(w, b, J, levels=levels, colors=palette.grid, linewidths=0.9)
    ax.plot(gd[:, 0], gd[:, 1], ls=DASHES[0], marker="o", ms=2.5, lw=1,
            color=palette.series[0], label=f"gradient descent, {len(gd) - 1} steps")
    ax.plot(newton[:, 0], newton[:, 1], ls=DASHES[1], marker="s", ms=4, lw=1.5,
            color=palette.series[2], label=f"Newton, {len(newton) - 1} steps")
    ax.plot([newton[-1, 0]], [newton[-1, 1]], "*", ms=11, color=palette.series[1], label="minimum")
    ax.grid(False)
    ax.set_xlabel("weight $w$")
    ax.set_ylabel("bias $b$")
    _legend(ax, palette, loc="upper right", fontsize=9)
    fig.tight_layout()
    return fig


# -- chapter 10 ---------------------------------------------------------------------
BALL_CENTRE = np.array([1.0, 2.2])  # the unpenalised minimiser of the quadratic loss
BALL_CURVATURE = np.array([[1.0, 0.3], [0.3, 1.5]])
BALL_RADIUS = 1.5


def _ball(norm: int, k: int = 2000) -> np.ndarray:
    """Points on the sphere of radius BALL_RADIUS in the L1 or L2 norm (corners included)."""
    r = BALL_RADIUS
    if norm == 1:
        t = np.linspace(0, 1, k, endpoint=False)
        edges = [(r * (1 - t), r * t), (-r * t, r * (1 - t)), (-r * (1 - t), -r * t), (r * t, -r * (1 - t))]
        return np.concatenate([np.stack(edge) for edge in edges], axis=1)
    angle = np.linspace(0, 2 * np.pi, 4 * k, endpoint=False)
    return r * np.stack([np.cos(angle), np.sin(angle)])


def _quadratic_loss(points: np.ndarray) -> np.ndarray:
    diff = points - BALL_CENTRE.reshape(2, *([1] * (points.ndim - 1)))
    return 0.5 * np.einsum("i...,ij,j...->...", diff, BALL_CURVATURE, diff)


def touching_points():
    """Where the loss's level curves first touch each ball: the penalised minimisers.

    What the alt text of ``l1-l2-balls`` says: on the L1 ball the touching point is the
    corner (0, 1.5), so w1 = 0 exactly; on the L2 ball neither weight is 0.

    >>> l1, l2 = touching_points()
    >>> l1.round(3).tolist(), bool(np.all(np.abs(l2) > 0.5))
    ([0.0, 1.5], True)
    """
    found = []
    for norm in (1, 2):
        ball = _ball(norm)
        found.append(ball[:, int(np.argmin(_quadratic_loss(ball)))])
    return found


@_figure(
    "l1-l2-balls",
    """Two panels in the plane of two weights w1 and w2. Each shows the same elliptical
    level curves of a loss, centred at the point (1, 2.2) away from both axes, and a
    penalty region of radius 1.5 with the point where the level curves first touch it.
    Left, the L1 ball, a diamond with its corners on the axes: the curves touch it at its
    top corner (0, 1.5), so w1 is exactly 0. Right, the L2 ball, a circle: the curves touch
    it at about (0.6, 1.4), where neither weight is 0.""",
)
def _l1_l2_balls(plt, palette):
    g = np.linspace(-2.2, 3.4, 300)
    grid = np.stack(np.meshgrid(g, g))
    loss = _quadratic_loss(grid)
    fig, axes = _axes(plt, palette, ncols=2, width=5.0, height=3.0)
    titles = ("L1: touches at a corner, $w_1 = 0$", r"L2: touches where $w_1 \neq 0$")
    for ax, norm, touch, title in zip(axes, (1, 2), touching_points(), titles):
        ball = _ball(norm)
        level = float(_quadratic_loss(touch[:, None])[0])
        ax.contour(grid[0], grid[1], loss, levels=[level * f for f in (0.25, 0.6, 1, 1.8, 3)],
                   colors=[palette.series[0]], linewidths=1)
        ax.plot(*BALL_CENTRE, "+", color=palette.series[0], ms=9)
        ax.fill(ball[0], ball[1], color=palette.series[1], alpha=0.25, lw=0)
        ax.plot(np.append(ball[0], ball[0, 0]), np.append(ball[1], ball[1, 0]),
                color=palette.series[1], lw=1.5)
        ax.plot(*touch, "o", color=palette.series[2], ms=6)
        ax.axhline(0, color=palette.text, lw=0.6)
        ax.axvline(0, color=palette.text, lw=0.6)
        ax.set_aspect("equal")
        ax.set_xlim(-2.2, 3.4)
        ax.set_ylim(-2.2, 3.4)
        ax.set_xlabel("$w_1$")
        ax.set_title(title, fontsize=10)
    axes[0].set_ylabel("$w_2$")
    fig.tight_layout()
    return fig


@_figure(
    "soft-threshold",
    """The soft-threshold function S(v) for a threshold t lambda1 = 1, plotted for v from -3 to 3
    beside the identity line. S is exactly 0 for every v between -1 and 1, a flat segment
    on the axis; outside it, S runs parallel to the identity, shifted towards zero by 1:
    v - 1 for v above 1 and v + 1 for v below -1.""",
)
def _soft_threshold(plt, palette):
    fig, (ax,) = _axes(plt, palette, width=3.6, height=2.9)
    v = np.linspace(-3, 3, 601)
    ax.plot(v, v, color=palette.grid, ls=DASHES[1], lw=1.2, label="identity $v$")
    ax.plot(v, lrmath.soft_threshold(v, 1.0), color=palette.series[0], lw=2,
            label=r"$S(v)$, $t\lambda_1 = 1$")
    ax.axvspan(-1, 1, color=palette.series[1], alpha=0.15, lw=0)
    ax.annotate("set to 0", (0, 0), xytext=(-0.7, 1.1), color=palette.text)
    ax.set_xlabel("$v$")
    ax.set_aspect("equal")
    _legend(ax, palette, loc="upper left", fontsize=9)
    fig.tight_layout()
    return fig


# -- chapter 11 ---------------------------------------------------------------------
TEMPERATURE_SCORES = np.array([2.0, 1.0, 0.5, -1.0])


def temperature_table(temperatures=(0.5, 1.0, 4.0)):
    """The softmax of :data:`TEMPERATURE_SCORES` divided by each temperature, by row.

    The numbers the alt text of ``softmax-temperature`` quotes:

    >>> temperature_table().round(2).tolist()
    [[0.84, 0.11, 0.04, 0.0], [0.61, 0.22, 0.14, 0.03], [0.34, 0.27, 0.23, 0.16]]
    """
    return np.array([lrmath.softmax(TEMPERATURE_SCORES / T) for T in temperatures])


@_figure(
    "softmax-temperature",
    """Bar chart of the softmax of the four scores 2, 1, 0.5 and -1, divided by a
    temperature T of 0.5, 1 and 4. At T = 0.5 the first class takes most of the
    probability (about 0.84); at T = 1 the probabilities are about 0.61, 0.22, 0.14 and
    0.03; at T = 4 they are much closer to each other, between about 0.16 and 0.34. The
    order of the classes never changes.""",
)
def _softmax_temperature(plt, palette):
    fig, (ax,) = _axes(plt, palette, width=4.6, height=2.9)
    K = len(TEMPERATURE_SCORES)
    temperatures = (0.5, 1.0, 4.0)
    width = 0.26
    hatches = ("", "//", "..")
    for i, (T, p) in enumerate(zip(temperatures, temperature_table(temperatures))):
        ax.bar(np.arange(K) + (i - 1) * width, p, width, color=palette.series[i], alpha=0.85,
               hatch=hatches[i], edgecolor=palette.text, linewidth=0.4, label=f"$T = {T:g}$")
    ax.set_xticks(np.arange(K), [f"class {k + 1}\n$z = {z:g}$" for k, z in enumerate(TEMPERATURE_SCORES)])
    ax.set_ylabel(r"softmax$(\mathbf{z}/T)_k$")
    ax.set_ylim(0, 1)
    _legend(ax, palette, loc="upper right", fontsize=9)
    fig.tight_layout()
    return fig


# -- writing and placing ----------------------------------------------------------
def cache_key() -> str:
    """The key of the drawn SVGs: the package's content and matplotlib's version."""
    import matplotlib

    from lrmath.site.notebooks import _package_digest

    return hashlib.sha256((_package_digest() + matplotlib.__version__).encode()).hexdigest()[:32]


def write_all(directory: Path) -> list[Path]:
    """Write every figure in both palettes into ``directory``; return the SVG paths.

    Nothing is drawn when ``directory`` already holds the figures of the same key.
    """
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / f"{name}{p.suffix}.svg" for name in FIGURES for p in PALETTES]
    stamp = directory / ".key"
    key = cache_key()
    if stamp.exists() and stamp.read_text() == key and all(p.exists() for p in paths):
        return paths
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    for old in directory.glob("*.svg"):
        old.unlink()
    style = {"svg.fonttype": "path", "svg.hashsalt": "lrmath", "font.size": 11}
    with plt.rc_context(style):
        for figure in FIGURES.values():
            for palette in PALETTES:
                fig = figure.draw(plt, palette)
                fig.savefig(directory / f"{figure.name}{palette.suffix}.svg", format="svg",
                            transparent=True, metadata={"Date": None, "Title": figure.alt})
                plt.close(fig)
    stamp.write_text(key)
    return paths


def figure_block(lines: list[str], page_path: str, where: str = "") -> str:
    """The Markdown that shows a ``figure`` block: both SVGs, alt text, caption.

    ``lines`` are the block's lines: a figure name, then an optional caption (Markdown,
    one paragraph). The result has as many lines as the block with its two fences.
    ``page_path`` is the page's path under ``docs/``, to link the SVGs relative to it.
    An unknown name raises :class:`ValueError` naming ``where`` and the known names.
    """
    name = lines[0].strip() if lines else ""
    if name not in FIGURES:
        known = ", ".join(sorted(FIGURES))
        raise ValueError(f"{where}unknown figure {name!r}; the figures are: {known}")
    figure = FIGURES[name]
    folder = posixpath.relpath("figures", posixpath.dirname(page_path) or ".")
    alt = figure.alt.replace("[", "(").replace("]", ")")
    images = " ".join(
        f"![{alt}]({folder}/{name}{p.suffix}.svg#only-{'dark' if p.suffix else 'light'})"
        for p in PALETTES
    )
    caption = " ".join(line.strip() for line in lines[1:] if line.strip())
    rows = ['<figure class="lr-figure" markdown>', images]
    rows += [f'<figcaption markdown="span">{caption}</figcaption>'] if caption else []
    # as many lines as the block had (its fences included), so that the lines of the
    # page's derivations, and of their error messages, do not move
    rows += [""] * (len(lines) + 2 - len(rows) - 1)
    return "\n".join(rows + ["</figure>"])


_FENCE = re.compile(r"^(?P<indent>[ \t]*)```figure[ \t]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.M | re.S)


def place_figures(markdown: str, page_path: str, first_line: int = 1) -> str:
    r"""Replace every ``figure`` block of a page by :func:`figure_block`'s Markdown.

    >>> page = "Text.\n\n```figure\nsoft-threshold\n```\n"
    >>> placed = place_figures(page, "10-regularisation.md")
    >>> print(placed.splitlines()[3][:40])
    ![The soft-threshold function S(v) for a
    >>> placed.count("\n") == page.count("\n")  # the lines below do not move
    True
    >>> place_figures("```figure\nnone\n```\n", "x.md")
    Traceback (most recent call last):
    ...
    ValueError: docs/x.md:1: unknown figure 'none'; the figures are: descent-paths, l1-l2-balls, losses, sigmoid, soft-threshold, softmax-temperature
    """

    examples = lines_inside_fences(markdown)

    def place(match):
        if markdown.count("\n", 0, match.start()) + 1 in examples:
            return match.group(0)  # shown as an example inside another fence
        line = markdown.count("\n", 0, match.start()) + first_line
        indent = match.group("indent")
        body = [raw[len(indent):] for raw in match.group("body").splitlines()]
        block = figure_block(body, page_path, where=f"docs/{page_path}:{line}: ")
        return "\n".join(indent + row if row else row for row in block.splitlines())

    return _FENCE.sub(place, markdown)
