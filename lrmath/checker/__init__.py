r"""The derivation checker: reads the LaTeX of a page's derivations and proves each step.

It is a product of its own, usable by any course author, and imports nothing from the
course's NumPy code (nor does that code import it). One module per job:

- :mod:`lrmath.checker.reading`: strict LaTeX -> SymPy reader (refuses what it cannot read
  exactly);
- :mod:`lrmath.checker.proving`: proving one step (difference exactly 0) or refuting it;
- :mod:`lrmath.checker.quick_numbers`: a fast look at a step in interval arithmetic, which can
  only vouch that its sides agree (the exact numbers in :mod:`~lrmath.checker.proving` decide
  the rest);
- :mod:`lrmath.checker.inequalities`: proving an inequality step (the sign of the difference);
- :mod:`lrmath.checker.page`: derivation blocks in a Markdown page, and checking a page;
- :mod:`lrmath.checker.displays`: display math outside derivations, each relation checked
  or visibly marked not checked;
- :mod:`lrmath.checker.fences`: fenced blocks found exactly as the site's build finds them;
- :mod:`lrmath.checker.workers`: pages checked in worker processes, a time limit per line;
- :mod:`lrmath.checker.plain`: a checked page as plain data (what workers send, the cache stores);
- :mod:`lrmath.checker.rendering`: the checked derivation as the reader sees it, with marks;
- :mod:`lrmath.checker.cache`: proofs stored by content, so unchanged blocks are not
  proven twice.

The MkDocs integration and notebook execution live apart, in :mod:`lrmath.site`.
"""

import os as _os

#: SymPy sizes its caches once, when it is first imported; its default (1000 entries per
#: cached function) is too small for a page's derivations and costs about a tenth of the
#: checking time in recomputation. Set here, before any checker module imports SymPy,
#: unless the environment says otherwise.
_os.environ.setdefault("SYMPY_CACHE_SIZE", "20000")
