"""Availability: zone spread, Multi-AZ databases and caches, auto-scaling floors, health checks."""

from __future__ import annotations

from archproof.controls.api import Findings, Subject, control
from archproof.controls.facts import is_set
from archproof.controls.tiers import INTERNAL, TIER_PARAMS, intended_tier
from archproof.inventory.defaults import ASG_HEALTH_CHECK, RDS_MULTI_AZ, value_or_default
from archproof.inventory.model import Inventory, Resource, Unknown
from archproof.inventory.network import ISOLATED, PRIVATE, subnet_tier, zones_of
from archproof.verdict import Failed, Inconclusive

ZONED = (
    "aws_lb",
    "aws_elb",
    "aws_autoscaling_group",
    "aws_db_subnet_group",
    "aws_elasticache_subnet_group",
    "aws_eks_node_group",
)
ZONES = {"min_zones": 2}


@control(
    "tier-zone-spread",
    needs=("aws_subnet", "aws_route_table"),
    severity="high",
    params={**ZONES, "tiers": ["public", "private"], **TIER_PARAMS},
)
def test_each_tier_spans_the_zones(subject: Subject) -> None:
    """Each documented subnet tier has subnets in at least the documented number of zones, in
    every VPC of the system (subnets of two VPCs in two zones are no spread of either; AWS's
    default VPC is no documented network unless the scope names it)."""
    inv = subject.inventory
    tiers = list(subject.params["tiers"])
    per_vpc: dict[str, dict[str, set[str]]] = {}
    unknown: list[str] = []
    for subnet in subject.scoped("aws_subnet"):
        vpc, default = _vpc_of(inv, subnet)
        if default and subject.scope is None:
            continue
        tier = subnet_tier(inv, subnet)  # the tier its routes make it; a name alone is no proof
        zone = subnet.get("availability_zone")
        if not isinstance(tier, Unknown) and not _agrees(
            intended_tier(subnet, subject.params, inv), tier
        ):
            continue  # mislabelled: it proves neither tier (subnet-tier-matches-intent says so)
        zones = per_vpc.setdefault(vpc or "(VPC not known)", {t: set() for t in tiers})
        if isinstance(tier, Unknown) or isinstance(zone, Unknown) or vpc is None:
            unknown.append(subnet.address)
        elif tier in zones and isinstance(zone, str):
            zones[tier].add(zone)
    need = int(subject.params["min_zones"])
    judged = per_vpc or {"": {t: set() for t in tiers}}
    short = {
        (f"{vpc} {t}" if len(judged) > 1 else t): sorted(z)
        for vpc, zones in judged.items()
        for t, z in zones.items()
        if len(z) < need
    }
    if not short:
        return
    if not unknown:
        raise Failed(f"{subject.test_id}: zones per tier {short}, required ≥ {need} each")
    raise Inconclusive(f"{subject.test_id}: zones of {', '.join(unknown)} known only after apply")


def _vpc_of(inv: Inventory, subnet: Resource) -> tuple[str | None, bool]:
    """The subnet's VPC (its address, or what its ``vpc_id`` says when that is not here; None
    when nothing says), and whether it is AWS's default VPC."""
    vpcs = inv.related(subnet, "vpc_id", kinds=("aws_vpc", "aws_default_vpc"))
    default = subnet.get("default_for_az") is True
    if len(vpcs) == 1:
        vpc = vpcs[0]
        return vpc.address, default or vpc.kind == "aws_default_vpc" or vpc.get("default") is True
    value = subnet.get("vpc_id")
    return (value if isinstance(value, str) and value else None), default


def _agrees(meant: str | None, routed: str) -> bool:
    """Does the tier a subnet is meant to be (if anything says) agree with its routes?"""
    if meant is None:
        return True
    return routed in (PRIVATE, ISOLATED) if meant == INTERNAL else meant == routed


@control(
    "zone-spread",
    kinds=ZONED,
    needs=("aws_subnet",),
    severity="high",
    params=ZONES,
    frameworks={"AWS-WA": "REL10"},
)
def test_resource_spans_the_zones(subject: Subject, resource: Resource) -> None:
    """Load balancers, auto-scaling groups and subnet groups span the documented number of zones."""
    findings = Findings(resource)
    zones, gap = zones_of(subject.inventory, resource)
    need = int(subject.params["min_zones"])
    if len(zones) < need and gap is not None:
        findings.unknown("zones", gap)
    else:
        findings.check("zones", sorted(zones), len(zones) >= need, f"≥ {need}")
    findings.close()


def _standalone_db(subject: Subject, resource: Resource) -> bool:
    if resource.kind != "aws_db_instance":
        return True
    replica = resource.get("replicate_source_db")
    return replica in (None, "")


@control(
    "database-multi-az",
    kinds=("aws_db_instance", "aws_rds_cluster"),
    severity="high",
    select=_standalone_db,
    frameworks={"AWS-WA": "REL10"},
)
def test_database_survives_zone_loss(subject: Subject, resource: Resource) -> None:
    """Databases keep a standby or reader in a second availability zone."""
    findings = Findings(resource)
    if resource.kind == "aws_db_instance":
        value, decided_by = value_or_default(resource, "multi_az", RDS_MULTI_AZ)
        findings.check("multi_az", value, value is True, "true", decided_by)
        findings.close()
        return
    members = subject.inventory.referring(
        resource, "aws_rds_cluster_instance", "cluster_identifier"
    )
    findings.check("cluster instances", len(members), len(members) >= 2, "≥ 2 (writer + reader)")
    zones = [m.get("availability_zone") for m in members]
    known = {z for z in zones if isinstance(z, str) and z}
    if len(members) >= 2 and len(known) < 2:
        if len(known) < len(zones):
            findings.unknown("member zones", "a member's zone is known only after apply")
        else:
            findings.fail("member zones", sorted(known), "≥ 2 distinct zones")
    findings.close()


@control(
    "asg-capacity-floor",
    kinds=("aws_autoscaling_group",),
    severity="high",
    params={"min_instances": 2},
)
def test_autoscaling_keeps_a_floor(subject: Subject, resource: Resource) -> None:
    """Auto-scaling groups never shrink below the documented floor and can grow past it."""
    findings = Findings(resource)
    floor = int(subject.params["min_instances"])
    low, high = resource.get("min_size"), resource.get("max_size")
    findings.check("min_size", low, isinstance(low, int) and low >= floor, f"≥ {floor}")
    if isinstance(low, int) and isinstance(high, int):
        findings.check("max_size", high, high > low, f"> min_size ({low})")
    elif isinstance(high, Unknown):
        findings.unknown("max_size", high)
    findings.close()


@control("asg-elb-health-check", kinds=("aws_autoscaling_group",), severity="high")
def test_autoscaling_replaces_instances_failing_lb_checks(
    subject: Subject, resource: Resource
) -> None:
    """Auto-scaling groups replace instances that fail the load balancer's health check."""
    findings = Findings(resource)
    kind, decided_by = value_or_default(resource, "health_check_type", ASG_HEALTH_CHECK)
    findings.check("health_check_type", kind, kind == "ELB", "'ELB'", decided_by)
    groups = is_set(subject, resource, "target_group_arns")
    attached = [
        a
        for attachment in (
            "aws_autoscaling_attachment",
            "aws_autoscaling_traffic_source_attachment",
        )
        for a in subject.inventory.referring(resource, attachment, "autoscaling_group_name")
    ]
    balancers = is_set(subject, resource, "load_balancers")
    if attached or groups is True or balancers is True:
        pass
    elif isinstance(groups, Unknown):
        findings.unknown("target_group_arns", groups)
    else:
        seen = resource.get("target_group_arns")
        shown = seen if isinstance(seen, list) else []
        findings.fail("target_group_arns", shown, "attached to a load balancer target group")
    findings.close()


@control("cache-multi-az", kinds=("aws_elasticache_replication_group",), severity="high")
def test_cache_fails_over_across_zones(resource: Resource) -> None:
    """Caches run a replica in another zone and fail over to it automatically."""
    findings = Findings(resource)
    for attribute in ("automatic_failover_enabled", "multi_az_enabled"):
        value = resource.get(attribute)
        findings.check(attribute, value, value is True, "true")
    nodes = resource.get("num_cache_clusters")
    findings.check("num_cache_clusters", nodes, isinstance(nodes, int) and nodes >= 2, "≥ 2")
    findings.close()
