"""Backups, as a review found them: a container is the named one of the right storage account,
never a same-named container elsewhere."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from azure_review import (
    RG,
    SUBSCRIPTION,
    F,
    P,
    U,
    Uses,
    judged,
    loopback_only,  # noqa: F401 - a fixture the tests use by name
    read_live,
)
from plan_documents import LATER, plan_file, planned

from archproof.emulators.arm import BlobRecord, arm_emulator
from archproof.emulators.arm_from_plan import arm_documents_from_plan
from archproof.inventory.model import Inventory, Resource
from archproof.sources.plan import load_plan

# --- 3. backups: the named container of the right storage account ------------------------------

NOW = dt.datetime(2025, 1, 11, 3, 0, tzinfo=dt.UTC)


def dumps(*hours_ago: int) -> list[BlobRecord]:
    return [BlobRecord(f"mongodb-{h}.gz", NOW - dt.timedelta(hours=h), 2048) for h in hours_ago]


def account(key: str) -> list[dict[str, Any]]:
    return [
        planned(
            f"azurerm_storage_account.{key}",
            {
                "name": f"st{key}",
                "account_tier": "Standard",
                "account_replication_type": "ZRS",
                "id": LATER,
                **RG,
            },
        ),
        planned(
            f"azurerm_storage_container.{key}",
            {"name": "mongodb-backups", "storage_account_id": LATER, "id": LATER},
            storage_account_id=f"azurerm_storage_account.{key}.id",
        ),
    ]


FRESHNESS = {"name": "mongodb-*", "max_age_hours": 26, "now": NOW.isoformat()}


@pytest.mark.usefixtures("loopback_only")
def test_a_same_named_container_elsewhere_does_not_satisfy_backup_freshness(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the backups go to strecords; an unrelated account holds fresh dumps in a same-named container
    plan = load_plan(plan_file(tmp_path, *account("records"), *account("scratch")), source="plan")
    blobs = {
        "strecords/mongodb-backups": dumps(80, 56),  # the last dump is more than two days old
        "stscratch/mongodb-backups": dumps(5, 29),
    }
    documents = arm_documents_from_plan(plan, SUBSCRIPTION)
    with arm_emulator(documents, blobs, subscriptions=(SUBSCRIPTION,)) as arm:
        # the operator names the container as the spec does: the source lists it everywhere
        bare = read_live(arm, monkeypatch, backup_containers=("mongodb-backups",))
        # the operator names the account: the source lists that container only
        named = read_live(arm, monkeypatch, backup_containers=("strecords/mongodb-backups",))
    assert bare.errors == named.errors == []
    uses: Uses = [
        ("BARE", "azure-backup-fresh", {**FRESHNESS, "containers": ["mongodb-backups"]}),
        (
            "QUALIFIED",
            "azure-backup-fresh",
            {**FRESHNESS, "containers": ["strecords/mongodb-backups"]},
        ),
    ]
    found = {
        (label, r.requirement): r
        for label, inventory in (("bare", bare), ("named", named))
        for r in judged(uses, [inventory], tmp_path / label)
    }
    ambiguous = found[("bare", "BARE")]
    assert ambiguous.verdict is U, ambiguous.message
    assert "strecords" in ambiguous.message and "stscratch" in ambiguous.message
    assert found[("bare", "QUALIFIED")].verdict is F
    # the source's account/container names the account the spec leaves out
    assert found[("named", "BARE")].verdict is F, found[("named", "BARE")].message
    assert found[("named", "QUALIFIED")].verdict is F


def test_backup_container_resolution_on_a_live_shaped_inventory(tmp_path: Path) -> None:
    def blob(account_name: str, name: str, hours_ago: int) -> Resource:
        values = {
            "name": name,
            "storage_account_name": account_name,
            "storage_container_name": "mongodb-backups",
            "last_modified": (NOW - dt.timedelta(hours=hours_ago)).isoformat(),
        }
        return Resource("azurerm_storage_blob", f"{account_name}/{name}", "azure", values)

    def container(account_name: str) -> Resource:
        values = {"name": "mongodb-backups", "storage_account_name": account_name}
        return Resource(
            "azurerm_storage_container", f"{account_name}/mongodb-backups", "azure", values
        )

    one = Inventory(
        "azure",
        [container("strecords"), blob("strecords", "mongodb-1.gz", 3)],
        scope={"backup_containers": ["mongodb-backups"]},
        provides=("azurerm_",),
    )
    # a stale container of the right account and a fresh one elsewhere, the account named
    # by the source's backup_containers option
    two = Inventory(
        "azure:two",
        [
            container("strecords"),
            container("stscratch"),
            blob("strecords", "mongodb-1.gz", 50),
            blob("stscratch", "mongodb-2.gz", 3),
        ],
        scope={"backup_containers": ["strecords/mongodb-backups"]},
        provides=("azurerm_",),
    )
    uses: Uses = [("BARE", "azure-backup-fresh", {**FRESHNESS, "containers": ["mongodb-backups"]})]
    verdicts = {r.source: r.verdict for r in judged(uses, [one, two], tmp_path)}
    assert verdicts == {"azure": P, "azure:two": F}
