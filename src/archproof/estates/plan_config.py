"""The ``configuration`` and ``relevant_attributes`` parts of a plan: the estate as written.

Each attribute is an expression: ``{"constant_value": …}`` or ``{"references": […]}``
listing references the way Terraform does (``aws_vpc.main.id``, then ``aws_vpc.main``;
``aws_subnet.private`` and ``count.index`` for a dynamic index). Nested blocks are lists
of expression dicts; attributes-as-blocks (security group rules, routes) stay one
expression, as in real plans.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from archproof.estates.model import Estate, EstateResource, Output, Ref, iter_refs
from archproof.estates.planned import schema_version
from archproof.estates.schema import (
    AZURERM_PROVIDER,
    PROVIDER,
    Block,
    estate_provider,
    provider_name,
    resource_schema,
)


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
    found = [
        subject + "".join(_step_text(s) for s in remaining[:n])
        for n in range(len(remaining), 0, -1)
    ]
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
            if value:  # no block written: nothing in the configuration
                found[name] = [_expressions(inner, item) for item in value]
            continue
        found[name] = expression(value)
        attribute = block.attributes.get(name) if block is not None else None
        if attribute is not None and "constant_value" in found[name]:
            found[name]["constant_value"] = _as_blocks(attribute.type, value)
    return found


def _as_blocks(cty: Any, value: Any) -> Any:
    """In block syntax, an attributes-as-blocks object has every attribute (null if unset)."""
    if (
        isinstance(cty, list)
        and cty[0] in {"list", "set"}
        and isinstance(cty[1], list)
        and cty[1][0] == "object"
        and isinstance(value, list | tuple)
    ):
        return [{k: item.get(k) for k in cty[1][1]} for item in value]
    return value


def _is_block_list(value: Any) -> bool:
    return (
        isinstance(value, list | tuple)
        and bool(value)
        and all(isinstance(v, Mapping) for v in value)
    )


def _resource_config(resource: EstateResource) -> dict[str, Any]:
    schema = resource_schema(resource.type)
    entry: dict[str, Any] = {
        "address": resource.local_address,
        "mode": "managed",
        "type": resource.type,
        "name": resource.name,
        "provider_config_key": provider_name(resource.type),
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
    resources = sorted(
        (r for r in estate.resources if r.module == module), key=lambda r: r.local_address
    )
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


def configuration(estate: Estate) -> dict[str, Any]:
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
    return {"provider_config": _provider_config(estate), "root_module": root}


def _provider_config(estate: Estate) -> dict[str, Any]:
    if estate_provider(r.type for r in estate.resources) == "azurerm":
        expressions: dict[str, Any] = {
            "features": [{}],
            "subscription_id": {"constant_value": estate.account_id},
        }
        return {
            "azurerm": {
                "name": "azurerm",
                "full_name": AZURERM_PROVIDER,
                "version_constraint": estate.provider_version,
                "expressions": expressions,
            }
        }
    return {
        "aws": {
            "name": "aws",
            "full_name": PROVIDER,
            "version_constraint": estate.provider_version,
            "expressions": {"region": {"constant_value": estate.region}},
        }
    }


def relevant_attributes(estate: Estate) -> list[dict[str, Any]]:
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
    return [
        {"resource": address, "attribute": list(path)}
        for address, path in sorted(found, key=lambda item: (item[0], str(item[1])))
    ]
