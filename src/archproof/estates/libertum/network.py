"""The network: resource group, VNet with a public and a private subnet, their NSGs, NAT.

The public NSG writes its rules inline (``security_rule`` blocks); the private NSG's rules
are separate ``azurerm_network_security_rule`` resources, so both shapes real
configurations use are in the estate.
"""

from __future__ import annotations

from typing import Any

from archproof.estates.libertum.common import (
    LOCATION,
    PRIVATE_CIDR,
    PUBLIC_CIDR,
    RESOURCE_GROUP,
    RG,
    VNET_CIDR,
    placed,
    tags,
)
from archproof.estates.model import EstateResource, ref

PUBLIC_NSG = "azurerm_network_security_group.public"
PRIVATE_NSG = "azurerm_network_security_group.private"


def inline_rule(
    name: str, priority: int, access: str, ports: str, source: str, protocol: str = "Tcp"
) -> dict[str, Any]:
    """One inbound ``security_rule`` block of an NSG."""
    return {
        "name": name,
        "priority": priority,
        "direction": "Inbound",
        "access": access,
        "protocol": protocol,
        "source_port_range": "*",
        "destination_port_range": ports,
        "source_address_prefix": source,
        "destination_address_prefix": "*",
    }


def separate_rule(
    resource_name: str, nsg: str, priority: int, access: str, ports: str, source: str
) -> EstateResource:
    """One inbound ``azurerm_network_security_rule`` of the NSG ``nsg`` (its resource name)."""
    return EstateResource(
        "azurerm_network_security_rule",
        resource_name,
        {
            "name": resource_name.replace("_", "-"),
            "resource_group_name": RG,
            "network_security_group_name": ref(f"azurerm_network_security_group.{nsg}.name"),
            "priority": priority,
            "direction": "Inbound",
            "access": access,
            "protocol": "*",
            "source_port_range": "*",
            "destination_port_range": ports,
            "source_address_prefix": source,
            "destination_address_prefix": "VirtualNetwork",
        },
    )


def network_resources() -> list[EstateResource]:
    return [
        EstateResource(
            "azurerm_resource_group",
            "main",
            {"name": RESOURCE_GROUP, "location": LOCATION, "tags": tags()},
        ),
        EstateResource(
            "azurerm_virtual_network",
            "main",
            placed("vnet-libertum-prod", address_space=[VNET_CIDR]),
        ),
        _subnet("public", PUBLIC_CIDR, default_outbound=True),
        _subnet("private", PRIVATE_CIDR, default_outbound=False),
        *security_groups(),
        *nat(),
    ]


def _subnet(tier: str, cidr: str, *, default_outbound: bool) -> EstateResource:
    values: dict[str, Any] = {
        "name": f"snet-{tier}",
        "resource_group_name": RG,
        "virtual_network_name": ref("azurerm_virtual_network.main.name"),
        "address_prefixes": [cidr],
        "default_outbound_access_enabled": default_outbound,
    }
    if tier == "private":
        values["service_endpoints"] = ["Microsoft.Storage"]  # backups reach the storage account
    return EstateResource("azurerm_subnet", tier, values)


def security_groups() -> list[EstateResource]:
    public_rules = [
        inline_rule("allow-http-from-internet", 100, "Allow", "80", "Internet"),
        inline_rule("allow-https-from-internet", 110, "Allow", "443", "Internet"),
        inline_rule("deny-all-inbound", 4096, "Deny", "*", "*", protocol="*"),
    ]
    return [
        EstateResource(
            "azurerm_network_security_group",
            "public",
            placed("nsg-public", security_rule=public_rules),
        ),
        EstateResource("azurerm_network_security_group", "private", placed("nsg-private")),
        separate_rule("allow_vnet_inbound", "private", 100, "Allow", "*", "VirtualNetwork"),
        separate_rule("allow_lb_probes", "private", 110, "Allow", "*", "AzureLoadBalancer"),
        separate_rule("deny_internet_inbound", "private", 4000, "Deny", "*", "Internet"),
        separate_rule("deny_all_inbound", "private", 4096, "Deny", "*", "*"),
        *(
            EstateResource(
                "azurerm_subnet_network_security_group_association",
                tier,
                {
                    "subnet_id": ref(f"azurerm_subnet.{tier}.id"),
                    "network_security_group_id": ref(f"azurerm_network_security_group.{tier}.id"),
                },
            )
            for tier in ("public", "private")
        ),
    ]


def nat() -> list[EstateResource]:
    """A NAT gateway with one static public IP, serving the private subnet's egress."""
    return [
        EstateResource(
            "azurerm_public_ip",
            "nat",
            placed("pip-nat", allocation_method="Static", sku="Standard"),
        ),
        EstateResource(
            "azurerm_nat_gateway",
            "main",
            placed("ng-libertum-prod", sku_name="Standard", idle_timeout_in_minutes=10),
        ),
        EstateResource(
            "azurerm_nat_gateway_public_ip_association",
            "main",
            {
                "nat_gateway_id": ref("azurerm_nat_gateway.main.id"),
                "public_ip_address_id": ref("azurerm_public_ip.nat.id"),
            },
        ),
        EstateResource(
            "azurerm_subnet_nat_gateway_association",
            "private",
            {
                "subnet_id": ref("azurerm_subnet.private.id"),
                "nat_gateway_id": ref("azurerm_nat_gateway.main.id"),
            },
        ),
    ]
