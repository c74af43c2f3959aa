"""The LEVELS reference estate: its described shape, its seeded violations, its provisioning."""

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
from archproof.estates.levels.common import ADMIN_CIDR, REGION, ZONES
from archproof.estates.levels.storage import ASSET_BUCKETS, bucket_name
from archproof.estates.provision import Provisioned, provision
from archproof.moto_server import MotoServer

NETWORK = "module.network"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "levels"


def _after(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["address"]: c["change"]["after"] for c in plan["resource_changes"]}


@pytest.fixture(scope="module")
def after() -> dict[str, dict[str, Any]]:
    return _after(plan_document(build("levels")))


def test_production_spans_four_zones_in_three_tiers(after: dict[str, dict[str, Any]]) -> None:
    assert REGION == "us-west-2" and len(ZONES) == 4
    for subnet, tier in (("public", "public"), ("private", "private"), ("data", "isolated")):
        found = [after[f"{NETWORK}.aws_subnet.{subnet}[{i}]"] for i in range(4)]
        assert [s["availability_zone"] for s in found] == list(ZONES)
        assert {s["tags"]["Tier"] for s in found} == {tier}
    assert f"{NETWORK}.aws_nat_gateway.main[3]" in after
    assert f"{NETWORK}.aws_subnet.private[4]" not in after


def test_production_and_nonprod_vpcs_are_apart(after: dict[str, dict[str, Any]]) -> None:
    prod = after[f"{NETWORK}.aws_vpc.main"]
    other = after["aws_vpc.nonprod"]
    assert prod["tags"]["Environment"] == "production"
    assert other["tags"]["Environment"] == "non-production"
    assert not any(a.startswith("aws_vpc_peering_connection") for a in after)
    routes = [r for a, v in after.items() if "aws_route_table." in a for r in v["route"]]
    assert other["cidr_block"] not in {r["cidr_block"] for r in routes}


def test_access_paths(after: dict[str, dict[str, Any]]) -> None:
    rules = {a.split(".")[1]: v for a, v in after.items() if "ingress_rule" in a}
    assert rules["bastion_ssh"]["cidr_ipv4"] == ADMIN_CIDR
    assert set(rules) >= {"app_ssh", "worker_ssh", "db_from_app", "db_from_worker"}
    assert not any(name.startswith("db_") and "bastion" in name for name in rules)
    for group in ("api", "worker"):
        asg = after[f"aws_autoscaling_group.{group}"]
        assert asg["health_check_type"] == "ELB" and asg["min_size"] == 2


def test_aurora_writer_and_reader_in_two_zones(after: dict[str, dict[str, Any]]) -> None:
    cluster = after["aws_rds_cluster.main"]
    assert cluster["engine"] == "aurora-mysql" and cluster["storage_encrypted"] is True
    assert cluster["backup_retention_period"] >= 1
    members = [after[f"aws_rds_cluster_instance.{m}"] for m in ("writer", "reader")]
    assert len({m["availability_zone"] for m in members}) == 2
    assert not any(m["publicly_accessible"] for m in members)


def test_assets_buckets_and_cdn(after: dict[str, dict[str, Any]]) -> None:
    for name in ASSET_BUCKETS:
        assert after[f"aws_s3_bucket.{name}"]["bucket"] == bucket_name(name)
        assert after[f"aws_s3_bucket_public_access_block.{name}"]["block_public_policy"] is True
    assert after["aws_s3_bucket.web"]["tags"]["Served"] == "cloudfront"
    cdn = after["aws_cloudfront_distribution.web"]
    assert cdn["default_cache_behavior"][0]["viewer_protocol_policy"] == "redirect-to-https"
    assert cdn["viewer_certificate"][0]["minimum_protocol_version"] == "TLSv1.2_2021"
    assert after["aws_sqs_queue.jobs"]["kms_master_key_id"] == "alias/aws/sqs"
    assert after["aws_ssm_parameter.db_password"]["type"] == "SecureString"


def test_committed_examples_equal_a_fresh_export() -> None:
    fresh = render_export("levels")
    committed = {
        str(p.relative_to(EXAMPLES)): p.read_text(encoding="utf-8")
        for p in EXAMPLES.rglob("*")
        if p.is_file()
    }
    assert committed == fresh, (
        "regenerate: python -m archproof.estates.export levels examples/levels"
    )


@pytest.mark.parametrize("violation", reference("levels").violations, ids=lambda v: v.id)
def test_each_violation_changes_the_plan(violation: Any) -> None:
    compliant = plan_document(build("levels"))
    edited = plan_document(build("levels", violation.id))
    assert edited["resource_changes"] != compliant["resource_changes"]
    assert violation.controls and set(violation.forms) <= {"plan", "live"}


@pytest.fixture(scope="module")
def provisioned(moto_session_server: MotoServer) -> Iterator[tuple[boto3.Session, Provisioned]]:
    moto_session_server.reset()
    with pytest.MonkeyPatch.context() as patch:
        for key, value in moto_session_server.client_env().items():
            patch.setenv(key, value)
        patch.delenv("AWS_PROFILE", raising=False)
        session = boto3.Session(region_name=REGION)
        yield session, provision(build("levels"), session)


def test_everything_is_provisioned(provisioned: tuple[boto3.Session, Provisioned]) -> None:
    _, done = provisioned
    assert not done.skipped
    planned = plan_document(build("levels"))["resource_changes"]
    assert len(done.resources) == len(planned)


def test_provisioned_network(provisioned: tuple[boto3.Session, Provisioned]) -> None:
    session, done = provisioned
    ec2 = session.client("ec2")
    vpc = done.id(f"{NETWORK}.aws_vpc.main")
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    assert len(subnets) == 12
    assert {s["AvailabilityZone"] for s in subnets} == set(ZONES)
    assert ec2.describe_vpc_peering_connections()["VpcPeeringConnections"] == []


def test_provisioned_data_and_edge(provisioned: tuple[boto3.Session, Provisioned]) -> None:
    session, _ = provisioned
    cluster = session.client("rds").describe_db_clusters()["DBClusters"][0]
    assert cluster["Engine"] == "aurora-mysql" and cluster["StorageEncrypted"] is True
    assert len(cluster["DBClusterMembers"]) == 2
    parameter = session.client("ssm").describe_parameters()["Parameters"]
    assert {p["Name"]: p["Type"] for p in parameter}["/levels/production/database/password"] == (
        "SecureString"
    )
    sqs = session.client("sqs")
    url = sqs.get_queue_url(QueueName="levels-production-jobs")["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["KmsMasterKeyId"] == "alias/aws/sqs"
    items = session.client("cloudfront").list_distributions()["DistributionList"]["Items"]
    assert items[0]["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    block = session.client("s3").get_public_access_block(Bucket=bucket_name("web"))
    assert all(block["PublicAccessBlockConfiguration"].values())


def test_peering_violation_is_provisioned(moto: MotoServer) -> None:
    session = boto3.Session(region_name=REGION)
    done = provision(build("levels", "vpc-peered-with-nonprod"), session)
    peering = session.client("ec2").describe_vpc_peering_connections()["VpcPeeringConnections"]
    assert [p["VpcPeeringConnectionId"] for p in peering] == [
        done.id("aws_vpc_peering_connection.nonprod")
    ]
    assert peering[0]["AccepterVpcInfo"]["VpcId"] == done.id("aws_vpc.nonprod")


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
    estate = build("levels", "vpc-peered-with-nonprod")
    write_hcl(estate, tmp_path)
    real = real_plan(tmp_path, "terraform", PLUGINS)
    assert _comparable(plan_document(estate)) == _comparable(real)
