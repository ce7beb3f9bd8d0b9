"""Print what a reader meets on a built site: page weight by kind, layout faults, axe-core counts.

Information only (nothing here passes or fails); the tests under tests/site/ hold the
limits. Usage, on a site built with ``mkdocs build -d DIR``::

    PYTHONPATH=$PWD python benchmarks/site_report.py DIR [--prefix course/] [--no-axe]

The site is served from 127.0.0.1 (under ``--prefix`` when given) and opened in
Debian's Chromium.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import tempfile
from pathlib import Path

from tests.conftest import free_port, serve
from tests.site.browser import CHROMIUM_FLAGS, open_page
from tests.site.test_accessibility import axe_violations
from tests.site.test_browser import site_pages
from tests.site.test_layout import CLIPPED_MATH, OVERLAPS


def kind(path: str, html: str) -> str:
    if path.startswith("notebooks/"):
        return "notebook"
    return "chapter with derivations" if "lr-derivation" in html else "other page"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--prefix", default="")
    parser.add_argument("--no-axe", action="store_true")
    args = parser.parse_args()
    pages = site_pages(args.site)

    weights = collections.defaultdict(list)
    for path in pages:
        html = (args.site / path / "index.html").read_text()
        weights[kind(path, html)].append(len(html.encode()))
    print("HTML bytes per page, by kind (mean, max):")
    for name, sizes in sorted(weights.items()):
        print(f"  {name:26s} {len(sizes):2d} pages  mean {sum(sizes) / len(sizes) / 1024:7.1f} KB  max {max(sizes) / 1024:7.1f} KB")
    total = sum(f.stat().st_size for f in args.site.rglob("*") if f.is_file())
    print(f"  whole site on disk: {total / 1e6:.1f} MB")

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as root:
        host = Path(root) / args.prefix.strip("/") if args.prefix else Path(root) / "site"
        shutil.copytree(args.site, host)
        port = free_port()
        server = serve(Path(root) if args.prefix else host, port)
        base = f"http://127.0.0.1:{port}/{args.prefix}"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS)
            for width in (375, 1280):
                overlaps = clipped = 0
                for path in pages:
                    context = browser.new_context(viewport={"width": width, "height": 800})
                    page, report = open_page(context, base + path)
                    clipped += len(page.evaluate(CLIPPED_MATH))
                    overlaps += sum("runs under its number" in o for o in page.evaluate(OVERLAPS))
                    context.close()
                print(f"at {width} px: {overlaps} equations run under their number; {clipped} notebook formulas cut off")
            if not args.no_axe:
                for scheme in ("light", "dark"):
                    rules = collections.Counter()
                    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
                    for path in pages:
                        page, report = open_page(context, base + path)
                        rules.update(v["rule"] for v in axe_violations(page))
                        page.close()
                    context.close()
                    print(f"axe-core serious/critical, {scheme} palette, {len(pages)} pages: {sum(rules.values())}", dict(rules.most_common()))
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
