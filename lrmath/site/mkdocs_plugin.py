"""The MkDocs integration: the build proves every derivation and runs every notebook.

Enabled in ``mkdocs.yml`` as::

    plugins:
      - search
      - lrmath:
          notebooks: notebooks/*.py
      - mkdocs-jupyter:
          include: ["notebooks/*.ipynb"]
          execute: false
          include_source: true

What it does, event by event:

``on_files``
    Each jupytext notebook matching ``notebooks`` is executed (see
    :mod:`lrmath.site.notebooks`; cached by content of the notebook *and* of
    ``lrmath``) and the page is handed to mkdocs-jupyter as the executed
    ``.ipynb`` (same folder and name), which also becomes the page's download.
    The nav and links name the page ``notebooks/x.ipynb``.
``on_page_markdown``
    Every ``derivation`` block is read and proven (see :mod:`lrmath.checker.page`)
    and replaced by its typeset, marked rendering; ``\\eqref{label}`` in the
    prose becomes a link to the numbered equation. Any failure stops the build
    with ``path:line: message``.
``on_page_content``
    nbconvert's own MathJax 2 loader (a CDN script and a config block that
    breaks under instant navigation) is removed from notebook pages: the site
    ships MathJax 3 and typesets notebook cells with it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from mkdocs.utils import get_relative_url

from lrmath.site import notebooks, search
from lrmath.checker.page import find_blocks
from lrmath.checker.cache import check_page_cached
from lrmath.checker.reading import ReadError
from lrmath.checker.rendering import render_page

_NBCONVERT_MATHJAX = re.compile(
    r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->"
    r"|<script[^>]*src=\"https?://[^\"]*mathjax[^\"]*\"[^>]*>\s*</script>"
    r"|<script type=\"text/x-mathjax-config\">.*?</script>",
    re.DOTALL | re.IGNORECASE,
)


class LrmathPlugin(BasePlugin):
    config_scheme = (
        ("notebooks", config_options.Type(str, default="notebooks/*.py")),
        ("cache_dir", config_options.Type(str, default=".cache/lrmath")),
    )

    def on_config(self, config):
        root = Path(config.config_file_path).resolve().parent
        # LRMATH_CACHE_DIR lets tests that build a copy of the site share the cache.
        self._cache_dir = Path(os.environ.get("LRMATH_CACHE_DIR") or root / self.config["cache_dir"])
        self._root = root
        return config

    # -- notebooks -----------------------------------------------------------
    def on_files(self, files: Files, config) -> Files:
        """Replace each notebook ``x.py`` by its executed ``x.ipynb`` (the page and the download)."""
        out = []
        executed_root = self._cache_dir / "site"
        for file in files:
            if file.src_uri.endswith(".py") and Path(file.src_uri).match(self.config["notebooks"]):
                src_uri = file.src_uri[:-3] + ".ipynb"
                try:
                    notebooks.execute(Path(file.abs_src_path), executed_root / src_uri)
                except notebooks.NotebookError as exc:
                    raise PluginError(self._relative(str(exc))) from None
                out.append(File(src_uri, str(executed_root), config["site_dir"], config["use_directory_urls"]))
            else:
                out.append(file)
        return Files(out)

    def _relative(self, message: str) -> str:
        return message.replace(str(self._root) + "/", "")

    # -- derivations -----------------------------------------------------------
    def on_page_markdown(self, markdown, page, config, files):
        if not page.file.abs_src_path or not page.file.src_uri.endswith(".md"):
            return markdown
        raw = Path(page.file.abs_src_path).read_text(encoding="utf-8")
        offset = raw.count("\n") - markdown.count("\n")  # lines taken by front matter
        path = self._relative(page.file.abs_src_path)
        if "derivation" not in markdown and "\\eqref" not in markdown:
            return markdown
        padded = "\n" * max(offset, 0) + markdown
        checked = self._checked(padded, path)
        if checked.failures:
            raise PluginError("derivation check failed:\n" + "\n".join(checked.messages()))
        return render_page(checked, padded)

    def _checked(self, markdown: str, path: str):
        """Check a page, reusing the proofs of unchanged derivations (cache by content)."""
        try:
            find_blocks(markdown)
        except ReadError as exc:
            raise PluginError(f"{path}:{exc.column}: {exc.message}") from None
        return check_page_cached(markdown, path, self._cache_dir)

    # -- notebook pages, page descriptions, search ------------------------------
    def on_pre_build(self, config):
        self._stylesheets: dict[str, str] = {}
        self._downloads: list[tuple[str, str]] = []  # (page URL, download path in site_dir)

    def on_page_content(self, html, page, config, files):
        html = _NBCONVERT_MATHJAX.sub("", html)
        # The numbered steps of derivation blocks carry ids (eq-<label>) that MkDocs does
        # not see, since superfences places their HTML after its anchor scan: register
        # them, so that another page may link to a step and a wrong link fails the build.
        if page.present_anchor_ids is not None:
            page.present_anchor_ids |= set(_STEP_ID.findall(html))
        # Keep code blocks, cell outputs, prompts, the copy button's duplicate of each cell
        # and the "how it was proven" dumps out of the search index: searching finds prose.
        html = search.mark_excluded(html)
        if not (page.meta or {}).get("description"):
            description = page_description(html)
            if description:
                page.meta["description"] = description
        if page.file.src_uri.endswith(".ipynb"):
            # JupyterLab's CSS, inline in every notebook page, is served once as a stylesheet
            folder = get_relative_url(NOTEBOOK_CSS_DIR + "/", page.url)
            html, sheets = notebooks.split_styles(html, folder.rstrip("/") + "/")
            self._stylesheets.update(sheets)
            # mkdocs-jupyter (include_source) copies the executed notebook beside the page
            name = Path(page.file.src_uri).name
            self._downloads.append((page.url, Path(page.file.dest_uri).parent.as_posix() + "/" + name))
            html = (
                f'<p class="lr-download" data-search-exclude><a class="md-button" href="{name}" download>'
                f"Download this notebook ({name}, with its outputs)</a></p>\n" + html
            )
        return html

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, config):
        site_dir = Path(config["site_dir"])
        css_dir = site_dir / NOTEBOOK_CSS_DIR
        css_dir.mkdir(parents=True, exist_ok=True)
        for name, css in self._stylesheets.items():
            (css_dir / name).write_text(css, encoding="utf-8")
        # Downloaded notebooks live in the reader's folder: their links point to the site.
        site_url = config["site_url"] or ""
        for page_url, download in self._downloads:
            path = site_dir / download
            if path.exists():
                path.write_text(notebooks.absolute_links(path.read_text(encoding="utf-8"), site_url + page_url), encoding="utf-8")
        index_path = site_dir / "search" / "search_index.json"
        if index_path.exists():
            index = json.loads(index_path.read_text(encoding="utf-8"))
            for doc in index.get("docs", []):
                doc["text"] = search.clean_text(doc.get("text", ""))
                doc["title"] = search.clean_text(doc.get("title", "")) or doc.get("title", "")
            index_path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


NOTEBOOK_CSS_DIR = "assets/stylesheets/notebooks"

_FIRST_PARAGRAPH = re.compile(r"<p(?:\s[^>]*)?>(.*?)</p>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def page_description(html: str, limit: int = 160) -> str:
    r"""A page's meta description: its first paragraph of prose (40 characters or more),
    without math, cut at a word.

    >>> page_description('<h1>T</h1><p>Short.</p><p>The <em>slope</em> \\(s\\) of a sigmoid, in a longer sentence.</p>')
    'The slope of a sigmoid, in a longer sentence.'
    >>> len(page_description("<p>" + "word " * 100 + "</p>")) <= 160
    True
    """
    import html as html_lib

    for match in _FIRST_PARAGRAPH.finditer(html):
        if "data-search-exclude" in match.group(0)[:80]:
            continue
        text = search.clean_text(html_lib.unescape(_TAG.sub("", match.group(1))))
        text = re.sub(r"\s+([.,;:])", r"\1", text)
        if len(text) >= 40:
            if len(text) > limit:
                text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
            return text
    return ""


_STEP_ID = re.compile(r'<[^>]* id="(eq-[^"]+)"')
