"""`python -m analysis`: the command line (analysis.pipeline.cli)."""

import sys

from analysis.pipeline.cli import main

sys.exit(main())
