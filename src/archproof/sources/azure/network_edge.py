"""Network interfaces (+ their NSG associations), load balancers and private endpoints."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from azure.mgmt.network import NetworkManagementClient

from archproof.sources.azure.arm import common, mapping, name_of, props, ref_id, zone_list
from archproof.sources.azure.base import Scan

NIC_KINDS = ("azurerm_network_interface", "azurerm_network_interface_security_group_association")
LB_KINDS = ("azurerm_lb",)
ENDPOINT_KINDS = ("azurerm_private_endpoint",)
KINDS = NIC_KINDS + LB_KINDS + ENDPOINT_KINDS


def ip_configuration(doc: Mapping[str, Any]) -> dict[str, Any]:
    p = props(doc)
    return {
        "name": doc.get("name", ""),
        "subnet_id": ref_id(p.get("subnet")),
        "private_ip_address": p.get("privateIPAddress", ""),
        "private_ip_address_allocation": p.get("privateIPAllocationMethod", "Dynamic"),
        "private_ip_address_version": p.get("privateIPAddressVersion", "IPv4"),
        "public_ip_address_id": ref_id(p.get("publicIPAddress")),
        "primary": bool(p.get("primary", False)),
    }


def network_interface(doc: Mapping[str, Any]) -> dict[str, Any]:
    p = props(doc)
    configs = [
        ip_configuration(c) for c in p.get("ipConfigurations") or [] if isinstance(c, Mapping)
    ]
    dns = mapping(p.get("dnsSettings"))
    private = [c["private_ip_address"] for c in configs if c["private_ip_address"]]
    return {
        **common(doc),
        "ip_configuration": configs,
        "ip_forwarding_enabled": bool(p.get("enableIPForwarding", False)),
        "accelerated_networking_enabled": bool(p.get("enableAcceleratedNetworking", False)),
        "dns_servers": list(dns.get("dnsServers") or []),
        "mac_address": p.get("macAddress", ""),
        "private_ip_address": private[0] if private else "",
        "private_ip_addresses": private,
        "virtual_machine_id": ref_id(p.get("virtualMachine")),
    }


def load_balancer(doc: Mapping[str, Any]) -> dict[str, Any]:
    sku = mapping(doc.get("sku"))
    frontends = []
    for item in props(doc).get("frontendIPConfigurations") or []:
        if not isinstance(item, Mapping):
            continue
        p = props(item)
        frontends.append(
            {
                "id": item.get("id", ""),
                "name": item.get("name", ""),
                "public_ip_address_id": ref_id(p.get("publicIPAddress")),
                "subnet_id": ref_id(p.get("subnet")),
                "private_ip_address": p.get("privateIPAddress", ""),
                "private_ip_address_allocation": p.get("privateIPAllocationMethod", "Dynamic"),
                "zones": zone_list(item),
            }
        )
    private = [f["private_ip_address"] for f in frontends if f["private_ip_address"]]
    return {
        **common(doc),
        "sku": sku.get("name", "Basic"),
        "sku_tier": sku.get("tier", "Regional"),
        "frontend_ip_configuration": frontends,
        "private_ip_address": private[0] if private else "",
        "private_ip_addresses": private,
    }


def private_endpoint(doc: Mapping[str, Any]) -> dict[str, Any]:
    p = props(doc)
    connections = []
    for manual, key in (
        (False, "privateLinkServiceConnections"),
        (True, "manualPrivateLinkServiceConnections"),
    ):
        for item in p.get(key) or []:
            if isinstance(item, Mapping):
                cp = props(item)
                connections.append(
                    {
                        "name": item.get("name", ""),
                        "is_manual_connection": manual,
                        "private_connection_resource_id": cp.get("privateLinkServiceId", ""),
                        "subresource_names": list(cp.get("groupIds") or []),
                    }
                )
    return {
        **common(doc),
        "subnet_id": ref_id(p.get("subnet")),
        "private_service_connection": connections,
        "custom_network_interface_name": p.get("customNetworkInterfaceName", ""),
        "network_interface": [
            {"id": ref_id(n), "name": name_of(ref_id(n))}
            for n in p.get("networkInterfaces") or []
            if ref_id(n)
        ],
    }


def collect(scan: Scan) -> None:
    net = scan.client(NetworkManagementClient)
    nics = scan.listing(
        "network_interfaces.list_all",
        NIC_KINDS,
        net.network_interfaces.list_all,
        net.network_interfaces.list,
    )
    for doc in nics or []:
        scan.add("azurerm_network_interface", network_interface(doc), document=doc)
        nsg = ref_id(props(doc).get("networkSecurityGroup"))
        if nsg:
            nic_id = str(doc.get("id"))
            association = {
                "id": f"{nic_id}|{nsg}",
                "network_interface_id": nic_id,
                "network_security_group_id": nsg,
            }
            scan.add(
                "azurerm_network_interface_security_group_association",
                association,
                address=association["id"],
            )
    balancers = scan.listing(
        "load_balancers.list_all", LB_KINDS, net.load_balancers.list_all, net.load_balancers.list
    )
    for doc in balancers or []:
        scan.add("azurerm_lb", load_balancer(doc), document=doc)
    endpoints = scan.listing(
        "private_endpoints.list_by_subscription",
        ENDPOINT_KINDS,
        net.private_endpoints.list_by_subscription,
        net.private_endpoints.list,
    )
    for doc in endpoints or []:
        scan.add("azurerm_private_endpoint", private_endpoint(doc), document=doc)
