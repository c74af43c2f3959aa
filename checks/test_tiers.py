"""Subnet tiers: every documented tier exists, each subnet routes as it is meant to, private
subnets leave through NAT."""

from __future__ import annotations

from archproof.controls.api import Findings, Selector, Subject, control
from archproof.controls.tiers import (
    INTERNAL,
    ROUTING,
    TIER_PARAMS,
    intended_tier,
    matches,
    no_declared_tier,
    no_intended,
    tier_intent,
)
from archproof.inventory.model import Inventory, Resource, Unknown
from archproof.inventory.network import PUBLIC, default_route_targets, subnet_tier, subnets_of
from archproof.inventory.routes import Route, forwards
from archproof.verdict import Failed, Inconclusive

NAT_KINDS = ("aws_nat_gateway", "data.aws_nat_gateway")


def _intends(tier: str) -> Selector:
    def select(subject: Subject, resource: Resource) -> bool:
        return intended_tier(resource, subject.params, subject.inventory) == tier

    return select


def _tagged(subject: Subject, resource: Resource) -> bool:
    return intended_tier(resource, subject.params, subject.inventory) is not None


@control(
    "subnet-tiers-present",
    needs=("aws_subnet", *ROUTING),
    severity="high",
    params={"tiers": ["public", "private"], **TIER_PARAMS},
)
def test_documented_tiers_exist(subject: Subject) -> None:
    """Every documented subnet tier exists, judged by the subnets' actual routes."""
    inv = subject.inventory
    found: dict[str, int] = {}
    unknown: list[str] = []
    for subnet in subject.scoped("aws_subnet"):  # the system's subnets, never another's
        tier = subnet_tier(inv, subnet)
        if isinstance(tier, Unknown):
            unknown.append(f"{subnet.address} ({tier.reason})")
        else:
            found[tier] = found.get(tier, 0) + 1
    missing = [t for t in subject.params["tiers"] if not found.get(t)]
    seen = ", ".join(f"{k}={v}" for k, v in sorted(found.items())) or "no subnets"
    if missing and not unknown:
        raise Failed(
            f"{subject.test_id}: tiers {missing} have no subnet (seen {seen}), "
            f"required {subject.params['tiers']}"
        )
    if missing:
        raise Inconclusive(
            f"{subject.test_id}: tiers {missing} not seen; undecided: {'; '.join(unknown)}"
        )


@control(
    "subnet-tier-matches-intent",
    kinds=("aws_subnet",),
    needs=ROUTING,
    severity="high",
    params=TIER_PARAMS,
    select=_tagged,
    unselected=no_declared_tier,
)
def test_subnet_routes_match_its_tier(subject: Subject, resource: Resource) -> None:
    """A subnet's routes make it the tier it is meant to be (public, private or isolated)."""
    findings = Findings(resource)
    found = tier_intent(resource, subject.params, subject.inventory)
    wanted, evidence = found if found is not None else (None, "")
    tier = subnet_tier(subject.inventory, resource)
    required = "'private' or 'isolated'" if wanted == INTERNAL else repr(wanted)
    ok = isinstance(tier, str) and matches(wanted, tier)
    findings.check("tier (from routes)", tier, ok, f"{required} ({evidence})")
    findings.close()


@control(
    "private-egress-via-nat",
    kinds=("aws_subnet",),
    needs=ROUTING,
    severity="high",
    params=TIER_PARAMS,
    select=_intends("private"),
    unselected=no_intended("private"),
)
def test_private_subnets_egress_through_nat(subject: Subject, resource: Resource) -> None:
    """Private subnets reach the internet only through a NAT gateway in a public subnet."""
    inv = subject.inventory
    findings = Findings(resource)
    routes = default_route_targets(inv, resource)
    if isinstance(routes, Unknown):
        findings.unknown("default route", routes)
    elif not routes:
        findings.fail("default route target", None, "NAT gateway")
    for route in routes if isinstance(routes, list) else ():
        _judge_egress(inv, route, findings)
    findings.close()


def _judge_egress(inv: Inventory, route: Route, findings: Findings) -> None:
    """A NAT gateway counts; so does a NAT instance: an instance or interface that forwards
    (``source_dest_check`` off) from a public subnet. What NAT software it runs no source
    shows; one that keeps the check on drops what it forwards, so it is no NAT."""
    target = route.target_resource
    if route.target == "unknown":
        findings.unknown("default route target", "known only after apply")
        return
    if route.target == "instance":
        forwarding = forwards(target)
        if target is None or isinstance(forwarding, Unknown):
            where = "outside this source" if target is None else target.address
            findings.unknown(
                f"NAT role of the default route's instance or interface ({where})",
                forwarding if isinstance(forwarding, Unknown) else "not read",
            )
            return
        if not forwarding:
            findings.fail(
                f"default route target {target.address}",
                "source_dest_check=true (forwards nothing)",
                "a NAT gateway or a NAT instance (source_dest_check=false)",
            )
            return
    elif route.target != "nat":
        findings.fail("default route target", route.target, "NAT gateway")
        return
    if target is None or target.kind not in (*NAT_KINDS, "aws_instance", "aws_network_interface"):
        return  # a NAT gateway known by its id alone
    subnets, gap = subnets_of(inv, target)
    if gap is not None:
        findings.unknown(f"subnet of {target.address}", gap)
    for subnet in subnets:
        tier = subnet_tier(inv, subnet)
        findings.check(f"tier of {target.address}'s subnet", tier, tier == PUBLIC, "'public'")
