"""Driving Debian's Chromium with Playwright, and what one page check records."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]

INSTALL_HINT = (
    "Chromium is not installed: the browser tests need Debian's package "
    "(`apt-get install chromium`; `playwright install` does not work offline)"
)


def chromium_path() -> str | None:
    """The system Chromium; under CI a missing browser fails instead of skipping."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(INSTALL_HINT + " (CI=true: a missing browser is a failure)", pytrace=False)
        pytest.skip(INSTALL_HINT)
    return path


@dataclass
class PageReport:
    """What a browser saw on one page."""

    url: str
    js_errors: list = field(default_factory=list)
    outside_requests: list = field(default_factory=list)
    math_sources: int = 0  # elements that hold math to typeset
    typeset: int = 0  # mjx-container elements produced
    untypeset: list = field(default_factory=list)  # math elements with no mjx-container
    merrors: list = field(default_factory=list)
    raw_tex: list = field(default_factory=list)  # TeX left in visible text


def watch(page, report: PageReport) -> None:
    """Record JavaScript errors, and abort and record every request off 127.0.0.1."""
    page.on("pageerror", lambda exc: report.js_errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: report.js_errors.append(msg.text) if msg.type == "error" else None,
    )

    def route(r):
        host = urlparse(r.request.url).hostname
        if r.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            r.continue_()
        else:
            report.outside_requests.append(r.request.url)
            r.abort()

    page.route("**/*", route)


WAIT_FOR_MATH = """
async () => {
  for (let i = 0; i < 200; i++) {
    if (window.lrmathTypeset && window.lrmathTypeset.href === location.href) break;
    await new Promise(r => setTimeout(r, 50));
  }
  if (!window.lrmathTypeset) return false;
  await window.lrmathTypeset.done;
  return true;
}
"""

INSPECT_MATH = r"""
() => {
  const sources = [...document.querySelectorAll('.md-content .arithmatex')];
  const untypeset = sources.filter(e => !e.querySelector('mjx-container'))
                           .map(e => e.textContent.slice(0, 80));
  const merrors = [...document.querySelectorAll('mjx-merror')]
                  .map(e => e.getAttribute('data-mjx-error') || e.textContent);
  const content = document.querySelector('.md-content');
  const clone = content.cloneNode(true);
  clone.querySelectorAll('pre, code, mjx-container, script, style, .highlight, .jp-CodeCell .jp-InputArea, details.lr-how pre').forEach(e => e.remove());
  const text = clone.innerText;
  const raw = [];
  for (const pattern of [/\$\$/, /\\frac/, /\\\(/, /\\\[/, /\\hat\{/, /\\sigma/, /\$[^$\s][^$]*\$/]) {
    const m = text.match(pattern);
    if (m) raw.push(text.slice(Math.max(0, m.index - 30), m.index + 40));
  }
  return {
    sources: sources.length + document.querySelectorAll('.jp-RenderedMarkdown mjx-container').length,
    typeset: document.querySelectorAll('.md-content mjx-container').length,
    untypeset, merrors, raw,
  };
}
"""


def inspect_math(page, report: PageReport) -> None:
    ok = page.evaluate(WAIT_FOR_MATH)
    if not ok:
        report.js_errors.append("MathJax never typeset this page")
    found = page.evaluate(INSPECT_MATH)
    report.math_sources = found["sources"]
    report.typeset = found["typeset"]
    report.untypeset = found["untypeset"]
    report.merrors = found["merrors"]
    report.raw_tex = found["raw"]


def open_page(context, url: str):
    """A new page of ``context`` at ``url``, watched from the start, its math inspected once loaded.

    Returns ``(page, report)``; the caller closes the page.
    """
    page = context.new_page()
    report = PageReport(url)
    watch(page, report)
    page.goto(url, wait_until="load")
    inspect_math(page, report)
    return page, report


def problems(report: PageReport) -> list[str]:
    """Everything wrong with a page, as sentences (empty when the page is fine)."""
    out = []
    out += [f"JavaScript error: {e}" for e in report.js_errors]
    out += [f"request to another host: {u}" for u in report.outside_requests]
    out += [f"math not typeset: {t!r}" for t in report.untypeset]
    out += [f"MathJax error: {m}" for m in report.merrors]
    out += [f"raw TeX in the visible text: {t!r}" for t in report.raw_tex]
    return out
