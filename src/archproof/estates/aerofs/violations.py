"""AeroFS's seeded violations: one for each control its spec uses that an edit can break."""

from __future__ import annotations

from archproof.estates.aerofs.common import ANYWHERE, policy
from archproof.estates.model import Estate, ref
from archproof.estates.violations import Violation

MANAGERS = "aws_autoscaling_group.manager"
FUNCTION = "aws_lambda_function.ingest"
ADMIN_STAR = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}


def _from_anywhere(estate: Estate, rule: str) -> Estate:
    """An SSH ingress rule made to admit the whole internet instead of its source."""
    address = f"aws_vpc_security_group_ingress_rule.{rule}"
    edited = estate.without_value(address, "referenced_security_group_id")
    edited = edited.with_value(address, "cidr_ipv4", ANYWHERE)
    return edited.with_value(address, "description", "SSH from anywhere")


def _managers_one_zone(estate: Estate) -> Estate:
    return estate.with_value(
        MANAGERS, "vpc_zone_identifier", [ref("module.network.private_subnet_ids[0]")]
    )


def _manager_floor_one(estate: Estate) -> Estate:
    return estate.with_value(MANAGERS, "min_size", 1).with_value(MANAGERS, "desired_capacity", 1)


def _password_in_function_env(estate: Estate) -> Estate:
    variables = {"STORE_PASSWORD": "correct-horse-battery", "STORE_INDEX": "events"}
    return estate.with_value(FUNCTION, "environment.0.variables", variables)


def _user_without_mfa(estate: Estate) -> Estate:
    return estate.without("aws_iam_virtual_mfa_device.bob")


VIOLATIONS = (
    Violation(
        "managers-in-one-zone",
        "The Swarm managers' auto-scaling group launches into one availability zone only.",
        "The manager cluster spans several availability zones",
        "zone-spread",
        _managers_one_zone,
    ),
    Violation(
        "manager-floor-one",
        "The Swarm managers' auto-scaling group may shrink to a single instance.",
        "Auto-scaling groups keep the cluster's nodes alive",
        "asg-capacity-floor",
        _manager_floor_one,
    ),
    Violation(
        "bastion-open-to-internet",
        "The bastion admits SSH from anywhere, not only from the office allow-list.",
        "The single point of access admits only an allow-list",
        "bastion-ingress-allow-list",
        lambda e: _from_anywhere(e, "bastion_ssh"),
    ),
    Violation(
        "ssh-to-workers-from-internet",
        "The workers' security group admits SSH from anywhere instead of from the bastion.",
        "Admin access to nodes goes only through the single point of access",
        "ssh-only-from-bastion",
        lambda e: _from_anywhere(e, "worker_ssh"),
    ),
    Violation(
        "console-user-without-mfa",
        "An operator who signs in to the console has no MFA device. Live only: whether a "
        "device is enrolled happens outside Terraform (the owner enters two codes).",
        "People authenticate with multiple factors",
        "console-users-mfa",
        _user_without_mfa,
        forms=("live",),
    ),
    Violation(
        "password-in-plain-parameter",
        "The Elasticsearch password is kept in a plain String parameter.",
        "Secret keys are kept in a key store",
        "secrets-in-key-store",
        lambda e: e.with_value("aws_ssm_parameter.elasticsearch_password", "type", "String"),
    ),
    Violation(
        "password-in-function-env",
        "The ingest function's environment holds the log store's password itself.",
        "Secret keys are kept in a key store",
        "secrets-in-key-store",
        _password_in_function_env,
    ),
    Violation(
        "worker-policy-star",
        "The workers' role may do anything to anything.",
        "IAM access policies are fine-grained",
        "no-admin-star-policy",
        lambda e: e.with_value("aws_iam_role_policy.worker", "policy", policy(ADMIN_STAR)),
    ),
    Violation(
        "trail-single-region",
        "CloudTrail records one region only.",
        "Everything is logged",
        "cloudtrail-multi-region",
        lambda e: e.with_value("aws_cloudtrail.main", "is_multi_region_trail", False),
    ),
)
