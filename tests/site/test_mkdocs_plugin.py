"""The MkDocs integration: builds fail at the right line, and proofs are cached by content."""

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lrmath.checker import cache as proof_cache
from lrmath.site import notebooks
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
        "markdown_extensions:\n  - admonition\n  - md_in_html\n  - pymdownx.details\n  - pymdownx.arithmatex:\n      generic: true\n"
        "  - pymdownx.superfences:\n      custom_fences:\n        - name: derivation\n          class: lr-derivation\n"
        "          format: !!python/name:lrmath.checker.rendering.superfences_format\n"
    )
    return root


#: a clean environment, except PYTHONPATH: a checkout under test may shadow the installed package
ENV = {"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": os.environ.get("PYTHONPATH", "")}


def build(root: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", *(options or ("-q",))],
        cwd=root, capture_output=True, text=True, env=ENV,
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
    real = proof_cache._reuse_page
    # a page not found in the cache is sent to a worker: count those
    monkeypatch.setattr(proof_cache, "_reuse_page", lambda *a: real(*a) or calls.append(1))
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
    # and so is everything when the checker changes
    monkeypatch.setattr(proof_cache, "checker_digest", lambda: "a different checker")
    plugin._checked(PAGE, "docs/index.md")
    assert len(calls) == 3


def test_notebook_cache_key_follows_the_notebook_and_the_package(monkeypatch):
    key = notebooks.cache_key(b"x = 1")
    assert key == notebooks.cache_key(b"x = 1") != notebooks.cache_key(b"x = 2")
    monkeypatch.setattr(notebooks, "_package_digest", lambda: "changed")
    assert notebooks.cache_key(b"x = 1") != key


DISPLAY = "\\[\n\\mathbf{H}\\mathbf{p} = -\\mathbf{g}\n\\]\n"


def test_an_unmarked_display_equation_fails_the_build_with_page_and_line(tmp_path):
    root = make_project(tmp_path, PAGE + "\n" + DISPLAY)
    result = build(root)
    assert result.returncode != 0
    assert "docs/index.md:11: this displayed `=` is proven by nobody" in result.stderr, result.stderr


def test_a_marked_display_shows_a_badge_with_its_reason_and_is_listed(tmp_path):
    mark = "<!-- not checked: the equation that defines the step \\(\\mathbf{p}\\), not \\eqref{slope} -->\n"
    root = make_project(tmp_path, PAGE + "\n" + mark + DISPLAY)
    result = build(root, "--verbose")
    assert result.returncode == 0, result.stderr
    html = (root / "site" / "index.html").read_text()
    badge = html[html.index('<p class="lr-unchecked">'):]
    assert badge.index("not checked</span>") < badge.index("defines the step") < badge.index("\\mathbf{H}")
    assert "<!-- not checked" not in html
    assert '<a href="#eq-slope">(1)</a>' in badge.split("</p>")[0]  # an \eqref in the reason links
    assert "1 display equation marked not checked:" in result.stderr
    assert "docs/index.md:12: the equation that defines the step" in result.stderr


def test_an_unmarked_display_in_a_notebook_fails_the_build_at_its_line(tmp_path):
    nb = "# %% [markdown]\n# # T\n#\n# $$a = b$$\n\n# %%\nx = 1\n"
    root = make_project(tmp_path, notebook=nb)
    result = build(root)
    assert result.returncode != 0
    assert "docs/notebooks/nb.py:4: this displayed `=` is proven by nobody" in result.stderr, result.stderr


WRONG_STEP = textwrap.dedent(
    r"""
    # Page

    1. Find the wrong step.

        ```derivation
        where z \in \mathbb{R}
        2z + z = 4z   # wrong: two and one make three
        ```

        ??? success lr-why "Why it goes wrong"

            Two plus one is three, not four.
    """
).lstrip()


def test_a_wrong_step_explanation_is_folded_into_its_collapsed_solution(tmp_path):
    root = make_project(tmp_path, WRONG_STEP)
    result = build(root)
    assert result.returncode == 0, result.stderr
    html = (root / "site" / "index.html").read_text()
    solution = html[html.index('<details class="success lr-solution">'):]
    solution = solution[: solution.index("</li>")]
    assert "lr-mark--wrong" in solution and "Two plus one is three" in solution
    assert solution.rstrip().endswith("</details>") and "lr-why" not in html


def test_an_explanation_with_no_exercise_before_it_fails_the_build(tmp_path):
    page = WRONG_STEP.replace("# wrong: two and one make three", "").replace("4z", "3z")
    root = make_project(tmp_path, page)
    result = build(root)
    assert result.returncode != 0
    assert 'docs/index.md: an "lr-why" explanation (Why it goes wrong)' in result.stderr, result.stderr


def test_a_figure_block_shows_both_palettes_svgs_with_alt_text(tmp_path):
    page = "# T\n\nText.\n\n```figure\nsigmoid\nThe sigmoid.\n```\n"
    root = make_project(tmp_path, page)
    result = build(root)
    assert result.returncode == 0, result.stderr
    html = (root / "site" / "index.html").read_text()
    assert 'src="figures/sigmoid.svg#only-light"' in html and 'src="figures/sigmoid-dark.svg#only-dark"' in html
    assert html.count('alt="The sigmoid and its derivative') == 2 and "<figcaption>The sigmoid.</figcaption>" in html
    for name in ("sigmoid.svg", "sigmoid-dark.svg"):
        svg = (root / "site" / "figures" / name).read_text()
        assert "<svg" in svg and "href=\"http" not in svg and "@import" not in svg


@pytest.mark.parametrize(
    "block, words",
    [
        ("```figure\nno-such-figure\n```", "docs/index.md:5: unknown figure 'no-such-figure'"),
        ("```quiz\nWhich?\n- [ ] a :: no\n- [ ] b :: no\n```", "docs/index.md:5: a quiz needs exactly one right option"),
        ("```quiz\nWhich?\n- [x] a\n- [ ] b :: no\n```", "docs/index.md:5: option 1 must read"),
    ],
)
def test_a_bad_figure_or_quiz_block_fails_the_build_with_page_and_line(tmp_path, block, words):
    root = make_project(tmp_path, "# T\n\nText.\n\n" + block + "\n")
    result = build(root)
    assert result.returncode != 0
    assert words in result.stderr, result.stderr


def test_a_quiz_block_becomes_labelled_radio_buttons(tmp_path):
    page = "# T\n\n```quiz\nIs \\(1 > 0\\)?\n- [x] Yes :: Right.\n- [ ] No :: One is positive.\n```\n"
    root = make_project(tmp_path, page)
    result = build(root)
    assert result.returncode == 0, result.stderr
    html = (root / "site" / "index.html").read_text()
    assert html.count('type="radio" name="quiz-index-1"') == 2
    assert '<label for="quiz-index-1-1"><span class="lr-quiz-key">A.</span> Yes</label>' in html
    assert '<span class="arithmatex">\\(1 &gt; 0\\)</span>' in html
    assert html.count("data-search-exclude><strong>") == 2  # the answers are not searchable


def test_a_line_over_the_time_limit_fails_the_build_at_its_line(tmp_path):
    slow = PAGE.replace("See \\eqref{slope}.", "```derivation\ndefine \\phi(t) = \\frac{1}{1 + e^{-t}}\n\\phi(10^{9}) = 1\n```\n\nSee \\eqref{slope}.")
    root = make_project(tmp_path, slow)
    config = (root / "mkdocs.yml").read_text().replace("  - lrmath\n", "  - lrmath:\n      time_limit: 1\n")
    (root / "mkdocs.yml").write_text(config)
    result = build(root)
    assert result.returncode != 0
    assert "docs/index.md:11: gave up on this line after 1 s" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_time_limit_is_a_configuration_error(tmp_path):
    root = make_project(tmp_path)
    config = (root / "mkdocs.yml").read_text().replace("  - lrmath\n", "  - lrmath:\n      time_limit: -3\n")
    (root / "mkdocs.yml").write_text(config)
    result = build(root)
    assert result.returncode != 0 and "time_limit must be a positive" in result.stderr, result.stderr


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


@pytest.mark.parametrize("repo_url", ["https://example.org/course-repo/", None])
def test_a_page_names_the_repository_of_mkdocs_yml_or_fails_at_its_line(tmp_path, repo_url):
    root = make_project(tmp_path, page="# Page\n\nClone it:\n\n```bash\ngit clone {{ repo_url }}.git\n```\n")
    if repo_url:
        (root / "mkdocs.yml").write_text((root / "mkdocs.yml").read_text() + f"repo_url: {repo_url}\n")
    result = build(root)
    if repo_url:
        assert result.returncode == 0, result.stderr
        text = re.sub(r"<[^>]+>", "", (root / "site" / "index.html").read_text())
        assert "git clone https://example.org/course-repo.git" in text and "repo_url }}" not in text
    else:
        assert result.returncode != 0
        assert "docs/index.md:6:" in result.stderr and "no repo_url" in result.stderr, result.stderr
