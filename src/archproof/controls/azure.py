"""Azure topology helpers: subnet associations, NAT gateways, tiers.

Plans and live Azure share the azurerm attribute shape; relations are followed by ARM id
(live, and plan values known before apply) or by the configuration's references (plan).
NSG rule evaluation is in :mod:`archproof.controls.azure_nsg`; what holds addresses in a
subnet (NICs, scale sets, node pools) in :mod:`archproof.controls.azure_addresses`.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from typing import Any

from archproof.inventory.model import Inventory, Resource

NSG = "azurerm_network_security_group"
SUBNET = "azurerm_subnet"
SUBNET_NSG = "azurerm_subnet_network_security_group_association"
SUBNET_NAT = "azurerm_subnet_nat_gateway_association"
NAT = "azurerm_nat_gateway"
NAT_IP = "azurerm_nat_gateway_public_ip_association"
NAT_PREFIX = "azurerm_nat_gateway_public_ip_prefix_association"
PUBLIC_IP = "azurerm_public_ip"
NIC = "azurerm_network_interface"
VMS = (
    "azurerm_linux_virtual_machine",
    "azurerm_windows_virtual_machine",
    "azurerm_virtual_machine",
)
NODE_POOL = "azurerm_kubernetes_cluster_node_pool"
AKS = "azurerm_kubernetes_cluster"

DEFAULT_TIER_NAMES = {"*public*": "public", "*private*": "private"}
TIER_PARAMS: dict[str, Any] = {"tier_tag": "Tier", "tier_names": DEFAULT_TIER_NAMES}


# --- relations -----------------------------------------------------------------------------


def _pointing(
    inv: Inventory, resource: Resource, path: str, kinds: tuple[str, ...]
) -> list[Resource]:
    return inv.related(resource, path, kinds=kinds)


def subnet_nsgs(inv: Inventory, subnet: Resource) -> list[Resource]:
    """NSGs associated with a subnet (association resources, or the subnet's own attribute)."""
    found: dict[int, Resource] = {}
    for assoc in inv.referring(subnet, SUBNET_NSG, "subnet_id"):
        for nsg in _pointing(inv, assoc, "network_security_group_id", (NSG,)):
            found[id(nsg)] = nsg
    for nsg in _pointing(inv, subnet, "network_security_group_id", (NSG,)):
        found[id(nsg)] = nsg
    return list(found.values())


def subnet_nat_gateways(inv: Inventory, subnet: Resource) -> list[Resource]:
    found: dict[int, Resource] = {}
    for assoc in inv.referring(subnet, SUBNET_NAT, "subnet_id"):
        for nat in _pointing(inv, assoc, "nat_gateway_id", (NAT,)):
            found[id(nat)] = nat
    for nat in _pointing(inv, subnet, "nat_gateway_id", (NAT,)):
        found[id(nat)] = nat
    return list(found.values())


def nat_addresses(inv: Inventory, nat: Resource) -> list[Resource]:
    """Public IPs and prefixes a NAT gateway sends traffic from."""
    found: dict[int, Resource] = {}
    for kind, path in ((NAT_IP, "public_ip_address_id"), (NAT_PREFIX, "public_ip_prefix_id")):
        for assoc in inv.referring(nat, kind, "nat_gateway_id"):
            for address in inv.related(assoc, path):
                found[id(address)] = address
    for address in inv.related(nat, "public_ip_address_ids", kinds=(PUBLIC_IP,)):
        found[id(address)] = address
    return list(found.values())


# --- tiers ---------------------------------------------------------------------------------


def intended_tier(subnet: Resource, params: Mapping[str, Any]) -> str | None:
    """The tier a subnet is meant to be: its tier tag, else the first name glob that matches."""
    tag = subnet.tags.get(str(params.get("tier_tag") or "Tier"))
    if isinstance(tag, str) and tag:
        return tag.lower()
    name = subnet.get("name")
    if not isinstance(name, str):
        return None
    names = params.get("tier_names")
    for pattern, tier in dict(names if names is not None else DEFAULT_TIER_NAMES).items():
        if fnmatch.fnmatchcase(name.lower(), str(pattern).lower()):
            return str(tier).lower()
    return None


def first_set(values: Resource | Mapping[str, Any], *names: str) -> Any:
    """The first of several attribute names (4.x name, then 3.x) that is set."""
    for name in names:
        value = values.get(name)
        if value is not None:
            return value
    return None
