"""``python -m seto2018 ...``: see :mod:`seto2018.cli`."""
import sys

from .cli import main

sys.exit(main())
