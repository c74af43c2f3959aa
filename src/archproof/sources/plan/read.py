"""Reading plan JSON bytes: encodings real tools write, and clear errors for broken files."""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any

from archproof.errors import PlanError


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with a BOM (PowerShell's ``>`` writes that)."""
    if raw.startswith(codecs.BOM_UTF16_LE) or raw.startswith(codecs.BOM_UTF16_BE):
        return raw.decode("utf-16")
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8")
    if len(raw) >= 2 and raw[0] != 0 and raw[1] == 0:
        return raw.decode("utf-16-le")
    return raw.decode("utf-8")


def read_plan_document(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PlanError(str(path), "file not found") from None
    except OSError as exc:
        raise PlanError(str(path), f"cannot read: {exc.strerror or exc}") from None
    if not raw.strip():
        raise PlanError(str(path), "empty file: expected `terraform show -json <planfile>` output")
    try:
        text = decode(raw)
    except UnicodeDecodeError as exc:
        raise PlanError(str(path), f"not UTF-8 or UTF-16 text (byte {exc.start})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        ends_open = not text.rstrip().endswith("}")
        hint = " — the file looks truncated" if ends_open else ""
        raise PlanError(
            str(path), f"not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}{hint}"
        ) from None
    check_shape(path, document)
    return dict(document)


def check_shape(path: Path, document: Any) -> None:
    if not isinstance(document, dict):
        raise PlanError(str(path), "not a Terraform plan: the JSON top level is not an object")
    if "planned_values" in document or "resource_changes" in document:
        for key in ("planned_values", "resource_changes", "configuration"):
            value = document.get(key)
            if value is not None and not isinstance(value, dict | list):
                raise PlanError(str(path), f"not a Terraform plan: {key} has the wrong type")
        return
    if "values" in document:
        raise PlanError(
            str(path),
            "not a Terraform plan: it has top-level 'values' (state layout) and no planned_values"
            " or resource_changes; produce it with `terraform show -json <planfile>`",
        )
    raise PlanError(
        str(path),
        "not a Terraform plan: no planned_values or resource_changes"
        " (expected `terraform show -json <planfile>` output)",
    )
