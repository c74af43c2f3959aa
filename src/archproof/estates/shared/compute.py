"""Compute builders the reference estates share: an instance role with its profile, the
bastion, and a launch template with its auto-scaling group and CPU target tracking."""

from __future__ import annotations

from typing import Any

from archproof.estates.model import EstateResource, ref
from archproof.estates.shared.rules import policy, trust

EC2_TRUST = trust("ec2.amazonaws.com")


def metadata_options() -> list[dict[str, Any]]:
    """Instance metadata with IMDSv2 tokens required."""
    return [{"http_endpoint": "enabled", "http_tokens": "required"}]


def instance_role(resource: str, name: str, document: dict[str, Any]) -> list[EstateResource]:
    """A role EC2 instances assume, its inline ``document`` and its instance profile, all
    called ``name``."""
    return [
        EstateResource(
            "aws_iam_role",
            resource,
            {"name": name, "assume_role_policy": policy(EC2_TRUST), "tags": {"Name": name}},
        ),
        EstateResource(
            "aws_iam_role_policy",
            resource,
            {"name": name, "role": ref(f"aws_iam_role.{resource}.id"), "policy": policy(document)},
        ),
        EstateResource(
            "aws_iam_instance_profile",
            resource,
            {"name": name, "role": ref(f"aws_iam_role.{resource}.name"), "tags": {"Name": name}},
        ),
    ]


def bastion(
    estate: str,
    ami: str,
    root_volume: dict[str, Any],
    *,
    monitoring: bool = False,
    metadata_first: bool = False,
) -> EstateResource:
    """The bastion: a small instance with a public address in the first public subnet,
    behind the ``bastion`` group (``metadata_first`` only orders its attributes)."""
    values: dict[str, Any] = {
        "ami": ami,
        "instance_type": "t3.micro",
        "subnet_id": ref("module.network.public_subnet_ids[0]"),
        "vpc_security_group_ids": [ref("aws_security_group.bastion.id")],
        "associate_public_ip_address": True,
    }
    if monitoring:
        values["monitoring"] = True
    disk = {"root_block_device": [root_volume]}
    metadata = {"metadata_options": metadata_options()}
    values.update({**metadata, **disk} if metadata_first else {**disk, **metadata})
    values["tags"] = {"Name": f"{estate}-bastion", "Role": "bastion"}
    return EstateResource("aws_instance", "bastion", values)


def launch_template(
    resource: str,
    name: str,
    *,
    ami: str,
    instance_type: str,
    security_group: str,
    profile: str,
    **extra: Any,
) -> EstateResource:
    """A launch template requiring IMDSv2; ``extra`` (disks, user data) follows the
    metadata options."""
    return EstateResource(
        "aws_launch_template",
        resource,
        {
            "name": name,
            "image_id": ami,
            "instance_type": instance_type,
            "vpc_security_group_ids": [ref(f"aws_security_group.{security_group}.id")],
            "iam_instance_profile": [{"name": ref(f"aws_iam_instance_profile.{profile}.name")}],
            "metadata_options": metadata_options(),
            **extra,
            "tags": {"Name": name},
        },
    )


def root_disk(volume: dict[str, Any]) -> list[dict[str, Any]]:
    """``block_device_mappings`` with ``volume`` as the root disk."""
    return [{"device_name": "/dev/xvda", "ebs": [volume]}]


def autoscaling_group(
    resource: str,
    name: str,
    *,
    template: str,
    sizes: tuple[int, int, int],
    tags: dict[str, str],
    target_group: str | None = None,
) -> EstateResource:
    """An auto-scaling group of ``template`` over the private subnets, ``sizes`` being
    (min, max, desired); behind ``target_group`` it replaces nodes failing ELB checks."""
    low, high, desired = sizes
    values: dict[str, Any] = {
        "name": name,
        "min_size": low,
        "max_size": high,
        "desired_capacity": desired,
        "vpc_zone_identifier": ref("module.network.private_subnet_ids"),
        "health_check_type": "EC2" if target_group is None else "ELB",
        "health_check_grace_period": 300,
    }
    if target_group is not None:
        values["target_group_arns"] = [ref(f"aws_lb_target_group.{target_group}.arn")]
    values["launch_template"] = [
        {"id": ref(f"aws_launch_template.{template}.id"), "version": "$Latest"}
    ]
    values["tag"] = [
        {"key": key, "value": value, "propagate_at_launch": True} for key, value in tags.items()
    ]
    return EstateResource("aws_autoscaling_group", resource, values)


def cpu_scaling(resource: str, name: str, group: str, target: int) -> EstateResource:
    """Target tracking of the average CPU of ``aws_autoscaling_group.<group>``."""
    return EstateResource(
        "aws_autoscaling_policy",
        resource,
        {
            "name": name,
            "autoscaling_group_name": ref(f"aws_autoscaling_group.{group}.name"),
            "policy_type": "TargetTrackingScaling",
            "target_tracking_configuration": [
                {
                    "predefined_metric_specification": [
                        {"predefined_metric_type": "ASGAverageCPUUtilization"}
                    ],
                    "target_value": target,
                }
            ],
        },
    )
