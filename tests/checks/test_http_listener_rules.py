"""http-redirects-to-https reads the plain-HTTP listener's rules, not only its default action:
a rule that forwards (or answers with a page) serves content over HTTP; one that redirects to
HTTPS or refuses (a 4xx/5xx fixed response) does not; a rule the plan cannot tie to a listener
may be one of the HTTP listener's. On real plans (review_shapes/, ``main.tf`` beside each) and
on the real moto server."""

from __future__ import annotations

from pathlib import Path

import boto3

from archproof.moto_server import MotoServer
from archproof.sources.aws import AwsOptions, collect_aws
from archproof.sources.plan.load import load_plan
from archproof.verdict import Verdict
from support.aws_estate import verdicts, vpc_with_two_subnets

SHAPES = Path(__file__).parent / "review_shapes"
CONTROL = "http-redirects-to-https"


def judged(shape: str) -> tuple[Verdict, str]:
    inventory = load_plan(SHAPES / shape / "plan.json")
    return verdicts(inventory, CONTROL)[(CONTROL, "aws_lb_listener.http")]


def test_a_rule_forwarding_a_path_fails_and_harmless_rules_do_not() -> None:
    verdict, message = judged("http_listener_rules")
    assert verdict is Verdict.FAIL, message
    assert "aws_lb_listener_rule.api" in message and "'forward'" in message
    # a redirect of another host to HTTPS and a 503 refusal serve nothing over HTTP
    assert "aws_lb_listener_rule.www" not in message
    assert "aws_lb_listener_rule.closed" not in message


def test_a_forwarding_rule_found_through_a_lookup_may_be_the_listeners() -> None:
    verdict, message = judged("http_listener_rule_through_a_lookup")
    assert verdict is Verdict.INCONCLUSIVE, message
    assert "aws_lb_listener_rule.api" in message and "may be a rule of this listener" in message


def test_harmless_rules_found_through_a_lookup_do_not_matter() -> None:
    verdict, message = judged("http_listener_harmless_rules_through_a_lookup")
    assert verdict is Verdict.PASS, message


def test_listener_rules_on_a_live_account(moto: MotoServer, aws: boto3.Session) -> None:
    vpc, subnets = vpc_with_two_subnets(aws.client("ec2"))
    elb = aws.client("elbv2")
    lb = elb.create_load_balancer(Name="web", Subnets=subnets)["LoadBalancers"][0]
    group = elb.create_target_group(Name="api", Protocol="HTTP", Port=8080, VpcId=vpc)
    redirect = {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}
    listener = elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "redirect", "RedirectConfig": redirect}],
    )["Listeners"][0]["ListenerArn"]

    def rule(priority: int, path: str, action: dict[str, object]) -> str:
        conditions = [{"Field": "path-pattern", "Values": [path]}]
        answer = elb.create_rule(
            ListenerArn=listener, Priority=priority, Conditions=conditions, Actions=[action]
        )
        return str(answer["Rules"][0]["RuleArn"])

    def fixed(status: str) -> dict[str, object]:
        config = {"StatusCode": status, "ContentType": "text/plain"}
        return {"Type": "fixed-response", "FixedResponseConfig": config}

    to_https = rule(5, "/login", {"Type": "redirect", "RedirectConfig": redirect})
    refusal = rule(10, "/admin/*", fixed("503"))
    options = AwsOptions(regions=("us-east-1",), services=("ec2", "elbv2"))
    verdict, message = verdicts(collect_aws(options), CONTROL)[(CONTROL, listener)]
    assert verdict is Verdict.PASS, message

    group_arn = group["TargetGroups"][0]["TargetGroupArn"]
    api = rule(20, "/api/*", {"Type": "forward", "TargetGroupArn": group_arn})
    page = rule(30, "/health", fixed("200"))
    verdict, message = verdicts(collect_aws(options), CONTROL)[(CONTROL, listener)]
    assert verdict is Verdict.FAIL, message
    assert api in message and page in message  # both answer with content over HTTP
    assert to_https not in message and refusal not in message
