"""Bragabot's seeded violations of the TLS, encryption and backup controls the first set
left unseeded."""

from __future__ import annotations

from archproof.estates.bragabot.certificate import EXPIRES_IN_DAYS, expiring_certificate
from archproof.estates.bragabot.common import DOMAIN, NAME
from archproof.estates.model import Estate, ref
from archproof.estates.violations import Violation

BUCKET_SSE = "aws_s3_bucket_server_side_encryption_configuration.data"
SSE_DEFAULT = "rule.0.apply_server_side_encryption_by_default.0"
BASTION = "aws_instance.bastion"
EBS_DEFAULT = "aws_ebs_encryption_by_default.this"


def _imported_expiring_certificate(estate: Estate) -> Estate:
    body, key = expiring_certificate(DOMAIN)
    edited = estate.without("aws_acm_certificate_validation.app")
    edited = edited.replace_resource(
        "aws_acm_certificate.app",
        values={
            "private_key": key,
            "certificate_body": body,
            "tags": {"Name": f"{NAME}-app", "Source": "imported"},
        },
    )
    return edited.with_value(
        "aws_lb_listener.https", "certificate_arn", ref("aws_acm_certificate.app.arn")
    )


def _bastion_disk_unencrypted(estate: Estate) -> Estate:
    edited = estate.with_value(EBS_DEFAULT, "enabled", False)
    edited = edited.with_value(BASTION, "root_block_device.0.encrypted", False)
    return edited.without_value(BASTION, "root_block_device.0.kms_key_id")


def _data_bucket_aes256(estate: Estate) -> Estate:
    edited = estate.with_value(BUCKET_SSE, f"{SSE_DEFAULT}.sse_algorithm", "AES256")
    edited = edited.without_value(BUCKET_SSE, f"{SSE_DEFAULT}.kms_master_key_id")
    return edited.without_value(BUCKET_SSE, "rule.0.bucket_key_enabled")


DATA_VIOLATIONS = (
    Violation(
        "no-https-listener",
        "The load balancer has no HTTPS listener: only the HTTP redirect is left.",
        "The load balancer terminates TLS for client traffic",
        "https-listener-on-public-lb",
        lambda e: e.without("aws_lb_listener.https"),
    ),
    Violation(
        "certificate-expiring",
        f"The HTTPS listener presents an imported certificate that expires in "
        f"{EXPIRES_IN_DAYS} days. Live only: a plan cannot know an imported "
        "certificate's expiry (ACM reads it on import).",
        "The load balancer terminates TLS with a valid certificate",
        "lb-certificate-valid",
        _imported_expiring_certificate,
        forms=("live",),
    ),
    # Compound by nature: with the account default on, AWS encrypts every new volume
    # whatever its configuration says, so an unencrypted disk needs the default off.
    Violation(
        "bastion-disk-unencrypted",
        "The bastion's root volume is not encrypted, and the account's default EBS "
        "encryption that would have encrypted it anyway is off.",
        "Personal data is stored encrypted",
        "ebs-encrypted",
        _bastion_disk_unencrypted,
        also_breaks=("ebs-default-encryption",),
    ),
    Violation(
        "ebs-default-encryption-off",
        "The account does not encrypt new EBS volumes by default (the estate's own disks "
        "still ask for encryption).",
        "Personal data is stored encrypted",
        "ebs-default-encryption",
        lambda e: e.with_value(EBS_DEFAULT, "enabled", False),
    ),
    Violation(
        "data-bucket-aes256",
        "The data bucket encrypts with S3-managed keys (AES256), not the customer KMS key.",
        "Personal data is stored encrypted with managed keys",
        "s3-encrypted",
        _data_bucket_aes256,
    ),
    Violation(
        "alerts-topic-unencrypted",
        "The alerts topic stores messages without a KMS key.",
        "Personal data is stored encrypted",
        "queue-topic-encrypted",
        lambda e: e.without_value("aws_sns_topic.alerts", "kms_master_key_id"),
    ),
    Violation(
        "backups-kept-three-days",
        "The AWS Backup plan deletes the daily backups after 3 days.",
        "Databases and storage are backed up regularly",
        "backup-plan-present",
        lambda e: e.with_value("aws_backup_plan.daily", "rule.0.lifecycle.0.delete_after", 3),
    ),
)
