"""Which statements of a bucket policy let anyone in, by S3's own reading of a public policy
("The meaning of public", S3 Block Public Access): a statement allowing everyone
(``Principal`` ``*`` or ``{"AWS": "*"}``, or any ``NotPrincipal``) is public unless its
condition pins it to fixed values of a key that names who or where — the keys below — or a
deny refuses every request from outside such values to all it allows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from archproof.controls.conditions import confines, describe, refuses_outside
from archproof.inventory.model import Unknown

# AWS's list of what a non-public bucket policy may grant to: fixed principals (e.g.
# aws:PrincipalOrgID), address ranges, source ARN/VPC/endpoint/owner/account, a KMS key, a
# user id, an access point.
CONFINING_KEYS = (
    "aws:PrincipalOrgID",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:SourceIp",
    "aws:SourceArn",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceOwner",
    "aws:SourceAccount",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
    "aws:userid",
    "s3:DataAccessPointArn",
    "s3:DataAccessPointAccount",
)
_ALL_S3 = ("*", "s3:*")


@dataclass
class Exposure:
    """``public``: (statement, how) per statement letting anyone in; ``undecided``: why one
    may; ``refused``: open statements a deny confines."""

    public: list[tuple[str, str]] = field(default_factory=list)
    undecided: Unknown | None = None
    refused: list[str] = field(default_factory=list)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def everyone(statement: dict[str, Any]) -> bool | Unknown:
    """Does the statement name every principal: ``*``, ``{"AWS": "*"}``, a NotPrincipal, or a
    federated identity provider (anyone it signs in)?"""
    if "NotPrincipal" in statement:
        return True
    principal = statement.get("Principal")
    if principal == "*":
        return True
    if isinstance(principal, Unknown):
        return principal
    if isinstance(principal, dict):
        if "Federated" in principal:
            return True  # anyone the identity provider signs in (AWS's own example)
        listed = _as_list(principal.get("AWS", []))
        if "*" in listed:
            return True
        if any(isinstance(v, Unknown) for v in (*listed, *principal)):
            return Unknown("a principal is known only after apply")
    return False


def exposure(document: Any) -> Exposure:
    """The statements of a bucket policy document that let anyone in."""
    found = Exposure()
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    statements = [s for s in _as_list(statements) if isinstance(s, dict)]
    denies = [s for s in statements if s.get("Effect") == "Deny"]
    for position, statement in enumerate(statements):
        label = str(statement.get("Sid") or f"#{position}")
        effect = statement.get("Effect")
        if isinstance(effect, Unknown):
            found.undecided = effect
            continue
        if effect != "Allow":
            continue
        open_to_all = everyone(statement)
        if open_to_all is False:
            continue
        condition = statement.get("Condition")
        pinned = False if condition in (None, {}) else confines(condition, CONFINING_KEYS)
        if pinned is True:
            continue
        refused = _refused(statement, denies)
        if refused is True:
            found.refused.append(label)
        elif isinstance(open_to_all, Unknown):
            found.undecided = open_to_all
        elif isinstance(pinned, Unknown):
            found.undecided = Unknown(f"{label} under {describe(condition)}: {pinned.reason}")
        elif isinstance(refused, Unknown):
            found.undecided = Unknown(f"{label}: a deny may refuse it: {refused.reason}")
        else:
            how = "" if condition in (None, {}) else f"under {describe(condition)}"
            found.public.append((label, how))
    return found


def _refused(allow: dict[str, Any], denies: list[dict[str, Any]]) -> bool | Unknown:
    """Does a deny of everyone refuse, to every request from outside fixed values of the
    confining keys, all that the statement allows?"""
    undecided: Unknown | None = None
    for deny in denies:
        verdict = _deny_covers(allow, deny)
        if verdict is True:
            verdict = refuses_outside(deny.get("Condition"), CONFINING_KEYS)
        if verdict is True:
            return True
        if isinstance(verdict, Unknown):
            undecided = verdict
    return undecided if undecided is not None else False


def _deny_covers(allow: dict[str, Any], deny: dict[str, Any]) -> bool | Unknown:
    if "Condition" not in deny or any(k in deny for k in ("NotPrincipal", "NotAction")):
        return False
    if "NotResource" in deny or everyone(deny) is not True:
        return False
    actions = _covers(allow, deny, "Action", lambda a, p: fnmatchcase(a.lower(), p.lower()))
    if actions is not True:
        return actions
    return _covers(allow, deny, "Resource", fnmatchcase)


def _covers(
    allow: dict[str, Any], deny: dict[str, Any], key: str, match: Callable[[str, str], bool]
) -> bool | Unknown:
    """Does every value of the allow's ``key`` fall under a pattern of the deny's?"""
    patterns = _as_list(deny.get(key, []))
    if any(isinstance(p, Unknown) for p in patterns):
        return Unknown(f"the deny's {key} is known only after apply")
    everything = _ALL_S3 if key == "Action" else ("*",)
    if any(isinstance(p, str) and p.lower() in everything for p in patterns):
        return True
    if f"Not{key}" in allow:
        return False  # all but some: only a deny of everything covers it
    values = _as_list(allow.get(key, []))
    if any(isinstance(v, Unknown) for v in values):
        return Unknown(f"what the statement's {key} names is known only after apply")
    return bool(values) and all(
        isinstance(v, str) and any(isinstance(p, str) and match(v, p) for p in patterns)
        for v in values
    )
