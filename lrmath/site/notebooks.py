"""Execute the course notebooks, with a cache that knows about ``lrmath``.

The notebooks of the course are jupytext percent-format ``.py`` files under
``docs/``. Every build executes them (a cell that raises stops the build) and
publishes the executed ``.ipynb``, outputs included, as the page's download.

Executing takes seconds, and ``mkdocs serve`` rebuilds on every save, so the
executed notebook is cached. The cache key is the notebook's own bytes *and*
every source file of the installed ``lrmath`` package and its data: a notebook
that did not change still runs again when the code it teaches did.
mkdocs-jupyter's own cache is keyed on the notebook alone, which is why the
site executes here and lets mkdocs-jupyter only render.

>>> key_a = cache_key(b"print(1)")
>>> key_a == cache_key(b"print(1)"), key_a == cache_key(b"print(2)")
(True, False)
"""

from __future__ import annotations

import hashlib
import json
from html import escape as html_escape
import re
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]


class NotebookError(Exception):
    """A notebook could not be read or one of its cells raised."""


@lru_cache(maxsize=1)
def _package_digest() -> str:
    """A digest of every source and data file of the ``lrmath`` package."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".csv", ".md", ".json"}:
            digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(notebook_source: bytes) -> str:
    """Return the cache key of a notebook: its bytes plus the package's digest."""
    digest = hashlib.sha256(notebook_source)
    digest.update(_package_digest().encode())
    return digest.hexdigest()[:32]


def _cell_line(notebook, index: int) -> int:
    """The line of the ``.py`` file at which cell ``index`` starts (1-based).

    jupytext does not keep line numbers, so count the ``# %%`` markers.
    """
    return notebook.cells[index].metadata.get("lrmath_line", 0)


def _number_cells(source: str, notebook) -> None:
    """Record, in each cell's metadata, the line of its ``# %%`` marker."""
    marker_lines = [n for n, line in enumerate(source.splitlines(), 1) if re.match(r"# %%", line)]
    if len(marker_lines) == len(notebook.cells):
        for cell, line in zip(notebook.cells, marker_lines):
            cell.metadata["lrmath_line"] = line


def execute(source_path: Path, target: Path, timeout: int = 600) -> Path:
    """Execute a percent-format notebook into ``target`` (an ``.ipynb``) and return it.

    Nothing runs when ``target`` was made from the same notebook and the same
    package. A cell that raises becomes a :class:`NotebookError` naming the
    file, the line of the cell and the exception.
    """
    import jupytext
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    raw = source_path.read_bytes()
    key = cache_key(raw)
    target.parent.mkdir(parents=True, exist_ok=True)
    stamp = target.with_suffix(".key")
    if target.exists() and stamp.exists() and stamp.read_text() == key:
        return target

    text = raw.decode("utf-8")
    try:
        notebook = jupytext.reads(text, fmt="py:percent")
    except Exception as exc:  # jupytext raises several types for bad input
        raise NotebookError(f"{source_path}:1: cannot read as a percent-format notebook: {exc}") from exc
    _number_cells(text, notebook)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": str(source_path.parent)}},
    )
    try:
        client.execute()
    except CellExecutionError as exc:
        failing = next(
            (i for i, cell in enumerate(notebook.cells) if any(o.get("output_type") == "error" for o in cell.get("outputs", []))),
            None,
        )
        line = _cell_line(notebook, failing) if failing is not None else 1
        name = getattr(exc, "ename", "Error")
        value = getattr(exc, "evalue", str(exc))
        raise NotebookError(f"{source_path}:{line}: cell raised {name}: {value}") from None
    _describe_images(notebook, source_path)
    for cell in notebook.cells:
        cell.metadata.pop("lrmath_line", None)
    nbformat.validate(notebook)
    target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    stamp.write_text(key)
    return target


IMAGE_TYPES = ("image/png", "image/svg+xml", "image/jpeg")


def _describe_images(notebook, source_path: Path) -> None:
    """Give every image output the alt text of its cell (``# %% alt="..."``).

    The alt text goes where nbformat readers look for it, the output's metadata
    (``metadata["image/png"]["alt"]``). A cell that draws an image and has no
    alt text is an error naming the file and the line of the cell.
    """
    for index, cell in enumerate(notebook.cells):
        outputs = [o for o in cell.get("outputs", []) if any(t in o.get("data", {}) for t in IMAGE_TYPES)]
        if not outputs:
            continue
        alt = str(cell.metadata.get("alt", "")).strip()
        if not alt:
            raise NotebookError(
                f"{source_path}:{_cell_line(notebook, index)}: this cell draws an image but has no "
                'alt text: describe what it shows in its marker, # %% alt="..."'
            )
        for output in outputs:
            for kind in IMAGE_TYPES:
                if kind in output["data"]:
                    output.setdefault("metadata", {}).setdefault(kind, {})["alt"] = alt


def image_alts(executed: Path) -> list[str]:
    """The alt texts of an executed notebook's images, in the order they are shown."""
    notebook = json.loads(Path(executed).read_text(encoding="utf-8"))
    alts = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            for kind in IMAGE_TYPES:
                if kind in output.get("data", {}):
                    alts.append(output.get("metadata", {}).get(kind, {}).get("alt", ""))
                    break
    return alts


#: what nbconvert writes on an image it has no description for
NO_ALT = 'alt="No description has been provided for this image"'


def describe_page_images(html: str, alts: list[str], where: str) -> str:
    """Put ``alts`` (see :func:`image_alts`) on the images of a rendered notebook page.

    mkdocs-jupyter renders with nbconvert's "lab" template, which ignores the alt text
    in an output's metadata, and nbconvert then marks every image as undescribed. The
    images appear in the page in the order of the notebook's outputs. A page with a
    different number of undescribed images is an error naming ``where``.

    >>> describe_page_images('<img src="a.png" ' + NO_ALT + '>', ["A line, rising."], "x")
    '<img src="a.png" alt="A line, rising.">'
    """
    found = html.count(NO_ALT)
    if found != len(alts):
        raise ValueError(f"{where}: {len(alts)} images with alt text in the notebook, "
                         f"{found} undescribed images on its page")
    pieces = html.split(NO_ALT)
    out = [pieces[0]]
    for alt, piece in zip(alts, pieces[1:]):
        out.append(f'alt="{html_escape(alt, quote=True)}"' + piece)
    return "".join(out)


# -- notebook pages and downloads ------------------------------------------------------

_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)


def split_styles(html: str, folder_url: str) -> tuple[str, dict[str, str]]:
    """Take the inline ``<style>`` blocks out of a notebook page.

    nbconvert puts all of JupyterLab's CSS (hundreds of KB, the same on every
    notebook page) inline in each page; the site serves it once as a
    stylesheet instead. Returns the page with each block replaced by a
    ``<link>`` to ``folder_url`` + a name given by its content (so equal CSS on
    two pages is one file), and those stylesheets as ``{name: CSS}``.

    >>> page, sheets = split_styles('<style type="text/css">p {}</style><p>hi</p>', "../css/")
    >>> [(name.startswith("jupyter-"), css) for name, css in sheets.items()]
    [(True, 'p {}')]
    >>> page == f'<link rel="stylesheet" href="../css/{next(iter(sheets))}"><p>hi</p>'
    True
    """
    sheets: dict[str, str] = {}

    def take(match: re.Match) -> str:
        css = match.group(1).strip()
        name = f"jupyter-{hashlib.sha256(css.encode()).hexdigest()[:10]}.css"
        sheets[name] = css
        return f'<link rel="stylesheet" href="{folder_url}{name}">'

    return _STYLE.sub(take, html), sheets


_MARKDOWN_LINK = re.compile(r"(\]\()([^)\s]+)(\))")


def absolute_links(notebook_json: str, page_url: str) -> str:
    """Make the relative links of a notebook's Markdown cells absolute, against ``page_url``.

    A downloaded notebook lives in the reader's own folder, where ``../x/``
    leads nowhere: its links must point to the published site.

    >>> nb = '{"cells": [{"cell_type": "markdown", "source": ["See [ch. 3](../../03-s/) and [A](#a)."]}]}'
    >>> absolute_links(nb, "https://ex.org/course/notebooks/t/")
    '{"cells": [{"cell_type": "markdown", "source": ["See [ch. 3](https://ex.org/course/03-s/) and [A](https://ex.org/course/notebooks/t/#a)."]}]}'
    """
    from urllib.parse import urljoin

    notebook = json.loads(notebook_json)

    def fix(match: re.Match) -> str:
        target = match.group(2)
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # http:, mailto:, attachment:
            return match.group(0)
        return match.group(1) + urljoin(page_url, target) + match.group(3)

    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "markdown":
            source = cell["source"]
            if isinstance(source, list):
                cell["source"] = [_MARKDOWN_LINK.sub(fix, line) for line in source]
            else:
                cell["source"] = _MARKDOWN_LINK.sub(fix, source)
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n" if "\n" in notebook_json else json.dumps(notebook)
