"""What every service collector uses: guarded API calls and resource building.

A ``Scan`` is one service in one region. Every failed call becomes a
``CollectionError`` naming the kinds it was gathering; nothing is swallowed
and nothing stops the other calls.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from archproof.inventory.model import CollectionError, Resource
from archproof.sources.aws.session import AwsSession, describe_failure

SOURCE = "live"
GLOBAL_SERVICES = frozenset({"iam"})

Kinds = tuple[str, ...]


@dataclass
class Scan:
    """One service × region of a collection run, with what it found and what failed."""

    service: str
    region: str  # "" for a global service (its clients talk to the run's first region)
    aws: AwsSession
    regions: tuple[str, ...] = ()  # every region of the run
    resources: list[Resource] = field(default_factory=list)
    errors: list[CollectionError] = field(default_factory=list)

    @property
    def account(self) -> str:
        return self.aws.account

    @property
    def home_region(self) -> str:
        return self.region or (self.regions[0] if self.regions else self.aws.default_region)

    @property
    def partition(self) -> str:
        return partition_of(self.home_region)

    def client(self, name: str, region: str | None = None) -> Any:
        return self.aws.client(name, region or self.home_region)

    def call(
        self,
        client: Any,
        op: str,
        kinds: Kinds,
        *,
        absent: Iterable[str] = (),
        **params: Any,
    ) -> dict[str, Any] | None:
        """One API call. ``None`` when it failed (recorded); ``{}`` when the answer is
        one of the ``absent`` error codes ("not configured")."""
        try:
            answer = dict(getattr(client, op)(**params))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in set(absent):
                return {}
            self.fail(client, op, kinds, exc, _about(params))
            return None
        except BotoCoreError as exc:
            self.fail(client, op, kinds, exc, _about(params))
            return None
        answer.pop("ResponseMetadata", None)
        return answer

    def items(
        self, client: Any, op: str, key: str, kinds: Kinds, **params: Any
    ) -> list[Any] | None:
        """All items of a paginated call (``key`` is a JMESPath such as
        ``Reservations[].Instances[]``); ``None`` when it failed (recorded)."""
        try:
            if client.can_paginate(op):
                pages = client.get_paginator(op).paginate(**params)
                return [item for item in pages.search(key) if item is not None]
            answer = getattr(client, op)(**params)
        except (BotoCoreError, ClientError) as exc:
            self.fail(client, op, kinds, exc, _about(params))
            return None
        found = answer.get(key.removesuffix("[]"), [])  # unpaginated calls: a plain key
        return list(found) if isinstance(found, list) else [found]

    def pages(
        self, client: Any, op: str, kinds: Kinds, **params: Any
    ) -> list[dict[str, Any]] | None:
        """Every page of a paginated call; ``None`` when it failed (recorded)."""
        try:
            return [dict(page) for page in client.get_paginator(op).paginate(**params)]
        except (BotoCoreError, ClientError) as exc:
            self.fail(client, op, kinds, exc, _about(params))
            return None

    def fail(self, client: Any, op: str, kinds: Kinds, exc: BaseException, about: str = "") -> None:
        """Record a failed call; ``about`` names the item it was for (``Bucket=logs``)."""
        service = client.meta.service_model.service_name
        region = "" if service in GLOBAL_SERVICES else client.meta.region_name
        call = client.meta.method_to_api_mapping.get(op, op)
        message = describe_failure(exc)
        self.errors.append(
            CollectionError(
                source=SOURCE,
                service=service,
                region=region or "",
                call=call,
                message=f"{about}: {message}" if about else message,
                kinds=kinds,
            )
        )

    def add(
        self,
        kind: str,
        address: str,
        attributes: Mapping[str, Any],
        *,
        ids: Iterable[str | None] = (),
        tags: Mapping[str, str] | None = None,
        region: str | None = None,
    ) -> Resource:
        unique = tuple(dict.fromkeys(i for i in ids if i))
        resource = Resource(
            kind=kind,
            address=address,
            source=SOURCE,
            attributes=dict(attributes),
            region=self.region if region is None else region,
            account=self.account,
            tags=dict(tags or {}),
            ids=unique,
        )
        self.resources.append(resource)
        return resource

    def arn(self, service: str, resource: str, region: str | None = None) -> str:
        where = self.region if region is None else region
        return f"arn:{self.partition}:{service}:{where}:{self.account}:{resource}"


def _about(params: Mapping[str, Any]) -> str:
    """The item a call was about, from its string parameters (``Bucket=logs``)."""
    return ", ".join(f"{k}={v}" for k, v in params.items() if isinstance(v, str))


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def tag_dict(
    items: Iterable[Mapping[str, Any]] | None, key: str = "Key", value: str = "Value"
) -> dict[str, str]:
    return {str(t[key]): str(t.get(value, "")) for t in items or () if key in t}


def iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat()
    return None if value is None else str(value)


def policy_text(document: Any) -> str | None:
    """A policy document as JSON text (boto3 decodes IAM documents into dicts)."""
    if document is None or isinstance(document, str):
        return document
    return json.dumps(document, sort_keys=True)


def chunks(values: list[str], size: int) -> list[list[str]]:
    return [values[i : i + size] for i in range(0, len(values), size)]
