"""Access: admin ports only via the bastion, databases only from the app tier."""

from __future__ import annotations

from typing import Any

from archproof.controls.api import Findings, Subject, control
from archproof.controls.facts import ANYWHERE, cidr_within
from archproof.controls.group_roles import Standing, admits_only, standing
from archproof.inventory.access import (
    SG_KINDS,
    Rule,
    in_replication_group,
    ingress_rules,
    security_groups_of,
)
from archproof.inventory.model import Resource, Unknown

RULE_KINDS = ("aws_security_group_rule", "aws_vpc_security_group_ingress_rule")
ADMIN = {"admin_ports": [22, 3389], "bastion_role": "bastion"}
ONLY_BASTION = "the bastion security group only"


def _bastion(subject: Subject) -> list[str]:
    return [subject.params["bastion_role"]]


def _not_the_bastions_own(subject: Subject, resource: Resource) -> bool:
    """groups guarding the bastion and nothing else are the bastion's own"""
    return not standing(subject, resource, _bastion(subject)).whole


def _guards_the_bastion(subject: Subject, resource: Resource) -> bool:
    """only groups guarding the bastion (or named for it) are judged"""
    return standing(subject, resource, _bastion(subject)).claimed


def _covers_admin(rule: Any, ports: list[int]) -> bool | Unknown:
    results = [rule.covers(p) for p in ports]
    if any(r is True for r in results):
        return True
    unknown = [r for r in results if isinstance(r, Unknown)]
    return unknown[0] if unknown else False


@control(
    "ssh-only-from-bastion",
    kinds=SG_KINDS,
    needs=RULE_KINDS,
    severity="critical",
    params=ADMIN,
    select=_not_the_bastions_own,
    frameworks={"CIS-AWS": "5.2"},
)
def test_admin_ports_open_only_to_the_bastion(subject: Subject, resource: Resource) -> None:
    """SSH and RDP reach workloads only from the bastion's security group."""
    findings = Findings(resource)
    bastion = _bastion(subject)
    own = standing(subject, resource, bastion)
    for rule in ingress_rules(subject.inventory, resource):
        covered = _covers_admin(rule, subject.params["admin_ports"])
        if isinstance(covered, Unknown):
            findings.unknown("ingress rule", covered)
            continue
        if not covered:
            continue
        _judge_admin_rule(subject, findings, rule, own)
        if rule.unresolved is not None and not admits_only(subject, rule.candidates, bastion):
            findings.unknown(f"ingress {rule.ports} source", rule.unresolved)
    findings.close()


def _judge_admin_rule(subject: Subject, findings: Findings, rule: Rule, own: Standing) -> None:
    """Admin ports opened on a group that is not the bastion's own: to the workloads it
    guards, from anything but the bastion's own group. A group the bastion shares exposes
    what else it guards; when the plan only says it *may* guard more, that is undecided."""
    what = f"ingress {rule.ports}"
    if own.claimed and own.outside:  # the bastion's group, shared: name what else it opens
        what += " reaching " + ", ".join(r.address for r in own.outside)
    exposes = not own.claimed or bool(own.outside)
    reaching = f"the bastion's group {own.shared}"
    for cidr in rule.cidrs:
        if exposes:
            findings.fail(f"{what} from", cidr, ONLY_BASTION)
        else:
            findings.unknown(f"{what} from {cidr}", reaching)
    for source in rule.sources:
        origin = standing(subject, source, _bastion(subject))
        if origin.whole:
            continue
        if not exposes:
            findings.unknown(f"{what} from {source.address}", reaching)
        elif not origin.claimed:
            findings.fail(f"{what} from", source.address, ONLY_BASTION)
        elif origin.outside:
            also = [r.address for r in origin.outside]
            findings.fail(f"{what} from {source.address}, which also guards", also, ONLY_BASTION)
        else:
            findings.unknown(f"{what} from {source.address}", f"it {origin.shared}")


@control(
    "bastion-ingress-allow-list",
    kinds=SG_KINDS,
    needs=RULE_KINDS,
    severity="critical",
    params={**ADMIN, "bastion_allowed_cidrs": []},
    select=_guards_the_bastion,
)
def test_bastion_admits_only_the_allow_list(subject: Subject, resource: Resource) -> None:
    """The bastion accepts only admin connections, and only from the documented allow-list."""
    findings = Findings(resource)
    allowed = list(subject.params["bastion_allowed_cidrs"])
    own = standing(subject, resource, _bastion(subject))
    for rule in ingress_rules(subject.inventory, resource):
        covered = _covers_admin(rule, subject.params["admin_ports"])
        if isinstance(covered, Unknown):
            findings.unknown("ingress rule", covered)
            continue
        if not covered or str(rule.protocol) in ("-1", "all"):
            findings.fail(
                "ingress", rule.ports, f"admin ports {subject.params['admin_ports']} only"
            )
            continue
        for cidr in rule.cidrs:
            if cidr in ANYWHERE or not cidr_within(cidr, allowed):
                findings.fail(f"ingress {rule.ports} from", cidr, f"within {allowed}")
            elif own.outside:
                # the allow-list reaches more than the bastion through a group it shares
                also = [r.address for r in own.outside]
                findings.fail(f"ingress {rule.ports} from {cidr} also reaches", also, "the bastion")
            elif own.maybe_outside:
                findings.unknown(f"ingress {rule.ports} from {cidr}", f"the group {own.shared}")
        if rule.sources or rule.candidates:
            findings.fail(
                f"ingress {rule.ports} from",
                [s.address for s in (*rule.sources, *rule.candidates)],
                f"address allow-list {allowed}",
            )
        elif rule.unresolved is not None:
            findings.unknown(f"ingress {rule.ports} source", rule.unresolved)
    findings.close()


# Data stores behind security groups (Terraform kinds); cluster members, and cache nodes of
# a replication group, are judged through their cluster or group.
DATABASES = (
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_docdb_cluster",
    "aws_neptune_cluster",
    "aws_redshift_cluster",
    "aws_redshiftserverless_workgroup",
    "aws_elasticache_replication_group",
    "aws_elasticache_cluster",
    "aws_elasticache_serverless_cache",
    "aws_memorydb_cluster",
    "aws_dax_cluster",
)


def _judged_on_its_own(subject: Subject, resource: Resource) -> bool:
    """members of a DB cluster or a replication group are judged through it"""
    if resource.kind == "aws_db_instance":
        return resource.get("cluster_identifier") in (None, "")
    if resource.kind == "aws_elasticache_cluster":
        return not in_replication_group(resource)
    return True


@control(
    "database-reachable-only-from-app",
    kinds=DATABASES,
    needs=(*SG_KINDS, *RULE_KINDS),
    severity="critical",
    params={"database_client_roles": ["app"], "database_allowed_cidrs": []},
    select=_judged_on_its_own,
)
def test_database_admits_only_its_clients(subject: Subject, resource: Resource) -> None:
    """Databases and caches accept connections only from the documented client tiers."""
    inv = subject.inventory
    findings = Findings(resource)
    roles = list(subject.params["database_client_roles"])
    allowed = list(subject.params["database_allowed_cidrs"])
    groups, gap = security_groups_of(inv, resource)
    if gap is not None:
        findings.unknown("security groups", gap)
    if not groups and gap is None:
        findings.fail("security groups", [], "a group admitting only " + ", ".join(roles))
    for group in groups:
        for rule in ingress_rules(inv, group):
            what = f"{group.address} ingress {rule.ports} from"
            for cidr in rule.cidrs:
                if not cidr_within(cidr, allowed):
                    findings.fail(what, cidr, f"only roles {roles}")
            for source in rule.sources:
                _judge_client(subject, findings, what, source, roles, resource)
            if rule.unresolved is not None and not admits_only(
                subject, rule.candidates, roles, (resource,)
            ):
                findings.unknown(f"{group.address} ingress source", rule.unresolved)
    findings.close()


def _judge_client(
    subject: Subject,
    findings: Findings,
    what: str,
    source: Resource,
    roles: list[str],
    database: Resource,
) -> None:
    """A source group is a client role's only when all it guards is in the client roles
    (the database itself aside): a group the app shares with the bastion lets the bastion in."""
    origin = standing(subject, source, roles, (database,))
    if origin.whole:
        return
    if not origin.claimed:
        findings.fail(what, source.address, f"only roles {roles}")
    elif origin.outside:
        also = [r.address for r in origin.outside]
        findings.fail(f"{what} {source.address}, which also guards", also, f"only roles {roles}")
    else:
        findings.unknown(f"{what} {source.address}", f"it {origin.shared}")
