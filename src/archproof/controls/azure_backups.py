"""Backup blobs in Azure Blob Storage: which storage account's container is the backup
container, its blobs, and the moment their age counts from.

A container is named by the spec (``container`` or ``account/container``) and listed by the
live source (its ``backup_containers`` option, ``account/container`` or ``container`` in
every account holding one). Container names repeat across storage accounts; account names
do not. So the backup container is the named one of a known account, never a same-named
container of another account.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from typing import Any

from archproof.inventory.model import Inventory, Resource, Unknown

CONTAINER = "azurerm_storage_container"
BLOB = "azurerm_storage_blob"


def backup_accounts(inventory: Inventory, account: str, name: str) -> list[str] | Unknown:
    """The storage accounts whose container ``name`` is the backup container.

    The spec's account (``account``); else the accounts the source's ``backup_containers``
    option names for that container; else the one account read that holds a container of
    that name (none: []). Several, with nothing to tell them apart: unknown.
    """
    if account:
        return [account]
    named = inventory.scope.get("backup_containers") or []
    chosen = [a for a, _, c in (str(w).rpartition("/") for w in named) if a and c == name]
    if chosen:
        return list(dict.fromkeys(chosen))
    holders = sorted(
        {
            str(r.get("storage_account_name"))
            for r in inventory.of_kind(CONTAINER)
            if r.get("name") == name and r.get("storage_account_name")
        }
        | {
            str(b.get("storage_account_name"))
            for b in inventory.of_kind(BLOB)
            if b.get("storage_container_name") == name and b.get("storage_account_name")
        }
    )
    if len(holders) > 1:
        return Unknown(
            f"storage accounts {holders} each hold a container {name!r} and neither the spec"
            " nor the source names the account: give the container as account/container"
        )
    return holders


def container_blobs(inventory: Inventory, account: str, name: str, pattern: str) -> list[Resource]:
    """The blobs of container ``name`` of storage account ``account`` matching ``pattern``."""
    return [
        b
        for b in inventory.of_kind(BLOB)
        if b.get("storage_container_name") == name
        and b.get("storage_account_name") == account
        and fnmatch.fnmatchcase(str(b.get("name")), pattern)
    ]


def moment(text: Any) -> dt.datetime | None:
    """An ISO 8601 time as an aware datetime (UTC when it names no zone); None if not one."""
    if not isinstance(text, str) or not text:
        return None
    try:
        found = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=dt.UTC)


def counted_from(now: Any, inventory: Inventory) -> dt.datetime:
    """The moment ages count from: ``now`` (a param), else when the source collected, else now."""
    for text in (now, inventory.scope.get("collected_at")):
        found = moment(text)
        if found is not None:
            return found
    return dt.datetime.now(dt.UTC)
