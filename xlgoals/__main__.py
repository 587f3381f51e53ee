import sys

from xlgoals.cli import main

sys.exit(main())
