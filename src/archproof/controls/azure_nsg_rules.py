"""Azure NSG rules as one shape: inline ``security_rule`` blocks and separate
``azurerm_network_security_rule`` resources (found by reference, else by NSG name and
resource group) read into :class:`NsgRule`. Their evaluation is in
:mod:`archproof.controls.azure_nsg`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from archproof.inventory.model import Inventory, Resource, Unknown

NSG_RULE = "azurerm_network_security_rule"


@dataclass(frozen=True, slots=True)
class NsgRule:
    """One NSG rule in the shape both inline blocks and rule resources give."""

    name: str
    priority: int
    inbound: bool
    allow: bool
    protocol: str
    sources: tuple[str, ...]
    ports: tuple[str, ...]
    origin: str
    destinations: tuple[str, ...] = ("*",)  # empty: not known (an unknown value)
    destination_groups: bool = False  # destination application security groups named
    source_ports: tuple[str, ...] = ("*",)


def _texts(*values: Any) -> tuple[str, ...] | Unknown:
    found: list[str] = []
    for value in values:
        if isinstance(value, Unknown):
            return value
        items = value if isinstance(value, list | tuple) else [value]
        for item in items:
            if isinstance(item, Unknown):
                return item
            if isinstance(item, str) and item:
                found.append(item)
    return tuple(found)


def rule_from(values: Mapping[str, Any], origin: str) -> NsgRule | Unknown:
    """An :class:`NsgRule` from inline ``security_rule`` values or a rule resource's values."""
    get = values.get
    sources = _texts(get("source_address_prefix"), get("source_address_prefixes"))
    ports = _texts(get("destination_port_range"), get("destination_port_ranges"))
    if isinstance(sources, Unknown):
        return sources
    if isinstance(ports, Unknown):
        return ports
    for value in (get("priority"), get("direction"), get("access"), get("protocol")):
        if isinstance(value, Unknown):
            return value
    if not sources and get("source_application_security_group_ids"):
        sources = ("VirtualNetwork",)  # application security groups hold NICs of the VNet
    destinations = _texts(get("destination_address_prefix"), get("destination_address_prefixes"))
    groups = get("destination_application_security_group_ids")
    source_ports = _texts(get("source_port_range"), get("source_port_ranges"))
    priority = get("priority")
    return NsgRule(
        name=_text_or(get("name"), origin),
        priority=int(priority) if isinstance(priority, int | float | str) else 0,
        inbound=str(get("direction") or "").lower() == "inbound",
        allow=str(get("access") or "").lower() == "allow",
        protocol=_text_or(get("protocol"), "*"),
        sources=sources,
        ports=ports,
        origin=origin,
        # unknown destination or source ports: the rule covers some traffic, not all of it
        destinations=() if isinstance(destinations, Unknown) else destinations,
        destination_groups=isinstance(groups, Unknown) or bool(groups),
        source_ports=() if isinstance(source_ports, Unknown) else source_ports or ("*",),
    )


def _text_or(value: Any, default: str) -> str:
    """A rule's text attribute; unset or not known yet reads as ``default``."""
    return default if value in (None, "") or isinstance(value, Unknown) else str(value)


def nsg_rules(inv: Inventory, nsg: Resource) -> tuple[list[NsgRule], list[str]]:
    """The NSG's rules (inline and separate resources) and why any of them is unknown."""
    rules: list[NsgRule] = []
    unknown: list[str] = []
    inline = nsg.get("security_rule")
    if isinstance(inline, Unknown):
        # A plan leaves unset inline rules unknown; only references make written ones so.
        if nsg.refs.get("security_rule"):
            unknown.append(f"{nsg.address} security_rule ({inline.reason})")
        inline = []
    for item in inline or []:
        rule = rule_from(item, nsg.address) if isinstance(item, Mapping) else item
        if isinstance(rule, NsgRule):
            rules.append(rule)
        else:
            unknown.append(f"{nsg.address} security_rule ({_reason(rule)})")
    for resource in separate_rules(inv, nsg):
        rule = rule_from(resource.attributes, resource.address)
        if isinstance(rule, NsgRule):
            rules.append(rule)
        else:
            unknown.append(f"{resource.address} ({_reason(rule)})")
    return sorted(rules, key=lambda r: r.priority), unknown


def _reason(value: Any) -> str:
    return value.reason if isinstance(value, Unknown) else "not a rule"


def separate_rules(inv: Inventory, nsg: Resource) -> list[Resource]:
    """``azurerm_network_security_rule`` resources of an NSG: by reference, else by name."""
    name, group = nsg.get("name"), nsg.get("resource_group_name")
    found = []
    for rule in inv.of_kind(NSG_RULE):
        if nsg.address in rule.refs.get("network_security_group_name", ()):
            found.append(rule)
            continue
        if rule.refs.get("network_security_group_name"):
            continue  # refers to another NSG
        same_name = isinstance(name, str) and rule.get("network_security_group_name") == name
        rule_group = rule.get("resource_group_name")
        same_group = not isinstance(group, str) or not isinstance(rule_group, str)
        if same_name and (same_group or rule_group.lower() == group.lower()):
            found.append(rule)
    return found
