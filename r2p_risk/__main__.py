import sys

from r2p_risk.cli import main

sys.exit(main())
