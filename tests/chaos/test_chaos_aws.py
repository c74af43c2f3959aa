"""The AWS failure experiments run through chaoslib against a moto server: what each one
does to the control plane (moto cannot show data-plane effects: no traffic, no real
failover timing; see STACK_NOTES "moto gaps")."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from chaoslib.experiment import run_experiment

from archproof.moto_server import MotoServer

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = {"runtime": {"rollbacks": {"strategy": "always"}}}
OPT_IN = [{"Key": "archproof:chaos", "Value": "allowed"}]


@dataclass
class Estate:
    vpc: str
    subnets: dict[str, list[str]]  # zone → subnet ids
    asg: str = "web"
    cluster: str = "aurora"
    instance: str = "orders"
    cache: str = "sessions"


def provision(aws: boto3.Session, tagged: bool = True) -> Estate:
    """A VPC over two zones, an ASG of 2, an Aurora cluster of 2, a DB instance with a
    snapshot, an ElastiCache replication group; all opted in unless ``tagged`` is False."""
    tags = OPT_IN if tagged else []
    ec2, rds = aws.client("ec2"), aws.client("rds")
    spec = [{"ResourceType": "vpc", "Tags": tags}] if tags else []
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=spec)["Vpc"]["VpcId"]
    subnets: dict[str, list[str]] = {}
    for n, zone in enumerate(["us-east-1a", "us-east-1a", "us-east-1b"]):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{n}.0/24", AvailabilityZone=zone)
        subnets.setdefault(zone, []).append(subnet["Subnet"]["SubnetId"])
    ec2.create_launch_template(
        LaunchTemplateName="web-lt",
        LaunchTemplateData={"ImageId": "ami-12345678", "InstanceType": "t3.micro"},
    )
    aws.client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName="web",
        LaunchTemplate={"LaunchTemplateName": "web-lt", "Version": "$Latest"},
        MinSize=2,
        MaxSize=4,
        DesiredCapacity=2,
        VPCZoneIdentifier=",".join(s for group in subnets.values() for s in group),
        Tags=[{**t, "PropagateAtLaunch": False} for t in tags],
    )
    password = {"MasterUsername": "admin", "MasterUserPassword": "password123"}
    rds.create_db_cluster(
        DBClusterIdentifier="aurora", Engine="aurora-postgresql", Tags=tags, **password
    )
    for name in ("aurora-a", "aurora-b"):
        rds.create_db_instance(
            DBInstanceIdentifier=name,
            DBClusterIdentifier="aurora",
            Engine="aurora-postgresql",
            DBInstanceClass="db.r6g.large",
        )
    rds.create_db_instance(
        DBInstanceIdentifier="orders",
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        BackupRetentionPeriod=7,
        Tags=tags,
        **password,
    )
    rds.create_db_snapshot(DBInstanceIdentifier="orders", DBSnapshotIdentifier="orders-manual")
    aws.client("elasticache").create_replication_group(
        ReplicationGroupId="sessions",
        ReplicationGroupDescription="sessions",
        Engine="redis",
        CacheNodeType="cache.t3.micro",
        NumCacheClusters=2,
        AutomaticFailoverEnabled=True,
        Tags=tags,
    )
    return Estate(vpc=vpc, subnets=subnets)


@pytest.fixture
def estate(aws: boto3.Session) -> Estate:
    return provision(aws)


@pytest.fixture
def records(
    moto: MotoServer, estate: Estate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The experiments' environment: targets of the estate, short polls and bounds."""
    values = {
        "ARCHPROOF_AWS_REGION": "us-east-1",
        "ARCHPROOF_CHAOS_RECORDS": str(tmp_path / "records"),
        "ARCHPROOF_CHAOS_ASG": estate.asg,
        "ARCHPROOF_CHAOS_DB_CLUSTER": estate.cluster,
        "ARCHPROOF_CHAOS_DB_INSTANCE": estate.instance,
        "ARCHPROOF_CHAOS_CACHE_GROUP": estate.cache,
        "ARCHPROOF_CHAOS_VPC": estate.vpc,
        "ARCHPROOF_CHAOS_ZONE": "us-east-1a",
        "ARCHPROOF_CHAOS_ZONE_SECONDS": "0.2",
        "ARCHPROOF_CHAOS_POLL": "0.05",
        "ARCHPROOF_CHAOS_RECOVERY_TIMEOUT": "2",
        "ARCHPROOF_CHAOS_DRILL_TIMEOUT": "5",
        "AWS_MAX_ATTEMPTS": "1",  # chaosaws's own clients: moto's 500s are not retried
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return tmp_path / "records"


def run(name: str) -> dict[str, Any]:
    experiment = json.loads((ROOT / "chaos" / f"aws-{name}.json").read_text())
    journal: dict[str, Any] = run_experiment(experiment, settings=SETTINGS)
    return journal


def step(journal: dict[str, Any], name: str, section: str = "run") -> dict[str, Any]:
    return next(r for r in journal[section] if r["activity"]["name"] == name)


def faults(records: Path) -> list[dict[str, Any]]:
    lines = (records / "faults.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def acl_of(aws: boto3.Session, vpc: str) -> dict[str, str]:
    acls = aws.client("ec2").describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc]}])
    return {
        a["SubnetId"]: acl["NetworkAclId"]
        for acl in acls["NetworkAcls"]
        for a in acl["Associations"]
    }


def test_instance_loss_terminates_one_instance_and_keeps_desired(
    aws: boto3.Session, estate: Estate, records: Path
) -> None:
    asg = aws.client("autoscaling")
    before = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["web"])["AutoScalingGroups"][0]
    journal = run("instance-loss")
    assert journal["status"] == "completed" and not journal["deviated"]
    terminate = step(journal, "terminate-one-instance")
    assert terminate["status"] == "succeeded"
    victim = terminate["output"][0]["TerminatingInstances"][0]["InstanceId"]
    assert victim in {i["InstanceId"] for i in before["Instances"]}
    state = aws.client("ec2").describe_instances(InstanceIds=[victim])["Reservations"][0]
    assert state["Instances"][0]["State"]["Name"] in {"shutting-down", "terminated"}
    after = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["web"])["AutoScalingGroups"][0]
    assert after["DesiredCapacity"] == before["DesiredCapacity"] == 2
    assert victim not in {i["InstanceId"] for i in after["Instances"]}  # moto replaced it
    assert step(journal, "wait-recovered")["output"]["recovered"] is True
    assert [f["fault"] for f in faults(records)] == ["instance-loss"]
    recovery = json.loads((records / "recovery.jsonl").read_text().splitlines()[0])
    assert recovery["target"] == "web" and recovery["recovered"] is True
    assert recovery["t"] >= faults(records)[0]["t"]


def test_database_failover_moves_the_aurora_writer(
    aws: boto3.Session, estate: Estate, records: Path
) -> None:
    journal = run("database-primary-loss")
    assert journal["status"] == "completed" and not journal["deviated"]
    assert step(journal, "failover-cluster")["status"] == "succeeded"
    assert step(journal, "writer-before")["output"] == "aurora-a"
    assert step(journal, "writer-after")["output"] == "aurora-b"
    assert step(journal, "wait-new-writer")["output"]["writer"] == "aurora-b"
    members = aws.client("rds").describe_db_clusters(DBClusterIdentifier="aurora")["DBClusters"]
    writers = [
        m["DBInstanceIdentifier"] for m in members[0]["DBClusterMembers"] if m["IsClusterWriter"]
    ]
    assert writers == ["aurora-b"]


def test_cache_failover_is_reported_failed_because_moto_lacks_test_failover(
    estate: Estate, records: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARCHPROOF_CHAOS_RECOVERY_TIMEOUT", "0.3")
    journal = run("cache-primary-loss")
    failover = step(journal, "test-failover")
    assert failover["status"] == "failed"  # moto: HTTP 500 "test_failover not implemented"
    assert "failed invoking the test failover API" in "".join(failover["exception"])
    assert step(journal, "wait-new-primary")["status"] == "failed"  # primary never moved
    assert not journal["deviated"]  # the group itself is still available


def test_zone_loss_blackholes_the_zone_then_restores_it(
    aws: boto3.Session, estate: Estate, records: Path
) -> None:
    original = acl_of(aws, estate.vpc)
    journal = run("zone-loss")
    assert journal["status"] == "completed" and not journal["deviated"]
    assert step(journal, "subnets-cut-off")["output"] == sorted(estate.subnets["us-east-1a"])
    blackhole = step(journal, "blackhole-zone")["output"]
    assert blackhole["acl_id"] not in original.values()
    hold = step(journal, "hold-until-bound-or-stop")["output"]
    assert hold["stopped_early"] is False and hold["held_s"] >= 0.2
    assert step(journal, "restore-zone")["output"]["acl_deleted"] == blackhole["acl_id"]
    assert step(journal, "restore-zone-acls", "rollbacks")["status"] == "succeeded"
    assert acl_of(aws, estate.vpc) == original
    ec2 = aws.client("ec2")
    left = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [estate.vpc]}])
    assert blackhole["acl_id"] not in {a["NetworkAclId"] for a in left["NetworkAcls"]}
    assert [f["fault"] for f in faults(records)] == ["zone-blackhole", "zone-restore"]


def test_zone_loss_stops_early_when_the_stop_alarm_fires(
    aws: boto3.Session, estate: Estate, records: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cloudwatch = aws.client("cloudwatch")
    cloudwatch.put_metric_alarm(
        AlarmName="web-5xx",
        MetricName="HTTPCode_Target_5XX_Count",
        Namespace="AWS/ApplicationELB",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=10,
        ComparisonOperator="GreaterThanThreshold",
    )
    cloudwatch.set_alarm_state(AlarmName="web-5xx", StateValue="ALARM", StateReason="test")
    monkeypatch.setenv("ARCHPROOF_CHAOS_STOP_ALARM", "web-5xx")
    monkeypatch.setenv("ARCHPROOF_CHAOS_ZONE_SECONDS", "600")
    original = acl_of(aws, estate.vpc)
    journal = run("zone-loss")
    hold = step(journal, "hold-until-bound-or-stop")["output"]
    assert hold["stopped_early"] is True and "web-5xx" in hold["reason"]
    assert hold["held_s"] < 10 and sorted(hold["restored"]) == sorted(estate.subnets["us-east-1a"])
    assert acl_of(aws, estate.vpc) == original


def test_backup_restore_drill_creates_then_deletes_a_tagged_instance(
    aws: boto3.Session, estate: Estate, records: Path
) -> None:
    journal = run("backup-restore")
    assert journal["status"] == "completed" and not journal["deviated"]
    drill = step(journal, "restore-drill")["output"]
    assert drill["ok"] is True and drill["instance"].startswith("archproof-drill-")
    assert drill["snapshot_age_s"] < 600
    assert step(journal, "drill-instances")["output"] == [drill["instance"]]
    assert step(journal, "delete-drill")["output"] == [drill["instance"]]
    assert step(journal, "delete-drill-instances", "rollbacks")["status"] == "succeeded"
    names = {
        i["DBInstanceIdentifier"] for i in aws.client("rds").describe_db_instances()["DBInstances"]
    }
    assert drill["instance"] not in names and "orders" in names
    assert [f["fault"] for f in faults(records)] == ["backup-restore-drill", "backup-drill-deleted"]


def test_untagged_target_fails_the_steady_state_and_nothing_is_terminated(
    aws: boto3.Session, records: Path
) -> None:
    asg = aws.client("autoscaling")
    asg.delete_tags(
        Tags=[
            {
                "ResourceId": "web",
                "ResourceType": "auto-scaling-group",
                "Key": "archproof:chaos",
            }
        ]
    )
    before = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["web"])["AutoScalingGroups"][0]
    journal = run("instance-loss")
    assert journal["status"] == "failed" and journal["run"] == []
    probe = journal["steady_states"]["before"]["probes"][0]
    assert "no tag archproof:chaos" in "".join(probe["exception"])
    after = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["web"])["AutoScalingGroups"][0]
    assert after["Instances"] == before["Instances"]
