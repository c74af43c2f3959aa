"""A minimal `terraform show -json` document, written the way Terraform writes one.

``planned(address, values, **refs)`` describes one resource (``LATER`` marks a value known
only after apply, ``COMPUTED`` one the configuration leaves to the provider; ``refs`` the
references its configuration writes); ``plan_file`` writes
planned_values, resource_changes and configuration for them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

LATER = object()  # a value known only after apply, written in the configuration
COMPUTED = object()  # left out of the configuration: the provider plans it unknown


def _split(value: Any) -> tuple[Any, Any]:
    """(after, after_unknown) of a value holding ``LATER`` leaves."""
    if value is LATER or value is COMPUTED:
        return None, True
    if isinstance(value, dict):
        after, unknown = {}, {}
        for key, item in value.items():
            known, later = _split(item)
            if later is True:
                unknown[key] = True
                continue
            after[key] = known
            if later:
                unknown[key] = later
        return after, unknown
    if isinstance(value, list):
        pairs = [_split(item) for item in value]
        later = [u or False for _, u in pairs]
        return [a for a, _ in pairs], later if any(later) else []
    return value, False


def _has_later(value: Any) -> bool:
    if value is LATER or value is COMPUTED:
        return True
    if isinstance(value, dict):
        return any(_has_later(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_later(v) for v in value)
    return False


def _expression(value: Any) -> Any:
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return [
            {k: e for k, v in item.items() if (e := _expression(v)) is not None} for item in value
        ]
    if value is LATER:  # written in the configuration, from something known only after apply
        return {"references": ["var.later"]}
    return None if _has_later(value) else {"constant_value": value}


def _expressions(values: dict[str, Any], refs: dict[str, list[str]]) -> dict[str, Any]:
    expressions = {k: e for k, v in values.items() if (e := _expression(v)) is not None}
    for path, targets in refs.items():
        node: Any = expressions
        parts = path.split(".")
        for part in parts[:-1]:
            node = node[int(part)] if part.isdigit() else node.setdefault(part, [{}])
        node[parts[-1]] = {"references": targets}
    return expressions


def planned(address: str, values: dict[str, Any], **refs: str) -> dict[str, Any]:
    """One planned resource; ``refs`` maps an attribute path (``origin__0__domain_name``) to
    the reference written in the configuration (``aws_s3_bucket.a.bucket_regional_domain_name``)."""
    paths = {k.replace("__", "."): [v, v.rsplit(".", 1)[0]] for k, v in refs.items()}
    return {"address": address, "values": values, "refs": paths}


def plan_file(tmp_path: Path, *resources: dict[str, Any], name: str = "plan.json") -> Path:
    planned_values, changes, configuration = [], [], []
    for item in resources:
        kind, name_ = item["address"].split(".")
        after, unknown = _split(item["values"])
        head = {"address": item["address"], "mode": "managed", "type": kind, "name": name_}
        provider = {"provider_name": "registry.terraform.io/hashicorp/aws"}
        planned_values.append(
            {**head, **provider, "schema_version": 0, "values": after, "sensitive_values": {}}
        )
        change = {"actions": ["create"], "before": None, "after": after, "after_unknown": unknown}
        changes.append({**head, **provider, "change": change})
        configuration.append(
            {
                "address": item["address"],
                "mode": "managed",
                "type": kind,
                "name": name_,
                "provider_config_key": "aws",
                "expressions": _expressions(item["values"], item["refs"]),
                "schema_version": 0,
            }
        )
    document = {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "planned_values": {"root_module": {"resources": planned_values}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "full_name": "hashicorp/aws"}},
            "root_module": {"resources": configuration},
        },
    }
    path = tmp_path / name
    path.write_text(json.dumps(document, indent=1))
    return path
