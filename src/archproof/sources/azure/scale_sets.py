"""VM scale sets as the provider's scale set kinds: the network interface each instance gets
(``network_interface`` → ``ip_configuration`` → ``subnet_id``, ``public_ip_address``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from azure.mgmt.compute import ComputeManagementClient

from archproof.sources.azure.arm import common, mapping, props, ref_id, ref_ids, zone_list
from archproof.sources.azure.base import Scan

LINUX = "azurerm_linux_virtual_machine_scale_set"
WINDOWS = "azurerm_windows_virtual_machine_scale_set"
FLEXIBLE = "azurerm_orchestrated_virtual_machine_scale_set"
KINDS = (LINUX, WINDOWS, FLEXIBLE)


def scale_set_kind(doc: Mapping[str, Any]) -> str:
    """Flexible orchestration: the orchestrated kind; else Windows or Linux by the OS profile."""
    p = props(doc)
    if str(p.get("orchestrationMode") or "").lower() == "flexible":
        return FLEXIBLE
    profile = mapping(p.get("virtualMachineProfile"))
    os_profile = mapping(profile.get("osProfile"))
    disk = mapping(mapping(profile.get("storageProfile")).get("osDisk"))
    if os_profile.get("windowsConfiguration") or str(disk.get("osType")).lower() == "windows":
        return WINDOWS
    return LINUX


def _public_address(configuration: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A ``publicIPAddressConfiguration`` as the ``public_ip_address`` block (none: [])."""
    if not configuration:
        return []
    p = props(configuration)
    return [
        {
            "name": configuration.get("name", ""),
            "idle_timeout_in_minutes": p.get("idleTimeoutInMinutes"),
            "domain_name_label": mapping(p.get("dnsSettings")).get("domainNameLabel", ""),
            "public_ip_prefix_id": ref_id(p.get("publicIPPrefix")),
            "version": p.get("publicIPAddressVersion", "IPv4"),
        }
    ]


def ip_configuration(doc: Mapping[str, Any]) -> dict[str, Any]:
    p = props(doc)
    return {
        "name": doc.get("name", ""),
        "primary": bool(p.get("primary", False)),
        "subnet_id": ref_id(p.get("subnet")),
        "version": p.get("privateIPAddressVersion", "IPv4"),
        "load_balancer_backend_address_pool_ids": ref_ids(p.get("loadBalancerBackendAddressPools")),
        "application_security_group_ids": ref_ids(p.get("applicationSecurityGroups")),
        "public_ip_address": _public_address(mapping(p.get("publicIPAddressConfiguration"))),
    }


def network_interface(doc: Mapping[str, Any]) -> dict[str, Any]:
    p = props(doc)
    configurations = [c for c in p.get("ipConfigurations") or [] if isinstance(c, Mapping)]
    return {
        "name": doc.get("name", ""),
        "primary": bool(p.get("primary", False)),
        "network_security_group_id": ref_id(p.get("networkSecurityGroup")),
        "accelerated_networking_enabled": bool(p.get("enableAcceleratedNetworking", False)),
        "ip_forwarding_enabled": bool(p.get("enableIPForwarding", False)),
        "ip_configuration": [ip_configuration(c) for c in configurations],
    }


def scale_set(doc: Mapping[str, Any]) -> dict[str, Any]:
    p = props(doc)
    profile = mapping(p.get("virtualMachineProfile"))
    network = mapping(profile.get("networkProfile"))
    interfaces = [
        network_interface(n)
        for n in network.get("networkInterfaceConfigurations") or []
        if isinstance(n, Mapping)
    ]
    sku = mapping(doc.get("sku"))
    attributes = {
        **common(doc),
        "instances": sku.get("capacity", 0),
        "zones": zone_list(doc),
        "network_interface": interfaces,
        "unique_id": p.get("uniqueId", ""),
    }
    if scale_set_kind(doc) == FLEXIBLE:
        attributes["sku_name"] = sku.get("name", "")
        attributes["platform_fault_domain_count"] = p.get("platformFaultDomainCount")
    else:
        attributes["sku"] = sku.get("name", "")
        attributes["upgrade_mode"] = mapping(p.get("upgradePolicy")).get("mode", "Manual")
        attributes["admin_username"] = mapping(profile.get("osProfile")).get("adminUsername", "")
    return attributes


def collect(scan: Scan, compute: ComputeManagementClient) -> None:
    found = scan.listing(
        "virtual_machine_scale_sets.list_all",
        KINDS,
        compute.virtual_machine_scale_sets.list_all,
        compute.virtual_machine_scale_sets.list,
    )
    for doc in found or []:
        scan.add(scale_set_kind(doc), scale_set(doc), document=doc)
