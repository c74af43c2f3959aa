"""The bits of Terraform's value system (go-cty) that decide what a plan looks like.

- :func:`convert`: a configured primitive converted to the attribute's type
  (``true`` → ``"true"`` for a string attribute);
- :func:`zero`: what the provider plans for an unset attribute inside an
  attributes-as-blocks object (``""``, ``false``, ``[]``, else null);
- :func:`set_order`: the order of a set of objects in plan JSON. cty sorts such
  elements by a canonical rendering of each (``appendSetHashBytes``; unknown
  elements last), so the order looks arbitrary but is reproducible.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from archproof.estates.evaluate import UNKNOWN, EstateError
from archproof.estates.schema import Block


def convert(cty: str, value: Any, where: str) -> Any:
    if cty == "string" and isinstance(value, bool):
        return "true" if value else "false"
    if cty == "string" and isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else str(value)
    if cty == "number" and isinstance(value, str):
        try:
            number = float(value)
        except ValueError as error:
            raise EstateError(f"{where}: {value!r} is not a number") from error
        return int(number) if number.is_integer() else number
    if cty == "bool" and value in ("true", "false"):
        return value == "true"
    return value


def zero(cty: Any) -> Any:
    if cty == "string":
        return ""
    if cty == "bool":
        return False
    if isinstance(cty, list) and cty[0] in {"list", "set"}:
        return []
    return None


def set_order(items: list[Any], element: Any) -> list[Any]:
    """Order a set's elements as cty does; ``element`` is a cty type or a :class:`Block`."""
    known = [i for i in items if i is not UNKNOWN]
    unknown = [i for i in items if i is UNKNOWN]
    return sorted(known, key=lambda item: _hash_text(item, element).encode()) + unknown


def _hash_text(value: Any, cty: Any) -> str:
    """cty's ``appendSetHashBytes``: the canonical text that places an element."""
    if value is UNKNOWN:
        return "?"
    if value is None:
        return "~"
    if isinstance(cty, Block):
        names = sorted({*cty.attributes, *cty.blocks})
        parts = []
        for name in names:
            if name in cty.attributes:
                parts.append(_hash_text(value.get(name), cty.attributes[name].type))
            else:
                nested = cty.blocks[name]
                kind = "object" if nested.nesting == "single" else "list"
                inner = value.get(name)
                parts.append(
                    _hash_text(inner, nested.block if kind == "object" else ["list", nested.block])
                )
        return "<" + "".join(f"{p};" for p in parts) + ">"
    if cty == "bool":
        return "T" if value else "F"
    if cty == "number":
        return f"{value:.10g}"
    if cty == "string":
        return json.dumps(value, ensure_ascii=False)
    kind, inner = cty[0], cty[1]
    if kind in {"list", "set"}:
        return "[" + "".join(f"{_hash_text(v, inner)};" for v in value) + "]"
    if kind == "map":
        pairs = sorted(value.items()) if isinstance(value, Mapping) else []
        return "{" + "".join(f"{json.dumps(k)}:{_hash_text(v, inner)};" for k, v in pairs) + "}"
    if kind == "object":
        return (
            "<" + "".join(f"{_hash_text(value.get(n), t)};" for n, t in sorted(inner.items())) + ">"
        )
    return json.dumps(value)
