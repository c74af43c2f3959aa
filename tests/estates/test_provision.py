"""Provisioning the compliant Bragabot estate into the moto server yields the described estate."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from archproof.estates import build, plan_document
from archproof.estates.provision import Provisioned, provision
from archproof.moto_server import MotoServer

NETWORK = "module.network"


@pytest.fixture(scope="module")
def estate(moto_session_server: MotoServer) -> Iterator[tuple[boto3.Session, Provisioned]]:
    """One provisioning shared by this module's tests (they only read)."""
    moto_session_server.reset()
    with pytest.MonkeyPatch.context() as patch:
        for key, value in moto_session_server.client_env().items():
            patch.setenv(key, value)
        patch.delenv("AWS_PROFILE", raising=False)
        session = boto3.Session(region_name="us-east-1")
        yield session, provision(build("bragabot"), session)


def _tags(item: Any) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in item.get("Tags", [])}


def test_only_known_control_plane_gaps_are_skipped(estate: tuple[Any, Provisioned]) -> None:
    _, done = estate
    assert set(done.skipped) == {
        "aws_backup_selection.database",
        "aws_iam_role_policy_attachment.backup",
    }
    planned = plan_document(build("bragabot"))["resource_changes"]
    assert len(done.resources) + len(done.skipped) == len(planned)
    assert done.account == "123456789012"


def test_network_tiers(estate: tuple[boto3.Session, Provisioned]) -> None:
    session, done = estate
    ec2 = session.client("ec2")
    vpc_id = done.id(f"{NETWORK}.aws_vpc.main")
    vpc = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]
    assert vpc["CidrBlock"] == "10.20.0.0/16" and _tags(vpc)["Name"] == "bragabot-vpc"
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    by_tier: dict[str, list[Any]] = {}
    for subnet in subnets:
        by_tier.setdefault(_tags(subnet)["Tier"], []).append(subnet)
    assert {t: len(s) for t, s in by_tier.items()} == {"public": 2, "private": 2, "isolated": 2}
    for tier, found in by_tier.items():
        assert {s["AvailabilityZone"] for s in found} == {"us-east-1a", "us-east-1b"}
        assert all(s["MapPublicIpOnLaunch"] is (tier == "public") for s in found)
    tables: dict[str, Any] = {}
    for table in ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])[
        "RouteTables"
    ]:
        for association in table["Associations"]:
            if association.get("SubnetId"):
                tables[association["SubnetId"]] = table
    igw = done.id(f"{NETWORK}.aws_internet_gateway.main")
    nats = {done.id(f"{NETWORK}.aws_nat_gateway.main[{i}]") for i in range(2)}
    for tier, found in by_tier.items():
        for subnet in found:
            default = [
                r
                for r in tables[subnet["SubnetId"]]["Routes"]
                if r.get("DestinationCidrBlock") == "0.0.0.0/0"
            ]
            if tier == "public":
                assert default[0]["GatewayId"] == igw
            elif tier == "private":
                assert default[0]["NatGatewayId"] in nats
            else:
                assert default == []
    for nat in ec2.describe_nat_gateways(NatGatewayIds=sorted(nats))["NatGateways"]:
        assert nat["SubnetId"] in {s["SubnetId"] for s in by_tier["public"]}


def test_network_acls_allow_no_remote_administration_from_anywhere(
    estate: tuple[boto3.Session, Provisioned],
) -> None:
    session, done = estate
    vpc_id = done.id(f"{NETWORK}.aws_vpc.main")
    acls = session.client("ec2").describe_network_acls(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}]
    )["NetworkAcls"]
    associated = {a["SubnetId"]: acl["NetworkAclId"] for acl in acls for a in acl["Associations"]}
    private_acl = done.id(f"{NETWORK}.aws_network_acl.private")
    public_acl = done.id(f"{NETWORK}.aws_network_acl.public")
    assert sorted(associated.values()) == sorted([public_acl] * 2 + [private_acl] * 4)
    for acl in acls:
        for entry in acl["Entries"]:
            if entry["RuleAction"] != "allow" or entry["Egress"]:
                continue
            ports = entry.get("PortRange", {"From": 0, "To": 65535})
            if entry["CidrBlock"] == "0.0.0.0/0":
                assert not any(ports["From"] <= p <= ports["To"] for p in (22, 3389)), entry
        if acl["IsDefault"]:
            assert all(e["RuleNumber"] == 32767 for e in acl["Entries"])


def test_security_groups_chain_lb_to_nodes_to_database(
    estate: tuple[boto3.Session, Provisioned],
) -> None:
    session, done = estate
    ids = {name: done.id(f"aws_security_group.{name}") for name in ("lb", "app", "bastion", "db")}
    groups = {
        g["GroupId"]: g
        for g in session.client("ec2").describe_security_groups(GroupIds=list(ids.values()))[
            "SecurityGroups"
        ]
    }

    def rules(name: str, egress: bool = False) -> set[tuple[int | None, str]]:
        found = set()
        group = groups[ids[name]]
        for rule in group["IpPermissionsEgress"] if egress else group["IpPermissions"]:
            port = rule.get("FromPort")
            found |= {(port, r["CidrIp"]) for r in rule.get("IpRanges", [])}
            found |= {(port, p["GroupId"]) for p in rule.get("UserIdGroupPairs", [])}
        return found

    assert rules("lb") == {(443, "0.0.0.0/0"), (80, "0.0.0.0/0")}
    assert rules("app") == {(8080, ids["lb"]), (22, ids["bastion"])}
    assert rules("bastion") == {(22, "203.0.113.0/24")}
    assert rules("db") == {(5432, ids["app"])}
    # the default allow-all egress is gone: only the egress rule resources remain
    assert rules("lb", egress=True) == {(8080, "10.20.0.0/16")}
    assert rules("bastion", egress=True) == {(22, "10.20.0.0/16")}
    assert rules("app", egress=True) == {(None, "0.0.0.0/0")}
    assert groups[ids["db"]]["IpPermissionsEgress"] == []
    created = session.client("ec2").describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": list(ids.values())}]
    )["SecurityGroupRules"]
    rule_ids = {done.id(a) for a in done.resources if a.startswith("aws_vpc_security_group_")}
    assert len(rule_ids) == 9 and {r["SecurityGroupRuleId"] for r in created} == rule_ids
    assert _tags(groups[ids["bastion"]])["Role"] == "bastion"


def test_load_balancer_terminates_tls_and_redirects_http(
    estate: tuple[boto3.Session, Provisioned],
) -> None:
    session, done = estate
    elb = session.client("elbv2")
    lb_arn = done.id("aws_lb.app")
    lb = elb.describe_load_balancers(LoadBalancerArns=[lb_arn])["LoadBalancers"][0]
    assert lb["Scheme"] == "internet-facing" and len(lb["AvailabilityZones"]) == 2
    attributes = {
        a["Key"]: a["Value"]
        for a in elb.describe_load_balancer_attributes(LoadBalancerArn=lb_arn)["Attributes"]
    }
    assert attributes["access_logs.s3.enabled"] == "true"
    assert attributes["access_logs.s3.bucket"] == "bragabot-logs-use1"
    listeners = {
        lis["Port"]: lis for lis in elb.describe_listeners(LoadBalancerArn=lb_arn)["Listeners"]
    }
    assert listeners[443]["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    certificate = listeners[443]["Certificates"][0]["CertificateArn"]
    status = session.client("acm").describe_certificate(CertificateArn=certificate)
    assert status["Certificate"]["Status"] == "ISSUED"
    assert listeners[443]["DefaultActions"][0]["TargetGroupArn"] == done.id(
        "aws_lb_target_group.app"
    )
    redirect = listeners[80]["DefaultActions"][0]
    assert redirect["Type"] == "redirect"
    assert redirect["RedirectConfig"]["Protocol"] == "HTTPS"
    assert redirect["RedirectConfig"]["StatusCode"] == "HTTP_301"
    group = elb.describe_target_groups(TargetGroupArns=[done.id("aws_lb_target_group.app")])[
        "TargetGroups"
    ][0]
    assert (group["Port"], group["Protocol"], group["HealthCheckPath"]) == (
        8080,
        "HTTP",
        "/healthz",
    )


def test_nodes_scale_in_private_subnets_behind_the_load_balancer(
    estate: tuple[boto3.Session, Provisioned],
) -> None:
    session, done = estate
    group = session.client("autoscaling").describe_auto_scaling_groups(
        AutoScalingGroupNames=["bragabot-k8s-nodes"]
    )["AutoScalingGroups"][0]
    assert (group["MinSize"], group["MaxSize"], group["DesiredCapacity"]) == (2, 6, 2)
    assert group["HealthCheckType"] == "ELB"
    assert group["TargetGroupARNs"] == [done.id("aws_lb_target_group.app")]
    private = {done.id(f"{NETWORK}.aws_subnet.private[{i}]") for i in range(2)}
    assert set(group["VPCZoneIdentifier"].split(",")) == private
    assert _tags({"Tags": group["Tags"]})["Role"] == "k8s-node"
    policies = session.client("autoscaling").describe_policies(
        AutoScalingGroupName="bragabot-k8s-nodes"
    )["ScalingPolicies"]
    assert policies[0]["PolicyType"] == "TargetTrackingScaling"
    template = session.client("ec2").describe_launch_template_versions(
        LaunchTemplateId=done.id("aws_launch_template.node")
    )["LaunchTemplateVersions"][0]
    data = template["LaunchTemplateData"]
    assert data["MetadataOptions"]["HttpTokens"] == "required"
    assert data["BlockDeviceMappings"][0]["Ebs"]["Encrypted"] is True


def test_bastion_is_public_and_encrypted(estate: tuple[boto3.Session, Provisioned]) -> None:
    session, done = estate
    ec2 = session.client("ec2")
    instance = ec2.describe_instances(InstanceIds=[done.id("aws_instance.bastion")])[
        "Reservations"
    ][0]["Instances"][0]
    assert _tags(instance)["Role"] == "bastion"
    assert instance["SubnetId"] == done.id(f"{NETWORK}.aws_subnet.public[0]")
    assert instance.get("PublicIpAddress")
    volume_id = instance["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
    assert ec2.describe_volumes(VolumeIds=[volume_id])["Volumes"][0]["Encrypted"] is True


def test_database_is_private_multi_az_encrypted_and_kept(
    estate: tuple[boto3.Session, Provisioned],
) -> None:
    session, done = estate
    db = session.client("rds").describe_db_instances(DBInstanceIdentifier="bragabot-db")[
        "DBInstances"
    ][0]
    assert db["MultiAZ"] is True and db["StorageEncrypted"] is True
    assert db["KmsKeyId"] == done.resources["aws_kms_key.main"]["arn"]
    assert db["PubliclyAccessible"] is False and db["DeletionProtection"] is True
    assert db["BackupRetentionPeriod"] == 7
    assert db["VpcSecurityGroups"][0]["VpcSecurityGroupId"] == done.id("aws_security_group.db")
    data_subnets = {done.id(f"{NETWORK}.aws_subnet.data[{i}]") for i in range(2)}
    assert {s["SubnetIdentifier"] for s in db["DBSubnetGroup"]["Subnets"]} == data_subnets


def test_storage_encryption_and_account_guards(estate: tuple[boto3.Session, Provisioned]) -> None:
    session, done = estate
    s3 = session.client("s3")
    for bucket in ("bragabot-data-use1", "bragabot-logs-use1"):
        rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"][
            "Rules"
        ][0]["ApplyServerSideEncryptionByDefault"]
        assert rule["SSEAlgorithm"] == "aws:kms"
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
        block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        assert all(block.values())
    assert "cloudtrail.amazonaws.com" in s3.get_bucket_policy(Bucket="bragabot-logs-use1")["Policy"]
    kms = session.client("kms")
    key = done.id("aws_kms_key.main")
    assert kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"] is True
    assert session.client("ec2").get_ebs_encryption_by_default()["EbsEncryptionByDefault"] is True
    assert done.resources["aws_s3_account_public_access_block.this"]["id"] == done.account


def test_audit_alarms_identity_and_backups(estate: tuple[boto3.Session, Provisioned]) -> None:
    session, done = estate
    trail = session.client("cloudtrail").describe_trails(trailNameList=["bragabot-trail"])[
        "trailList"
    ][0]
    assert trail["IsMultiRegionTrail"] is True and trail["LogFileValidationEnabled"] is True
    assert trail["S3BucketName"] == "bragabot-logs-use1"
    assert session.client("cloudtrail").get_trail_status(Name="bragabot-trail")["IsLogging"]
    alarms = {
        a["MetricName"]: a for a in session.client("cloudwatch").describe_alarms()["MetricAlarms"]
    }
    assert set(alarms) == {"CPUUtilization", "UnHealthyHostCount", "HTTPCode_ELB_5XX_Count"}
    topic = done.id("aws_sns_topic.alerts")
    assert all(a["AlarmActions"] == [topic] for a in alarms.values())
    assert alarms["CPUUtilization"]["Dimensions"] == [
        {"Name": "AutoScalingGroupName", "Value": "bragabot-k8s-nodes"}
    ]
    attributes = session.client("sns").get_topic_attributes(TopicArn=topic)["Attributes"]
    assert attributes["KmsMasterKeyId"] == done.id("aws_kms_key.main")
    iam = session.client("iam")
    document = iam.get_role_policy(RoleName="bragabot-k8s-node", PolicyName="bragabot-k8s-node")[
        "PolicyDocument"
    ]
    statements = (
        document["Statement"] if isinstance(document, dict) else json.loads(document)["Statement"]
    )
    assert not any(s["Action"] == "*" and s["Resource"] == "*" for s in statements)
    plan = session.client("backup").get_backup_plan(BackupPlanId=done.id("aws_backup_plan.daily"))
    rule = plan["BackupPlan"]["Rules"][0]
    assert rule["TargetBackupVaultName"] == "bragabot-vault"
    assert rule["Lifecycle"]["DeleteAfterDays"] == 35
