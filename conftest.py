"""Project-wide pytest settings, for the project's tests and for the controls in checks/.

locust monkey-patches the standard library with gevent on import; imported into a
pytest process after boto3 or a moto server it recurses or hangs (shared/STACK_NOTES.md).
Load tests therefore run locust as a subprocess, and this guard fails fast if any
module pulls it in here.
"""

from __future__ import annotations

import sys

import pytest


def pytest_sessionstart(session: pytest.Session) -> None:
    if "locust" in sys.modules or "gevent.monkey" in sys.modules:
        raise pytest.UsageError(
            "locust/gevent was imported into the pytest process; run locust as a subprocess"
        )
