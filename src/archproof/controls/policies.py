"""IAM policy documents as a control judges them: from their JSON, or — before apply — from the
statements of the policy documents they are rendered from."""

from __future__ import annotations

import json
from typing import Any

from archproof.controls.api import Subject
from archproof.inventory.model import Resource, Unknown

POLICY_DOCUMENT = "data.aws_iam_policy_document"
ADMIN_POLICY = ":iam::aws:policy/AdministratorAccess"  # in every partition
_MERGED = ("source_policy_documents", "override_policy_documents")


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def star_on_star(document: Any) -> bool | Unknown:
    """Does a policy document allow every action on every resource — with ``*``, or with a
    ``NotAction`` on ``*`` (every action but those)? Unknown parts leave it undecided."""
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    undecided: Unknown | None = None
    for statement in _as_list(statements):
        if not isinstance(statement, dict):
            continue
        effect = statement.get("Effect")
        if isinstance(effect, Unknown):
            undecided = effect
            continue
        if effect != "Allow" or "Condition" in statement:
            continue
        actions = _as_list(statement.get("Action", []))
        resources = _as_list(statement.get("Resource", []))
        everything = "*" in actions or "NotAction" in statement
        if any(isinstance(a, Unknown) for a in actions):
            undecided = Unknown("an allowed action is known only after apply")
        elif everything and "*" in resources:
            return True
        elif everything and any(isinstance(r, Unknown) for r in resources):
            undecided = Unknown("the resources of an Allow * are known only after apply")
    return undecided if undecided is not None else False


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
    ):
        value = block.get(ours)
        if value not in (None, []):
            statement[theirs] = value
    if block.get("condition") not in (None, []):
        statement["Condition"] = block["condition"]
    return statement
