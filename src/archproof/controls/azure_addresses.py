"""What holds addresses in an Azure subnet, and which of them are public.

Network interfaces and VM scale sets hold addresses through IP configurations (a scale
set's give each instance its NIC: ``network_interface`` → ``ip_configuration``, or
``network_profile`` in the legacy kind), AKS node pools through ``vnet_subnet_id``.
Whether one sits in a subnet is ``True``, ``False`` or :class:`Unknown` when the plan
cannot say (an IP configuration or subnet id known only after apply, a reference the
plan could not follow): such a holder is never taken to be elsewhere.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from archproof.controls.azure import AKS, NIC, NODE_POOL, SUBNET
from archproof.inventory.model import Inventory, Resource, Unknown

SCALE_SETS = (
    "azurerm_linux_virtual_machine_scale_set",
    "azurerm_windows_virtual_machine_scale_set",
    "azurerm_orchestrated_virtual_machine_scale_set",
    "azurerm_virtual_machine_scale_set",
)
Where = bool | Unknown
"""Is it in the subnet: yes, no, or not known."""


@dataclass(frozen=True, slots=True)
class Layout:
    """Where a kind keeps its IP configurations and what gives one a public address."""

    blocks: tuple[str, ...]
    public: str


INSTANCE_NICS = Layout(("network_interface", "ip_configuration"), "public_ip_address")
LAYOUTS: dict[str, Layout] = {
    NIC: Layout(("ip_configuration",), "public_ip_address_id"),
    "azurerm_linux_virtual_machine_scale_set": INSTANCE_NICS,
    "azurerm_windows_virtual_machine_scale_set": INSTANCE_NICS,
    "azurerm_orchestrated_virtual_machine_scale_set": INSTANCE_NICS,
    "azurerm_virtual_machine_scale_set": Layout(
        ("network_profile", "ip_configuration"), "public_ip_address_configuration"
    ),
}
HOLDERS = tuple(LAYOUTS)


# --- IP configurations -------------------------------------------------------------------------


def ip_configurations(
    resource: Resource, layout: Layout
) -> tuple[list[tuple[str, Mapping[str, Any]]], list[tuple[str, Unknown]]]:
    """(path, values) of every IP configuration; and (path, why) of the levels not known.

    A path not known is as deep as it goes, completed by the block names below it
    (``network_interface.ip_configuration``), so its references can be looked up."""
    level: list[tuple[str, Any]] = [("", None)]
    gaps: list[tuple[str, Unknown]] = []
    for depth, name in enumerate(layout.blocks):
        below = ".".join(layout.blocks[depth + 1 :])
        deeper: list[tuple[str, Any]] = []
        for prefix, node in level:
            path = f"{prefix}{name}"
            value = resource.get(path) if node is None else node.get(name)
            if isinstance(value, Unknown):
                gaps.append((".".join(p for p in (path, below) if p), value))
                continue
            for index, item in enumerate(value if isinstance(value, list) else ()):
                if isinstance(item, Unknown):
                    gaps.append((".".join(p for p in (f"{path}.{index}", below) if p), item))
                elif isinstance(item, Mapping):
                    deeper.append((f"{path}.{index}.", item))
        level = deeper
    return [(prefix.rstrip("."), node) for prefix, node in level], gaps


def _variants(resource: Resource, path: str) -> list[tuple[str, bool]]:
    """``path`` without some of its list indexes, fewest dropped (innermost) first; each
    with whether it still names that one item (every list it drops an index of has one)."""
    parts = path.split(".")
    spots = [i for i, part in enumerate(parts) if part.isdigit()]
    found = []
    for count in range(1, len(spots) + 1):
        for dropped in itertools.combinations(reversed(spots), count):
            variant = ".".join(p for i, p in enumerate(parts) if i not in dropped)
            alone = all(_length(resource, ".".join(parts[:i])) == 1 for i in dropped)
            found.append((variant, alone))
    return found


def _length(resource: Resource, path: str) -> int | None:
    items = resource.get(path)
    return len(items) if isinstance(items, list) else None


def points_at(inv: Inventory, resource: Resource, path: str, subnet: Resource) -> Where:
    """Does the subnet id at ``path`` point at ``subnet`` (by id, or by plan reference)?

    A value known only after apply is judged by the references its configuration writes
    (also those recorded without the item's index, when they can be told apart)."""
    relation = inv.relation(resource, path, (SUBNET,))
    if subnet in relation.targets:
        return True
    if subnet in relation.candidates:
        return relation.unresolved or Unknown(f"{path} may point at {subnet.address}")
    if relation.targets:
        return False
    value = resource.get(path)
    if not isinstance(value, Unknown):
        return False  # unset, or the id of a subnet elsewhere
    for variant, alone in _variants(resource, path):
        loose = inv.relation(resource, variant, (SUBNET,))
        if subnet in loose.targets:
            return True
        if subnet in loose.candidates:
            return loose.unresolved or Unknown(f"{variant} may point at {subnet.address}")
        if loose.targets and alone:
            return False
    if relation.unresolved is not None:
        return relation.unresolved
    return Unknown(f"{resource.address} {path} ({value.reason})")


def in_subnet(inv: Inventory, holder: Resource, subnet: Resource) -> Where:
    """Is any IP configuration of ``holder`` (a NIC or a scale set) in ``subnet``?"""
    items, gaps = ip_configurations(holder, LAYOUTS[holder.kind])
    paths = [f"{path}.subnet_id" for path, _ in items] + [f"{path}.subnet_id" for path, _ in gaps]
    maybe: Unknown | None = None
    for path in paths:
        found = points_at(inv, holder, path, subnet)
        if found is True:
            return True
        if isinstance(found, Unknown) and maybe is None:
            maybe = found
    return maybe if maybe is not None else False


# --- public addresses --------------------------------------------------------------------------


def public_ips(inv: Inventory, holder: Resource) -> tuple[list[str], list[str]]:
    """(public addresses the holder's IP configurations give, why any is unknown)."""
    layout = LAYOUTS[holder.kind]
    items, gaps = ip_configurations(holder, layout)
    unknown = [f"{holder.address} {path} ({why.reason})" for path, why in gaps]
    public: list[str] = []
    for path, item in items:
        value = item.get(layout.public)
        where = f"{path}.{layout.public}"
        if holder.kind == NIC:
            targets = inv.related(holder, where)
            if targets:
                public.extend(t.address for t in targets)
            elif isinstance(value, Unknown):
                referenced = holder.refs.get(f"ip_configuration.{layout.public}")
                if referenced:
                    public.append(str(referenced[0]))
                else:
                    unknown.append(f"{holder.address} {path} ({item.get('name')}) public IP")
            elif isinstance(value, str) and value:
                public.append(value)
        elif isinstance(value, Unknown):
            unknown.append(f"{holder.address} {where} ({value.reason})")
        elif value:  # a public_ip_address block: every instance gets a public IP
            public.append(f"{where} (one per instance)")
    return public, unknown


def vm_nics(inv: Inventory, vm: Resource) -> list[Resource]:
    return inv.related(vm, "network_interface_ids", kinds=(NIC,))


# --- AKS node pools ----------------------------------------------------------------------------


def node_pools_in_subnet(
    inv: Inventory, subnet: Resource
) -> list[tuple[Resource, Mapping[str, Any], Where]]:
    """(resource, pool values, in the subnet?) of AKS node pools that are or may be in it
    (default pools included; a default pool block not known reads as unknown values)."""
    found: list[tuple[Resource, Mapping[str, Any], Where]] = []
    for pool in inv.of_kind(NODE_POOL):
        where = points_at(inv, pool, "vnet_subnet_id", subnet)
        if where is not False:
            found.append((pool, pool.attributes, where))
    for cluster in inv.of_kind(AKS):
        items = cluster.get("default_node_pool")
        if isinstance(items, Unknown):
            where = points_at(inv, cluster, "default_node_pool.vnet_subnet_id", subnet)
            if where is not False:
                found.append((cluster, {"name": "default", "node_public_ip_enabled": items}, where))
            continue
        for index, item in enumerate(items if isinstance(items, list) else ()):
            if not isinstance(item, Mapping):
                continue
            where = points_at(inv, cluster, f"default_node_pool.{index}.vnet_subnet_id", subnet)
            if where is not False:
                found.append((cluster, item, where))
    return found
