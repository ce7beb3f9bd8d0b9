"""The table of contents: every entry links to a heading on its page and shows it as the page does.

Material prints each page's table twice: "On this page" on the right, and inside the
navigation (where small screens show it); both are ``nav.md-nav--secondary``. A heading
with inline code keeps its ``<code>`` in the entry, and one with math keeps the math as
arithmatex markup (which MathJax typesets there too), never as ``$`` TeX or stripped.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from tests.site.browser import open_page
from tests.site.test_browser import site_pages

MATH_TEXT = re.compile(r"(?<![\w$])\$[^$\s][^$]*\$|\\\(")


def _tables(site_dir):
    """(page, parsed HTML, its table-of-contents links) for every built page."""
    for path in site_pages(site_dir):
        soup = BeautifulSoup((site_dir / path / "index.html").read_text(encoding="utf-8"), "html.parser")
        yield path, soup, soup.select('nav.md-nav--secondary a[href^="#"]')


def _has_math(element) -> bool:
    return element.select_one(".arithmatex") is not None or bool(MATH_TEXT.search(element.get_text()))


def test_every_table_of_contents_link_leads_to_an_id_on_its_page(built_site):
    _, site_dir = built_site
    broken, checked, pages_with_both = [], 0, 0
    for path, soup, links in _tables(site_dir):
        ids = {element["id"] for element in soup.select("[id]")}
        for link in links:
            checked += 1
            if link["href"][1:] not in ids:
                broken.append(f"{path}: {link['href']} ({' '.join(link.get_text().split())})")
        if soup.select('.md-nav--primary nav.md-nav--secondary a[href^="#"]') and soup.select(
            '.md-sidebar--secondary nav.md-nav--secondary a[href^="#"]'
        ):
            pages_with_both += 1
    assert checked > 100 and pages_with_both > 10, (checked, pages_with_both)
    assert not broken, broken


def test_entries_keep_the_inline_code_and_the_math_of_their_headings(built_site):
    _, site_dir = built_site
    lost, with_code, with_math = [], 0, 0
    for path, soup, links in _tables(site_dir):
        content = soup.select_one(".md-content")
        for link in links:
            heading = content.find(id=link["href"][1:])
            if heading is None or not re.fullmatch(r"h[1-6]", heading.name):
                continue  # the test above reports links that lead nowhere
            shown = " ".join(link.get_text().split())
            if heading.find("code"):
                with_code += 1
                if not link.find("code"):
                    lost.append(f"{path}{link['href']}: the code of the heading is gone ({shown!r})")
            if _has_math(heading):
                with_math += 1
                if link.select_one(".arithmatex") is None:
                    lost.append(f"{path}{link['href']}: the math of the heading is not marked for MathJax ({shown!r})")
                outside = "".join(
                    text for text in link.find_all(string=True) if not text.find_parent(class_="arithmatex")
                )
                if MATH_TEXT.search(outside):
                    lost.append(f"{path}{link['href']}: raw TeX in the entry ({shown!r})")
    # each such heading is counted in both tables; the site has several of each
    assert with_code >= 4 and with_math >= 6, (with_code, with_math)
    assert not lost, "\n".join(lost)


@pytest.mark.browser
def test_math_in_table_of_contents_entries_is_typeset(browser, built_site):
    base, site_dir = built_site
    pages = [path for path, _, links in _tables(site_dir) if any(_has_math(link) for link in links)]
    assert pages, "no page has math in a heading"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    failures = {}
    for path in pages:
        page, report = open_page(context, base + path)
        entries = page.evaluate(
            """() => [...document.querySelectorAll('nav.md-nav--secondary a .arithmatex')].map(m => ({
                 typeset: !!m.querySelector('mjx-container mjx-assistive-mml math'),
                 error: !!m.querySelector('mjx-merror'), text: m.textContent.slice(0, 80)}))"""
        )
        page.close()
        bad = [e["text"] for e in entries if not e["typeset"] or e["error"]]
        if not entries or bad:
            failures[path] = bad or "no math in the table of contents"
    context.close()
    assert not failures, failures
