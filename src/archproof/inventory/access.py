"""Derived access facts: which security groups guard a resource, and who their rules admit."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from archproof.inventory.links import linked
from archproof.inventory.model import (
    Inventory,
    Resource,
    Unknown,
    first_unknown,
    is_unknown,
    is_unset,
)

SG_KINDS = ("aws_security_group", "aws_default_security_group")
SG_PATHS = {
    "aws_instance": ("vpc_security_group_ids", "security_groups"),
    "aws_db_instance": ("vpc_security_group_ids",),
    "aws_rds_cluster": ("vpc_security_group_ids",),
    "aws_elasticache_replication_group": ("security_group_ids",),
    "aws_elasticache_cluster": ("security_group_ids",),
    "aws_elasticache_serverless_cache": ("security_group_ids",),
    "aws_memorydb_cluster": ("security_group_ids",),
    "aws_dax_cluster": ("security_group_ids",),
    "aws_redshift_cluster": ("vpc_security_group_ids",),
    "aws_redshiftserverless_workgroup": ("security_group_ids",),
    "aws_docdb_cluster": ("vpc_security_group_ids",),
    "aws_neptune_cluster": ("vpc_security_group_ids",),
    "aws_lb": ("security_groups",),
    "aws_elb": ("security_groups",),
    "aws_launch_template": ("vpc_security_group_ids", "network_interfaces.security_groups"),
    "aws_launch_configuration": ("security_groups",),
    "aws_eks_cluster": ("vpc_config.security_group_ids",),
}
CLUSTER_OF = {
    # a cluster member has no groups of its own: its cluster's guard it
    "aws_rds_cluster_instance": "aws_rds_cluster",
    "aws_docdb_cluster_instance": "aws_docdb_cluster",
    "aws_neptune_cluster_instance": "aws_neptune_cluster",
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
    if resource.kind in CLUSTER_OF:
        kind = CLUSTER_OF[resource.kind]
        clusters, cluster_gap = linked(inv, resource, "cluster_identifier", (kind,), "cluster")
        return security_groups_of(inv, clusters[0]) if clusters else ([], cluster_gap)
    if resource.kind == "aws_elasticache_cluster" and in_replication_group(resource):
        kinds = ("aws_elasticache_replication_group",)
        owners, owner_gap = linked(inv, resource, "replication_group_id", kinds, "group")
        return security_groups_of(inv, owners[0]) if owners else ([], owner_gap)
    if resource.kind == "aws_autoscaling_group":
        templates, template_gap = launch_templates_of(inv, resource)
        if not templates:
            return [], first_unknown(template_gap, Unknown("no launch template or configuration"))
        guarding, more = security_groups_of(inv, templates[0])
        return guarding, first_unknown(template_gap, more)
    groups: list[Resource] = []
    gap: Unknown | None = None
    for path in SG_PATHS.get(resource.kind, ()):
        targets, missing = linked(inv, resource, path, SG_KINDS, "security group")
        groups.extend(t for t in targets if t not in groups)
        gap = first_unknown(gap, missing)
    return groups, gap


def in_replication_group(cache: Resource) -> bool:
    """Is this cache cluster a member of a replication group (whose groups guard it)?"""
    owner = cache.get("replication_group_id")
    return not (owner in (None, "") or is_unset(owner))


_TEMPLATE_PATHS = (
    ("launch_template.0.id", ("aws_launch_template",)),
    ("launch_template.0.name", ("aws_launch_template",)),
    (
        "mixed_instances_policy.0.launch_template.0.launch_template_specification.0"
        ".launch_template_id",
        ("aws_launch_template",),
    ),
    ("launch_configuration", ("aws_launch_configuration",)),
)


def launch_templates_of(inv: Inventory, group: Resource) -> tuple[list[Resource], Unknown | None]:
    """The launch template (or configuration) an Auto Scaling group starts instances from."""
    found: list[Resource] = []
    gap: Unknown | None = None
    for path, kinds in _TEMPLATE_PATHS:
        if group.get(path.split(".", 1)[0]) in (None, [], ""):
            continue
        targets, missing = linked(inv, group, path, kinds, "launch template", widen=True)
        found.extend(t for t in targets if t not in found)
        gap = first_unknown(gap, missing)
    if found:
        return found, None
    return [], gap


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
            relation = inv.relation(group, path, SG_KINDS, widen=True)
            widened = list(dict.fromkeys((*relation.targets, *relation.candidates)))
            unknown_items = [
                i for i in items if isinstance(i, dict) and is_unknown(i.get("security_groups"))
            ]
            if widened and len(unknown_items) == 1 and relation.unresolved is None:
                sources = widened
            elif widened:
                candidates = widened
                unresolved = Unknown(
                    "the source is one of " + ", ".join(w.address for w in widened)
                )
            else:
                unresolved = first_unknown(
                    relation.unresolved,
                    Unknown("a source security group is known only after apply"),
                )
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
        unresolved = first_unknown(
            unresolved,
            _unknown_of(
                item.get("cidr_blocks"), item.get("ipv6_cidr_blocks"), item.get("prefix_list_ids")
            ),
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
    if isinstance(value, Unknown) or not isinstance(value, list | tuple | type(None)):
        return []
    return [v for v in value or [] if isinstance(v, str)]


def _unknown_of(*values: Any) -> Unknown | None:
    """The first unknown among a rule's address lists: its sources cannot be judged yet.
    An address attribute the configuration leaves out is empty, not unknown."""
    for value in values:
        if is_unset(value):
            continue
        if isinstance(value, Unknown):
            return value
        if isinstance(value, list) and any(isinstance(v, Unknown) for v in value):
            return Unknown("an address in the rule is known only after apply")
    return None


_RULE_SHAPES = {
    # kind: (source group path, address attributes, protocol, whether the row is ingress)
    "aws_security_group_rule": (
        "source_security_group_id",
        ("cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids"),
        "protocol",
    ),
    "aws_vpc_security_group_ingress_rule": (
        "referenced_security_group_id",
        ("cidr_ipv4", "cidr_ipv6", "prefix_list_id"),
        "ip_protocol",
    ),
}


def _rule_resources(inv: Inventory, group: Resource) -> list[Rule]:
    rules: list[Rule] = []
    for kind in _RULE_SHAPES:
        for rule in inv.referring(group, kind, "security_group_id", SG_KINDS):
            if _is_ingress(rule):
                rules.append(_rule_of(inv, group, rule))
        for rule in inv.maybe_referring(group, kind, "security_group_id", SG_KINDS):
            if _is_ingress(rule):
                relation = inv.relation(rule, "security_group_id", SG_KINDS)
                attached = relation.unresolved
                if attached is None:
                    attached = Unknown("its security group is undecided")
                rules.append(_maybe_rule(inv, group, rule, attached))
    return rules


def _is_ingress(rule: Resource) -> bool:
    return rule.kind != "aws_security_group_rule" or rule.get("type") == "ingress"


def _maybe_rule(inv: Inventory, group: Resource, rule: Resource, attached: Unknown) -> Rule:
    """A rule that may belong to this group: its ports count, but whom it admits is no fact
    about this group — undecided, never a pass and never a failure of it."""
    why = Unknown(f"{rule.address} may belong to this group: {attached.reason}")
    return dataclasses.replace(_rule_of(inv, group, rule), cidrs=(), sources=(), unresolved=why)


def _rule_of(inv: Inventory, group: Resource, rule: Resource) -> Rule:
    source_path, address_paths, protocol = _RULE_SHAPES[rule.kind]
    sources: list[Resource] = []
    gap: Unknown | None = None
    named = rule.get(source_path)
    if not (named in (None, "") or is_unset(named)):
        sources, gap = linked(inv, rule, source_path, SG_KINDS, "security group")
    if rule.get("self") is True:
        sources.append(group)
    values = [rule.get(path) for path in address_paths]
    cidrs = [c for value in values for c in _strings(value if isinstance(value, list) else [value])]
    unresolved = first_unknown(gap, _unknown_of(*values))
    return Rule(
        group,
        rule,
        rule.get(protocol),
        rule.get("from_port", -1),
        rule.get("to_port", -1),
        tuple(cidrs),
        tuple(sources),
        unresolved,
    )


def ingress_rules(inv: Inventory, group: Resource) -> list[Rule]:
    cached = inv.fact("ingress", group)
    if cached is None:
        cached = tuple(_inline_rules(inv, group, "ingress") + _rule_resources(inv, group))
        inv.set_fact("ingress", group, cached)
    return list(cached)
