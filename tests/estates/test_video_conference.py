"""The video-conference reference estate: its described shape, its violations, its provisioning."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from archproof.estates import build, plan_document, reference, write_hcl
from archproof.estates.calibrate import real_plan
from archproof.estates.export import render_export
from archproof.estates.provision import Provisioned, provision
from archproof.estates.video_conference.common import BACKUP_REGION, REGION
from archproof.moto_server import MotoServer

NAME = "video-conference"
NETWORK = "module.network"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / NAME


@pytest.fixture(scope="module")
def after() -> dict[str, dict[str, Any]]:
    plan = plan_document(build(NAME))
    return {c["address"]: c["change"]["after"] for c in plan["resource_changes"]}


def test_two_zones_three_tiers(after: dict[str, dict[str, Any]]) -> None:
    for subnet, tier in (("public", "public"), ("private", "private"), ("data", "isolated")):
        found = [after[f"{NETWORK}.aws_subnet.{subnet}[{i}]"] for i in range(2)]
        assert len({s["availability_zone"] for s in found}) == 2
        assert {s["tags"]["Tier"] for s in found} == {tier}
    assert f"{NETWORK}.aws_subnet.private[2]" not in after


def test_nodes_database_and_backups(after: dict[str, dict[str, Any]]) -> None:
    asg = after["aws_autoscaling_group.nodes"]
    assert asg["health_check_type"] == "ELB" and asg["min_size"] == 2
    assert {t["key"]: t["value"] for t in asg["tag"]}["Role"] == "eks-node"
    db = after["aws_db_instance.main"]
    assert db["engine"] == "mysql" and db["multi_az"] is True
    assert db["storage_encrypted"] is True and db["backup_retention_period"] == 7
    copy = after["aws_db_instance_automated_backups_replication.main"]
    assert copy["kms_key_id"].split(":")[3] == BACKUP_REGION != REGION


def test_data_services(after: dict[str, dict[str, Any]]) -> None:
    cache = after["aws_elasticache_replication_group.cache"]
    assert cache["num_cache_clusters"] == 2 and cache["automatic_failover_enabled"] is True
    assert cache["multi_az_enabled"] and cache["transit_encryption_enabled"]
    table = after["aws_dynamodb_table.meetings"]
    assert table["point_in_time_recovery"][0]["enabled"] is True
    assert after["aws_redshift_cluster.warehouse"]["encrypted"] is True
    cdn = after["aws_cloudfront_distribution.app"]
    assert cdn["default_cache_behavior"][0]["viewer_protocol_policy"] == "https-only"
    assert cdn["viewer_certificate"][0]["minimum_protocol_version"] == "TLSv1.2_2021"
    assert after["aws_kms_key.main"]["enable_key_rotation"] is True


def test_committed_examples_equal_a_fresh_export() -> None:
    fresh = render_export(NAME)
    committed = {
        str(p.relative_to(EXAMPLES)): p.read_text(encoding="utf-8")
        for p in EXAMPLES.rglob("*")
        # manifests/ holds hand-written workload manifests (archproof.estates.workloads)
        if p.is_file() and p.relative_to(EXAMPLES).parts[0] != "manifests"
    }
    assert committed == fresh, f"regenerate: python -m archproof.estates.export {NAME} {EXAMPLES}"


@pytest.mark.parametrize("violation", reference(NAME).violations, ids=lambda v: v.id)
def test_each_violation_changes_the_plan(violation: Any) -> None:
    compliant = plan_document(build(NAME))
    edited = plan_document(build(NAME, violation.id))
    assert edited["resource_changes"] != compliant["resource_changes"]


@pytest.fixture(scope="module")
def provisioned(moto_session_server: MotoServer) -> Iterator[tuple[boto3.Session, Provisioned]]:
    moto_session_server.reset()
    with pytest.MonkeyPatch.context() as patch:
        for key, value in moto_session_server.client_env().items():
            patch.setenv(key, value)
        patch.delenv("AWS_PROFILE", raising=False)
        session = boto3.Session(region_name=REGION)
        yield session, provision(build(NAME), session)


def test_everything_is_provisioned_but_the_backup_copy(
    provisioned: tuple[boto3.Session, Provisioned],
) -> None:
    _, done = provisioned
    copy = "aws_db_instance_automated_backups_replication.main"
    assert list(done.skipped) == [copy] and "moto gap" in done.skipped[copy]
    planned = plan_document(build(NAME))["resource_changes"]
    assert len(done.resources) == len(planned) - 1


def test_provisioned_data_services(provisioned: tuple[boto3.Session, Provisioned]) -> None:
    session, _ = provisioned
    db = session.client("rds").describe_db_instances()["DBInstances"][0]
    assert db["MultiAZ"] is True and db["Engine"] == "mysql"
    group = session.client("elasticache").describe_replication_groups()["ReplicationGroups"][0]
    assert group["AutomaticFailover"] == "enabled" and group["AtRestEncryptionEnabled"] is True
    cluster = session.client("redshift").describe_clusters()["Clusters"][0]
    assert cluster["Encrypted"] is True
    dynamodb = session.client("dynamodb")
    backups = dynamodb.describe_continuous_backups(TableName="videoconf-meetings")
    description = backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert description["PointInTimeRecoveryStatus"] == "ENABLED"
    items = session.client("cloudfront").list_distributions()["DistributionList"]["Items"]
    assert items[0]["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "https-only"


PLUGINS = os.environ.get("ARCHPROOF_TF_PLUGIN_DIR", "/opt/tf-plugins")


def _comparable(plan: dict[str, Any]) -> dict[str, Any]:
    """What a real plan shares with ours (as in test_real_terraform)."""
    dropped = {"timestamp", "relevant_attributes", "terraform_version"}
    kept = {k: v for k, v in plan.items() if k not in dropped}
    kept["configuration"] = {
        k: v for k, v in kept["configuration"].items() if k != "provider_config"
    }
    kept["relevant"] = sorted(
        (r["resource"], str(r["attribute"])) for r in plan["relevant_attributes"]
    )
    return kept


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("terraform") is None or not Path(PLUGINS).is_dir(),
    reason="needs terraform and the AWS provider in ARCHPROOF_TF_PLUGIN_DIR",
)
def test_rendered_plan_equals_terraform_plan(tmp_path: Path) -> None:
    estate = build(NAME)
    write_hcl(estate, tmp_path)
    real = real_plan(tmp_path, "terraform", PLUGINS)
    assert _comparable(plan_document(estate)) == _comparable(real)
