"""An azurerm plan applied into the ARM emulator and read back live through the real SDK:
same kinds, same deciding attributes, and the same verdict per control as the plan."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archproof.check import CheckRequest, judge
from archproof.controls.catalogue import checks_dirs, discover
from archproof.emulators.arm import ArmEmulator, arm_emulator
from archproof.emulators.arm_from_plan import arm_documents_from_plan
from archproof.estates import libertum
from archproof.estates.plan_json import render_plan
from archproof.inventory.model import Inventory, Resource
from archproof.run import Run
from archproof.sources.azure import AzureOptions, collect_azure
from archproof.sources.plan import load_plan
from archproof.spec.model import Spec
from archproof.verdict import Verdict
from conftest import use_env

SUBSCRIPTION = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus" / "terraform-plans"
# What a live source cannot see, or sees in another shape: the legacy VM kind (read back as
# the Linux/Windows kinds), separate NSG rules (inline on the NSG), and kinds not collected.
NOT_LIVE = {
    "azurerm_virtual_machine",
    "azurerm_network_security_rule",
    "azurerm_resource_group",
    "azurerm_key_vault",
    "azurerm_key_vault_key",
    "azurerm_log_analytics_workspace",
    "azurerm_availability_set",
    "azurerm_lb_backend_address_pool",
    "azurerm_lb_probe",
    "azurerm_lb_rule",
    "azurerm_security_center_subscription_pricing",
}
DECIDING = {
    "azurerm_subnet": ("name", "address_prefixes", "virtual_network_name"),
    "azurerm_network_security_group": ("name",),
    "azurerm_public_ip": ("name", "allocation_method", "sku"),
    "azurerm_nat_gateway": ("name", "sku_name"),
    "azurerm_linux_virtual_machine": ("name", "encryption_at_host_enabled", "zone"),
    "azurerm_managed_disk": ("name", "storage_account_type"),
    "azurerm_kubernetes_cluster": ("name", "private_cluster_enabled"),
    "azurerm_kubernetes_cluster_node_pool": ("name", "zones", "auto_scaling_enabled"),
    "azurerm_container_registry": ("name", "admin_enabled", "sku", "public_network_access_enabled"),
    "azurerm_storage_account": (
        "name",
        "https_traffic_only_enabled",
        "min_tls_version",
        "allow_nested_items_to_be_public",
        "infrastructure_encryption_enabled",
        "public_network_access_enabled",
    ),
    "azurerm_storage_container": ("name", "container_access_type"),
}


@pytest.fixture(scope="module")
def server() -> Iterator[ArmEmulator]:
    with arm_emulator([]) as running:
        yield running


def applied(plan: Inventory, emulator: ArmEmulator, monkeypatch: pytest.MonkeyPatch) -> Inventory:
    """``plan`` applied into the emulator and read back through the real SDK."""
    emulator.load(arm_documents_from_plan(plan, SUBSCRIPTION))
    use_env(emulator, monkeypatch)
    return collect_azure(AzureOptions(endpoint=emulator.endpoint), source="azure")


def live_kinds(plan: Inventory) -> Counter[str]:
    kinds: Counter[str] = Counter()
    for r in plan:
        if r.kind == "azurerm_virtual_machine":
            windows = bool(r.get("os_profile_windows_config"))
            kinds[
                "azurerm_windows_virtual_machine" if windows else "azurerm_linux_virtual_machine"
            ] += 1
        elif r.kind.startswith("azurerm_") and r.kind not in NOT_LIVE:
            kinds[r.kind] += 1
    return kinds


PLANS = [
    CORPUS / "azurerm-vnet-subnet-nsg-vm-modules.json",
    CORPUS / "azurerm-for-each-module-nsg-subnet.json",
    Path(__file__).resolve().parents[3] / "examples" / "libertum" / "plan.json",
]


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.stem if p.stem != "plan" else "libertum")
def test_applied_plan_reads_back_with_its_kinds_and_values(
    path: Path, server: ArmEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = load_plan(path)
    live = applied(plan, server, monkeypatch)
    assert live.errors == []
    found = Counter(
        r.kind for r in live if r.kind != "azurerm_security_center_subscription_pricing"
    )
    expected = live_kinds(plan)
    extra_networks = found["azurerm_virtual_network"] - expected["azurerm_virtual_network"]
    assert extra_networks >= 0  # a network the plan only names exists once applied
    found["azurerm_virtual_network"] -= extra_networks
    assert +found == +expected
    for kind, names in DECIDING.items():
        if not plan.of_kind(kind):  # a legacy kind the plan uses is read back as a new one
            continue
        planned = sorted(tuple(repr(r.get(n)) for n in names) for r in plan.of_kind(kind))
        read = sorted(tuple(repr(r.get(n)) for n in names) for r in live.of_kind(kind))
        assert read == planned, kind


def spec(controls: dict[str, dict[str, Any]]) -> Spec:
    return Spec.model_validate(
        {
            "system": "libertum",
            "cloud": "azure",
            "document": "Libertum",
            "requirements": [
                {
                    "id": f"R-{control}",
                    "claim": "c",
                    "source": {"system": "Libertum", "section": "s"},
                    "controls": [{"id": control, "params": params}],
                }
                for control, params in controls.items()
            ],
        }
    )


TIERS = {"tier_names": {"snet-public*": "public", "snet-private*": "private"}}
CONTROLS = {
    control: (TIERS if control.startswith(("azure-subnet", "azure-p")) else {})
    for control in discover(checks_dirs())
    if control.startswith(("azure-", "cluster-")) and control != "azure-backup-fresh"
}


def worst(records: list[Any], source: str) -> dict[str, Verdict]:
    order = [Verdict.FAIL, Verdict.ERROR, Verdict.INCONCLUSIVE, Verdict.WAIVED, Verdict.PASS]
    found: dict[str, Verdict] = {}
    for record in records:
        if record.source == source:
            now = found.get(record.control, Verdict.PASS)
            found[record.control] = min(now, record.verdict, key=order.index)
    return found


FORMS = {"compliant": None, **{v.id: v for v in libertum.VIOLATIONS}}


@pytest.fixture(scope="module")
def verdicts(
    tmp_path_factory: pytest.TempPathFactory, server: ArmEmulator
) -> dict[str, tuple[dict[str, Verdict], dict[str, Verdict]]]:
    """Per Libertum form: (worst verdict per control on the plan, on the applied estate)."""
    tmp = tmp_path_factory.mktemp("libertum-live")
    inventories: list[Inventory] = []
    with pytest.MonkeyPatch.context() as patch:
        for name, violation in FORMS.items():
            estate = libertum.build() if violation is None else violation(libertum.build())
            path = tmp / f"{name}.json"
            path.write_text(render_plan(estate), encoding="utf-8")
            plan = load_plan(path, source=f"plan:{name}")
            inventories += [plan, relabel(applied(plan, server, patch), f"azure:{name}")]
    run = Run(spec(CONTROLS), "prod", inventories)
    judge(run, CheckRequest(spec_path="-", reports=tmp / "reports", quiet=True))
    return {n: (worst(run.records, f"plan:{n}"), worst(run.records, f"azure:{n}")) for n in FORMS}


def relabel(inventory: Inventory, source: str) -> Inventory:
    return Inventory(
        source,
        [r for r in inventory],
        inventory.errors,
        inventory.origin,
        inventory.scope,
        inventory.provides,
    )


@pytest.mark.parametrize("form", list(FORMS))
def test_libertum_live_gives_the_plan_verdicts(form: str, verdicts: Any) -> None:
    plan, live = verdicts[form]
    assert set(live) == set(plan)
    assert {c: v for c, v in live.items()} == plan
    if form != "compliant":
        assert {c for c, v in live.items() if v is Verdict.FAIL} >= set(FORMS[form].controls) & set(
            live
        )


def test_a_storage_account_is_applied_with_allow_blob_public_access_stated() -> None:
    """Current ARM writes ``allowBlobPublicAccess`` for every new account; so does the emulator
    (a missing value reads as unknown: an account from before November 2023)."""
    values = {"name": "stnew", "resource_group_name": "rg", "location": "westeurope"}
    plan = Inventory(
        "plan", [Resource("azurerm_storage_account", "azurerm_storage_account.a", "plan", values)]
    )
    [doc] = [d for d in arm_documents_from_plan(plan, SUBSCRIPTION) if d.get("name") == "stnew"]
    assert doc["properties"]["allowBlobPublicAccess"] is False


def nat_plan(with_prefix: bool) -> Inventory:
    """A private subnet egressing through a NAT gateway whose address is a public IP prefix."""
    rg = {"resource_group_name": "rg-nat", "location": "westeurope"}

    def planned(kind: str, name: str, values: dict[str, Any], **refs: str) -> Resource:
        links = {path: (target,) for path, target in refs.items()}
        return Resource(kind, f"{kind}.{name}", "plan", {**rg, **values}, refs=links)

    resources = [
        planned("azurerm_virtual_network", "v", {"name": "vnet", "address_space": ["10.9.0.0/16"]}),
        planned(
            "azurerm_subnet",
            "s",
            {"name": "snet-private-a", "address_prefixes": ["10.9.1.0/24"]},
            virtual_network_name="azurerm_virtual_network.v",
        ),
        planned("azurerm_nat_gateway", "n", {"name": "nat", "sku_name": "Standard"}),
        planned("azurerm_public_ip_prefix", "p", {"name": "nat-prefix", "prefix_length": 30}),
        planned(
            "azurerm_subnet_nat_gateway_association",
            "s",
            {},
            subnet_id="azurerm_subnet.s",
            nat_gateway_id="azurerm_nat_gateway.n",
        ),
    ]
    if with_prefix:
        resources.append(
            planned(
                "azurerm_nat_gateway_public_ip_prefix_association",
                "p",
                {},
                nat_gateway_id="azurerm_nat_gateway.n",
                public_ip_prefix_id="azurerm_public_ip_prefix.p",
            )
        )
    return Inventory("plan", resources)


@pytest.mark.parametrize("with_prefix", [True, False])
def test_nat_egress_through_a_public_ip_prefix_agrees_with_the_plan(
    with_prefix: bool, server: ArmEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    plan = nat_plan(with_prefix)
    live = applied(plan, server, monkeypatch)
    associations = live.of_kind("azurerm_nat_gateway_public_ip_prefix_association")
    assert len(associations) == int(with_prefix)
    assert [p.get("prefix_length") for p in live.of_kind("azurerm_public_ip_prefix")] == [30]
    live = relabel(live, "azure")
    run = Run(spec({"azure-private-egress-nat": TIERS}), "prod", [plan, live])
    judge(run, CheckRequest(spec_path="-", reports=tmp_path, quiet=True))
    found = {r.source: r.verdict for r in run.records}
    expected = Verdict.PASS if with_prefix else Verdict.FAIL
    assert found == {"plan": expected, "azure": expected}
