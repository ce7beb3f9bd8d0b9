"""The browser check must be able to fail: a broken macro and an outside script are caught.

A copy of the course is built with two deliberate faults, and the same page check that
passes on the real site must report each of them.
"""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import ROOT, build_site, free_port, serve
from tests.site.browser import PageReport, open_page, problems

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory):
    project = tmp_path_factory.mktemp("broken")
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", project / "overrides")  # mkdocs.yml's theme.custom_dir
    home = project / "docs" / "index.md"
    home.write_text(home.read_text() + "\nA broken macro: \\(\\undefinedmacro{x}\\).\n")
    chapter = project / "docs" / "01-why-a-loss.md"
    chapter.write_text(chapter.read_text() + '\n<script src="https://cdn.example.com/tracker.js"></script>\n')
    port = free_port()
    out = project / "site"
    result = build_site(project, out, port)
    assert result.returncode == 0, result.stderr[-3000:]
    server = serve(out, port)
    yield f"http://127.0.0.1:{port}/"
    server.shutdown()


def check(browser, url) -> PageReport:
    context = browser.new_context()
    page, report = open_page(context, url)
    context.close()
    return report


def test_an_undefined_macro_is_reported(browser, broken_site):
    report = check(browser, broken_site)
    assert any("undefinedmacro" in m for m in report.merrors), report
    assert problems(report)


def test_a_script_from_another_host_is_reported_and_blocked(browser, broken_site):
    report = check(browser, broken_site + "01-why-a-loss/")
    assert report.outside_requests == ["https://cdn.example.com/tracker.js"], report
    assert problems(report)
