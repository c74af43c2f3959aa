"""SQS queues and SNS topics with their encryption settings."""

from __future__ import annotations

from typing import Any

from archproof.sources.aws.base import Scan

SQS_KINDS = ("aws_sqs_queue",)
SNS_KINDS = ("aws_sns_topic",)


def collect_sqs(scan: Scan) -> None:
    sqs = scan.client("sqs")
    for url in scan.items(sqs, "list_queues", "QueueUrls[]", SQS_KINDS) or ():
        answer = scan.call(
            sqs, "get_queue_attributes", SQS_KINDS, QueueUrl=url, AttributeNames=["All"]
        )
        if answer is None:
            continue
        tags = scan.call(sqs, "list_queue_tags", SQS_KINDS, QueueUrl=url)
        _add_queue(scan, url, answer.get("Attributes", {}), (tags or {}).get("Tags", {}))


def _add_queue(scan: Scan, url: str, attrs: dict[str, str], tags: dict[str, str]) -> None:
    name = url.rstrip("/").rsplit("/", 1)[-1]
    arn = attrs.get("QueueArn")
    scan.add(
        "aws_sqs_queue",
        url,
        {
            "name": name,
            "id": url,
            "url": url,
            "arn": arn,
            "fifo_queue": attrs.get("FifoQueue") == "true",
            "kms_master_key_id": attrs.get("KmsMasterKeyId"),
            "sqs_managed_sse_enabled": attrs.get("SqsManagedSseEnabled") == "true",
            "visibility_timeout_seconds": _int(attrs.get("VisibilityTimeout")),
            "message_retention_seconds": _int(attrs.get("MessageRetentionPeriod")),
            "delay_seconds": _int(attrs.get("DelaySeconds")),
            "redrive_policy": attrs.get("RedrivePolicy"),
            "policy": attrs.get("Policy"),
        },
        ids=(url, arn, name),
        tags=dict(tags),
    )


def collect_sns(scan: Scan) -> None:
    sns = scan.client("sns")
    for topic in scan.items(sns, "list_topics", "Topics[]", SNS_KINDS) or ():
        arn = topic["TopicArn"]
        answer = scan.call(sns, "get_topic_attributes", SNS_KINDS, TopicArn=arn)
        if answer is None:
            continue
        tags = scan.call(sns, "list_tags_for_resource", SNS_KINDS, ResourceArn=arn)
        _add_topic(scan, arn, answer.get("Attributes", {}), (tags or {}).get("Tags", ()))


def _add_topic(scan: Scan, arn: str, attrs: dict[str, str], tags: Any) -> None:
    name = arn.rsplit(":", 1)[-1]
    scan.add(
        "aws_sns_topic",
        arn,
        {
            "name": name,
            "id": arn,
            "arn": arn,
            "display_name": attrs.get("DisplayName") or None,
            "fifo_topic": attrs.get("FifoTopic") == "true",
            "kms_master_key_id": attrs.get("KmsMasterKeyId") or None,
            "policy": attrs.get("Policy"),
            "subscriptions_confirmed": _int(attrs.get("SubscriptionsConfirmed")),
        },
        ids=(arn, name),
        tags={t["Key"]: t.get("Value", "") for t in tags},
    )


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.lstrip("-").isdigit() else None
