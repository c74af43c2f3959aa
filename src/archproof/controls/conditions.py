"""What the ``Condition`` of a policy statement confines it to.

A condition narrows a grant only when it pins the request to fixed values of a key that says
who sends it or where from (``aws:SourceVpce = vpce-1a2b``); ``aws:SecureTransport``,
``aws:RequestedRegion`` and their like say how or when, and any caller can meet them. Only
positive tests pin: ``StringEquals``, ``StringLike``, ``ArnEquals``, ``ArnLike`` (and their
``IgnoreCase``/``ForAnyValue:`` forms), ``IpAddress`` for address keys. An ``…IfExists`` test
lets through every request that lacks the key (a call from the internet has no
``aws:SourceVpce``), ``ForAllValues:`` too, and a negated test (``StringNotEquals``,
``NotIpAddress``) admits everything but its values. A value is fixed when it holds no
wildcard (``*``, ``?``) and no policy variable (``${…}``); an address range is fixed when it
is no broader than /8 (IPv4) or /32 (IPv6) — S3's own reading of a public policy.

Condition blocks as ``aws_iam_policy_document`` writes them are turned into this JSON shape
by ``policies.statement_of`` before they come here.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Collection
from typing import Any

from archproof.inventory.model import Unknown

PINNING = frozenset(
    {
        "stringequals",
        "stringequalsignorecase",
        "stringlike",
        "arnequals",
        "arnlike",
        "ipaddress",
    }
)
NEGATED = frozenset(
    {
        "stringnotequals",
        "stringnotequalsignorecase",
        "stringnotlike",
        "arnnotequals",
        "arnnotlike",
        "notipaddress",
    }
)
ADDRESS_KEYS = frozenset({"aws:sourceip", "aws:vpcsourceip"})
_MIN_PREFIX = {4: 8, 6: 32}


def entries(condition: Any) -> list[tuple[Any, Any, Any]] | Unknown:
    """(operator, key, values) of each test in a ``Condition``; ``Unknown`` when its shape is."""
    if isinstance(condition, Unknown):
        return condition
    if not isinstance(condition, dict):
        return Unknown("the condition is not a map of tests")
    found: list[tuple[Any, Any, Any]] = []
    for operator, tests in condition.items():
        if isinstance(tests, Unknown):
            found.append((operator, tests, tests))
        elif isinstance(tests, dict):
            found += [(operator, key, values) for key, values in tests.items()]
        else:
            return Unknown(f"the {operator} test is not a map of keys")
    return found


def describe(condition: Any) -> str:
    """``Bool aws:SecureTransport, StringEquals aws:RequestedRegion``: the tests, not values."""
    tests = entries(condition)
    if isinstance(tests, Unknown):
        return f"a condition ({tests.reason})"
    return ", ".join(f"{_text(op)} {_text(key)}" for op, key, _ in tests) or "an empty condition"


def confines(condition: Any, keys: Collection[str]) -> bool | Unknown:
    """Does one test of the condition pin the statement to fixed values of one of ``keys``?

    The tests of a condition must all hold, so one pinning test confines the statement.
    ``Unknown`` when none does for certain and an unknown part might.
    """
    tests = entries(condition)
    if isinstance(tests, Unknown):
        return tests
    wanted = {k.lower() for k in keys}
    undecided: Unknown | None = None
    for operator, key, values in tests:
        verdict = _test_pins(operator, key, values, wanted, negated=False)
        if verdict is True:
            return True
        if isinstance(verdict, Unknown):
            undecided = verdict
    return undecided if undecided is not None else False


def refuses_outside(condition: Any, keys: Collection[str]) -> bool | Unknown:
    """For a ``Deny``: does it refuse every request from outside fixed values of ``keys``?

    A deny applies only when all its tests hold, so each one must be a negated test of such a
    key (``StringNotEquals aws:SourceVpce vpce-1``): one test of anything else (``Bool
    aws:SecureTransport false``) lets the requests that fail it through.
    """
    tests = entries(condition)
    if isinstance(tests, Unknown):
        return tests
    if not tests:
        return False
    wanted = {k.lower() for k in keys}
    undecided: Unknown | None = None
    for operator, key, values in tests:
        verdict = _test_pins(operator, key, values, wanted, negated=True)
        if verdict is False:
            return False
        if isinstance(verdict, Unknown):
            undecided = verdict
    return undecided if undecided is not None else True


def _test_pins(
    operator: Any, key: Any, values: Any, keys: set[str], *, negated: bool
) -> bool | Unknown:
    if isinstance(operator, Unknown) or isinstance(key, Unknown):
        return Unknown("a condition test is known only after apply")
    if not isinstance(operator, str) or not isinstance(key, str) or key.lower() not in keys:
        return False
    test = operator.lower()
    if test.startswith("forallvalues:"):
        return False  # true when the request carries no value of the key
    test = test.removeprefix("foranyvalue:")
    if negated:
        test = test.removesuffix("ifexists")  # a missing key makes a negated test hold
    if test not in (NEGATED if negated else PINNING):
        return False
    address = key.lower() in ADDRESS_KEYS
    if address != test.endswith("ipaddress"):
        return False
    listed = values if isinstance(values, list) else [values]
    if any(isinstance(v, Unknown) for v in listed):
        return Unknown(f"the values of {operator} {key} are known only after apply")
    if not listed:
        return False
    fixed = _narrow_range if address else _fixed_value
    return all(isinstance(v, str) and fixed(v, key.lower()) for v in listed)


def _fixed_value(value: str, key: str) -> bool:
    if key == "s3:dataaccesspointarn" and "accesspoint/" in value:
        value = value.split("accesspoint/", 1)[0]  # any access point of a fixed account
    return not any(mark in value for mark in ("*", "?", "${"))


def _narrow_range(value: str, key: str) -> bool:
    try:
        network = ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return False
    return network.prefixlen >= _MIN_PREFIX[network.version]


def _text(value: Any) -> str:
    return value.reason if isinstance(value, Unknown) else str(value)
