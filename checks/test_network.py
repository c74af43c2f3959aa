"""Network isolation: where workloads sit, public addresses, ACLs, VPC separation."""

from __future__ import annotations

from archproof.controls.api import Findings, Subject, control
from archproof.controls.tiers import ROUTING, TIER_PARAMS, intended_tier
from archproof.inventory.model import (
    Resource,
    Unknown,
    first_unknown,
    is_unset,
)
from archproof.inventory.network import PUBLIC, subnet_tier, subnets_of
from archproof.inventory.reachability import paths_between
from archproof.inventory.transit import TRANSIT_KINDS
from archproof.verdict import Inconclusive

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
            _judge_public_address(subject, resource, subnets, findings)
    findings.close()


EIP_LINKS = (("aws_eip", "instance"), ("aws_eip_association", "instance_id"))
ENI_EIP_LINKS = (("aws_eip", "network_interface"), ("aws_eip_association", "network_interface_id"))


def _judge_public_address(
    subject: Subject, instance: Resource, subnets: list[Resource], findings: Findings
) -> None:
    """A public IP comes from the instance's own setting (else its subnets' launch setting) or
    from an Elastic IP associated with it; a ``public_ip`` known only after apply is none when
    nothing assigns one."""
    inv = subject.inventory
    assoc = instance.get("associate_public_ip_address")
    if is_unset(assoc) or assoc is None:
        launch = [s.get("map_public_ip_on_launch") for s in subnets]
        undecided = first_unknown(*launch)
        assoc = True if True in launch else (undecided if undecided is not None else False)
    findings.check("associate_public_ip_address", assoc, assoc is False, "false")
    interfaces = inv.related(
        instance, "network_interface.network_interface_id", kinds=("aws_network_interface",)
    )
    for holder, links in ((instance, EIP_LINKS), *((i, ENI_EIP_LINKS) for i in interfaces)):
        for kind, path in links:
            for eip in inv.referring(holder, kind, path):
                findings.fail("Elastic IP", eip.address, "no public address")
            for eip in inv.maybe_referring(holder, kind, path):
                findings.unknown("Elastic IP", f"{eip.address} may be associated with it")
    public_ip = instance.get("public_ip")
    if isinstance(public_ip, str) and public_ip:
        findings.fail("public_ip", public_ip, "none")


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


@control(
    "vpc-isolated-from-nonprod",
    needs=("aws_vpc", "aws_vpc_peering_connection", *ROUTING, *TRANSIT_KINDS),
    severity="high",
    params={"vpc_role": "prod_vpc", "isolated_from_role": "nonprod_vpc"},
)
def test_production_vpc_is_not_connected_to_nonprod(subject: Subject) -> None:
    """The production VPC has no peering or route to the non-production VPC."""
    prod = [
        v
        for v in subject.role_members(subject.params["vpc_role"], ("aws_vpc",))
        if subject.in_scope(v)
    ]
    other = subject.role_members(subject.params["isolated_from_role"], ("aws_vpc",))
    if not prod or not other:
        raise Inconclusive(
            f"{subject.test_id}: VPC roles {subject.params['vpc_role']!r}/"
            f"{subject.params['isolated_from_role']!r} match no VPC"
        )
    findings = Findings(None, subject.test_id)
    for vpc in prod:
        if vpc in other:
            findings.unknown(vpc.address, "it matches both the production and the other role")
    prod = [v for v in prod if v not in other]
    for path in paths_between(subject.inventory, prod, other):
        if isinstance(path.reach, Unknown):
            findings.unknown(path.what, f"it may be a path: {path.how}; {path.reach.reason}")
        else:
            findings.fail(path.what, path.how, "no peering or route to non-production")
    findings.close()
