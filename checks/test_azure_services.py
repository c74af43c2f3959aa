"""Azure services: VM disk encryption, container registry, Blob Storage, backups.

Plans and live Azure share the azurerm attribute shape (4.x names; 3.x names accepted).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from archproof.controls.api import Findings, Subject, control
from archproof.controls.azure import VMS, first_set
from archproof.controls.azure_backups import (
    BLOB,
    CONTAINER,
    backup_accounts,
    container_blobs,
    counted_from,
    moment,
)
from archproof.controls.facts import is_set
from archproof.inventory.model import Resource, Unknown
from archproof.verdict import EvidenceMissing, Inconclusive

ACR = "azurerm_container_registry"
PRICING = "azurerm_security_center_subscription_pricing"
ACCOUNT = "azurerm_storage_account"
DISK = "azurerm_managed_disk"
ATTACHMENT = "azurerm_virtual_machine_data_disk_attachment"


def _host_encrypted(vm: Resource) -> Any:
    return first_set(vm, "encryption_at_host_enabled")


def _disk_encrypted(disk: Resource) -> bool | Unknown:
    """Azure Disk Encryption on a managed disk: an ``encryption_settings`` block whose
    ``enabled`` (azurerm 3.x) is not false (4.x has no ``enabled``: the block is the setting)."""
    value = disk.get("encryption_settings")
    if isinstance(value, Unknown):
        return value
    blocks = [b for b in value if isinstance(b, dict)] if isinstance(value, list) else []
    if isinstance(value, dict):
        blocks = [value]
    for block in blocks:
        enabled = block.get("enabled")
        if isinstance(enabled, Unknown):
            return enabled
        if enabled is not False:
            return True
    return False


@control(
    "azure-vm-disks-encrypted",
    kinds=(*VMS, DISK),
    needs=(ATTACHMENT,),
    severity="high",
    params={"require_customer_key": False, "accept_platform_keys": False},
)
def test_vm_disks_are_encrypted(subject: Subject, resource: Resource) -> None:
    """VM disks are encrypted end to end: at host, or with a customer-key disk encryption set."""
    inv = subject.inventory
    findings = Findings(resource)
    customer = bool(subject.params["require_customer_key"])
    platform = bool(subject.params["accept_platform_keys"])
    des_path = (
        "disk_encryption_set_id" if resource.kind == DISK else "os_disk.0.disk_encryption_set_id"
    )
    des = is_set(subject, resource, des_path, "os_disk.disk_encryption_set_id")
    ade = _disk_encrypted(resource) if resource.kind == DISK else False
    if customer or resource.kind == "azurerm_virtual_machine":
        findings.check("disk encryption set", resource.get(des_path), des, "a disk encryption set")
    elif resource.kind != DISK:
        host = _host_encrypted(resource)
        if des is not True and not platform:
            findings.check("encryption_at_host_enabled", host, host is True, "true")
    elif des is not True and not platform and isinstance(ade, Unknown):
        findings.unknown("encryption_settings", ade)
    elif des is not True and not platform and not ade:
        vms = [
            vm
            for attachment in inv.referring(resource, ATTACHMENT, "managed_disk_id")
            for vm in inv.related(attachment, "virtual_machine_id", kinds=VMS)
        ]
        hosts = [_host_encrypted(vm) for vm in vms]
        seen = hosts or "not attached to a VM"
        ok = bool(hosts) and all(h is True for h in hosts)
        findings.check(
            "encryption at host of its VMs",
            seen,
            ok,
            "attached only to host-encrypted VMs, or a disk encryption set",
        )
    findings.close()


def _plan_of(pricing: Resource) -> str:
    """The Defender plan a pricing resource sets (provider default: VirtualMachines); one not
    known yet matches every plan, so it is judged (inconclusive) rather than left out."""
    value = first_set(pricing, "resource_type")
    if isinstance(value, Unknown):
        return "*"
    return str(value or "VirtualMachines").lower()


@control(
    "azure-acr-scanning",
    kinds=(ACR,),
    needs=(PRICING,),
    severity="high",
    params={"plans": ["Containers", "ContainerRegistry"]},
)
def test_registry_images_are_scanned(subject: Subject, resource: Resource) -> None:
    """Registry images are scanned for vulnerabilities (Defender for Containers on Standard)."""
    wanted = {p.lower() for p in subject.params["plans"]}
    pricings = [p for p in subject.inventory.of_kind(PRICING) if _plan_of(p) in (*wanted, "*")]
    findings = Findings(resource)
    if not pricings:
        message = f"Defender plan {subject.params['plans']} not in {subject.source}"
        if subject.source.startswith("plan"):
            raise Inconclusive(f"{resource.label}: {message}: the subscription may set it")
        findings.fail("Defender plan", None, f"{subject.params['plans'][0]} on Standard")
    for pricing in pricings:
        if _plan_of(pricing) == "*":
            findings.unknown(f"{pricing.address} resource_type", "known only after apply")
            continue
        tier = pricing.get("tier")
        findings.check(f"{pricing.address} tier", tier, tier == "Standard", "'Standard'")
    findings.close()


@control("azure-acr-no-admin", kinds=(ACR,), severity="high")
def test_registry_has_no_admin_user(resource: Resource) -> None:
    """The container registry has no shared admin user and no anonymous pull."""
    findings = Findings(resource)
    for name in ("admin_enabled", "anonymous_pull_enabled"):
        value = resource.get(name)
        findings.check(name, value, value in (False, None), "false")
    findings.close()


@control(
    "azure-storage-encryption",
    kinds=(ACCOUNT,),
    severity="high",
    params={"require_infrastructure_encryption": True, "require_customer_key": False},
    frameworks={"CIS-Azure": "3.2"},
)
def test_storage_account_encrypts_data(subject: Subject, resource: Resource) -> None:
    """Storage accounts encrypt data at rest twice (infrastructure encryption; CMK if asked)."""
    findings = Findings(resource)
    if subject.params["require_infrastructure_encryption"]:
        value = resource.get("infrastructure_encryption_enabled")
        findings.check("infrastructure_encryption_enabled", value, value is True, "true")
    if subject.params["require_customer_key"]:
        key = is_set(subject, resource, "customer_managed_key")
        findings.check("customer_managed_key", resource.get("customer_managed_key"), key, "set")
    findings.close()


@control(
    "azure-storage-secure-transfer",
    kinds=(ACCOUNT,),
    severity="high",
    params={"min_tls_versions": ["TLS1_2", "TLS1_3"]},
    frameworks={"CIS-Azure": "3.1, 3.15"},
)
def test_storage_account_requires_secure_transfer(subject: Subject, resource: Resource) -> None:
    """Storage accounts accept HTTPS only, with TLS 1.2 or later (unset: provider defaults)."""
    findings = Findings(resource)
    https = first_set(resource, "https_traffic_only_enabled", "enable_https_traffic_only")
    findings.check("https_traffic_only_enabled", https, https in (True, None), "true")
    tls = resource.get("min_tls_version")
    allowed = list(subject.params["min_tls_versions"])
    findings.check("min_tls_version", tls, tls is None or tls in allowed, f"one of {allowed}")
    findings.close()


@control(
    "azure-storage-no-public-access",
    kinds=(ACCOUNT, CONTAINER),
    severity="critical",
    params={"require_private_network": False},
    frameworks={"CIS-Azure": "3.7"},
)
def test_storage_allows_no_anonymous_access(subject: Subject, resource: Resource) -> None:
    """Blob Storage allows no anonymous access: neither the account nor any container."""
    findings = Findings(resource)
    if resource.kind == CONTAINER:
        access = resource.get("container_access_type")
        findings.check("container_access_type", access, access in ("private", None), "'private'")
        findings.close()
        return
    nested = first_set(resource, "allow_nested_items_to_be_public", "allow_blob_public_access")
    findings.check(
        "allow_nested_items_to_be_public", nested, nested is False, "false (unset allows it)"
    )
    if subject.params["require_private_network"]:
        network = resource.get("public_network_access_enabled")
        action = resource.get("network_rules.0.default_action")
        closed = network is False or action == "Deny"
        findings.check("public network access", [network, action], closed, "disabled or Deny")
    findings.close()


@control(
    "azure-storage-recovery",
    kinds=(ACCOUNT,),
    severity="high",
    params={"min_soft_delete_days": 7, "min_container_soft_delete_days": 7, "versioning": True},
    frameworks={"CIS-Azure": "3.11"},
)
def test_deleted_blobs_can_be_recovered(subject: Subject, resource: Resource) -> None:
    """Deleted or overwritten blobs can be recovered: soft delete and versioning are on."""
    findings = Findings(resource)
    props = resource.get("blob_properties")
    if isinstance(props, Unknown):
        findings.unknown("blob_properties", props)
        findings.close()
    blob = props[0] if isinstance(props, list) and props and isinstance(props[0], dict) else {}
    wanted = (
        ("delete_retention_policy", int(subject.params["min_soft_delete_days"])),
        (
            "container_delete_retention_policy",
            int(subject.params["min_container_soft_delete_days"]),
        ),
    )
    for name, days in wanted:
        if days <= 0:
            continue
        policy = blob.get(name)
        value = policy[0].get("days") if isinstance(policy, list) and policy else policy
        ok = isinstance(value, int) and value >= days
        findings.check(f"blob_properties.{name}.days", value, ok, f"≥ {days}")
    if subject.params["versioning"]:
        versioning = blob.get("versioning_enabled")
        findings.check("blob_properties.versioning_enabled", versioning, versioning is True, "true")
    findings.close()


@control(
    "azure-backup-fresh",
    needs=(BLOB, CONTAINER),
    severity="high",
    params={"containers": [], "name": "*", "max_age_hours": 26, "now": ""},
    sources=("azure",),
)
def test_newest_backup_is_fresh(subject: Subject) -> None:
    """The newest backup blob in each backup container is younger than the documented interval.

    ``containers``: container names, or ``account/container``; ``name``: a glob the backup
    blobs match; ``now``: an ISO 8601 moment to count from (default: when the source
    collected, else the clock). Only the named container of its storage account counts (see
    ``backup_accounts``): a same-named container elsewhere never stands in for it.
    """
    containers = [str(c) for c in subject.params["containers"]]
    if not containers:
        raise EvidenceMissing(f"{subject.test_id}: the spec names no backup container (containers)")
    findings = Findings(None, subject.test_id)
    for wanted in containers:
        account, _, name = wanted.rpartition("/")
        accounts = backup_accounts(subject.inventory, account, name)
        if isinstance(accounts, Unknown):
            findings.unknown(f"{wanted} storage account", accounts)
            continue
        if not accounts:
            findings.fail(
                f"{wanted} backups", "none", f"a blob matching {subject.params['name']!r}"
            )
        for holder in accounts:
            _judge_container(subject, findings, holder, name)
    findings.close()


def _judge_container(subject: Subject, findings: Findings, account: str, name: str) -> None:
    """The newest blob of ``account/name`` matching the ``name`` glob is fresh enough."""
    limit = dt.timedelta(hours=float(subject.params["max_age_hours"]))
    wanted = f"{account}/{name}"
    pattern = str(subject.params["name"])
    blobs = container_blobs(subject.inventory, account, name, pattern)
    if not blobs:
        findings.fail(f"{wanted} backups", "none", f"a blob matching {pattern!r}")
        return
    dated = [(m, b) for b in blobs if (m := moment(b.get("last_modified"))) is not None]
    if not dated:
        findings.unknown(f"{wanted} last_modified", "no blob records when it was written")
        return
    newest, blob = max(dated, key=lambda pair: pair[0])
    age = counted_from(subject.params["now"], subject.inventory) - newest
    findings.check(
        f"{wanted}/{blob.get('name')} age",
        f"{age.total_seconds() / 3600:.1f} h",
        age <= limit,
        f"≤ {subject.params['max_age_hours']} h",
    )
