"""Shared by the Azure review tests: azurerm plans written as Terraform writes them, judged
on the plan and on the same plan applied to the local Azure Resource Manager (read back
through the real SDK)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from plan_documents import LATER, plan_file, planned

from archproof.check import CheckRequest, judge
from archproof.emulators.arm import ArmEmulator, arm_emulator
from archproof.emulators.arm_from_plan import arm_documents_from_plan
from archproof.inventory.model import Inventory
from archproof.run import Run
from archproof.sources.azure import AzureOptions, collect_azure
from archproof.sources.plan import load_plan
from archproof.spec.model import Spec
from archproof.verdict import Verdict, VerdictRecord

SUBSCRIPTION = "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a"
P, F, U = Verdict.PASS, Verdict.FAIL, Verdict.INCONCLUSIVE
TIERS = {"tier_names": {"snet-public*": "public", "snet-private*": "private"}}
RG = {"resource_group_name": "rg-review", "location": "westeurope"}
Uses = list[tuple[str, str, dict[str, Any]]]  # requirement, control, params


# --- building the plans ------------------------------------------------------------------------


def network() -> dict[str, Any]:
    return planned(
        "azurerm_virtual_network.main",
        {"name": "vnet-review", "address_space": ["10.60.0.0/16"], "id": LATER, **RG},
    )


def subnet(key: str, tier: str, cidr: str) -> dict[str, Any]:
    return planned(
        f"azurerm_subnet.{key}",
        {
            "name": f"snet-{tier}-{key}",
            "id": LATER,
            "address_prefixes": [cidr],
            "virtual_network_name": "vnet-review",
            "resource_group_name": "rg-review",
        },
        virtual_network_name="azurerm_virtual_network.main.name",
    )


def rule(
    name: str, priority: int, access: str, protocol: str, ports: str, source: str
) -> dict[str, Any]:
    return {
        "name": name,
        "priority": priority,
        "direction": "Inbound",
        "access": access,
        "protocol": protocol,
        "source_port_range": "*",
        "destination_port_range": ports,
        "source_address_prefix": source,
        "destination_address_prefix": "*",
    }


def guarded(key: str, tier: str, cidr: str, *rules: dict[str, Any]) -> list[dict[str, Any]]:
    """A subnet with an NSG of ``rules`` associated."""
    nsg = f"azurerm_network_security_group.{key}"
    return [
        subnet(key, tier, cidr),
        planned(nsg, {"name": f"nsg-{key}", "id": LATER, "security_rule": list(rules), **RG}),
        planned(
            f"azurerm_subnet_network_security_group_association.{key}",
            {"id": LATER, "subnet_id": LATER, "network_security_group_id": LATER},
            subnet_id=f"azurerm_subnet.{key}.id",
            network_security_group_id=f"{nsg}.id",
        ),
    ]


# --- judging -----------------------------------------------------------------------------------


def spec(uses: Uses) -> Spec:
    return Spec.model_validate(
        {
            "system": "review",
            "cloud": "azure",
            "document": "Azure review",
            "requirements": [
                {
                    "id": requirement,
                    "claim": "c",
                    "source": {"system": "Libertum", "section": "s"},
                    "controls": [{"id": control, "params": params}],
                }
                for requirement, control, params in uses
            ],
        }
    )


def judged(uses: Uses, inventories: list[Inventory], tmp: Path) -> list[VerdictRecord]:
    run = Run(spec(uses), "prod", inventories)
    judge(run, CheckRequest(spec_path="-", reports=tmp / "reports", quiet=True))
    return run.records


def by_name(
    records: list[VerdictRecord], inventory: Inventory, requirement: str
) -> dict[str, Verdict]:
    """Verdicts of one requirement on one source, by the judged resource's name."""
    found = {}
    for record in records:
        if record.requirement != requirement or record.source != inventory.source:
            continue
        resource = inventory.by_address(record.resource)
        assert resource is not None, record.resource
        found[str(resource.get("name"))] = record.verdict
    return found


def message(records: list[VerdictRecord], source: str, requirement: str, name: str) -> str:
    [found] = [
        r
        for r in records
        if r.source == source and r.requirement == requirement and r.resource.endswith(name)
    ]
    return found.message


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any TCP connection off 127.0.0.1 fails the test (the credential chain included)."""
    real = socket.socket.connect
    outside: list[Any] = []

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = str(address[0])
            try:
                loopback = ipaddress.ip_address(host).is_loopback
            except ValueError:
                loopback = host == "localhost"
            if not loopback:
                outside.append(address)
                raise AssertionError(f"connection outside 127.0.0.1: {address}")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    yield
    assert outside == [], f"connections outside 127.0.0.1: {outside}"


FOREIGN = (
    "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_TENANT_ID",
    "IDENTITY_ENDPOINT",
    "MSI_ENDPOINT",
    "AZURE_FEDERATED_TOKEN_FILE",
    "AZURE_USERNAME",
)


def read_live(emulator: ArmEmulator, monkeypatch: pytest.MonkeyPatch, **options: Any) -> Inventory:
    """The emulator's subscription read through the real SDK and credential chain."""
    for name in FOREIGN:
        monkeypatch.delenv(name, raising=False)
    for name, value in emulator.client_env().items():
        monkeypatch.setenv(name, value)
    return collect_azure(
        AzureOptions(
            endpoint=emulator.endpoint,
            blob_endpoint_template=emulator.blob_endpoint_template,
            **options,
        )
    )


def plan_and_live(
    tmp: Path, resources: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> tuple[Inventory, Inventory]:
    plan = load_plan(plan_file(tmp, *resources), source="plan")
    with arm_emulator(
        arm_documents_from_plan(plan, SUBSCRIPTION), subscriptions=(SUBSCRIPTION,)
    ) as arm:
        live = read_live(arm, monkeypatch)
    assert live.errors == []
    return plan, live
