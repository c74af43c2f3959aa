"""Transit gateways and instance routes, built on the real moto server, read back and judged:
production and development on one transit gateway, kept apart or not by its route tables;
a private subnet whose default route goes to an instance, a NAT instance or not."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from archproof.verdict import Verdict
from support.aws_estate import verdicts

ISOLATION = "vpc-isolated-from-nonprod"
NAT = "private-egress-via-nat"


def _named_vpc(ec2: Any, name: str, cidr: str) -> tuple[str, str]:
    tags: Any = [{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": name}]}]
    vpc = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=tags)["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(
        VpcId=vpc, CidrBlock=cidr.replace(".0.0/16", ".1.0/24"), AvailabilityZone="us-east-1a"
    )["Subnet"]["SubnetId"]
    return vpc, subnet


@pytest.fixture
def hub(aws: boto3.Session) -> dict[str, Any]:
    """prod (10.0.0.0/16) and dev (10.1.0.0/16) attached to one transit gateway; prod sends
    10.0.0.0/8 to it."""
    ec2 = aws.client("ec2")
    prod, prod_subnet = _named_vpc(ec2, "prod", "10.0.0.0/16")
    dev, dev_subnet = _named_vpc(ec2, "dev", "10.1.0.0/16")
    gateway = ec2.create_transit_gateway()["TransitGateway"]
    tgw = gateway["TransitGatewayId"]
    attach = {
        name: ec2.create_transit_gateway_vpc_attachment(
            TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet]
        )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
        for name, vpc, subnet in (("prod", prod, prod_subnet), ("dev", dev, dev_subnet))
    }
    table = ec2.create_route_table(VpcId=prod)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="10.0.0.0/8", TransitGatewayId=tgw)
    default = gateway["Options"]["AssociationDefaultRouteTableId"]
    return {"ec2": ec2, "tgw": tgw, "attach": attach, "default": default}


def test_a_transit_gateway_that_routes_prod_to_dev_fails(collect: Any, hub: dict[str, Any]) -> None:
    ec2, default = hub["ec2"], hub["default"]
    for attachment in hub["attach"].values():  # what AWS's default propagation does
        ec2.enable_transit_gateway_route_table_propagation(
            TransitGatewayRouteTableId=default, TransitGatewayAttachmentId=attachment
        )
    inv = collect("ec2")
    verdict, message = verdicts(inv, ISOLATION)[(ISOLATION, "<aws:123456789012>")]
    assert verdict is Verdict.FAIL, message
    assert "a transit gateway joins" in message and "10.0.0.0/8" in message
    assert inv.errors == []
    [gateway] = inv.of_kind("aws_ec2_transit_gateway")
    assert gateway.get("association_default_route_table_id") == default
    assert len(inv.of_kind("aws_ec2_transit_gateway_vpc_attachment")) == 2


def test_transit_gateway_route_tables_that_keep_them_apart_pass(
    collect: Any, hub: dict[str, Any]
) -> None:
    ec2 = hub["ec2"]
    # (moto cannot take an attachment off the default table, as AWS would before associating
    # it with another; nothing propagates into the default table, so it routes nowhere)
    for name, attachment in hub["attach"].items():
        own = ec2.create_transit_gateway_route_table(TransitGatewayId=hub["tgw"])
        table = own["TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]
        ec2.associate_transit_gateway_route_table(
            TransitGatewayRouteTableId=table, TransitGatewayAttachmentId=attachment
        )
        ec2.enable_transit_gateway_route_table_propagation(
            TransitGatewayRouteTableId=table, TransitGatewayAttachmentId=attachment
        )
        hub[name] = table
    inv = collect("ec2")
    verdict, message = verdicts(inv, ISOLATION)[(ISOLATION, "<aws:123456789012>")]
    assert verdict is Verdict.PASS, message
    # a static route in prod's gateway table to dev's attachment would join them again
    ec2.create_transit_gateway_route(
        DestinationCidrBlock="10.1.0.0/16",
        TransitGatewayRouteTableId=hub["prod"],
        TransitGatewayAttachmentId=hub["attach"]["dev"],
    )
    # (moto reports no attachment for a static route: where it leads is unknown, not nowhere)
    inv = collect("ec2")
    [route] = inv.of_kind("aws_ec2_transit_gateway_route")
    assert route.get("destination_cidr_block") == "10.1.0.0/16"
    verdict, message = verdicts(inv, ISOLATION)[(ISOLATION, "<aws:123456789012>")]
    assert verdict is Verdict.INCONCLUSIVE, message
    assert "reported no attachment" in message


def test_a_default_route_to_an_instance_is_nat_only_when_it_forwards(
    collect: Any, aws: boto3.Session
) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = {}
    for tier, cidr in (("public", "10.0.1.0/24"), ("private", "10.0.2.0/24")):
        tags: Any = [{"ResourceType": "subnet", "Tags": [{"Key": "Tier", "Value": tier}]}]
        subnets[tier] = ec2.create_subnet(
            VpcId=vpc, CidrBlock=cidr, AvailabilityZone="us-east-1a", TagSpecifications=tags
        )["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    public = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=public, SubnetId=subnets["public"])
    [box] = ec2.run_instances(
        ImageId="ami-12c6146b",
        InstanceType="t3.micro",
        MinCount=1,
        MaxCount=1,
        SubnetId=subnets["public"],
    )["Instances"]
    private = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(
        RouteTableId=private, DestinationCidrBlock="0.0.0.0/0", InstanceId=box["InstanceId"]
    )
    ec2.associate_route_table(RouteTableId=private, SubnetId=subnets["private"])
    subject = (NAT, subnets["private"])
    # an ordinary instance keeps its source/destination check: it forwards nothing
    inv = collect("ec2")
    verdict, message = verdicts(inv, NAT)[subject]
    assert verdict is Verdict.FAIL and "source_dest_check=true" in message, message
    # with the check off, from the public subnet, it is a NAT instance
    ec2.modify_instance_attribute(InstanceId=box["InstanceId"], SourceDestCheck={"Value": False})
    verdict, message = verdicts(collect("ec2"), NAT)[subject]
    assert verdict is Verdict.PASS, message
