"""The Libertum estate (azurerm): its plan JSON is what `terraform show -json` writes for it,
its HCL and examples are fresh, and its violations are plain edits of the one description."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from archproof.estates import libertum
from archproof.estates.catalogue import names
from archproof.estates.export import main, render_export
from archproof.estates.hcl import render_hcl
from archproof.estates.plan_json import plan_document, render_plan
from archproof.sources.plan import load_plan

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "libertum"
OWNED_ELSEWHERE = "manifests"  # examples/libertum/manifests/ is not part of this export


def test_plan_is_azurerm_throughout() -> None:
    document = plan_document(libertum.build())
    changes = document["resource_changes"]
    assert {c["provider_name"] for c in changes} == {"registry.terraform.io/hashicorp/azurerm"}
    assert all(c["type"].startswith("azurerm_") for c in changes)
    provider = document["configuration"]["provider_config"]["azurerm"]
    assert provider["expressions"]["subscription_id"] == {"constant_value": libertum.SUBSCRIPTION}
    vm = next(c for c in changes if c["address"] == "azurerm_linux_virtual_machine.backend")
    assert vm["change"]["after_unknown"]["id"] is True  # computed ids are known after apply
    assert vm["change"]["after"]["location"] == libertum.LOCATION  # resolved from the group


def test_relations_come_from_configuration_references(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(render_plan(libertum.build()), encoding="utf-8")
    inventory = load_plan(path)
    association = inventory.by_address("azurerm_subnet_nat_gateway_association.private")
    assert association is not None
    subnets = inventory.related(association, "subnet_id")
    assert [s.address for s in subnets] == ["azurerm_subnet.private"]
    nic = inventory.by_address("azurerm_network_interface.backend")
    assert nic is not None and nic.refs["ip_configuration.subnet_id"] == ("azurerm_subnet.private",)


def test_hcl_declares_the_azurerm_provider() -> None:
    main_tf = render_hcl(libertum.build())["main.tf"]
    assert 'source  = "hashicorp/azurerm"' in main_tf and "features {}" in main_tf
    assert "security_rule {" in main_tf  # inline NSG rules in block syntax


def test_committed_examples_equal_a_fresh_export() -> None:
    fresh = render_export("libertum")
    committed = {
        str(p.relative_to(EXAMPLES)): p.read_text(encoding="utf-8")
        for p in EXAMPLES.rglob("*")
        if p.is_file() and p.relative_to(EXAMPLES).parts[0] != OWNED_ELSEWHERE
    }
    assert sorted(committed) == sorted(fresh), (
        "regenerate: python -m archproof.estates.export libertum examples/libertum"
    )
    for path, text in fresh.items():
        assert committed[path] == text, f"{path} is stale: regenerate the examples"


@pytest.mark.parametrize("violation", libertum.VIOLATIONS, ids=lambda v: v.id)
def test_each_violation_changes_the_plan(violation: libertum.violations.Violation) -> None:
    compliant = plan_document(libertum.build())
    edited = plan_document(violation(libertum.build()))
    assert json.dumps(edited, sort_keys=True) != json.dumps(compliant, sort_keys=True)
    assert violation.forms == ("plan", "live")  # live: the local Resource Manager


def test_export_cli_knows_libertum(tmp_path: Path) -> None:
    assert "libertum" in names()
    assert main(["libertum", str(tmp_path), "--violation", "acr-admin-enabled"]) == 0
    assert re.search(r"admin_enabled +=  *true", (tmp_path / "hcl" / "main.tf").read_text())
