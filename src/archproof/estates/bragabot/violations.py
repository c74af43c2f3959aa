"""Bragabot's seeded violations: at least one seeded for each control its spec uses.

The later ones live in :mod:`.violations_network` and :mod:`.violations_data`.
"""

from __future__ import annotations

from archproof.estates.bragabot.common import ANYWHERE, VPC_CIDR, policy
from archproof.estates.bragabot.violations_data import DATA_VIOLATIONS
from archproof.estates.bragabot.violations_network import NETWORK_VIOLATIONS
from archproof.estates.model import Estate, ref
from archproof.estates.violations import Violation

PRIVATE_ROUTES = "module.network.aws_route_table.private"
DATA_ROUTES = "module.network.aws_route_table.data"
ASG = "aws_autoscaling_group.nodes"
DB = "aws_db_instance.main"
ADMIN_STAR = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}


def _private_to_igw(estate: Estate) -> Estate:
    route = {"cidr_block": ANYWHERE, "gateway_id": ref("aws_internet_gateway.main.id")}
    return estate.with_value(PRIVATE_ROUTES, "route", [route])


def _data_to_nat(estate: Estate) -> Estate:
    route = {"cidr_block": ANYWHERE, "nat_gateway_id": ref("aws_nat_gateway.main[0].id")}
    return estate.with_value(DATA_ROUTES, "route", [route])


def _unencrypted_db(estate: Estate) -> Estate:
    return estate.with_value(DB, "storage_encrypted", False).without_value(DB, "kms_key_id")


def _http_forwards(estate: Estate) -> Estate:
    forward = {"type": "forward", "target_group_arn": ref("aws_lb_target_group.app.arn")}
    return estate.with_value("aws_lb_listener.http", "default_action", [forward])


def _from_cidr(estate: Estate, rule: str, cidr: str, description: str) -> Estate:
    """An ingress rule resource made to admit ``cidr`` instead of its source group."""
    address = f"aws_vpc_security_group_ingress_rule.{rule}"
    edited = estate.without_value(address, "referenced_security_group_id")
    edited = edited.with_value(address, "cidr_ipv4", cidr)
    return edited.with_value(address, "description", description)


def _ssh_from_internet_to_nodes(estate: Estate) -> Estate:
    return _from_cidr(estate, "app_ssh", ANYWHERE, "SSH from anywhere")


def _bastion_open(estate: Estate) -> Estate:
    return _from_cidr(estate, "bastion_ssh", ANYWHERE, "SSH from anywhere")


def _db_from_vpc(estate: Estate) -> Estate:
    return _from_cidr(estate, "db_postgres", VPC_CIDR, "PostgreSQL from the whole VPC")


def _admin_star(estate: Estate) -> Estate:
    return estate.with_value("aws_iam_role_policy.node", "policy", policy(ADMIN_STAR))


def _one_zone(estate: Estate) -> Estate:
    return estate.with_value(
        ASG, "vpc_zone_identifier", [ref("module.network.private_subnet_ids[0]")]
    )


VIOLATIONS = (
    # Compound by nature: subnets meant private become public, so their egress no longer
    # goes through NAT, the nodes in them sit in a public tier, and the private tier (as
    # routed) is left with no subnet and no zone.
    Violation(
        "private-subnet-routes-to-igw",
        "The private subnets' default route goes to the internet gateway, not a NAT gateway.",
        "Private subnets reach the internet only through NAT gateways",
        "subnet-tier-matches-intent",
        _private_to_igw,
        also_breaks=(
            "private-egress-via-nat",
            "subnet-tiers-present",
            "tier-zone-spread",
            "workloads-in-private-tiers",
        ),
    ),
    Violation(
        "data-subnet-routes-to-nat",
        "The isolated data subnets get a default route to a NAT gateway.",
        "Database subnets have no route out of the VPC",
        "subnet-tier-matches-intent",
        _data_to_nat,
    ),
    Violation(
        "nodes-in-public-subnets",
        "The cluster nodes' auto-scaling group launches into the public subnets.",
        "EC2 nodes run in the private subnets",
        "workloads-in-private-tiers",
        lambda e: e.with_value(ASG, "vpc_zone_identifier", ref("module.network.public_subnet_ids")),
    ),
    Violation(
        "database-public",
        "The database is publicly accessible.",
        "Databases are not exposed to the internet",
        "database-not-publicly-accessible",
        lambda e: e.with_value(DB, "publicly_accessible", True),
    ),
    Violation(
        "database-single-az",
        "The database has no standby in a second zone.",
        "The platform survives the loss of an availability zone",
        "database-multi-az",
        lambda e: e.with_value(DB, "multi_az", False),
    ),
    Violation(
        "database-unencrypted",
        "The database storage is not encrypted.",
        "Data is encrypted at rest",
        "rds-encrypted",
        _unencrypted_db,
    ),
    Violation(
        "database-backups-one-day",
        "Database backups are kept for one day only.",
        "Regular backups allow restoring critical data",
        "database-backup-retention",
        lambda e: e.with_value(DB, "backup_retention_period", 1),
    ),
    Violation(
        "http-forwards-plaintext",
        "The HTTP listener forwards to the nodes instead of redirecting to HTTPS.",
        "The load balancer terminates TLS for all client traffic",
        "http-redirects-to-https",
        _http_forwards,
    ),
    Violation(
        "weak-tls-policy",
        "The HTTPS listener accepts TLS 1.0 (ELBSecurityPolicy-2016-08).",
        "The load balancer terminates TLS for all client traffic",
        "tls-policy-minimum",
        lambda e: e.with_value("aws_lb_listener.https", "ssl_policy", "ELBSecurityPolicy-2016-08"),
    ),
    Violation(
        "ssh-to-nodes-from-internet",
        "The nodes' security group admits SSH from anywhere instead of from the bastion.",
        "Security groups let only legitimate traffic reach the nodes",
        "ssh-only-from-bastion",
        _ssh_from_internet_to_nodes,
    ),
    Violation(
        "bastion-open-to-internet",
        "The bastion admits SSH from anywhere.",
        "Administrative access is restricted",
        "bastion-ingress-allow-list",
        _bastion_open,
    ),
    Violation(
        "database-open-to-vpc",
        "The database admits PostgreSQL from the whole VPC, not only from the nodes.",
        "Security groups let only legitimate traffic reach the database",
        "database-reachable-only-from-app",
        _db_from_vpc,
    ),
    Violation(
        "admin-star-node-policy",
        "The nodes' role may do anything to anything.",
        "IAM roles and policies grant least privilege",
        "no-admin-star-policy",
        _admin_star,
    ),
    Violation(
        "trail-single-region",
        "CloudTrail records one region only.",
        "All activity is logged with CloudTrail",
        "cloudtrail-multi-region",
        lambda e: e.with_value("aws_cloudtrail.main", "is_multi_region_trail", False),
    ),
    Violation(
        "no-cpu-alarm",
        "No alarm watches the nodes' CPU.",
        "Alerts notify of high CPU usage",
        "alarms-on-metrics",
        lambda e: e.without("aws_cloudwatch_metric_alarm.nodes_cpu_high"),
    ),
    Violation(
        "data-bucket-unversioned",
        "The data bucket's versioning is suspended.",
        "Backups allow restoring storage",
        "s3-versioning",
        lambda e: e.with_value(
            "aws_s3_bucket_versioning.data", "versioning_configuration.0.status", "Suspended"
        ),
    ),
    Violation(
        "node-floor-one",
        "The node group may shrink to a single instance.",
        "The cluster stays available while scaling",
        "asg-capacity-floor",
        lambda e: e.with_value(ASG, "min_size", 1),
    ),
    Violation(
        "node-ec2-health-check",
        "The node group replaces instances on EC2 status only, ignoring the load balancer.",
        "Failed instances are replaced",
        "asg-elb-health-check",
        lambda e: e.with_value(ASG, "health_check_type", "EC2"),
    ),
    Violation(
        "nodes-in-one-zone",
        "The node group launches into one availability zone only.",
        "The platform is deployed across multiple availability zones",
        "zone-spread",
        _one_zone,
    ),
    Violation(
        "kms-rotation-off",
        "The customer key is never rotated.",
        "Data is encrypted at rest with managed keys",
        "kms-key-rotation",
        lambda e: e.with_value("aws_kms_key.main", "enable_key_rotation", False),
    ),
    Violation(
        "lb-access-logs-off",
        "The load balancer keeps no access logs.",
        "Activity is logged for audit",
        "lb-access-logs",
        lambda e: e.with_value("aws_lb.app", "access_logs.0.enabled", False),
    ),
    *NETWORK_VIOLATIONS,
    *DATA_VIOLATIONS,
)
