"""Helpers for the live AWS source tests: collect from the per-test moto server."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from archproof.inventory.model import Inventory, Resource
from archproof.moto_server import MotoServer
from archproof.sources.aws import AwsOptions, collect_aws

Collect = Callable[..., Inventory]


@pytest.fixture
def collect(moto: MotoServer) -> Collect:
    """``collect("ec2", "rds", regions=(...))``: an inventory of the moto server."""

    def run(*services: str, regions: tuple[str, ...] = ("us-east-1",)) -> Inventory:
        return collect_aws(AwsOptions(regions=regions, services=services))

    return run


def _one(inventory: Inventory, kind: str, address: str | None = None) -> Resource:
    found = [r for r in inventory.of_kind(kind) if address is None or r.address == address]
    assert len(found) == 1, f"{kind} {address or ''}: {[r.address for r in found]}"
    return found[0]


@pytest.fixture
def one() -> Callable[..., Resource]:
    """``one(inventory, kind, address=None)``: the single resource of ``kind``."""
    return _one
