"""``python -m fake_swift serve``: see :mod:`fake_swift.server`."""

import sys

from .server import main

sys.exit(main())
