"""Virtual machines (Linux and Windows kinds, + data disk attachments), managed disks, and
VM scale sets (mapped in :mod:`archproof.sources.azure.scale_sets`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from azure.mgmt.compute import ComputeManagementClient

from archproof.sources.azure import scale_sets
from archproof.sources.azure.arm import common, mapping, props, ref_id, zone_list
from archproof.sources.azure.base import Scan

VM_KINDS = (
    "azurerm_linux_virtual_machine",
    "azurerm_windows_virtual_machine",
    "azurerm_virtual_machine_data_disk_attachment",
)
DISK_KINDS = ("azurerm_managed_disk",)
KINDS = VM_KINDS + DISK_KINDS + scale_sets.KINDS


def vm_kind(doc: Mapping[str, Any]) -> str:
    """Windows when the OS disk or the OS profile says so, else Linux."""
    p = props(doc)
    os_type = str(mapping(mapping(p.get("storageProfile")).get("osDisk")).get("osType") or "")
    if os_type.lower() == "windows" or "windowsConfiguration" in mapping(p.get("osProfile")):
        return "azurerm_windows_virtual_machine"
    return "azurerm_linux_virtual_machine"


def os_disk(disk: Mapping[str, Any]) -> dict[str, Any]:
    managed = mapping(disk.get("managedDisk"))
    security = mapping(managed.get("securityProfile"))
    return {
        "id": ref_id(managed),
        "name": disk.get("name", ""),
        "caching": disk.get("caching", "None"),
        "storage_account_type": managed.get("storageAccountType", ""),
        "disk_size_gb": disk.get("diskSizeGB"),
        "disk_encryption_set_id": ref_id(managed.get("diskEncryptionSet")),
        "secure_vm_disk_encryption_set_id": ref_id(security.get("diskEncryptionSet")),
        "security_encryption_type": security.get("securityEncryptionType", ""),
        "write_accelerator_enabled": bool(disk.get("writeAcceleratorEnabled", False)),
    }


def virtual_machine(doc: Mapping[str, Any]) -> dict[str, Any]:
    p = props(doc)
    storage = mapping(p.get("storageProfile"))
    os_profile = mapping(p.get("osProfile"))
    linux = mapping(os_profile.get("linuxConfiguration"))
    security = mapping(p.get("securityProfile"))
    zones = zone_list(doc)
    attributes = {
        **common(doc),
        "size": mapping(p.get("hardwareProfile")).get("vmSize", ""),
        "zone": zones[0] if zones else "",
        "network_interface_ids": [
            ref_id(n) for n in mapping(p.get("networkProfile")).get("networkInterfaces") or []
        ],
        "os_disk": [os_disk(mapping(storage.get("osDisk")))],
        "encryption_at_host_enabled": bool(security.get("encryptionAtHost", False)),
        "secure_boot_enabled": bool(mapping(security.get("uefiSettings")).get("secureBootEnabled")),
        "vtpm_enabled": bool(mapping(security.get("uefiSettings")).get("vTpmEnabled")),
        "admin_username": os_profile.get("adminUsername", ""),
        "computer_name": os_profile.get("computerName", ""),
        "availability_set_id": ref_id(p.get("availabilitySet")),
        "virtual_machine_id": p.get("vmId", ""),
        "identity": _identity(doc),
    }
    if vm_kind(doc) == "azurerm_linux_virtual_machine":
        attributes["disable_password_authentication"] = bool(
            linux.get("disablePasswordAuthentication", True)
        )
    return attributes


def _identity(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    identity = mapping(doc.get("identity"))
    if not identity or str(identity.get("type", "None")) == "None":
        return []
    return [
        {
            "type": str(identity.get("type")).replace(",", ", ").replace("  ", " "),
            "identity_ids": list(mapping(identity.get("userAssignedIdentities"))),
            "principal_id": identity.get("principalId", ""),
            "tenant_id": identity.get("tenantId", ""),
        }
    ]


def managed_disk(doc: Mapping[str, Any]) -> dict[str, Any]:
    p = props(doc)
    encryption = mapping(p.get("encryption"))
    creation = mapping(p.get("creationData"))
    zones = zone_list(doc)
    settings = mapping(p.get("encryptionSettingsCollection"))
    return {
        **common(doc),
        "storage_account_type": mapping(doc.get("sku")).get("name", ""),
        "create_option": creation.get("createOption", ""),
        "disk_size_gb": p.get("diskSizeGB"),
        "os_type": p.get("osType", ""),
        "zone": zones[0] if zones else "",
        "disk_encryption_set_id": encryption.get("diskEncryptionSetId", "") or "",
        "encryption_type": encryption.get("type", ""),  # not in the provider: what ARM says
        "encryption_settings": [{}] if settings.get("enabled") else [],
        "public_network_access_enabled": str(p.get("publicNetworkAccess", "Enabled")) != "Disabled",
        "network_access_policy": p.get("networkAccessPolicy", "AllowAll"),
        "managed_by": doc.get("managedBy", ""),  # not in the provider: the VM it is attached to
    }


def collect(scan: Scan) -> None:
    compute = scan.client(ComputeManagementClient)
    vms = scan.listing(
        "virtual_machines.list_all",
        VM_KINDS,
        compute.virtual_machines.list_all,
        compute.virtual_machines.list,
    )
    for doc in vms or []:
        scan.add(vm_kind(doc), virtual_machine(doc), document=doc)
        vm_id = str(doc.get("id") or "")
        storage = mapping(props(doc).get("storageProfile"))
        for data in storage.get("dataDisks") or []:
            disk_id = ref_id(mapping(data).get("managedDisk"))
            if disk_id:
                attachment = {
                    "id": f"{vm_id}/dataDisks/{mapping(data).get('name', '')}",
                    "virtual_machine_id": vm_id,
                    "managed_disk_id": disk_id,
                    "lun": mapping(data).get("lun"),
                    "caching": mapping(data).get("caching", "None"),
                    "create_option": mapping(data).get("createOption", "Attach"),
                }
                scan.add(
                    "azurerm_virtual_machine_data_disk_attachment",
                    attachment,
                    address=attachment["id"],
                )
    disks = scan.listing(
        "disks.list", DISK_KINDS, compute.disks.list, compute.disks.list_by_resource_group
    )
    os_disks = {
        ref_id(
            mapping(
                mapping(mapping(props(vm).get("storageProfile")).get("osDisk")).get("managedDisk")
            )
        ).lower()
        for vm in vms or []
    }
    for doc in disks or []:
        if str(doc.get("id") or "").lower() in os_disks:
            continue  # Terraform models a VM's OS disk inside the VM (``os_disk``), not apart
        scan.add("azurerm_managed_disk", managed_disk(doc), document=doc)
    scale_sets.collect(scan, compute)
