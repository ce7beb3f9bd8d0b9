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

import os
import re
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from lrmath.site import notebooks
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

    # -- notebook pages --------------------------------------------------------
    def on_page_content(self, html, page, config, files):
        html = _NBCONVERT_MATHJAX.sub("", html)
        # The numbered steps of derivation blocks carry ids (eq-<label>) that MkDocs does
        # not see, since superfences places their HTML after its anchor scan: register
        # them, so that another page may link to a step and a wrong link fails the build.
        if page.present_anchor_ids is not None:
            page.present_anchor_ids |= set(_STEP_ID.findall(html))
        # Keep cell outputs, prompts, the copy button's duplicate of each cell and the
        # "how it was proven" dumps out of the search index, so that searching finds the
        # prose and the code, not printed numbers.
        html = _SEARCH_NOISE.sub(r"\g<0> data-search-exclude", html)
        if page.file.src_uri.endswith(".ipynb"):
            # mkdocs-jupyter (include_source) copies the executed notebook beside the page
            name = Path(page.file.src_uri).name
            html = (
                f'<p class="lr-download" data-search-exclude><a class="md-button" href="{name}" download>'
                f"Download this notebook ({name}, with its outputs)</a></p>\n" + html
            )
        return html.replace('<pre class="lr-proof">', '<pre class="lr-proof" data-search-exclude>')


_STEP_ID = re.compile(r'<[^>]* id="(eq-[^"]+)"')

# Material's search parser compares elements by tag name only, so an excluded <div>
# stops being excluded at the first nested </div>. Mark the innermost elements instead:
# the output <div>s of text (which hold one <pre>), prompts, the copy button's text.
_SEARCH_NOISE = re.compile(
    r'<(?:div|span) class="(?:[^"]* )?'
    r'(?:jp-OutputArea-output|jp-InputPrompt|jp-OutputPrompt|clipboard-copy-txt|notice)(?: [^"]*)?"'
)
