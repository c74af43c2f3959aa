"""What every Azure collector uses: guarded, paged SDK calls and resource building.

A ``Scan`` is one family of services (network, compute, …) in one subscription. Every
failed call becomes a ``CollectionError`` naming the azurerm kinds it was gathering;
nothing is swallowed and nothing stops the other calls.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from azure.core.exceptions import AzureError

from archproof.inventory.model import CollectionError, Resource, Unknown
from archproof.sources.azure.arm import rest_dict, tags_of
from archproof.sources.azure.session import AzureSession, describe_failure

SOURCE = "azure"

Kinds = tuple[str, ...]
T = TypeVar("T")


@dataclass
class Scan:
    """One service family × subscription of a run, with what it found and what failed."""

    family: str
    subscription: str
    session: AzureSession
    resource_groups: tuple[str, ...] = ()
    backup_containers: tuple[str, ...] = ()
    blob_endpoint_template: str | None = None
    source: str = SOURCE
    resources: list[Resource] = field(default_factory=list)
    errors: list[CollectionError] = field(default_factory=list)

    def client(self, factory: Callable[..., T], name: str | None = None) -> T:
        return self.session.client(name or self.family, self.subscription, factory)

    def listing(
        self,
        call: str,
        kinds: Kinds,
        everywhere: Callable[[], Iterable[Any]],
        in_group: Callable[[str], Iterable[Any]],
    ) -> list[dict[str, Any]] | None:
        """Every item of a list call (each resource group named, else the subscription),
        as ARM JSON; ``None`` when any page failed (recorded)."""
        if not self.resource_groups:
            return self.items(call, kinds, everywhere)
        found: list[dict[str, Any]] = []
        failed = False
        for group in self.resource_groups:
            items = self.items(call, kinds, partial(in_group, group), about=group)
            if items is None:
                failed = True
            else:
                found.extend(items)
        return None if failed and not found else found

    def items(
        self, call: str, kinds: Kinds, pages: Callable[[], Iterable[Any]], about: str = ""
    ) -> list[dict[str, Any]] | None:
        """All items of a paged call as ARM JSON; ``None`` when it failed (recorded)."""
        try:
            return [rest_dict(item) for item in pages()]
        except AzureError as exc:
            self.fail(call, kinds, exc, about)
            return None

    def one(
        self, call: str, kinds: Kinds, get: Callable[[], Any], about: str = ""
    ) -> dict[str, Any] | None:
        """One GET as ARM JSON; ``None`` when it failed (recorded)."""
        try:
            return rest_dict(get())
        except AzureError as exc:
            self.fail(call, kinds, exc, about)
            return None

    def fail(self, call: str, kinds: Kinds, exc: BaseException, about: str = "") -> None:
        message = describe_failure(exc)
        self.errors.append(
            CollectionError(
                source=self.source,
                service=self.family,
                region=self.subscription,
                call=call,
                message=f"{about}: {message}" if about else message,
                kinds=kinds,
            )
        )

    def note(self, call: str, kinds: Kinds, message: str) -> None:
        """Record evidence that is missing without a failed call (a container not found)."""
        self.errors.append(
            CollectionError(self.source, self.family, self.subscription, call, message, kinds)
        )

    def add(
        self,
        kind: str,
        attributes: Mapping[str, Any],
        *,
        document: Mapping[str, Any] | None = None,
        address: str | None = None,
        ids: Iterable[str | None] = (),
        missing: Unknown | None = None,
    ) -> Resource:
        """A resource of ``kind``; address, ids, region and tags come from the ARM ``document``
        (its id and name), unless given."""
        doc = document or {}
        own_id = str(doc.get("id") or "")
        names = [own_id, str(doc.get("name") or "")] if own_id else []
        unique = tuple(dict.fromkeys(i for i in [*names, *ids] if i))
        tags = tags_of(doc)
        resource = Resource(
            kind=kind,
            address=address or own_id,
            source=self.source,
            attributes=dict(attributes),
            region=str(doc.get("location") or ""),
            account=self.subscription,
            tags=tags,
            ids=unique,
            missing=missing,
        )
        self.resources.append(resource)
        return resource
