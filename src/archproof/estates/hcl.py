"""Render an estate as Terraform HCL: ``main.tf`` (+ ``outputs.tf``) and ``modules/<name>/*.tf``.

The text is laid out the way ``terraform fmt`` lays it out (aligned ``=`` in runs
of one-line attributes, two-space indent), so ``terraform fmt -check`` accepts it
and checkov reads it. Multi-line strings (policy documents) become heredocs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from archproof.estates.model import Call, Estate, EstateResource, Module, Output, Ref, Template
from archproof.estates.schema import Block, estate_provider, resource_schema

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_INLINE_WIDTH = 80


def render_hcl(estate: Estate) -> dict[str, str]:
    """Relative path → file text."""
    files = {"main.tf": _root_main(estate)}
    if estate.outputs:
        files["outputs.tf"] = _outputs(estate.outputs)
    for call in estate.modules:
        base = f"modules/{call.name}"
        resources = [r for r in estate.resources if r.module == call.name]
        files[f"{base}/main.tf"] = "\n".join(_resource(r) for r in resources)
        files[f"{base}/variables.tf"] = _variables(call)
        files[f"{base}/outputs.tf"] = _outputs(call.outputs)
        files[f"{base}/versions.tf"] = _terraform_block(estate)
    return files


def write_hcl(estate: Estate, directory: Path) -> list[Path]:
    written = []
    for relative, text in sorted(render_hcl(estate).items()):
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _terraform_block(estate: Estate, required_version: str = "") -> str:
    version = f"  required_version = {_string(required_version)}\n\n" if required_version else ""
    provider = estate_provider(r.type for r in estate.resources)
    return (
        "terraform {\n"
        f"{version}"
        "  required_providers {\n"
        f"    {provider} = {{\n"
        f'      source  = "hashicorp/{provider}"\n'
        f"      version = {_string(estate.provider_version)}\n"
        "    }\n"
        "  }\n"
        "}\n"
    )


def _root_main(estate: Estate) -> str:
    parts = [
        _terraform_block(estate, required_version=">= 1.5"),
        _provider_block(estate),
    ]
    for call in estate.modules:
        body = _body({"source": call.source}, 1) + "\n" + _body(dict(call.inputs), 1)
        parts.append(f'module "{call.name}" {{\n{body}}}\n')
    parts.extend(_resource(r) for r in estate.resources if not r.module)
    return "\n".join(parts)


def _provider_block(estate: Estate) -> str:
    if estate_provider(r.type for r in estate.resources) == "azurerm":
        subscription = _string(estate.account_id)
        return f'provider "azurerm" {{\n  subscription_id = {subscription}\n\n  features {{}}\n}}\n'
    return f'provider "aws" {{\n  region = {_string(estate.region)}\n}}\n'


def _resource(resource: EstateResource) -> str:
    meta: dict[str, Any] = {}
    if resource.count is not None:
        meta["count"] = resource.count
    if resource.for_each is not None:
        meta["for_each"] = dict(resource.for_each)
    schema = resource_schema(resource.type)
    body = _body(meta, 1) + ("\n" if meta else "")
    body += _body(resource.values, 1, schema.block if schema else None)
    if resource.depends_on:
        body += "\n" + _body({"depends_on": [_Raw(d) for d in resource.depends_on]}, 1)
    return f'resource "{resource.type}" "{resource.name}" {{\n{body}}}\n'


def _variables(call: Module) -> str:
    blocks = []
    for name, value in sorted(call.inputs.items()):
        lines = {"type": _Raw(_type_of(value))}
        if name in call.descriptions:
            lines["description"] = call.descriptions[name]  # type: ignore[assignment]
        blocks.append(f'variable "{name}" {{\n{_body(lines, 1)}}}\n')
    return "\n".join(blocks)


def _outputs(outputs: Mapping[str, Output]) -> str:
    blocks = []
    for name, output in sorted(outputs.items()):
        lines: dict[str, Any] = {"value": output.value}
        if output.description:
            lines["description"] = output.description
        blocks.append(f'output "{name}" {{\n{_body(lines, 1)}}}\n')
    return "\n".join(blocks)


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str | Template):
        return "string"
    if isinstance(value, list | tuple) and value and all(isinstance(v, str) for v in value):
        return "list(string)"
    if isinstance(value, Mapping) and all(isinstance(v, str) for v in value.values()):
        return "map(string)"
    return "any"


class _Raw(str):
    """Text written as is (a type expression, an address in depends_on)."""


def _nested(name: str, value: Any, block: Block | None) -> tuple[bool, Block | None]:
    """Whether ``name`` is written as nested blocks, and their schema.

    Schema blocks are blocks even when empty (then nothing is written); without a
    schema, a non-empty list of dicts is. Attributes-as-blocks (security group rules,
    routes) are attributes in the schema but written in block syntax when not empty.
    """
    if block is not None and name in block.blocks:
        return True, block.blocks[name].block
    if isinstance(value, list | tuple) and value and all(isinstance(v, Mapping) for v in value):
        return True, None
    return False, None


def _body(values: Mapping[str, Any], depth: int, block: Block | None = None) -> str:
    """Attributes (one-line runs aligned, multi-line ones apart), then nested blocks."""
    pad = "  " * depth
    single: list[tuple[str, str]] = []
    multi: list[str] = []
    nested: list[str] = []
    for name, value in values.items():
        is_block, inner = _nested(name, value, block)
        if is_block:
            for item in value:
                nested.append(f"{pad}{name} {{\n{_body(item, depth + 1, inner)}{pad}}}\n")
            continue
        text = _value(value, depth)
        if "\n" in text:
            multi.append(f"{pad}{_key(name)} = {text}\n")
        else:
            single.append((_key(name), text))
    chunks = []
    if single:
        width = max(len(k) for k, _ in single)
        chunks.append("".join(f"{pad}{k.ljust(width)} = {t}\n" for k, t in single))
    chunks.extend(multi)
    chunks.extend(nested)
    return "\n".join(chunks)


def _key(name: str) -> str:
    return name if _IDENTIFIER.match(name) else _string(name)


def _value(value: Any, depth: int) -> str:
    if isinstance(value, _Raw):
        return str(value)
    if isinstance(value, Ref):
        return value.text
    if isinstance(value, Call):
        return f"{value.function}({', '.join(_value(a, depth) for a in value.args)})"
    if isinstance(value, Template):
        inner = "".join(f"${{{p.text}}}" if isinstance(p, Ref) else _escape(p) for p in value.parts)
        return f'"{inner}"'
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return _heredoc(value, depth) if "\n" in value.rstrip("\n") else _string(value)
    if isinstance(value, Mapping):
        return _map(value, depth)
    if isinstance(value, list | tuple):
        return _list(value, depth)
    raise TypeError(f"cannot write {value!r} as HCL")


def _list(items: Any, depth: int) -> str:
    texts = [_value(v, depth + 1) for v in items]
    inline = f"[{', '.join(texts)}]"
    if not any("\n" in t for t in texts) and len(inline) + 2 * depth < _INLINE_WIDTH:
        return inline
    pad = "  " * (depth + 1)
    return "[\n" + "".join(f"{pad}{t},\n" for t in texts) + "  " * depth + "]"


def _map(values: Mapping[str, Any], depth: int) -> str:
    if not values:
        return "{}"
    return "{\n" + _body(values, depth + 1) + "  " * depth + "}"


def _string(text: str) -> str:
    return f'"{_escape(text)}"'


def _escape(text: str) -> str:
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return text.replace("${", "$${").replace("%{", "%%{")


def _heredoc(text: str, depth: int) -> str:
    """``<<-EOT`` keeps the text (its final newline included) and strips the indent."""
    if not text.endswith("\n"):
        raise ValueError("a multi-line string must end with a newline to be written as a heredoc")
    pad = "  " * (depth + 1)
    body = "".join(f"{pad}{line}\n" if line else "\n" for line in text[:-1].split("\n"))
    return f"<<-EOT\n{body.replace('${', '$${').replace('%{', '%%{')}{'  ' * depth}EOT"
