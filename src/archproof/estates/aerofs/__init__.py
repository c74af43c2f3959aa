"""The AeroFS reference estate: the AWS infrastructure its lunch-and-learn slides describe.

A VPC over ``zones`` availability zones with public and private subnets and NAT
egress; a bastion as the single point of access; Docker Swarm manager and worker
nodes in auto-scaling groups over the private subnets; least-privilege node roles;
operators who sign in with a password and an MFA device; secret keys in the
parameter store and Secrets Manager; a multi-region CloudTrail trail; a Lambda
function behind an HTTP API Gateway.
"""

from __future__ import annotations

from archproof.estates.aerofs import (
    access,
    audit,
    identity,
    network,
    secrets,
    serverless,
    swarm,
)
from archproof.estates.aerofs.common import NAME, REGION, VPC_CIDR
from archproof.estates.aerofs.violations import VIOLATIONS
from archproof.estates.model import Estate, Output, ref

ACCOUNT = "123456789012"


def build(zones: int = 2, account_id: str = ACCOUNT) -> Estate:
    """The compliant AeroFS estate over ``zones`` availability zones (at least 2 to comply)."""
    resources = (
        *network.network_resources(),
        *access.security_groups(),
        *access.bastion(),
        *swarm.cluster(),
        *identity.operators(),
        *secrets.key_store(),
        *audit.audit_trail(account_id),
        *serverless.api(),
    )
    return Estate(
        name=NAME,
        region=REGION,
        resources=resources,
        modules=(network.network_module(NAME, VPC_CIDR, zones),),
        outputs={
            "bastion_public_ip": Output(
                ref("aws_instance.bastion.public_ip"), "Where operators SSH to."
            ),
            "vpc_id": Output(ref("module.network.vpc_id"), "The VPC."),
        },
        account_id=account_id,
    )


__all__ = ["VIOLATIONS", "build"]
