"""Private subnets, as a review found them: a NIC whose IP configuration is not known may sit
in the subnet; scale sets and node pools give their instances public IPs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from azure_review import (
    RG,
    TIERS,
    F,
    P,
    U,
    Uses,
    by_name,
    judged,
    loopback_only,  # noqa: F401 - a fixture the tests use by name
    message,
    network,
    plan_and_live,
    subnet,
)
from plan_documents import LATER, plan_file, planned

from archproof.sources.plan import load_plan


def public_ip(key: str) -> dict[str, Any]:
    return planned(
        f"azurerm_public_ip.{key}",
        {"name": f"pip-{key}", "allocation_method": "Static", "sku": "Standard", "id": LATER, **RG},
    )


def nic(key: str, *configurations: dict[str, Any], **refs: str) -> dict[str, Any]:
    return planned(
        f"azurerm_network_interface.{key}",
        {"name": f"nic-{key}", "id": LATER, "ip_configuration": list(configurations), **RG},
        **refs,
    )


def scale_set(kind: str, key: str, public: bool, legacy: bool = False) -> dict[str, Any]:
    """A scale set in ``azurerm_subnet.<key>``; with ``public``, each instance gets a public IP."""
    configuration: dict[str, Any] = {"name": "internal", "primary": True, "subnet_id": LATER}
    if legacy:
        configuration["public_ip_address_configuration"] = (
            [{"name": "pub", "idle_timeout": 4, "domain_name_label": key}] if public else []
        )
        values: dict[str, Any] = {
            "sku": [{"name": "Standard_B2s", "tier": "Standard", "capacity": 2}],
            "upgrade_policy_mode": "Manual",
            "network_profile": [
                {"name": "nic", "primary": True, "ip_configuration": [configuration]}
            ],
            "os_profile_linux_config": [{"disable_password_authentication": True}],
        }
        path = "network_profile__0__ip_configuration__0__subnet_id"
    else:
        configuration["public_ip_address"] = (
            [{"name": "pub", "idle_timeout_in_minutes": 4}] if public else []
        )
        values = {
            "instances": 2,
            "network_interface": [
                {"name": "nic", "primary": True, "ip_configuration": [configuration]}
            ],
        }
        if kind == "azurerm_orchestrated_virtual_machine_scale_set":
            values.update(sku_name="Standard_B2s", platform_fault_domain_count=1)
        else:
            values.update(sku="Standard_B2s", admin_username="ops")
        path = "network_interface__0__ip_configuration__0__subnet_id"
    return planned(
        f"{kind}.{key}",
        {"name": f"vmss-{key}", "id": LATER, **values, **RG},
        **{path: f"azurerm_subnet.{key}.id"},
    )


ADDRESS_PLAN = [
    network(),
    subnet("linux", "private", "10.60.20.0/24"),
    scale_set("azurerm_linux_virtual_machine_scale_set", "linux", public=True),
    subnet("windows", "private", "10.60.21.0/24"),
    scale_set("azurerm_windows_virtual_machine_scale_set", "windows", public=True),
    subnet("flex", "private", "10.60.22.0/24"),
    scale_set("azurerm_orchestrated_virtual_machine_scale_set", "flex", public=True),
    subnet("legacy", "private", "10.60.23.0/24"),
    scale_set("azurerm_virtual_machine_scale_set", "legacy", public=True, legacy=True),
    subnet("quiet", "private", "10.60.24.0/24"),
    scale_set("azurerm_linux_virtual_machine_scale_set", "quiet", public=False),
    # AKS nodes with public IPs: a separate pool, and a default pool in 3.x names
    subnet("pool", "private", "10.60.25.0/24"),
    subnet("nodes", "private", "10.60.26.0/24"),
    planned(
        "azurerm_kubernetes_cluster.aks",
        {
            "name": "aks-review",
            "dns_prefix": "review",
            "id": LATER,
            "default_node_pool": [
                {
                    "name": "system",
                    "vm_size": "Standard_B2s",
                    "node_count": 1,
                    "vnet_subnet_id": LATER,
                    "enable_node_public_ip": True,
                }
            ],
            **RG,
        },
        default_node_pool__0__vnet_subnet_id="azurerm_subnet.nodes.id",
    ),
    planned(
        "azurerm_kubernetes_cluster_node_pool.user",
        {
            "name": "user",
            "vm_size": "Standard_B2s",
            "node_count": 1,
            "kubernetes_cluster_id": LATER,
            "vnet_subnet_id": LATER,
            "node_public_ip_enabled": True,
        },
        kubernetes_cluster_id="azurerm_kubernetes_cluster.aks.id",
        vnet_subnet_id="azurerm_subnet.pool.id",
    ),
]
ADDRESS_EXPECTED = {
    "snet-private-linux": F,
    "snet-private-windows": F,
    "snet-private-flex": F,
    "snet-private-legacy": F,
    "snet-private-quiet": P,
    "snet-private-pool": F,
    "snet-private-nodes": F,
}
# Each of these leaves a NIC (or node pool) that may be in any subnet: one plan each.
UNKNOWN_PLANS = {
    # the whole ip_configuration is known only after apply (a dynamic block over a module output)
    "nic-unknown": [
        network(),
        subnet("app", "private", "10.60.30.0/24"),
        planned(
            "azurerm_network_interface.opaque",
            {"name": "nic-opaque", "id": LATER, "ip_configuration": LATER, **RG},
        ),
    ],
    # two configurations: one in the public subnet, the other's subnet not known, with a public IP
    "nic-second": [
        network(),
        subnet("app", "private", "10.60.30.0/24"),
        subnet("edge", "public", "10.60.31.0/24"),
        public_ip("second"),
        nic(
            "second",
            {"name": "edge", "primary": True, "subnet_id": LATER},
            {"name": "more", "subnet_id": LATER, "public_ip_address_id": LATER},
            ip_configuration__0__subnet_id="azurerm_subnet.edge.id",
            ip_configuration__1__public_ip_address_id="azurerm_public_ip.second.id",
        ),
    ],
    # a node pool with public node IPs whose subnet is not known
    "pool-unknown": [
        network(),
        subnet("app", "private", "10.60.30.0/24"),
        planned(
            "azurerm_kubernetes_cluster_node_pool.opaque",
            {
                "name": "opaque",
                "vm_size": "Standard_B2s",
                "kubernetes_cluster_id": "/subscriptions/x/resourceGroups/rg/providers/"
                "Microsoft.ContainerService/managedClusters/aks",
                "vnet_subnet_id": LATER,
                "node_public_ip_enabled": True,
            },
        ),
    ],
}


# --- 2. private subnets: NICs not known, scale sets, node pools ---------------------------------


@pytest.mark.usefixtures("loopback_only")
def test_scale_sets_and_node_pools_with_public_ips_planned_and_live(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan, live = plan_and_live(tmp_path, ADDRESS_PLAN, monkeypatch)
    uses: Uses = [("ADDR", "azure-private-no-public-ip", TIERS)]
    records = judged(uses, [plan, live], tmp_path)
    assert by_name(records, plan, "ADDR") == ADDRESS_EXPECTED
    assert by_name(records, live, "ADDR") == ADDRESS_EXPECTED
    linux = message(records, "plan", "ADDR", "azurerm_subnet.linux")
    assert "azurerm_linux_virtual_machine_scale_set.linux" in linux and "public_ip_address" in linux


@pytest.mark.parametrize("case", sorted(UNKNOWN_PLANS))
def test_a_holder_that_may_sit_in_the_private_subnet_is_inconclusive(
    case: str, tmp_path: Path
) -> None:
    plan = load_plan(plan_file(tmp_path, *UNKNOWN_PLANS[case]), source="plan")
    records = judged([("ADDR", "azure-private-no-public-ip", TIERS)], [plan], tmp_path)
    [record] = [r for r in records if r.resource == "azurerm_subnet.app"]
    assert record.verdict is U, record.message
    named = {
        "nic-unknown": "azurerm_network_interface.opaque",
        "nic-second": "azurerm_network_interface.second",
        "pool-unknown": "azurerm_kubernetes_cluster_node_pool.opaque",
    }
    assert named[case] in record.message
