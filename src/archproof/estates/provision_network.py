"""Provisioners for the network: VPC, subnets, gateways, route tables, network ACLs.

Security groups and their rules are in :mod:`archproof.estates.provision_security`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from archproof.estates.provision_base import Context, Provisioner, drop_none, tag_list

_PROTOCOLS = {"tcp": "6", "udp": "17", "icmp": "1", "all": "-1"}
_ROUTE_TARGETS = {
    "gateway_id": "GatewayId",
    "nat_gateway_id": "NatGatewayId",
    "transit_gateway_id": "TransitGatewayId",
    "vpc_peering_connection_id": "VpcPeeringConnectionId",
    "network_interface_id": "NetworkInterfaceId",
    "vpc_endpoint_id": "VpcEndpointId",
}


def tag(context: Context, resource_id: str, values: Mapping[str, Any]) -> None:
    tags = tag_list(values)
    if tags:
        context.client("ec2").create_tags(Resources=[resource_id], Tags=tags)


def ec2_arn(context: Context, kind: str, resource_id: str) -> str:
    return context.arn("ec2", f"{kind}/{resource_id}")


def vpc(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    ec2 = context.client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock=values["cidr_block"])["Vpc"]["VpcId"]
    for attribute in ("enable_dns_support", "enable_dns_hostnames"):
        if attribute in values:
            name = "EnableDnsSupport" if attribute == "enable_dns_support" else "EnableDnsHostnames"
            ec2.modify_vpc_attribute(VpcId=vpc_id, **{name: {"Value": bool(values[attribute])}})
    tag(context, vpc_id, values)
    by_vpc = [{"Name": "vpc-id", "Values": [vpc_id]}]
    acl = ec2.describe_network_acls(Filters=[*by_vpc, {"Name": "default", "Values": ["true"]}])
    group = ec2.describe_security_groups(
        Filters=[*by_vpc, {"Name": "group-name", "Values": ["default"]}]
    )
    table = ec2.describe_route_tables(
        Filters=[*by_vpc, {"Name": "association.main", "Values": ["true"]}]
    )
    return {
        "id": vpc_id,
        "arn": ec2_arn(context, "vpc", vpc_id),
        "default_network_acl_id": acl["NetworkAcls"][0]["NetworkAclId"],
        "default_security_group_id": group["SecurityGroups"][0]["GroupId"],
        "main_route_table_id": table["RouteTables"][0]["RouteTableId"],
    }


def subnet(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    ec2 = context.client("ec2")
    created = ec2.create_subnet(
        **drop_none(
            VpcId=values["vpc_id"],
            CidrBlock=values["cidr_block"],
            AvailabilityZone=values.get("availability_zone"),
        )
    )["Subnet"]
    if values.get("map_public_ip_on_launch"):
        ec2.modify_subnet_attribute(
            SubnetId=created["SubnetId"], MapPublicIpOnLaunch={"Value": True}
        )
    tag(context, created["SubnetId"], values)
    return {
        "id": created["SubnetId"],
        "arn": ec2_arn(context, "subnet", created["SubnetId"]),
        "availability_zone": created["AvailabilityZone"],
    }


def internet_gateway(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    ec2 = context.client("ec2")
    gateway_id = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    if values.get("vpc_id"):
        ec2.attach_internet_gateway(InternetGatewayId=gateway_id, VpcId=values["vpc_id"])
    tag(context, gateway_id, values)
    return {"id": gateway_id, "arn": ec2_arn(context, "internet-gateway", gateway_id)}


def eip(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    address = context.client("ec2").allocate_address(Domain=values.get("domain", "vpc"))
    tag(context, address["AllocationId"], values)
    return {
        "id": address["AllocationId"],
        "allocation_id": address["AllocationId"],
        "public_ip": address["PublicIp"],
    }


def nat_gateway(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    created = context.client("ec2").create_nat_gateway(
        **drop_none(
            SubnetId=values["subnet_id"],
            AllocationId=values.get("allocation_id"),
            ConnectivityType=values.get("connectivity_type"),
        )
    )["NatGateway"]
    tag(context, created["NatGatewayId"], values)
    return {"id": created["NatGatewayId"]}


def route_table(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    ec2 = context.client("ec2")
    table_id = ec2.create_route_table(VpcId=values["vpc_id"])["RouteTable"]["RouteTableId"]
    for route in values.get("route") or []:
        targets = {api: route[key] for key, api in _ROUTE_TARGETS.items() if route.get(key)}
        destination = (
            {"DestinationCidrBlock": route["cidr_block"]}
            if route.get("cidr_block")
            else {"DestinationIpv6CidrBlock": route["ipv6_cidr_block"]}
        )
        ec2.create_route(RouteTableId=table_id, **destination, **targets)
    tag(context, table_id, values)
    return {"id": table_id, "arn": ec2_arn(context, "route-table", table_id)}


def route_table_association(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    association = context.client("ec2").associate_route_table(
        RouteTableId=values["route_table_id"], SubnetId=values["subnet_id"]
    )
    return {"id": association["AssociationId"]}


def _acl_entries(context: Context, acl_id: str, values: Mapping[str, Any]) -> None:
    ec2 = context.client("ec2")
    for direction, egress in (("ingress", False), ("egress", True)):
        for rule in values.get(direction) or []:
            protocol = _PROTOCOLS.get(str(rule["protocol"]), str(rule["protocol"]))
            ports = (
                {"PortRange": {"From": rule["from_port"], "To": rule["to_port"]}}
                if protocol in {"6", "17"}
                else {}
            )
            ec2.create_network_acl_entry(
                NetworkAclId=acl_id,
                RuleNumber=rule["rule_no"],
                Protocol=protocol,
                RuleAction=rule["action"],
                Egress=egress,
                CidrBlock=rule["cidr_block"],
                **ports,
            )


def _associate_acl(context: Context, acl_id: str, subnet_ids: list[str]) -> None:
    if not subnet_ids:
        return
    ec2 = context.client("ec2")
    acls = ec2.describe_network_acls(
        Filters=[{"Name": "association.subnet-id", "Values": list(subnet_ids)}]
    )["NetworkAcls"]
    for acl in acls:
        for association in acl["Associations"]:
            if association["SubnetId"] in subnet_ids:
                ec2.replace_network_acl_association(
                    AssociationId=association["NetworkAclAssociationId"], NetworkAclId=acl_id
                )


def network_acl(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    acl_id = context.client("ec2").create_network_acl(VpcId=values["vpc_id"])["NetworkAcl"][
        "NetworkAclId"
    ]
    _acl_entries(context, acl_id, values)
    _associate_acl(context, acl_id, list(values.get("subnet_ids") or []))
    tag(context, acl_id, values)
    return {"id": acl_id, "arn": ec2_arn(context, "network-acl", acl_id)}


def default_network_acl(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    """Adopt the VPC's default ACL: its rules become exactly the configured ones."""
    ec2 = context.client("ec2")
    acl_id = values["default_network_acl_id"]
    acl = ec2.describe_network_acls(NetworkAclIds=[acl_id])["NetworkAcls"][0]
    for entry in acl["Entries"]:
        if entry["RuleNumber"] != 32767:  # the implicit deny cannot be removed
            ec2.delete_network_acl_entry(
                NetworkAclId=acl_id, RuleNumber=entry["RuleNumber"], Egress=entry["Egress"]
            )
    _acl_entries(context, acl_id, values)
    tag(context, acl_id, values)
    return {"id": acl_id, "arn": ec2_arn(context, "network-acl", acl_id)}


PROVISIONERS: dict[str, Provisioner] = {
    "aws_vpc": vpc,
    "aws_subnet": subnet,
    "aws_internet_gateway": internet_gateway,
    "aws_eip": eip,
    "aws_nat_gateway": nat_gateway,
    "aws_route_table": route_table,
    "aws_route_table_association": route_table_association,
    "aws_network_acl": network_acl,
    "aws_default_network_acl": default_network_acl,
}
