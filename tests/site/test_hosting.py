"""Hosting under a subpath: the session's site is served at ``/course/`` (tests/conftest.py).

Canonical links and the sitemap follow ``site_url``; every page, search and the 404 page
work there; each page has its own title and description, and the site its own favicon.
"""

from __future__ import annotations

import html as html_lib
import json
import re
import urllib.error
import urllib.request

import pytest

from tests.conftest import SUBPATH
from tests.site.browser import PageReport, problems, watch
from tests.site.test_browser import site_pages


def _head(site_dir, path):
    return (site_dir / path / "index.html").read_text(encoding="utf-8").split("</head>", 1)[0]


def test_canonical_links_and_sitemap_follow_site_url(built_site):
    base, site_dir = built_site
    assert base.endswith("/" + SUBPATH)
    for path in site_pages(site_dir):
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', _head(site_dir, path))
        assert canonical and canonical.group(1) == base + path, (path, canonical and canonical.group(1))
    sitemap = (site_dir / "sitemap.xml").read_text()
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert locations and all(loc.startswith(base) for loc in locations), locations[:3]
    assert len(locations) == len(site_pages(site_dir))


def test_every_page_has_its_own_title_and_description(built_site):
    _, site_dir = built_site
    titles, descriptions = {}, {}
    for path in site_pages(site_dir):
        head = _head(site_dir, path)
        titles[path] = html_lib.unescape(re.search(r"<title>(.*?)</title>", head, re.S).group(1).strip())
        found = re.search(r'<meta name="description" content="([^"]*)"', head)
        descriptions[path] = html_lib.unescape(found.group(1)) if found else ""
    assert len(set(titles.values())) == len(titles), titles
    short = {p: d for p, d in descriptions.items() if len(d) < 40}
    assert not short, f"pages without a description of their own: {short}"
    assert len(set(descriptions.values())) == len(descriptions), "two pages share a description"
    raw = {p: d for p, d in descriptions.items() if re.search(r"\\\(|\$\$|¶|<", d)}
    assert not raw, raw


def test_the_favicon_is_the_sites_own(built_site):
    base, site_dir = built_site
    icon = re.search(r'<link rel="icon" href="([^"]+)"', _head(site_dir, ""))
    assert icon and icon.group(1).endswith("favicon.svg"), icon
    with urllib.request.urlopen(base + "assets/favicon.svg") as response:
        body = response.read().decode()
    assert body.lstrip().startswith("<svg") and "http://" not in body.replace("http://www.w3.org/2000/svg", "")


@pytest.mark.browser
def test_every_page_and_the_404_page_are_styled_and_whole_under_the_subpath(browser, built_site):
    base, site_dir = built_site
    context = browser.new_context()
    failures = {}
    for path in site_pages(site_dir) + ["no-such-page/"]:
        page = context.new_page()
        report = PageReport(base + path)
        watch(page, report)
        failed = []
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 and not r.url.endswith("no-such-page/") else None)
        response = page.goto(base + path, wait_until="load")
        styled = page.evaluate("getComputedStyle(document.querySelector('.md-header')).position")
        page.close()
        found = problems(report) + failed
        if path == "no-such-page/":  # the browser logs the page's own 404 status, which is right
            found = [f for f in found if "status of 404" not in f]
        if styled not in ("sticky", "fixed"):
            found.append(f"the header is not styled (position {styled!r}): stylesheets missing")
        if path == "no-such-page/" and response.status != 404:
            found.append(f"status {response.status}, not 404")
        if found:
            failures[path] = found
    context.close()
    assert not failures, json.dumps(failures, indent=1)


@pytest.mark.browser
def test_search_works_under_the_subpath(browser, built_site):
    base, _ = built_site
    context = browser.new_context()
    page = context.new_page()
    report = PageReport(base)
    watch(page, report)
    page.goto(base + "04-bce-gradient/", wait_until="load")
    page.locator("input.md-search__input").click()
    page.keyboard.type("Newton", delay=30)  # typed: the search listens to key events
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    items = page.locator(".md-search-result__item")
    count = items.count()
    first_link = items.first.locator("a").first.get_attribute("href")
    preview = page.locator(".md-search-result").inner_text()
    context.close()
    assert count >= 2
    assert first_link.startswith(base) or not first_link.startswith(("/", "http")), first_link
    assert "¶" not in preview and "\\(" not in preview and "$" not in preview, preview[:500]
    assert not problems(report), problems(report)


def test_search_index_holds_no_code_tex_or_permalink_signs(built_site):
    _, site_dir = built_site
    index = json.loads((site_dir / "search" / "search_index.json").read_text())
    text = html_lib.unescape(" ".join(d["text"] + " " + d["title"] for d in index["docs"]))
    assert "¶" not in text and "\\(" not in text and "$$" not in text  # (\\frac in inline code is fine)
    assert not re.search(r"\$[a-z\\][^$ ]*\$", text), re.search(r".{40}\$[a-z\\][^$ ]*\$.{40}", text)
    code = []
    for page in site_dir.rglob("index.html"):
        for block in re.findall(r"<pre[^>]*>(.*?)</pre>", page.read_text(), re.S):
            line = max(html_lib.unescape(re.sub(r"<[^>]+>", "", block)).splitlines() or [""], key=len).strip()
            if len(line) > 30:
                code.append(line)
    assert len(code) > 50, "the site should show code"
    leaked = [c for c in code if c in text]
    assert not leaked, f"{len(leaked)} lines of code blocks are in the search index, e.g. {leaked[:3]}"
    assert "checked three ways" in text.lower() and "cross-entropy" in text.lower()  # prose stays


def test_notebook_pages_share_one_stylesheet_instead_of_inline_css(built_site):
    _, site_dir = built_site
    notebooks = [p for p in site_pages(site_dir) if p.startswith("notebooks/")]
    sheets = set()
    for path in notebooks:
        html = (site_dir / path / "index.html").read_text()
        inline = sum(len(css) for css in re.findall(r"<style[^>]*>(.*?)</style>", html, re.S))
        assert inline < 20_000, f"{path}: {inline} bytes of inline CSS"
        linked = re.findall(r'<link rel="stylesheet" href="([^"]*jupyter-[0-9a-f]+\.css)"', html)
        assert linked, f"{path} links no notebook stylesheet"
        sheets.update(re.sub(r"^(\.\./)+", "", s) for s in linked)
        for sheet in linked:
            assert (site_dir / path / sheet).resolve().is_file(), sheet
    assert len(sheets) <= 5, sheets
