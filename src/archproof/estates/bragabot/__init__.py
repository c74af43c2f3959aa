"""The Bragabot reference estate: the AWS infrastructure layer its architecture document describes.

A VPC over ``zones`` availability zones with public, private and isolated data
subnets; an internet-facing application load balancer terminating TLS; a bastion;
auto-scaled EC2 nodes hosting the Kubernetes cluster in the private subnets; a
Multi-AZ PostgreSQL database in the data subnets; encryption with a customer key;
CloudTrail, CloudWatch alarms and daily backups.
"""

from __future__ import annotations

from archproof.estates.bragabot import compute, data, edge, monitoring, network, operations
from archproof.estates.bragabot.common import ADMIN_CIDR, NAME, REGION, VPC_CIDR
from archproof.estates.bragabot.violations import VIOLATIONS
from archproof.estates.model import Estate, Output, ref

ACCOUNT = "123456789012"


def build(zones: int = 2, account_id: str = ACCOUNT) -> Estate:
    """The compliant Bragabot estate over ``zones`` availability zones (at least 2 to comply)."""
    resources = (
        *network.network_resources(),
        *edge.security_groups(),
        *edge.load_balancer(),
        *compute.bastion(),
        *compute.identity(),
        *compute.nodes(min_size=2),
        *data.encryption_key(account_id),
        *data.storage(account_id),
        *data.database(),
        *operations.backups(),
        *operations.audit_trail(),
        *monitoring.monitoring(),
    )
    return Estate(
        name=NAME,
        region=REGION,
        resources=resources,
        modules=(network.network_module(NAME, VPC_CIDR, ADMIN_CIDR, zones),),
        outputs={
            "lb_dns_name": Output(ref("aws_lb.app.dns_name"), "Public name of the load balancer."),
            "vpc_id": Output(ref("module.network.vpc_id"), "The VPC."),
        },
        account_id=account_id,
    )


__all__ = ["VIOLATIONS", "build"]
