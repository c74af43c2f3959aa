"""The LEVELS reference estate: the production environment its AWS architecture describes.

A production VPC over four availability zones (public, private and data subnets per
zone, NAT per zone) kept apart from the non-production VPC; an internet-facing ALB
terminating TLS for the API; the API servers and workers as auto-scaled EC2 fleets
replaced on failed health checks; a bastion admitting SSH from an allow-list; an Aurora
MySQL cluster reachable from the API servers and workers only; an SQS jobs queue; one S3
bucket per class of assets, web assets served through CloudFront; secrets in SSM
Parameter Store and Secrets Manager.
"""

from __future__ import annotations

from archproof.estates.levels import compute, data, edge, network, storage
from archproof.estates.levels.common import ADMIN_CIDR, NAME, REGION, VPC_CIDR, ZONES
from archproof.estates.levels.violations import VIOLATIONS
from archproof.estates.model import Estate, Output, ref

ACCOUNT = "123456789012"


def build(account_id: str = ACCOUNT) -> Estate:
    """The compliant LEVELS production estate."""
    resources = (
        *network.network_resources(),
        *network.nonprod_vpc(),
        *edge.security_groups(),
        *edge.load_balancers(),
        *compute.bastion(),
        *compute.identity(),
        *compute.fleets(),
        *data.database(),
        *data.jobs(),
        *data.secrets(),
        *storage.buckets(account_id),
        *storage.cdn(),
    )
    return Estate(
        name=NAME,
        region=REGION,
        resources=resources,
        modules=(network.network_module(VPC_CIDR, ADMIN_CIDR, ZONES),),
        outputs={
            "api_dns_name": Output(ref("aws_lb.api.dns_name"), "Public name of the API."),
            "assets_domain_name": Output(
                ref("aws_cloudfront_distribution.web.domain_name"), "Where web assets are served."
            ),
            "vpc_id": Output(ref("module.network.vpc_id"), "The production VPC."),
        },
        account_id=account_id,
    )


__all__ = ["VIOLATIONS", "build"]
