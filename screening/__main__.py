"""Run the command line: ``python -m screening``."""

import sys

from .cli import main

sys.exit(main())
