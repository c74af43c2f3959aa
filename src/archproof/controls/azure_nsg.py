"""Azure NSG rule evaluation: what a network security group admits from the internet.

The rules themselves are read by :mod:`archproof.controls.azure_nsg_rules`.

NSG evaluation follows Azure's rules: inbound rules are tried in priority order (lowest
number first), the first whose protocol, destination port and source match decides, and
the default rules close with deny-all from the internet. A source "from the internet"
is ``*``/``Internet``/``0.0.0.0/0``/``::/0`` (every internet host), a public CIDR or an
external service tag (some internet hosts): an allow with either admits, only a deny
covering every internet host, every host of the subnet and every source port shadows
what follows.

Every protocol a rule can name is judged (``Tcp``, ``Udp``, ``Icmp``, ``Esp``, ``Ah``;
``*`` is all of them). TCP and UDP are judged port range by port range. ICMP, ESP and AH
have no ports: a rule naming one of them admits that protocol (for ICMP Azure reads the
port field as the ICMP type, so an allow of some types admits ICMP, and only a deny of
every "port" shuts all of it); a ``*`` rule reaches them only when it covers every port.
"""

from __future__ import annotations

import ipaddress
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from archproof.controls.azure_nsg_rules import NsgRule

EVERY_HOST = frozenset({"*", "internet", "any", "0.0.0.0/0", "0.0.0.0", "::/0"})
INTERNAL_TAGS = frozenset({"virtualnetwork", "azureloadbalancer"})
PORT_PROTOCOLS = ("Tcp", "Udp")
PORTLESS_PROTOCOLS = ("Icmp", "Esp", "Ah")
PROTOCOLS = (*PORT_PROTOCOLS, *PORTLESS_PROTOCOLS)
"""Every protocol an NSG rule names (Azure's ``SecurityRuleProtocol`` values but ``*``)."""
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
class Opening:
    """Destination ports ``low``-``high`` of ``protocol`` admitted from the internet by ``rule``
    (``None`` for a protocol without ports: the protocol itself is admitted)."""

    protocol: str
    low: int | None
    high: int | None
    rule: str

    def describe(self) -> str:
        if self.low is None or self.high is None:
            return f"{self.protocol} (rule {self.rule})"
        ports = str(self.low) if self.low == self.high else f"{self.low}-{self.high}"
        return f"{self.protocol} {ports} (rule {self.rule})"


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


def _every_port(rule: NsgRule) -> bool:
    return any(port_span(text) == (0, 65535) for text in rule.ports)


def _applies_portless(rule: NsgRule, protocol: str) -> bool:
    """Does the rule match ``protocol`` (ICMP, ESP, AH), as far as it decides?

    A rule naming the protocol matches it; an allow of it admits some of it whatever its
    port field (for ICMP, the types), a deny shuts all of it only over every port. A ``*``
    rule matches it only over every port (its port ranges are TCP's and UDP's)."""
    if not rule.inbound:
        return False
    named = rule.protocol.lower()
    if named == protocol.lower():
        return rule.allow or _every_port(rule)
    return named == "*" and _every_port(rule)


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
    """What the rules admit from the internet (inbound, every protocol), in order.

    TCP and UDP as port ranges; ICMP, ESP and AH as the protocol. A deny decides only
    when it covers every internet host, every host of the subnet (``subnet_prefixes``: its
    address ranges) and every source port; a narrower deny leaves the rules after it to
    admit the rest. The decision only changes at a rule's port boundary, so each segment
    between boundaries is judged once by its first port.
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
    for protocol in PORT_PROTOCOLS:
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
    for protocol in PORTLESS_PROTOCOLS:
        decider = next(
            (
                r
                for r in ordered
                if _applies_portless(r, protocol) and _matches_internet(r, prefixes)
            ),
            None,
        )
        if decider is not None and decider.allow:
            openings.append(Opening(protocol, None, None, decider.name))
    return openings
