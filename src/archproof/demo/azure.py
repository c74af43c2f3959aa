"""The Azure forms of a reference estate: its azurerm plan JSON, and the same plan applied to
a local Azure Resource Manager (HTTPS on 127.0.0.1) read back through the real Azure SDK."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from archproof.emulators.arm import BlobRecord, arm_emulator
from archproof.emulators.arm_from_plan import arm_documents_from_plan
from archproof.envvars import scoped_environment
from archproof.sources.plan import load_plan

AZURE_FORMS = ("plan", "azure")


def nightly_dumps(now: dt.datetime, nights: int = 3, hour: int = 2) -> list[BlobRecord]:
    """The backups a daily dump job leaves behind: one archive per night, the newest today."""
    newest = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if newest > now:
        newest -= dt.timedelta(days=1)
    return [
        BlobRecord(
            name=f"mongodb-{(newest - dt.timedelta(days=n)):%Y-%m-%d}.archive.gz",
            last_modified=newest - dt.timedelta(days=n),
            content_length=48_000_000 + n,
        )
        for n in range(nights)
    ]


@contextmanager
def azure_sources(
    plan: Path,
    subscription: str,
    backups: dict[str, list[BlobRecord]],
    forms: Sequence[str],
) -> Iterator[dict[str, Any]]:
    """``SourceRequest`` fields for the live Azure form: the plan applied to a local Resource
    Manager (with ``backups`` by ``account/container`` in its blob service), read through the
    default credential chain (a stand-in ``az`` on ``PATH``) while the context lasts."""
    if "azure" not in forms:
        yield {}
        return
    documents = arm_documents_from_plan(load_plan(plan, source="plan"), subscription)
    with (
        arm_emulator(documents, backups, subscriptions=(subscription,)) as arm,
        scoped_environment(arm.client_env()),
    ):
        yield {
            "azure": True,
            "azure_subscriptions": (subscription,),
            "azure_endpoint": arm.endpoint,
            "azure_blob_endpoint": arm.blob_endpoint_template,
            "azure_backup_containers": tuple(backups),
        }


def libertum_backups(now: dt.datetime | None = None) -> dict[str, list[BlobRecord]]:
    """Libertum's backup container as the nightly MongoDB dump job leaves it."""
    from archproof.estates.libertum.common import BACKUP_CONTAINER, STORAGE_NAME

    moment = now or dt.datetime.now(dt.UTC)
    return {f"{STORAGE_NAME}/{BACKUP_CONTAINER}": nightly_dumps(moment)}
