"""Per-kind writers for compute, containers, storage, monitoring and Defender (see
``arm_from_plan_docs`` for the network ones and the helpers)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archproof.emulators.arm_from_plan_docs import (
    Applied,
    Doc,
    _guid,
    _status,
    _zones,
    base,
    block,
    blocks,
    value,
)
from archproof.inventory.model import Resource

if TYPE_CHECKING:
    from archproof.emulators.arm_from_plan import Plan

WINDOWS_KINDS = ("azurerm_windows_virtual_machine",)


def _is_windows(r: Resource) -> bool:
    if r.kind in WINDOWS_KINDS:
        return True
    if r.kind != "azurerm_virtual_machine":
        return False
    os_disk = block(r, "storage_os_disk")
    image = block(r, "storage_image_reference")
    return bool(
        blocks(r, "os_profile_windows_config")
        or str(os_disk.get("os_type", "")).lower() == "windows"
        or "windows" in str(image.get("publisher", "")).lower()
    )


def virtual_machine(plan: Plan, r: Resource, out: Applied) -> None:
    doc = base(plan, r, "Microsoft.Compute/virtualMachines")
    legacy = r.kind == "azurerm_virtual_machine"
    disk = block(r, "storage_os_disk" if legacy else "os_disk")
    windows = _is_windows(r)
    name = str(disk.get("name") or f"{doc['name']}_OsDisk_1_{_guid(doc['id'])[:8]}")
    group_id = doc["id"].split("/providers/", 1)[0]
    disk_id = f"{group_id}/providers/Microsoft.Compute/disks/{name}"
    account_type = (
        disk.get("managed_disk_type" if legacy else "storage_account_type") or "Premium_LRS"
    )
    managed: Doc = {"id": disk_id, "storageAccountType": account_type}
    des = plan.id_at(r, "os_disk.0.disk_encryption_set_id") if not legacy else ""
    if des:
        managed["diskEncryptionSet"] = {"id": des}
    os_profile: Doc = {
        "computerName": value(r, "computer_name") or doc["name"],
        "adminUsername": value(r, "admin_username")
        or block(r, "os_profile").get("admin_username", "azureuser"),
    }
    if windows:
        os_profile["windowsConfiguration"] = {
            "provisionVMAgent": True,
            "enableAutomaticUpdates": True,
        }
    else:
        password_off = value(r, "disable_password_authentication")
        if legacy:
            password_off = block(r, "os_profile_linux_config").get(
                "disable_password_authentication"
            )
        os_profile["linuxConfiguration"] = {
            "disablePasswordAuthentication": password_off is not False
        }
    nics = plan.ids_at(r, "network_interface_ids")
    security: Doc = {"encryptionAtHost": bool(value(r, "encryption_at_host_enabled", False))}
    if value(r, "secure_boot_enabled") or value(r, "vtpm_enabled"):
        security["uefiSettings"] = {
            "secureBootEnabled": bool(value(r, "secure_boot_enabled")),
            "vTpmEnabled": bool(value(r, "vtpm_enabled")),
        }
    doc["properties"].update(
        vmId=_guid(doc["id"]),
        hardwareProfile={"vmSize": value(r, "vm_size" if legacy else "size", "Standard_B2s")},
        storageProfile={
            "osDisk": {
                "osType": "Windows" if windows else "Linux",
                "name": name,
                "createOption": "FromImage",
                "caching": disk.get("caching") or "ReadWrite",
                "managedDisk": managed,
                "diskSizeGB": disk.get("disk_size_gb") or 30,
            },
            "dataDisks": [],
        },
        osProfile=os_profile,
        securityProfile=security,
        networkProfile={
            "networkInterfaces": [
                {"id": n, "properties": {"primary": i == 0}} for i, n in enumerate(nics)
            ]
        },
    )
    if plan.id_at(r, "availability_set_id"):
        doc["properties"]["availabilitySet"] = {"id": plan.id_at(r, "availability_set_id")}
    if _zones(r):
        doc["zones"] = _zones(r)[:1]
    out.put(doc)
    for nic in nics:
        nic_doc = out.get(nic)
        if nic_doc is not None:
            nic_doc["properties"]["virtualMachine"] = {"id": doc["id"]}
    os_doc = {
        "id": disk_id,
        "name": name,
        "type": "Microsoft.Compute/disks",
        "location": doc["location"],
        "managedBy": doc["id"],
        "sku": {"name": account_type},
        "tags": {},
        "properties": {
            "osType": "Windows" if windows else "Linux",
            "diskSizeGB": managed.get("diskSizeGB", 30),
            "creationData": {"createOption": "FromImage"},
            "diskState": "Attached",
            "encryption": {"type": "EncryptionAtRestWithCustomerKey", "diskEncryptionSetId": des}
            if des
            else {"type": "EncryptionAtRestWithPlatformKey"},
        },
    }
    if doc.get("zones"):
        os_doc["zones"] = doc["zones"]
    out.put(os_doc)


def managed_disk(plan: Plan, r: Resource, out: Applied) -> None:
    doc = base(
        plan,
        r,
        "Microsoft.Compute/disks",
        sku={"name": value(r, "storage_account_type", "Standard_LRS")},
    )
    des = plan.id_at(r, "disk_encryption_set_id")
    props: dict[str, Any] = {
        "creationData": {"createOption": value(r, "create_option", "Empty")},
        "diskSizeGB": value(r, "disk_size_gb", 32),
        "encryption": {"type": "EncryptionAtRestWithCustomerKey", "diskEncryptionSetId": des}
        if des
        else {"type": "EncryptionAtRestWithPlatformKey"},
        "networkAccessPolicy": value(r, "network_access_policy", "AllowAll"),
        "publicNetworkAccess": "Enabled"
        if value(r, "public_network_access_enabled", True)
        else "Disabled",
        "diskState": "Unattached",
    }
    if value(r, "os_type"):
        props["osType"] = value(r, "os_type")
    if blocks(r, "encryption_settings"):
        props["encryptionSettingsCollection"] = {"enabled": True, "encryptionSettings": []}
    doc["properties"].update(props)
    if _zones(r):
        doc["zones"] = _zones(r)[:1]
    out.put(doc)


def data_disk_attachment(plan: Plan, r: Resource, out: Applied) -> None:
    vm, disk = (
        out.get(plan.id_at(r, "virtual_machine_id")),
        out.get(plan.id_at(r, "managed_disk_id")),
    )
    if vm is None or disk is None:
        return
    vm["properties"]["storageProfile"]["dataDisks"].append(
        {
            "lun": value(r, "lun", 0),
            "name": disk["name"],
            "createOption": "Attach",
            "caching": value(r, "caching", "None"),
            "diskSizeGB": disk["properties"].get("diskSizeGB"),
            "managedDisk": {
                "id": disk["id"],
                "storageAccountType": disk.get("sku", {}).get("name"),
            },
        }
    )
    disk["managedBy"] = vm["id"]
    disk["properties"]["diskState"] = "Attached"


# --- containers ------------------------------------------------------------------------------


def _pool_profile(plan: Plan, r: Resource, prefix: str, item: dict[str, Any]) -> Doc:
    auto = bool(item.get("auto_scaling_enabled", item.get("enable_auto_scaling", False)))
    count = item.get("node_count")
    if not isinstance(count, int):
        count = item.get("min_count") if isinstance(item.get("min_count"), int) else 1
    profile: Doc = {
        "name": item.get("name", ""),
        "count": count,
        "vmSize": item.get("vm_size") or "Standard_D2s_v5",
        "availabilityZones": [str(z) for z in item.get("zones") or []],
        "enableAutoScaling": auto,
        "maxPods": item.get("max_pods") or 110,
        "vnetSubnetID": plan.id_at(r, f"{prefix}vnet_subnet_id") or None,
        "osDiskSizeGB": item.get("os_disk_size_gb") or 128,
        "osDiskType": item.get("os_disk_type") or "Managed",
        "type": item.get("type") or "VirtualMachineScaleSets",
        "osType": item.get("os_type") or "Linux",
        "enableNodePublicIP": bool(
            item.get("node_public_ip_enabled", item.get("enable_node_public_ip", False))
        ),
        "enableEncryptionAtHost": bool(item.get("host_encryption_enabled", False)),
        "enableFIPS": bool(item.get("fips_enabled", False)),
        "nodeLabels": dict(item.get("node_labels") or {}),
        "provisioningState": "Succeeded",
        "powerState": {"code": "Running"},
    }
    if auto:
        profile["minCount"], profile["maxCount"] = item.get("min_count"), item.get("max_count")
    return {k: v for k, v in profile.items() if v is not None}


def kubernetes_cluster(plan: Plan, r: Resource, out: Applied) -> None:
    doc = base(
        plan,
        r,
        "Microsoft.ContainerService/ManagedClusters",
        sku={"name": "Base", "tier": value(r, "sku_tier", "Free")},
    )
    access = block(r, "api_server_access_profile")
    kms = block(r, "key_management_service")
    network = block(r, "network_profile")
    identity = block(r, "identity")
    default = _pool_profile(plan, r, "default_node_pool.0.", block(r, "default_node_pool"))
    default["mode"] = "System"
    props: Doc = {
        "kubernetesVersion": value(r, "kubernetes_version", "1.30.5"),
        "currentKubernetesVersion": value(r, "kubernetes_version", "1.30.5"),
        "dnsPrefix": value(r, "dns_prefix", doc["name"]),
        "agentPoolProfiles": [default],
        "enableRBAC": bool(value(r, "role_based_access_control_enabled", True)),
        "disableLocalAccounts": bool(value(r, "local_account_disabled", False)),
        "nodeResourceGroup": value(r, "node_resource_group")
        or f"MC_{plan.group(r)}_{doc['name']}_{doc['location']}",
        "apiServerAccessProfile": {
            "enablePrivateCluster": bool(value(r, "private_cluster_enabled", False)),
            "authorizedIPRanges": list(access.get("authorized_ip_ranges") or []),
        },
        "addonProfiles": {},
        "oidcIssuerProfile": {"enabled": bool(value(r, "oidc_issuer_enabled", False))},
    }
    if kms:
        props["securityProfile"] = {
            "azureKeyVaultKms": {
                "enabled": True,
                "keyId": plan.id_at(r, "key_management_service.0.key_vault_key_id"),
                "keyVaultNetworkAccess": kms.get("key_vault_network_access") or "Public",
            }
        }
    if blocks(r, "oms_agent"):
        workspace = plan.id_at(r, "oms_agent.0.log_analytics_workspace_id")
        props["addonProfiles"]["omsagent"] = {
            "enabled": True,
            "config": {"logAnalyticsWorkspaceResourceID": workspace},
        }
    if value(r, "azure_policy_enabled"):
        props["addonProfiles"]["azurepolicy"] = {"enabled": True, "config": None}
    if network:
        props["networkProfile"] = {
            "networkPlugin": network.get("network_plugin") or "kubenet",
            "networkPolicy": network.get("network_policy") or None,
            "outboundType": network.get("outbound_type") or "loadBalancer",
            "loadBalancerSku": network.get("load_balancer_sku") or "standard",
            "podCidr": network.get("pod_cidr") or None,
            "serviceCidr": network.get("service_cidr") or None,
            "dnsServiceIP": network.get("dns_service_ip") or None,
        }
    if plan.id_at(r, "disk_encryption_set_id"):
        props["diskEncryptionSetID"] = plan.id_at(r, "disk_encryption_set_id")
    doc["properties"].update(props)
    doc["identity"] = {
        "type": identity.get("type") or "SystemAssigned",
        "principalId": _guid(doc["id"] + "/mi"),
    }
    out.put(doc)


def node_pool(plan: Plan, r: Resource, out: Applied) -> None:
    cluster = out.get(plan.id_at(r, "kubernetes_cluster_id"))
    ident = plan.arm_id(r)
    if cluster is None or not ident:
        return
    fields = {k: value(r, k) for k in r.attributes}
    profile = _pool_profile(plan, r, "", fields)
    profile["mode"] = value(r, "mode", "User")
    profile["name"] = plan.name(r)
    profile["nodeTaints"] = list(value(r, "node_taints", []))
    cluster["properties"]["agentPoolProfiles"].append(profile)


def container_registry(plan: Plan, r: Resource, out: Applied) -> None:
    sku = value(r, "sku", "Basic")
    doc = base(plan, r, "Microsoft.ContainerRegistry/registries", sku={"name": sku, "tier": sku})
    encryption = block(r, "encryption")
    retention = value(r, "retention_policy_in_days")
    doc["properties"].update(
        loginServer=f"{doc['name']}.azurecr.io",
        adminUserEnabled=bool(value(r, "admin_enabled", False)),
        publicNetworkAccess="Enabled"
        if value(r, "public_network_access_enabled", True)
        else "Disabled",
        anonymousPullEnabled=bool(value(r, "anonymous_pull_enabled", False)),
        dataEndpointEnabled=bool(value(r, "data_endpoint_enabled", False)),
        zoneRedundancy="Enabled" if value(r, "zone_redundancy_enabled", False) else "Disabled",
        networkRuleBypassOptions=value(r, "network_rule_bypass_option", "AzureServices"),
        policies={
            "quarantinePolicy": {"status": _status(value(r, "quarantine_policy_enabled", False))},
            "trustPolicy": {
                "type": "Notary",
                "status": _status(value(r, "trust_policy_enabled", False)),
            },
            "retentionPolicy": {"days": retention or 7, "status": _status(retention)},
            "exportPolicy": {"status": _status(value(r, "export_policy_enabled", True))},
        },
        encryption={
            "status": "enabled",
            "keyVaultProperties": {
                "keyIdentifier": plan.id_at(r, "encryption.0.key_vault_key_id"),
                "identity": encryption.get("identity_client_id", ""),
            },
        }
        if encryption
        else {"status": "disabled"},
    )
    out.put(doc)
