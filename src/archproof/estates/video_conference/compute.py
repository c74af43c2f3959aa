"""Compute: the bastion; the EKS worker nodes as an auto-scaling group over the private
subnets, replaced when the load balancer finds them unhealthy; the EKS control plane (private
API endpoint, secrets encrypted with the estate's key, control-plane logs) with a managed
node group over the private subnets."""

from __future__ import annotations

from archproof.estates.model import EstateResource, ref
from archproof.estates.shared import compute
from archproof.estates.shared.rules import policy, trust
from archproof.estates.video_conference.common import AMI, DATA_BUCKET, NAME

KMS_ARN = ref("aws_kms_key.main.arn")

NODE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DiscoverPeersAndCapacity",
            "Effect": "Allow",
            "Action": [
                "autoscaling:DescribeAutoScalingGroups",
                "ec2:DescribeInstances",
                "ec2:DescribeTags",
                "elasticloadbalancing:DescribeTargetHealth",
            ],
            "Resource": "*",
        },
        {
            "Sid": "ApplicationData",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": f"arn:aws:s3:::{DATA_BUCKET}/*",
        },
        {
            "Sid": "ListApplicationData",
            "Effect": "Allow",
            "Action": ["s3:ListBucket"],
            "Resource": f"arn:aws:s3:::{DATA_BUCKET}",
        },
    ],
}


def _root_volume(size: int) -> dict[str, object]:
    return {"encrypted": True, "kms_key_id": KMS_ARN, "volume_type": "gp3", "volume_size": size}


def bastion() -> list[EstateResource]:
    return [compute.bastion(NAME, AMI, _root_volume(20), monitoring=True)]


def identity() -> list[EstateResource]:
    return compute.instance_role("node", f"{NAME}-eks-node", NODE_POLICY)


def nodes(min_size: int) -> list[EstateResource]:
    return [
        compute.launch_template(
            "node",
            f"{NAME}-eks-node",
            ami=AMI,
            instance_type="m6i.large",
            security_group="app",
            profile="node",
            block_device_mappings=compute.root_disk(_root_volume(50)),
        ),
        compute.autoscaling_group(
            "nodes",
            f"{NAME}-eks-nodes",
            template="node",
            sizes=(min_size, 6, min_size),
            tags={"Name": f"{NAME}-eks-node", "Role": "eks-node"},
            target_group="app",
        ),
        compute.cpu_scaling("cpu", f"{NAME}-eks-nodes-cpu", "nodes", 60),
    ]


def cluster() -> list[EstateResource]:
    """The EKS control plane and a managed node group (2–6 nodes) in the private subnets."""
    name = f"{NAME}-eks"
    return [
        EstateResource(
            "aws_iam_role",
            "cluster",
            {
                "name": f"{name}-cluster",
                "assume_role_policy": policy(trust("eks.amazonaws.com")),
                "tags": {"Name": f"{name}-cluster"},
            },
        ),
        EstateResource(
            "aws_eks_cluster",
            "main",
            {
                "name": name,
                "role_arn": ref("aws_iam_role.cluster.arn"),
                "version": "1.30",
                "vpc_config": [
                    {
                        "subnet_ids": ref("module.network.private_subnet_ids"),
                        "endpoint_private_access": True,
                        "endpoint_public_access": False,
                    }
                ],
                "encryption_config": [
                    {"resources": ["secrets"], "provider": [{"key_arn": KMS_ARN}]}
                ],
                "enabled_cluster_log_types": ["api", "audit", "authenticator"],
                "tags": {"Name": name},
            },
        ),
        EstateResource(
            "aws_eks_node_group",
            "workers",
            {
                "cluster_name": ref("aws_eks_cluster.main.name"),
                "node_group_name": f"{name}-workers",
                "node_role_arn": ref("aws_iam_role.node.arn"),
                "subnet_ids": ref("module.network.private_subnet_ids"),
                "scaling_config": [{"min_size": 2, "max_size": 6, "desired_size": 2}],
                "tags": {"Name": f"{name}-workers"},
            },
        ),
    ]
