"""What provisioners share: the boto3 context, a skip signal, small conversion helpers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3

from archproof.errors import ArchproofError


class ProvisionError(ArchproofError):
    """A resource the control plane refused to create."""


class Skip(Exception):
    """Raised by a provisioner for a resource the control plane cannot hold."""


@dataclass
class Context:
    """What provisioners share: the session, the account, cached clients."""

    session: boto3.Session
    region: str
    account: str = ""
    _clients: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.session.client(service, region_name=self.region)  # type: ignore[call-overload]
        return self._clients[service]

    def arn(self, service: str, resource: str, *, region: bool = True) -> str:
        return f"arn:aws:{service}:{self.region if region else ''}:{self.account}:{resource}"


Provisioner = Callable[[Context, Mapping[str, Any]], dict[str, Any]]


def tag_list(values: Mapping[str, Any]) -> list[dict[str, str]]:
    """``tags`` as ``[{"Key": …, "Value": …}]``."""
    return [{"Key": k, "Value": str(v)} for k, v in (values.get("tags") or {}).items()]


def first(values: Mapping[str, Any], block: str) -> Mapping[str, Any]:
    """The single nested block ``block`` (``{}`` when absent)."""
    items = values.get(block) or []
    return items[0] if items else {}


def drop_none(**kwargs: Any) -> dict[str, Any]:
    """Keyword arguments for a boto3 call, without the unset ones."""
    return {k: v for k, v in kwargs.items() if v is not None}
