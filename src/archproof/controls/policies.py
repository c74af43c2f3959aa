"""IAM policy documents as a control judges them: from their JSON, or — before apply — from the
statements of the policy documents they are rendered from; and which statements grant every
action on every resource."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from archproof.controls.api import Subject
from archproof.controls.conditions import confines, describe
from archproof.inventory.model import Resource, Unknown

POLICY_DOCUMENT = "data.aws_iam_policy_document"
_MERGED = ("source_policy_documents", "override_policy_documents")
_AWS_MANAGED = re.compile(r"^arn:[a-z0-9-]+:iam::aws:policy/(?P<name>.+)$")
_EVERY_ACTION = re.compile(r"^\*+(:\*+)?$")  # "*", "*:*"


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def aws_managed_name(arn: str) -> str | None:
    """``PowerUserAccess`` (or ``job-function/ViewOnlyAccess``) for an AWS managed policy's
    ARN, in any partition; ``None`` for any other ARN."""
    match = _AWS_MANAGED.match(arn)
    return match.group("name") if match else None


def every_action(pattern: Any) -> bool:
    return isinstance(pattern, str) and bool(_EVERY_ACTION.match(pattern.strip()))


def every_resource(pattern: Any) -> bool:
    """``*``, or an ARN pattern that fixes nothing past the partition (``arn:aws:*:*:*:*``)."""
    if not isinstance(pattern, str):
        return False
    parts = pattern.strip().split(":")
    if parts == ["*"]:
        return True
    if parts[0] != "arn" or len(parts) < 2:
        return False
    partition, rest = parts[1], parts[2:]
    if partition.strip("*") and not re.fullmatch(r"aws[a-z-]*", partition):
        return False
    # a segment matches only its own part of an ARN, the last one also all that follows
    wild = [p != "" and p.strip("*") == "" for p in (partition, *rest)]
    return all(wild[1:]) and wild[-1]


@dataclass
class Breadth:
    """What a document grants too broadly: ``found`` (one line per statement granting every
    action on every resource), ``narrowed`` (such grants a condition confines), ``undecided``
    (why a statement's breadth is not known)."""

    found: list[str] = field(default_factory=list)
    narrowed: list[str] = field(default_factory=list)
    undecided: Unknown | None = None


def broad_grants(document: Any, narrowing_keys: Collection[str] = ()) -> Breadth:
    """The statements that allow every action on every resource: ``*`` (or ``*:*``), or
    ``NotAction`` (every action but those), on ``*`` (or an ARN pattern as wide), or
    ``NotResource`` (every resource but those). A condition narrows such a statement only when
    it pins it to fixed values of one of ``narrowing_keys`` (see ``conditions``)."""
    breadth = Breadth()
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    for position, statement in enumerate(_as_list(statements)):
        if not isinstance(statement, dict):
            continue
        label = str(statement.get("Sid") or f"#{position}")
        effect = statement.get("Effect")
        if isinstance(effect, Unknown):
            breadth.undecided = effect
            continue
        if effect != "Allow":
            continue
        grant = _grants_everything(statement)
        if grant is None:
            continue
        if isinstance(grant, Unknown):
            breadth.undecided = grant
            continue
        if "Condition" not in statement:
            breadth.found.append(f"{label}: Allow {grant}")
            continue
        condition = statement["Condition"]
        narrowed = confines(condition, narrowing_keys)
        tests = describe(condition)
        if narrowed is True:
            breadth.narrowed.append(f"{label}: Allow {grant} only where {tests} pins it")
        elif isinstance(narrowed, Unknown):
            breadth.undecided = Unknown(f"{label}: Allow {grant} under {tests}: {narrowed.reason}")
        else:
            breadth.found.append(f"{label}: Allow {grant} under {tests}, which narrows no caller")
    return breadth


def _grants_everything(statement: dict[str, Any]) -> str | Unknown | None:
    """How the statement reaches every action and every resource (``* on *``, ``NotAction
    ['iam:*'] on NotResource [...]``); ``None`` when it does not."""
    actions = _side(statement, "Action", every_action, "every action")
    resources = _side(statement, "Resource", every_resource, "every resource")
    if actions is None or resources is None:
        return None
    for side in (actions, resources):
        if isinstance(side, Unknown):
            return side
    return f"{actions} on {resources}"


def _side(
    statement: dict[str, Any], key: str, everything: Callable[[Any], bool], what: str
) -> str | Unknown | None:
    """``*`` or ``Not<key> [...]`` when the statement's ``key`` side covers everything."""
    if f"Not{key}" in statement:
        excluded = _as_list(statement[f"Not{key}"])
        if any(everything(v) for v in excluded):
            return None  # all but everything: nothing
        if any(isinstance(v, Unknown) for v in excluded):
            return Unknown(f"what Not{key} leaves out is known only after apply")
        return f"Not{key} {excluded}"
    listed = _as_list(statement.get(key, []))
    if any(everything(v) for v in listed):
        return str(next(v for v in listed if everything(v)))
    if any(isinstance(v, Unknown) for v in listed):
        return Unknown(f"{what} a statement allows is known only after apply")
    return None


def policy_document(subject: Subject, resource: Resource) -> Any:
    """The policy as a document: its JSON; before apply, the statements of the one policy
    document it is rendered from (and those it merges). A policy built from several
    documents, or from one whose parts are not all known, stays ``Unknown``."""
    text = resource.get("policy")
    if isinstance(text, str):
        return parsed(text)
    sources = subject.inventory.related(resource, "policy", kinds=(POLICY_DOCUMENT,))
    if len(sources) > 1:
        listed = ", ".join(s.address for s in sources)
        return Unknown(f"the policy is built at apply from several documents ({listed})")
    if sources:
        return _document_of(subject, sources[0], depth=0)
    return text if isinstance(text, Unknown) else Unknown("the policy document is not recorded")


def _document_of(subject: Subject, source: Resource, depth: int) -> Any:
    rendered = source.get("json")
    if isinstance(rendered, str):
        return parsed(rendered)
    statements = source.get("statement")
    if not isinstance(statements, list) or depth > 8:
        return Unknown(f"the statements of {source.address} are known only after apply")
    found = [statement_of(s) for s in statements if isinstance(s, dict)]
    for attribute in _MERGED:  # merged documents' statements are part of this one
        value = source.get(attribute)
        if value in (None, []):
            continue
        merged = subject.inventory.related(source, attribute, kinds=(POLICY_DOCUMENT,))
        if isinstance(value, Unknown) and not merged:
            return Unknown(f"{source.address} merges documents known only after apply")
        for other in merged:
            document = _document_of(subject, other, depth + 1)
            if isinstance(document, Unknown):
                return document
            found += _as_list(document.get("Statement", []))
        if isinstance(value, list) and any(isinstance(v, str) for v in value):
            texts = [parsed(v) for v in value if isinstance(v, str)]
            if any(isinstance(t, Unknown) for t in texts):
                return Unknown(f"{source.address} merges a document that is not JSON")
            found += [s for t in texts for s in _as_list(t.get("Statement", []))]
    return {"Statement": found}


def parsed(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return Unknown("not valid JSON")


def statement_of(block: dict[str, Any]) -> dict[str, Any]:
    """A ``statement`` block of aws_iam_policy_document in IAM JSON terms."""
    effect = block.get("effect")
    statement: dict[str, Any] = {"Effect": "Allow" if effect in (None, "") else effect}
    for ours, theirs in (
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ):
        value = block.get(ours)
        if value not in (None, []):
            statement[theirs] = value
    for ours, theirs in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        if block.get(ours) not in (None, []):
            statement[theirs] = _principal_of(block[ours])
    if block.get("condition") not in (None, []):
        statement["Condition"] = _condition_of(block["condition"])
    return statement


def _principal_of(blocks: Any) -> Any:
    """``principals`` blocks as IAM writes them: ``"*"`` for type and identifier ``*``."""
    if not isinstance(blocks, list):
        return Unknown("the principals are known only after apply")
    principal: dict[Any, list[Any]] = {}
    for block in blocks:
        kind = block.get("type") if isinstance(block, dict) else None
        if isinstance(kind, Unknown) or not isinstance(block, dict):
            return Unknown("a principal type is known only after apply")
        identifiers = block.get("identifiers")
        if kind == "*" and identifiers == ["*"]:
            return "*"
        principal.setdefault(kind, []).extend(_as_list(identifiers))
    return principal


def _condition_of(blocks: Any) -> Any:
    """``condition`` blocks (test, variable, values) as IAM's ``{test: {variable: values}}``."""
    if not isinstance(blocks, list):
        return Unknown("the condition is known only after apply")
    condition: dict[str, dict[str, list[Any]]] = {}
    for block in blocks:
        if not isinstance(block, dict):
            return Unknown("a condition is known only after apply")
        test, variable = block.get("test"), block.get("variable")
        if not isinstance(test, str) or not isinstance(variable, str):
            return Unknown("a condition's test or variable is known only after apply")
        values = block.get("values")
        listed = values if isinstance(values, list) else [values]
        condition.setdefault(test, {}).setdefault(variable, []).extend(listed)
    return condition
