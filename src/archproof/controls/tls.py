"""TLS facts: minimum protocol version of AWS load balancer security policies."""

from __future__ import annotations

import re

# Predefined ELB policies whose names do not say their minimum version.
_NAMED = {
    "ELBSecurityPolicy-2016-08": "1.0",
    "ELBSecurityPolicy-2015-05": "1.0",
    "ELBSecurityPolicy-FS-2018-06": "1.0",
    "ELBSecurityPolicy-TLS-1-0-2015-04": "1.0",
    "ELBSecurityPolicy-TLS-1-1-2017-01": "1.1",
    "ELBSecurityPolicy-TLS-1-2-2017-01": "1.2",
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06": "1.2",
    "ELBSecurityPolicy-FS-1-1-2019-08": "1.1",
    "ELBSecurityPolicy-FS-1-2-2019-08": "1.2",
    "ELBSecurityPolicy-FS-1-2-Res-2019-08": "1.2",
    "ELBSecurityPolicy-FS-1-2-Res-2020-10": "1.2",
}
_PATTERNS = (
    re.compile(r"^ELBSecurityPolicy-TLS13-1-(\d)-"),
    re.compile(r"^ELBSecurityPolicy-TLS-1-(\d)-"),
    re.compile(r"^ELBSecurityPolicy-FS-1-(\d)-"),
)


def minimum_tls(policy: str) -> str | None:
    """``"1.2"`` for ELBSecurityPolicy-TLS13-1-2-2021-06; ``None`` when the policy is unknown."""
    if policy in _NAMED:
        return _NAMED[policy]
    for pattern in _PATTERNS:
        match = pattern.match(policy)
        if match:
            return f"1.{match.group(1)}"
    return None


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".") if p.isdigit())
