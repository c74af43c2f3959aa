"""Collect live Azure subscriptions into an Inventory: service families in parallel, read-only."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from azure.core.credentials import TokenCredential
from azure.mgmt.network import NetworkManagementClient

from archproof.errors import UsageError
from archproof.inventory.model import CollectionError, Inventory, Resource
from archproof.inventory.source_kinds import AZURE
from archproof.sources.azure import compute, containers, network, network_edge, security, storage
from archproof.sources.azure.base import SOURCE, Scan
from archproof.sources.azure.session import AzureSession

SUBSCRIPTION_ENV = "AZURE_SUBSCRIPTION_ID"


@dataclass(frozen=True)
class AzureOptions:
    """What to read and how to reach it.

    ``endpoint``: the ARM base URL (a sovereign cloud, the local emulator); ``None`` is
    public Azure. ``backup_containers``: storage containers whose blobs are listed
    (``account/container`` or ``container``). ``blob_endpoint_template``: the Blob data
    plane URL of an account (``{account}``); default: the account's own blob endpoint.
    ``credential``: default ``DefaultAzureCredential`` (no interactive browser).
    ``connection_verify``: a CA bundle path (or ``False``) for TLS; default: the system
    trust store or ``REQUESTS_CA_BUNDLE``.
    """

    subscriptions: tuple[str, ...] = ()
    endpoint: str | None = None
    resource_groups: tuple[str, ...] = ()
    backup_containers: tuple[str, ...] = ()
    blob_endpoint_template: str | None = None
    credential: TokenCredential | None = None
    progress: Callable[[str], None] | None = None
    connection_verify: str | bool | None = None
    max_workers: int = 6


@dataclass(frozen=True)
class Collector:
    family: str
    run: Callable[[Scan], None]
    kinds: tuple[str, ...]


COLLECTORS: tuple[Collector, ...] = (
    Collector("network", network.collect, network.KINDS),
    Collector("network", network_edge.collect, network_edge.KINDS),
    Collector("compute", compute.collect, compute.KINDS),
    Collector("containerservice", containers.collect, containers.KINDS),
    Collector("storage", storage.collect, storage.KINDS),
    Collector("security", security.collect, security.KINDS),
)


def collect_azure(options: AzureOptions, source: str = SOURCE) -> Inventory:
    """Read the subscriptions the options name into an Inventory (source ``azure``).

    Raises ``UsageError`` when no subscription is named, ``SourceError`` when no token can
    be had or the endpoint cannot be reached; every other failure is recorded on the
    Inventory as a ``CollectionError`` naming the kinds it would have produced.
    """
    started = dt.datetime.now(dt.UTC).isoformat()
    subscriptions = _subscriptions(options.subscriptions)
    session = AzureSession(_credential(options), options.endpoint, options.connection_verify)
    session.check_token()
    for subscription in subscriptions:
        probe = session.client("network", subscription, NetworkManagementClient)
        session.check_subscription(subscription, probe)
    where = session.base_url
    _say(options, f"azure {', '.join(subscriptions)} at {where}: {len(COLLECTORS)} collectors")
    scans = [
        Scan(
            collector.family,
            subscription,
            session,
            resource_groups=tuple(options.resource_groups),
            backup_containers=tuple(options.backup_containers),
            blob_endpoint_template=options.blob_endpoint_template,
            source=source,
        )
        for subscription in subscriptions
        for collector in COLLECTORS
    ]
    runs = [c for _ in subscriptions for c in COLLECTORS]
    with ThreadPoolExecutor(max(1, options.max_workers), thread_name_prefix="azure") as pool:
        list(pool.map(_job, runs, scans))
    for scan in scans:
        failed = f", {len(scan.errors)} errors" if scan.errors else ""
        found = len(scan.resources)
        _say(options, f"{scan.family} {scan.subscription} done ({found} resources{failed})")
    resources = align_ids([r for scan in scans for r in scan.resources])
    errors = [e for scan in scans for e in scan.errors]
    scope: dict[str, Any] = {
        "collected_at": started,
        "subscriptions": list(subscriptions),
        "endpoint": where,
        "resource_groups": list(options.resource_groups),
        "backup_containers": list(options.backup_containers),
        "services": list(dict.fromkeys(c.family for c in COLLECTORS)),
    }
    return Inventory(
        source,
        resources,
        errors,
        origin=f"azure:{','.join(subscriptions)}",
        scope=scope,
        provides=AZURE.provides,
    )


def _subscriptions(named: Iterable[str]) -> tuple[str, ...]:
    found = tuple(dict.fromkeys(s.strip() for s in named if s.strip()))
    if found:
        return found
    from_env = os.environ.get(SUBSCRIPTION_ENV, "").strip()
    if from_env:
        return (from_env,)
    raise UsageError(
        f"no Azure subscription to read: name one (--azure-subscription) or set {SUBSCRIPTION_ENV}"
    )


def _credential(options: AzureOptions) -> TokenCredential:
    if options.credential is not None:
        return options.credential
    from azure.identity import DefaultAzureCredential

    try:
        return DefaultAzureCredential(exclude_interactive_browser_credential=True)
    except ValueError as exc:  # e.g. an AZURE_TOKEN_CREDENTIALS value it does not know
        raise UsageError(f"Azure credential: {exc}") from exc


def _job(collector: Collector, scan: Scan) -> None:
    try:
        collector.run(scan)
    except Exception as exc:  # a collector bug must not cost the other families' evidence
        message = f"collector failed: {type(exc).__name__}: {exc}"
        scan.errors.append(
            CollectionError(
                scan.source,
                collector.family,
                scan.subscription,
                "(collect)",
                message[:300],
                collector.kinds,
            )
        )


def align_ids(resources: list[Resource]) -> list[Resource]:
    """ARM ids in attributes spelled as their targets spell their own id.

    ARM compares ids case-insensitively and answers with mixed spellings
    (``resourcegroups`` here, ``resourceGroups`` there); the inventory follows ids
    exactly, so every attribute value that names a collected resource in another case
    is rewritten to that resource's own spelling.
    """
    canonical: dict[str, str] = {}
    for resource in resources:
        for ident in resource.ids:
            if ident.startswith("/"):
                canonical.setdefault(ident.lower(), ident)
    changed: list[Resource] = []
    for resource in resources:
        attributes = _aligned(resource.attributes, canonical)
        if attributes is resource.attributes:
            changed.append(resource)
            continue
        changed.append(
            Resource(
                kind=resource.kind,
                address=resource.address,
                source=resource.source,
                attributes=attributes,
                region=resource.region,
                account=resource.account,
                tags=resource.tags,
                refs=resource.refs,
                ids=resource.ids,
                missing=resource.missing,
            )
        )
    return changed


def _aligned(value: Any, canonical: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        found = canonical.get(value.lower()) if value.startswith("/") else None
        return found if found is not None and found != value else value
    if isinstance(value, Mapping):
        items = {k: _aligned(v, canonical) for k, v in value.items()}
        same = all(items[k] is value[k] for k in value)
        return value if same else items
    if isinstance(value, list):
        aligned = [_aligned(v, canonical) for v in value]
        return value if all(a is b for a, b in zip(aligned, value, strict=True)) else aligned
    return value


def _say(options: AzureOptions, line: str) -> None:
    if options.progress is not None:
        options.progress(line)
