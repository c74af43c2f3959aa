"""Azure NSG rule evaluation: which ports a network security group admits from the internet.

NSG evaluation follows Azure's rules: inbound rules are tried in priority order (lowest
number first), the first whose protocol, destination port and source match decides, and
the default rules close with deny-all from the internet. A source "from the internet"
is ``*``/``Internet``/``0.0.0.0/0``/``::/0`` (every internet host), a public CIDR or an
external service tag (some internet hosts): an allow with either admits, only a deny
covering every internet host, every host of the subnet and every source port shadows
what follows.
"""

from __future__ import annotations

import ipaddress
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from archproof.inventory.model import Inventory, Resource, Unknown

NSG_RULE = "azurerm_network_security_rule"
EVERY_HOST = frozenset({"*", "internet", "any", "0.0.0.0/0", "0.0.0.0", "::/0"})
INTERNAL_TAGS = frozenset({"virtualnetwork", "azureloadbalancer"})
PROTOCOLS = ("Tcp", "Udp")
# Addresses no internet host has: private, shared (CGNAT), loopback and link-local ranges.
INTERNAL_RANGES = tuple(
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "fc00::/7",
        "fe80::/10",
    )
)


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


@dataclass(frozen=True, slots=True)
class Opening:
    """Destination ports ``low``-``high`` of ``protocol`` admitted from the internet by ``rule``."""

    protocol: str
    low: int
    high: int
    rule: str

    def describe(self) -> str:
        ports = str(self.low) if self.low == self.high else f"{self.low}-{self.high}"
        return f"{self.protocol} {ports} (rule {self.rule})"


# --- rules ---------------------------------------------------------------------------------


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


def source_reach(prefix: str) -> str:
    """How much of the internet a source prefix covers: ``all``, ``some`` or ``none``."""
    text = prefix.strip().lower()
    if text in EVERY_HOST:
        return "all"
    if text in INTERNAL_TAGS:
        return "none"
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return "some"  # another service tag: public addresses of some service
    if network.prefixlen == 0:
        return "all"
    internal = any(
        network.version == inner.version and network.subnet_of(inner)  # type: ignore[arg-type]
        for inner in INTERNAL_RANGES
    )
    return "none" if internal else "some"


def port_span(text: str) -> tuple[int, int] | None:
    """``"*"`` → all ports, ``"80"`` → 80, ``"80-443"`` → 80..443; else None."""
    text = text.strip()
    if text in ("*", "Any", "any"):
        return 0, 65535
    low, _, high = text.partition("-")
    try:
        first = int(low)
        last = int(high) if high else first
    except ValueError:
        return None
    return (first, last) if 0 <= first <= last <= 65535 else None


def _applies(rule: NsgRule, protocol: str, port: int) -> bool:
    if not rule.inbound or rule.protocol.lower() not in ("*", protocol.lower()):
        return False
    for text in rule.ports:
        span = port_span(text)
        if span is not None and span[0] <= port <= span[1]:
            return True
    return False


EVERY_DESTINATION = frozenset({"*", "any", "virtualnetwork", "0.0.0.0/0", "::/0"})


def covers_subnet(rule: NsgRule, subnet_prefixes: Iterable[str] = ()) -> bool:
    """Does the rule apply to every host of the subnet, from every source port?

    Destination ``*``/``VirtualNetwork`` or a range holding the whole subnet, no destination
    application security group (it names some NICs only), source port ``*``."""
    if rule.destination_groups or not rule.destinations:
        return False
    if not any(port_span(p) == (0, 65535) for p in rule.source_ports):
        return False
    subnets = []
    for prefix in subnet_prefixes:
        try:
            subnets.append(ipaddress.ip_network(prefix.strip(), strict=False))
        except ValueError:
            continue
    for destination in rule.destinations:
        text = destination.strip().lower()
        if text in EVERY_DESTINATION:
            return True
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError:
            continue
        if network.prefixlen == 0 or (
            subnets
            and all(
                s.version == network.version and s.subnet_of(network)  # type: ignore[arg-type]
                for s in subnets
            )
        ):
            return True
    return False


def _matches_internet(rule: NsgRule, subnet_prefixes: tuple[str, ...]) -> bool:
    reaches = [source_reach(s) for s in rule.sources]
    if rule.allow:
        return any(r != "none" for r in reaches)
    return "all" in reaches and covers_subnet(rule, subnet_prefixes)


def internet_openings(
    rules: Iterable[NsgRule], subnet_prefixes: Iterable[str] = ()
) -> list[Opening]:
    """Port ranges the rules admit from the internet (inbound, TCP and UDP), in order.

    A deny decides only when it covers every internet host, every host of the subnet
    (``subnet_prefixes``: its address ranges) and every source port; a narrower deny
    leaves the rules after it to admit the rest. The decision only changes at a rule's
    port boundary, so each segment between boundaries is judged once by its first port.
    """
    prefixes = tuple(subnet_prefixes)
    ordered = sorted((r for r in rules if r.inbound), key=lambda r: r.priority)
    cuts = {0, 65536}
    for rule in ordered:
        for text in rule.ports:
            span = port_span(text)
            if span is not None:
                cuts.update((span[0], span[1] + 1))
    edges = sorted(cuts)
    openings: list[Opening] = []
    for protocol in PROTOCOLS:
        for low, next_low in itertools.pairwise(edges):
            decider = next(
                (
                    r
                    for r in ordered
                    if _applies(r, protocol, low) and _matches_internet(r, prefixes)
                ),
                None,
            )
            if decider is not None and decider.allow:
                openings.append(Opening(protocol, low, next_low - 1, decider.name))
    return openings
