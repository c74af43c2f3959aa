"""Derived access facts: which security groups guard a resource, and who their rules admit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archproof.inventory.model import Inventory, Resource, Unknown, is_unknown, own_reason

SG_KINDS = ("aws_security_group", "aws_default_security_group")
SG_PATHS = {
    "aws_instance": ("vpc_security_group_ids", "security_groups"),
    "aws_db_instance": ("vpc_security_group_ids",),
    "aws_rds_cluster": ("vpc_security_group_ids",),
    "aws_elasticache_replication_group": ("security_group_ids",),
    "aws_elasticache_cluster": ("security_group_ids",),
    "aws_lb": ("security_groups",),
    "aws_elb": ("security_groups",),
    "aws_launch_template": ("vpc_security_group_ids", "network_interfaces.security_groups"),
    "aws_launch_configuration": ("security_groups",),
    "aws_eks_cluster": ("vpc_config.security_group_ids",),
}
ALL_PROTOCOLS = ("-1", "all", -1)


@dataclass(frozen=True, slots=True)
class Rule:
    """One ingress permission, whatever resource shape it was written in."""

    group: Resource
    origin: Resource
    protocol: Any
    from_port: Any
    to_port: Any
    cidrs: tuple[str, ...] = ()
    sources: tuple[Resource, ...] = ()
    unresolved: Unknown | None = None
    candidates: tuple[Resource, ...] = ()
    """When the plan cannot say which of several groups a rule admits: all it may be."""

    def covers(self, port: int) -> bool | Unknown:
        if is_unknown(self.protocol) or is_unknown(self.from_port) or is_unknown(self.to_port):
            return Unknown("the rule's protocol or ports are known only after apply")
        if str(self.protocol).lower() in ("-1", "all"):
            return True
        if str(self.protocol).lower() not in ("tcp", "6"):
            return False
        try:
            low, high = int(self.from_port), int(self.to_port)
        except (TypeError, ValueError):
            return Unknown(f"unreadable port range {self.from_port}-{self.to_port}")
        if low == -1 and high == -1:
            return True
        return low <= port <= high

    @property
    def ports(self) -> str:
        if str(self.protocol).lower() in ("-1", "all"):
            return "all traffic"
        if self.from_port == self.to_port:
            return f"{self.protocol}/{self.from_port}"
        return f"{self.protocol}/{self.from_port}-{self.to_port}"


def security_groups_of(inv: Inventory, resource: Resource) -> tuple[list[Resource], Unknown | None]:
    if resource.kind in SG_KINDS:
        return [resource], None
    if resource.kind == "aws_rds_cluster_instance":
        clusters = inv.related(resource, "cluster_identifier", kinds=("aws_rds_cluster",))
        return (
            security_groups_of(inv, clusters[0]) if clusters else ([], Unknown("cluster not found"))
        )
    if resource.kind == "aws_autoscaling_group":
        lt = ("aws_launch_template",)
        templates = inv.related(resource, "launch_template.0.id", kinds=lt, widen=True)
        templates += inv.related(resource, "launch_template.0.name", kinds=lt, widen=True)
        templates += inv.related(
            resource, "launch_configuration", kinds=("aws_launch_configuration",)
        )
        if not templates:
            return [], Unknown("the launch template or configuration is not in the inventory")
        return security_groups_of(inv, templates[0])
    groups: list[Resource] = []
    gap: Unknown | None = None
    for path in SG_PATHS.get(resource.kind, ()):
        targets = inv.related(resource, path, kinds=SG_KINDS)
        groups.extend(t for t in targets if t not in groups)
        value = resource.get(path)
        if is_unknown(value) and not targets:
            reason = own_reason(value)
            gap = (
                reason
                if reason is not None
                else Unknown(
                    f"{path} is known only after apply and names no planned security group"
                )
            )
    return groups, gap


def _inline_rules(inv: Inventory, group: Resource, block: str) -> list[Rule]:
    items = group.get(block)
    if isinstance(items, Unknown):
        return [Rule(group, group, items, items, items, unresolved=items)]
    rules = []
    for position, item in enumerate(items or []):
        if not isinstance(item, dict):
            continue
        path = f"{block}.{position}.security_groups"
        sources = inv.related(group, path, kinds=SG_KINDS)
        declared = item.get("security_groups")
        unresolved = None
        candidates: list[Resource] = []
        if is_unknown(declared) and not sources:
            widened = inv.related(group, path, kinds=SG_KINDS, widen=True)
            unknown_items = [
                i for i in items if isinstance(i, dict) and is_unknown(i.get("security_groups"))
            ]
            if widened and len(unknown_items) == 1:
                sources = widened
            elif widened:
                candidates = widened
                unresolved = Unknown(
                    "the source is one of " + ", ".join(w.address for w in widened)
                )
            else:
                unresolved = Unknown("a source security group is known only after apply")
        elif isinstance(declared, list) and len(sources) < len(declared):
            unresolved = Unknown("a source security group is not in the inventory")
        sources_all = list(sources)
        if item.get("self") is True:
            sources_all.append(group)
        cidrs = [
            *_strings(item.get("cidr_blocks")),
            *_strings(item.get("ipv6_cidr_blocks")),
            *_strings(item.get("prefix_list_ids")),  # managed prefix lists: address sets too
        ]
        unresolved = unresolved or _unknown_of(
            item.get("cidr_blocks"), item.get("ipv6_cidr_blocks"), item.get("prefix_list_ids")
        )
        rules.append(
            Rule(
                group,
                group,
                item.get("protocol"),
                item.get("from_port"),
                item.get("to_port"),
                tuple(cidrs),
                tuple(sources_all),
                unresolved,
                tuple(candidates),
            )
        )
    return rules


def _strings(value: Any) -> list[str]:
    """The strings of an address list (an unknown list yields none: see ``_unknown_of``)."""
    if isinstance(value, Unknown):
        return []
    return [v for v in value or [] if isinstance(v, str)]


def _unknown_of(*values: Any) -> Unknown | None:
    """The first unknown among a rule's address lists: its sources cannot be judged yet."""
    for value in values:
        if isinstance(value, Unknown):
            return value
        if isinstance(value, list) and any(isinstance(v, Unknown) for v in value):
            return Unknown("an address in the rule is known only after apply")
    return None


def _rule_resources(inv: Inventory, group: Resource) -> list[Rule]:
    rules = []
    for rule in inv.referring(group, "aws_security_group_rule", "security_group_id"):
        if rule.get("type") != "ingress":
            continue
        sources = inv.related(rule, "source_security_group_id", kinds=SG_KINDS)
        unresolved = None
        if rule.get("source_security_group_id") not in (None, "") and not sources:
            unresolved = Unknown("the source security group cannot be resolved")
        if rule.get("self") is True:
            sources.append(group)
        cidrs = [
            *_strings(rule.get("cidr_blocks")),
            *_strings(rule.get("ipv6_cidr_blocks")),
            *_strings(rule.get("prefix_list_ids")),
        ]
        unresolved = unresolved or _unknown_of(
            rule.get("cidr_blocks"), rule.get("ipv6_cidr_blocks"), rule.get("prefix_list_ids")
        )
        rules.append(
            Rule(
                group,
                rule,
                rule.get("protocol"),
                rule.get("from_port"),
                rule.get("to_port"),
                tuple(cidrs),
                tuple(sources),
                unresolved,
            )
        )
    for rule in inv.referring(group, "aws_vpc_security_group_ingress_rule", "security_group_id"):
        sources = inv.related(rule, "referenced_security_group_id", kinds=SG_KINDS)
        unresolved = None
        if rule.get("referenced_security_group_id") not in (None, "") and not sources:
            unresolved = Unknown("the referenced security group cannot be resolved")
        cidrs = [
            c
            for c in (rule.get("cidr_ipv4"), rule.get("cidr_ipv6"), rule.get("prefix_list_id"))
            if isinstance(c, str) and c
        ]
        unresolved = unresolved or _unknown_of(
            rule.get("cidr_ipv4"), rule.get("cidr_ipv6"), rule.get("prefix_list_id")
        )
        protocol = rule.get("ip_protocol")
        rules.append(
            Rule(
                group,
                rule,
                protocol,
                rule.get("from_port", -1),
                rule.get("to_port", -1),
                tuple(cidrs),
                tuple(sources),
                unresolved,
            )
        )
    return rules


def ingress_rules(inv: Inventory, group: Resource) -> list[Rule]:
    cached = inv.fact("ingress", group)
    if cached is None:
        cached = tuple(_inline_rules(inv, group, "ingress") + _rule_resources(inv, group))
        inv.set_fact("ingress", group, cached)
    return list(cached)


def attached_to(inv: Inventory, group: Resource) -> list[Resource]:
    """Resources guarded by this security group."""
    index: dict[int, list[Resource]] | None = inv.memo.get("sg-attachments")
    if index is None:
        index = {}
        for kind in (*SG_PATHS, "aws_autoscaling_group", "aws_rds_cluster_instance"):
            for resource in inv.of_kind(kind):
                for guarded_by in security_groups_of(inv, resource)[0]:
                    index.setdefault(id(guarded_by), []).append(resource)
        inv.memo["sg-attachments"] = index
    return list(index.get(id(group), ()))
