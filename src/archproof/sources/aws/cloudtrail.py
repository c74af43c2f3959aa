"""CloudTrail: trails and whether they are logging.

A trail is collected in its home region; a multi-region trail homed in a region
outside the run is collected once, in the run's first region that sees it.
"""

from __future__ import annotations

from typing import Any

from archproof.inventory.model import Unknown
from archproof.sources.aws.base import Scan, chunks, tag_dict

KINDS = ("aws_cloudtrail",)


def collect(scan: Scan) -> None:
    trail_client = scan.client("cloudtrail")
    answer = scan.call(trail_client, "describe_trails", KINDS, includeShadowTrails=True)
    if answer is None:
        return
    first = scan.regions[0] if scan.regions else scan.region
    mine = [
        t
        for t in answer.get("trailList", ())
        if t.get("HomeRegion") == scan.region
        or (t.get("HomeRegion") not in scan.regions and scan.region == first)
    ]
    tags = _tags(
        scan, trail_client, [t["TrailARN"] for t in mine if t.get("HomeRegion") == scan.region]
    )
    for trail in mine:
        arn = trail["TrailARN"]
        status = scan.call(trail_client, "get_trail_status", KINDS, Name=arn)
        logging: bool | Unknown = (
            Unknown("the trail status could not be read")
            if status is None
            else bool(status.get("IsLogging"))
        )
        scan.add(
            "aws_cloudtrail",
            arn,
            {
                "name": trail.get("Name"),
                "arn": arn,
                "id": arn,
                "home_region": trail.get("HomeRegion"),
                "is_multi_region_trail": bool(trail.get("IsMultiRegionTrail")),
                "is_organization_trail": bool(trail.get("IsOrganizationTrail")),
                "include_global_service_events": bool(trail.get("IncludeGlobalServiceEvents")),
                "enable_logging": logging,
                "s3_bucket_name": trail.get("S3BucketName"),
                "s3_key_prefix": trail.get("S3KeyPrefix"),
                "enable_log_file_validation": bool(trail.get("LogFileValidationEnabled")),
                "kms_key_id": trail.get("KmsKeyId"),
                "cloud_watch_logs_group_arn": trail.get("CloudWatchLogsLogGroupArn"),
                "sns_topic_name": trail.get("SnsTopicName"),
            },
            ids=(arn, trail.get("Name")),
            tags=tags.get(arn),
            region=trail.get("HomeRegion") or scan.region,
        )


def _tags(scan: Scan, client: Any, arns: list[str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for batch in chunks(arns, 20):
        answer = scan.call(client, "list_tags", KINDS, ResourceIdList=batch)
        for item in (answer or {}).get("ResourceTagList", ()):
            found[item["ResourceId"]] = tag_dict(item.get("TagsList"))
    return found
