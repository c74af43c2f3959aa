"""Terraform plan JSON → Inventory (source ``plan``)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from archproof.inventory.model import Inventory, Resource, Unknown
from archproof.inventory.source_kinds import PLAN
from archproof.sources.pem import with_expiry_from_body
from archproof.sources.plan.address import Address, parse_address
from archproof.sources.plan.blocks import (
    filled_elsewhere,
    synthesize_blocks,
    unset_left_to_provider,
)
from archproof.sources.plan.config import ConfigIndex, LocalsSource
from archproof.sources.plan.hcl_locals import load_configuration
from archproof.sources.plan.read import read_plan_document
from archproof.sources.plan.relations import drop_ruled_out, resolved_refs

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


def load_plan(
    path: str | Path, source: str = "plan", tf_dir: str | Path | None = None
) -> Inventory:
    """Load a plan; the cyclic GC is paused meanwhile (it rescans the growing heap: quadratic).

    ``tf_dir``: the configuration the plan was made from, to read what locals hold (plan
    JSON does not record it); by default the plan's own folder when it holds that
    configuration.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_plan(path, source, tf_dir)
    finally:
        if enabled:
            gc.enable()


def _configuration_locals(
    path: str | Path, document: dict[str, Any], tf_dir: str | Path | None
) -> LocalsSource | None:
    configuration = document.get("configuration")
    if tf_dir is not None:
        return load_configuration(Path(tf_dir), configuration, explicit=True)
    return load_configuration(Path(path).parent, configuration, explicit=False)


def _load_plan(path: str | Path, source: str, tf_dir: str | Path | None) -> Inventory:
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
    locals_ = _configuration_locals(path, document, tf_dir)
    config = ConfigIndex(
        document.get("configuration"), addresses.values(), locals_, document.get("variables")
    )
    inventory = Inventory(
        source,
        origin=str(path),
        scope={
            "terraform_version": document.get("terraform_version", ""),
            "format_version": document.get("format_version", ""),
            "deleted": sorted(deleted),
            "configuration": str(getattr(locals_, "root", "")) or None,
        },
        never=PLAN.never,
    )
    resources = []
    for address, parsed in addresses.items():
        values = _values_for(address, planned.get(address), changes.get(address), prior)
        change = _action(changes.get(address))
        resources.append(_resource(address, parsed, values, config, source, change))
    for resource in drop_ruled_out(resources):
        inventory.add(resource)
    return inventory


def _action(change: dict[str, Any] | None) -> str:
    actions = ((change or {}).get("change") or {}).get("actions") or []
    if "create" in actions:
        return "replace" if "delete" in actions else "create"
    return str(actions[0]) if actions else ""


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
    change: str = "",
) -> Resource:
    kind = KIND_ALIASES.get(parsed.type, parsed.type)
    if parsed.mode == "data":
        kind = "data." + kind
    attributes = values if values is not None else {}
    if values is not None:
        expressions = config.resource_config(parsed).get("expressions")
        attributes = synthesize_blocks(values, expressions)
        attributes = filled_elsewhere(kind, attributes, expressions)
        attributes = with_expiry_from_body(kind, attributes)
        attributes = unset_left_to_provider(
            attributes, expressions, lambda e: config.is_null(e, parsed.modules)
        )
    # tags_all holds the provider's default_tags too; the resource's own tags win
    tags = {
        k: v
        for t in (attributes.get("tags_all"), attributes.get("tags"))
        if isinstance(t, dict)
        for k, v in t.items()
        if isinstance(v, str)
    }
    if not tags and isinstance(attributes.get("tag"), list):  # aws_autoscaling_group tag blocks
        tags = {
            t["key"]: t["value"]
            for t in attributes["tag"]
            if isinstance(t, dict) and isinstance(t.get("key"), str)
        }
    ids = tuple(attributes[name] for name in ID_ATTRIBUTES if isinstance(attributes.get(name), str))
    refs, loose = resolved_refs(parsed, attributes, config)
    return Resource(
        kind=kind,
        address=address,
        source=source,
        attributes=attributes,
        tags={k: v for k, v in tags.items() if isinstance(v, str)},
        refs=refs,
        loose=loose,
        ids=ids,
        missing=_NO_VALUES if values is None else None,
        change=change,
        provider=str(config.resource_config(parsed).get("provider_config_key") or ""),
    )
