"""What a plain-HTTP listener answers: its default action and its rules, which answer first.

A redirect to HTTPS serves nothing over HTTP, nor does a rule refusing with a fixed 4xx/5xx
response; a forward, or a fixed page (2xx), serves content over plain HTTP. A rule whose
listener the plan cannot name may be any listener's."""

from __future__ import annotations

from typing import Any

from archproof.controls.api import Findings
from archproof.inventory.model import Inventory, Resource, Unknown, first_block, is_unknown

RULE = "aws_lb_listener_rule"
LISTENERS = ("aws_lb_listener",)


def judge_actions(what: str, actions: Any, findings: Findings, *, refusals: bool) -> None:
    """Judge a list of listener actions: each must redirect to HTTPS (or, with ``refusals``,
    answer a fixed 4xx/5xx response)."""
    if isinstance(actions, Unknown):
        findings.unknown(what, actions)
    for action in actions if isinstance(actions, list) else []:
        kind = action.get("type") if isinstance(action, dict) else None
        if isinstance(kind, Unknown):
            findings.unknown(what, "part is known only after apply")
        elif kind == "redirect":
            _judge_redirect(what, action, findings)
        elif kind == "fixed-response" and refusals:
            _judge_fixed(what, action, findings)
        else:
            required = "'redirect' to HTTPS" + (" or a fixed 4xx/5xx refusal" if refusals else "")
            findings.fail(f"{what}.type", kind, required)


def _judge_redirect(what: str, action: dict[str, Any], findings: Findings) -> None:
    redirect = first_block(action.get("redirect"))
    protocol = redirect if isinstance(redirect, Unknown) else redirect.get("protocol")
    if is_unknown(protocol):
        findings.unknown(f"{what} redirect.protocol", "known only after apply")
    elif str(protocol or "").upper() != "HTTPS":
        findings.fail(f"{what} redirect.protocol", protocol, "'HTTPS'")


def _judge_fixed(what: str, action: dict[str, Any], findings: Findings) -> None:
    fixed = first_block(action.get("fixed_response"))
    status = fixed if isinstance(fixed, Unknown) else fixed.get("status_code")
    if is_unknown(status):
        findings.unknown(f"{what} fixed_response.status_code", "known only after apply")
    elif not str(status or "").startswith(("4", "5")):
        findings.fail(
            f"{what}.type",
            "fixed-response",
            f"'redirect' to HTTPS or a fixed 4xx/5xx refusal, not a {status} page",
        )


def harmless(rule: Resource) -> bool:
    """Does the rule only redirect to HTTPS or refuse, on whichever listener it is?"""
    trial = Findings(rule)
    judge_actions("action", rule.get("action"), trial, refusals=True)
    return not trial.failures and not trial.unknowns


def _unplaced(inv: Inventory) -> list[Resource]:
    """Rules whose listener the plan cannot name at all: known only after apply, through
    something that is no listener here (a data-source lookup, an unknown expression)."""
    found = inv.memo.get("listener-rules-unplaced")
    if found is None:
        found = []
        for rule in inv.of_kind(RULE):
            relation = inv.relation(rule, "listener_arn", LISTENERS)
            if relation.targets or relation.candidates:
                continue
            if is_unknown(rule.get("listener_arn")):
                found.append(rule)
        inv.memo["listener-rules-unplaced"] = found
    return list(found)


def judge_rules(inv: Inventory, listener: Resource, findings: Findings) -> None:
    """Judge the rules of a plain-HTTP listener, and the rules that may be its own."""
    for rule in inv.referring(listener, RULE, "listener_arn"):
        judge_actions(f"{rule.address} action", rule.get("action"), findings, refusals=True)
    maybe = inv.maybe_referring(listener, RULE, "listener_arn", LISTENERS) + _unplaced(inv)
    for rule in maybe:
        if not harmless(rule):
            findings.unknown(
                rule.address, "it may be a rule of this listener, and it may serve content"
            )
