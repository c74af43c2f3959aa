"""Virtual networks, subnets (+ their NSG / NAT / route table associations), network
security groups, NAT gateways (+ public IP and prefix associations), public IPs and public
IP prefixes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from azure.mgmt.network import NetworkManagementClient

from archproof.sources.azure.arm import (
    common,
    enabled,
    mapping,
    parent_name,
    props,
    ref_id,
    ref_ids,
    resource_group_of,
    zone_list,
)
from archproof.sources.azure.base import Scan

VNET_KINDS = (
    "azurerm_virtual_network",
    "azurerm_subnet",
    "azurerm_subnet_network_security_group_association",
    "azurerm_subnet_nat_gateway_association",
    "azurerm_subnet_route_table_association",
)
NSG_KINDS = ("azurerm_network_security_group",)
NAT_KINDS = (
    "azurerm_nat_gateway",
    "azurerm_nat_gateway_public_ip_association",
    "azurerm_nat_gateway_public_ip_prefix_association",
)
PIP_KINDS = ("azurerm_public_ip",)
PREFIX_KINDS = ("azurerm_public_ip_prefix",)
# NAT gateway property listing its addresses → (association kind, attribute naming one)
NAT_ADDRESSES = (
    ("publicIpAddresses", "azurerm_nat_gateway_public_ip_association", "public_ip_address_id"),
    (
        "publicIpPrefixes",
        "azurerm_nat_gateway_public_ip_prefix_association",
        "public_ip_prefix_id",
    ),
)
KINDS = VNET_KINDS + NSG_KINDS + NAT_KINDS + PIP_KINDS + PREFIX_KINDS


def address_prefixes(properties: Mapping[str, Any]) -> list[str]:
    many = properties.get("addressPrefixes")
    if isinstance(many, list) and many:
        return [str(p) for p in many]
    one = properties.get("addressPrefix")
    return [str(one)] if one else []


def virtual_network(doc: Mapping[str, Any]) -> dict[str, Any]:
    p = props(doc)
    space = mapping(p.get("addressSpace"))
    dhcp = mapping(p.get("dhcpOptions"))
    subnets = [s for s in p.get("subnets") or [] if isinstance(s, Mapping)]
    return {
        **common(doc),
        "address_space": list(space.get("addressPrefixes") or []),
        "dns_servers": list(dhcp.get("dnsServers") or []),
        "guid": p.get("resourceGuid", ""),
        "subnet": [
            {
                "id": s.get("id", ""),
                "name": s.get("name", ""),
                "address_prefixes": address_prefixes(props(s)),
                "security_group": ref_id(props(s).get("networkSecurityGroup")),
            }
            for s in subnets
        ],
    }


def subnet(doc: Mapping[str, Any]) -> dict[str, Any]:
    p = props(doc)
    arm_id = str(doc.get("id") or "")
    return {
        "id": arm_id,
        "name": doc.get("name", ""),
        "resource_group_name": resource_group_of(arm_id),
        "virtual_network_name": parent_name(arm_id),
        "address_prefixes": address_prefixes(p),
        "service_endpoints": [
            str(e.get("service")) for e in p.get("serviceEndpoints") or [] if isinstance(e, Mapping)
        ],
        "default_outbound_access_enabled": p.get("defaultOutboundAccess", True),
        "private_endpoint_network_policies": p.get("privateEndpointNetworkPolicies", "Disabled"),
        "private_link_service_network_policies_enabled": enabled(
            p.get("privateLinkServiceNetworkPolicies"), True
        ),
        "delegation": [
            {
                "name": d.get("name", ""),
                "service_delegation": [
                    {
                        "name": props(d).get("serviceName", ""),
                        "actions": list(props(d).get("actions") or []),
                    }
                ],
            }
            for d in p.get("delegations") or []
            if isinstance(d, Mapping)
        ],
    }


# (kind, ARM property of the subnet, attribute naming what it points at)
SUBNET_ASSOCIATIONS = (
    (
        "azurerm_subnet_network_security_group_association",
        "networkSecurityGroup",
        "network_security_group_id",
    ),
    ("azurerm_subnet_nat_gateway_association", "natGateway", "nat_gateway_id"),
    ("azurerm_subnet_route_table_association", "routeTable", "route_table_id"),
)


def security_rule(doc: Mapping[str, Any]) -> dict[str, Any]:
    """One rule as the provider writes a ``security_rule`` block (unset: "" and [])."""
    p = props(doc)
    return {
        "name": doc.get("name", ""),
        "description": p.get("description", ""),
        "priority": p.get("priority"),
        "direction": p.get("direction", ""),
        "access": p.get("access", ""),
        "protocol": p.get("protocol", ""),
        "source_port_range": p.get("sourcePortRange", ""),
        "source_port_ranges": list(p.get("sourcePortRanges") or []),
        "destination_port_range": p.get("destinationPortRange", ""),
        "destination_port_ranges": list(p.get("destinationPortRanges") or []),
        "source_address_prefix": p.get("sourceAddressPrefix", ""),
        "source_address_prefixes": list(p.get("sourceAddressPrefixes") or []),
        "destination_address_prefix": p.get("destinationAddressPrefix", ""),
        "destination_address_prefixes": list(p.get("destinationAddressPrefixes") or []),
        "source_application_security_group_ids": ref_ids(p.get("sourceApplicationSecurityGroups")),
        "destination_application_security_group_ids": ref_ids(
            p.get("destinationApplicationSecurityGroups")
        ),
    }


def network_security_group(doc: Mapping[str, Any]) -> dict[str, Any]:
    rules = [r for r in props(doc).get("securityRules") or [] if isinstance(r, Mapping)]
    return {**common(doc), "security_rule": [security_rule(r) for r in rules]}


def nat_gateway(doc: Mapping[str, Any]) -> dict[str, Any]:
    p = props(doc)
    sku = mapping(doc.get("sku"))
    return {
        **common(doc),
        "sku_name": sku.get("name", "Standard"),
        "idle_timeout_in_minutes": p.get("idleTimeoutInMinutes", 4),
        "resource_guid": p.get("resourceGuid", ""),
        "zones": zone_list(doc),
    }


def public_ip(doc: Mapping[str, Any]) -> dict[str, Any]:
    p = props(doc)
    sku = mapping(doc.get("sku"))
    dns = mapping(p.get("dnsSettings"))
    return {
        **common(doc),
        "allocation_method": p.get("publicIPAllocationMethod", ""),
        "sku": sku.get("name", "Standard"),
        "sku_tier": sku.get("tier", "Regional"),
        "ip_address": p.get("ipAddress", ""),
        "ip_version": p.get("publicIPAddressVersion", "IPv4"),
        "idle_timeout_in_minutes": p.get("idleTimeoutInMinutes", 4),
        "domain_name_label": dns.get("domainNameLabel"),
        "fqdn": dns.get("fqdn"),
        "zones": zone_list(doc),
    }


def public_ip_prefix(doc: Mapping[str, Any]) -> dict[str, Any]:
    p = props(doc)
    sku = mapping(doc.get("sku"))
    return {
        **common(doc),
        "sku": sku.get("name", "Standard"),
        "sku_tier": sku.get("tier", "Regional"),
        "prefix_length": p.get("prefixLength"),
        "ip_prefix": p.get("ipPrefix", ""),
        "ip_version": p.get("publicIPAddressVersion", "IPv4"),
        "zones": zone_list(doc),
    }


def collect(scan: Scan) -> None:
    net = scan.client(NetworkManagementClient)
    vnets = scan.listing(
        "virtual_networks.list_all",
        VNET_KINDS,
        net.virtual_networks.list_all,
        net.virtual_networks.list,
    )
    for doc in vnets or []:
        scan.add("azurerm_virtual_network", virtual_network(doc), document=doc)
        for sub in props(doc).get("subnets") or []:
            if isinstance(sub, Mapping):
                add_subnet(scan, sub)
    groups = scan.listing(
        "network_security_groups.list_all",
        NSG_KINDS,
        net.network_security_groups.list_all,
        net.network_security_groups.list,
    )
    for doc in groups or []:
        scan.add("azurerm_network_security_group", network_security_group(doc), document=doc)
    nats = scan.listing(
        "nat_gateways.list_all", NAT_KINDS, net.nat_gateways.list_all, net.nat_gateways.list
    )
    for doc in nats or []:
        scan.add("azurerm_nat_gateway", nat_gateway(doc), document=doc)
        nat_id = str(doc.get("id"))
        for prop, kind, attribute in NAT_ADDRESSES:
            for address_id in ref_ids(props(doc).get(prop)):
                association = {
                    "id": f"{nat_id}|{address_id}",
                    "nat_gateway_id": nat_id,
                    attribute: address_id,
                }
                scan.add(kind, association, address=association["id"])
    pips = scan.listing(
        "public_ip_addresses.list_all",
        PIP_KINDS,
        net.public_ip_addresses.list_all,
        net.public_ip_addresses.list,
    )
    for doc in pips or []:
        scan.add("azurerm_public_ip", public_ip(doc), document=doc)
    prefixes = scan.listing(
        "public_ip_prefixes.list_all",
        PREFIX_KINDS,
        net.public_ip_prefixes.list_all,
        net.public_ip_prefixes.list,
    )
    for doc in prefixes or []:
        scan.add("azurerm_public_ip_prefix", public_ip_prefix(doc), document=doc)


def add_subnet(scan: Scan, doc: Mapping[str, Any]) -> None:
    scan.add("azurerm_subnet", subnet(doc), document=doc)
    subnet_id = str(doc.get("id") or "")
    for kind, prop, attribute in SUBNET_ASSOCIATIONS:
        target = ref_id(props(doc).get(prop))
        if target:
            association = {"id": subnet_id, "subnet_id": subnet_id, attribute: target}
            scan.add(kind, association, address=f"{subnet_id}|{target}")
