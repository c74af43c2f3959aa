"""EC2 networking and compute, provisioned into moto and read back."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from archproof.inventory.model import Unknown
from archproof.inventory.network import subnet_tier
from archproof.sources.aws.base import Scan


@pytest.fixture
def network(aws: boto3.Session) -> dict[str, Any]:
    """A VPC with a public and a private subnet, IGW, NAT, routes, SGs, an ACL, a peering."""
    ec2 = aws.client("ec2")
    tag: Any = [{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "prod"}]}]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=tag)["Vpc"]["VpcId"]
    other = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")
    public_id = public["Subnet"]["SubnetId"]
    ec2.modify_subnet_attribute(SubnetId=public_id, MapPublicIpOnLaunch={"Value": True})
    private = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", AvailabilityZone="us-east-1b")
    private_id = private["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=public_id, AllocationId=eip)["NatGateway"]["NatGatewayId"]
    public_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    public_assoc = ec2.associate_route_table(RouteTableId=public_rt, SubnetId=public_id)
    private_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=private_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    ec2.associate_route_table(RouteTableId=private_rt, SubnetId=private_id)
    peering = ec2.create_vpc_peering_connection(VpcId=vpc, PeerVpcId=other)
    web = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    app = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=web,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    ec2.authorize_security_group_ingress(
        GroupId=app,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 8080,
                "ToPort": 8080,
                "UserIdGroupPairs": [{"GroupId": web}, {"GroupId": app}],
            }
        ],
    )
    acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(
        NetworkAclId=acl,
        RuleNumber=100,
        Protocol="6",
        RuleAction="deny",
        Egress=False,
        CidrBlock="0.0.0.0/0",
        PortRange={"From": 22, "To": 22},
    )
    return {
        "vpc": vpc,
        "other": other,
        "public": public_id,
        "private": private_id,
        "igw": igw,
        "nat": nat,
        "public_rt": public_rt,
        "public_assoc": public_assoc["AssociationId"],
        "private_rt": private_rt,
        "peering": peering["VpcPeeringConnection"]["VpcPeeringConnectionId"],
        "web": web,
        "app": app,
        "acl": acl,
    }


def test_vpc_subnets_and_gateways(collect: Any, one: Any, network: dict[str, Any]) -> None:
    inv = collect("ec2")
    assert inv.errors == []
    vpc = one(inv, "aws_vpc", network["vpc"])
    assert (vpc.name, vpc.get("cidr_block"), vpc.get("default")) == ("prod", "10.0.0.0/16", False)
    assert vpc.source == "live" and vpc.region == "us-east-1" and vpc.account == "123456789012"
    assert any(v.get("default") for v in inv.of_kind("aws_vpc"))  # moto's default VPC
    public = one(inv, "aws_subnet", network["public"])
    assert public.get("map_public_ip_on_launch") is True
    assert public.get("availability_zone") == "us-east-1a"
    assert inv.related(public, "vpc_id") == [vpc]
    assert one(inv, "aws_subnet", network["private"]).get("map_public_ip_on_launch") is False
    igw = one(inv, "aws_internet_gateway", network["igw"])
    assert inv.related(igw, "vpc_id") == [vpc]
    nat = one(inv, "aws_nat_gateway", network["nat"])
    assert nat.get("connectivity_type") == "public"
    assert inv.related(nat, "subnet_id") == [public]


def test_route_tables_and_associations(collect: Any, one: Any, network: dict[str, Any]) -> None:
    inv = collect("ec2")
    public_rt = one(inv, "aws_route_table", network["public_rt"])
    assert public_rt.get("main") is False
    assert [r["gateway_id"] for r in public_rt.get("route")] == [network["igw"]]  # no local route
    igw = one(inv, "aws_internet_gateway", network["igw"])
    assert inv.related(public_rt, "route.0.gateway_id") == [igw]
    private_rt = one(inv, "aws_route_table", network["private_rt"])
    assert private_rt.get("route.0.nat_gateway_id") == network["nat"]
    assoc = one(inv, "aws_route_table_association", network["public_assoc"])
    assert assoc.get("subnet_id") == network["public"]
    assert inv.related(assoc, "route_table_id") == [public_rt]
    main = [
        m
        for m in inv.of_kind("aws_main_route_table_association")
        if m.get("vpc_id") == network["vpc"]
    ]
    assert len(main) == 1
    assert inv.related(main[0], "route_table_id")[0].get("main") is True
    peering = one(inv, "aws_vpc_peering_connection", network["peering"])
    assert (peering.get("vpc_id"), peering.get("peer_vpc_id")) == (network["vpc"], network["other"])
    # the derived network facts read the live shape as they read a plan
    public, private = (one(inv, "aws_subnet", network[n]) for n in ("public", "private"))
    assert (subnet_tier(inv, public), subnet_tier(inv, private)) == ("public", "private")


def test_security_groups_and_acls(collect: Any, one: Any, network: dict[str, Any]) -> None:
    inv = collect("ec2")
    web = one(inv, "aws_security_group", network["web"])
    assert web.ids == (network["web"], web.get("arn"))
    assert web.get("ingress") == [
        {
            "from_port": 443,
            "to_port": 443,
            "protocol": "tcp",
            "cidr_blocks": ["0.0.0.0/0"],
            "ipv6_cidr_blocks": [],
            "prefix_list_ids": [],
            "security_groups": [],
            "self": False,
        }
    ]
    app = one(inv, "aws_security_group", network["app"])
    rule = app.get("ingress.0")
    assert (rule["security_groups"], rule["self"]) == ([network["web"]], True)
    assert inv.related(app, "ingress.0.security_groups") == [web]
    assert app.get("egress.0.protocol") == "-1"
    acl = one(inv, "aws_network_acl", network["acl"])
    assert acl.get("default") is False
    assert acl.get("ingress") == [
        {
            "rule_no": 100,
            "action": "deny",
            "protocol": "6",
            "from_port": 22,
            "to_port": 22,
            "cidr_block": "0.0.0.0/0",
            "ipv6_cidr_block": None,
            "icmp_type": None,
            "icmp_code": None,
        }
    ]
    defaults = [a for a in inv.of_kind("aws_network_acl") if a.get("vpc_id") == network["vpc"]]
    assert any(a.get("default") for a in defaults)


def test_instances_volumes_and_default_encryption(
    aws: boto3.Session, collect: Any, one: Any, network: dict[str, Any]
) -> None:
    ec2 = aws.client("ec2")
    ec2.enable_ebs_encryption_by_default()
    public = ec2.run_instances(
        ImageId="ami-12345678",
        MinCount=1,
        MaxCount=1,
        SubnetId=network["public"],
        SecurityGroupIds=[network["web"]],
        MetadataOptions={"HttpTokens": "required"},
        BlockDeviceMappings=[
            {"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 10, "Encrypted": True}}
        ],
    )["Instances"][0]["InstanceId"]
    private = ec2.run_instances(
        ImageId="ami-12345678", MinCount=1, MaxCount=1, SubnetId=network["private"]
    )["Instances"][0]["InstanceId"]
    gone = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)["Instances"][0]
    ec2.terminate_instances(InstanceIds=[gone["InstanceId"]])
    inv = collect("ec2")
    assert inv.errors == []
    assert inv.by_address(gone["InstanceId"]) is None
    web = one(inv, "aws_instance", public)
    assert web.get("associate_public_ip_address") is True and web.get("public_ip")
    assert web.get("metadata_options.0.http_tokens") == "required"
    assert web.get("availability_zone") == "us-east-1a"
    assert inv.related(web, "subnet_id") == [one(inv, "aws_subnet", network["public"])]
    assert [g.address for g in inv.related(web, "vpc_security_group_ids")] == [network["web"]]
    data = web.get("ebs_block_device")
    assert [(d["device_name"], d["encrypted"]) for d in data] == [("/dev/sdf", True)]
    volume = one(inv, "aws_ebs_volume", data[0]["volume_id"])
    assert volume.get("encrypted") is True
    assert volume.get("attachments") == [{"instance_id": public, "device_name": "/dev/sdf"}]
    internal = one(inv, "aws_instance", private)
    assert (
        internal.get("associate_public_ip_address") is False and internal.get("public_ip") is None
    )
    root = internal.get("root_block_device.0")
    assert root["device_name"] == "/dev/sda1"
    assert root["encrypted"] is False  # moto: default encryption does not reach new volumes
    default = one(inv, "aws_ebs_encryption_by_default")
    assert (default.address, default.get("enabled")) == (
        "ebs-encryption-by-default:us-east-1",
        True,
    )
    assert inv.scope["gaps"] == []  # no Auto Scaling members, nothing to mark


def test_instance_volume_read_failure_is_unknown_not_unencrypted(
    collect: Any, one: Any, network: dict[str, Any], aws: boto3.Session, monkeypatch: Any
) -> None:
    instance = aws.client("ec2").run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)
    instance_id = instance["Instances"][0]["InstanceId"]
    real = Scan.items

    def no_volumes(self: Any, client: Any, op: str, *args: Any, **kwargs: Any) -> Any:
        if op == "describe_volumes":
            return real(
                self, client, "describe_volumes", *args, VolumeIds=["vol-00000000"], **kwargs
            )
        return real(self, client, op, *args, **kwargs)

    monkeypatch.setattr(Scan, "items", no_volumes)
    inv = collect("ec2")
    [error] = [e for e in inv.errors if e.call == "DescribeVolumes"]
    assert (error.service, error.region) == ("ec2", "us-east-1")
    assert set(error.kinds) == {"aws_ebs_volume", "aws_instance"}
    assert inv.errors_for(["aws_instance"]) == [error]
    root = one(inv, "aws_instance", instance_id).get("root_block_device.0")
    assert isinstance(root["encrypted"], Unknown)
