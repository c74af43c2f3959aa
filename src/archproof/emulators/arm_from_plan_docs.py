"""Per-kind writers: one planned azurerm resource → the ARM JSON Azure returns for it.

The inverse of ``archproof.sources.azure``'s mapping. Values the plan leaves unknown take
what Azure would fill in (an address, a count); relations land on the documents ARM
keeps them on.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from archproof.inventory.model import Resource, Unknown

if TYPE_CHECKING:
    from archproof.emulators.arm_from_plan import Plan

Doc = dict[str, Any]


def value(resource: Resource, path: str, default: Any = None) -> Any:
    """An attribute; ``default`` when absent or unknown."""
    found = resource.get(path, default)
    return default if found is None or isinstance(found, Unknown) else found


def block(resource: Resource, name: str) -> dict[str, Any]:
    """The first element of a nested block (``{}`` when there is none)."""
    found = value(resource, name)
    if isinstance(found, list) and found and isinstance(found[0], dict):
        return {k: v for k, v in found[0].items() if not isinstance(v, Unknown)}
    return {}


def blocks(resource: Resource, name: str) -> list[dict[str, Any]]:
    found = value(resource, name, [])
    return (
        [
            {k: v for k, v in item.items() if not isinstance(v, Unknown)}
            for item in found
            if isinstance(item, dict)
        ]
        if isinstance(found, list)
        else []
    )


def _ref(ident: str) -> dict[str, str] | None:
    return {"id": ident} if ident else None


def _status(flag: Any) -> str:
    return "enabled" if flag else "disabled"


def _guid(seed: str) -> str:
    h = hashlib.sha256(seed.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"


def _ip(seed: str, prefix: str = "20.61") -> str:
    h = hashlib.sha256(seed.encode()).digest()
    return f"{prefix}.{h[0]}.{max(1, h[1] % 254)}"


class Applied:
    """ARM documents by id (case-insensitive), in the order they were written."""

    def __init__(self) -> None:
        self._docs: dict[str, Doc] = {}

    def put(self, doc: Doc) -> Doc:
        self._docs[str(doc["id"]).lower()] = doc
        return doc

    def get(self, ident: str) -> Doc | None:
        return self._docs.get(ident.lower()) if ident else None

    def documents(self) -> list[Doc]:
        return [copy.deepcopy(d) for d in self._docs.values()]


def base(plan: Plan, resource: Resource, arm_type: str, **extra: Any) -> Doc:
    ident = plan.arm_id(resource)
    tags = value(resource, "tags", {})
    doc: Doc = {
        "id": ident,
        "name": plan.name(resource),
        "type": arm_type,
        "location": plan.location(resource),
        "tags": {k: v for k, v in tags.items() if isinstance(v, str)}
        if isinstance(tags, dict)
        else {},
        "properties": {"provisioningState": "Succeeded"},
    }
    doc.update(extra)
    return doc


def _zones(resource: Resource) -> list[str]:
    many = value(resource, "zones", [])
    if isinstance(many, list) and many:
        return [str(z) for z in many]
    one = value(resource, "zone", "")
    return [str(one)] if one else []


# --- network ---------------------------------------------------------------------------------


def virtual_network(plan: Plan, r: Resource, out: Applied) -> None:
    doc = base(plan, r, "Microsoft.Network/virtualNetworks")
    doc["properties"].update(
        resourceGuid=_guid(doc["id"]),
        addressSpace={"addressPrefixes": list(value(r, "address_space", []))},
        dhcpOptions={"dnsServers": list(value(r, "dns_servers", []))},
        subnets=[],
    )
    out.put(doc)
    for item in blocks(r, "subnet"):  # inline subnets
        ident = f"{doc['id']}/subnets/{item.get('name', '')}"
        props: Doc = {"provisioningState": "Succeeded", **_prefixes(item.get("address_prefixes"))}
        if item.get("security_group"):
            props["networkSecurityGroup"] = {"id": item["security_group"]}
        out.put(
            {
                "id": ident,
                "name": item.get("name", ""),
                "type": "Microsoft.Network/virtualNetworks/subnets",
                "properties": props,
            }
        )


def _prefixes(prefixes: Any) -> Doc:
    listed = [str(p) for p in prefixes or []] if isinstance(prefixes, list) else []
    return {"addressPrefix": listed[0]} if len(listed) == 1 else {"addressPrefixes": listed}


def subnet(plan: Plan, r: Resource, out: Applied) -> None:
    ident = plan.arm_id(r)
    if not ident:
        return
    props: Doc = {
        "provisioningState": "Succeeded",
        **_prefixes(value(r, "address_prefixes", [])),
        "serviceEndpoints": [
            {"service": s, "locations": ["*"]} for s in value(r, "service_endpoints", [])
        ],
        "privateEndpointNetworkPolicies": value(r, "private_endpoint_network_policies", "Disabled"),
        "privateLinkServiceNetworkPolicies": "Enabled"
        if value(r, "private_link_service_network_policies_enabled", True)
        else "Disabled",
        "delegations": [
            {
                "name": d.get("name", ""),
                "properties": {
                    "serviceName": (d.get("service_delegation") or [{}])[0].get("name", ""),
                    "actions": (d.get("service_delegation") or [{}])[0].get("actions", []),
                },
            }
            for d in blocks(r, "delegation")
        ],
    }
    network = ident.rsplit("/subnets/", 1)[0]
    if out.get(network) is None:  # an existing network the plan names: it is there once applied
        out.put(
            {
                "id": network,
                "name": network.rsplit("/", 1)[-1],
                "type": "Microsoft.Network/virtualNetworks",
                "location": plan.location(r),
                "tags": {},
                "properties": {
                    "provisioningState": "Succeeded",
                    "addressSpace": {"addressPrefixes": []},
                    "subnets": [],
                },
            }
        )
    outbound = value(r, "default_outbound_access_enabled")
    if outbound is not None:
        props["defaultOutboundAccess"] = bool(outbound)
    out.put(
        {
            "id": ident,
            "name": plan.name(r),
            "type": "Microsoft.Network/virtualNetworks/subnets",
            "etag": f'W/"{_guid(ident)}"',
            "properties": props,
        }
    )


def _rule(name: str, ident: str, rule: dict[str, Any]) -> Doc:
    def text(key: str) -> str:
        found = rule.get(key)
        return str(found) if found not in (None, "") else ""

    props: Doc = {
        "provisioningState": "Succeeded",
        "description": text("description"),
        "protocol": text("protocol") or "*",
        "access": text("access"),
        "priority": rule.get("priority"),
        "direction": text("direction"),
        "sourcePortRanges": list(rule.get("source_port_ranges") or []),
        "destinationPortRanges": list(rule.get("destination_port_ranges") or []),
        "sourceAddressPrefixes": list(rule.get("source_address_prefixes") or []),
        "destinationAddressPrefixes": list(rule.get("destination_address_prefixes") or []),
    }
    for key, arm in (
        ("source_port_range", "sourcePortRange"),
        ("destination_port_range", "destinationPortRange"),
        ("source_address_prefix", "sourceAddressPrefix"),
        ("destination_address_prefix", "destinationAddressPrefix"),
    ):
        if text(key):
            props[arm] = text(key)
    return {
        "id": ident,
        "name": name,
        "type": "Microsoft.Network/networkSecurityGroups/securityRules",
        "properties": props,
    }


def network_security_group(plan: Plan, r: Resource, out: Applied) -> None:
    doc = base(plan, r, "Microsoft.Network/networkSecurityGroups")
    rules = [
        _rule(str(rule.get("name", "")), f"{doc['id']}/securityRules/{rule.get('name', '')}", rule)
        for rule in blocks(r, "security_rule")
    ]
    doc["properties"].update(
        resourceGuid=_guid(doc["id"]), securityRules=rules, defaultSecurityRules=[]
    )
    out.put(doc)


def security_rule(plan: Plan, r: Resource, out: Applied) -> None:
    ident = plan.arm_id(r)
    group = out.get(ident.rsplit("/securityRules/", 1)[0]) if ident else None
    if group is None:
        return
    fields = {k: value(r, k) for k in r.attributes}
    group["properties"]["securityRules"].append(_rule(plan.name(r), ident, fields))


def nat_gateway(plan: Plan, r: Resource, out: Applied) -> None:
    doc = base(
        plan, r, "Microsoft.Network/natGateways", sku={"name": value(r, "sku_name", "Standard")}
    )
    if _zones(r):
        doc["zones"] = _zones(r)
    doc["properties"].update(
        idleTimeoutInMinutes=value(r, "idle_timeout_in_minutes", 4),
        resourceGuid=_guid(doc["id"]),
        publicIpAddresses=[],
    )
    out.put(doc)


def public_ip(plan: Plan, r: Resource, out: Applied) -> None:
    doc = base(
        plan,
        r,
        "Microsoft.Network/publicIPAddresses",
        sku={"name": value(r, "sku", "Standard"), "tier": value(r, "sku_tier", "Regional")},
    )
    if _zones(r):
        doc["zones"] = _zones(r)
    doc["properties"].update(
        publicIPAllocationMethod=value(r, "allocation_method", "Static"),
        publicIPAddressVersion=value(r, "ip_version", "IPv4"),
        idleTimeoutInMinutes=value(r, "idle_timeout_in_minutes", 4),
        ipAddress=value(r, "ip_address") or _ip(doc["id"]),
        ipTags=[],
    )
    if value(r, "domain_name_label"):
        doc["properties"]["dnsSettings"] = {"domainNameLabel": value(r, "domain_name_label")}
    out.put(doc)


def public_ip_prefix(plan: Plan, r: Resource, out: Applied) -> None:
    doc = base(
        plan,
        r,
        "Microsoft.Network/publicIPPrefixes",
        sku={"name": value(r, "sku", "Standard"), "tier": value(r, "sku_tier", "Regional")},
    )
    if _zones(r):
        doc["zones"] = _zones(r)
    length = value(r, "prefix_length", 28)
    doc["properties"].update(
        prefixLength=length,
        publicIPAddressVersion=value(r, "ip_version", "IPv4"),
        ipPrefix=value(r, "ip_prefix") or f"{_ip(doc['id']).rsplit('.', 1)[0]}.0/{length}",
        ipTags=[],
    )
    out.put(doc)


def network_interface(plan: Plan, r: Resource, out: Applied) -> None:
    doc = base(plan, r, "Microsoft.Network/networkInterfaces")
    configs = []
    for index, item in enumerate(blocks(r, "ip_configuration")):
        name = str(item.get("name") or f"ipconfig{index + 1}")
        props: Doc = {
            "provisioningState": "Succeeded",
            "privateIPAllocationMethod": item.get("private_ip_address_allocation") or "Dynamic",
            "privateIPAddress": item.get("private_ip_address")
            or _ip(f"{doc['id']}/{name}", "10.0"),
            "privateIPAddressVersion": item.get("private_ip_address_version") or "IPv4",
            "primary": bool(item.get("primary", index == 0)),
            "subnet": _ref(plan.id_at(r, f"ip_configuration.{index}.subnet_id")),
            "publicIPAddress": _ref(
                plan.id_at(r, f"ip_configuration.{index}.public_ip_address_id")
            ),
        }
        configs.append(
            {
                "id": f"{doc['id']}/ipConfigurations/{name}",
                "name": name,
                "type": "Microsoft.Network/networkInterfaces/ipConfigurations",
                "properties": {k: v for k, v in props.items() if v is not None},
            }
        )
    doc["properties"].update(
        ipConfigurations=configs,
        enableIPForwarding=bool(
            value(r, "ip_forwarding_enabled", value(r, "enable_ip_forwarding", False))
        ),
        enableAcceleratedNetworking=bool(
            value(
                r,
                "accelerated_networking_enabled",
                value(r, "enable_accelerated_networking", False),
            )
        ),
        dnsSettings={"dnsServers": list(value(r, "dns_servers", []))},
        macAddress="60-45-BD-00-00-01",
        primary=True,
    )
    out.put(doc)


def load_balancer(plan: Plan, r: Resource, out: Applied) -> None:
    doc = base(
        plan,
        r,
        "Microsoft.Network/loadBalancers",
        sku={"name": value(r, "sku", "Basic"), "tier": value(r, "sku_tier", "Regional")},
    )
    frontends = []
    for index, item in enumerate(blocks(r, "frontend_ip_configuration")):
        name = str(item.get("name") or f"frontend{index}")
        props: Doc = {
            "provisioningState": "Succeeded",
            "privateIPAllocationMethod": item.get("private_ip_address_allocation") or "Dynamic",
            "publicIPAddress": _ref(
                plan.id_at(r, f"frontend_ip_configuration.{index}.public_ip_address_id")
            ),
            "subnet": _ref(plan.id_at(r, f"frontend_ip_configuration.{index}.subnet_id")),
            "privateIPAddress": item.get("private_ip_address") or None,
        }
        front: Doc = {
            "id": f"{doc['id']}/frontendIPConfigurations/{name}",
            "name": name,
            "properties": {k: v for k, v in props.items() if v is not None},
        }
        if item.get("zones"):
            front["zones"] = list(item["zones"])
        frontends.append(front)
    doc["properties"].update(
        frontendIPConfigurations=frontends,
        backendAddressPools=[],
        loadBalancingRules=[],
        probes=[],
        inboundNatRules=[],
        outboundRules=[],
    )
    out.put(doc)


def private_endpoint(plan: Plan, r: Resource, out: Applied) -> None:
    doc = base(plan, r, "Microsoft.Network/privateEndpoints")
    automatic: list[Doc] = []
    manual: list[Doc] = []
    for index, item in enumerate(blocks(r, "private_service_connection")):
        target = plan.id_at(r, f"private_service_connection.{index}.private_connection_resource_id")
        entry = {
            "name": item.get("name", ""),
            "id": f"{doc['id']}/privateLinkServiceConnections/{item.get('name', '')}",
            "properties": {
                "privateLinkServiceId": target,
                "groupIds": list(item.get("subresource_names") or []),
            },
        }
        (manual if item.get("is_manual_connection") else automatic).append(entry)
    doc["properties"].update(
        subnet=_ref(plan.id_at(r, "subnet_id")),
        privateLinkServiceConnections=automatic,
        manualPrivateLinkServiceConnections=manual,
        customNetworkInterfaceName=value(r, "custom_network_interface_name", ""),
    )
    out.put(doc)


# --- relations ARM keeps on other documents ---------------------------------------------------


def _attach(out: Applied, target: str, prop: str, ref: str) -> None:
    doc = out.get(target)
    if doc is not None and ref:
        doc.setdefault("properties", {})[prop] = {"id": ref}


def subnet_nsg(plan: Plan, r: Resource, out: Applied) -> None:
    _attach(
        out,
        plan.id_at(r, "subnet_id"),
        "networkSecurityGroup",
        plan.id_at(r, "network_security_group_id"),
    )


def subnet_nat(plan: Plan, r: Resource, out: Applied) -> None:
    _attach(out, plan.id_at(r, "subnet_id"), "natGateway", plan.id_at(r, "nat_gateway_id"))


def subnet_route_table(plan: Plan, r: Resource, out: Applied) -> None:
    _attach(out, plan.id_at(r, "subnet_id"), "routeTable", plan.id_at(r, "route_table_id"))


def nic_nsg(plan: Plan, r: Resource, out: Applied) -> None:
    _attach(
        out,
        plan.id_at(r, "network_interface_id"),
        "networkSecurityGroup",
        plan.id_at(r, "network_security_group_id"),
    )


def nat_public_ip(plan: Plan, r: Resource, out: Applied) -> None:
    nat = out.get(plan.id_at(r, "nat_gateway_id"))
    address = plan.id_at(r, "public_ip_address_id")
    if nat is not None and address:
        nat["properties"].setdefault("publicIpAddresses", []).append({"id": address})
        _attach(out, address, "natGateway", nat["id"])


def nat_public_ip_prefix(plan: Plan, r: Resource, out: Applied) -> None:
    nat = out.get(plan.id_at(r, "nat_gateway_id"))
    prefix = plan.id_at(r, "public_ip_prefix_id")
    if nat is not None and prefix:
        nat["properties"].setdefault("publicIpPrefixes", []).append({"id": prefix})
        _attach(out, prefix, "natGateway", nat["id"])


Writer = Callable[["Plan", Resource, Applied], None]
