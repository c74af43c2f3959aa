"""Access: admin ports only via the bastion, databases only from the app tier."""

from __future__ import annotations

from typing import Any

from archproof.controls.api import Findings, Subject, control
from archproof.controls.facts import ANYWHERE, admits_only, cidr_within, group_in_roles
from archproof.inventory.access import SG_KINDS, ingress_rules, security_groups_of
from archproof.inventory.model import Resource, Unknown

RULE_KINDS = ("aws_security_group_rule", "aws_vpc_security_group_ingress_rule")
ADMIN = {"admin_ports": [22, 3389], "bastion_role": "bastion"}


def _not_bastion(subject: Subject, resource: Resource) -> bool:
    return not group_in_roles(subject, resource, [subject.params["bastion_role"]])


def _bastion(subject: Subject, resource: Resource) -> bool:
    return group_in_roles(subject, resource, [subject.params["bastion_role"]])


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
    select=_not_bastion,
    frameworks={"CIS-AWS": "5.2"},
)
def test_admin_ports_open_only_to_the_bastion(subject: Subject, resource: Resource) -> None:
    """SSH and RDP reach workloads only from the bastion's security group."""
    findings = Findings(resource)
    bastion = [subject.params["bastion_role"]]
    for rule in ingress_rules(subject.inventory, resource):
        covered = _covers_admin(rule, subject.params["admin_ports"])
        if isinstance(covered, Unknown):
            findings.unknown("ingress rule", covered)
            continue
        if not covered:
            continue
        for cidr in rule.cidrs:
            findings.fail(f"ingress {rule.ports} from", cidr, "the bastion security group only")
        for source in rule.sources:
            if not group_in_roles(subject, source, bastion):
                findings.fail(
                    f"ingress {rule.ports} from", source.address, "the bastion security group only"
                )
        if rule.unresolved is not None and not admits_only(subject, rule.candidates, bastion):
            findings.unknown(f"ingress {rule.ports} source", rule.unresolved)
    findings.close()


@control(
    "bastion-ingress-allow-list",
    kinds=SG_KINDS,
    needs=RULE_KINDS,
    severity="critical",
    params={**ADMIN, "bastion_allowed_cidrs": []},
    select=_bastion,
)
def test_bastion_admits_only_the_allow_list(subject: Subject, resource: Resource) -> None:
    """The bastion accepts only admin connections, and only from the documented allow-list."""
    findings = Findings(resource)
    allowed = list(subject.params["bastion_allowed_cidrs"])
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
        if rule.sources or rule.candidates:
            findings.fail(
                f"ingress {rule.ports} from",
                [s.address for s in (*rule.sources, *rule.candidates)],
                f"address allow-list {allowed}",
            )
        elif rule.unresolved is not None:
            findings.unknown(f"ingress {rule.ports} source", rule.unresolved)
    findings.close()


DATABASES = ("aws_db_instance", "aws_rds_cluster", "aws_elasticache_replication_group")


@control(
    "database-reachable-only-from-app",
    kinds=DATABASES,
    needs=(*SG_KINDS, *RULE_KINDS),
    severity="critical",
    params={"database_client_roles": ["app"], "database_allowed_cidrs": []},
    select=lambda s, r: r.kind != "aws_db_instance" or r.get("cluster_identifier") in (None, ""),
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
            for cidr in rule.cidrs:
                if not cidr_within(cidr, allowed):
                    findings.fail(
                        f"{group.address} ingress {rule.ports} from", cidr, f"only roles {roles}"
                    )
            for source in rule.sources:
                if not group_in_roles(subject, source, roles):
                    findings.fail(
                        f"{group.address} ingress {rule.ports} from",
                        source.address,
                        f"only roles {roles}",
                    )
            if rule.unresolved is not None and not admits_only(subject, rule.candidates, roles):
                findings.unknown(f"{group.address} ingress source", rule.unresolved)
    findings.close()
