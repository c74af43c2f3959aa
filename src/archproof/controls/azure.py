"""Azure topology helpers: subnet associations, NAT gateways, NICs and public IPs, tiers.

Plans and live Azure share the azurerm attribute shape; relations are followed by ARM id
(live, and plan values known before apply) or by the configuration's references (plan).
NSG rule evaluation is in :mod:`archproof.controls.azure_nsg`.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from typing import Any

from archproof.inventory.model import Inventory, Resource, Unknown

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


def _block_items(resource: Resource, block: str) -> list[Mapping[str, Any]] | Unknown:
    value = resource.get(block)
    if isinstance(value, Unknown):
        return value
    return [v for v in value or [] if isinstance(v, Mapping)]


def block_targets(
    inv: Inventory, resource: Resource, block: str, index: int, attribute: str, count: int
) -> list[Resource]:
    """Resources the ``attribute`` of item ``index`` of ``block`` points at (id or reference)."""
    found = inv.related(resource, f"{block}.{index}.{attribute}")
    if not found and count == 1:
        found = [
            target
            for address in resource.refs.get(f"{block}.{attribute}", ())
            if (target := inv.by_address(address)) is not None
        ]
    return found


def nic_public_ips(inv: Inventory, nic: Resource) -> tuple[list[str], list[str]]:
    """(public IPs a NIC's IP configurations carry, why any is unknown)."""
    items = _block_items(nic, "ip_configuration")
    if isinstance(items, Unknown):
        return [], [f"{nic.address} ip_configuration ({items.reason})"]
    public: list[str] = []
    unknown: list[str] = []
    for index, item in enumerate(items):
        value = item.get("public_ip_address_id")
        targets = block_targets(
            inv, nic, "ip_configuration", index, "public_ip_address_id", len(items)
        )
        if targets:
            public.extend(t.address for t in targets)
        elif isinstance(value, Unknown):
            if nic.refs.get("ip_configuration.public_ip_address_id"):
                public.append(str(nic.refs["ip_configuration.public_ip_address_id"][0]))
            else:
                unknown.append(f"{nic.address} ip_configuration {item.get('name')} public IP")
        elif isinstance(value, str) and value:
            public.append(value)
    return public, unknown


def nics_in_subnet(inv: Inventory, subnet: Resource) -> list[Resource]:
    found = []
    for nic in inv.of_kind(NIC):
        items = _block_items(nic, "ip_configuration")
        if isinstance(items, Unknown):
            continue
        for index in range(len(items)):
            if subnet in block_targets(
                inv, nic, "ip_configuration", index, "subnet_id", len(items)
            ):
                found.append(nic)
                break
    return found


def vm_nics(inv: Inventory, vm: Resource) -> list[Resource]:
    return inv.related(vm, "network_interface_ids", kinds=(NIC,))


def node_pools_in_subnet(
    inv: Inventory, subnet: Resource
) -> list[tuple[Resource, Mapping[str, Any]]]:
    """(resource, pool values) of AKS node pools placed in a subnet (default pools included)."""
    found: list[tuple[Resource, Mapping[str, Any]]] = []
    for pool in inv.referring(subnet, NODE_POOL, "vnet_subnet_id"):
        found.append((pool, pool.attributes))
    for cluster in inv.of_kind(AKS):
        items = _block_items(cluster, "default_node_pool")
        if isinstance(items, Unknown):
            continue
        for index, item in enumerate(items):
            if subnet in block_targets(
                inv, cluster, "default_node_pool", index, "vnet_subnet_id", len(items)
            ):
                found.append((cluster, item))
    return found


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
