"""The proof cache: plain JSON, keyed on the checker and its versions, never trusted blindly."""

import json

import pytest

from lrmath.checker import cache as proof_cache
from lrmath.checker import page as page_module
from lrmath.checker.cache import check_page_by_blocks, check_page_cached, checker_digest

PAGE = "Intro.\n\n```derivation\nwhere z \\in \\mathbb{R}\n(1 + z)^{2} = 1 + 2z + z^{2}\n```\n"


def entries(cache, kind="page"):
    return sorted((cache / "derivations").glob(f"{kind}-*.json"))


def test_entries_are_json_with_their_key_and_digest(tmp_path):
    check_page_cached(PAGE, "p.md", tmp_path)
    (entry,) = entries(tmp_path)
    data = json.loads(entry.read_text())
    assert set(data) == {"key", "sha256", "payload"}
    assert data["payload"]["blocks"][0]["steps"][0]["proof"]["status"] == "proven"
    assert not list(tmp_path.rglob("*.pickle"))


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # truncated
        lambda text: "not json",
        lambda text: text.replace('"refuted"', '"proven"'),  # a failure turned into a proof...
        lambda text: text.replace("wrong step", "fine"),  # ...or its message changed, digest kept
        lambda text: json.dumps(dict(json.loads(text), key="0" * 64)),  # another entry's key
    ],
    ids=["truncated", "garbage", "status", "message", "key"],
)
def test_a_damaged_entry_is_ignored_and_the_page_proven_again(tmp_path, damage):
    broken = PAGE.replace("2z", "3z")
    assert check_page_cached(broken, "p.md", tmp_path).failures
    (entry,) = entries(tmp_path)
    entry.write_text(damage(entry.read_text()))
    again = check_page_cached(broken, "p.md", tmp_path)
    assert not getattr(again, "from_cache", False)
    assert [m for _, m in again.failures][0].startswith("wrong step")


def test_a_sealed_entry_for_other_blocks_is_not_used(tmp_path):
    """Even a well-formed entry (digest recomputed) is checked against the page's own blocks."""
    check_page_cached(PAGE, "p.md", tmp_path)
    (entry,) = entries(tmp_path)
    data = json.loads(entry.read_text())
    data["payload"]["blocks"][0]["lines"][1][1] = "z = z + 1"
    data["sha256"] = proof_cache._seal(data["key"], data["payload"])
    entry.write_text(json.dumps(data))
    assert not getattr(check_page_cached(PAGE, "p.md", tmp_path), "from_cache", False)


def test_the_key_follows_sympy_and_python_versions(monkeypatch):
    import platform

    import sympy

    checker_digest.cache_clear()
    first = checker_digest()
    monkeypatch.setattr(sympy, "__version__", "0.0.1")
    checker_digest.cache_clear()
    assert checker_digest() != first
    monkeypatch.undo()
    monkeypatch.setattr(platform, "python_version", lambda: "2.7.0")
    checker_digest.cache_clear()
    assert checker_digest() != first
    monkeypatch.undo()
    checker_digest.cache_clear()
    assert checker_digest() == first


def test_a_timed_out_result_is_not_stored(tmp_path):
    slow = "```derivation\nwhere z \\in \\mathbb{R}\ndefine \\sigma(t) = \\frac{1}{1 + e^{-t}}\n\\sigma(10^{9}) = 1\n```\n"
    assert "gave up" in check_page_cached(slow, "s.md", tmp_path, time_limit=1).failures[0][1]
    assert entries(tmp_path) == []


MANY = """# Page

```derivation
where z \\in \\mathbb{R}
define s = \\frac{1}{1 + e^{-z}}
\\frac{ds}{dz} = s(1 - s)   # the slope \\label{slope}
```

Prose.

```derivation
(1 + z)^{2} = 1 + 2z + z^{2}
```

```derivation
define q = s^{2}
\\frac{dq}{dz} = 2s \\cdot s(1 - s)   # chain rule \\label{square}
```
"""


def test_after_a_one_line_edit_only_that_block_is_proven_again(tmp_path, monkeypatch):
    proved = []
    real = page_module.prove
    monkeypatch.setattr(page_module, "prove", lambda *a, **k: proved.append(a) or real(*a, **k))
    first = check_page_by_blocks(MANY, "p.md", tmp_path)
    assert len(proved) == 3 and first.failures == [] and first.proven == 3
    edited = MANY.replace("1 + 2z + z^{2}", "z^{2} + 2z + 1").replace("Prose.", "Prose.\n\nMore prose.")
    proved.clear()
    second = check_page_by_blocks(edited, "p.md", tmp_path)
    assert len(proved) == 1 and second.failures == [] and second.proven == 3
    assert [s.line for s in second.steps] == [s.line + (2 if s.line > 9 else 0) for s in first.steps]
    assert [s.number for s in second.steps] == [s.number for s in first.steps] == [0, 1, 0, 0, 2]
    # the same result as a check from scratch
    fresh = page_module.check_page_here(edited, "p.md")
    assert [(s.line, s.proof.status, s.number) for s in fresh.steps] == [(s.line, s.proof.status, s.number) for s in second.steps]


def test_a_changed_definition_proves_the_blocks_after_it_again(tmp_path, monkeypatch):
    proved = []
    real = page_module.prove
    monkeypatch.setattr(page_module, "prove", lambda *a, **k: proved.append(a) or real(*a, **k))
    check_page_by_blocks(MANY, "p.md", tmp_path)
    proved.clear()
    changed = check_page_by_blocks(MANY.replace("define s = \\frac{1}{1 + e^{-z}}", "define s = \\frac{1}{1 + e^{z}}"), "p.md", tmp_path)
    assert len(proved) == 3  # blocks 2 and 3 read s: their stored proofs do not apply
    assert [line for line, _ in changed.failures] == [6, 17]
