"""People: IAM users who sign in to the console, each with a virtual MFA device,
and a fine-grained operator policy (no grant of everything)."""

from __future__ import annotations

from archproof.estates.aerofs.common import NAME, REGION, policy
from archproof.estates.model import EstateResource, ref

USERS = ("alice", "bob")
OPERATOR_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "SeeTheCluster",
            "Effect": "Allow",
            "Action": [
                "autoscaling:DescribeAutoScalingGroups",
                "ec2:DescribeInstances",
                "cloudtrail:LookupEvents",
            ],
            "Resource": "*",
        },
        {
            "Sid": "ResizeTheWorkers",
            "Effect": "Allow",
            "Action": ["autoscaling:SetDesiredCapacity"],
            "Resource": f"arn:aws:autoscaling:{REGION}:*:autoScalingGroup:*:"
            f"autoScalingGroupName/{NAME}-swarm-worker",
        },
        {
            "Sid": "ManageOwnMfa",
            "Effect": "Allow",
            "Action": ["iam:EnableMFADevice", "iam:ListMFADevices", "iam:ResyncMFADevice"],
            "Resource": "arn:aws:iam::*:user/${aws:username}",
        },
    ],
}


def user(login: str) -> list[EstateResource]:
    """One operator: the user, a console password, an MFA device, the operator policy.

    The device is enrolled by its owner (two codes from the authenticator app); the
    ``User`` tag names whose device it is.
    """
    name = f"{NAME}-{login}"
    user_name = ref(f"aws_iam_user.{login}.name")
    return [
        EstateResource("aws_iam_user", login, {"name": name, "tags": {"Name": name}}),
        EstateResource(
            "aws_iam_user_login_profile",
            login,
            {"user": user_name, "password_reset_required": True},
        ),
        EstateResource(
            "aws_iam_virtual_mfa_device",
            login,
            {"virtual_mfa_device_name": name, "tags": {"User": user_name}},
        ),
        EstateResource(
            "aws_iam_user_policy",
            login,
            {"name": f"{NAME}-operator", "user": user_name, "policy": policy(OPERATOR_POLICY)},
        ),
    ]


def operators() -> list[EstateResource]:
    return [r for login in USERS for r in user(login)]
