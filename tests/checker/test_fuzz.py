"""Thousands of malformed derivation lines: no exception escapes, every failure is located,
and every line that ran too long came back through the time limit as a located message."""

import random
import re
from pathlib import Path

from lrmath.checker.page import find_blocks
from lrmath.checker.workers import CheckerPool

DOCS = Path(__file__).resolve().parents[2] / "docs"
SEED = 20261206
TOKENS = [
    "\\frac", "{", "}", "(", ")", "[", "]", "^", "_", "z", "w", "y", "x_i", "1", "2", "0.5", "10^{9}", "=", "+", "-",
    "\\cdot", "\\sum_{i=1}^{n}", "\\prod", "\\log", "\\ln", "\\exp", "e^{", "\\left(", "\\right)", "\\left|", "\\sigma",
    "\\sqrt", "\\in", "\\mathbb{R}", "&", "\\\\", "#", "\\label{a}", "\\eqref{a}", "define", "where", ",", ";", "\\,",
    "|", "\\partial", "\\frac{d}{dz}", "\\lim_{z \\to 0}", "\\max", "!", "'", "\\hat{y}", "\\mathbf{w}", "^T", "\\infty",
    "\x00", "\x1b", "\u2028", "\u00e9", "\u0663", "\t", "`", "~", "\\", "%", "\\begin{matrix}", "\\end{matrix}",
]
WEIRD = "{}()^_\\=#|&%$~`'\"\x00\x07\x1b\u2028\u0663\u00e9 0123456789"
HEADER = (
    "where z, w, s, t, b, u, a \\in \\mathbb{R}; \\lambda > 0; y \\in \\{0, 1\\}; \\hat{y} \\in (0, 1); "
    "n, d, K \\in \\mathbb{N}; i \\in \\{1, \\dots, n\\}; j \\in \\{1, \\dots, d\\}; "
    "\\mathbf{w}, \\mathbf{x} \\in \\mathbb{R}^{d}"
)
SLOW = "\\sigma(10^{9}) = 1"  # hangs without the time limit: the timeout path must be taken


def course_lines() -> list[str]:
    lines = []
    for page in sorted(DOCS.glob("*.md")):
        for block in find_blocks(page.read_text(encoding="utf-8")):
            lines.extend(text.strip() for _, text in block.lines if text.strip())
    return lines


def mutate(line: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(line) + 1)
        kind = rng.randrange(5)
        if kind == 0 and line:
            line = line[:at] + line[at + 1 :]  # delete a character
        elif kind == 1:
            line = line[:at] + rng.choice(WEIRD) + line[at:]  # insert an odd one
        elif kind == 2:
            j = rng.randrange(len(line) + 1)
            line = line[: min(at, j)] + line[min(at, j) : max(at, j)] * 2 + line[max(at, j) :]  # repeat a stretch
        elif kind == 3:
            line = line[:at]  # cut short
        else:
            line = line[:at] + rng.choice(["{", "}", "\\left(", "\\right)", "^", "_", "="]) + line[at:]
    return line.replace("\n", " ")


def malformed_inputs(count: int) -> list[str]:
    rng = random.Random(SEED)
    sources = course_lines()
    out = []
    while len(out) < count:
        if rng.random() < 0.6:  # token soup, most often on both sides of one `=`
            soup = [" ".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 8))) for _ in range(2)]
            out.append(" = ".join(soup) if rng.random() < 0.8 else " ".join(soup))
        else:
            out.append(mutate(rng.choice(sources), rng))
    return out


def pages(inputs: list[str], per_page: int) -> list[tuple[str, str]]:
    out = []
    for start in range(0, len(inputs), per_page):
        chunk = inputs[start : start + per_page]
        text = "# Fuzz\n\n```derivation\n" + HEADER + "\ndefine \\sigma(t) = \\frac{1}{1 + e^{-t}}\n```\n"
        text += "".join(f"\n```derivation\n{line}\n```\n" for line in chunk)
        out.append((text, f"fuzz-{start // per_page}.md"))
    return out


def test_malformed_lines_never_escape_and_every_failure_is_located():
    inputs = malformed_inputs(2500)
    inputs[len(inputs) // 2] = SLOW
    batch = pages(inputs, per_page=50)
    pool = CheckerPool(2)
    try:
        results = pool.check(batch, time_limit=1)
    finally:
        pool.close()
    assert len(results) == len(batch)
    timeouts = crashes = 0
    for (text, path), checked in zip(batch, results):
        last = text.count("\n") + 1
        for message in checked.messages():
            assert re.match(rf"{re.escape(path)}:(\d+): \S", message), message
            line = int(message.split(":")[1])
            assert 1 <= line <= last and "Traceback" not in message, message
            timeouts += " gave up on this line after 1 s" in message
            crashes += "worker process died on this line" in message
    assert timeouts >= 1, "the slow line did not go through the time limit"
    assert timeouts == pool.timeouts, "a line that timed out was not reported at its line"
    assert timeouts + crashes == pool.restarts
