"""Which lines of a Markdown page are inside a fenced code block.

The plugin replaces ``figure`` and ``quiz`` blocks; one shown *as an example* inside
another fence (as on the authors' page) must stay text.

>>> page = "````markdown\\n```quiz\\nQ?\\n```\\n````\\n```quiz\\nQ?\\n```\\n"
>>> sorted(lines_inside_fences(page))
[2, 3, 4, 7]
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")


def lines_inside_fences(markdown: str) -> set[int]:
    """The numbers (1-based) of the lines strictly between a fence's opening and closing."""
    inside, opened = set(), None
    for number, line in enumerate(markdown.splitlines(), 1):
        match = _FENCE.match(line)
        if opened is None:
            if match:
                opened = match.group(1)
            continue
        if match and match.group(1)[0] == opened[0] and len(match.group(1)) >= len(opened) and not match.group(2).strip():
            opened = None
            continue
        inside.add(number)
    return inside
