"""Planned values of one resource instance, the way Terraform and the AWS provider plan them.

``plan_values`` fills a configured value tree out to the provider schema: computed
attributes the configuration leaves unset are unknown, optional ones are null (or
the provider's default), unset blocks are empty, a set or map holding an unknown is
wholly unknown. The JSON forms then follow Terraform's ``jsonplan`` package:
unknowns are omitted from ``after``/``values`` (``null`` inside lists), marked
``true`` in ``after_unknown``, and ``after_sensitive`` mirrors the value's shape.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from archproof.estates.cty import convert, set_order, zero
from archproof.estates.evaluate import UNKNOWN, EstateError, contains_unknown
from archproof.estates.schema import Block, resource_schema

ALWAYS_COMPUTED = frozenset({"id", "arn"})
_PRIMITIVES = {"string", "number", "bool", "dynamic"}
# The provider plans policy documents minified; IAM inline policies keep Version first.
_IAM_ORDER = {("aws_iam_role_policy", "policy"), ("aws_iam_user_policy", "policy")}


def plan_values(
    resource_type: str, values: Mapping[str, Any], extra_unknown: frozenset[str], where: str
) -> dict[str, Any]:
    """The full planned value of an instance (with UNKNOWN leaves)."""
    schema = resource_schema(resource_type)
    if schema is None:
        planned = dict(values)
        for name in ALWAYS_COMPUTED | extra_unknown:
            planned.setdefault(name, UNKNOWN)
        if "tags" in planned:
            planned.setdefault("tags_all", _tags_all(planned["tags"]))
        return planned
    planned = _plan_block(schema.block, values, where)
    for name, value in values.items():
        if isinstance(value, str) and name.endswith("policy") and value.lstrip().startswith("{"):
            planned[name] = _normalized_document(value, (resource_type, name) in _IAM_ORDER)
    for name in extra_unknown:
        if name not in values:
            planned[name] = UNKNOWN
    tags_all = schema.block.attributes.get("tags_all")
    if tags_all is not None and "tags_all" not in values:
        # Plugin-framework resources (tags_all computed only) plan untagged as {}; SDKv2
        # ones (optional and computed) leave it unknown.
        untagged: Any = UNKNOWN if tags_all.optional else {}
        tags = planned.get("tags")
        planned["tags_all"] = untagged if tags is None else _tags_all(tags)
    if resource_type in _PROVIDER_PLANNING:
        _PROVIDER_PLANNING[resource_type](planned, values)
    return planned


def _plan_certificate(planned: dict[str, Any], values: Mapping[str, Any]) -> None:
    """The provider plans a certificate's names and, for DNS validation, one record per name."""
    domain = values.get("domain_name")
    if not isinstance(domain, str):
        return
    names = values.get("subject_alternative_names") or [domain]
    planned["subject_alternative_names"] = sorted(names)
    if values.get("validation_method") == "DNS" and not contains_unknown(names):
        record = dict.fromkeys(
            ("resource_record_name", "resource_record_type", "resource_record_value"), UNKNOWN
        )
        planned["domain_validation_options"] = [
            {"domain_name": name, **record} for name in sorted({domain, *names})
        ]


_PROVIDER_PLANNING = {"aws_acm_certificate": _plan_certificate}


def schema_version(resource_type: str) -> int:
    schema = resource_schema(resource_type)
    return schema.version if schema else 0


def _normalized_document(text: str, iam_order: bool) -> str:
    document = json.loads(text)
    if iam_order and isinstance(document, dict):
        head = [k for k in ("Version", "Id", "Statement") if k in document]
        ordered = {k: document[k] for k in head}
        ordered.update(sorted((k, v) for k, v in document.items() if k not in head))
        return (
            "{"
            + ",".join(
                f"{json.dumps(k)}:{json.dumps(v, sort_keys=True, separators=(',', ':'))}"
                for k, v in ordered.items()
            )
            + "}"
        )
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def _tags_all(tags: Any) -> Any:
    return dict(tags) if isinstance(tags, Mapping) else UNKNOWN


def _plan_block(block: Block, values: Mapping[str, Any], where: str) -> dict[str, Any]:
    strangers = sorted(set(values) - set(block.attributes) - set(block.blocks))
    if strangers:
        raise EstateError(f"{where}: not in the provider schema: {', '.join(strangers)}")
    planned: dict[str, Any] = {}
    for name, attribute in block.attributes.items():
        if name in values:
            planned[name] = _plan_attribute(attribute.type, values[name], f"{where}.{name}")
        elif attribute.computed:
            planned[name] = UNKNOWN
        else:
            planned[name] = block.defaults.get(name)
    for name, nested in block.blocks.items():
        if name in values:
            items = values[name]
            if not isinstance(items, list | tuple):
                raise EstateError(f"{where}.{name}: a nested block is written as a list of dicts")
            blocks = [_plan_block(nested.block, item, f"{where}.{name}") for item in items]
            if nested.nesting == "set":
                blocks = set_order(blocks, nested.block)
            single = nested.nesting == "single"
            planned[name] = (blocks[0] if blocks else None) if single else blocks
        elif nested.computed:
            planned[name] = UNKNOWN
        else:
            planned[name] = None if nested.nesting == "single" else []
    return planned


def _plan_attribute(cty: Any, value: Any, where: str) -> Any:
    if value is None or value is UNKNOWN:
        return value
    if isinstance(cty, str):
        return convert(cty, value, where)
    kind, inner = cty[0], cty[1]
    if kind in {"list", "set"}:
        if not isinstance(value, list | tuple):
            raise EstateError(f"{where}: expected a list, got {value!r}")
        if isinstance(inner, str) and any(contains_unknown(v) for v in value):
            return UNKNOWN  # a set of primitives holding an unknown is wholly unknown
        items = [_plan_attribute(inner, v, where) for v in value]
        if kind == "set":
            items = sorted(items) if inner in ("string", "number") else set_order(items, inner)
        return items
    if kind == "map":
        if not isinstance(value, Mapping):
            raise EstateError(f"{where}: expected a map, got {value!r}")
        if contains_unknown(value):
            return UNKNOWN
        return dict(value)
    if kind == "object":
        if not isinstance(value, Mapping):
            raise EstateError(f"{where}: expected an object, got {value!r}")
        strangers = sorted(set(value) - set(inner))
        if strangers:
            raise EstateError(f"{where}: not in the provider schema: {', '.join(strangers)}")
        return {
            name: _plan_attribute(t, value[name], f"{where}.{name}") if name in value else zero(t)
            for name, t in inner.items()
        }
    return value


def omit_unknowns(value: Any) -> Any:
    """``after`` / ``values``: unknown attributes left out, unknown list items as null."""
    if isinstance(value, Mapping):
        return {k: omit_unknowns(v) for k, v in value.items() if v is not UNKNOWN}
    if isinstance(value, list | tuple):
        return [None if v is UNKNOWN else omit_unknowns(v) for v in value]
    return value


def unknown_as_bool(value: Any) -> Any:
    """``after_unknown``: true where unknown; known leaves dropped from objects."""
    if value is UNKNOWN:
        return True
    if isinstance(value, Mapping):
        marks = {k: unknown_as_bool(v) for k, v in value.items()}
        return {k: m for k, m in marks.items() if m is not False}
    if isinstance(value, list | tuple):
        return [unknown_as_bool(v) for v in value]
    return False


def sensitive_shape(resource_type: str, planned: Mapping[str, Any]) -> dict[str, Any]:
    """``after_sensitive`` / ``sensitive_values`` (nothing in estates is sensitive)."""
    schema = resource_schema(resource_type)
    if schema is None:
        shape = _shape_untyped(planned)
        return shape if isinstance(shape, dict) else {}
    return _shape_block(schema.block, planned)


def _shape_block(block: Block, planned: Mapping[str, Any]) -> dict[str, Any]:
    shape: dict[str, Any] = {}
    for name, attribute in block.attributes.items():
        mark = True if attribute.sensitive else _shape_typed(attribute.type, planned.get(name))
        if mark is not False:
            shape[name] = mark
    for name, nested in block.blocks.items():
        value = planned.get(name)
        if nested.nesting == "single":
            mark = _shape_block(nested.block, value) if isinstance(value, Mapping) else False
        elif value is UNKNOWN:
            mark = []
        elif isinstance(value, list):
            mark = [_shape_block(nested.block, item) for item in value]
        else:
            mark = False
        if mark is not False:
            shape[name] = mark
    return shape


def _shape_typed(cty: Any, value: Any) -> Any:
    if value is None or (isinstance(cty, str) and cty in _PRIMITIVES):
        return False
    kind, inner = cty[0], cty[1]
    if value is UNKNOWN:
        return [] if kind in {"list", "set", "tuple"} else {}
    if kind in {"list", "set"}:
        return [_shape_typed(inner, v) for v in value]
    if kind == "map":
        marks = {k: _shape_typed(inner, v) for k, v in value.items()}
        return {k: m for k, m in marks.items() if m is not False}
    if kind == "object":
        marks = {k: _shape_typed(t, value.get(k)) for k, t in inner.items()}
        return {k: m for k, m in marks.items() if m is not False}
    return False


def _shape_untyped(value: Any) -> Any:
    if isinstance(value, Mapping):
        marks = {k: _shape_untyped(v) for k, v in value.items()}
        return {k: m for k, m in marks.items() if m is not False}
    if isinstance(value, list | tuple):
        return [_shape_untyped(v) for v in value]
    return False
