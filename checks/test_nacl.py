"""Network ACLs: private subnets sit behind a dedicated ACL that refuses admin ports from
anywhere.

A subnet has exactly one network ACL. The plan may say which for certain (``subnet_ids``, an
association), narrow it to one of several (an association whose ACL comes through a map), or
leave an ACL that *may* hold the subnet (a ``for_each`` over several subnets). Every ACL the
subnet may be on must be restrictive for a pass; one that may hold it and allows admin ports
leaves the verdict inconclusive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archproof.controls.api import Findings, Subject, control
from archproof.controls.tiers import TIER_PARAMS, intended_tier, no_intended
from archproof.inventory.model import Inventory, Resource, Unknown, is_unknown
from archproof.inventory.network import PUBLIC

ACL = "aws_network_acl"
ASSOCIATION = "aws_network_acl_association"


@dataclass
class SubnetAcls:
    """The ACLs a subnet is on for certain, is on one of, or may be on."""

    certain: list[Resource] = field(default_factory=list)
    one_of: list[list[Resource]] = field(default_factory=list)
    maybe: list[Resource] = field(default_factory=list)

    def dedicated(self) -> bool:
        """Certainly on an ACL of its own (not the VPC default)?"""
        return any(_custom(a) for a in self.certain) or any(
            group and all(_custom(a) for a in group) for group in self.one_of
        )


def _custom(acl: Resource) -> bool:
    return acl.kind == ACL and acl.get("default") is not True


def acls_of(inv: Inventory, subnet: Resource) -> SubnetAcls:
    found = SubnetAcls()
    found.certain = inv.referring(subnet, ACL, "subnet_ids")
    found.certain += inv.referring(subnet, "aws_default_network_acl", "subnet_ids")
    for association in inv.referring(subnet, ASSOCIATION, "subnet_id"):
        relation = inv.relation(association, "network_acl_id", (ACL,))
        group = list(relation.candidates)
        if group and not relation.targets and group not in found.one_of:
            found.one_of.append(group)
        found.certain += [a for a in relation.targets if a not in found.certain]
        found.maybe += list(relation.candidates) if relation.targets else []
    found.maybe += inv.maybe_referring(subnet, ACL, "subnet_ids")
    for association in inv.maybe_referring(subnet, ASSOCIATION, "subnet_id"):
        relation = inv.relation(association, "network_acl_id", (ACL,), widen=True)
        found.maybe += [*relation.targets, *relation.candidates]
    found.maybe = [a for a in dict.fromkeys(found.maybe) if a not in found.certain]
    return found


@control(
    "nacl-guards-private-subnets",
    kinds=("aws_subnet",),
    needs=(ACL, "aws_network_acl_rule", ASSOCIATION),
    severity="medium",
    params={**TIER_PARAMS, "admin_ports": [22, 3389]},
    select=lambda s, r: intended_tier(r, s.params, s.inventory) not in (None, PUBLIC),
    unselected=no_intended("private or isolated"),
)
def test_private_subnets_have_a_restrictive_acl(subject: Subject, resource: Resource) -> None:
    """Private subnets have their own network ACL, refusing admin ports from anywhere."""
    inv = subject.inventory
    ports = subject.params["admin_ports"]
    findings = Findings(resource)
    acls = acls_of(inv, resource)
    possible = [a for group in acls.one_of for a in group] + acls.maybe
    for acl in acls.certain:
        _judge_acl(inv, acl, ports, findings)
    if acls.dedicated():
        for group in acls.one_of:
            _judge_possible(inv, group, ports, findings, "is one of")
        if acls.maybe:
            _judge_possible(inv, acls.maybe, ports, findings, "may also be")
    elif possible:
        names = ", ".join(a.address for a in dict.fromkeys(possible))
        findings.unknown("network ACL", f"may be {names} or the VPC default; the plan cannot tell")
    else:
        findings.fail("network ACL", "the VPC default (allows all)", "a dedicated network ACL")
    findings.close()


def _judge_possible(
    inv: Inventory, acls: list[Resource], ports: list[int], findings: Findings, how: str
) -> None:
    """ACLs the subnet may be on: each must refuse admin ports, else the verdict is open."""
    names = ", ".join(a.address for a in acls)
    for acl in acls:
        trial = Findings(acl)
        _judge_acl(inv, acl, ports, trial)
        if trial.failures or trial.unknowns:
            findings.unknown(
                "network ACL", f"it {how} {names}; {acl.address} may allow admin ports"
            )
            return
    findings.note(f"its network ACL {how} {names}: each refuses admin ports from anywhere")


def _judge_acl(inv: Inventory, acl: Resource, ports: list[int], findings: Findings) -> None:
    inline = acl.get("ingress")
    if isinstance(inline, Unknown):
        findings.unknown(f"{acl.address} ingress", inline)
        return
    rules = sorted(
        [r for r in inline or [] if isinstance(r, dict)] + _rule_resources(inv, acl),
        key=lambda r: r["rule_no"] if isinstance(r.get("rule_no"), int) else 0,
    )
    for rule in rules:
        verdict = _allows_from_anywhere(rule, ports)
        if isinstance(verdict, Unknown):
            findings.unknown(f"{acl.address} ingress", verdict)
        elif verdict and rule.get("may_belong_elsewhere"):
            findings.unknown(
                f"{acl.address} ingress",
                f"{rule['may_belong_elsewhere']} allows admin ports from anywhere "
                "and may belong to this ACL",
            )
        elif verdict:
            findings.fail(
                f"{acl.address} rule {rule.get('rule_no')}",
                "allow admin ports from anywhere",
                "deny",
            )
            return


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


def _rule_resources(inv: Inventory, acl: Resource) -> list[dict[str, Any]]:
    """``aws_network_acl_rule`` resources of an ACL, in the inline rule shape; a rule that may
    belong to another ACL as well counts, since the plan cannot rule it out."""
    rules = []
    separate = [(r, False) for r in inv.referring(acl, "aws_network_acl_rule", "network_acl_id")]
    separate += [
        (r, True) for r in inv.maybe_referring(acl, "aws_network_acl_rule", "network_acl_id")
    ]
    for rule, maybe in separate:
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
                "may_belong_elsewhere": maybe and rule.address,
            }
        )
    return rules
