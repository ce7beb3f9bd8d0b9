"""A checked page as plain data (JSON), and back: what workers send and the cache stores.

Only text and numbers cross: SymPy expressions and the page's notation are left out, so
nothing is unpickled and a stored result cannot run code when it is read.

>>> import json
>>> from lrmath.checker.page import check_page_here
>>> page = check_page_here("```derivation\\nwhere z \\\\in \\\\mathbb{R}\\nz + z = 2z\\n```\\n", "p.md")
>>> again = from_plain(json.loads(json.dumps(to_plain(page))))
>>> again.steps[0].proof.status, again.steps[0].line, again.steps[0].lhs_expr
('proven', 3, None)
"""

from __future__ import annotations

import dataclasses

from lrmath.checker.displays import Display
from lrmath.checker.page import Block, CheckedPage, Step
from lrmath.checker.proving import Proof

__all__ = ["to_plain", "from_plain", "block_to_plain", "block_from_plain"]


def _plain(value):
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value):
        # fields that are not compared (the SymPy expressions of a step) are not data
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.compare}
    return str(value)


def _build(cls, data: dict, **nested):
    known = {f.name for f in dataclasses.fields(cls) if f.init}
    values = {k: v for k, v in data.items() if k in known}
    values.update(nested)
    return cls(**values)


def _step(data: dict) -> Step:
    return _build(Step, data, proof=_build(Proof, data.get("proof") or {"status": "unproven"}))


def block_to_plain(block: Block) -> dict:
    return _plain(block)


def block_from_plain(data: dict) -> Block:
    return _build(
        Block,
        data,
        lines=[tuple(x) for x in data["lines"]],
        steps=[_step(s) for s in data["steps"]],
        declarations=[tuple(x) for x in data.get("declarations", [])],
    )


def to_plain(page: CheckedPage) -> dict:
    return {
        "path": page.path,
        "blocks": [block_to_plain(b) for b in page.blocks],
        "failures": [[int(line), str(message)] for line, message in page.failures],
        "labels": {k: list(v) for k, v in page.labels.items()},
        "seconds": page.seconds,
        "displays": [_plain(d) for d in page.displays],
    }


def from_plain(data: dict) -> CheckedPage:
    return CheckedPage(
        data["path"],
        [block_from_plain(b) for b in data["blocks"]],
        [(int(line), str(message)) for line, message in data["failures"]],
        {k: tuple(v) for k, v in data["labels"].items()},
        float(data.get("seconds", 0.0)),
        displays=[_build(Display, d) for d in data.get("displays", [])],
    )
