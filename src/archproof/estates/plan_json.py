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
from archproof.estates.model import Estate, EstateResource, Output, Ref, iter_refs
from archproof.estates.planned import (
    omit_unknowns,
    plan_values,
    schema_version,
    sensitive_shape,
    unknown_as_bool,
)
from archproof.estates.schema import PROVIDER, Block, resource_schema

FORMAT_VERSION = "1.2"
TERRAFORM_VERSION = "1.9.8"


def plan_document(estate: Estate) -> dict[str, Any]:
    """The plan JSON of ``estate`` as a dict."""
    evaluator = Evaluator(estate, lambda _address, _attribute: UNKNOWN)
    planned: list[tuple[Instance, dict[str, Any]]] = []
    for instance in evaluator.walk():
        full = plan_values(instance.resource.type, instance.values,
                           instance.resource.unknown_after_apply, instance.address)
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
        "configuration": _configuration(estate),
        "relevant_attributes": _relevant_attributes(estate),
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
    return (resource.module, resource.type, resource.name,
            key if isinstance(key, int) else -1, key if isinstance(key, str) else "")


def _identity(instance: Instance) -> dict[str, Any]:
    resource = instance.resource
    entry: dict[str, Any] = {
        "address": instance.address,
        "mode": "managed",
        "type": resource.type,
        "name": resource.name,
        "provider_name": PROVIDER,
    }
    if instance.key is not None:
        entry["index"] = instance.key
    return entry


def _planned_values(planned: list[tuple[Instance, dict[str, Any]]],
                    outputs: Mapping[str, Any]) -> dict[str, Any]:
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
    return {"outputs": {name: _planned_output(value) for name, value in outputs.items()},
            "root_module": root}


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


# --- configuration ----------------------------------------------------------------------


def reference_strings(reference: Ref) -> list[str]:
    """What Terraform lists in ``references`` for one reference expression."""
    root, steps = reference.parse()
    kind = reference.kind
    extra = ["count.index" if s[1] == "count.index" else "each.key" for s in steps if s[0] == "dyn"]
    if kind in {"count", "var", "each"}:
        subject, containing = ".".join(root), ""
    elif kind == "module":
        subject, containing = ".".join(root), f"module.{root[1]}"
    else:
        subject, containing = ".".join(root), ".".join(root)
        if steps and steps[0][0] == "key":
            subject += _step_text(steps[0])
            steps = steps[1:]
        elif steps and steps[0][0] in {"dyn", "splat"}:
            steps = ()
    remaining: list[tuple[str, str | int]] = []
    for step in steps:
        if step[0] in {"dyn", "splat"}:
            break
        remaining.append(step)
    found = [subject + "".join(_step_text(s) for s in remaining[:n])
             for n in range(len(remaining), 0, -1)]
    found.append(subject)
    if containing and containing not in found:
        found.append(containing)
    return found + extra


def _step_text(step: tuple[str, str | int]) -> str:
    kind, value = step
    if kind == "attr":
        return f".{value}"
    return f"[{value}]" if isinstance(value, int) else f'["{value}"]'


def expression(value: Any) -> dict[str, Any]:
    references = [text for r in iter_refs(value) for text in reference_strings(r)]
    return {"references": references} if references else {"constant_value": value}


def _expressions(block: Block | None, values: Mapping[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, value in values.items():
        nested = block.blocks.get(name) if block is not None else None
        untyped_block = block is None and _is_block_list(value)
        if nested is not None or untyped_block:
            inner = nested.block if nested is not None else None
            found[name] = [_expressions(inner, item) for item in value]
            continue
        found[name] = expression(value)
        attribute = block.attributes.get(name) if block is not None else None
        if attribute is not None and "constant_value" in found[name]:
            found[name]["constant_value"] = _as_blocks(attribute.type, value)
    return found


def _as_blocks(cty: Any, value: Any) -> Any:
    """In block syntax, an attributes-as-blocks object has every attribute (null if unset)."""
    if isinstance(cty, list) and cty[0] in {"list", "set"} and isinstance(cty[1], list) \
            and cty[1][0] == "object" and isinstance(value, list | tuple):
        return [{k: item.get(k) for k in cty[1][1]} for item in value]
    return value


def _is_block_list(value: Any) -> bool:
    return isinstance(value, list | tuple) and bool(value) and all(
        isinstance(v, Mapping) for v in value)


def _resource_config(resource: EstateResource) -> dict[str, Any]:
    schema = resource_schema(resource.type)
    entry: dict[str, Any] = {
        "address": resource.local_address,
        "mode": "managed",
        "type": resource.type,
        "name": resource.name,
        "provider_config_key": "aws",
        "expressions": _expressions(schema.block if schema else None, resource.values),
        "schema_version": schema_version(resource.type),
    }
    if resource.count is not None:
        entry["count_expression"] = expression(resource.count)
    if resource.for_each is not None:
        entry["for_each_expression"] = expression(dict(resource.for_each))
    if resource.depends_on:
        entry["depends_on"] = list(resource.depends_on)
    return entry


def _outputs_config(outputs: Mapping[str, Output]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, output in sorted(outputs.items()):
        found[name] = {"expression": expression(output.value)}
        if output.description:
            found[name]["description"] = output.description
    return found


def _module_config(estate: Estate, module: str) -> dict[str, Any]:
    resources = sorted((r for r in estate.resources if r.module == module),
                       key=lambda r: r.local_address)
    config: dict[str, Any] = {"resources": [_resource_config(r) for r in resources]}
    outputs = estate.module(module).outputs if module else estate.outputs
    if outputs:
        config["outputs"] = _outputs_config(outputs)
    if module:
        call = estate.module(module)
        config["variables"] = {
            name: ({"description": call.descriptions[name]} if name in call.descriptions else {})
            for name in sorted(call.inputs)
        }
    return config


def _configuration(estate: Estate) -> dict[str, Any]:
    root = _module_config(estate, "")
    if estate.modules:
        root["module_calls"] = {
            call.name: {
                "source": call.source,
                "expressions": {k: expression(v) for k, v in sorted(call.inputs.items())},
                "module": _module_config(estate, call.name),
            }
            for call in sorted(estate.modules, key=lambda m: m.name)
        }
    return {
        "provider_config": {
            "aws": {
                "name": "aws",
                "full_name": PROVIDER,
                "version_constraint": estate.provider_version,
                "expressions": {"region": {"constant_value": estate.region}},
            }
        },
        "root_module": root,
    }


def _relevant_attributes(estate: Estate) -> list[dict[str, Any]]:
    """Resource attributes that expressions read, as Terraform lists them."""
    found: set[tuple[str, tuple[str | int, ...]]] = set()

    def visit(value: Any, module: str) -> None:
        prefix = f"module.{module}." if module else ""
        for reference in iter_refs(value):
            if reference.kind != "resource":
                continue
            root, steps = reference.parse()
            address = prefix + ".".join(root)
            if steps and steps[0][0] == "key":
                address += _step_text(steps[0])
                steps = steps[1:]
            elif steps and steps[0][0] in {"dyn", "splat"}:
                found.add((address, ()))
                continue
            path: list[str | int] = []
            for kind, step in steps:
                if kind in {"dyn", "splat"}:
                    break
                path.append(step)
            found.add((address, tuple(path)))

    for resource in estate.resources:
        visit(resource.values, resource.module)
    for call in estate.modules:
        visit([o.value for o in call.outputs.values()], call.name)
    visit([o.value for o in estate.outputs.values()], "")
    return [{"resource": address, "attribute": list(path)}
            for address, path in sorted(found, key=lambda item: (item[0], str(item[1])))]
