"""A seeded violation provisions as the same edit in the live account."""

from __future__ import annotations

import datetime as dt

import boto3

from archproof.estates import Estate, build, find_violation, reference
from archproof.estates.provision import provision

NETWORK = "module.network"


def test_public_database_is_public_in_the_account(aws: boto3.Session) -> None:
    provision(build("bragabot", "database-public"), aws)
    db = aws.client("rds").describe_db_instances(DBInstanceIdentifier="bragabot-db")
    assert db["DBInstances"][0]["PubliclyAccessible"] is True


def test_plaintext_http_forwards_in_the_account(aws: boto3.Session) -> None:
    done = provision(build("bragabot", "http-forwards-plaintext"), aws)
    listeners = aws.client("elbv2").describe_listeners(LoadBalancerArn=done.id("aws_lb.app"))
    http = next(lis for lis in listeners["Listeners"] if lis["Port"] == 80)
    assert http["DefaultActions"][0]["Type"] == "forward"


def test_one_zone_node_group_spans_one_subnet(aws: boto3.Session) -> None:
    done = provision(build("bragabot", "nodes-in-one-zone"), aws)
    group = aws.client("autoscaling").describe_auto_scaling_groups(
        AutoScalingGroupNames=["bragabot-k8s-nodes"]
    )["AutoScalingGroups"][0]
    assert group["VPCZoneIdentifier"] == done.id("module.network.aws_subnet.private[0]")


def test_missing_alarm_is_missing_in_the_account(aws: boto3.Session) -> None:
    provision(build("bragabot", "no-cpu-alarm"), aws)
    metrics = {a["MetricName"] for a in aws.client("cloudwatch").describe_alarms()["MetricAlarms"]}
    assert "CPUUtilization" not in metrics and "UnHealthyHostCount" in metrics


def _with(*violation_ids: str) -> Estate:
    """The compliant estate with several seeded violations that edit different parts."""
    estate = build("bragabot")
    for violation_id in violation_ids:
        estate = find_violation(reference("bragabot").violations, violation_id)(estate)
    return estate


def test_network_and_edge_violations_provision_as_edited(aws: boto3.Session) -> None:
    done = provision(
        _with(
            "nat-in-private-subnets",
            "private-subnets-public-ips",
            "private-acl-ssh-from-anywhere",
            "ssh-to-nodes-from-internet",
            "certificate-expiring",
        ),
        aws,
    )
    ec2 = aws.client("ec2")
    private = {done.id(f"{NETWORK}.aws_subnet.private[{i}]") for i in range(2)}
    nats = [done.id(f"{NETWORK}.aws_nat_gateway.main[{i}]") for i in range(2)]
    assert {
        n["SubnetId"] for n in ec2.describe_nat_gateways(NatGatewayIds=nats)["NatGateways"]
    } == (private)
    subnets = ec2.describe_subnets(SubnetIds=sorted(private))["Subnets"]
    assert all(s["MapPublicIpOnLaunch"] for s in subnets)
    acl = ec2.describe_network_acls(NetworkAclIds=[done.id(f"{NETWORK}.aws_network_acl.private")])
    entries = acl["NetworkAcls"][0]["Entries"]
    ssh = next(e for e in entries if e["RuleNumber"] == 120 and not e["Egress"])
    assert (ssh["CidrBlock"], ssh["PortRange"], ssh["RuleAction"]) == (
        "0.0.0.0/0",
        {"From": 22, "To": 22},
        "allow",
    )
    rule = ec2.describe_security_group_rules(
        SecurityGroupRuleIds=[done.id("aws_vpc_security_group_ingress_rule.app_ssh")]
    )["SecurityGroupRules"][0]
    assert (rule["FromPort"], rule["CidrIpv4"]) == (22, "0.0.0.0/0")
    listeners = aws.client("elbv2").describe_listeners(LoadBalancerArn=done.id("aws_lb.app"))
    https = next(lis for lis in listeners["Listeners"] if lis["Port"] == 443)
    arn = https["Certificates"][0]["CertificateArn"]
    assert arn == done.id("aws_acm_certificate.app")
    certificate = aws.client("acm").describe_certificate(CertificateArn=arn)["Certificate"]
    assert certificate["Type"] == "IMPORTED" and certificate["Status"] == "ISSUED"
    left = certificate["NotAfter"] - dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=1) < left < dt.timedelta(days=30)


def test_storage_violations_provision_as_edited(aws: boto3.Session) -> None:
    done = provision(
        _with(
            "bastion-disk-unencrypted",
            "data-bucket-aes256",
            "alerts-topic-unencrypted",
            "backups-kept-three-days",
        ),
        aws,
    )
    ec2 = aws.client("ec2")
    assert ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"] is False
    bastion = ec2.describe_instances(InstanceIds=[done.id("aws_instance.bastion")])
    volume = bastion["Reservations"][0]["Instances"][0]["BlockDeviceMappings"][0]["Ebs"]
    assert ec2.describe_volumes(VolumeIds=[volume["VolumeId"]])["Volumes"][0]["Encrypted"] is False
    rule = aws.client("s3").get_bucket_encryption(Bucket="bragabot-data-use1")[
        "ServerSideEncryptionConfiguration"
    ]["Rules"][0]["ApplyServerSideEncryptionByDefault"]
    assert rule == {"SSEAlgorithm": "AES256"}
    topic = aws.client("sns").get_topic_attributes(TopicArn=done.id("aws_sns_topic.alerts"))
    assert "KmsMasterKeyId" not in topic["Attributes"]
    plan = aws.client("backup").get_backup_plan(BackupPlanId=done.id("aws_backup_plan.daily"))
    assert plan["BackupPlan"]["Rules"][0]["Lifecycle"]["DeleteAfterDays"] == 3


def test_tier_and_listener_violations_provision_as_edited(aws: boto3.Session) -> None:
    done = provision(
        _with("private-tier-one-zone", "private-tier-without-egress", "no-https-listener"), aws
    )
    ec2 = aws.client("ec2")
    for index in range(2):
        subnet_id = done.id(f"{NETWORK}.aws_subnet.private[{index}]")
        subnet = ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]
        assert subnet["AvailabilityZone"] == "us-east-1a"
        table = ec2.describe_route_tables(
            Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}]
        )["RouteTables"][0]
        assert not [r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"]
    listeners = aws.client("elbv2").describe_listeners(LoadBalancerArn=done.id("aws_lb.app"))
    assert [lis["Port"] for lis in listeners["Listeners"]] == [80]
