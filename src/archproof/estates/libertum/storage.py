"""Blob Storage: one storage account with a container for the MongoDB dumps and one for assets.

HTTPS only with TLS 1.2, no anonymous blob access, infrastructure (double) encryption,
reachable from the private subnet (service endpoint); soft delete and versioning keep
deleted or overwritten dumps recoverable.
"""

from __future__ import annotations

from archproof.estates.libertum.common import BACKUP_CONTAINER, STORAGE_NAME, placed
from archproof.estates.model import EstateResource, ref

ACCOUNT = "azurerm_storage_account.main"
BACKUPS = "azurerm_storage_container.backups"
RETENTION_DAYS = 30


def storage() -> list[EstateResource]:
    return [
        EstateResource(
            "azurerm_storage_account",
            "main",
            placed(
                STORAGE_NAME,
                account_tier="Standard",
                account_replication_type="GZRS",
                account_kind="StorageV2",
                https_traffic_only_enabled=True,
                min_tls_version="TLS1_2",
                allow_nested_items_to_be_public=False,
                infrastructure_encryption_enabled=True,
                network_rules=[
                    {
                        "default_action": "Deny",
                        "bypass": ["AzureServices"],
                        "virtual_network_subnet_ids": [ref("azurerm_subnet.private.id")],
                    }
                ],
                blob_properties=[
                    {
                        "versioning_enabled": True,
                        "delete_retention_policy": [{"days": RETENTION_DAYS}],
                        "container_delete_retention_policy": [{"days": RETENTION_DAYS}],
                    }
                ],
            ),
        ),
        *(
            EstateResource(
                "azurerm_storage_container",
                resource_name,
                {
                    "name": name,
                    "storage_account_id": ref("azurerm_storage_account.main.id"),
                    "container_access_type": "private",
                },
            )
            for resource_name, name in (("backups", BACKUP_CONTAINER), ("assets", "assets"))
        ),
    ]
