"""ARM ids and documents: parse an id, read a document's properties, name what it points at.

Everything here works on the JSON Azure Resource Manager returns (camelCase, ``properties``),
the shape the emulator serves and the plan converter writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def segments(arm_id: str) -> list[str]:
    return [part for part in arm_id.split("/") if part]


def resource_group_of(arm_id: str) -> str:
    """``/subscriptions/s/resourceGroups/rg/providers/…`` → ``rg`` ("" when none)."""
    parts = segments(arm_id)
    for index, part in enumerate(parts[:-1]):
        if part.lower() == "resourcegroups":
            return parts[index + 1]
    return ""


def subscription_of(arm_id: str) -> str:
    parts = segments(arm_id)
    if len(parts) > 1 and parts[0].lower() == "subscriptions":
        return parts[1]
    return ""


def name_of(arm_id: str) -> str:
    parts = segments(arm_id)
    return parts[-1] if parts else ""


def parent_name(arm_id: str, levels: int = 1) -> str:
    """The name ``levels`` resource levels up: a subnet's virtual network name (1)."""
    parts = segments(arm_id)
    index = len(parts) - 1 - 2 * levels
    return parts[index] if index >= 0 else ""


def parent_id(arm_id: str, levels: int = 1) -> str:
    parts = segments(arm_id)
    return "/" + "/".join(parts[: len(parts) - 2 * levels]) if len(parts) > 2 * levels else ""


def mapping(value: Any) -> Mapping[str, Any]:
    """``value`` when it is a JSON object, else an empty one."""
    return value if isinstance(value, Mapping) else {}


def props(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """The document's ``properties`` (an empty mapping when there are none)."""
    found = document.get("properties")
    return found if isinstance(found, Mapping) else {}


def ref_id(value: Any) -> str:
    """The id of a sub-resource reference (``{"id": …}``); "" when there is none."""
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return str(value["id"])
    return ""


def ref_ids(values: Any) -> list[str]:
    return [ref_id(v) for v in values or () if ref_id(v)] if isinstance(values, list) else []


def tags_of(document: Mapping[str, Any]) -> dict[str, str]:
    tags = document.get("tags")
    if not isinstance(tags, Mapping):
        return {}
    return {str(k): "" if v is None else str(v) for k, v in tags.items()}


def common(document: Mapping[str, Any]) -> dict[str, Any]:
    """The attributes every azurerm resource has: id, name, location, resource group, tags."""
    arm_id = str(document.get("id") or "")
    return {
        "id": arm_id,
        "name": str(document.get("name") or name_of(arm_id)),
        "location": str(document.get("location") or ""),
        "resource_group_name": resource_group_of(arm_id),
        "tags": tags_of(document),
    }


def enabled(value: Any, default: bool | None = None) -> bool | None:
    """ARM's "Enabled"/"Disabled" strings and booleans as a boolean."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.lower() == "enabled"
    return default


def zone_list(document: Mapping[str, Any]) -> list[str]:
    zones = document.get("zones")
    return [str(z) for z in zones] if isinstance(zones, list) else []


def rest_dict(model: Any) -> dict[str, Any]:
    """An SDK model as the JSON ARM returned (REST names, read-only values kept)."""
    if isinstance(model, Mapping):
        as_dict = getattr(model, "as_dict", None)
        return dict(as_dict()) if callable(as_dict) else dict(model)
    serialize = getattr(model, "serialize", None)
    if callable(serialize):
        return dict(serialize(keep_readonly=True))
    raise TypeError(f"not an ARM model: {type(model).__name__}")
