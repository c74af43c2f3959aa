"""A planned resource's relations: the references of each attribute, resolved."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from archproof.inventory.model import Loose, Resource, is_unknown, values_at
from archproof.sources.plan.address import Address
from archproof.sources.plan.blocks import BlockMatcher
from archproof.sources.plan.config import ConfigIndex, Context, walk_expressions


def resolved_refs(
    parsed: Address, values: dict[str, Any], config: ConfigIndex
) -> tuple[dict[str, tuple[str, ...]], dict[str, Loose]]:
    """Exact references per attribute path, and what could be followed only loosely."""
    expressions = config.resource_config(parsed).get("expressions")
    if not expressions:
        return {}, {}
    refs: dict[str, list[str]] = defaultdict(list)
    loose: dict[str, list[Loose]] = defaultdict(list)
    block_map = BlockMatcher(expressions, values)
    context = config.context_of(parsed)
    for path, expression in walk_expressions(expressions):
        raw = expression.get("references")
        if not raw:
            continue
        found = config.resolve_attribute(raw, context)
        flat = ".".join(p for p in path if not p.isdigit())
        planned_path = block_map.planned_path(path)
        keys = [flat] if not planned_path or planned_path == flat else [flat, planned_path]
        names = [_render(t) for t in found.exact]
        if found.broad or found.dead_ends:
            part = Loose(
                tuple(_named(d.expression, d.scope) for d in found.dead_ends),
                tuple(dict.fromkeys(d.scope for d in found.dead_ends)),
                tuple(_render(t) for t in found.broad),
            )
            for key in keys:
                loose[key].append(part)
        for key in keys if names else ():
            refs[key].extend(names)
    for name, value in values.items():
        if isinstance(expressions.get(name), list) or not _blocks_with_unknowns(value):
            continue  # blocks the plan records one by one, or nothing left to resolve
        if _from_hcl(parsed, name, value, config, context, refs, loose):
            continue
        if name not in expressions:
            written = f'a dynamic "{name}" block (plan JSON does not record its expressions)'
            loose[name].append(Loose((written,), (parsed.modules,)))
    return (
        {k: tuple(dict.fromkeys(v)) for k, v in refs.items()},
        {k: _merge(parts) for k, parts in loose.items()},
    )


def _from_hcl(
    parsed: Address,
    name: str,
    items: list[Any],
    config: ConfigIndex,
    context: Context,
    refs: dict[str, list[str]],
    loose: dict[str, list[Loose]],
) -> bool:
    """Blocks the plan records only as a whole (``ingress = …`` in attribute mode, dynamic
    blocks) matched to the HCL's blocks by their literal values; each planned block gets the
    references its own HCL block makes. False when the configuration does not say."""
    written = config.written_blocks(parsed, name)
    if not written:
        return False
    static = [b for b in written if not b.dynamic]
    dynamic = [b for b in written if b.dynamic]
    matched = False
    for position, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        hits = [b for b in static if _same_constants(b.constants, item)]
        block = (
            hits[0] if len(hits) == 1 else (dynamic[0] if not hits and len(dynamic) == 1 else None)
        )
        if block is None:
            continue
        matched = True
        for attribute, raw in block.references.items():
            found = config.resolve_attribute(raw, context)
            path = f"{name}.{position}.{attribute}"
            refs[path].extend(_render(t) for t in found.exact)
            if found.broad or found.dead_ends:
                loose[path].append(
                    Loose(
                        tuple(_named(d.expression, d.scope) for d in found.dead_ends),
                        tuple(dict.fromkeys(d.scope for d in found.dead_ends)),
                        tuple(_render(t) for t in found.broad),
                    )
                )
    return matched


def _same_constants(constants: dict[str, Any], item: dict[str, Any]) -> bool:
    return all(
        str(item.get(k)).lower() == str(v).lower()
        for k, v in constants.items()
        if k in item and not is_unknown(item.get(k))
    )


def _blocks_with_unknowns(value: Any) -> bool:
    return (
        isinstance(value, list)
        and any(isinstance(item, dict) for item in value)
        and is_unknown(value)
    )


def _named(expression: str, scope: tuple[tuple[str, str], ...]) -> str:
    where = "".join(f"module.{n}{'' if k == '*' else k}." for n, k in scope).rstrip(".")
    where = where or "the root module"
    return f"{expression} in {where}"


def _merge(parts: list[Loose]) -> Loose:
    return Loose(
        tuple(dict.fromkeys(e for p in parts for e in p.expressions)),
        tuple(dict.fromkeys(s for p in parts for s in p.scopes)),
        tuple(dict.fromkeys(a for p in parts for a in p.addresses)),
    )


def _render(address: Address) -> str:
    prefix = address.module_path + "." if address.modules else ""
    mode = "data." if address.mode == "data" else ""
    return f"{prefix}{mode}{address.type}.{address.name}{address.key}"


def drop_ruled_out(resources: list[Resource]) -> list[Resource]:
    """Drop references a known value rules out.

    ``policy_arn = coalesce(var.override, aws_iam_policy.p.arn)`` references the policy, but
    when the plan knows the value while the policy is only being created (its ARN known only
    after apply), the value came from elsewhere: the reference does not link them. A target
    stays when the value is, or contains, one of its known values (``bucket.bucket``).
    """
    by_address = {r.address: r for r in resources}
    kept = []
    for resource in resources:
        refs = {
            path: tuple(
                a for a in addresses if not _ruled_out(values_at(resource, path), by_address.get(a))
            )
            for path, addresses in resource.refs.items()
        }
        changed = any(len(refs[p]) != len(a) for p, a in resource.refs.items())
        kept.append(dataclasses.replace(resource, refs=refs) if changed else resource)
    return kept


def _ruled_out(value: Any, target: Resource | None) -> bool:
    if target is None or not target.created or is_unknown(value):
        return False
    leaves = [v for v in _strings(value) if v]
    if not leaves:
        return False
    known = {v for v in target.attributes.values() if isinstance(v, str) and v}
    ids = [i for i in target.ids if len(i) >= 3]
    return not any(leaf in known or any(i in leaf for i in ids) for leaf in leaves)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
