"""What the search index keeps: words a reader types, not TeX, code or permalink signs.

Material's search plugin indexes the text of each section. Math reaches it as raw
TeX (``\\(\\sigma(z)\\)``) and headings end in the permalink sign; neither is anything
a reader searches for, and both clutter the result previews. Code blocks are kept
out earlier, by marking them ``data-search-exclude`` (see ``mark_excluded``).

>>> clean_text(r"The slope \\(\\sigma'(z)\\) is  $s(1-s)$ here ¶")
'The slope is here'
>>> clean_text(r"Display: \\[ a = b \\] and $$ c $$ end")
'Display: and end'
>>> clean_text("a Newton step costs $d/4$ gradient steps, error $10^{-16}$.")
'a Newton step costs gradient steps, error .'
>>> clean_text("costs $5 and $6 (not math)")
'costs $5 and $6 (not math)'
"""

from __future__ import annotations

import re

_TEX = re.compile(
    r"\\\(.*?\\\)"  # \( inline \)
    r"|\\\[.*?\\\]"  # \[ display \]
    r"|\$\$.+?\$\$"  # $$ display $$
    r"|(?<![\w$])\$(?=[^\s$])[^$]*?[^\s$]\$(?![\w$])",  # $inline$ (not "$5 and $6")
    re.DOTALL,
)
_SPACE = re.compile(r"\s{2,}")


def clean_text(text: str) -> str:
    """Remove TeX and the permalink sign from a search entry's text."""
    text = _TEX.sub(" ", text).replace("¶", " ")
    return _SPACE.sub(" ", text).strip()


_EXCLUDED = re.compile(
    r'<(?:div|span) class="(?:[^"]* )?'
    r'(?:jp-OutputArea-output|jp-InputPrompt|jp-OutputPrompt|clipboard-copy-txt|notice)(?: [^"]*)?"'
    r"|<pre(?=[\s>])"
)


def mark_excluded(html: str) -> str:
    """Add ``data-search-exclude`` to what must not be searched: code blocks, outputs, prompts.

    Material's search parser matches an excluded element's end by tag name only,
    so an excluded ``<div>`` stops being excluded at its first nested ``</div>``:
    only innermost elements are marked (``<pre>``, the output ``<div>`` that holds
    one ``<pre>``, prompts, the copy button's text).

    >>> mark_excluded('<div class="highlight"><pre><code>x = 1</code></pre></div><p>prose</p>')
    '<div class="highlight"><pre data-search-exclude><code>x = 1</code></pre></div><p>prose</p>'
    """
    return _EXCLUDED.sub(r"\g<0> data-search-exclude", html)
