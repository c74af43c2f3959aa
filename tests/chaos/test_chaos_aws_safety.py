"""Opt-in guard rails for AWS chaos: targets without archproof:chaos=allowed are refused,
by the runner's check and again by archproof's own fault actions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from chaoslib.exceptions import ActivityFailed

from archproof.chaos.aws_actions import blackhole_zone
from archproof.chaos.aws_drill import delete_drill_instances, restore_snapshot_drill
from archproof.chaos.aws_safety import AwsTarget, check_opt_in, experiment_targets

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = {"Key": "archproof:chaos", "Value": "allowed"}
REGION = "us-east-1"


def make_targets(aws: boto3.Session, tags: list[dict[str, str]]) -> list[AwsTarget]:
    """One resource of every kind, carrying ``tags``."""
    ec2, rds = aws.client("ec2"), aws.client("rds")
    spec = [{"ResourceType": "vpc", "Tags": tags}] if tags else []
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16", TagSpecifications=spec)["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24", AvailabilityZone="us-east-1a")
    ec2.create_launch_template(
        LaunchTemplateName="lt-1", LaunchTemplateData={"ImageId": "ami-12345678"}
    )
    aws.client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName="api",
        LaunchTemplate={"LaunchTemplateName": "lt-1"},
        MinSize=0,
        MaxSize=1,
        DesiredCapacity=0,
        VPCZoneIdentifier=subnet["Subnet"]["SubnetId"],
        Tags=[{**t, "PropagateAtLaunch": False} for t in tags],
    )
    login = {"MasterUsername": "admin", "MasterUserPassword": "password123"}
    rds.create_db_cluster(DBClusterIdentifier="cl", Engine="aurora-mysql", Tags=tags, **login)
    rds.create_db_instance(
        DBInstanceIdentifier="db",
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        Tags=tags,
        **login,
    )
    rds.create_db_snapshot(DBInstanceIdentifier="db", DBSnapshotIdentifier="db-snap")
    aws.client("elasticache").create_replication_group(
        ReplicationGroupId="rg",
        ReplicationGroupDescription="rg",
        Engine="redis",
        CacheNodeType="cache.t3.micro",
        Tags=tags,
    )
    ids = {"asg": "api", "db_cluster": "cl", "db_instance": "db", "replication_group": "rg"}
    return [AwsTarget(k, v, REGION) for k, v in {**ids, "vpc": vpc}.items()]


def test_untagged_targets_are_listed_with_kind_id_region_and_reason(aws: boto3.Session) -> None:
    targets = make_targets(aws, [])
    problems = check_opt_in(aws, targets, set())
    assert len(problems) == 5
    for target, problem in zip(targets, problems, strict=True):
        assert repr(target.id) in problem and REGION in problem
        assert "no tag archproof:chaos" in problem


def test_tagged_or_named_targets_pass(aws: boto3.Session) -> None:
    assert check_opt_in(aws, make_targets(aws, [ALLOWED]), set()) == []


def test_explicitly_named_targets_pass_without_the_tag(aws: boto3.Session) -> None:
    targets = make_targets(aws, [])
    assert check_opt_in(aws, targets, {t.id for t in targets}) == []


def test_a_wrong_tag_value_is_not_an_opt_in(aws: boto3.Session) -> None:
    targets = make_targets(aws, [{"Key": "archproof:chaos", "Value": "yes"}])
    problems = check_opt_in(aws, targets, set())
    assert len(problems) == 5 and all("archproof:chaos='yes'" in p for p in problems)


def test_missing_unknown_and_unconfigured_targets_are_problems(aws: boto3.Session) -> None:
    targets = [
        AwsTarget("asg", "nope", REGION),
        AwsTarget("db_cluster", "nope", REGION),
        AwsTarget("db_instance", "nope", REGION),
        AwsTarget("replication_group", "nope", REGION),
        AwsTarget("vpc", "vpc-0000000000", REGION),
        AwsTarget("lambda", "fn", REGION),
        AwsTarget("asg", "", REGION, "asg_name", "ARCHPROOF_CHAOS_ASG"),
    ]
    problems = check_opt_in(aws, targets, set())
    assert len(problems) == 7
    assert all("not found" in p for p in problems[:5]), problems
    assert "unknown target kind 'lambda'" in problems[5]
    assert "set ARCHPROOF_CHAOS_ASG" in problems[6]


def experiment(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "chaos" / f"aws-{name}.json").read_text())
    return data


@pytest.mark.parametrize(
    ("name", "kind", "env"),
    [
        ("instance-loss", "asg", "ARCHPROOF_CHAOS_ASG"),
        ("database-primary-loss", "db_cluster", "ARCHPROOF_CHAOS_DB_CLUSTER"),
        ("cache-primary-loss", "replication_group", "ARCHPROOF_CHAOS_CACHE_GROUP"),
        ("zone-loss", "vpc", "ARCHPROOF_CHAOS_VPC"),
        ("backup-restore", "db_instance", "ARCHPROOF_CHAOS_DB_INSTANCE"),
    ],
)
def test_experiment_targets_from_loaded_or_environment_configuration(
    name: str, kind: str, env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(env, raising=False)
    document = experiment(name)
    extension = document["extensions"][0]
    assert extension["proof"] == f"chaos/{name}" and extension["variant"] == "aws"
    key = extension["targets"][0]["config"]
    by_key = experiment_targets(document, {key: "t-1", "aws_region": "eu-west-1"})
    by_env = experiment_targets(document, {env: "t-1", "ARCHPROOF_AWS_REGION": "eu-west-1"})
    assert by_key == by_env == [AwsTarget(kind, "t-1", "eu-west-1", key, env)]
    assert experiment_targets(document, {})[0].id == ""


def test_blackhole_refuses_an_untagged_vpc_and_changes_nothing(
    aws: boto3.Session, tmp_path: Path
) -> None:
    vpc = next(t.id for t in make_targets(aws, []) if t.kind == "vpc")
    ec2 = aws.client("ec2")
    before = ec2.describe_network_acls()["NetworkAcls"]
    configuration = {"aws_region": REGION, "records_dir": str(tmp_path)}
    with pytest.raises(ActivityFailed, match=f"refusing to touch VPC '{vpc}' in {REGION}"):
        blackhole_zone(vpc, "us-east-1a", configuration)
    assert ec2.describe_network_acls()["NetworkAcls"] == before
    assert not (tmp_path / "faults.jsonl").exists()


def test_blackhole_proceeds_for_an_explicitly_named_vpc(aws: boto3.Session, tmp_path: Path) -> None:
    vpc = next(t.id for t in make_targets(aws, []) if t.kind == "vpc")
    configuration = {"aws_region": REGION, "records_dir": str(tmp_path), "explicit_targets": vpc}
    result = blackhole_zone(vpc, "us-east-1a", configuration)
    assert len(result["subnets"]) == 1
    with pytest.raises(ActivityFailed, match="already recorded"):
        blackhole_zone(vpc, "us-east-1a", configuration)  # never loses the first record


def test_restore_drill_refuses_an_untagged_instance(aws: boto3.Session, tmp_path: Path) -> None:
    make_targets(aws, [])
    configuration = {"aws_region": REGION, "records_dir": str(tmp_path)}
    with pytest.raises(ActivityFailed, match="refusing to touch RDS DB instance 'db'"):
        restore_snapshot_drill("db", configuration=configuration)
    names = [
        i["DBInstanceIdentifier"] for i in aws.client("rds").describe_db_instances()["DBInstances"]
    ]
    assert names == ["db"]


def test_drill_clean_up_never_deletes_an_instance_without_the_drill_tag(
    aws: boto3.Session, tmp_path: Path
) -> None:
    make_targets(aws, [ALLOWED])
    (tmp_path / "aws-backup-drill.json").write_text(json.dumps({"instances": ["db"]}))
    configuration = {"aws_region": REGION, "records_dir": str(tmp_path)}
    with pytest.raises(ActivityFailed, match="db: recorded as a drill but has no"):
        delete_drill_instances(configuration)
    assert aws.client("rds").describe_db_instances(DBInstanceIdentifier="db")["DBInstances"]
