"""Compute: the bastion, and the API servers and workers as auto-scaled EC2 fleets."""

from __future__ import annotations

from typing import Any

from archproof.estates.levels.common import AMI, NAME, REGION
from archproof.estates.model import EstateResource
from archproof.estates.shared import compute

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


def _root_volume(size: int) -> dict[str, Any]:
    return {"encrypted": True, "volume_type": "gp3", "volume_size": size}


def bastion() -> list[EstateResource]:
    return [compute.bastion(NAME, AMI, _root_volume(20))]


def identity() -> list[EstateResource]:
    return compute.instance_role("server", f"{NAME}-server", SERVER_POLICY)


def fleet(name: str, role: str, security_group: str, target_group: str) -> list[EstateResource]:
    """A launch template and its auto-scaling group, replaced on failed ELB health checks."""
    full = f"{NAME}-{name}"
    return [
        compute.launch_template(
            name,
            full,
            ami=AMI,
            instance_type="m6i.large",
            security_group=security_group,
            profile="server",
            block_device_mappings=compute.root_disk(_root_volume(30)),
        ),
        compute.autoscaling_group(
            name,
            full,
            template=name,
            sizes=(2, 8, 2),
            tags={"Name": full, "Role": role, "Environment": "production"},
            target_group=target_group,
        ),
        compute.cpu_scaling(name, f"{full}-cpu", name, 60),
    ]


def fleets() -> list[EstateResource]:
    return [*fleet("api", "app", "app", "api"), *fleet("worker", "worker", "worker", "worker")]
