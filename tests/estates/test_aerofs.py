"""The AeroFS reference estate: its shape, its seeded violations, and its provisioning."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from archproof.estates import build, plan_document, reference
from archproof.estates.export import render_export
from archproof.estates.provision import Provisioned, provision
from archproof.moto_server import MotoServer
from archproof.spec.load import load_spec

SYSTEM = "aerofs"
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / SYSTEM
NETWORK = "module.network"


def _changes() -> dict[str, dict[str, Any]]:
    changes = plan_document(build(SYSTEM))["resource_changes"]
    return {c["address"]: c["change"]["after"] for c in changes}


def test_shape_of_the_plan() -> None:
    after = _changes()
    subnets = {a: v for a, v in after.items() if a.startswith(f"{NETWORK}.aws_subnet.")}
    tiers: dict[str, set[str]] = {}
    for values in subnets.values():
        tiers.setdefault(values["tags"]["Tier"], set()).add(values["availability_zone"])
    assert tiers == {"public": {"us-west-2a", "us-west-2b"}, "private": tiers["public"]}
    assert f"{NETWORK}.aws_internet_gateway.main" in after
    assert f"{NETWORK}.aws_nat_gateway.main[1]" in after
    managers, workers = (
        after["aws_autoscaling_group.manager"],
        after["aws_autoscaling_group.worker"],
    )
    assert (managers["min_size"], managers["max_size"]) == (3, 5)
    roles = {g["tag"][1]["value"] for g in (managers, workers)}
    assert roles == {"swarm-manager", "swarm-worker"}
    scaling = after["aws_autoscaling_policy.worker_cpu"]
    assert scaling["policy_type"] == "TargetTrackingScaling"
    assert after["aws_instance.bastion"]["tags"]["Role"] == "bastion"
    assert after["aws_vpc_security_group_ingress_rule.bastion_ssh"]["cidr_ipv4"] == (
        "198.51.100.0/24"
    )
    assert after["aws_cloudtrail.main"]["is_multi_region_trail"] is True
    parameters = [v for a, v in after.items() if a.startswith("aws_ssm_parameter.")]
    secret_like = [p for p in parameters if "token" in p["name"] or "password" in p["name"]]
    assert secret_like and all(p["type"] == "SecureString" for p in secret_like)
    users = {a for a in after if a.startswith("aws_iam_user.")}
    assert {u.replace("aws_iam_user.", "aws_iam_virtual_mfa_device.") for u in users} <= set(after)


def test_violations_cover_the_spec_and_change_the_estate() -> None:
    spec = load_spec(ROOT / "policies" / f"{SYSTEM}.yaml")
    used = {c.id for r in spec.requirements for c in r.controls}
    violations = reference(SYSTEM).violations
    seeded = {c for v in violations for c in v.controls}
    assert seeded == used - {"tier-zone-spread", "workloads-in-private-tiers", "root-account-mfa"}
    compliant = build(SYSTEM)
    for violation in violations:
        assert violation(compliant) != compliant, violation.id
    assert {v.id: v.forms for v in violations}["console-user-without-mfa"] == ("live",)


def test_committed_examples_equal_a_fresh_export() -> None:
    fresh = render_export(SYSTEM)
    committed = {
        str(p.relative_to(EXAMPLES)): p.read_text(encoding="utf-8")
        for p in EXAMPLES.rglob("*")
        if p.is_file()
    }
    assert sorted(committed) == sorted(fresh), (
        "regenerate: python -m archproof.estates.export aerofs examples/aerofs"
    )
    for path, text in fresh.items():
        assert committed[path] == text, f"{path} is stale: regenerate the examples"


@pytest.fixture(scope="module")
def estate(moto_session_server: MotoServer) -> Iterator[tuple[boto3.Session, Provisioned]]:
    """One provisioning shared by this module's tests (they only read)."""
    moto_session_server.reset()
    with pytest.MonkeyPatch.context() as patch:
        for key, value in moto_session_server.client_env().items():
            patch.setenv(key, value)
        patch.delenv("AWS_PROFILE", raising=False)
        session = boto3.Session(region_name="us-west-2")
        yield session, provision(build(SYSTEM), session)


def test_everything_is_provisioned(estate: tuple[boto3.Session, Provisioned]) -> None:
    _, done = estate
    assert not done.skipped
    assert len(done.resources) == len(plan_document(build(SYSTEM))["resource_changes"])
    assert done.region == "us-west-2"


def test_swarm_groups_span_the_private_subnets(estate: tuple[boto3.Session, Provisioned]) -> None:
    session, done = estate
    private = {done.id(f"{NETWORK}.aws_subnet.private[{i}]") for i in range(2)}
    groups = session.client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"]
    by_role = {next(t["Value"] for t in g["Tags"] if t["Key"] == "Role"): g for g in groups}
    assert set(by_role) == {"swarm-manager", "swarm-worker"}
    managers = by_role["swarm-manager"]
    assert (managers["MinSize"], managers["MaxSize"]) == (3, 5)
    for group in by_role.values():
        assert set(group["VPCZoneIdentifier"].split(",")) == private
    policies = session.client("autoscaling").describe_policies()["ScalingPolicies"]
    assert [p["AutoScalingGroupName"] for p in policies] == ["aerofs-swarm-worker"]


def test_console_users_have_enrolled_mfa(estate: tuple[boto3.Session, Provisioned]) -> None:
    session, _ = estate
    iam = session.client("iam")
    users = [u["UserName"] for u in iam.list_users()["Users"]]
    assert sorted(users) == ["aerofs-alice", "aerofs-bob"]
    for name in users:
        assert iam.get_login_profile(UserName=name)["LoginProfile"]["UserName"] == name
        devices = iam.list_mfa_devices(UserName=name)["MFADevices"]
        assert [d["SerialNumber"] for d in devices] == [f"arn:aws:iam::123456789012:mfa/{name}"]


def test_secrets_are_in_the_key_stores(estate: tuple[boto3.Session, Provisioned]) -> None:
    session, _ = estate
    parameters = session.client("ssm").describe_parameters()["Parameters"]
    kinds = {p["Name"]: p["Type"] for p in parameters}
    assert kinds == {
        "/aerofs/swarm/manager-join-token": "SecureString",
        "/aerofs/swarm/worker-join-token": "SecureString",
        "/aerofs/elasticsearch/password": "SecureString",
        "/aerofs/swarm/cluster-name": "String",
    }
    secrets = session.client("secretsmanager").list_secrets()["SecretList"]
    assert [s["Name"] for s in secrets] == ["aerofs/kibana/admin"]
    trail = session.client("cloudtrail").describe_trails()["trailList"][0]
    assert trail["IsMultiRegionTrail"] is True
    policy = session.client("iam").get_role_policy(
        RoleName="aerofs-swarm-worker", PolicyName="aerofs-swarm-worker"
    )["PolicyDocument"]
    document = policy if isinstance(policy, dict) else json.loads(policy)
    assert all(s["Resource"] != "*" or "*" not in s["Action"] for s in document["Statement"])


def test_function_behind_the_gateway(estate: tuple[boto3.Session, Provisioned]) -> None:
    session, done = estate
    function = session.client("lambda").get_function(FunctionName="aerofs-ingest")
    variables = function["Configuration"]["Environment"]["Variables"]
    assert variables["STORE_PASSWORD_PARAMETER"] == "/aerofs/elasticsearch/password"
    gateway = session.client("apigatewayv2")
    api_id = done.id("aws_apigatewayv2_api.ingest")
    routes = gateway.get_routes(ApiId=api_id)["Items"]
    assert [r["RouteKey"] for r in routes] == ["POST /events"]
    integration = gateway.get_integrations(ApiId=api_id)["Items"][0]
    assert function["Configuration"]["FunctionArn"] in integration["IntegrationUri"]
