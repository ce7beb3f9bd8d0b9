"""The MkDocs integration: builds fail at the right line, and proofs are cached by content."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lrmath.checker import cache as proof_cache
from lrmath.site import mkdocs_plugin, notebooks
from lrmath.site.mkdocs_plugin import LrmathPlugin

PAGE = textwrap.dedent(
    r"""
    # Page

    ```derivation
    where z \in \mathbb{R}
    define s = \frac{1}{1 + e^{-z}}
    \frac{ds}{dz} = s(1 - s)   # the slope \label{slope}
    ```

    See \eqref{slope}.
    """
).lstrip()


def make_project(root: Path, page: str = PAGE, notebook: str | None = None) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text(page)
    nav = "  - index.md\n"
    plugins = "  - lrmath\n"
    if notebook is not None:
        (root / "docs" / "notebooks").mkdir()
        (root / "docs" / "notebooks" / "nb.py").write_text(notebook)
        nav += "  - notebooks/nb.py\n"
        plugins += '  - mkdocs-jupyter:\n      include: ["notebooks/*.ipynb"]\n      execute: false\n'
    (root / "mkdocs.yml").write_text(
        f"site_name: t\nsite_url: http://127.0.0.1/\nnav:\n{nav}plugins:\n{plugins}"
        "markdown_extensions:\n  - admonition\n  - pymdownx.details\n  - pymdownx.arithmatex:\n      generic: true\n"
        "  - pymdownx.superfences:\n      custom_fences:\n        - name: derivation\n          class: lr-derivation\n"
        "          format: !!python/name:lrmath.checker.rendering.superfences_format\n"
    )
    return root


def build(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"],
        cwd=root, capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )


def test_a_proven_page_builds_and_shows_marks_and_links(tmp_path):
    root = make_project(tmp_path)
    result = build(root)
    assert result.returncode == 0, result.stderr
    html = (root / "site" / "index.html").read_text()
    assert html.count('lr-mark--proven') == 1 and html.count('lr-mark--defined') == 1
    assert '<a href="#eq-slope">(1)</a>' in html and 'id="eq-slope"' in html


@pytest.mark.parametrize(
    "old, new, line, words",
    [
        ("s(1 - s)", "s(1 + s)", 6, "wrong step"),
        (r"\frac{ds}{dz}", r"\frac{dq}{dz}", 6, "`q` is not declared"),
        (r"\eqref{slope}", r"\eqref{slop}", 9, "refers to no equation"),
    ],
)
def test_a_failing_step_fails_the_build_with_page_and_line(tmp_path, old, new, line, words):
    root = make_project(tmp_path, PAGE.replace(old, new))
    result = build(root)
    assert result.returncode != 0
    assert f"docs/index.md:{line}: " in result.stderr and words in result.stderr, result.stderr


def test_a_derivation_inside_a_collapsed_admonition_renders_inside_it(tmp_path):
    block = PAGE.split("```derivation")[1].split("```")[0]
    nested = "# T\n\n??? question \"Show the proof\"\n\n    ```derivation" + block.replace("\n", "\n    ") + "```\n"
    root = make_project(tmp_path, nested)
    result = build(root)
    assert result.returncode == 0, result.stderr
    html = (root / "site" / "index.html").read_text()
    question = html[html.index('<details class="question">'):]
    assert question.index('<div class="lr-derivation">') < question.index("</div>\n</details>")
    assert "lr-mark--proven" in question and "lrmath-" not in html


def test_front_matter_does_not_shift_line_numbers(tmp_path):
    root = make_project(tmp_path, "---\ntitle: T\n---\n" + PAGE.replace("s(1 - s)", "s(1 + s)"))
    result = build(root)
    assert "docs/index.md:9: wrong step" in result.stderr, result.stderr


def test_a_notebook_cell_that_raises_fails_the_build_with_file_and_line(tmp_path):
    nb = "# %% [markdown]\n# # T\n\n# %%\nx = 1\n\n# %%\nraise ValueError('boom')\n"
    root = make_project(tmp_path, notebook=nb)
    result = build(root)
    assert result.returncode != 0
    assert "docs/notebooks/nb.py:7: cell raised ValueError: boom" in result.stderr, result.stderr


class _Page:
    pass


def test_proofs_are_cached_by_content_and_lines_follow_the_prose(tmp_path, monkeypatch):
    plugin = LrmathPlugin()
    plugin._cache_dir, plugin._root = tmp_path, tmp_path
    calls = []
    real = proof_cache.check_page
    monkeypatch.setattr(proof_cache, "check_page", lambda *a: calls.append(1) or real(*a))
    broken = PAGE.replace("s(1 - s)", "s(1 + s)")
    first = plugin._checked(broken, "docs/index.md")
    assert len(calls) == 1 and first.failures[0][0] == 6
    # more prose above the block: no new proof, and the failure moves with its line
    again = plugin._checked("Intro.\n\nMore.\n" + broken, "docs/index.md")
    assert len(calls) == 1 and again.failures[0][0] == 9
    assert again.steps[-1].line == 9
    # a change inside a derivation is proven again
    plugin._checked(PAGE, "docs/index.md")
    assert len(calls) == 2
    # and so is everything when the package changes
    monkeypatch.setattr(proof_cache, "checker_digest", lambda: "a different checker")
    plugin._checked(PAGE, "docs/index.md")
    assert len(calls) == 3


def test_notebook_cache_key_follows_the_notebook_and_the_package(monkeypatch):
    key = notebooks.cache_key(b"x = 1")
    assert key == notebooks.cache_key(b"x = 1") != notebooks.cache_key(b"x = 2")
    monkeypatch.setattr(notebooks, "_package_digest", lambda: "changed")
    assert notebooks.cache_key(b"x = 1") != key


@pytest.mark.parametrize("anchor, ok", [("eq-slope", True), ("eq-slop", False)])
def test_another_page_may_link_to_a_numbered_step_and_a_wrong_anchor_fails(tmp_path, anchor, ok):
    root = make_project(tmp_path)
    (root / "docs" / "other.md").write_text(f"# Other\n\nThe [slope](index.md#{anchor}).\n")
    config = root / "mkdocs.yml"
    text = config.read_text().replace("  - index.md\n", "  - index.md\n  - other.md\n")
    config.write_text(text + "validation:\n  links:\n    anchors: warn\n")  # as the course's mkdocs.yml
    # not build(root): under -q MkDocs does not emit, and so does not count, the warning
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=root,
                            capture_output=True, text=True,
                            env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin",
                                 "PYTHONPATH": os.environ.get("PYTHONPATH", "")})
    if ok:
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode != 0 and "does not contain an anchor '#eq-slop'" in result.stderr, result.stderr
