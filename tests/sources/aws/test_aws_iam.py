"""IAM roles, users, groups, policies and the account summary."""

from __future__ import annotations

import json
from typing import Any

import boto3

from archproof.inventory.model import Unknown

ADMIN = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
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


def test_principals_policies_and_summary(aws: boto3.Session, collect: Any, one: Any) -> None:
    iam = aws.client("iam")
    iam.create_role(
        RoleName="app",
        AssumeRolePolicyDocument=json.dumps(TRUST),
        Tags=[{"Key": "Name", "Value": "A"}],
    )
    iam.put_role_policy(RoleName="app", PolicyName="admin", PolicyDocument=json.dumps(ADMIN))
    managed = iam.create_policy(PolicyName="read-s3", PolicyDocument=json.dumps(ADMIN))["Policy"][
        "Arn"
    ]
    iam.attach_role_policy(RoleName="app", PolicyArn=managed)
    iam.create_user(UserName="alice")
    iam.create_login_profile(UserName="alice", Password="Correct-Horse-9")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"][
        "SerialNumber"
    ]
    iam.enable_mfa_device(
        UserName="alice",
        SerialNumber=serial,
        AuthenticationCode1="123456",
        AuthenticationCode2="654321",
    )
    iam.put_user_policy(UserName="alice", PolicyName="inline", PolicyDocument=json.dumps(ADMIN))
    iam.create_user(UserName="robot")
    iam.attach_user_policy(UserName="robot", PolicyArn=managed)
    iam.create_group(GroupName="ops")
    iam.add_user_to_group(GroupName="ops", UserName="robot")
    iam.attach_group_policy(GroupName="ops", PolicyArn=managed)

    inv = collect("iam")
    assert inv.errors == []
    role = one(inv, "aws_iam_role", "app")
    assert role.ids[:2] == ("app", "arn:aws:iam::123456789012:role/app")
    assert role.region == "" and role.name == "A"
    assert json.loads(role.get("assume_role_policy")) == TRUST
    [inline] = inv.referring(role, "aws_iam_role_policy", "role")
    assert (inline.get("name"), json.loads(inline.get("policy"))) == ("admin", ADMIN)
    [attachment] = inv.referring(role, "aws_iam_role_policy_attachment", "role")
    policy = one(inv, "aws_iam_policy", managed)
    assert inv.related(attachment, "policy_arn") == [policy]
    assert policy.get("name") == "read-s3"
    assert json.loads(policy.get("policy")) == ADMIN

    alice = one(inv, "aws_iam_user", "alice")
    assert (alice.get("password_enabled"), alice.get("mfa_devices")) == (True, [serial])
    assert [p.get("name") for p in inv.referring(alice, "aws_iam_user_policy", "user")] == [
        "inline"
    ]
    robot = one(inv, "aws_iam_user", "robot")
    assert (robot.get("password_enabled"), robot.get("mfa_devices")) == (False, [])
    assert robot.get("groups") == ["ops"]
    [robot_attachment] = inv.referring(robot, "aws_iam_user_policy_attachment", "user")
    assert robot_attachment.get("policy_arn") == managed
    group = one(inv, "aws_iam_group", "ops")
    assert [
        a.get("policy_arn")
        for a in inv.referring(group, "aws_iam_group_policy_attachment", "group")
    ] == [managed]
    summary = one(inv, "aws_iam_account_summary")
    assert summary.address == "iam-account-summary:123456789012"
    assert isinstance(summary.get("account_mfa_enabled"), Unknown)  # moto has no root user
