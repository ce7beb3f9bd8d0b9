"""Ships the course pages (``docs/*.md``) inside the package, as ``lrmath/course/``.

Notebooks read a page's proven expressions (``lrmath.checker.page.load_course_page``),
so an installed ``lrmath`` must carry the pages; ``docs/`` stays their one source.
Everything else about the package is in ``pyproject.toml``.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithCoursePages(build_py):
    def run(self):
        super().run()
        target = Path(self.build_lib) / "lrmath" / "course"
        target.mkdir(parents=True, exist_ok=True)
        pages = sorted((HERE / "docs").glob("*.md"))
        if not pages:
            raise SystemExit("setup.py: no docs/*.md to ship in lrmath/course/ (build from the repository or its sdist)")
        for page in pages:
            shutil.copyfile(page, target / page.name)


setup(cmdclass={"build_py": BuildWithCoursePages})
