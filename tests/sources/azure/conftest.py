"""Shared fixtures for the live Azure source: recorded-shape ARM documents served by the ARM
emulator to the real SDK, and a guard that fails any connection leaving 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from archproof.emulators.arm import ArmEmulator, BlobRecord, arm_emulator
from archproof.inventory.model import Inventory, Resource
from archproof.sources.azure import AzureOptions, collect_azure

FIXTURES = Path(__file__).parent / "fixtures"
SUBSCRIPTION = "3f9c2a61-7d4e-4b8a-9c1f-5e6d7a8b9c0d"
RG = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-prod"
NET = f"{RG}/providers/Microsoft.Network"
BACKUPS = {
    "stprodbackups01/db-backups": [
        BlobRecord("pg/2024-03-03.dump", dt.datetime(2024, 3, 3, 2, 0, tzinfo=dt.UTC), 4096),
        BlobRecord("pg/2024-03-04.dump", dt.datetime(2024, 3, 4, 2, 0, tzinfo=dt.UTC), 5120),
    ]
}


def recorded() -> list[dict[str, Any]]:
    """Every recorded ARM document of the fixtures folder."""
    return [doc for path in sorted(FIXTURES.glob("*.json")) for doc in json.loads(path.read_text())]


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any TCP connection to an address other than loopback (IMDS, login, ARM) is refused and
    fails the test, even when a credential chain would swallow the refusal."""
    real = socket.socket.connect
    outside: list[Any] = []

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = str(address[0])
            try:
                loopback = ipaddress.ip_address(host).is_loopback
            except ValueError:  # a name: resolving it would already leave the machine
                loopback = host == "localhost"
            if not loopback:
                outside.append(address)
                raise AssertionError(f"connection outside 127.0.0.1: {address}")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    yield
    assert outside == [], f"connections outside 127.0.0.1: {outside}"


@pytest.fixture(scope="module")
def emulator() -> Iterator[ArmEmulator]:
    with arm_emulator(recorded(), BACKUPS, page_size=2) as running:
        yield running


FOREIGN = (
    "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_TENANT_ID",
    "IDENTITY_ENDPOINT",
    "MSI_ENDPOINT",
    "AZURE_FEDERATED_TOKEN_FILE",
    "AZURE_USERNAME",
)


def use_env(emulator: ArmEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """Set the process environment a client of ``emulator`` has (real credential chain)."""
    for name in FOREIGN:
        monkeypatch.delenv(name, raising=False)
    for name, value in emulator.client_env().items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def client_env(emulator: ArmEmulator, monkeypatch: pytest.MonkeyPatch) -> ArmEmulator:
    use_env(emulator, monkeypatch)
    return emulator


@pytest.fixture(scope="module")
def inventory(emulator: ArmEmulator) -> Iterator[Inventory]:
    """The recorded estate, collected once per module (backups of ``db-backups`` listed)."""
    with pytest.MonkeyPatch.context() as patch:
        use_env(emulator, patch)
        yield collect_azure(
            AzureOptions(
                endpoint=emulator.endpoint,
                blob_endpoint_template=emulator.blob_endpoint_template,
                backup_containers=("db-backups",),
            )
        )


Collect = Callable[..., Inventory]


@pytest.fixture
def collect(client_env: ArmEmulator) -> Collect:
    """``collect(**options)``: the emulator's subscription read through the real SDK."""

    def run(**options: Any) -> Inventory:
        options.setdefault("endpoint", client_env.endpoint)
        options.setdefault("blob_endpoint_template", client_env.blob_endpoint_template)
        return collect_azure(AzureOptions(**options))

    return run


def one(inventory: Inventory, kind: str, name: str | None = None) -> Resource:
    found = [r for r in inventory.of_kind(kind) if name is None or r.attributes.get("name") == name]
    assert len(found) == 1, f"{kind} {name or ''}: {[r.address for r in found]}"
    return found[0]
