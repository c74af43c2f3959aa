"""no-admin-star-policy on a live account: grants of everything under conditions that narrow
nothing, NotAction/NotResource grants, and AWS managed policies as broad as
AdministratorAccess attached to users, roles and groups. On a real moto server that holds
AWS's managed policies (the shared test server does not load them)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from archproof.moto_server import MotoServer, start_moto_server
from archproof.verdict import Verdict
from support.aws_estate import verdicts

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
MANAGED = "arn:aws:iam::aws:policy/"


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.fixture(scope="module")
def managed_policies_server() -> Iterator[MotoServer]:
    server = start_moto_server(settings={"MOTO_IAM_LOAD_MANAGED_POLICIES": "true"})
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def moto(managed_policies_server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> MotoServer:
    """This module's moto server, clean, with boto3 in this process pointed at it."""
    managed_policies_server.reset()
    for key, value in managed_policies_server.client_env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return managed_policies_server


def test_broad_grants_and_broad_managed_policies_fail_live(
    aws: boto3.Session, collect: Any
) -> None:
    iam = aws.client("iam")
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.create_user(UserName="dev")
    iam.create_group(GroupName="ops")
    everything_over_tls = {
        "Effect": "Allow",
        "Action": "*:*",
        "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "true"}},
    }
    iam.put_role_policy(
        RoleName="app", PolicyName="over-tls", PolicyDocument=document(everything_over_tls)
    )
    office = {
        "Effect": "Allow",
        "Action": "*",
        "Resource": "*",
        "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
    }
    iam.put_user_policy(UserName="dev", PolicyName="office", PolicyDocument=document(office))
    nearly = {"Effect": "Allow", "NotAction": ["iam:*"], "NotResource": "arn:aws:s3:::vault/*"}
    nearly_arn = iam.create_policy(PolicyName="nearly", PolicyDocument=document(nearly))["Policy"][
        "Arn"
    ]
    iam.attach_group_policy(GroupName="ops", PolicyArn=nearly_arn)
    iam.attach_role_policy(RoleName="app", PolicyArn=MANAGED + "PowerUserAccess")
    iam.attach_user_policy(UserName="dev", PolicyArn=MANAGED + "IAMFullAccess")
    iam.attach_group_policy(GroupName="ops", PolicyArn=MANAGED + "ReadOnlyAccess")

    inv = collect("iam")
    assert inv.errors == []
    found = verdicts(inv, "no-admin-star-policy")

    def verdict(address: str) -> Verdict:
        judged: Verdict = found[("no-admin-star-policy", address)][0]
        return judged

    assert verdict("app:over-tls") is Verdict.FAIL
    assert verdict(nearly_arn) is Verdict.FAIL
    assert verdict(f"app/{MANAGED}PowerUserAccess") is Verdict.FAIL
    assert verdict(f"dev/{MANAGED}IAMFullAccess") is Verdict.FAIL
    assert verdict("dev:office") is Verdict.PASS  # confined to one office network
    assert verdict(f"ops/{MANAGED}ReadOnlyAccess") is Verdict.PASS
    assert "aws:SecureTransport" in found[("no-admin-star-policy", "app:over-tls")][1]
