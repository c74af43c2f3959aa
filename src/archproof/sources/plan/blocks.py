"""Planned values the way a configuration wrote them: blocks a plan marks unknown as a
whole, attributes other resources fill in, and block items matched to planned positions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from archproof.inventory.model import UNSET_REASON, Unknown

_AFTER_APPLY = Unknown("known after apply")
_UNSET = Unknown(UNSET_REASON)
_ALWAYS_COMPUTED = ("id", "arn")


def unset_left_to_provider(
    values: dict[str, Any], expressions: Any, is_null: Callable[[Any], bool]
) -> dict[str, Any]:
    """Unknown attributes the configuration does not write (or writes as a variable nobody
    set, ``is_null``) are decided by the provider or the service at apply, not by a
    reference: they read as ``UNSET_REASON``, so a control can tell them from values known
    only after apply and apply a documented default."""
    if not isinstance(expressions, dict):
        return values  # no configuration recorded: nothing says what was written
    unset = {
        name: _UNSET
        for name, value in values.items()
        if isinstance(value, Unknown)
        and value.reason == _AFTER_APPLY.reason
        and name not in _ALWAYS_COMPUTED
        and (name not in expressions or is_null(expressions[name]))
    }
    return {**values, **unset} if unset else values


# Attributes a resource plans unknown when the configuration leaves them out, because
# separate resources fill them in: a new security group's inline rules (rule resources),
# a route table's routes (aws_route), an ACL's rules (aws_network_acl_rule), a bucket's
# encryption, versioning and policy (their own resources since provider v4).
_FILLED_ELSEWHERE: dict[str, dict[str, Any]] = {
    "aws_security_group": {"ingress": [], "egress": []},
    # Adopting the default group removes every rule it has, then adds the configured ones
    # (provider docs, aws_default_security_group).
    "aws_default_security_group": {"ingress": [], "egress": []},
    "aws_route_table": {"route": []},
    "aws_network_acl": {"ingress": [], "egress": []},
    "azurerm_network_security_group": {"security_rule": []},
    "aws_s3_bucket": {
        "server_side_encryption_configuration": [],
        "versioning": [],
        "logging": [],
        "policy": None,
    },
}


def filled_elsewhere(kind: str, values: dict[str, Any], expressions: Any) -> dict[str, Any]:
    """Unknown attributes the configuration does not write are empty here: the separate
    resources that fill them (rules, routes, bucket configurations) are read on their own."""
    if not isinstance(expressions, dict):
        return values  # no configuration: nothing says the attribute was left out
    empty = {
        name: value
        for name, value in _FILLED_ELSEWHERE.get(kind, {}).items()
        if isinstance(values.get(name), Unknown) and name not in expressions
    }
    return {**values, **empty} if empty else values


def synthesize_blocks(values: dict[str, Any], expressions: Any) -> dict[str, Any]:
    """Blocks whose whole set is unknown (one element holds an unknown) rebuilt from config.

    Terraform marks a set of blocks unknown as a whole when any element is unknown; the
    configuration still says what each block holds: constants stay, references become
    ``Unknown`` values whose targets the references name.
    """
    if not isinstance(expressions, dict):
        return values
    rebuilt = dict(values)
    for name, configured in expressions.items():
        if not isinstance(rebuilt.get(name), Unknown) or not isinstance(configured, list):
            continue
        if not all(isinstance(item, dict) for item in configured):
            continue
        rebuilt[name] = [_block_from_config(item) for item in configured]
    return rebuilt


def _block_from_config(item: dict[str, Any]) -> dict[str, Any]:
    block: dict[str, Any] = {}
    for key, expression in item.items():
        if isinstance(expression, dict) and "constant_value" in expression:
            block[key] = expression["constant_value"]
        elif isinstance(expression, dict) and expression.get("references"):
            block[key] = _AFTER_APPLY
        elif isinstance(expression, list):
            block[key] = [_block_from_config(i) for i in expression if isinstance(i, dict)]
    return block


class BlockMatcher:
    """Maps a configuration block item (``route.1.gateway_id``) to its planned list index.

    Sets of blocks (routes, ingress rules) are reordered in planned values, so items
    are matched by their constant attributes.
    """

    def __init__(self, expressions: dict[str, Any], values: dict[str, Any]) -> None:
        self._expressions = expressions
        self._values = values
        self._cache: dict[tuple[str, int], int | None] = {}

    def planned_path(self, path: tuple[str, ...]) -> str:
        if len(path) < 3 or not path[1].isdigit():
            return ""
        index = self._match(path[0], int(path[1]))
        if index is None:
            return ""
        return ".".join((path[0], str(index), *(p for p in path[2:] if not p.isdigit())))

    def _match(self, block: str, config_index: int) -> int | None:
        key = (block, config_index)
        if key not in self._cache:
            self._cache[key] = self._compute(block, config_index)
        return self._cache[key]

    def _compute(self, block: str, config_index: int) -> int | None:
        configured = self._expressions.get(block)
        planned = self._values.get(block)
        if not isinstance(configured, list) or not isinstance(planned, list):
            return None
        if len(configured) == 1 and len(planned) == 1:
            return 0
        item = configured[config_index] if config_index < len(configured) else None
        if not isinstance(item, dict):
            return None
        constants = {
            k: e["constant_value"]
            for k, e in item.items()
            if isinstance(e, dict) and "constant_value" in e
        }
        if not constants:
            return None
        matches = [
            position
            for position, p in enumerate(planned)
            if isinstance(p, dict)
            and all(
                _same(p.get(k), v)
                for k, v in constants.items()
                if not isinstance(p.get(k), Unknown)
            )
        ]
        return matches[0] if len(matches) == 1 else None


def _same(planned: Any, constant: Any) -> bool:
    if planned == constant:
        return True
    return str(planned) == str(constant)
