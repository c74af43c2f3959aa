"""Secret-free views of configuration: which names look like secrets, and what user data assigns.

Used by the live sources (to keep secret values out of the inventory) and by the controls
(to judge plan and live alike). Nothing here returns a value: only names, and what kind
of value a name is given (a literal, a reference to somewhere else, or nothing).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fnmatch
import gzip
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

PLACEHOLDER = "(redacted)"
"""What a live source keeps instead of a value that may be a secret."""

SECRET_PATTERNS = ("*password*", "*secret*", "*token*", "*key*")
"""Names (case-insensitive globs) that say a value is a secret."""

REFERENCE_PATTERNS = (
    "*_arn",
    "*_name",
    "*_id",
    "*_path",
    "*_param",
    "*_parameter",
    "*_ref",
    "*public*key*",
)
"""Names that hold where a secret is kept, or something public, not the secret itself."""

_STORE_POINTER = re.compile(r"^arn:aws[a-z-]*:(secretsmanager|ssm|kms):", re.IGNORECASE)
_SHAPES = {
    "aws-access-key-id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "private-key": re.compile(
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)", re.DOTALL
    ),
}
_MARKER = re.compile(r"\(redacted:([a-z-]+)\)")
_INLINE = re.compile(
    r"""(?<![\w$.\-])(?:--)?([A-Za-z_][A-Za-z0-9_.\-]*)=("[^"]*"|'[^']*'|[^\s;&|]*)"""
)
_KEY_VALUE = re.compile(
    r"""^\s*(?:-\s+)?(?:export\s+)?["']?([A-Za-z_][A-Za-z0-9_.\-]*)["']?\s*:\s+(.*?)\s*$"""
)
_FLAG = re.compile(
    r"""(?<![\w-])--([A-Za-z][A-Za-z0-9_\-]*)\s+("[^"]*"|'[^']*'|[^\s;&|-][^\s;&|]*)"""
)

Kind = Literal["literal", "reference", "empty"]


@dataclass(frozen=True, slots=True)
class Assignment:
    """A name given a value somewhere in configuration text (the value itself is not kept)."""

    name: str
    kind: Kind


def _lower(patterns: Iterable[str]) -> list[str]:
    return [str(p).lower() for p in patterns]


def secret_like(
    name: str,
    patterns: Iterable[str] = SECRET_PATTERNS,
    references: Iterable[str] = REFERENCE_PATTERNS,
) -> bool:
    """Does the name say it holds a secret (and not merely where one is kept)?"""
    lowered = name.lower().replace("-", "_")
    if any(fnmatch.fnmatchcase(lowered, p) for p in _lower(references)):
        return False
    return any(fnmatch.fnmatchcase(lowered, p) for p in _lower(patterns))


def is_store_pointer(value: str) -> bool:
    """An ARN into Secrets Manager, SSM or KMS: where a secret is kept, not the secret."""
    return bool(_STORE_POINTER.match(value.strip()))


def value_kind(value: str) -> Kind:
    text = value.strip().strip("\"'")
    if not text:
        return "empty"
    if text == PLACEHOLDER:
        return "literal"
    if text.startswith("$") or "{{resolve:" in text or is_store_pointer(text):
        return "reference"  # a shell/template variable, a command's output, a store pointer
    return "literal"


def redact_variables(variables: Mapping[str, Any] | None) -> dict[str, str]:
    """Environment variables with every value replaced by ``PLACEHOLDER``.

    Empty values and pointers into a key store (Secrets Manager/SSM/KMS ARNs) are kept:
    neither is a secret, and both tell a control the secret is kept elsewhere.
    """
    kept: dict[str, str] = {}
    for name, value in (variables or {}).items():
        text = "" if value is None else str(value)
        kept[str(name)] = text if not text or is_store_pointer(text) else PLACEHOLDER
    return kept


def decode_user_data(value: str) -> str:
    """User data as text: base64 (as Terraform and EC2 keep it) and gzip are undone."""
    raw: bytes
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = value.encode("utf-8", "replace")
    if raw[:2] == b"\x1f\x8b":
        with contextlib.suppress(OSError, EOFError):
            raw = gzip.decompress(raw)
    return raw.decode("utf-8", "replace")


def secret_shapes(text: str) -> list[str]:
    """Labels of values that are secrets whatever their name (access key ids, private keys)."""
    found = [label for label, shape in _SHAPES.items() if shape.search(text)]
    found += [m.group(1) for m in _MARKER.finditer(text)]
    return list(dict.fromkeys(found))


def assignments(text: str) -> list[Assignment]:
    """Names given values in user data: ``NAME=value``, ``name: value``, ``--name value``."""
    text = _MARKER.sub(" ", text)
    for shape in _SHAPES.values():
        text = shape.sub(" ", text)
    found: dict[tuple[str, Kind], Assignment] = {}
    for line in text.splitlines():
        for match in _INLINE.finditer(line):
            name, value = match.group(1), match.group(2)
            found.setdefault((name, value_kind(value)), Assignment(name, value_kind(value)))
        key_value = _KEY_VALUE.match(line)
        if key_value and "=" not in line.split(":", 1)[0]:
            name, value = key_value.group(1), key_value.group(2)
            found.setdefault((name, value_kind(value)), Assignment(name, value_kind(value)))
        for match in _FLAG.finditer(line):
            name, value = match.group(1), match.group(2)
            found.setdefault((name, value_kind(value)), Assignment(name, value_kind(value)))
    return list(found.values())


def redact_user_data(value: str | None) -> str | None:
    """User data (base64) rewritten without values: one ``NAME=…`` line per assignment found,
    literals as ``PLACEHOLDER``, and a marker for each secret-shaped value. Base64 again."""
    if value is None:
        return None
    if not value:
        return ""
    text = decode_user_data(value)
    shown = {"literal": PLACEHOLDER, "reference": "$ref", "empty": ""}
    lines = [f"{a.name}={shown[a.kind]}" for a in assignments(text)]
    lines += [f"(redacted:{label})" for label in secret_shapes(text)]
    return base64.b64encode("\n".join(lines).encode()).decode()
