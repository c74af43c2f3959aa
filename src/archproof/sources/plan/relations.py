"""A planned resource's relations: the references of each attribute, resolved."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from archproof.inventory.model import Loose, is_unknown
from archproof.sources.plan.address import Address
from archproof.sources.plan.blocks import BlockMatcher
from archproof.sources.plan.config import ConfigIndex, Context, correlated, walk_expressions


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
        found = config.resolve(raw, context, correlated(raw))
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
            found = config.resolve(raw, context, correlated(raw))
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
