"""Compute: the bastion, and the API servers and workers as auto-scaled EC2 fleets."""

from __future__ import annotations

from typing import Any

from archproof.estates.levels.common import AMI, NAME, REGION, policy
from archproof.estates.model import EstateResource, ref

ACCOUNT_PARAMETERS = f"arn:aws:ssm:{REGION}:*:parameter/{NAME}/production/*"
SERVER_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ReadSecrets",
            "Effect": "Allow",
            "Action": ["ssm:GetParameter", "ssm:GetParametersByPath"],
            "Resource": ACCOUNT_PARAMETERS,
        },
        {
            "Sid": "ReadStoredSecrets",
            "Effect": "Allow",
            "Action": ["secretsmanager:GetSecretValue"],
            "Resource": f"arn:aws:secretsmanager:{REGION}:*:secret:{NAME}/production/*",
        },
        {
            "Sid": "Jobs",
            "Effect": "Allow",
            "Action": ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"],
            "Resource": f"arn:aws:sqs:{REGION}:*:{NAME}-production-jobs",
        },
        {
            "Sid": "Assets",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": f"arn:aws:s3:::{NAME}-production-*/*",
        },
    ],
}
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
METADATA = [{"http_endpoint": "enabled", "http_tokens": "required"}]


def _root_volume(size: int) -> dict[str, Any]:
    return {"encrypted": True, "volume_type": "gp3", "volume_size": size}


def bastion() -> list[EstateResource]:
    return [
        EstateResource(
            "aws_instance",
            "bastion",
            {
                "ami": AMI,
                "instance_type": "t3.micro",
                "subnet_id": ref("module.network.public_subnet_ids[0]"),
                "vpc_security_group_ids": [ref("aws_security_group.bastion.id")],
                "associate_public_ip_address": True,
                "root_block_device": [_root_volume(20)],
                "metadata_options": METADATA,
                "tags": {"Name": f"{NAME}-bastion", "Role": "bastion"},
            },
        )
    ]


def identity() -> list[EstateResource]:
    name = f"{NAME}-server"
    return [
        EstateResource(
            "aws_iam_role",
            "server",
            {"name": name, "assume_role_policy": policy(EC2_TRUST), "tags": {"Name": name}},
        ),
        EstateResource(
            "aws_iam_role_policy",
            "server",
            {"name": name, "role": ref("aws_iam_role.server.id"), "policy": policy(SERVER_POLICY)},
        ),
        EstateResource(
            "aws_iam_instance_profile",
            "server",
            {"name": name, "role": ref("aws_iam_role.server.name"), "tags": {"Name": name}},
        ),
    ]


def fleet(name: str, role: str, security_group: str, target_group: str) -> list[EstateResource]:
    """A launch template and its auto-scaling group, replaced on failed ELB health checks."""
    full = f"{NAME}-{name}"
    return [
        EstateResource(
            "aws_launch_template",
            name,
            {
                "name": full,
                "image_id": AMI,
                "instance_type": "m6i.large",
                "vpc_security_group_ids": [ref(f"aws_security_group.{security_group}.id")],
                "iam_instance_profile": [{"name": ref("aws_iam_instance_profile.server.name")}],
                "metadata_options": METADATA,
                "block_device_mappings": [{"device_name": "/dev/xvda", "ebs": [_root_volume(30)]}],
                "tags": {"Name": full},
            },
        ),
        EstateResource(
            "aws_autoscaling_group",
            name,
            {
                "name": full,
                "min_size": 2,
                "max_size": 8,
                "desired_capacity": 2,
                "vpc_zone_identifier": ref("module.network.private_subnet_ids"),
                "health_check_type": "ELB",
                "health_check_grace_period": 300,
                "target_group_arns": [ref(f"aws_lb_target_group.{target_group}.arn")],
                "launch_template": [
                    {"id": ref(f"aws_launch_template.{name}.id"), "version": "$Latest"}
                ],
                "tag": [
                    {"key": "Name", "value": full, "propagate_at_launch": True},
                    {"key": "Role", "value": role, "propagate_at_launch": True},
                    {"key": "Environment", "value": "production", "propagate_at_launch": True},
                ],
            },
        ),
        EstateResource(
            "aws_autoscaling_policy",
            name,
            {
                "name": f"{full}-cpu",
                "autoscaling_group_name": ref(f"aws_autoscaling_group.{name}.name"),
                "policy_type": "TargetTrackingScaling",
                "target_tracking_configuration": [
                    {
                        "predefined_metric_specification": [
                            {"predefined_metric_type": "ASGAverageCPUUtilization"}
                        ],
                        "target_value": 60,
                    }
                ],
            },
        ),
    ]


def fleets() -> list[EstateResource]:
    return [*fleet("api", "app", "app", "api"), *fleet("worker", "worker", "worker", "worker")]
