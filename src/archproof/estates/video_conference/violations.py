"""The video-conference estate's seeded violations: one edit per documented claim it can break."""

from __future__ import annotations

from archproof.estates.model import Estate, ref
from archproof.estates.video_conference.common import ANYWHERE
from archproof.estates.violations import Violation

DATA_ROUTES = "module.network.aws_route_table.data"
DB = "aws_db_instance.main"
CACHE = "aws_elasticache_replication_group.cache"
WAREHOUSE = "aws_redshift_cluster.warehouse"
CDN = "aws_cloudfront_distribution.app"
REPLICATION = "aws_db_instance_automated_backups_replication.main"
CLUSTER = "aws_eks_cluster.main"


def _data_to_nat(estate: Estate) -> Estate:
    route = {"cidr_block": ANYWHERE, "nat_gateway_id": ref("aws_nat_gateway.main[0].id")}
    return estate.with_value(DATA_ROUTES, "route", [route])


def _cache_without_failover(estate: Estate) -> Estate:
    edited = estate.with_value(CACHE, "automatic_failover_enabled", False)
    return edited.with_value(CACHE, "multi_az_enabled", False)


def _unencrypted_warehouse(estate: Estate) -> Estate:
    return estate.with_value(WAREHOUSE, "encrypted", False).without_value(WAREHOUSE, "kms_key_id")


def _public_cluster_api(estate: Estate) -> Estate:
    edited = estate.with_value(CLUSTER, "vpc_config.0.endpoint_public_access", True)
    return edited.with_value(CLUSTER, "vpc_config.0.public_access_cidrs", [ANYWHERE])


VIOLATIONS = (
    Violation(
        "eks-api-public",
        "The EKS cluster's API endpoint is reachable from the whole internet.",
        "The cluster sits in the private subnets",
        "cluster-api-private",
        _public_cluster_api,
    ),
    Violation(
        "rds-single-az",
        "The MySQL database runs in one zone, with no standby to fail over to.",
        "The production database replicates and fails over",
        "database-multi-az",
        lambda e: e.with_value(DB, "multi_az", False),
    ),
    # moto cannot hold a backup replication, so the live account cannot tell its absence.
    Violation(
        "rds-backups-not-copied",
        "The database's automated backups are no longer replicated to the recovery region.",
        "Database backups are kept in a second region",
        "rds-backup-copied-to-second-region",
        lambda e: e.without(REPLICATION),
        forms=("plan",),
    ),
    Violation(
        "cache-without-failover",
        "The Redis replication group neither fails over automatically nor spans zones.",
        "The cache stays available across zones",
        "cache-multi-az",
        _cache_without_failover,
    ),
    Violation(
        "redshift-unencrypted",
        "The Redshift warehouse stores its data unencrypted.",
        "Data in Redshift is encrypted with KMS keys",
        "redshift-encrypted",
        _unencrypted_warehouse,
    ),
    Violation(
        "cloudfront-allows-http",
        "The distribution in front of the load balancer serves viewers over plain HTTP too.",
        "Users are served over HTTPS through CloudFront",
        "cloudfront-https-only",
        lambda e: e.with_value(CDN, "default_cache_behavior.0.viewer_protocol_policy", "allow-all"),
    ),
    # Compound by nature: with both database subnets routed out, no isolated subnet (and so
    # no isolated zone) is left.
    # Plan only: moto's default VPC keeps subnets with no route out, so a live account
    # still shows an isolated tier and cannot agree on subnet-tiers-present.
    Violation(
        "database-subnet-routes-to-nat",
        "The database subnets get a default route to a NAT gateway.",
        "Database subnets are isolated: no route out of the VPC",
        "subnet-tier-matches-intent",
        _data_to_nat,
        also_breaks=("subnet-tiers-present", "tier-zone-spread"),
        forms=("plan",),
    ),
)
