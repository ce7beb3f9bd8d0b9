r"""The table of contents shows each heading as the page does, and links to it.

MkDocs builds a page's table of contents from Python-Markdown's ``toc`` tokens and
keeps only each heading's *name*, stripped of its HTML: a heading with ``fit`` in
inline code loses the code, and one with math shows raw TeX (MathJax typesets only
``.arithmatex`` there). On notebook pages mkdocs-jupyter builds the table from its
own Markdown conversion, which drops inline code altogether, so the ids it links
to are not the ids nbconvert gave the headings (two links led nowhere).

``restore`` fixes both from the page's HTML, which is what the reader sees:

- every entry gets the heading's inner HTML as ``typeset`` (Material's
  ``partials/toc-item.html`` prints it inside ``.md-typeset``), without the
  permalink sign, nested links or ids; math written ``$...$`` (notebook cells)
  is wrapped as arithmatex, so MathJax typesets it in the table too;
- a notebook page's table is made from its headings (level, id, inner HTML);
- a link to an id that no heading on the page has is an error.

>>> from mkdocs.structure.toc import get_toc
>>> page = ('<h2 id="fit">Using <code>fit</code><a class="headerlink" href="#fit">&para;</a></h2>'
...         '<h3 id="j">Minimise $J$<a class="anchor-link" href="#j">¶</a></h3>')
>>> toc = restore(get_toc([]), page, rebuild=True)
>>> [(item.id, item.typeset["title"]) for item in toc]
[('fit', 'Using <code>fit</code>')]
>>> [(item.id, item.title, item.typeset["title"]) for item in toc.items[0].children]
[('j', 'Minimise \\(J\\)', 'Minimise <span class="arithmatex">\\(J\\)</span>')]
>>> restore(get_toc([{"level": 2, "id": "gone", "name": "Gone", "children": []}]), page)
Traceback (most recent call last):
    ...
ValueError: the table of contents links to #gone, which no heading on the page has
"""

from __future__ import annotations

import html as html_lib
import re

from markdown.extensions.toc import nest_toc_tokens
from mkdocs.structure.toc import AnchorLink, TableOfContents, get_toc

_HEADING = re.compile(r"<h([1-6])(\s[^>]*)?>(.*?)</h\1>", re.DOTALL | re.IGNORECASE)
_ID = re.compile(r"""\sid=(?:"([^"]*)"|'([^']*)')""")
_PERMALINK = re.compile(r'<a\s[^>]*class="(?:headerlink|anchor-link)"[^>]*>.*?</a>', re.DOTALL)
_LINK_TAG = re.compile(r"</?a(?:\s[^>]*)?>")
_ID_ATTRIBUTE = re.compile(r"""\sid=(?:"[^"]*"|'[^']*')""")
_FOOTNOTE_REF = re.compile(r'<sup\s+id="fnref[^"]*"[^>]*>.*?</sup>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
# what must stay as it is: math already marked, and code (a "$" in code is no math)
_KEPT = re.compile(r'(<span class="arithmatex">.*?</span>|<code(?:\s[^>]*)?>.*?</code>)', re.DOTALL)
_INLINE_MATH = re.compile(r"(?<![\w$\\])\$(?=[^\s$])([^$]*?[^\s$\\])\$(?![\w$])|\\\((.+?)\\\)", re.DOTALL)


def headings(html: str) -> list[tuple[int, str, str]]:
    """The page's headings that carry an id: (level, id, inner HTML as the table shows it).

    >>> headings('<h1 id="t">Title<a class="anchor-link" href="#t">¶</a></h1><h2>no id</h2>')
    [(1, 't', 'Title')]
    """
    found = []
    for level, attributes, inner in _HEADING.findall(html):
        match = _ID.search(attributes or "")
        if match:
            found.append((int(level), html_lib.unescape(match.group(1) or match.group(2)), entry_html(inner)))
    return found


def entry_html(inner: str) -> str:
    r"""A heading's inner HTML as a table-of-contents entry (itself a link).

    >>> entry_html('<a href="x">See</a> <code id="c">$x$</code> for $\\sigma\'$<a class="headerlink" href="#h">&para;</a>')
    'See <code>$x$</code> for <span class="arithmatex">\\(\\sigma\'\\)</span>'
    >>> entry_html('costs $5 and $6')
    'costs $5 and $6'
    """
    inner = _FOOTNOTE_REF.sub("", _PERMALINK.sub("", inner))
    inner = _ID_ATTRIBUTE.sub("", _LINK_TAG.sub("", inner))
    parts = _KEPT.split(inner)
    for i in range(0, len(parts), 2):  # the parts between kept ones
        parts[i] = _INLINE_MATH.sub(_arithmatex, parts[i])
    return "".join(parts).strip()


def _arithmatex(match: re.Match) -> str:
    tex = match.group(1) if match.group(1) is not None else match.group(2)
    return f'<span class="arithmatex">\\({tex}\\)</span>'


def restore(toc: TableOfContents, html: str, rebuild: bool = False) -> TableOfContents:
    """``toc`` with each entry typeset as its heading on the page (``rebuild``: made from the headings).

    Raises ``ValueError`` naming the first link whose id no heading has.
    """
    found = headings(html)
    if rebuild:
        tokens = [{"level": level, "id": id_, "name": _text(inner)} for level, id_, inner in found]
        toc = get_toc(nest_toc_tokens(tokens))
    by_id = {id_: inner for _, id_, inner in found}
    for item in _flatten(toc.items):
        if item.id not in by_id:
            raise ValueError(f"the table of contents links to #{item.id}, which no heading on the page has")
        item.typeset = {"title": by_id[item.id]}
    return toc


def _text(inner: str) -> str:
    """The plain text of an entry (aria labels), math as written."""
    return " ".join(_TAG.sub("", inner).split())


def _flatten(items: list[AnchorLink]) -> list[AnchorLink]:
    return [found for item in items for found in (item, *_flatten(item.children))]
