"""Compute: the bastion, and the auto-scaled EC2 nodes that host the Kubernetes cluster."""

from __future__ import annotations

from archproof.estates.bragabot.common import AMI, DATA_BUCKET, NAME, policy
from archproof.estates.model import EstateResource, ref

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


def _root_volume(size: int) -> dict[str, object]:
    return {"encrypted": True, "kms_key_id": KMS_ARN, "volume_type": "gp3", "volume_size": size}


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
                "monitoring": True,
                "root_block_device": [_root_volume(20)],
                "metadata_options": [{"http_endpoint": "enabled", "http_tokens": "required"}],
                "tags": {"Name": f"{NAME}-bastion", "Role": "bastion"},
            },
        )
    ]


def identity() -> list[EstateResource]:
    return [
        EstateResource(
            "aws_iam_role",
            "node",
            {
                "name": f"{NAME}-k8s-node",
                "assume_role_policy": policy(EC2_TRUST),
                "tags": {"Name": f"{NAME}-k8s-node"},
            },
        ),
        EstateResource(
            "aws_iam_role_policy",
            "node",
            {
                "name": f"{NAME}-k8s-node",
                "role": ref("aws_iam_role.node.id"),
                "policy": policy(NODE_POLICY),
            },
        ),
        EstateResource(
            "aws_iam_instance_profile",
            "node",
            {
                "name": f"{NAME}-k8s-node",
                "role": ref("aws_iam_role.node.name"),
                "tags": {"Name": f"{NAME}-k8s-node"},
            },
        ),
    ]


def nodes(min_size: int) -> list[EstateResource]:
    return [
        EstateResource(
            "aws_launch_template",
            "node",
            {
                "name": f"{NAME}-k8s-node",
                "image_id": AMI,
                "instance_type": "m6i.large",
                "vpc_security_group_ids": [ref("aws_security_group.app.id")],
                "iam_instance_profile": [{"name": ref("aws_iam_instance_profile.node.name")}],
                "metadata_options": [{"http_endpoint": "enabled", "http_tokens": "required"}],
                "block_device_mappings": [{"device_name": "/dev/xvda", "ebs": [_root_volume(50)]}],
                "tags": {"Name": f"{NAME}-k8s-node"},
            },
        ),
        EstateResource(
            "aws_autoscaling_group",
            "nodes",
            {
                "name": f"{NAME}-k8s-nodes",
                "min_size": min_size,
                "max_size": 6,
                "desired_capacity": min_size,
                "vpc_zone_identifier": ref("module.network.private_subnet_ids"),
                "health_check_type": "ELB",
                "health_check_grace_period": 300,
                "target_group_arns": [ref("aws_lb_target_group.app.arn")],
                "launch_template": [
                    {"id": ref("aws_launch_template.node.id"), "version": "$Latest"}
                ],
                "tag": [
                    {"key": "Name", "value": f"{NAME}-k8s-node", "propagate_at_launch": True},
                    {"key": "Role", "value": "k8s-node", "propagate_at_launch": True},
                ],
            },
        ),
        EstateResource(
            "aws_autoscaling_policy",
            "cpu",
            {
                "name": f"{NAME}-k8s-nodes-cpu",
                "autoscaling_group_name": ref("aws_autoscaling_group.nodes.name"),
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
