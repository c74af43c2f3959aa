"""What AWS decides when a configuration says nothing: documented service defaults.

An attribute a plan leaves to the provider (``UNSET_REASON``) or that a live API omits is
neither a value nor "known after apply": the service decides it. Where AWS documents what
it decides, the default is the value, and a verdict says the default decided it. Where the
answer depends on something archproof cannot see (an AMI's settings), it stays unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archproof.inventory.model import Resource, is_unset


@dataclass(frozen=True, slots=True)
class ServiceDefault:
    value: Any
    decided_by: str
    """Who decides and where it is documented, for the verdict's message."""


S3_ENCRYPTION = ServiceDefault(
    "AES256",
    "S3's default encryption (SSE-S3 on every bucket since 2023-01-05; Amazon S3 User Guide,"
    " 'Setting default server-side encryption behavior for Amazon S3 buckets')",
)
SQS_MANAGED_SSE = ServiceDefault(
    True,
    "SQS's default encryption (SSE-SQS on new queues since 2022-10; AWS Compute Blog,"
    " 'Announcing server-side encryption with SQS-managed encryption keys by default')",
)
RDS_BACKUP_RETENTION = ServiceDefault(
    1,
    "RDS's default retention when an API call sets none (1 day; Amazon RDS User Guide,"
    " 'Backup retention period')",
)
S3_PUBLIC_ACCESS_BLOCK = ServiceDefault(
    True,
    "S3's default for new buckets (all four Block Public Access settings on since April 2023;"
    " Amazon S3 User Guide, 'Blocking public access to your Amazon S3 storage')",
)
RDS_MULTI_AZ = ServiceDefault(
    False,
    "RDS's default deployment (a single-AZ instance; Amazon RDS API Reference,"
    " CreateDBInstance 'MultiAZ')",
)
LB_INTERNAL = ServiceDefault(
    False,
    "Elastic Load Balancing's default scheme (internet-facing; Elastic Load Balancing API"
    " Reference, CreateLoadBalancer 'Scheme')",
)
ASG_HEALTH_CHECK = ServiceDefault(
    "EC2",
    "Auto Scaling's default health check (EC2 status checks; Amazon EC2 Auto Scaling User"
    " Guide, 'Health checks for instances in an Auto Scaling group')",
)
# Not defaults archproof can use, because what decides them is not in a plan:
AMI_DECIDES_ROOT_ENCRYPTION = (
    "the root volume's encryption comes from the AMI's snapshot and the account's EBS"
    " encryption default (Amazon EBS User Guide, 'Encryption by default')"
)
AMI_DECIDES_IMDS = (
    "IMDSv2 is required only if the AMI's ImdsSupport is v2.0 or the account's instance"
    " metadata defaults say so (Amazon EC2 User Guide, 'Configure instance metadata options')"
)


def value_or_default(
    resource: Resource, attribute: str, default: ServiceDefault
) -> tuple[Any, str | None]:
    """The attribute's value, or the service default (and what decided it) when unset."""
    value = resource.get(attribute)
    if value is None or is_unset(value):
        return default.value, default.decided_by
    return value, None
