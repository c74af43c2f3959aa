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
from archproof.inventory.model import Resource, Unknown
from archproof.inventory.network import PUBLIC, default_route_targets, subnet_tier
from archproof.verdict import Failed, Inconclusive


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
    for subnet in inv.of_kind("aws_subnet"):
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
        findings.close()
        return
    targets = [r.target for r in routes]
    if "unknown" in targets:
        findings.unknown("default route target", "known only after apply")
        findings.close()
    findings.check(
        "default route target",
        targets or None,
        targets == ["nat"] * len(targets) and bool(targets),
        "NAT gateway",
    )
    for route in routes:
        nat = route.target_resource
        if route.target == "nat" and nat is not None and nat.kind == "aws_nat_gateway":
            for subnet in inv.related(nat, "subnet_id", kinds=("aws_subnet",)):
                tier = subnet_tier(inv, subnet)
                findings.check(f"tier of {nat.address}'s subnet", tier, tier == PUBLIC, "'public'")
    findings.close()
