"""Seeded violations are pure edits of the description that show in every form."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from archproof.estates import build, plan_document, reference, render_hcl, render_plan
from archproof.estates.violations import FORMS, Violation, find_violation
from archproof.estates.workloads import MANIFEST_VIOLATIONS

SPEC = Path(__file__).resolve().parents[2] / "policies" / "bragabot.yaml"

VIOLATIONS = reference("bragabot").violations
COMPLIANT_PLAN = render_plan(build("bragabot"))
COMPLIANT_HCL = render_hcl(build("bragabot"))


def _spec_controls() -> set[str]:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    return {
        use if isinstance(use, str) else use["id"]
        for requirement in spec["requirements"]
        for use in requirement.get("controls", [])
    }


def test_bragabot_seeds_a_violation_for_every_control_its_spec_uses() -> None:
    ids = [v.id for v in VIOLATIONS]
    assert len(ids) == len(set(ids))
    seeded = {v.control for v in VIOLATIONS}
    # the Kubernetes controls judge the workloads: their violations are manifest edits
    workload = {v.control for v in MANIFEST_VIOLATIONS["bragabot"]}
    kubernetes = {c for c in _spec_controls() if c.startswith("k8s-")}
    # (a replicas floor below the spec's is also an HPA floor below it: no edit breaks one alone)
    assert workload == kubernetes - {"k8s-replicas-floor"}
    # root MFA belongs to the account's root user: no plan shows it, and moto has none.
    assert seeded == _spec_controls() - {"root-account-mfa"} - kubernetes
    assert {c for v in VIOLATIONS for c in v.also_breaks} <= _spec_controls()
    compound = [v.id for v in VIOLATIONS if v.also_breaks]
    assert compound == [
        "private-subnet-routes-to-igw",
        "private-tier-one-zone",
        "private-tier-without-egress",
        "bastion-disk-unencrypted",
    ]


def test_only_the_imported_certificate_is_left_to_the_live_form() -> None:
    partial = {v.id: v.forms for v in VIOLATIONS if v.forms != FORMS}
    assert partial == {"certificate-expiring": ("live",)}
    assert "Live only" in find_violation(VIOLATIONS, "certificate-expiring").description


@pytest.mark.parametrize("forms", [(), ("plan", "state")])
def test_a_violation_names_only_known_forms(forms: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match="forms must be among"):
        Violation("x", "x", "x", "some-control", lambda e: e, forms=forms)


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
    ssh_plan = plan_document(build("bragabot", "ssh-to-nodes-from-internet"))
    ssh = ssh_plan["resource_changes"]
    rule = _after(ssh_plan, "aws_vpc_security_group_ingress_rule.app_ssh")
    assert (rule["from_port"], rule["cidr_ipv4"]) == (22, "0.0.0.0/0")
    assert rule["referenced_security_group_id"] is None
    unknown = next(c for c in ssh if c["address"].endswith("app_ssh"))["change"]["after_unknown"]
    assert "referenced_security_group_id" not in unknown
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
