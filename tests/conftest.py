"""Shared fixtures: a real moto server on 127.0.0.1 and boto3 sessions pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from archproof.moto_server import MotoServer, start_moto_server

ROOT = Path(__file__).resolve().parents[1]
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
