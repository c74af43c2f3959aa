"""The real lab for tests: one session-scoped stack on loopback, in a temporary lab dir.

``running_lab`` starts it at first use and stops it at the end of the session (``down`` checks
that no process and no listening port is left). Tests skip, naming the fix, only when the lab is
not installed: ``scripts/lab-install.sh`` installs HAProxy, etcd, Redis and the Patroni venv.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from archproof.lab.layout import LabLayout
from archproof.lab.stack import Lab, missing_tools


def lab_missing(layout: LabLayout) -> str:
    """Why the lab cannot run here ("" when it can)."""
    missing = missing_tools(layout)
    if missing:
        return f"lab not installed (missing {', '.join(missing)}): run scripts/lab-install.sh"
    return ""


@pytest.fixture(scope="session")
def lab_dir() -> Iterator[Path]:
    # not pytest's tmp_path: its parents are mode 700 and postgres must reach the lab dir
    path = Path(tempfile.mkdtemp(prefix="archproof-lab-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def running_lab(lab_dir: Path) -> Iterator[Lab]:
    """The lab, up and healthy (2 app instances, autoscaler running and enabled).

    ``running_lab.layout`` has the addresses and files (entry_url, ca_file, runtime_socket …);
    ``running_lab.last_up`` is the status ``up`` returned (with its gate timings).
    """
    layout = LabLayout(lab_dir=lab_dir)
    reason = lab_missing(layout)
    if reason:
        pytest.skip(reason)
    lab = Lab(layout, timeout=60.0)
    lab.up(autoscaler=True, apps=2)
    try:
        yield lab
    finally:
        lab.down()
