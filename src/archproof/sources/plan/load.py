"""Terraform plan JSON → Inventory (source ``plan``)."""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from archproof.inventory.model import Inventory, Resource, Unknown
from archproof.sources.plan.address import Address, parse_address
from archproof.sources.plan.config import ConfigIndex, correlated, walk_expressions
from archproof.sources.plan.read import read_plan_document

KIND_ALIASES = {
    "aws_alb": "aws_lb",
    "aws_alb_listener": "aws_lb_listener",
    "aws_alb_listener_rule": "aws_lb_listener_rule",
    "aws_alb_listener_certificate": "aws_lb_listener_certificate",
    "aws_alb_target_group": "aws_lb_target_group",
    "aws_alb_target_group_attachment": "aws_lb_target_group_attachment",
}
ID_ATTRIBUTES = (
    "id",
    "arn",
    "name",
    "bucket",
    "identifier",
    "cluster_identifier",
    "replication_group_id",
    "alarm_name",
    "key_id",
    "function_name",
)
_AFTER_APPLY = Unknown("known after apply")
_NO_VALUES = Unknown("the plan records no values for this resource")


def merge_unknown(value: Any, unknown: Any) -> Any:
    """Planned values with every ``after_unknown`` leaf replaced by ``Unknown``."""
    if unknown is True:
        return _AFTER_APPLY
    if isinstance(unknown, dict):
        base = dict(value) if isinstance(value, dict) else {}
        for key, sub in unknown.items():
            if sub is True or sub:
                base[key] = merge_unknown(base.get(key), sub)
        return base
    if isinstance(unknown, list) and isinstance(value, list):
        merged = list(value)
        for position, sub in enumerate(unknown):
            if position < len(merged):
                merged[position] = merge_unknown(merged[position], sub)
            elif sub is True:
                merged.append(_AFTER_APPLY)
        return merged
    if isinstance(unknown, list) and value is None and any(u is True for u in unknown):
        return _AFTER_APPLY
    return value


def _walk_modules(module: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(module, dict):
        return
    for resource in module.get("resources") or []:
        if isinstance(resource, dict):
            yield resource
    for child in module.get("child_modules") or []:
        yield from _walk_modules(child)


def _kept(change: dict[str, Any]) -> bool:
    actions = (change.get("change") or {}).get("actions") or []
    if change.get("deposed"):
        return False
    return not ("delete" in actions and "create" not in actions)


def _prior_values(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    prior = (document.get("prior_state") or {}).get("values") or {}
    return {
        r["address"]: r["values"]
        for r in _walk_modules(prior.get("root_module"))
        if isinstance(r.get("address"), str) and isinstance(r.get("values"), dict)
    }


def load_plan(path: str | Path, source: str = "plan") -> Inventory:
    """Load a plan; the cyclic GC is paused meanwhile (it rescans the growing heap: quadratic)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_plan(path, source)
    finally:
        if enabled:
            gc.enable()


def _load_plan(path: str | Path, source: str) -> Inventory:
    document = read_plan_document(path)
    changes: dict[str, dict[str, Any]] = {}
    deleted: set[str] = set()
    for change in document.get("resource_changes") or []:
        if not isinstance(change, dict) or not isinstance(change.get("address"), str):
            continue
        if _kept(change):
            changes[change["address"]] = change
        elif not change.get("deposed"):
            deleted.add(change["address"])
    planned: dict[str, dict[str, Any]] = {}
    for item in _walk_modules((document.get("planned_values") or {}).get("root_module")):
        if isinstance(item.get("address"), str) and item["address"] not in deleted:
            planned[item["address"]] = item
    prior = _prior_values(document)
    addresses: dict[str, Address] = {}
    read_while_planning = [a for a in prior if parse_address(a) and parse_address(a).mode == "data"]  # type: ignore[union-attr]
    for address in [*planned, *changes, *read_while_planning]:
        parsed = parse_address(address)
        if parsed is not None:
            addresses[address] = parsed
    config = ConfigIndex(document.get("configuration"), addresses.values())
    inventory = Inventory(
        source,
        origin=str(path),
        scope={
            "terraform_version": document.get("terraform_version", ""),
            "format_version": document.get("format_version", ""),
            "deleted": sorted(deleted),
        },
        never=("k8s_",),
    )
    for address, parsed in addresses.items():
        values = _values_for(address, planned.get(address), changes.get(address), prior)
        inventory.add(_resource(address, parsed, values, config, source))
    return inventory


def _values_for(
    address: str,
    planned: dict[str, Any] | None,
    change: dict[str, Any] | None,
    prior: dict[str, dict[str, Any]],
) -> dict[str, Any] | None:
    if address in prior and (change is None or (change.get("change") or {}).get("after") is None):
        return dict(prior[address])
    if change is not None:
        body = change.get("change") or {}
        after, unknown = body.get("after"), body.get("after_unknown")
        if isinstance(after, dict) or isinstance(unknown, dict):
            merged = merge_unknown(after if isinstance(after, dict) else {}, unknown or {})
            return merged if isinstance(merged, dict) else None
    if planned is not None and isinstance(planned.get("values"), dict):
        return dict(planned["values"])
    return None


def _resource(
    address: str,
    parsed: Address,
    values: dict[str, Any] | None,
    config: ConfigIndex,
    source: str,
) -> Resource:
    kind = KIND_ALIASES.get(parsed.type, parsed.type)
    if parsed.mode == "data":
        kind = "data." + kind
    attributes = values if values is not None else {}
    if values is not None:
        expressions = config.resource_config(parsed).get("expressions")
        attributes = synthesize_blocks(values, expressions)
        attributes = _filled_elsewhere(kind, attributes, expressions)
    tags = next(
        (
            t
            for t in (attributes.get("tags"), attributes.get("tags_all"))
            if isinstance(t, dict) and t
        ),
        {},
    )
    if not tags and isinstance(attributes.get("tag"), list):  # aws_autoscaling_group tag blocks
        tags = {
            t["key"]: t["value"]
            for t in attributes["tag"]
            if isinstance(t, dict) and isinstance(t.get("key"), str)
        }
    ids = tuple(attributes[name] for name in ID_ATTRIBUTES if isinstance(attributes.get(name), str))
    return Resource(
        kind=kind,
        address=address,
        source=source,
        attributes=attributes,
        tags={k: v for k, v in tags.items() if isinstance(v, str)},
        refs=_refs(parsed, attributes, config),
        ids=ids,
        missing=_NO_VALUES if values is None else None,
    )


# Attributes a resource plans unknown when the configuration leaves them out, because
# separate resources fill them in: a new security group's inline rules (rule resources),
# a route table's routes (aws_route), an ACL's rules (aws_network_acl_rule), a bucket's
# encryption, versioning and policy (their own resources since provider v4).
_FILLED_ELSEWHERE: dict[str, dict[str, Any]] = {
    "aws_security_group": {"ingress": [], "egress": []},
    "aws_route_table": {"route": []},
    "aws_network_acl": {"ingress": [], "egress": []},
    "azurerm_network_security_group": {"security_rule": []},
    "aws_s3_bucket": {
        "server_side_encryption_configuration": [],
        "versioning": [],
        "logging": [],
        "policy": None,
    },
}


def _filled_elsewhere(kind: str, values: dict[str, Any], expressions: Any) -> dict[str, Any]:
    """Unknown attributes the configuration does not write are empty here: the separate
    resources that fill them (rules, routes, bucket configurations) are read on their own."""
    if not isinstance(expressions, dict):
        return values  # no configuration: nothing says the attribute was left out
    empty = {
        name: value
        for name, value in _FILLED_ELSEWHERE.get(kind, {}).items()
        if isinstance(values.get(name), Unknown) and name not in expressions
    }
    return {**values, **empty} if empty else values


def synthesize_blocks(values: dict[str, Any], expressions: Any) -> dict[str, Any]:
    """Blocks whose whole set is unknown (one element holds an unknown) rebuilt from config.

    Terraform marks a set of blocks unknown as a whole when any element is unknown; the
    configuration still says what each block holds: constants stay, references become
    ``Unknown`` values whose targets the references name.
    """
    if not isinstance(expressions, dict):
        return values
    rebuilt = dict(values)
    for name, configured in expressions.items():
        if not isinstance(rebuilt.get(name), Unknown) or not isinstance(configured, list):
            continue
        if not all(isinstance(item, dict) for item in configured):
            continue
        rebuilt[name] = [_block_from_config(item) for item in configured]
    return rebuilt


def _block_from_config(item: dict[str, Any]) -> dict[str, Any]:
    block: dict[str, Any] = {}
    for key, expression in item.items():
        if isinstance(expression, dict) and "constant_value" in expression:
            block[key] = expression["constant_value"]
        elif isinstance(expression, dict) and expression.get("references"):
            block[key] = _AFTER_APPLY
        elif isinstance(expression, list):
            block[key] = [_block_from_config(i) for i in expression if isinstance(i, dict)]
    return block


def _refs(
    parsed: Address, values: dict[str, Any], config: ConfigIndex
) -> dict[str, tuple[str, ...]]:
    expressions = config.resource_config(parsed).get("expressions")
    if not expressions:
        return {}
    refs: dict[str, list[str]] = defaultdict(list)
    block_map = _BlockMatcher(expressions, values)
    for path, expression in walk_expressions(expressions):
        raw = expression.get("references")
        if not raw:
            continue
        targets = config.resolve(raw, parsed.modules, parsed.key, correlated(raw))
        if not targets:
            continue
        names = [_render(t) for t in targets]
        flat = ".".join(p for p in path if not p.isdigit())
        refs[flat].extend(names)
        planned_path = block_map.planned_path(path)
        if planned_path and planned_path != flat:
            refs[planned_path].extend(names)
    return {k: tuple(dict.fromkeys(v)) for k, v in refs.items()}


def _render(address: Address) -> str:
    prefix = address.module_path + "." if address.modules else ""
    mode = "data." if address.mode == "data" else ""
    return f"{prefix}{mode}{address.type}.{address.name}{address.key}"


class _BlockMatcher:
    """Maps a configuration block item (``route.1.gateway_id``) to its planned list index.

    Sets of blocks (routes, ingress rules) are reordered in planned values, so items
    are matched by their constant attributes.
    """

    def __init__(self, expressions: dict[str, Any], values: dict[str, Any]) -> None:
        self._expressions = expressions
        self._values = values
        self._cache: dict[tuple[str, int], int | None] = {}

    def planned_path(self, path: tuple[str, ...]) -> str:
        if len(path) < 3 or not path[1].isdigit():
            return ""
        index = self._match(path[0], int(path[1]))
        if index is None:
            return ""
        return ".".join((path[0], str(index), *(p for p in path[2:] if not p.isdigit())))

    def _match(self, block: str, config_index: int) -> int | None:
        key = (block, config_index)
        if key not in self._cache:
            self._cache[key] = self._compute(block, config_index)
        return self._cache[key]

    def _compute(self, block: str, config_index: int) -> int | None:
        configured = self._expressions.get(block)
        planned = self._values.get(block)
        if not isinstance(configured, list) or not isinstance(planned, list):
            return None
        if len(configured) == 1 and len(planned) == 1:
            return 0
        item = configured[config_index] if config_index < len(configured) else None
        if not isinstance(item, dict):
            return None
        constants = {
            k: e["constant_value"]
            for k, e in item.items()
            if isinstance(e, dict) and "constant_value" in e
        }
        if not constants:
            return None
        matches = [
            position
            for position, p in enumerate(planned)
            if isinstance(p, dict)
            and all(
                _same(p.get(k), v)
                for k, v in constants.items()
                if not isinstance(p.get(k), Unknown)
            )
        ]
        return matches[0] if len(matches) == 1 else None


def _same(planned: Any, constant: Any) -> bool:
    if planned == constant:
        return True
    return str(planned) == str(constant)
