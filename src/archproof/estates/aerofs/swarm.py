"""The Docker Swarm cluster: manager and worker nodes in auto-scaling groups, with their roles.

Managers form a Raft quorum (three, at most five) spread over the private subnets of
every zone; workers grow and shrink with CPU load. Each node joins the swarm at boot
with a join token it reads from the parameter store; none is written into user data.
"""

from __future__ import annotations

from typing import Any

from archproof.estates.aerofs.common import AMI, NAME, REGION, user_data
from archproof.estates.model import EstateResource
from archproof.estates.shared import compute

PARAMETERS = f"arn:aws:ssm:{REGION}:*:parameter/{NAME}/swarm/*"
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
    return compute.instance_role(role, f"{NAME}-swarm-{role}", POLICIES[role])


def nodes(role: str) -> list[EstateResource]:
    name = f"{NAME}-swarm-{role}"
    low, high, desired, kind = SIZES[role]
    return [
        compute.launch_template(
            role,
            name,
            ami=AMI,
            instance_type=kind,
            security_group=role,
            profile=role,
            user_data=user_data(boot_script(role)),
        ),
        compute.autoscaling_group(
            role,
            name,
            template=role,
            sizes=(low, high, desired),
            tags={"Name": name, "Role": f"swarm-{role}"},
        ),
    ]


def worker_scaling() -> list[EstateResource]:
    return [compute.cpu_scaling("worker_cpu", f"{NAME}-swarm-worker-cpu", "worker", 65)]


def cluster() -> list[EstateResource]:
    return [
        *(r for role in ("manager", "worker") for r in (*identity(role), *nodes(role))),
        *worker_scaling(),
    ]
