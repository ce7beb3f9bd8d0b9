"""`lrmath verify` finds exactly the derivation blocks the build renders, at the right lines."""

import random

import markdown
import pytest

from lrmath.checker.fences import code_blocks, source_lines
from lrmath.checker.page import check_page_here, find_blocks

BODY = "where z \\in \\mathbb{R}\nz + z = 2z"


def site_markdown(seen: list) -> markdown.Markdown:
    """Python-Markdown configured as the site's mkdocs.yml, recording each derivation superfences formats."""

    def record(source, language, css_class, options, md, **kwargs):
        seen.append(source)
        return "<div>derivation</div>"

    return markdown.Markdown(
        extensions=[
            "toc", "admonition", "attr_list", "md_in_html", "footnotes", "pymdownx.details",
            "pymdownx.superfences", "pymdownx.highlight", "pymdownx.inlinehilite", "pymdownx.arithmatex",
        ],
        extension_configs={
            "pymdownx.superfences": {"custom_fences": [{"name": "derivation", "class": "lr-derivation", "format": record}]},
            "pymdownx.arithmatex": {"generic": True},
        },
    )


def rendered_by_the_build(text: str) -> list[str]:
    seen = []
    # MkDocs reads pages as utf-8-sig: Markdown never sees a byte-order mark
    site_markdown(seen).convert(text.removeprefix("\ufeff"))
    return seen


def found_by_verify(text: str) -> list[str]:
    return ["\n".join(line for _, line in block.lines) for block in find_blocks(text)]


def indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else line for line in text.split("\n"))


PIECES = [
    f"```derivation\n{BODY}\n```",
    f"``` derivation\n{BODY}\n```",
    f"~~~derivation\n{BODY}\n~~~",
    f"~~~~ derivation\n{BODY}\n~~~~",
    f"```{{.derivation}}\n{BODY}\n```",
    f'```{{.derivation title="x"}}\n{BODY}\n```',
    f"```derivation extra words\n{BODY}\n```",
    f"```Derivation\n{BODY}\n```",
    f"```derivation\n```",
    "!!! note\n\n" + indent(f"```derivation\n{BODY}\n```", "    "),
    '??? question "Proof"\n\n' + indent(f"```derivation\n{BODY}\n```", "    "),
    "- an item\n\n" + indent(f"```derivation\n{BODY}\n```", "    "),
    "1. a step\n\n" + indent(f"~~~ derivation\n{BODY}\n~~~", "   "),
    indent(f"```derivation\n{BODY}\n```", "> "),
    f"````markdown\n```derivation\n{BODY}\n```\n````",
    "Text.\n\n" + indent(f"```derivation\n{BODY}\n```", "    "),
    f"```derivation\n{BODY}",  # never closed
    f"    ```derivation\n  z = z\n    ```",  # a line indented less than the fence
    f'<div markdown="1">\n\n```derivation\n{BODY}\n```\n\n</div>',
    f"```derivation\n\t{BODY}\n```",
    "Some `inline ```derivation` code.",
    "Prose with\u2028a line separator, \u0085 and \x0c form feed.",
    "```python\nx = 1\n```",
]


@pytest.mark.parametrize("piece", PIECES, ids=range(len(PIECES)))
def test_each_spelling_is_found_exactly_as_the_build_finds_it(piece):
    text = "# Page\n\n" + piece + "\n\nAfter.\n"
    assert found_by_verify(text) == rendered_by_the_build(text)


def test_random_pages_made_of_these_pieces_agree():
    rng = random.Random(9)
    for _ in range(150):
        pieces = rng.choices(PIECES, k=rng.randint(1, 5))
        text = "\n\n".join(pieces) + rng.choice(["", "\n", "\n\n"])
        if rng.random() < 0.2:
            text = text.replace("\n", "\r\n")
        if rng.random() < 0.2:
            text = "\ufeff" + text
        assert found_by_verify(text) == rendered_by_the_build(text), text


def test_the_spellings_the_old_scanner_missed_are_found():
    for piece in PIECES[1:6]:
        assert len(find_blocks(piece)) == 1, piece


@pytest.mark.parametrize(
    "prefix",
    ["\ufeff", "a\u2028b\n", "a\u2029b\n", "a\u0085b\n", "a\x0cb\n", "a\x0bb\n", "a\x1cb\x1db\x1eb\n"],
    ids=["bom", "u2028", "u2029", "nel", "form-feed", "vertical-tab", "separators"],
)
def test_only_newlines_count_as_line_breaks(prefix):
    text = prefix + "Prose.\n\n```derivation\nwhere z \\in \\mathbb{R}\nz + z = 3z\n```\n"
    line = text.count("\n", 0, text.index("z + z")) + 1
    (found, message), = check_page_here(text, "p.md").failures
    assert found == line and message.startswith("wrong step"), (found, line, message)


def test_crlf_line_ends_do_not_change_the_lines():
    text = "Prose.\n\n```derivation\nwhere z \\in \\mathbb{R}\nz + z = 3z\n```\n"
    assert check_page_here(text.replace("\n", "\r\n"), "p.md").failures == check_page_here(text, "p.md").failures
    assert source_lines("a\r\nb") == ["a", "b"]


def test_a_lone_carriage_return_is_refused_at_its_line():
    (line, message), = check_page_here("a\nb\rc\n", "p.md").failures
    assert line == 2 and "carriage return" in message


def test_an_unclosed_or_underindented_derivation_is_refused():
    for text, line in [(f"x\n\n```derivation\n{BODY}\n", 3), ("x\n\n    ```derivation\n  z = z\n    ```\n", 3)]:
        failures = check_page_here(text, "p.md").failures
        assert (line, "this derivation block is never closed, or a line in it is indented less than its fence") in failures


def test_code_blocks_of_other_languages_are_listed_but_not_checked():
    text = "```python\nx = 1\n```\n"
    assert [(b.language, b.body) for b in code_blocks(text)] == [("python", ["x = 1"])]
    assert find_blocks(text) == []
