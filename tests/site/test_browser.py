"""The built site in a real browser: math, offline, palettes, instant navigation, notebooks.

Every page of the built site is opened in Debian's Chromium (through Playwright),
served from 127.0.0.1, in both palettes; a screenshot of each goes to
``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import ROOT
from tests.site.browser import PageReport, inspect_math, problems, watch

pytestmark = pytest.mark.browser


def site_pages(site_dir) -> list[str]:
    """Every page of the built site, as a path relative to its root."""
    pages = []
    for html in sorted(site_dir.rglob("index.html")):
        rel = html.parent.relative_to(site_dir).as_posix()
        pages.append("" if rel == "." else rel + "/")
    return pages


def open_page(browser, url: str, scheme: str | None = None):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme or "light")
    page = context.new_page()
    report = PageReport(url)
    watch(page, report)
    page.goto(url, wait_until="load")
    return context, page, report


@pytest.fixture(scope="module")
def pages(built_site):
    base, site_dir = built_site
    found = site_pages(site_dir)
    assert len(found) >= 5, found
    return found


def test_every_page_is_clean_in_both_palettes(browser, built_site, pages, artifacts):
    """No JS errors, no outside requests, all math typeset without errors, in light and dark."""
    base, _ = built_site
    failures = {}
    for path in pages:
        for scheme in ("light", "dark"):
            context, page, report = open_page(browser, base + path, scheme)
            try:
                inspect_math(page, report)
                expected = "slate" if scheme == "dark" else "default"
                actual = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
                if actual != expected:
                    report.js_errors.append(f"palette is {actual!r}, expected {expected!r}")
                name = (path.strip("/").replace("/", "__") or "home") + f"--{scheme}.png"
                page.screenshot(path=str(artifacts / "screenshots" / name), full_page=True)
            finally:
                context.close()
            found = problems(report)
            if report.math_sources and report.typeset == 0:
                found.append("no math typeset")
            if found:
                failures[f"{path} ({scheme})"] = found
    assert not failures, json.dumps(failures, indent=1)


def test_pages_with_math_have_it_typeset(browser, built_site):
    """The pages that are about math show many typeset formulas (counted)."""
    base, _ = built_site
    for path, at_least in (("", 4), ("04-bce-gradient/", 40), ("03-sigmoid-derivative/", 20)):
        context, page, report = open_page(browser, base + path)
        inspect_math(page, report)
        context.close()
        assert report.typeset >= at_least, (path, report.typeset)
        assert not problems(report), problems(report)


def test_palette_toggle_switches_dark_and_light(browser, built_site):
    base, _ = built_site
    context, page, report = open_page(browser, base)
    scheme = lambda: page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert scheme() == "default"
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'default'")
    context.close()
    assert not problems(report)


def test_instant_navigation_typesets_the_new_page(browser, built_site):
    """Click from the home page to the gradient chapter: no reload, and its math is typeset."""
    base, _ = built_site
    context, page, report = open_page(browser, base)
    inspect_math(page, report)
    page.evaluate("window.__sameDocument = true")
    page.locator(".md-content a[href*='04-bce-gradient']").first.click()
    # Material's navigation.tracking may carry the home page's section anchor over for a moment
    page.wait_for_url(re.compile(r".*/04-bce-gradient/(#.*)?$"))
    inspect_math(page, report)
    same_document = page.evaluate("window.__sameDocument === true")
    context.close()
    assert same_document, "the click reloaded the page: instant navigation is off"
    assert report.typeset >= 40, report.typeset
    assert not problems(report), problems(report)


def test_derivation_steps_carry_marks_that_open(browser, built_site):
    base, _ = built_site
    context, page, report = open_page(browser, base + "04-bce-gradient/")
    inspect_math(page, report)
    marks = page.locator(".lr-mark")
    count = marks.count()
    proven = page.locator(".lr-mark--proven").count()
    details = page.locator("details.lr-how").first
    assert details.evaluate("d => d.open") is False
    details.locator("summary").click()
    opened = details.evaluate("d => d.open")
    text = details.inner_text()
    context.close()
    assert count >= 25 and proven >= 20, (count, proven)
    assert opened and "SymPy read" in text


NOTEBOOKS = [f"notebooks/{p.stem}/" for p in sorted((ROOT / "docs" / "notebooks").glob("*.py"))]
assert len(NOTEBOOKS) >= 3, "the course has at least three notebooks"


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_notebook_pages_show_outputs_and_offer_the_executed_notebook(browser, built_site, path):
    import nbformat

    base, site_dir = built_site
    context, page, report = open_page(browser, base + path)
    inspect_math(page, report)
    outputs = page.locator(".jp-OutputArea-output").count()
    images = page.evaluate("[...document.querySelectorAll('.jp-RenderedImage img')].map(i => i.naturalWidth)")
    alts = page.evaluate("[...document.querySelectorAll('.jp-RenderedImage img')].map(i => i.alt)")
    link = page.locator("a[href$='.ipynb']").first
    href = link.get_attribute("href")
    response = context.request.get(page.url.rsplit("/", 1)[0] + "/" + href if not href.startswith("http") else href)
    body = response.text()
    context.close()
    assert outputs > 0, "no cell outputs"
    assert all(w > 0 for w in images), f"an image failed to load: widths {images}"
    assert not problems(report), problems(report)
    notebook = nbformat.reads(body, as_version=4)
    nbformat.validate(notebook)
    executed = [c for c in notebook.cells if c.cell_type == "code" and c.get("outputs")]
    assert executed, "the downloaded notebook has no outputs"
    plots = [o for c in executed for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(images) == len(plots), f"{len(plots)} plots in the notebook, {len(images)} shown on the page"
    assert all(len(o.metadata["image/png"].get("alt", "")) > 40 for o in plots), "a plot without alt text"
    assert all(len(a) > 40 and "No description" not in a for a in alts), alts
    source = (ROOT / "docs" / path.rstrip("/")).with_suffix(".py").read_text()
    if "plt.show()" in source:
        assert plots, "the notebook shows plots, but none were saved in its outputs"


def test_search_indexes_prose_not_outputs_or_proof_dumps(built_site):
    """Readers of similar sites complain that notebook output floods search results."""
    import html as html_lib

    _, site_dir = built_site
    index = json.loads((site_dir / "search" / "search_index.json").read_text())
    text = html_lib.unescape(" ".join(doc["text"] for doc in index["docs"]))
    assert "checked three ways" in text.lower()  # a notebook's prose is searchable
    assert "SymPy read:" not in text  # nor the per-step proof details
    assert "Copied!" not in text and "In [1]:" not in text  # nor the notebook chrome
    assert "Download this notebook" not in text
    # Every printed line of every executed notebook that is not also in its source
    # (a print's format string is source, its result is output) must stay out.
    output_lines = []
    for notebook in site_dir.glob("notebooks/*/*.ipynb"):
        cells = json.loads(notebook.read_text())["cells"]
        source = "\n".join("".join(c["source"]) for c in cells)
        for cell in cells:
            for out in cell.get("outputs", []):
                for line in "".join(out.get("text", [])).splitlines():
                    if len(line.strip()) > 20 and line.strip() not in source:
                        output_lines.append(line.strip())
    assert len(output_lines) > 20, "the notebooks should print something"
    leaked = [line for line in output_lines if line in text]
    assert not leaked, f"{len(leaked)} printed lines are in the search index, e.g. {leaked[:3]}"


def test_every_page_is_in_the_navigation_in_course_order(built_site):
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=Loader)

    def leaves(nav):
        for item in nav:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            yield from (leaves(value) if isinstance(value, list) else [value])

    chapters = [p for p in leaves(config["nav"]) if p[:2].isdigit()]
    assert chapters == sorted(chapters), "the numbered chapters must appear in order"
    pages = set(leaves(config["nav"]))
    for md in (ROOT / "docs").glob("*.md"):
        assert md.name in pages, f"{md.name} is not in the navigation"


EXERCISE_PAGES = sorted(p for p in (ROOT / "docs").glob("[0-9][0-9]-*.md") if "## Exercises" in p.read_text())


@pytest.mark.parametrize("source", EXERCISE_PAGES, ids=lambda p: p.stem)
def test_solutions_are_closed_until_opened_and_then_typeset(browser, built_site, source):
    base, _ = built_site
    text = source.read_text()
    context, page, report = open_page(browser, base + source.stem + "/")
    inspect_math(page, report)
    solutions = page.locator("details.success")
    count = solutions.count()
    # each "find the wrong step" explanation (lr-why) is folded into its solution
    explained = text.count("??? success lr-why")
    assert page.locator("details.lr-why").count() == 0
    folded = page.locator("details.lr-solution > :not(summary):not(.lr-derivation)")
    assert folded.count() >= explained >= 1
    assert not any(folded.nth(i).is_visible() for i in range(folded.count()))
    assert count >= text.count("??? success") - explained >= 1
    for i in range(count):
        solution = solutions.nth(i)
        assert solution.evaluate("d => d.open") is False
        body = solution.locator(":scope > :not(summary)").first
        assert not body.is_visible()
        solution.locator("summary").first.click()
        assert solution.evaluate("d => d.open") is True
        assert body.is_visible()
        page.evaluate("() => window.lrmathTypeset && window.lrmathTypeset.done")  # awaits MathJax
        math = solution.locator(".arithmatex").count()
        assert solution.locator("mjx-container").count() >= min(math, 1)
        assert solution.locator("mjx-merror").count() == 0
    wrong_marks = page.locator("details.lr-solution .lr-mark--wrong").count()
    visible_marks_in_question = page.locator(".lr-exercise .lr-mark").count()
    context.close()
    expected_wrong = sum(line.split("#", 1)[-1].strip().startswith("wrong:") for line in text.splitlines() if " # " in line)
    assert wrong_marks == expected_wrong >= 1 and visible_marks_in_question == 0
    assert not problems(report), problems(report)


FIGURE_PAGES = sorted(p for p in (ROOT / "docs").glob("[0-9][0-9]*-*.md") if "```figure" in p.read_text())


@pytest.mark.parametrize("source", FIGURE_PAGES, ids=lambda p: p.stem)
def test_figures_show_the_palette_s_svg_loaded_and_described(browser, built_site, source):
    """Each figure: in each palette exactly its own SVG is shown, loaded, with a real alt text."""
    base, _ = built_site
    expected = source.read_text().count("```figure")
    for scheme, suffix in (("light", "#only-light"), ("dark", "#only-dark")):
        context, page, report = open_page(browser, base + source.stem + "/", scheme)
        inspect_math(page, report)
        shown = page.evaluate(
            """[...document.querySelectorAll('figure.lr-figure img')]
                 .filter(i => getComputedStyle(i).display !== 'none')
                 .map(i => [i.getAttribute('src'), i.naturalWidth, i.alt])"""
        )
        captions = page.locator("figure.lr-figure figcaption").count()
        context.close()
        assert len(shown) == expected >= 1, (scheme, shown)
        for src, width, alt in shown:
            assert src.endswith(suffix) and width > 0, (scheme, src, width)
            assert len(alt) > 80 and "No description" not in alt, alt
        assert captions == expected
        assert not problems(report), problems(report)


QUIZ_PAGES = sorted(p for p in (ROOT / "docs").glob("[0-9][0-9]*-*.md") if "```quiz" in p.read_text())


@pytest.mark.parametrize("source", QUIZ_PAGES, ids=lambda p: p.stem)
def test_self_tests_hide_the_answer_until_chosen_with_the_keyboard(browser, built_site, source):
    base, _ = built_site
    context, page, report = open_page(browser, base + source.stem + "/", "dark")
    inspect_math(page, report)
    quizzes = page.locator("fieldset.lr-quiz")
    count = quizzes.count()
    assert count == source.read_text().count("```quiz") >= 2
    for i in range(count):
        quiz = quizzes.nth(i)
        assert quiz.locator("legend").inner_text().startswith(f"Self-test {i + 1}.")
        radios = quiz.locator("input[type=radio]")
        for k in range(radios.count()):  # every option has a label that names it
            label = quiz.locator(f"label[for='{radios.nth(k).get_attribute('id')}']")
            assert label.count() == 1 and label.inner_text().strip()
        feedback = quiz.locator(".lr-quiz-feedback")
        assert not any(feedback.nth(k).is_visible() for k in range(feedback.count()))
        radios.first.focus()
        page.keyboard.press("ArrowDown")  # the keyboard chooses the second option
        chosen = [k for k in range(radios.count()) if radios.nth(k).is_checked()]
        assert chosen == [1]
        visible = [k for k in range(feedback.count()) if feedback.nth(k).is_visible()]
        assert visible == [1]
        status = quiz.locator(".lr-quiz-status")
        assert status.get_attribute("aria-live") == "polite"
        # the live region says what the chosen option's feedback says (math as its text)
        said, shown = status.inner_text().split(), feedback.nth(1).inner_text().split()
        assert said[0] == shown[0] in ("Right.", "Not") and len(said) > 3
        assert quiz.locator("mjx-merror").count() == 0
    context.close()
    assert not problems(report), problems(report)


SOLUTION_NOTEBOOKS = [f"notebooks/{p.stem}/" for p in sorted((ROOT / "docs" / "notebooks").glob("*.py"))
                      if 'tags=["solution"]' in p.read_text()]


@pytest.mark.parametrize("path", SOLUTION_NOTEBOOKS)
def test_notebook_code_solutions_are_collapsed_until_opened(browser, built_site, path):
    base, _ = built_site
    context, page, report = open_page(browser, base + path)
    solutions = page.locator("details.lr-code-solution")
    count = solutions.count()
    closed = [solutions.nth(i).evaluate("d => !d.open") for i in range(count)]
    code_hidden = [not solutions.nth(i).locator(".jp-InputArea").first.is_visible() for i in range(count)]
    if count:
        solutions.first.locator("summary").click()
    opened_shows_code = count and solutions.first.locator(".jp-InputArea").first.is_visible()
    context.close()
    source = (ROOT / "docs" / path.rstrip("/")).with_suffix(".py").read_text()
    assert count == source.count('tags=["solution"]') >= 1
    assert all(closed) and all(code_hidden) and opened_shows_code
    assert not problems(report), problems(report)
