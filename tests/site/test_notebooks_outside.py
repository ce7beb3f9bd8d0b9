"""Every downloaded notebook runs where a student runs it: an empty folder, lrmath installed.

The package is built as a wheel (``pip wheel``, no repository on the path) and installed,
not editable, into a fresh virtual environment; the environment sees the system's other
packages (``--system-site-packages``: JupyterLab's kernel, NumPy, matplotlib), but its own
``lrmath`` shadows the editable one, which the first cell run checks. Each executed
``.ipynb`` the site offers for download then runs from an empty temporary folder.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

RUN = r"""
import json, sys, nbformat
from nbclient import NotebookClient
notebook = nbformat.read(sys.argv[1], as_version=4)
probe = nbformat.v4.new_code_cell("import lrmath, sys; print('LRMATH', lrmath.__file__); print('PYTHON', sys.prefix)")
notebook.cells.insert(0, probe)
client = NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=False,
                        resources={"metadata": {"path": sys.argv[2]}})
client.execute(cwd=sys.argv[2])
print(json.dumps("".join(o.get("text", "") for o in notebook.cells[0].outputs)))
"""


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    """A fresh virtual environment with the lrmath wheel installed (not editable)."""
    work = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(work / "dist"), str(ROOT)],
        cwd=work, capture_output=True, text=True,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-3000:]
    wheel = next((work / "dist").glob("lrmath-*.whl"))
    env_dir = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(env_dir)], check=True)
    python = env_dir / "bin" / "python"
    # without PYTHONPATH: a checkout on it (and its lrmath.egg-info, which building the wheel
    # writes) would make pip take lrmath as installed already, and install nothing
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
        capture_output=True, text=True, env=clean,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    site_packages = subprocess.run(
        [str(python), "-c", "import lrmath; print(lrmath.__file__)"], capture_output=True, text=True, env=clean, cwd=work,
    )
    assert site_packages.stdout.startswith(str(env_dir) + "/"), f"the wheel was not installed: {site_packages}"
    return python, wheel


def test_the_wheel_ships_the_course_pages_and_data(venv):
    import zipfile

    _, wheel = venv
    names = set(zipfile.ZipFile(wheel).namelist())
    pages = {p.name for p in (ROOT / "docs").glob("*.md")}
    assert pages and {f"lrmath/course/{p}" for p in pages} <= names, sorted(n for n in names if "course" in n)
    assert any(n.startswith("lrmath/data/") and n.endswith(".csv") for n in names)


def test_the_notebooks_extra_brings_everything_the_notebooks_import():
    """Each top-level import of a notebook is lrmath, the standard library, or required by ``.[notebooks]``."""
    import importlib.metadata as md
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [re.split(r"[<>=!~ \[;]", r)[0].lower() for r in project["dependencies"] + project["optional-dependencies"]["notebooks"]]
    provided, queue = set(), list(wanted)
    while queue:  # the requirements and everything they require
        name = queue.pop()
        if name in provided:
            continue
        provided.add(name)
        try:
            requires = md.requires(name) or []
        except md.PackageNotFoundError:
            continue
        queue += [re.split(r"[<>=!~ \[;(]", r)[0].lower().replace("_", "-") for r in requires if "extra ==" not in r]
    distributions = md.packages_distributions()
    missing = {}
    for source in sorted((ROOT / "docs" / "notebooks").glob("*.py")):
        for module in re.findall(r"^(?:import|from)\s+(\w+)", source.read_text(), re.M):
            if module == "lrmath" or module in sys.stdlib_module_names:
                continue
            dists = {d.lower().replace("_", "-") for d in distributions.get(module, [])}
            if not dists & provided:
                missing.setdefault(source.name, []).append(module)
    assert "matplotlib" in provided and "jupyterlab" in provided
    assert not missing, f"imported but not brought by pip install '.[notebooks]': {missing}"


def _downloads(site_dir: Path) -> list[Path]:
    return sorted(site_dir.glob("notebooks/*/*.ipynb"))


def test_every_downloaded_notebook_runs_from_an_empty_folder(venv, built_site, tmp_path):
    python, _ = venv
    base, site_dir = built_site
    downloads = _downloads(site_dir)
    expected = sorted(p.stem for p in (ROOT / "docs" / "notebooks").glob("*.py"))
    assert sorted(p.stem for p in downloads) == expected
    failures = {}
    for notebook in downloads:
        folder = tmp_path / notebook.stem
        folder.mkdir()
        copy = folder / notebook.name
        copy.write_bytes(notebook.read_bytes())  # the reader's folder holds the download and nothing else
        result = subprocess.run(
            [str(python), "-c", RUN, str(copy), str(folder)], cwd=folder, capture_output=True, text=True,
            env={"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(folder), "MPLBACKEND": "Agg"},
        )
        if result.returncode != 0:
            failures[notebook.name] = (result.stdout + result.stderr)[-1500:]
            continue
        probe = dict(line.split(" ", 1) for line in json.loads(result.stdout.strip().splitlines()[-1]).splitlines())
        env_dir = str(python.parent.parent)
        if not probe["LRMATH"].startswith(env_dir + "/") or probe["PYTHON"] != env_dir:
            failures[notebook.name] = f"the kernel did not use the installed wheel: {probe}"
    assert not failures, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())


def test_links_in_downloaded_notebooks_point_to_the_site(built_site):
    base, site_dir = built_site
    relative = {}
    for notebook in _downloads(site_dir):
        cells = json.loads(notebook.read_text())["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        links = re.findall(r"\]\(([^)\s]+)\)", text)
        bad = [link for link in links if not link.startswith(("http://", "https://"))]
        if bad:
            relative[notebook.name] = bad
        for link in links:
            if link.startswith(base):
                target = site_dir / link[len(base):].split("#")[0]
                assert (target / "index.html").exists() or target.is_file(), f"{notebook.name}: {link} leads nowhere"
    assert not relative, relative
    assert any("](" + base in json.dumps(json.loads(p.read_text())) for p in _downloads(site_dir)), "no notebook links the site"
