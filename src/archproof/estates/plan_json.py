"""Render an estate as ``terraform show -json`` of a plan that creates it from nothing.

The shape follows Terraform's JSON output format 1.2: ``planned_values`` (root
module + ``child_modules``), ``resource_changes`` (``create``, ``after``,
``after_unknown``), ``configuration`` (expressions with ``references`` or
``constant_value``, ``module_calls``, ``count_expression``), ``output_changes``
and ``relevant_attributes``. No timestamp, so the output is deterministic.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from archproof.estates.evaluate import UNKNOWN, Evaluator, Instance
from archproof.estates.model import Estate
from archproof.estates.plan_config import configuration, relevant_attributes
from archproof.estates.planned import (
    omit_unknowns,
    plan_values,
    schema_version,
    sensitive_shape,
    unknown_as_bool,
)
from archproof.estates.schema import provider_address

FORMAT_VERSION = "1.2"
TERRAFORM_VERSION = "1.9.8"


def plan_document(estate: Estate) -> dict[str, Any]:
    """The plan JSON of ``estate`` as a dict."""
    evaluator = Evaluator(estate, lambda _address, _attribute: UNKNOWN)
    planned: list[tuple[Instance, dict[str, Any]]] = []
    for instance in evaluator.walk():
        full = plan_values(
            instance.resource.type,
            instance.values,
            instance.resource.unknown_after_apply,
            instance.address,
        )
        evaluator.record(instance.address, full)
        planned.append((instance, full))
    planned.sort(key=lambda item: _sort_key(item[0]))
    outputs = {name: evaluator.output("", name) for name in sorted(estate.outputs)}
    return {
        "format_version": FORMAT_VERSION,
        "terraform_version": TERRAFORM_VERSION,
        "planned_values": _planned_values(planned, outputs),
        "resource_changes": [_change(instance, full) for instance, full in planned],
        "output_changes": {name: _output_change(value) for name, value in outputs.items()},
        "configuration": configuration(estate),
        "relevant_attributes": relevant_attributes(estate),
        "applyable": True,
        "complete": True,
        "errored": False,
    }


def render_plan(estate: Estate) -> str:
    """The plan JSON as text: sorted keys, two-space indent, trailing newline."""
    return json.dumps(plan_document(estate), indent=2, sort_keys=True) + "\n"


def _sort_key(instance: Instance) -> tuple[str, str, str, int, str]:
    key = instance.key
    resource = instance.resource
    return (
        resource.module,
        resource.type,
        resource.name,
        key if isinstance(key, int) else -1,
        key if isinstance(key, str) else "",
    )


def _identity(instance: Instance) -> dict[str, Any]:
    resource = instance.resource
    entry: dict[str, Any] = {
        "address": instance.address,
        "mode": "managed",
        "type": resource.type,
        "name": resource.name,
        "provider_name": provider_address(resource.type),
    }
    if instance.key is not None:
        entry["index"] = instance.key
    return entry


def _planned_values(
    planned: list[tuple[Instance, dict[str, Any]]], outputs: Mapping[str, Any]
) -> dict[str, Any]:
    root: dict[str, Any] = {"resources": []}
    children: dict[str, list[dict[str, Any]]] = {}
    for instance, full in planned:
        entry = {
            **_identity(instance),
            "schema_version": schema_version(instance.resource.type),
            "values": omit_unknowns(full),
            "sensitive_values": sensitive_shape(instance.resource.type, full),
        }
        module = instance.resource.module_address
        (children.setdefault(module, []) if module else root["resources"]).append(entry)
    if children:
        root["child_modules"] = [
            {"address": address, "resources": resources}
            for address, resources in sorted(children.items())
        ]
    return {
        "outputs": {name: _planned_output(value) for name, value in outputs.items()},
        "root_module": root,
    }


def _change(instance: Instance, full: dict[str, Any]) -> dict[str, Any]:
    entry = _identity(instance)
    if instance.resource.module:
        entry["module_address"] = instance.resource.module_address
    entry["change"] = {
        "actions": ["create"],
        "before": None,
        "after": omit_unknowns(full),
        "after_unknown": unknown_as_bool(full),
        "before_sensitive": False,
        "after_sensitive": sensitive_shape(instance.resource.type, full),
    }
    return entry


def _planned_output(value: Any) -> dict[str, Any]:
    if value is UNKNOWN:
        return {"sensitive": False}
    return {"sensitive": False, "type": _cty_type(value), "value": value}


def _output_change(value: Any) -> dict[str, Any]:
    change: dict[str, Any] = {"actions": ["create"], "before": None}
    if value is not UNKNOWN:
        change["after"] = value
    change.update(after_unknown=value is UNKNOWN, before_sensitive=False, after_sensitive=False)
    return change


def _cty_type(value: Any) -> Any:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return ["tuple", [_cty_type(v) for v in value]]
    if isinstance(value, Mapping):
        return ["object", {k: _cty_type(v) for k, v in value.items()}]
    return "dynamic"
