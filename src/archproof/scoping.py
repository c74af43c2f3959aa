"""Which resources of a source are the documented system (the spec's ``scope``).

The system's resources are those the scope names (seeds), what depends on them (associations,
rules, attachments and whatever sits in a scoped VPC), and what they use (their subnets,
groups, route tables, keys) — each followed through the references the source records (a
plan's references, a live source's ids). What is merely used lends its direct, untagged
dependents (a used role's policy attachments, a used group's rules) but not its other users:
another team's workloads in a shared VPC stay out. A resource that says it belongs elsewhere —
another value of a scope tag, another VPC, resource group or namespace, another account or
region — never joins. A resource with references the source could not follow may point at the
system and joins too (judged rather than missed); facts of the account itself (EBS default
encryption, IAM users, the account's S3 block, trails) are always members. Everything is read;
only members are judged.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from archproof.inventory.model import Inventory, Resource
from archproof.spec.scope import Scope

VPC_KINDS = frozenset({"aws_vpc", "azurerm_virtual_network"})
CONTAINERS = VPC_KINDS | {"aws_subnet", "azurerm_subnet", "azurerm_resource_group"}
"""Kinds whose other users are not the system's merely because the system uses them too."""
ACCOUNT_WIDE = frozenset(
    {
        "aws_ebs_encryption_by_default",
        "aws_iam_account_summary",
        "aws_iam_account_password_policy",
        "aws_iam_user",
        "aws_iam_user_login_profile",
        "aws_s3_account_public_access_block",
        "aws_cloudtrail",
        "aws_securityhub_account",
        "aws_guardduty_detector",
        "azurerm_security_center_subscription_pricing",
    }
)
"""Facts of the account or subscription itself: every system's, whatever the scope says."""
_RESOURCE_GROUP = re.compile(r"/resourcegroups/([^/]+)", re.IGNORECASE)


@dataclass
class ScopeCut:
    """The members of one source under a scope."""

    scope: Scope
    members: set[int] = field(default_factory=set)
    total: int = 0

    def holds(self, resource: Resource) -> bool:
        return id(resource) in self.members

    @property
    def judged(self) -> int:
        return len(self.members)

    @property
    def out_of_scope(self) -> int:
        return self.total - len(self.members)

    def as_json(self) -> dict[str, Any]:
        return {
            "scope": self.scope.model_dump(exclude_defaults=True),
            "in_scope": self.judged,
            "out_of_scope": self.out_of_scope,
        }


def cut(inv: Inventory, scope: Scope) -> ScopeCut | None:
    """The scope's members in ``inv``; None when the scope is empty (everything is judged)."""
    if scope.empty:
        return None
    resources = list(inv)
    suffixes = _arn_suffixes(resources)
    outgoing = {id(r): _outgoing(inv, r, suffixes) for r in resources}
    incoming: dict[int, list[Resource]] = {}
    for resource in resources:
        for target in outgoing[id(resource)]:
            incoming.setdefault(id(target), []).append(resource)
    judge = _Judge(scope, outgoing)
    role: dict[int, str] = {}
    queue: list[Resource] = []

    def join(resource: Resource, how: str) -> None:
        if id(resource) not in role and not judge.elsewhere(resource):
            role[id(resource)] = how
            queue.append(resource)

    for resource in resources:
        if judge.seed(resource) or resource.kind in ACCOUNT_WIDE:
            join(resource, "core" if resource.kind not in ACCOUNT_WIDE else "dependent")
    for resource in resources:
        if resource.loose:  # it refers to something the source could not follow: maybe ours
            join(resource, "dependent")
    while queue:
        resource = queue.pop()
        how = role[id(resource)]
        for target in outgoing[id(resource)]:
            join(target, "used")
        if how == "core":
            for dependent in incoming.get(id(resource), ()):
                join(dependent, "core")
        elif how == "used" and resource.kind not in CONTAINERS and not _looked_up(resource):
            for dependent in incoming.get(id(resource), ()):
                if not dependent.tags:
                    join(dependent, "dependent")
    return ScopeCut(scope, set(role), len(resources))


class _Judge:
    def __init__(self, scope: Scope, outgoing: Mapping[int, list[Resource]]) -> None:
        self.scope = scope
        self.outgoing = outgoing

    def seed(self, resource: Resource) -> bool:
        if not self.scope.has_membership:
            return True
        s = self.scope
        return (
            (bool(s.tags) and self._tags_match(resource))
            or (bool(s.vpcs) and resource.kind in VPC_KINDS and self._vpc_named(resource))
            or (bool(s.resource_groups) and _any(_resource_group(resource), s.resource_groups))
            or (bool(s.namespaces) and _any(_namespace(resource), s.namespaces))
            or (bool(s.modules) and _in_module(resource.address, s.modules))
        )

    def elsewhere(self, resource: Resource) -> bool:
        """Whether the resource says it is not the system's."""
        s = self.scope
        if s.accounts and resource.account and not _any(resource.account, s.accounts):
            return True
        if s.regions and resource.region and not _any(resource.region, s.regions):
            return True
        for key, patterns in s.tags.items():
            value = resource.tags.get(key) if isinstance(resource.tags, Mapping) else None
            if isinstance(value, str) and not _any(value, _listed(patterns)):
                return True
        if s.vpcs:
            if resource.kind in VPC_KINDS:
                return not self._vpc_named(resource)
            vpcs = [t for t in self.outgoing.get(id(resource), ()) if t.kind in VPC_KINDS]
            if vpcs and not any(self._vpc_named(v) for v in vpcs):
                return True
        group = _resource_group(resource)
        if s.resource_groups and group and not _any(group, s.resource_groups):
            return True
        namespace = _namespace(resource)
        return bool(s.namespaces and namespace and not _any(namespace, s.namespaces))

    def _tags_match(self, resource: Resource) -> bool:
        tags = resource.tags if isinstance(resource.tags, Mapping) else {}
        for key, patterns in self.scope.tags.items():
            value = tags.get(key)
            if not isinstance(value, str) or not _any(value, _listed(patterns)):
                return False
        return True

    def _vpc_named(self, vpc: Resource) -> bool:
        names = [vpc.address, vpc.name, *(i for i in vpc.ids if isinstance(i, str))]
        return any(_any(n, self.scope.vpcs) for n in names if n)


def _looked_up(resource: Resource) -> bool:
    """A data source: something read, which any number of systems may look up alike."""
    return resource.address.startswith("data.") or ".data." in resource.address


def _listed(patterns: str | list[str]) -> list[str]:
    return [patterns] if isinstance(patterns, str) else list(patterns)


def _any(value: str, patterns: list[str]) -> bool:
    return bool(value) and any(fnmatch.fnmatchcase(value, p) for p in patterns)


def _resource_group(resource: Resource) -> str:
    if not resource.kind.startswith("azurerm_"):
        return ""
    if resource.kind == "azurerm_resource_group":
        name = resource.get("name")
        return name if isinstance(name, str) else ""
    value = resource.get("resource_group_name")
    if isinstance(value, str) and value:
        return value
    for ident in (resource.address, *resource.ids):
        found = _RESOURCE_GROUP.search(ident) if isinstance(ident, str) else None
        if found:
            return found.group(1)
    return ""


def _namespace(resource: Resource) -> str:
    if not resource.kind.startswith("k8s_"):
        return ""
    if resource.kind == "k8s_namespace":
        return resource.address.rsplit("/", 1)[-1]
    metadata = resource.get("metadata")
    value = metadata.get("namespace") if isinstance(metadata, Mapping) else None
    return value if isinstance(value, str) else ""


def _in_module(address: str, patterns: list[str]) -> bool:
    return any(
        fnmatch.fnmatchcase(address, f"{p}.*") or fnmatch.fnmatchcase(address, f"{p}[[]*")
        for p in patterns
    )


def _arn_suffixes(resources: list[Resource]) -> dict[str, list[Resource]]:
    """Load balancers and target groups by the ARN suffix CloudWatch dimensions name them by
    (``app/web/50dc6c495c0c9188``, ``targetgroup/web/…``)."""
    found: dict[str, list[Resource]] = {}
    for resource in resources:
        for ident in resource.ids:
            if not isinstance(ident, str) or not ident.startswith("arn:"):
                continue
            tail = ident.split(":", 5)[-1]
            for prefix in ("loadbalancer/", ""):
                if tail.startswith(prefix) and "/" in tail:
                    found.setdefault(tail.removeprefix(prefix), []).append(resource)
    return found


def _outgoing(
    inv: Inventory, resource: Resource, suffixes: Mapping[str, list[Resource]]
) -> list[Resource]:
    """What the resource refers to: a plan's references, and ids of other resources it names
    (an alarm's dimensions name load balancers by their ARN's suffix)."""
    found: dict[int, Resource] = {}
    if resource.kind == "aws_cloudwatch_metric_alarm":
        for value in _strings(resource.get("dimensions")):
            for named in suffixes.get(value, ()):
                found.setdefault(id(named), named)
    for addresses in resource.refs.values():
        for address in addresses:
            target = inv.by_address(address)
            if target is not None and target is not resource:
                found.setdefault(id(target), target)
    referenced = {path.split(".", 1)[0].split("[", 1)[0] for path in resource.refs}
    own = set(resource.ids)
    for name, attribute in resource.attributes.items():
        if name in referenced:
            continue  # the configuration says what it points at; equal ids may be others'
        for value in _strings(attribute):
            if value in own:
                continue  # its own id: twins (one AMI looked up twice) are not its references
            for target in inv.by_id(value):
                if target is not resource:
                    found.setdefault(id(target), target)
    return list(found.values())


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if value:
            yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
