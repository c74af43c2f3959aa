"""The video-conference reference estate: the production environment its document describes.

A VPC over two availability zones with public, private and isolated database subnets; an
internet-facing ALB terminating TLS with CloudFront in front of it; a bastion; the EKS
worker nodes as an auto-scaling group in the private subnets; a Multi-AZ MySQL database
whose backups are replicated to a second region; a Redis replication group; a DynamoDB
table; a Redshift warehouse; S3 buckets; one customer KMS key; CloudTrail and alarms.
"""

from __future__ import annotations

from archproof.estates.model import Estate, Output, ref
from archproof.estates.video_conference import (
    cdn,
    compute,
    data,
    edge,
    monitoring,
    network,
    services,
)
from archproof.estates.video_conference.common import ADMIN_CIDR, NAME, REGION, VPC_CIDR
from archproof.estates.video_conference.violations import VIOLATIONS

ACCOUNT = "123456789012"


def build(account_id: str = ACCOUNT) -> Estate:
    """The compliant video-conference production estate over two zones."""
    resources = (
        *network.network_resources(),
        *edge.security_groups(),
        *edge.load_balancer(),
        *cdn.distribution(),
        *compute.bastion(),
        *compute.identity(),
        *compute.nodes(min_size=2),
        *compute.cluster(),
        *data.encryption_key(account_id),
        *data.storage(account_id),
        *data.database(),
        *services.cache(),
        *services.table(),
        *services.warehouse(),
        *data.audit_trail(),
        *monitoring.monitoring(),
    )
    return Estate(
        name=NAME,
        region=REGION,
        resources=resources,
        modules=(network.network_module(NAME, VPC_CIDR, ADMIN_CIDR, 2),),
        outputs={
            "cdn_domain_name": Output(
                ref("aws_cloudfront_distribution.app.domain_name"), "Where users connect."
            ),
            "lb_dns_name": Output(ref("aws_lb.app.dns_name"), "Public name of the load balancer."),
            "vpc_id": Output(ref("module.network.vpc_id"), "The VPC."),
        },
        account_id=account_id,
    )


__all__ = ["VIOLATIONS", "build"]
