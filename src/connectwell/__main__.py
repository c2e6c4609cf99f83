"""`python -m connectwell` runs the same command as `connectwell`."""

import sys

from connectwell.cli import main

sys.exit(main())
