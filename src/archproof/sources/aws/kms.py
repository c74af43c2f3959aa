"""KMS: keys (customer- and AWS-managed, told apart by ``key_manager``), rotation, aliases."""

from __future__ import annotations

from typing import Any

from archproof.inventory.model import Unknown
from archproof.sources.aws.base import Scan, iso, tag_dict

KINDS = ("aws_kms_key",)


def collect(scan: Scan) -> None:
    kms = scan.client("kms")
    keys = scan.items(kms, "list_keys", "Keys[]", KINDS)
    if keys is None:
        return
    aliases: dict[str, list[tuple[str, str]]] = {}
    for alias in scan.items(kms, "list_aliases", "Aliases[]", KINDS) or ():
        if alias.get("TargetKeyId"):
            aliases.setdefault(alias["TargetKeyId"], []).append(
                (alias["AliasName"], alias.get("AliasArn", ""))
            )
    for key in keys:
        answer = scan.call(kms, "describe_key", KINDS, KeyId=key["KeyId"])
        if answer is not None:
            _add(scan, kms, answer.get("KeyMetadata", {}), aliases.get(key["KeyId"], []))


def _rotation(scan: Scan, kms: Any, meta: dict[str, Any]) -> bool | Unknown:
    rotatable = (
        meta.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
        and meta.get("Origin", "AWS_KMS") == "AWS_KMS"
        and meta.get("KeyState") in ("Enabled", "Disabled")
    )
    if not rotatable:  # asymmetric, HMAC, imported, custom key store or pending deletion
        return False
    key_id = meta["KeyId"]
    answer = scan.call(kms, "get_key_rotation_status", KINDS, KeyId=key_id)
    if answer is None:
        return Unknown("the key rotation status could not be read")
    return bool(answer.get("KeyRotationEnabled"))


def _add(scan: Scan, kms: Any, meta: dict[str, Any], aliases: list[tuple[str, str]]) -> None:
    key_id, arn = meta["KeyId"], meta.get("Arn")
    manager = meta.get("KeyManager")
    tags: dict[str, str] = {}
    if manager == "CUSTOMER":
        answer = scan.call(kms, "list_resource_tags", KINDS, KeyId=key_id)
        tags = tag_dict((answer or {}).get("Tags"), key="TagKey", value="TagValue")
    scan.add(
        "aws_kms_key",
        key_id,
        {
            "key_id": key_id,
            "id": key_id,
            "arn": arn,
            "description": meta.get("Description"),
            "key_manager": manager,
            "key_state": meta.get("KeyState"),
            "is_enabled": bool(meta.get("Enabled")),
            "key_usage": meta.get("KeyUsage"),
            "customer_master_key_spec": meta.get("KeySpec"),
            "multi_region": bool(meta.get("MultiRegion")),
            "origin": meta.get("Origin"),
            "enable_key_rotation": _rotation(scan, kms, meta),
            "deletion_date": iso(meta.get("DeletionDate")),
            "aliases": [name for name, _ in aliases],
        },
        ids=(key_id, arn, *(name for name, _ in aliases), *(alias_arn for _, alias_arn in aliases)),
        tags=tags,
    )
