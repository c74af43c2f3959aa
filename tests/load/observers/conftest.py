"""Fixtures for the observer tests: a live test Kubernetes API server and its kubeconfig."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.kube_api import KubeApiServer, kube_api_server


@pytest.fixture
def kube_api() -> Iterator[KubeApiServer]:
    """An empty cluster API on 127.0.0.1 (add objects with ``add_deployment`` …)."""
    with kube_api_server() as server:
        yield server


@pytest.fixture
def kubeconfig(kube_api: KubeApiServer, tmp_path: Path) -> Path:
    return kube_api.write_kubeconfig(tmp_path / "kubeconfig", context="lab")
