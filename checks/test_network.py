"""Network isolation: tiers as documented, egress paths, where workloads sit, VPC separation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from archproof.controls.api import Findings, Selector, Subject, control
from archproof.controls.tiers import (
    INTERNAL,
    TIER_PARAMS,
    describe_evidence,
    intended_tier,
    matches,
    tier_intent,
)
from archproof.inventory.model import Inventory, Resource, Unknown, first_unknown, is_unknown
from archproof.inventory.network import PUBLIC, default_route_targets, subnet_tier, subnets_of
from archproof.verdict import Failed, Inconclusive

ROUTING = (
    "aws_route_table",
    "aws_route_table_association",
    "aws_route",
    "aws_internet_gateway",
    "aws_nat_gateway",
)


def _intends(tier: str) -> Selector:
    def select(subject: Subject, resource: Resource) -> bool:
        return intended_tier(resource, subject.params, subject.inventory) == tier

    return select


def _tagged(subject: Subject, resource: Resource) -> bool:
    return intended_tier(resource, subject.params, subject.inventory) is not None


def _effective_tiers(inv: Inventory) -> str:
    counts: dict[str, int] = {}
    for subnet in inv.of_kind("aws_subnet"):
        tier = subnet_tier(inv, subnet)
        name = "undecided" if isinstance(tier, Unknown) else tier
        counts[name] = counts.get(name, 0) + 1
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"


def _no_declared_tier(subject: Subject) -> str:
    return (
        f"no subnet declares its tier ({describe_evidence(subject.params)});"
        f" effective tiers from routes: {_effective_tiers(subject.inventory)}"
    )


def _no_intended(tier: str) -> Callable[[Subject], str]:
    def explain(subject: Subject) -> str:
        declared = [
            i
            for s in subject.inventory.of_kind("aws_subnet")
            if (i := intended_tier(s, subject.params, subject.inventory)) is not None
        ]
        if not declared:
            return _no_declared_tier(subject)
        meant = ", ".join(sorted(set(declared)))
        return (
            f"no subnet is meant to be {tier} (meant: {meant}); effective tiers from"
            f" routes: {_effective_tiers(subject.inventory)}"
        )

    return explain


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
    unselected=_no_declared_tier,
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
    unselected=_no_intended("private"),
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


WORKLOADS = (
    "aws_instance",
    "aws_autoscaling_group",
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_elasticache_replication_group",
    "aws_eks_node_group",
)


def _not_public_role(subject: Subject, resource: Resource) -> bool:
    return not any(subject.in_role(resource, role) for role in subject.params["public_roles"])


@control(
    "workloads-in-private-tiers",
    kinds=WORKLOADS,
    needs=("aws_subnet", *ROUTING),
    severity="high",
    params={"public_roles": ["bastion"]},
    select=_not_public_role,
)
def test_workloads_sit_in_non_public_subnets(subject: Subject, resource: Resource) -> None:
    """Instances, databases, caches and cluster nodes sit only in non-public subnets."""
    inv = subject.inventory
    findings = Findings(resource)
    subnets, gap = subnets_of(inv, resource)
    if gap is not None:
        findings.unknown("subnets", gap)
    elif not subnets:
        findings.unknown("subnets", "none named: it would land in the default VPC")
    for subnet in subnets:
        tier = subnet_tier(inv, subnet)
        findings.check(f"tier of {subnet.address}", tier, tier != PUBLIC, "private or isolated")
    findings.close()


def _declared_subnet_or_instance(subject: Subject, resource: Resource) -> bool:
    """instances, and subnets that say which tier they are meant to be"""
    return (
        resource.kind != "aws_subnet"
        or intended_tier(resource, subject.params, subject.inventory) is not None
    )


@control(
    "no-public-ip-in-private-tiers",
    kinds=("aws_subnet", "aws_instance"),
    needs=ROUTING,
    severity="high",
    params=TIER_PARAMS,
    select=_declared_subnet_or_instance,
)
def test_no_public_addresses_outside_public_tier(subject: Subject, resource: Resource) -> None:
    """Nothing in a private or isolated subnet gets a public IP address."""
    inv = subject.inventory
    findings = Findings(resource)
    if resource.kind == "aws_subnet":
        if intended_tier(resource, subject.params, inv) != PUBLIC:
            value = resource.get("map_public_ip_on_launch")
            findings.check("map_public_ip_on_launch", value, value in (False, None), "false")
    else:
        subnets, gap = subnets_of(inv, resource)
        tiers = [subnet_tier(inv, s) for s in subnets]
        if not subnets and gap is None:
            findings.unknown("subnet", "none named: it would land in the default VPC")
        elif gap is not None or any(isinstance(t, Unknown) for t in tiers):
            undecided = first_unknown(gap, *tiers)
            findings.unknown("subnet tier", undecided if undecided is not None else "undecided")
        elif tiers and PUBLIC not in tiers:
            assoc = resource.get("associate_public_ip_address")
            findings.check("associate_public_ip_address", assoc, assoc in (False, None), "false")
            public_ip = resource.get("public_ip")
            findings.check("public_ip", public_ip, public_ip in (None, ""), "none")
    findings.close()


@control(
    "database-not-publicly-accessible",
    kinds=("aws_db_instance", "aws_rds_cluster_instance"),
    severity="critical",
    frameworks={"CIS-AWS": "2.3.3", "PCI-DSS": "1.3.1"},
)
def test_database_is_not_publicly_accessible(resource: Resource) -> None:
    """Databases are not publicly accessible."""
    findings = Findings(resource)
    value = resource.get("publicly_accessible")
    findings.check("publicly_accessible", value, value in (False, None), "false")
    findings.close()


def _allows_from_anywhere(rule: dict[str, object], ports: list[int]) -> bool | Unknown:
    if is_unknown(rule):
        return Unknown("a rule is known only after apply")
    if str(rule.get("action", "")).lower() != "allow":
        return False
    if rule.get("cidr_block") not in ("0.0.0.0/0",) and rule.get("ipv6_cidr_block") not in (
        "::/0",
    ):
        return False
    if str(rule.get("protocol")) in ("-1", "all"):
        return True
    low, high = rule.get("from_port"), rule.get("to_port")
    if not isinstance(low, int) or not isinstance(high, int):
        return False
    return any(low <= p <= high for p in ports)


@control(
    "nacl-guards-private-subnets",
    kinds=("aws_subnet",),
    needs=("aws_network_acl", "aws_network_acl_rule"),
    severity="medium",
    params={**TIER_PARAMS, "admin_ports": [22, 3389]},
    select=lambda s, r: intended_tier(r, s.params, s.inventory) not in (None, PUBLIC),
    unselected=_no_intended("private or isolated"),
)
def test_private_subnets_have_a_restrictive_acl(subject: Subject, resource: Resource) -> None:
    """Private subnets have their own network ACL, refusing admin ports from anywhere."""
    inv = subject.inventory
    findings = Findings(resource)
    acls = inv.referring(resource, "aws_network_acl", "subnet_ids")
    acls += inv.referring(resource, "aws_default_network_acl", "subnet_ids")
    custom = [a for a in acls if a.get("default") is not True and a.kind == "aws_network_acl"]
    if not custom:
        findings.fail("network ACL", "the VPC default (allows all)", "a dedicated network ACL")
    for acl in acls:
        inline = acl.get("ingress")
        if isinstance(inline, Unknown):
            findings.unknown(f"{acl.address} ingress", inline)
            continue
        rules = sorted(
            [r for r in inline or [] if isinstance(r, dict)] + _rule_resources(inv, acl),
            key=lambda r: r["rule_no"] if isinstance(r.get("rule_no"), int) else 0,
        )
        for rule in rules:
            verdict = _allows_from_anywhere(rule, subject.params["admin_ports"])
            if isinstance(verdict, Unknown):
                findings.unknown(f"{acl.address} ingress", verdict)
            elif verdict:
                findings.fail(
                    f"{acl.address} rule {rule.get('rule_no')}",
                    "allow admin ports from anywhere",
                    "deny",
                )
                break
    findings.close()


def _rule_resources(inv: Inventory, acl: Resource) -> list[dict[str, Any]]:
    """``aws_network_acl_rule`` resources of an ACL, in the inline rule shape."""
    rules = []
    for rule in inv.referring(acl, "aws_network_acl_rule", "network_acl_id"):
        if rule.get("egress") is True:
            continue
        rules.append(
            {
                "rule_no": rule.get("rule_number"),
                "action": rule.get("rule_action"),
                "protocol": rule.get("protocol"),
                "from_port": rule.get("from_port"),
                "to_port": rule.get("to_port"),
                "cidr_block": rule.get("cidr_block"),
                "ipv6_cidr_block": rule.get("ipv6_cidr_block"),
            }
        )
    return rules


@control(
    "vpc-isolated-from-nonprod",
    needs=("aws_vpc", "aws_vpc_peering_connection", "aws_route_table"),
    severity="high",
    params={"vpc_role": "prod_vpc", "isolated_from_role": "nonprod_vpc"},
)
def test_production_vpc_is_not_connected_to_nonprod(subject: Subject) -> None:
    """The production VPC has no peering or route to the non-production VPC."""
    inv = subject.inventory
    prod = subject.role_members(subject.params["vpc_role"], ("aws_vpc",))
    other = subject.role_members(subject.params["isolated_from_role"], ("aws_vpc",))
    if not prod or not other:
        raise Inconclusive(
            f"{subject.test_id}: VPC roles {subject.params['vpc_role']!r}/"
            f"{subject.params['isolated_from_role']!r} match no VPC"
        )
    findings = Findings(None, subject.test_id)
    for peering in inv.of_kind("aws_vpc_peering_connection"):
        ends = inv.related(peering, "vpc_id") + inv.related(peering, "peer_vpc_id")
        if any(e in prod for e in ends) and any(e in other for e in ends):
            findings.fail(peering.address, "peers production with non-production", "no peering")
        elif is_unknown(peering.get("peer_vpc_id")) and not inv.related(peering, "peer_vpc_id"):
            findings.unknown(peering.address, "peer VPC known only after apply")
    other_cidrs = {v.get("cidr_block") for v in other}
    for table in inv.of_kind("aws_route_table"):
        if not any(t in prod for t in inv.related(table, "vpc_id")):
            continue
        for route in table.get("route") or []:
            if isinstance(route, dict) and route.get("cidr_block") in other_cidrs:
                findings.fail(
                    f"{table.address} route", route.get("cidr_block"), "no route to non-production"
                )
    findings.close()
