"""Azure network: subnet tiers and their NSGs, NAT egress, public addresses of subnets and VMs.

Plans and live Azure share the azurerm attribute shape (4.x names; 3.x names accepted).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from archproof.controls.api import Findings, Selector, Subject, control, show
from archproof.controls.azure import (
    AKS,
    NAT,
    NAT_IP,
    NAT_PREFIX,
    NIC,
    NODE_POOL,
    NSG,
    SUBNET,
    SUBNET_NAT,
    SUBNET_NSG,
    TIER_PARAMS,
    VMS,
    first_set,
    intended_tier,
    nat_addresses,
    subnet_nat_gateways,
    subnet_nsgs,
)
from archproof.controls.azure_addresses import (
    HOLDERS,
    in_subnet,
    node_pools_in_subnet,
    public_ips,
    vm_nics,
)
from archproof.controls.azure_nsg import Opening, internet_openings
from archproof.controls.azure_nsg_rules import NSG_RULE, nsg_rules
from archproof.inventory.model import Resource, Unknown
from archproof.verdict import Failed

FILTERING = (NSG, NSG_RULE, SUBNET_NSG)


def _intends(tier: str) -> Selector:
    def select(subject: Subject, resource: Resource) -> bool:
        return intended_tier(resource, subject.params) == tier

    return select


@control(
    "azure-subnet-tiers",
    needs=(SUBNET,),
    severity="high",
    params={"tiers": ["public", "private"], **TIER_PARAMS},
)
def test_documented_subnet_tiers_exist(subject: Subject) -> None:
    """The VNet has a subnet of every documented tier (by subnet name or tier tag)."""
    found: dict[str, list[str]] = {}
    for subnet in subject.scoped(SUBNET):
        tier = intended_tier(subnet, subject.params)
        if tier is not None:
            found.setdefault(tier, []).append(subnet.address)
    missing = [t for t in subject.params["tiers"] if t not in found]
    if missing:
        seen = ", ".join(f"{t}={len(a)}" for t, a in sorted(found.items())) or "none"
        raise Failed(
            f"{subject.test_id}: tiers {missing} have no subnet (tiered subnets: {seen}), "
            f"required {subject.params['tiers']} (tier_names {subject.params['tier_names']})"
        )


Allowed = dict[str, frozenset[int] | None]
"""Protocol (lower case) → the ports it may be admitted on (``None``: the whole protocol)."""


def _judge_openings(subject: Subject, subnet: Resource, allowed: Allowed) -> None:
    """Fail on what the subnet's NSG admits from the internet beyond ``allowed``."""
    findings = Findings(subnet)
    nsgs = subnet_nsgs(subject.inventory, subnet)
    if not nsgs:
        findings.fail("network security group", None, "an NSG associated with the subnet")
    for nsg in nsgs:
        rules, unknown = nsg_rules(subject.inventory, nsg)
        for reason in unknown:
            findings.unknown("NSG rule", reason)
        for opening in internet_openings(rules, _prefixes(subnet)):
            if not _admitted(opening, allowed):
                findings.fail(
                    f"{nsg.address} admits from the internet",
                    opening.describe(),
                    _required(allowed),
                )
    findings.close()


def _admitted(opening: Opening, allowed: Allowed) -> bool:
    key = opening.protocol.lower()
    if key not in allowed:
        return False
    ports = allowed[key]
    if ports is None:
        return True
    low, high = opening.low, opening.high
    if low is None or high is None or high - low + 1 > len(ports):
        return False
    return all(port in ports for port in range(low, high + 1))


def _required(allowed: Allowed) -> str:
    if not allowed:
        return "VNet-internal"
    parts = []
    for protocol, ports in allowed.items():
        name = protocol.upper()
        parts.append(f"{name} ports {sorted(ports)}" if ports is not None else name)
    return f"only {', '.join(parts)} from the internet"


def _public_allowance(params: Mapping[str, Any]) -> Allowed:
    """TCP ``allowed_ports``, UDP ``allowed_udp_ports``, and whole ``allowed_protocols``."""
    allowed: Allowed = {}
    for protocol, name in (("tcp", "allowed_ports"), ("udp", "allowed_udp_ports")):
        ports = frozenset(int(p) for p in params[name] or ())
        if ports:
            allowed[protocol] = ports
    for protocol in params["allowed_protocols"] or ():
        allowed[str(protocol).lower()] = None
    return allowed


def _prefixes(subnet: Resource) -> list[str]:
    """The subnet's address ranges (4.x ``address_prefixes``, 3.x ``address_prefix``)."""
    found = []
    for name in ("address_prefixes", "address_prefix"):
        value = subnet.get(name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item:
                found.append(item)
    return found


@control(
    "azure-public-nsg-web-only",
    kinds=(SUBNET,),
    needs=FILTERING,
    severity="high",
    params={
        "allowed_ports": [80, 443],
        "allowed_udp_ports": [],
        "allowed_protocols": [],
        **TIER_PARAMS,
    },
    select=_intends("public"),
    frameworks={"CIS-Azure": "6.2"},
)
def test_public_subnet_admits_only_web_ports(subject: Subject, resource: Resource) -> None:
    """The public subnet's NSG admits only the web ports (HTTP/HTTPS over TCP) from the internet.

    ``allowed_ports``: TCP ports; ``allowed_udp_ports``: UDP ports (HTTP/3 is UDP 443);
    ``allowed_protocols``: protocols admitted whole (``Icmp``, ``Esp``, ``Ah``). By default
    nothing but TCP 80 and 443: the document names HTTP and HTTPS only, no ping.
    """
    _judge_openings(subject, resource, _public_allowance(subject.params))


@control(
    "azure-private-nsg-internal-only",
    kinds=(SUBNET,),
    needs=FILTERING,
    severity="high",
    params=TIER_PARAMS,
    select=_intends("private"),
)
def test_private_subnet_admits_only_internal_traffic(subject: Subject, resource: Resource) -> None:
    """The private subnet's NSG admits nothing from the internet, only VNet-internal traffic."""
    _judge_openings(subject, resource, {})


@control(
    "azure-private-no-public-ip",
    kinds=(SUBNET,),
    needs=(*HOLDERS, AKS, NODE_POOL),
    severity="high",
    params=TIER_PARAMS,
    select=_intends("private"),
)
def test_private_subnet_holds_no_public_addresses(subject: Subject, resource: Resource) -> None:
    """Nothing in the private subnet has a public IP: NICs, scale sets and node pools alike.

    A NIC or scale set whose subnet the plan does not know may be in it: with a public IP
    (or one not known), the verdict is inconclusive, naming it.
    """
    inv = subject.inventory
    findings = Findings(resource)
    for holder in inv.of_kind(*HOLDERS):
        where = in_subnet(inv, holder, resource)
        if where is False:
            continue
        public, unknown = public_ips(inv, holder)
        if where is True:
            for reason in unknown:
                findings.unknown("public IP", reason)
            if public:
                findings.fail(f"{holder.address} public IP", public, "none")
        elif public or unknown:
            ips = show(public) if public else "; ".join(unknown)
            findings.unknown(f"{holder.address} in the subnet", f"{where.reason}; public IP {ips}")
    for owner, pool, where in node_pools_in_subnet(inv, resource):
        value = first_set(pool, "node_public_ip_enabled", "enable_node_public_ip")
        label = f"{owner.address} node pool {pool.get('name')} node_public_ip_enabled"
        if isinstance(where, Unknown):
            if value not in (False, None):
                findings.unknown(f"{label}={show(value)} in the subnet", where)
        elif where:
            findings.check(label, value, value in (False, None), "false")
    findings.close()


@control(
    "azure-private-egress-nat",
    kinds=(SUBNET,),
    needs=(SUBNET_NAT, NAT, NAT_IP, NAT_PREFIX, "azurerm_public_ip"),
    severity="high",
    params=TIER_PARAMS,
    select=_intends("private"),
)
def test_private_subnet_egresses_through_nat(subject: Subject, resource: Resource) -> None:
    """The private subnet reaches the internet outbound only through a NAT gateway's static IP."""
    inv = subject.inventory
    findings = Findings(resource)
    gateways = subnet_nat_gateways(inv, resource)
    if not gateways:
        findings.fail("NAT gateway", None, "a NAT gateway associated with the subnet")
    for nat in gateways:
        addresses = nat_addresses(inv, nat)
        if not addresses:
            findings.fail(f"{nat.address} public IPs", [], "at least one static public IP")
        for address in addresses:
            if address.kind != "azurerm_public_ip":
                continue  # a public IP prefix is static by nature
            method = address.get("allocation_method")
            findings.check(
                f"{address.address} allocation_method", method, method == "Static", "'Static'"
            )
    findings.close()


def _not_public_role(subject: Subject, resource: Resource) -> bool:
    return not any(subject.in_role(resource, role) for role in subject.params["public_roles"])


@control(
    "azure-vm-no-public-ip",
    kinds=VMS,
    needs=(NIC, "azurerm_public_ip"),
    severity="high",
    params={"public_roles": []},
    select=_not_public_role,
)
def test_vm_has_no_public_ip(subject: Subject, resource: Resource) -> None:
    """Virtual machines have private addresses only: no public IP on any network interface."""
    inv = subject.inventory
    findings = Findings(resource)
    address = resource.get("public_ip_address")
    if isinstance(address, str) and address:
        findings.fail("public_ip_address", address, "none")
    nics = vm_nics(inv, resource)
    if not nics:
        findings.unknown("network interfaces", "none of network_interface_ids is in the source")
    for nic in nics:
        public, unknown = public_ips(inv, nic)
        for reason in unknown:
            findings.unknown("public IP", reason)
        if public:
            findings.fail(f"{nic.address} public IP", public, "none")
    findings.close()
