"""Azure judgement helpers: NSG rule evaluation, subnet associations, tiers, public IPs.

Plans and live Azure share the azurerm attribute shape; relations are followed by ARM id
(live, and plan values known before apply) or by the configuration's references (plan).

NSG evaluation follows Azure's rules: inbound rules are tried in priority order (lowest
number first), the first whose protocol, destination port and source match decides, and
the default rules close with deny-all from the internet. A source "from the internet"
is ``*``/``Internet``/``0.0.0.0/0``/``::/0`` (every internet host), a public CIDR or an
external service tag (some internet hosts): an allow with either admits, only a deny
covering every internet host, every host of the subnet and every source port shadows
what follows.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from archproof.inventory.model import Inventory, Resource, Unknown

NSG = "azurerm_network_security_group"
NSG_RULE = "azurerm_network_security_rule"
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
DEFAULT_TIER_NAMES = {"*public*": "public", "*private*": "private"}
TIER_PARAMS: dict[str, Any] = {"tier_tag": "Tier", "tier_names": DEFAULT_TIER_NAMES}


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
