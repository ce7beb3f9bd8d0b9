"""``python -m lrmath verify [PATH ...]``: the same as the ``lrmath`` command."""

import sys

from lrmath.cli import main

if __name__ == "__main__":
    sys.exit(main())
