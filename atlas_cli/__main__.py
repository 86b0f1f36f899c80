"""`python -m atlas_cli ...` runs the command line (the tests and benchmarks use it)."""

import sys

from atlas_cli.main import main

sys.exit(main())
