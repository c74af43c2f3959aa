"""Shared fixtures: a real moto server on 127.0.0.1 and boto3 sessions pointed at it; the
real local lab (HAProxy, app, Patroni/PostgreSQL, Redis Sentinel) on loopback."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from archproof.lab.layout import LabLayout
from archproof.lab.stack import Lab, missing_tools
from archproof.moto_server import MotoServer, start_moto_server

ROOT = Path(__file__).resolve().parents[1]

# Under pytest-xdist each worker gets a lab address range of its own (127.N.x.y), so the
# workers' labs, lab-bound chaos runs and demo runs never meet on one address.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _WORKER.startswith("gw") and _WORKER[2:].isdigit():
    _BASE_NET = int(os.environ.get("ARCHPROOF_LAB_NET", "0"))
    os.environ["ARCHPROOF_LAB_NET"] = str((_BASE_NET + 1 + int(_WORKER[2:])) % 256)
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def moto_session_server() -> Iterator[MotoServer]:
    server = start_moto_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def moto(moto_session_server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> MotoServer:
    """A clean moto server for this test; boto3 in this process talks to it."""
    moto_session_server.reset()
    for key, value in moto_session_server.client_env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return moto_session_server


@pytest.fixture
def aws(moto: MotoServer) -> boto3.Session:
    return boto3.Session(region_name="us-east-1")


# ----- the lab: one real local web tier for the whole session ------------------------------
# (Any 127.0.x address works on loopback; ARCHPROOF_LAB_NET moves the lab to 127.N.x.y so a
# developer's lab or another CI job on the machine does not collide with this one.)

LAB_APPS = 2


def lab_missing(layout: LabLayout) -> str:
    """Why the lab cannot run here ("" when it can)."""
    missing = missing_tools(layout)
    if missing:
        return f"lab not installed (missing {', '.join(missing)}): run scripts/lab-install.sh"
    return ""


@pytest.fixture(scope="session")
def lab_session() -> Iterator[Lab]:
    # not pytest's tmp_path: its parents are mode 700 and postgres must reach the lab dir
    path = Path(tempfile.mkdtemp(prefix="archproof-lab-"))
    path.chmod(0o755)
    lab = Lab(LabLayout(lab_dir=path), timeout=60.0)
    try:
        yield lab
    finally:
        lab.down()
        shutil.rmtree(path, ignore_errors=True)


def _lab_as_started(lab: Lab) -> bool:
    """Every process up, the initial app instances in service, the autoscaler enabled."""
    if not lab.is_running():
        return False
    status = lab.status()
    core = [c for c in status.components if c.kind != "app"]
    in_service = sorted(c.name for c in status.components if c.kind == "app" and c.running)
    enabled = bool((status.autoscaler or {}).get("enabled"))
    return all(c.running for c in core) and len(in_service) == LAB_APPS and enabled


@pytest.fixture
def running_lab(lab_session: Lab) -> Lab:
    """The lab, up and as first started (2 app instances, autoscaler enabled): started at
    first use, started again when a test (chaos, ``down``) left it otherwise."""
    reason = lab_missing(lab_session.layout)
    if reason:
        pytest.skip(reason)
    if not _lab_as_started(lab_session):
        lab_session.down()
        lab_session.up(autoscaler=True, apps=LAB_APPS)
    return lab_session
