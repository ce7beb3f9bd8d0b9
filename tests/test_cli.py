"""`lrmath verify`: output format, exit status, and failures at the right line on real pages."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lrmath.cli import main

DOCS = Path(__file__).resolve().parents[1] / "docs"


def run(*args, cwd=None, cache=None):
    env = dict(os.environ, LRMATH_CACHE_DIR=str(cache)) if cache else None
    return subprocess.run([sys.executable, "-m", "lrmath", *args], capture_output=True, text=True, cwd=cwd, env=env)


def test_the_whole_site_verifies(capsys):
    assert main(["verify", "--no-cache", str(DOCS)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 2 and out[0].startswith("verified: ") and out[1].startswith("displays: ")
    proven = int(out[0].split()[1])
    assert proven >= 50, out


def test_displays_marked_not_checked_are_counted_and_listed(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("# P\n\n<!-- not checked: an approximation -->\n\\[\nf(x) \\approx f(0)\n\\]\n\n\\[\na + b\n\\]\n")
    notebook = tmp_path / "nb.py"
    notebook.write_text("# %% [markdown]\n# T\n# <!-- not checked: a definition -->\n# $$J = 1$$\n\n# %%\nx = 1\n")
    result = run("verify", "--no-cache", "--unchecked", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[1] == "displays: 2 outside derivations state a relation, 2 marked not checked"
    assert lines[2:] == [f"{page}:4: not checked: an approximation", f"{notebook}:4: not checked: a definition"]
    page.write_text(page.read_text().replace("<!-- not checked: an approximation -->\n", ""))
    result = run("verify", "--no-cache", str(tmp_path))
    assert result.returncode == 1 and f"{page}:3: this displayed `\\approx` is proven by nobody" in result.stdout


def test_python_dash_m_and_exit_status_on_failure(tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text("# t\n\n```derivation\nwhere z \\in \\mathbb{R}\n(1 + z)^{2} = 1 + z^{2}\n```\n")
    result = run("verify", "--no-cache", str(bad))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    first, summary = lines[0], next(line for line in lines if line.startswith("verified: "))
    assert first.startswith(f"{bad}:5: wrong step: counterexample at z = ")
    assert "1 failures on 1 page" in summary


def test_missing_path_is_a_usage_error(tmp_path):
    result = run("verify", str(tmp_path / "nope"))
    assert result.returncode == 2 and "no such file" in result.stderr


@pytest.mark.parametrize(
    "page, old, new",
    [
        ("03-sigmoid-derivative.md", r"= -(1 + e^{-z})^{-2}(-e^{-z})", r"= (1 + e^{-z})^{-2}(-e^{-z})"),
        ("04-bce-gradient.md", r"= (\hat{y} - y)x_j", r"= (y - \hat{y})x_j"),
        ("04-bce-gradient.md", r"= \hat{y}(1 - \hat{y})   # both factors", r"= \hat{y}(1 + \hat{y})   # both factors"),
        ("writing-derivations.md", r"= a\,g(t)", r"= a^{2}\,g(t)"),
    ],
)
def test_breaking_one_equation_of_a_page_fails_at_its_line(tmp_path, page, old, new):
    text = (DOCS / page).read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    at = text.rindex(old)  # the last one: the authors' page shows its example inside a code block first
    line = text[:at].count("\n") + 1
    target = tmp_path / page
    target.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    result = run("verify", "--no-cache", str(target))
    assert result.returncode == 1, result.stdout
    assert result.stdout.startswith(f"{target}:{line}: wrong step"), result.stdout


def test_stored_proofs_are_reused_only_for_unchanged_blocks(tmp_path):
    page = tmp_path / "p.md"
    good = "# t\n\n```derivation\nwhere z \\in \\mathbb{R}\n(1 + z)^{2} = 1 + 2z + z^{2}\n```\n"
    page.write_text(good)
    first = run("verify", str(page), cache=tmp_path / "cache")
    assert first.returncode == 0 and len(list((tmp_path / "cache" / "derivations").glob("page-*.json"))) == 1
    page.write_text("# t\n\nMore prose.\n\n" + good.split("\n\n", 1)[1])  # prose moves the block
    assert run("verify", str(page), cache=tmp_path / "cache").returncode == 0
    page.write_text(good.replace("2z", "3z"))  # a changed block is proven again, and fails
    broken = run("verify", str(page), cache=tmp_path / "cache")
    assert broken.returncode == 1 and broken.stdout.startswith(f"{page}:5: wrong step"), broken.stdout


def test_unreadable_pages_are_one_line_each_and_the_others_are_still_checked(tmp_path):
    (tmp_path / "a-good.md").write_text("```derivation\nwhere z \\in \\mathbb{R}\nz + z = 2z\n```\n")
    (tmp_path / "b-latin1.md").write_bytes(b"Caf\xe9.\n\n```derivation\nwhere z \\in \\mathbb{R}\n```\n")
    (tmp_path / "c-dangling.md").symlink_to(tmp_path / "nowhere.md")
    (tmp_path / "d-wrong.md").write_text("```derivation\nwhere z \\in \\mathbb{R}\nz + z = 3z\n```\n")
    result = run("verify", "--no-cache", str(tmp_path))
    assert result.returncode == 1 and result.stderr == "", result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"{tmp_path}/b-latin1.md:1: not UTF-8 text (byte 0xe9 at column 4): save the page as UTF-8"
    assert lines[1] == f"{tmp_path}/c-dangling.md:1: a broken link (to {tmp_path}/nowhere.md, which does not exist)"
    assert lines[2].startswith(f"{tmp_path}/d-wrong.md:3: wrong step")
    assert lines[3].startswith("verified: 1 step proven, 0 numeric, 3 failures on 2 pages")


def test_a_line_that_breaks_the_reader_is_located_and_the_other_pages_still_print(tmp_path):
    (tmp_path / "a.md").write_text("```derivation\nwhere z \\in \\mathbb{R}\n" + "(" * 5000 + "z" + ")" * 5000 + " = z\n```\n")
    (tmp_path / "b.md").write_text("```derivation\nwhere z \\in \\mathbb{R}\nz + z = 3z\n```\n")
    result = run("verify", "--no-cache", str(tmp_path))
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.splitlines()[0].startswith(f"{tmp_path}/a.md:3: the checker cannot handle this line")
    assert result.stdout.splitlines()[1].startswith(f"{tmp_path}/b.md:3: wrong step")


def test_the_time_limit_flag(tmp_path):
    slow = tmp_path / "slow.md"
    slow.write_text("```derivation\nwhere z \\in \\mathbb{R}\ndefine \\sigma(t) = \\frac{1}{1 + e^{-t}}\n\\sigma(10^{9}) = 1\n```\n")
    result = run("verify", "--no-cache", "--time-limit", "1", str(slow))
    assert result.returncode == 1 and result.stdout.startswith(f"{slow}:4: gave up on this line after 1 s")
    bad = run("verify", "--time-limit", "0", str(slow))
    assert bad.returncode == 2 and "--time-limit must be a positive" in bad.stderr


def test_a_space_before_the_language_is_still_a_derivation(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("``` derivation\nwhere z \\in \\mathbb{R}\nz + z = 3z\n```\n")
    result = run("verify", "--no-cache", str(page))
    assert result.returncode == 1 and result.stdout.startswith(f"{page}:3: wrong step"), result.stdout
