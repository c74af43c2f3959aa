"""LEVELS' seeded violations: one for each documented claim the estate can break."""

from __future__ import annotations

from dataclasses import replace

from archproof.estates.levels.common import ZONES, policy
from archproof.estates.levels.storage import bucket_name
from archproof.estates.model import Estate, EstateResource, ref
from archproof.estates.violations import Violation

NETWORK = "module.network"
CDN = "aws_cloudfront_distribution.web"


def _peered_with_nonprod(estate: Estate) -> Estate:
    peering = EstateResource(
        "aws_vpc_peering_connection",
        "nonprod",
        {
            "vpc_id": ref("module.network.vpc_id"),
            "peer_vpc_id": ref("aws_vpc.nonprod.id"),
            "auto_accept": True,
            "tags": {"Name": "levels-production-to-nonprod"},
        },
    )
    return _with(estate, peering)


def _bastion_reaches_database(estate: Estate) -> Estate:
    rule = estate.resource("aws_vpc_security_group_ingress_rule.db_from_app")
    values = {
        **rule.values,
        "referenced_security_group_id": ref("aws_security_group.bastion.id"),
        "description": "MySQL from the bastion",
    }
    extra = EstateResource(rule.type, "db_from_bastion", values)
    return _with(estate, extra)


def _with(estate: Estate, *added: EstateResource) -> Estate:
    return replace(estate, resources=(*estate.resources, *added))


def _public_content_bucket(estate: Estate) -> Estate:
    arn = f"arn:aws:s3:::{bucket_name('content')}/*"
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicRead",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": arn,
            }
        ],
    }
    edited = estate.without("aws_s3_bucket_public_access_block.content")
    public = EstateResource(
        "aws_s3_bucket_policy",
        "content",
        {"bucket": ref("aws_s3_bucket.content.id"), "policy": policy(document)},
    )
    return _with(edited, public)


def _plain_string_password(estate: Estate) -> Estate:
    return estate.with_value("aws_ssm_parameter.db_password", "type", "String")


def _private_subnets_three_zones(estate: Estate) -> Estate:
    three = [*ZONES[:3], ZONES[0]]
    edited = estate.with_input("network", "private_azs", three)
    return edited.with_value(
        f"{NETWORK}.aws_subnet.private", "availability_zone", ref("var.private_azs[count.index]")
    )


VIOLATIONS = (
    Violation(
        "vpc-peered-with-nonprod",
        "The production VPC is peered with the non-production VPC.",
        "Production has no peering or route to development, testing and QA",
        "vpc-isolated-from-nonprod",
        _peered_with_nonprod,
    ),
    Violation(
        "bastion-reaches-database",
        "The database's security group also admits MySQL from the bastion.",
        "The bastion itself has no database access",
        "database-reachable-only-from-app",
        _bastion_reaches_database,
    ),
    Violation(
        "content-bucket-public-read",
        "The produced-content bucket loses its public access block and lets everyone read "
        "it directly, not through CloudFront.",
        "No bucket is public except through CloudFront",
        "s3-not-public",
        _public_content_bucket,
    ),
    Violation(
        "cloudfront-allows-http",
        "The web assets distribution serves viewers over plain HTTP too.",
        "Assets are served through CloudFront over HTTPS",
        "cloudfront-https-only",
        lambda e: e.with_value(CDN, "default_cache_behavior.0.viewer_protocol_policy", "allow-all"),
    ),
    Violation(
        "db-password-plain-parameter",
        "The database password is a plain String SSM parameter, not a SecureString.",
        "Secrets are kept encrypted in SSM Parameter Store or Secrets Manager",
        "secrets-in-key-store",
        _plain_string_password,
    ),
    Violation(
        "aurora-single-instance",
        "The Aurora cluster runs its writer only, with no reader in another zone.",
        "A replica in another zone is promoted when the writer fails",
        "database-multi-az",
        lambda e: e.without("aws_rds_cluster_instance.reader"),
    ),
    # Compound by nature: the zones of the private tier are the zones of what runs in it.
    Violation(
        "private-tier-three-zones",
        "The private subnets cover three availability zones: the fourth sits in the first.",
        "Each environment's VPC spans four availability zones",
        "tier-zone-spread",
        _private_subnets_three_zones,
        also_breaks=("zone-spread",),
    ),
    Violation(
        "api-ec2-health-check",
        "The API fleet replaces instances on EC2 status only, ignoring the load balancer.",
        "Instances failing the ALB health check are replaced",
        "asg-elb-health-check",
        lambda e: e.with_value("aws_autoscaling_group.api", "health_check_type", "EC2"),
    ),
)
