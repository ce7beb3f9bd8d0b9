"""Screen readers and keyboards: axe-core on every page of the site, in both palettes.

axe-core (vendored under ``tests/site/vendor/``) is injected into each page once its
math is typeset. No serious or critical violation may remain in markup the site
produces; the few that come from Material for MkDocs itself, and that the site cannot
change without replacing the theme, are listed in ``ACCEPTED`` with the reason.
"""

from __future__ import annotations

import collections
import json
from pathlib import Path

import pytest

from tests.site.browser import open_page
from tests.site.test_browser import site_pages

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"

# rule id -> (CSS selector prefix of Material's own element, why it is accepted)
ACCEPTED: dict[str, tuple[str, str]] = {}

RUN_AXE = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => ['serious', 'critical'].includes(v.impact)).map(v => ({
    id: v.id, impact: v.impact,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160), summary: (n.failureSummary || '').slice(0, 200)})),
  }));
}
"""


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations on the page, one entry per element."""
    page.add_script_tag(path=str(AXE))
    out = []
    for rule in page.evaluate(RUN_AXE):
        for node in rule["nodes"]:
            out.append({"rule": rule["id"], **node})
    return out


def accepted(violation: dict) -> bool:
    entry = ACCEPTED.get(violation["rule"])
    return entry is not None and violation["target"].startswith(entry[0])


def test_no_serious_or_critical_violations_on_any_page_in_either_palette(browser, built_site):
    base, site_dir = built_site
    pages = site_pages(site_dir)
    assert len(pages) >= 10, pages
    by_rule, failures = collections.Counter(), {}
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
        for path in pages:
            page, report = open_page(context, base + path)
            found = axe_violations(page)
            page.close()
            by_rule.update(v["rule"] for v in found)
            ours = [v for v in found if not accepted(v)]
            if ours:
                failures[f"{path} ({scheme})"] = ours[:4] + ([f"... {len(ours)} in all"] if len(ours) > 4 else [])
        context.close()
    print("\naxe-core serious/critical violations by rule (accepted ones included):", dict(by_rule))
    assert not failures, json.dumps(failures, indent=1)[:12000]


def test_the_check_catches_a_violation(browser, built_site):
    """An image without alternative text and a low-contrast link are reported (the check can fail)."""
    base, _ = built_site
    context = browser.new_context()
    page = context.new_page()
    page.goto(base, wait_until="load")
    page.evaluate(
        """() => { const p = document.querySelector('.md-content p');
          p.insertAdjacentHTML('beforeend', '<img src="x.png"><span style="color:#ccc;background:#fff">faint text</span>'); }"""
    )
    rules = {v["rule"] for v in axe_violations(page)}
    context.close()
    assert {"image-alt", "color-contrast"} <= rules, rules


SUMMARY_FORMULAS = """
() => {
  const summaries = [...document.querySelectorAll('summary')];
  const tex = summaries.map(() => []);
  for (const item of MathJax.startup.document.math) {
    const at = summaries.indexOf(item.typesetRoot && item.typesetRoot.closest('summary'));
    if (at >= 0) tex[at].push(item.math);
  }
  return summaries.map((s, i) => ({tex: tex[i], containers: s.querySelectorAll('mjx-container').length,
    assistive: s.querySelectorAll('mjx-container mjx-assistive-mml math').length}));
}
"""


def accessible_names(context, page, selector: str) -> list[str]:
    """The names Chromium computes for the elements matching ``selector`` (what a screen reader announces)."""
    cdp = context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    names = []
    for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]:
        ax = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})["nodes"]
        names.append(" ".join(str(ax[0].get("name", {}).get("value", "")).split()))
    cdp.detach()
    return names


def test_formulas_in_mark_summaries_stay_in_their_accessible_names(browser, built_site):
    """A mark's summary ("proven  multiply by \\(e^{z}/e^{z} = 1\\)") is announced with its formula.

    MathJax's assistive MathML stays on (a MathML twin beside every formula), and the
    name Chromium computes for the summary holds the TeX of each of its formulas.
    """
    base, site_dir = built_site
    pages = [p for p in site_pages(site_dir) if "<summary" in (site_dir / p / "index.html").read_text(encoding="utf-8")]
    context = browser.new_context()
    with_math, lost, no_mathml = 0, [], []
    for path in pages:
        page, report = open_page(context, base + path)
        # marks inside closed solutions are in no accessibility tree until opened: open all
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        summaries = page.evaluate(SUMMARY_FORMULAS)
        names = accessible_names(context, page, "summary")
        page.close()
        assert len(names) == len(summaries), (path, len(names), len(summaries))
        for summary, name in zip(summaries, names):
            if not summary["containers"]:
                continue
            with_math += 1
            if summary["assistive"] < summary["containers"]:
                no_mathml.append(f"{path}: {name!r}")
            missing = [tex for tex in summary["tex"] if " ".join(tex.split()) not in name]
            if missing or not summary["tex"]:
                lost.append(f"{path}: {name!r} lacks {missing}")
    context.close()
    print(f"\nsummaries with math: {with_math}; accessible name without its math: {len(lost)}")
    assert with_math >= 100, f"only {with_math} summaries with math on the site"
    assert not no_mathml, f"{len(no_mathml)} summaries have math without assistive MathML: {no_mathml[:5]}"
    assert not lost, f"{len(lost)} of {with_math} summaries lose their math in their accessible name:\n" + "\n".join(lost[:10])
