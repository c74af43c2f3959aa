"""What a configuration leaves to AWS is decided by AWS's documented defaults (and the verdict
says so) or stays undecided when a plan cannot know it; tiers named by resource address;
the kinds module code uses. On a real plan (defaults_plan/, terraform 1.11, AWS 5.100)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archproof.sources.plan import load_plan
from archproof.verdict import Verdict
from support.in_process import every_control_spec, judge_all

PLAN = Path(__file__).resolve().parent / "defaults_plan" / "plan.json"
CONTROLS = [
    "https-listener-on-public-lb",
    "lb-access-logs",
    "waf-on-public-entry",
    "zone-spread",
    "s3-encrypted",
    "s3-not-public",
    "queue-topic-encrypted",
    "database-multi-az",
    "database-backup-retention",
    "http-redirects-to-https",
    "ebs-encrypted",
    "imdsv2-required",
    "vpc-flow-logs",
    "subnet-tier-matches-intent",
    "private-egress-via-nat",
    "asg-elb-health-check",
    "workloads-in-private-tiers",
    "no-public-ip-in-private-tiers",
]
Judged = dict[tuple[str, str], tuple[Verdict, str]]


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> Judged:
    folder = tmp_path_factory.mktemp("plan")
    shutil.copy(PLAN, folder / "plan.json")
    found = judge_all(every_control_spec(CONTROLS), [load_plan(folder / "plan.json")])
    return {(c, s.split(":", 1)[1]): (v, m) for c, s, v, m in found}


def test_a_default_decides_and_the_verdict_says_so(judged: Judged) -> None:
    verdict, message = judged[("queue-topic-encrypted", "aws_sqs_queue.plain")]
    assert verdict is Verdict.PASS and "unset: SQS's default encryption" in message
    verdict, message = judged[("s3-not-public", "aws_s3_bucket.plain")]
    assert verdict is Verdict.PASS and "unset: S3's default for new buckets" in message
    verdict, message = judged[("s3-encrypted", "aws_s3_bucket.plain")]
    assert verdict is Verdict.FAIL  # SSE-S3 by default, the spec asks for KMS
    assert "sse_algorithm=['AES256'] (unset: S3's default encryption" in message


def test_a_default_that_falls_short_fails_naming_it(judged: Judged) -> None:
    expectations = {
        ("database-multi-az", "aws_db_instance.plain"): "multi_az=False (unset: RDS's default",
        ("database-backup-retention", "aws_db_instance.plain"): "backup_retention_period=1 (unset",
        ("asg-elb-health-check", "aws_autoscaling_group.web"): "health_check_type='EC2' (unset",
    }
    for key, text in expectations.items():
        verdict, message = judged[key]
        assert verdict is Verdict.FAIL and text in message, message


def test_what_the_ami_decides_stays_undecided(judged: Judged) -> None:
    for control in ("ebs-encrypted", "imdsv2-required"):
        verdict, message = judged[(control, "aws_launch_template.bare")]
        assert verdict is Verdict.INCONCLUSIVE and "AMI" in message, message
    assert judged[("ebs-encrypted", "aws_launch_template.hardened")][0] is Verdict.PASS


def test_imdsv2_both_ways(judged: Judged) -> None:
    assert judged[("imdsv2-required", "aws_launch_template.hardened")][0] is Verdict.PASS
    verdict, message = judged[("imdsv2-required", "aws_launch_template.lenient")]
    assert verdict is Verdict.FAIL and "http_tokens='optional'" in message


def test_flow_logs_both_ways(judged: Judged) -> None:
    assert judged[("vpc-flow-logs", "aws_vpc.main")][0] is Verdict.PASS
    assert judged[("vpc-flow-logs", "aws_vpc.unlogged")][0] is Verdict.FAIL


def test_tiers_named_by_address(judged: Judged) -> None:
    for name in ("public", "private", "database"):
        assert judged[("subnet-tier-matches-intent", f"aws_subnet.{name}")][0] is Verdict.PASS
    verdict, message = judged[("subnet-tier-matches-intent", "aws_subnet.private_misrouted")]
    assert verdict is Verdict.FAIL
    assert "tier (from routes)='public', required 'private' (address" in message
    assert judged[("private-egress-via-nat", "aws_subnet.private_misrouted")][0] is Verdict.FAIL


def test_a_listener_rule_answering_plain_http_fails(judged: Judged) -> None:
    verdict, message = judged[("http-redirects-to-https", "aws_lb_listener.http")]
    assert verdict is Verdict.FAIL
    assert "aws_lb_listener_rule.health action.type='fixed-response'" in message


def test_kinds_module_code_uses(judged: Judged) -> None:
    # an instance launched on a network interface sits in the interface's subnet
    assert judged[("workloads-in-private-tiers", "aws_instance.worker")][0] is Verdict.PASS
    assert judged[("no-public-ip-in-private-tiers", "aws_instance.worker")][0] is Verdict.PASS
    # an ASG attached through aws_autoscaling_traffic_source_attachment: only the health
    # check type fails, not the attachment
    message = judged[("asg-elb-health-check", "aws_autoscaling_group.web")][1]
    assert "target_group_arns" not in message


def test_nothing_to_judge_says_what_it_looked_for(tmp_path: Path) -> None:
    shutil.copy(PLAN, tmp_path / "plan.json")
    spec = every_control_spec(["subnet-tier-matches-intent"])
    spec.requirements[0].controls[0].params["tier_from"] = ["tag"]
    found = judge_all(spec, [load_plan(tmp_path / "plan.json")])
    assert [v for _, _, v, _ in found] == [Verdict.INCONCLUSIVE]
    message = found[0][3]
    assert "4 aws_subnet in plan, none a subject of this control" in message
    assert "no subnet declares its tier (tag Tier)" in message
    assert "effective tiers from routes: isolated 1, private 1, public 2" in message


def test_a_classic_load_balancer_is_judged(judged: Judged) -> None:
    expectations = {
        "https-listener-on-public-lb": "listener protocols=['http']",
        "http-redirects-to-https": "a Classic Load Balancer cannot redirect to HTTPS",
        "lb-access-logs": "access_logs.enabled",
        "waf-on-public-entry": "a Classic Load Balancer",
    }
    for control, text in expectations.items():
        verdict, message = judged[(control, "aws_elb.classic")]
        assert verdict is Verdict.FAIL and text in message, message
    assert judged[("zone-spread", "aws_elb.classic")][0] is Verdict.PASS
