"""The Docker Swarm cluster: manager and worker nodes in auto-scaling groups, with their roles.

Managers form a Raft quorum (three, at most five) spread over the private subnets of
every zone; workers grow and shrink with CPU load. Each node joins the swarm at boot
with a join token it reads from the parameter store; none is written into user data.
"""

from __future__ import annotations

from typing import Any

from archproof.estates.aerofs.common import AMI, NAME, REGION, policy, user_data
from archproof.estates.model import EstateResource, ref

PARAMETERS = f"arn:aws:ssm:{REGION}:*:parameter/{NAME}/swarm/*"
EC2_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
DISCOVER = {
    "Sid": "DiscoverPeers",
    "Effect": "Allow",
    "Action": ["autoscaling:DescribeAutoScalingGroups", "ec2:DescribeInstances"],
    "Resource": "*",
}
POLICIES: dict[str, dict[str, Any]] = {
    "manager": {
        "Version": "2012-10-17",
        "Statement": [
            DISCOVER,
            {
                "Sid": "PublishJoinTokens",
                "Effect": "Allow",
                "Action": ["ssm:GetParameter", "ssm:PutParameter"],
                "Resource": PARAMETERS,
            },
        ],
    },
    "worker": {
        "Version": "2012-10-17",
        "Statement": [
            DISCOVER,
            {
                "Sid": "ReadWorkerJoinToken",
                "Effect": "Allow",
                "Action": ["ssm:GetParameter"],
                "Resource": f"arn:aws:ssm:{REGION}:*:parameter/{NAME}/swarm/worker-join-token",
            },
        ],
    },
}
# min, max, desired, instance type
SIZES = {"manager": (3, 5, 3, "m5.large"), "worker": (2, 10, 3, "c5.xlarge")}


def boot_script(role: str) -> str:
    return (
        "#!/bin/bash\n"
        "set -euo pipefail\n"
        f"JOIN_PARAMETER=/{NAME}/swarm/{role}-join-token\n"
        f"REGION={REGION}\n"
        'JOIN=$(aws ssm get-parameter --with-decryption --region "$REGION" '
        '--name "$JOIN_PARAMETER" --query Parameter.Value --output text)\n'
        f'/usr/local/bin/swarm-join --role {role} --join "$JOIN"\n'
    )


def identity(role: str) -> list[EstateResource]:
    name = f"{NAME}-swarm-{role}"
    return [
        EstateResource(
            "aws_iam_role",
            role,
            {
                "name": name,
                "assume_role_policy": policy(EC2_TRUST),
                "tags": {"Name": name},
            },
        ),
        EstateResource(
            "aws_iam_role_policy",
            role,
            {
                "name": name,
                "role": ref(f"aws_iam_role.{role}.id"),
                "policy": policy(POLICIES[role]),
            },
        ),
        EstateResource(
            "aws_iam_instance_profile",
            role,
            {"name": name, "role": ref(f"aws_iam_role.{role}.name"), "tags": {"Name": name}},
        ),
    ]


def nodes(role: str) -> list[EstateResource]:
    name = f"{NAME}-swarm-{role}"
    low, high, desired, kind = SIZES[role]
    return [
        EstateResource(
            "aws_launch_template",
            role,
            {
                "name": name,
                "image_id": AMI,
                "instance_type": kind,
                "vpc_security_group_ids": [ref(f"aws_security_group.{role}.id")],
                "iam_instance_profile": [{"name": ref(f"aws_iam_instance_profile.{role}.name")}],
                "metadata_options": [{"http_endpoint": "enabled", "http_tokens": "required"}],
                "user_data": user_data(boot_script(role)),
                "tags": {"Name": name},
            },
        ),
        EstateResource(
            "aws_autoscaling_group",
            role,
            {
                "name": name,
                "min_size": low,
                "max_size": high,
                "desired_capacity": desired,
                "vpc_zone_identifier": ref("module.network.private_subnet_ids"),
                "health_check_type": "EC2",
                "health_check_grace_period": 300,
                "launch_template": [
                    {"id": ref(f"aws_launch_template.{role}.id"), "version": "$Latest"}
                ],
                "tag": [
                    {"key": "Name", "value": name, "propagate_at_launch": True},
                    {"key": "Role", "value": f"swarm-{role}", "propagate_at_launch": True},
                ],
            },
        ),
    ]


def worker_scaling() -> list[EstateResource]:
    return [
        EstateResource(
            "aws_autoscaling_policy",
            "worker_cpu",
            {
                "name": f"{NAME}-swarm-worker-cpu",
                "autoscaling_group_name": ref("aws_autoscaling_group.worker.name"),
                "policy_type": "TargetTrackingScaling",
                "target_tracking_configuration": [
                    {
                        "predefined_metric_specification": [
                            {"predefined_metric_type": "ASGAverageCPUUtilization"}
                        ],
                        "target_value": 65,
                    }
                ],
            },
        )
    ]


def cluster() -> list[EstateResource]:
    return [
        *(r for role in ("manager", "worker") for r in (*identity(role), *nodes(role))),
        *worker_scaling(),
    ]
