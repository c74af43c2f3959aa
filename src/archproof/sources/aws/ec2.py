"""EC2 networking: VPCs, subnets, gateways, route tables, peering, security groups, network ACLs."""

from __future__ import annotations

from typing import Any

from archproof.sources.aws import ec2_transit
from archproof.sources.aws.base import Scan, tag_dict

KINDS = (
    "aws_vpc",
    "aws_subnet",
    "aws_internet_gateway",
    "aws_nat_gateway",
    "aws_route_table",
    "aws_route_table_association",
    "aws_main_route_table_association",
    "aws_vpc_peering_connection",
    "aws_security_group",
    "aws_network_acl",
    "aws_flow_log",
    "aws_vpc_ipv4_cidr_block_association",
    *ec2_transit.KINDS,
)
_GONE_PEERING = frozenset({"deleted", "deleting", "rejected", "failed", "expired"})


def collect(scan: Scan) -> None:
    ec2 = scan.client("ec2")
    for vpc in scan.items(ec2, "describe_vpcs", "Vpcs[]", ("aws_vpc",)) or ():
        vpc_id = vpc["VpcId"]
        scan.add(
            "aws_vpc",
            vpc_id,
            {
                "id": vpc_id,
                "arn": scan.arn("ec2", f"vpc/{vpc_id}"),
                "cidr_block": vpc.get("CidrBlock"),
                "instance_tenancy": vpc.get("InstanceTenancy"),
                "owner_id": vpc.get("OwnerId"),
                "default": bool(vpc.get("IsDefault")),
            },
            ids=(vpc_id, scan.arn("ec2", f"vpc/{vpc_id}")),
            tags=tag_dict(vpc.get("Tags")),
        )
        _secondary_cidrs(scan, vpc)
    for subnet in scan.items(ec2, "describe_subnets", "Subnets[]", ("aws_subnet",)) or ():
        subnet_id = subnet["SubnetId"]
        ipv6 = [a["Ipv6CidrBlock"] for a in subnet.get("Ipv6CidrBlockAssociationSet", ())]
        scan.add(
            "aws_subnet",
            subnet_id,
            {
                "id": subnet_id,
                "arn": subnet.get("SubnetArn"),
                "vpc_id": subnet.get("VpcId"),
                "cidr_block": subnet.get("CidrBlock"),
                "ipv6_cidr_block": ipv6[0] if ipv6 else None,
                "availability_zone": subnet.get("AvailabilityZone"),
                "availability_zone_id": subnet.get("AvailabilityZoneId"),
                "map_public_ip_on_launch": bool(subnet.get("MapPublicIpOnLaunch")),
                "default_for_az": bool(subnet.get("DefaultForAz")),
            },
            ids=(subnet_id, subnet.get("SubnetArn")),
            tags=tag_dict(subnet.get("Tags")),
        )
    _gateways(scan, ec2)
    _route_tables(scan, ec2)
    _peerings(scan, ec2)
    _security_groups(scan, ec2)
    _network_acls(scan, ec2)
    _flow_logs(scan, ec2)
    ec2_transit.collect_transit(scan, ec2)


def _secondary_cidrs(scan: Scan, vpc: dict[str, Any]) -> None:
    """IPv4 ranges associated with a VPC beside its primary one."""
    for block in vpc.get("CidrBlockAssociationSet", ()):
        state = (block.get("CidrBlockState") or {}).get("State")
        if block.get("CidrBlock") == vpc.get("CidrBlock") or state not in ("associated", None):
            continue
        assoc_id = block["AssociationId"]
        attrs = {"id": assoc_id, "vpc_id": vpc["VpcId"], "cidr_block": block.get("CidrBlock")}
        scan.add("aws_vpc_ipv4_cidr_block_association", assoc_id, attrs, ids=(assoc_id,))


_FLOW_LOG_TARGETS = {
    "vpc-": "vpc_id",
    "subnet-": "subnet_id",
    "eni-": "eni_id",
    "tgw-": "transit_gateway_id",
}


def _flow_logs(scan: Scan, ec2: Any) -> None:
    for log in scan.items(ec2, "describe_flow_logs", "FlowLogs[]", ("aws_flow_log",)) or ():
        log_id = log["FlowLogId"]
        target = str(log.get("ResourceId") or "")
        attrs: dict[str, Any] = {
            "id": log_id,
            "traffic_type": log.get("TrafficType"),
            "log_destination_type": log.get("LogDestinationType"),
            "log_destination": log.get("LogDestination") or log.get("LogGroupName"),
            "deliver_logs_status": log.get("DeliverLogsStatus"),
            "flow_log_status": log.get("FlowLogStatus"),
        }
        for prefix, attribute in _FLOW_LOG_TARGETS.items():
            attrs[attribute] = target if target.startswith(prefix) else None
        scan.add("aws_flow_log", log_id, attrs, ids=(log_id,), tags=tag_dict(log.get("Tags")))


def _gateways(scan: Scan, ec2: Any) -> None:
    kinds = ("aws_internet_gateway",)
    for igw in scan.items(ec2, "describe_internet_gateways", "InternetGateways[]", kinds) or ():
        igw_id = igw["InternetGatewayId"]
        vpcs = [a["VpcId"] for a in igw.get("Attachments", ()) if a.get("VpcId")]
        scan.add(
            "aws_internet_gateway",
            igw_id,
            {"id": igw_id, "vpc_id": vpcs[0] if vpcs else None, "owner_id": igw.get("OwnerId")},
            ids=(igw_id, scan.arn("ec2", f"internet-gateway/{igw_id}")),
            tags=tag_dict(igw.get("Tags")),
        )
    for nat in (
        scan.items(ec2, "describe_nat_gateways", "NatGateways[]", ("aws_nat_gateway",)) or ()
    ):
        if nat.get("State") in ("deleted", "deleting", "failed"):
            continue
        nat_id = nat["NatGatewayId"]
        addresses = nat.get("NatGatewayAddresses") or [{}]
        scan.add(
            "aws_nat_gateway",
            nat_id,
            {
                "id": nat_id,
                "subnet_id": nat.get("SubnetId"),
                "vpc_id": nat.get("VpcId"),
                "connectivity_type": nat.get("ConnectivityType", "public"),
                "allocation_id": addresses[0].get("AllocationId"),
                "public_ip": addresses[0].get("PublicIp"),
                "private_ip": addresses[0].get("PrivateIp"),
                "state": nat.get("State"),
            },
            ids=(nat_id,),
            tags=tag_dict(nat.get("Tags")),
        )


def _route(route: dict[str, Any]) -> dict[str, Any]:
    gateway = route.get("GatewayId")
    endpoint = gateway if isinstance(gateway, str) and gateway.startswith("vpce-") else None
    return {
        "cidr_block": route.get("DestinationCidrBlock"),
        "ipv6_cidr_block": route.get("DestinationIpv6CidrBlock"),
        "destination_prefix_list_id": route.get("DestinationPrefixListId"),
        "gateway_id": None if endpoint else gateway,
        "vpc_endpoint_id": endpoint,
        "nat_gateway_id": route.get("NatGatewayId"),
        "transit_gateway_id": route.get("TransitGatewayId"),
        "vpc_peering_connection_id": route.get("VpcPeeringConnectionId"),
        "network_interface_id": route.get("NetworkInterfaceId"),
        "instance_id": route.get("InstanceId"),
        "egress_only_gateway_id": route.get("EgressOnlyInternetGatewayId"),
        "carrier_gateway_id": route.get("CarrierGatewayId"),
        "local_gateway_id": route.get("LocalGatewayId"),
        "state": route.get("State"),
    }


def _route_tables(scan: Scan, ec2: Any) -> None:
    kinds = ("aws_route_table", "aws_route_table_association", "aws_main_route_table_association")
    for table in scan.items(ec2, "describe_route_tables", "RouteTables[]", kinds) or ():
        table_id, vpc_id = table["RouteTableId"], table.get("VpcId")
        associations = table.get("Associations", ())
        routes = [r for r in table.get("Routes", ()) if r.get("GatewayId") != "local"]
        scan.add(
            "aws_route_table",
            table_id,
            {
                "id": table_id,
                "vpc_id": vpc_id,
                "route": [_route(r) for r in routes],
                "main": any(a.get("Main") for a in associations),
                "owner_id": table.get("OwnerId"),
            },
            ids=(table_id, scan.arn("ec2", f"route-table/{table_id}")),
            tags=tag_dict(table.get("Tags")),
        )
        for assoc in associations:
            assoc_id = assoc["RouteTableAssociationId"]
            if assoc.get("Main"):
                attrs = {"id": assoc_id, "vpc_id": vpc_id, "route_table_id": table_id}
                scan.add("aws_main_route_table_association", assoc_id, attrs, ids=(assoc_id,))
            elif assoc.get("SubnetId") or assoc.get("GatewayId"):
                attrs = {
                    "id": assoc_id,
                    "subnet_id": assoc.get("SubnetId"),
                    "gateway_id": assoc.get("GatewayId"),
                    "route_table_id": table_id,
                }
                scan.add("aws_route_table_association", assoc_id, attrs, ids=(assoc_id,))


def _peerings(scan: Scan, ec2: Any) -> None:
    kinds = ("aws_vpc_peering_connection",)
    op, key = "describe_vpc_peering_connections", "VpcPeeringConnections[]"
    for peering in scan.items(ec2, op, key, kinds) or ():
        status = peering.get("Status", {}).get("Code")
        if status in _GONE_PEERING:
            continue
        peering_id = peering["VpcPeeringConnectionId"]
        requester, accepter = (
            peering.get("RequesterVpcInfo", {}),
            peering.get("AccepterVpcInfo", {}),
        )
        scan.add(
            "aws_vpc_peering_connection",
            peering_id,
            {
                "id": peering_id,
                "vpc_id": requester.get("VpcId"),
                "peer_vpc_id": accepter.get("VpcId"),
                "peer_owner_id": accepter.get("OwnerId"),
                "peer_region": accepter.get("Region"),
                "accept_status": status,
            },
            ids=(peering_id,),
            tags=tag_dict(peering.get("Tags")),
        )


def _permission(group_id: str, perm: dict[str, Any]) -> dict[str, Any]:
    pairs = perm.get("UserIdGroupPairs", ())
    others = [p["GroupId"] for p in pairs if p.get("GroupId") and p["GroupId"] != group_id]
    return {
        "from_port": perm.get("FromPort", 0),
        "to_port": perm.get("ToPort", 0),
        "protocol": perm.get("IpProtocol"),
        "cidr_blocks": [r["CidrIp"] for r in perm.get("IpRanges", ())],
        "ipv6_cidr_blocks": [r["CidrIpv6"] for r in perm.get("Ipv6Ranges", ())],
        "prefix_list_ids": [p["PrefixListId"] for p in perm.get("PrefixListIds", ())],
        "security_groups": others,
        "self": any(p.get("GroupId") == group_id for p in pairs),
    }


def _security_groups(scan: Scan, ec2: Any) -> None:
    kinds = ("aws_security_group",)
    for group in scan.items(ec2, "describe_security_groups", "SecurityGroups[]", kinds) or ():
        group_id = group["GroupId"]
        arn = group.get("SecurityGroupArn") or scan.arn("ec2", f"security-group/{group_id}")
        scan.add(
            "aws_security_group",
            group_id,
            {
                "id": group_id,
                "arn": arn,
                "name": group.get("GroupName"),
                "description": group.get("Description"),
                "vpc_id": group.get("VpcId"),
                "owner_id": group.get("OwnerId"),
                "ingress": [_permission(group_id, p) for p in group.get("IpPermissions", ())],
                "egress": [_permission(group_id, p) for p in group.get("IpPermissionsEgress", ())],
            },
            ids=(group_id, arn),
            tags=tag_dict(group.get("Tags")),
        )


def _acl_entry(entry: dict[str, Any]) -> dict[str, Any]:
    ports = entry.get("PortRange") or {}
    icmp = entry.get("IcmpTypeCode") or {}
    return {
        "rule_no": entry.get("RuleNumber"),
        "action": entry.get("RuleAction"),
        "protocol": entry.get("Protocol"),
        "from_port": ports.get("From", 0),
        "to_port": ports.get("To", 0),
        "cidr_block": entry.get("CidrBlock"),
        "ipv6_cidr_block": entry.get("Ipv6CidrBlock"),
        "icmp_type": icmp.get("Type"),
        "icmp_code": icmp.get("Code"),
    }


def _network_acls(scan: Scan, ec2: Any) -> None:
    for acl in (
        scan.items(ec2, "describe_network_acls", "NetworkAcls[]", ("aws_network_acl",)) or ()
    ):
        acl_id = acl["NetworkAclId"]
        # rule 32767 is the implicit deny every ACL ends with; Terraform leaves it out too
        entries = [e for e in acl.get("Entries", ()) if e.get("RuleNumber") != 32767]
        scan.add(
            "aws_network_acl",
            acl_id,
            {
                "id": acl_id,
                "vpc_id": acl.get("VpcId"),
                "subnet_ids": [
                    a["SubnetId"] for a in acl.get("Associations", ()) if "SubnetId" in a
                ],
                "ingress": [_acl_entry(e) for e in entries if not e.get("Egress")],
                "egress": [_acl_entry(e) for e in entries if e.get("Egress")],
                "default": bool(acl.get("IsDefault")),
                "owner_id": acl.get("OwnerId"),
            },
            ids=(acl_id, scan.arn("ec2", f"network-acl/{acl_id}")),
            tags=tag_dict(acl.get("Tags")),
        )
