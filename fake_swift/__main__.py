"""``python -m fake_swift serve`` and ``check``: see :mod:`fake_swift.server`."""

import sys

from .server import main

sys.exit(main())
