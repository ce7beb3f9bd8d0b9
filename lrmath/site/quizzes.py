r"""Multiple-choice self-tests: the answer stays hidden until the reader picks one.

A page writes a self-test as a ``quiz`` block: the question, then one option per
line, ``- [x]`` for the right one and ``- [ ]`` for the others, each followed by
``::`` and the feedback the reader sees after choosing it::

    ```quiz
    Where is the slope of the sigmoid largest?
    - [ ] Where \(\sigma(z)\) is closest to 1 :: No: there the curve is flat.
    - [x] At \(z = 0\) :: Yes: \(\sigma'(0) = \tfrac14\) is the maximum.
    ```

The MkDocs plugin checks every block (a malformed one stops the build with
``path:line: message``) and replaces it by a ``<fieldset>`` of radio buttons with
their labels. The feedback of an option is shown by CSS once its radio button is
checked (``docs/assets/stylesheets/quiz.css``), and a small script
(``docs/assets/javascripts/quiz.js``) also writes it into a polite live region so
that a screen reader announces it. Nothing of the answer is in the accessible
description of the options, so it is not read out before a choice. Radio buttons
need no script to be used with the keyboard: Tab reaches the group, the arrow keys
choose.

Question, options and feedback are Markdown on one line each (inline math ``\( \)``,
``code``, ``**bold**``), rendered with the arithmatex of the site.

>>> quiz = parse(["Which?", "- [ ] one :: no", "- [x] two :: yes"], "p.md:1: ")
>>> [(o.text, o.right) for o in quiz.options]
[('one', False), ('two', True)]
>>> parse(["Which?", "- [ ] one :: no", "- [ ] two :: no"], "p.md:1: ")
Traceback (most recent call last):
...
ValueError: p.md:1: a quiz needs exactly one right option (- [x]), found 0
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lrmath.site.fences import lines_inside_fences

__all__ = ["Option", "Quiz", "check_quizzes", "parse", "place_quizzes", "render"]

_FENCE = re.compile(r"^```quiz[ \t]*\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)
_OPTION = re.compile(r"^- \[(?P<mark>[ x])\] (?P<text>.+?) :: (?P<feedback>.+)$")


@dataclass(frozen=True)
class Option:
    text: str
    right: bool
    feedback: str


@dataclass(frozen=True)
class Quiz:
    question: str
    options: tuple


def parse(lines: list[str], where: str = "") -> Quiz:
    """Read a quiz block's lines; a malformed block raises ValueError prefixed by ``where``."""
    question, options = [], []
    for number, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("- ["):
            match = _OPTION.match(line)
            if not match:
                raise ValueError(f"{where}option {len(options) + 1} must read "
                                 f"'- [ ] text :: feedback' or '- [x] text :: feedback', got {line!r}")
            options.append(Option(match["text"].strip(), match["mark"] == "x", match["feedback"].strip()))
        elif options:
            raise ValueError(f"{where}the question must come before the options, got {line!r} after them")
        else:
            question.append(line)
    if not question:
        raise ValueError(f"{where}a quiz needs a question before its options")
    if not 2 <= len(options) <= 8:
        raise ValueError(f"{where}a quiz needs two to eight options, found {len(options)}")
    right = sum(o.right for o in options)
    if right != 1:
        raise ValueError(f"{where}a quiz needs exactly one right option (- [x]), found {right}")
    return Quiz(" ".join(question), tuple(options))


def _blocks(markdown: str):
    examples = lines_inside_fences(markdown)
    for match in _FENCE.finditer(markdown):
        line = markdown.count("\n", 0, match.start()) + 1
        if line not in examples:  # not an example shown inside another fence
            yield match, line, match.group("body").splitlines()


def check_quizzes(markdown: str, path: str, first_line: int = 1) -> int:
    """Parse every quiz block of a page; return how many. Errors name ``path:line``."""
    count = 0
    for _, line, body in _blocks(markdown):
        parse(body, f"{path}:{line + first_line - 1}: ")
        count += 1
    return count


_INLINE = None


def _inline(text: str) -> str:
    """One line of Markdown as inline HTML, math wrapped for the site's MathJax."""
    global _INLINE
    if _INLINE is None:
        import markdown

        _INLINE = markdown.Markdown(extensions=["pymdownx.arithmatex", "pymdownx.inlinehilite"],
                                    extension_configs={"pymdownx.arithmatex": {"generic": True}})
    out = _INLINE.reset().convert(text)
    return re.sub(r"^<p>(.*)</p>$", r"\1", out, flags=re.S)


def render(quiz: Quiz, qid: str, number: int) -> str:
    r"""The HTML of one quiz, its radio group named ``qid``.

    >>> out = render(parse(["Is \\(1 > 0\\)?", "- [x] yes :: right", "- [ ] no :: wrong"]), "q1", 1)
    >>> '<span class="arithmatex">\\(1 &gt; 0\\)</span>' in out, out.count('type="radio"')
    (True, 2)
    """
    rows = [f'<fieldset class="lr-quiz" id="{qid}">',
            f"<legend>Self-test {number}. {_inline(quiz.question)}</legend>"]
    for k, option in enumerate(quiz.options, 1):
        verdict = "Right." if option.right else "Not quite."
        kind = "right" if option.right else "wrong"
        rows += [
            '<div class="lr-quiz-option">',
            f'<input type="radio" name="{qid}" id="{qid}-{k}" value="{k}">',
            # a letter, so that every label has text even when the option is all math
            f'<label for="{qid}-{k}"><span class="lr-quiz-key">{"ABCDEFGH"[k - 1]}.</span> '
            f"{_inline(option.text)}</label>",
            # the answers stay out of the search index, which would show them in results
            f'<p class="lr-quiz-feedback lr-quiz-feedback--{kind}" data-search-exclude>'
            f"<strong>{verdict}</strong> "
            f"{_inline(option.feedback)}</p>",
            "</div>",
        ]
    rows += ['<p class="lr-quiz-status" role="status" aria-live="polite" data-search-exclude></p>',
             "</fieldset>"]
    return "\n".join(rows)


def place_quizzes(markdown: str, page_path: str) -> str:
    """Replace every quiz block by its HTML; radio groups are named after the page.

    >>> page = "Text.\\n\\n```quiz\\nWhich?\\n- [x] a :: yes\\n- [ ] b :: no\\n```\\n"
    >>> print(place_quizzes(page, "03-sigmoid-derivative.md").splitlines()[2])
    <fieldset class="lr-quiz" id="quiz-03-sigmoid-derivative-1">
    """
    stem = re.sub(r"[^A-Za-z0-9-]+", "-", page_path.rsplit(".", 1)[0]).strip("-")
    counter = iter(range(1, 1000))

    examples = lines_inside_fences(markdown)

    def place(match):
        if markdown.count("\n", 0, match.start()) + 1 in examples:
            return match.group(0)
        number = next(counter)
        body = match.group("body").splitlines()
        return render(parse(body), f"quiz-{stem}-{number}", number)

    return _FENCE.sub(place, markdown)
