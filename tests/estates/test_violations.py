"""Seeded violations are pure edits of the description that show in every form."""

from __future__ import annotations

import json
from typing import Any

import pytest

from archproof.estates import build, plan_document, reference, render_hcl, render_plan
from archproof.estates.violations import Violation, find_violation

VIOLATIONS = reference("bragabot").violations
COMPLIANT_PLAN = render_plan(build("bragabot"))
COMPLIANT_HCL = render_hcl(build("bragabot"))


def test_bragabot_seeds_one_violation_per_documented_control() -> None:
    ids = [v.id for v in VIOLATIONS]
    assert len(ids) == len(set(ids))
    assert {v.control for v in VIOLATIONS} == {
        "subnet-tier-matches-intent",
        "workloads-in-private-tiers",
        "database-not-publicly-accessible",
        "database-multi-az",
        "rds-encrypted",
        "database-backup-retention",
        "http-redirects-to-https",
        "tls-policy-minimum",
        "ssh-only-from-bastion",
        "bastion-ingress-allow-list",
        "database-reachable-only-from-app",
        "no-admin-star-policy",
        "cloudtrail-multi-region",
        "alarms-on-metrics",
        "s3-versioning",
        "asg-capacity-floor",
        "asg-elb-health-check",
        "zone-spread",
        "kms-key-rotation",
        "lb-access-logs",
    }
    compound = [v.id for v in VIOLATIONS if v.also_breaks]
    assert compound == ["private-subnet-routes-to-igw"]


@pytest.mark.parametrize("violation", VIOLATIONS, ids=lambda v: v.id)
def test_violation_changes_plan_and_hcl_and_leaves_the_original(violation: Violation) -> None:
    estate = build("bragabot")
    violated = violation(estate)
    assert render_plan(estate) == COMPLIANT_PLAN  # the compliant description is untouched
    assert render_plan(violated) != COMPLIANT_PLAN
    assert render_hcl(violated) != COMPLIANT_HCL


def _after(plan: dict[str, Any], address: str) -> dict[str, Any]:
    changes = {c["address"]: c for c in plan["resource_changes"]}
    after: dict[str, Any] = changes[address]["change"]["after"]
    return after


@pytest.mark.parametrize(
    ("violation_id", "address", "attribute", "value"),
    [
        ("database-public", "aws_db_instance.main", "publicly_accessible", True),
        ("database-single-az", "aws_db_instance.main", "multi_az", False),
        ("database-backups-one-day", "aws_db_instance.main", "backup_retention_period", 1),
        ("weak-tls-policy", "aws_lb_listener.https", "ssl_policy", "ELBSecurityPolicy-2016-08"),
        ("trail-single-region", "aws_cloudtrail.main", "is_multi_region_trail", False),
        ("node-floor-one", "aws_autoscaling_group.nodes", "min_size", 1),
        ("node-ec2-health-check", "aws_autoscaling_group.nodes", "health_check_type", "EC2"),
        ("kms-rotation-off", "aws_kms_key.main", "enable_key_rotation", False),
    ],
)
def test_violation_sets_the_planned_value(
    violation_id: str, address: str, attribute: str, value: object
) -> None:
    assert _after(plan_document(build("bragabot")), address)[attribute] != value
    assert _after(plan_document(build("bragabot", violation_id)), address)[attribute] == value


def test_structural_violations_show_in_the_plan() -> None:
    plan = plan_document(build("bragabot", "no-cpu-alarm"))
    assert "aws_cloudwatch_metric_alarm.nodes_cpu_high" not in json.dumps(plan["resource_changes"])
    http = _after(
        plan_document(build("bragabot", "http-forwards-plaintext")), "aws_lb_listener.http"
    )
    assert http["default_action"][0]["type"] == "forward"
    unencrypted = _after(
        plan_document(build("bragabot", "database-unencrypted")), "aws_db_instance.main"
    )
    assert unencrypted["storage_encrypted"] is False
    ssh = _after(
        plan_document(build("bragabot", "ssh-to-nodes-from-internet")), "aws_security_group.app"
    )
    assert {"0.0.0.0/0"} == {
        c for r in ssh["ingress"] if r["from_port"] == 22 for c in r["cidr_blocks"]
    }
    config = plan_document(build("bragabot", "nodes-in-one-zone"))["configuration"]
    asg = {r["address"]: r for r in config["root_module"]["resources"]}[
        "aws_autoscaling_group.nodes"
    ]
    assert asg["expressions"]["vpc_zone_identifier"]["references"][0] == (
        "module.network.private_subnet_ids[0]"
    )


def test_unknown_violation_is_named() -> None:
    with pytest.raises(KeyError, match="no seeded violation 'nope'"):
        find_violation(VIOLATIONS, "nope")
