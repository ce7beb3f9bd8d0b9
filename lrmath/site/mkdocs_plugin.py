"""The MkDocs integration: the build proves every derivation and runs every notebook.

Enabled in ``mkdocs.yml`` as::

    plugins:
      - search
      - lrmath:
          notebooks: notebooks/*.py
          time_limit: 10        # optional: seconds of computing per derivation line
                                # (default: $LRMATH_TIME_LIMIT, or 10)
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
    Then the derivations of every Markdown page are proven at once, in parallel
    worker processes with a time limit per line (see :mod:`lrmath.checker.workers`),
    and stored (see :mod:`lrmath.checker.cache`: after an edit, only the changed
    blocks are proven again).
``on_page_markdown``
    ``{{ repo_url }}`` becomes ``repo_url`` of ``mkdocs.yml`` (the repository is named
    in one place). Every ``figure`` block becomes the figure's two SVGs (light and dark palette),
    drawn from ``lrmath`` in ``on_files`` (see :mod:`lrmath.site.figures`), and
    every ``quiz`` block a multiple-choice self-test (see :mod:`lrmath.site.quizzes`). Every ``derivation`` block is read and proven (see :mod:`lrmath.checker.page`)
    and replaced by its typeset, marked rendering; ``\\eqref{label}`` in the
    prose becomes a link to the numbered equation. Any failure stops the build
    with ``path:line: message``.
``on_page_content``
    The table of contents shows each heading with its inline code and math, and
    on notebook pages is made from the headings nbconvert wrote, so that every
    entry links to an id on the page (see :mod:`lrmath.site.toc`).
    Notebook plots get the alt text of their cell (``# %% alt="..."``, which
    :func:`lrmath.site.notebooks.execute` requires of every cell that draws), and
    cells tagged ``solution`` are collapsed (coding exercises). The explanation of each "find the wrong step" exercise is moved inside its
    collapsed solution (see :mod:`lrmath.site.exercises`). nbconvert's own MathJax 2 loader (a CDN script and a config block that
    breaks under instant navigation) is removed from notebook pages: the site
    ships MathJax 3 and typesets notebook cells with it.
"""

from __future__ import annotations

import html as html_lib
import json
import logging
import os
import re
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from mkdocs.utils import get_relative_url

from lrmath.site import exercises, figures, notebooks, quizzes, search, toc
from lrmath.checker.cache import check_pages
from lrmath.checker.displays import MARK, check_displays, notebook_markdown
from lrmath.checker.rendering import render_page
from lrmath.checker.workers import default_time_limit, parse_time_limit

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
        # seconds of computing one derivation line may take (default: $LRMATH_TIME_LIMIT or 10)
        ("time_limit", config_options.Type((int, float), default=0)),
    )

    _time_limit = "default"
    _prechecked: dict = {}

    def on_config(self, config):
        root = Path(config.config_file_path).resolve().parent
        # LRMATH_CACHE_DIR lets tests that build a copy of the site share the cache.
        self._cache_dir = Path(os.environ.get("LRMATH_CACHE_DIR") or root / self.config["cache_dir"])
        self._root = root
        try:
            limit = self.config["time_limit"]
            self._time_limit = parse_time_limit(limit, "lrmath: time_limit") if limit else default_time_limit()
        except ValueError as exc:
            raise PluginError(str(exc)) from None
        self._unchecked = {}  # path -> displays marked not checked, for the summary
        return config

    # -- notebooks -----------------------------------------------------------
    def on_files(self, files: Files, config) -> Files:
        """Replace each notebook ``x.py`` by its executed ``x.ipynb`` (the page and the download)."""
        out = []
        executed_root = self._cache_dir / "site"
        pages = [f for f in files if f.src_uri.endswith(".md") and f.abs_src_path]
        if any("```figure" in Path(f.abs_src_path).read_text(encoding="utf-8") for f in pages):
            for svg in figures.write_all(executed_root / "figures"):
                out.append(File(f"figures/{svg.name}", str(executed_root), config["site_dir"],
                                config["use_directory_urls"]))
        for file in files:
            if file.src_uri.endswith(".py") and Path(file.src_uri).match(self.config["notebooks"]):
                src_uri = file.src_uri[:-3] + ".ipynb"
                self._check_notebook_displays(Path(file.abs_src_path))
                try:
                    notebooks.execute(Path(file.abs_src_path), executed_root / src_uri)
                except notebooks.NotebookError as exc:
                    raise PluginError(self._relative(str(exc))) from None
                out.append(File(src_uri, str(executed_root), config["site_dir"], config["use_directory_urls"]))
            else:
                out.append(file)
        self._precheck([f for f in out if f.src_uri.endswith(".md") and f.abs_src_path])
        return Files(out)

    def _precheck(self, files) -> None:
        """Prove the derivations of every page at once, in parallel worker processes.

        The results are stored (cache) and kept here for :meth:`on_page_markdown`, which
        then only renders. A page whose text other plugins change is checked again there.
        """
        pages = []
        for file in files:
            try:
                raw = Path(file.abs_src_path).read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                continue  # MkDocs reports it when it reads the page
            # every page: display math may stand on any
            pages.append((_padded(raw, _without_front_matter(raw)), self._relative(file.abs_src_path)))
        self._prechecked = {key: checked for key, checked in zip(pages, self._check(pages))}

    def _check(self, pages):
        return check_pages(pages, self._cache_dir, self._time_limit)

    def _check_notebook_displays(self, source: Path) -> None:
        path = self._relative(str(source))
        displays, failures = check_displays(notebook_markdown(source.read_text(encoding="utf-8")) or "", notebook=True)
        if failures:
            raise PluginError("display check failed:\n" + "\n".join(f"{path}:{line}: {m}" for line, m in failures))
        self._unchecked[path] = [d for d in displays if d.reason is not None]

    def _relative(self, message: str) -> str:
        return message.replace(str(self._root) + "/", "")

    # -- derivations -----------------------------------------------------------
    def on_page_markdown(self, markdown, page, config, files):
        if not page.file.abs_src_path or not page.file.src_uri.endswith(".md"):
            return markdown
        raw = Path(page.file.abs_src_path).read_text(encoding="utf-8-sig", errors="replace")
        path = self._relative(page.file.abs_src_path)
        offset = raw.count("\n") - markdown.count("\n")  # lines taken by front matter
        try:
            # figures and quizzes are checked here (errors name the page's lines) and
            # placed after the derivations, which are proven on the page as written
            figures.place_figures(markdown, page.file.src_uri, first_line=offset + 1)
            has_quiz = quizzes.check_quizzes(markdown, path, first_line=offset + 1)
        except ValueError as exc:
            raise PluginError(str(exc)) from None
        # every page is checked: its derivations, and its display math outside them
        padded = _padded(raw, markdown)
        checked = self._checked(padded, path)
        if checked.failures:
            raise PluginError("derivation check failed:\n" + "\n".join(checked.messages()))
        self._unchecked[path] = [d for d in checked.displays if d.reason is not None]
        markdown = render_page(checked, padded)
        markdown = figures.place_figures(markdown, page.file.src_uri)
        markdown = quizzes.place_quizzes(markdown, page.file.src_uri) if has_quiz else markdown
        return self._with_repo_url(markdown, path, config)

    @staticmethod
    def _with_repo_url(markdown: str, path: str, config) -> str:
        """``{{ repo_url }}`` in a page (a clone command) becomes ``repo_url`` of ``mkdocs.yml``."""
        if REPO_URL not in markdown:
            return markdown
        if not config["repo_url"]:
            line = markdown[: markdown.index(REPO_URL)].count("\n") + 1
            raise PluginError(f"{path}:{line}: {REPO_URL} names the repository, but mkdocs.yml sets no repo_url")
        return markdown.replace(REPO_URL, config["repo_url"].rstrip("/"))

    def _checked(self, markdown: str, path: str):
        """Check a page, reusing the proofs of unchanged derivations (cache by content)."""
        found = self._prechecked.get((markdown, path))
        return found if found is not None else self._check([(markdown, path)])[0]

    # -- notebook pages, page descriptions, search ------------------------------
    def on_pre_build(self, config):
        self._unchecked = {}  # path -> displays marked not checked, for the summary
        self._stylesheets: dict[str, str] = {}
        self._downloads: list[tuple[str, str]] = []  # (page URL, download path in site_dir)

    def on_page_content(self, html, page, config, files):
        html = _NBCONVERT_MATHJAX.sub("", html)
        html = MARK.sub(_unchecked_badge, html)
        try:
            html = exercises.fold_explanations(html, "docs/" + page.file.src_uri)
        except ValueError as exc:
            raise PluginError(str(exc)) from None
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
            where = "docs/" + page.file.src_uri[: -len(".ipynb")] + ".py"
            try:
                html = notebooks.describe_page_images(html, notebooks.image_alts(page.file.abs_src_path), where)
                html = exercises.collapse_solution_cells(html)
            except ValueError as exc:
                raise PluginError(f"{where}: {exc}" if where not in str(exc) else str(exc)) from None
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
        # The table of contents shows each heading as the page does (code, math) and links to it.
        try:
            page.toc = toc.restore(page.toc, html, rebuild=page.file.src_uri.endswith(".ipynb"))
        except ValueError as exc:
            raise PluginError(f"docs/{page.file.src_uri}: {exc}") from None
        return html.replace('<div class="lr-proof">', '<div class="lr-proof" data-search-exclude>')

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
        marked = [(path, d) for path, displays in sorted(self._unchecked.items()) for d in displays]
        if marked:
            log.info(
                f"lrmath: {len(marked)} display equation{'s' if len(marked) != 1 else ''} marked not checked:\n"
                + "\n".join(f"  {path}:{d.line}: {d.reason}" for path, d in marked)
            )


NOTEBOOK_CSS_DIR = "assets/stylesheets/notebooks"
# in a page, the repository named by mkdocs.yml (see README, "Publishing the site")
REPO_URL = "{{ repo_url }}"

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


def _without_front_matter(raw: str) -> str:
    from mkdocs.utils.meta import get_data

    return get_data(raw)[0]


def _padded(raw: str, markdown: str) -> str:
    """The page's Markdown with blank lines for its front matter, so that lines count from the file's top."""
    offset = raw.count("\n") - markdown.count("\n")  # lines taken by front matter
    return "\n" * max(offset, 0) + markdown


log = logging.getLogger("mkdocs.plugins.lrmath")
_ESCAPED_LINK = re.compile(r'&lt;a href="#eq-([A-Za-z0-9:_-]+)"&gt;\((\d+)\)&lt;/a&gt;')


def _unchecked_badge(match: re.Match) -> str:
    """The visible badge of a display marked ``<!-- not checked: reason -->``."""
    reason = html_lib.escape(" ".join(match.group("reason").split()), quote=False)
    # keep the links that \eqref{...} in the reason became (see lrmath.checker.rendering)
    reason = _ESCAPED_LINK.sub(r'<a href="#eq-\1">(\2)</a>', reason)
    if "\\(" in reason:  # inline math in the reason: let MathJax typeset it
        reason = f'<span class="arithmatex">{reason}</span>'
    return (
        '<p class="lr-unchecked"><span class="lr-mark lr-mark--unchecked" '
        'title="this display is not proven by the checker">not checked</span> '
        f"{reason}</p>"
    )


_STEP_ID = re.compile(r'<[^>]* id="(eq-[^"]+)"')
