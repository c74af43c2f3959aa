"""EC2 compute: instances (with their volumes' encryption), EBS volumes, default EBS encryption."""

from __future__ import annotations

from typing import Any

from archproof.inventory.model import Unknown
from archproof.sources.aws.base import Scan, iso, tag_dict

KINDS = ("aws_instance", "aws_ebs_volume", "aws_ebs_encryption_by_default")
_GONE = frozenset({"terminated", "shutting-down"})


def collect(scan: Scan) -> None:
    ec2 = scan.client("ec2")
    volumes = scan.items(ec2, "describe_volumes", "Volumes[]", ("aws_ebs_volume", "aws_instance"))
    for volume in volumes or ():
        _add_volume(scan, volume)
    by_id = None if volumes is None else {v["VolumeId"]: v for v in volumes}
    op, key = "describe_instances", "Reservations[].Instances[]"
    for instance in scan.items(ec2, op, key, ("aws_instance",)) or ():
        if instance.get("State", {}).get("Name") not in _GONE:
            _add_instance(scan, instance, by_id)
    answer = scan.call(ec2, "get_ebs_encryption_by_default", ("aws_ebs_encryption_by_default",))
    if answer is not None:
        address = f"ebs-encryption-by-default:{scan.region}"
        enabled = bool(answer.get("EbsEncryptionByDefault"))
        scan.add("aws_ebs_encryption_by_default", address, {"enabled": enabled}, ids=(address,))


def _add_volume(scan: Scan, volume: dict[str, Any]) -> None:
    volume_id = volume["VolumeId"]
    scan.add(
        "aws_ebs_volume",
        volume_id,
        {
            "id": volume_id,
            "arn": scan.arn("ec2", f"volume/{volume_id}"),
            "encrypted": bool(volume.get("Encrypted")),
            "kms_key_id": volume.get("KmsKeyId"),
            "availability_zone": volume.get("AvailabilityZone"),
            "size": volume.get("Size"),
            "type": volume.get("VolumeType"),
            "iops": volume.get("Iops"),
            "snapshot_id": volume.get("SnapshotId") or None,
            "state": volume.get("State"),
            "attachments": [
                {"instance_id": a.get("InstanceId"), "device_name": a.get("Device")}
                for a in volume.get("Attachments", ())
            ],
        },
        ids=(volume_id, scan.arn("ec2", f"volume/{volume_id}")),
        tags=tag_dict(volume.get("Tags")),
    )


def _device(mapping: dict[str, Any], volumes: dict[str, dict[str, Any]] | None) -> dict[str, Any]:
    ebs = mapping.get("Ebs", {})
    volume_id = ebs.get("VolumeId")
    volume = (volumes or {}).get(volume_id or "")
    if volume is not None:
        encrypted: Any = bool(volume.get("Encrypted"))
        kms_key_id: Any = volume.get("KmsKeyId")
    else:
        why = (
            "the volumes could not be read" if volumes is None else f"volume {volume_id} not found"
        )
        encrypted = kms_key_id = Unknown(why)
    return {
        "device_name": mapping.get("DeviceName"),
        "volume_id": volume_id,
        "encrypted": encrypted,
        "kms_key_id": kms_key_id,
        "volume_size": volume.get("Size") if volume else None,
        "volume_type": volume.get("VolumeType") if volume else None,
        "delete_on_termination": ebs.get("DeleteOnTermination"),
    }


def _add_instance(
    scan: Scan, instance: dict[str, Any], volumes: dict[str, dict[str, Any]] | None
) -> None:
    instance_id = instance["InstanceId"]
    root = instance.get("RootDeviceName")
    devices = [_device(m, volumes) for m in instance.get("BlockDeviceMappings", ()) if "Ebs" in m]
    metadata = instance.get("MetadataOptions")
    profile = instance.get("IamInstanceProfile") or {}
    arn = scan.arn("ec2", f"instance/{instance_id}")
    scan.add(
        "aws_instance",
        instance_id,
        {
            "id": instance_id,
            "arn": arn,
            "ami": instance.get("ImageId"),
            "instance_type": instance.get("InstanceType"),
            "subnet_id": instance.get("SubnetId"),
            "vpc_id": instance.get("VpcId"),
            "availability_zone": instance.get("Placement", {}).get("AvailabilityZone"),
            "vpc_security_group_ids": [g["GroupId"] for g in instance.get("SecurityGroups", ())],
            "associate_public_ip_address": bool(instance.get("PublicIpAddress")),
            "public_ip": instance.get("PublicIpAddress"),
            "private_ip": instance.get("PrivateIpAddress"),
            "source_dest_check": instance.get("SourceDestCheck"),
            "key_name": instance.get("KeyName"),
            "iam_instance_profile": profile.get("Arn"),
            "instance_state": instance.get("State", {}).get("Name"),
            "launch_time": iso(instance.get("LaunchTime")),
            "monitoring": instance.get("Monitoring", {}).get("State") == "enabled",
            "root_block_device": [d for d in devices if d["device_name"] == root],
            "ebs_block_device": [d for d in devices if d["device_name"] != root],
            "metadata_options": [_metadata(metadata)] if metadata else [],
        },
        ids=(instance_id, arn),
        tags=tag_dict(instance.get("Tags")),
    )


def _metadata(options: dict[str, Any]) -> dict[str, Any]:
    return {
        "http_tokens": options.get("HttpTokens"),
        "http_endpoint": options.get("HttpEndpoint"),
        "http_put_response_hop_limit": options.get("HttpPutResponseHopLimit"),
        "instance_metadata_tags": options.get("InstanceMetadataTags"),
    }
