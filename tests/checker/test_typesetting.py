"""Every line the checker accepts must also typeset in MathJax without a TeX error.

The reader refuses what TeX would typeset differently from what it read; this test is
the other half: MathJax's own TeX input (``mathjax-full`` 3.2.2, the version the site
vendors, run under Node) parses every fragment the site shows from a derivation block,
in the course's pages and in the corpus pages that must be proven, in one Node process.

Node and the package come from ``npm ci --prefix tests/checker/typeset`` (CI runs it).
Without them the test is skipped with that hint, except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from lrmath.checker.page import LABEL, _split_reason, _split_relations, find_blocks

ROOT = Path(__file__).resolve().parents[2]
TOOL = Path(__file__).resolve().parent / "typeset"
INLINE_MATH = re.compile(r"\\\((.+?)\\\)")


def _node_or_skip() -> str:
    node = shutil.which("node")
    missing = None
    if node is None:
        missing = "Node.js is not installed (apt-get install nodejs)"
    elif not (TOOL / "node_modules" / "mathjax-full").is_dir():
        missing = f"mathjax-full is not installed: run `npm ci --prefix {TOOL.relative_to(ROOT)}`"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(missing + " (CI=true: this check may not be skipped)")
        pytest.skip(missing)
    return node


def typeset_errors(items: list[dict]) -> list[dict]:
    """Run MathJax's TeX input on each ``{"where", "tex"}``; return those that are TeX errors."""
    node = _node_or_skip()
    done = subprocess.run(
        [node, str(TOOL / "check-tex.js")],
        input=json.dumps(items), capture_output=True, text=True, cwd=TOOL, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def fragments(markdown: str, path: str) -> list[dict]:
    """The pieces of math the site typesets from a page's derivation blocks, as the renderer splits them."""
    out = []
    for block in find_blocks(markdown):
        for line, raw in block.lines:
            if not raw.strip():
                continue
            math, reason = _split_reason(LABEL.sub("", raw).strip())
            where = f"{path}:{line}"
            out += [{"where": where, "tex": m} for m in INLINE_MATH.findall(reason)]
            keyword, _, rest = math.partition(" ")
            if keyword == "where":
                out += [{"where": where, "tex": part.strip()} for part in rest.split(";") if part.strip()]
                continue
            parts, relations = _split_relations(rest if keyword == "define" else math)
            parts = [p.strip() for p in parts]
            if parts[0]:
                out.append({"where": where, "tex": parts[0]})
            out += [{"where": where, "tex": f"{rel} {p}"} for rel, p in zip(relations, parts[1:])]
    return out


def _accepted_pages() -> list[Path]:
    pages = sorted((ROOT / "docs").glob("*.md"))
    corpus = sorted((ROOT / "tests" / "checker" / "corpus").glob("*.md"))
    return pages + [p for p in corpus if p.read_text(encoding="utf-8", errors="replace").startswith("<!-- expect: prove")]


def test_every_accepted_line_typesets_in_mathjax():
    items = []
    for page in _accepted_pages():
        items += fragments(page.read_text(encoding="utf-8"), str(page.relative_to(ROOT)))
    assert len(items) > 300, "the course's derivation lines were not found"
    errors = typeset_errors(items)
    assert not errors, "\n".join(f"{e['where']}: MathJax: {e['error']} in `{e['tex']}`" for e in errors)


@pytest.mark.parametrize(
    "tex, error",
    [("z^2^3", "Double exponent"), (r"\left( z", "missing \\right"), (r"\foo z", "Undefined control sequence")],
)
def test_the_mathjax_check_sees_tex_errors(tex, error):
    (found,) = typeset_errors([{"where": "example", "tex": tex}])
    assert error in found["error"]
