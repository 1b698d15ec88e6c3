import sys

from portal_mock.cli import main

sys.exit(main())
