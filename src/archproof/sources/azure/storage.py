"""Storage accounts (+ blob service properties and containers) and the blobs of the backup
containers a spec names (read through the Blob data plane)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from azure.core.exceptions import AzureError, ResourceNotFoundError
from azure.mgmt.storage import StorageManagementClient
from azure.storage.blob import ContainerClient

from archproof.inventory.model import Unknown
from archproof.sources.azure.arm import common, mapping, props, ref_id, resource_group_of
from archproof.sources.azure.base import Scan

ACCOUNT_KINDS = ("azurerm_storage_account",)
CONTAINER_KINDS = ("azurerm_storage_container",)
BLOB_KINDS = ("azurerm_storage_blob",)
KINDS = ACCOUNT_KINDS + CONTAINER_KINDS + BLOB_KINDS
PUBLIC_BLOB_ENDPOINT = "https://{account}.blob.core.windows.net"
ACCESS_TYPES = {"none": "private", "blob": "blob", "container": "container"}


def _retention(policy: Mapping[str, Any], **extra: Any) -> list[dict[str, Any]]:
    return [{"days": policy.get("days", 7), **extra}] if policy.get("enabled") else []


def blob_properties(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A ``blobServices/default`` document as the provider's ``blob_properties`` block."""
    p = props(doc)
    deletion = mapping(p.get("deleteRetentionPolicy"))
    feed = mapping(p.get("changeFeed"))
    restore = mapping(p.get("restorePolicy"))
    return {
        "versioning_enabled": bool(p.get("isVersioningEnabled", False)),
        "change_feed_enabled": bool(feed.get("enabled", False)),
        "change_feed_retention_in_days": feed.get("retentionInDays"),
        "last_access_time_enabled": bool(
            mapping(p.get("lastAccessTimeTrackingPolicy")).get("enable", False)
        ),
        "default_service_version": p.get("defaultServiceVersion", ""),
        "delete_retention_policy": _retention(
            deletion, permanent_delete_enabled=bool(deletion.get("allowPermanentDelete", False))
        ),
        "container_delete_retention_policy": _retention(
            mapping(p.get("containerDeleteRetentionPolicy"))
        ),
        "restore_policy": _retention(restore),
    }


def storage_account(
    doc: Mapping[str, Any], blob_service: Mapping[str, Any] | None
) -> dict[str, Any]:
    p = props(doc)
    sku = str(mapping(doc.get("sku")).get("name", ""))
    tier, _, replication = sku.partition("_")
    encryption = mapping(p.get("encryption"))
    vault = mapping(encryption.get("keyvaultproperties"))
    acls = mapping(p.get("networkAcls"))
    endpoints = mapping(p.get("primaryEndpoints"))
    customer_key = str(encryption.get("keySource", "")).lower() == "microsoft.keyvault"
    attributes = {
        **common(doc),
        "account_kind": doc.get("kind", "StorageV2"),
        "account_tier": tier,
        "account_replication_type": replication,
        "access_tier": p.get("accessTier", ""),
        "https_traffic_only_enabled": bool(p.get("supportsHttpsTrafficOnly", True)),
        "min_tls_version": p.get("minimumTlsVersion", "TLS1_0"),
        "allow_nested_items_to_be_public": _public_access(p),
        "shared_access_key_enabled": p.get("allowSharedKeyAccess") is not False,
        "public_network_access_enabled": str(p.get("publicNetworkAccess", "Enabled")) != "Disabled",
        "infrastructure_encryption_enabled": bool(
            encryption.get("requireInfrastructureEncryption", False)
        ),
        "cross_tenant_replication_enabled": bool(p.get("allowCrossTenantReplication", False)),
        "default_to_oauth_authentication": bool(p.get("defaultToOAuthAuthentication", False)),
        "is_hns_enabled": bool(p.get("isHnsEnabled", False)),
        "primary_blob_endpoint": endpoints.get("blob", ""),
        "customer_managed_key": [
            {
                "key_vault_key_id": _key_id(vault),
                "user_assigned_identity_id": mapping(encryption.get("identity")).get(
                    "userAssignedIdentity", ""
                ),
            }
        ]
        if customer_key
        else [],
        "network_rules": [
            {
                "default_action": acls.get("defaultAction", "Allow"),
                "bypass": [
                    b.strip() for b in str(acls.get("bypass") or "").split(",") if b.strip()
                ],
                "ip_rules": [str(mapping(r).get("value")) for r in acls.get("ipRules") or []],
                "virtual_network_subnet_ids": [
                    ref_id(r) for r in acls.get("virtualNetworkRules") or [] if ref_id(r)
                ],
            }
        ]
        if acls
        else [],
    }
    if blob_service is not None:
        attributes["blob_properties"] = [blob_properties(blob_service)]
    return attributes


def _public_access(p: Mapping[str, Any]) -> bool | Unknown:
    """``allowBlobPublicAccess``; ARM leaves it out for accounts created before November 2023
    that never set it, and for those anonymous access is allowed: unknown, not false."""
    value = p.get("allowBlobPublicAccess")
    if isinstance(value, bool):
        return value
    return Unknown(
        "allowBlobPublicAccess not returned by ARM: an account created before November 2023"
        " that never set it allows anonymous blob access"
    )


def _key_id(vault: Mapping[str, Any]) -> str:
    """The versionless key id of a customer-managed key (``{vault}/keys/{name}``)."""
    uri = str(vault.get("keyvaulturi") or "").rstrip("/")
    return f"{uri}/keys/{vault.get('keyname', '')}"


def storage_container(doc: Mapping[str, Any], account: Mapping[str, Any]) -> dict[str, Any]:
    p = props(doc)
    access = str(p.get("publicAccess") or "None").lower()
    return {
        "id": doc.get("id", ""),
        "resource_manager_id": doc.get("id", ""),
        "name": doc.get("name", ""),
        "storage_account_name": account.get("name", ""),
        "storage_account_id": account.get("id", ""),
        "container_access_type": ACCESS_TYPES.get(access, access),
        "has_immutability_policy": bool(p.get("hasImmutabilityPolicy", False)),
        "has_legal_hold": bool(p.get("hasLegalHold", False)),
        "metadata": dict(mapping(p.get("metadata"))),
    }


def collect(scan: Scan) -> None:
    storage = scan.client(StorageManagementClient)
    accounts = scan.listing(
        "storage_accounts.list",
        KINDS,
        storage.storage_accounts.list,
        storage.storage_accounts.list_by_resource_group,
    )
    containers: dict[str, list[str] | None] = {}  # account name → its containers (None: unread)
    for doc in accounts or []:
        name, group = str(doc.get("name") or ""), resource_group_of(str(doc.get("id") or ""))
        blob_service = scan.one(
            "blob_services.get_service_properties",
            ACCOUNT_KINDS,
            partial(storage.blob_services.get_service_properties, group, name),
            about=name,
        )
        attributes = storage_account(doc, blob_service)
        unread = None if blob_service is not None else Unknown("blob service properties unread")
        scan.add("azurerm_storage_account", attributes, document=doc, missing=unread)
        found = scan.items(
            "blob_containers.list",
            CONTAINER_KINDS,
            partial(storage.blob_containers.list, group, name),
            about=name,
        )
        containers[name] = None if found is None else [str(c.get("name")) for c in found]
        for item in found or []:
            scan.add("azurerm_storage_container", storage_container(item, doc), document=item)
    if accounts is not None:
        endpoints = {str(d.get("name")): _endpoint(scan, d) for d in accounts}
        for wanted in scan.backup_containers:
            list_backups(scan, wanted, containers, endpoints)


def _endpoint(scan: Scan, doc: Mapping[str, Any]) -> str:
    name = str(doc.get("name") or "")
    if scan.blob_endpoint_template:
        return scan.blob_endpoint_template.format(account=name)
    found = str(mapping(props(doc).get("primaryEndpoints")).get("blob") or "")
    return found.rstrip("/") or PUBLIC_BLOB_ENDPOINT.format(account=name)


def blob_endpoint(scan: Scan, account: str, endpoints: Mapping[str, str]) -> str | None:
    """The Blob endpoint of ``account``: the template's when one is set (every account, read
    or not), else the one its ARM document gave; ``None`` for an account not read (no guess)."""
    if scan.blob_endpoint_template:
        return scan.blob_endpoint_template.format(account=account)
    return endpoints.get(account) or None


def list_backups(
    scan: Scan,
    wanted: str,
    containers: Mapping[str, list[str] | None],
    endpoints: Mapping[str, str],
) -> None:
    """The blobs of ``account/container`` (or of ``container`` in every account holding it)."""
    account, _, container = wanted.rpartition("/")
    if account:
        candidates = [account]
    else:
        candidates = [a for a, names in containers.items() if names is None or container in names]
    listed = False
    for name in candidates:
        url = blob_endpoint(scan, name, endpoints)
        if url is None:
            scan.note(
                "container.list_blobs",
                BLOB_KINDS,
                f"storage account {name!r} not read: not among the storage accounts listed"
                f" (subscription {scan.subscription}, resource groups"
                f" {list(scan.resource_groups) or 'all'}), so backup container {wanted!r}"
                " was not listed",
            )
            continue
        client = ContainerClient(
            url, container, credential=scan.session.credential, **scan.session.transport_options()
        )
        try:
            blobs = list(client.list_blobs())
        except ResourceNotFoundError as exc:
            if account:
                scan.fail("container.list_blobs", BLOB_KINDS, exc, about=wanted)
            continue
        except AzureError as exc:
            scan.fail("container.list_blobs", BLOB_KINDS, exc, about=f"{name}/{container}")
            continue
        listed = True
        for blob in blobs:
            blob_url = f"{url.rstrip('/')}/{container}/{blob.name}"
            modified = blob.last_modified
            attributes = {
                "id": blob_url,
                "url": blob_url,
                "name": blob.name,
                "storage_account_name": name,
                "storage_container_name": container,
                "type": str(blob.blob_type or "BlockBlob").removesuffix("Blob"),
                "last_modified": modified.isoformat() if modified is not None else None,
                "content_length": blob.size,
            }
            scan.add("azurerm_storage_blob", attributes, address=blob_url)
    if not account and not listed:
        scan.note(
            "container.list_blobs",
            BLOB_KINDS,
            f"backup container {container!r} not found in any storage account read",
        )
