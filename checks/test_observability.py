"""Observability: an audit trail in every region, alarms on documented metrics, LB access logs."""

from __future__ import annotations

from archproof.controls.api import Findings, Subject, control
from archproof.controls.facts import is_set
from archproof.inventory.model import Resource, Unknown
from archproof.verdict import Failed, Inconclusive


@control(
    "cloudtrail-multi-region",
    needs=("aws_cloudtrail",),
    severity="high",
    frameworks={"CIS-AWS": "3.1", "SOC2": "CC7.2"},
)
def test_audit_trail_covers_every_region(subject: Subject) -> None:
    """A CloudTrail trail records API activity in every region and is logging."""
    trails = subject.inventory.of_kind("aws_cloudtrail")
    undecided: list[str] = []
    seen: list[str] = []
    for trail in trails:
        multi = trail.get("is_multi_region_trail")
        logging = trail.get("enable_logging")
        if logging is None and trail.source.startswith("plan"):
            logging = True  # the provider's default
        if multi is True and logging is True:
            return
        if isinstance(multi, Unknown) or isinstance(logging, Unknown):
            undecided.append(trail.address)
        seen.append(f"{trail.address}: is_multi_region_trail={multi}, logging={logging}")
    if undecided:
        raise Inconclusive(f"{subject.test_id}: trails {undecided} known only after apply")
    raise Failed(
        f"{subject.test_id}: {'; '.join(seen) or 'no trail'}, "
        "required a multi-region trail that is logging"
    )


@control(
    "alarms-on-metrics",
    needs=("aws_cloudwatch_metric_alarm",),
    severity="medium",
    params={"alarm_metrics": ["CPUUtilization", "UnHealthyHostCount"]},
)
def test_documented_metrics_raise_alarms(subject: Subject) -> None:
    """Every documented metric has a CloudWatch alarm that notifies someone (with a scope: an
    alarm of the system — tagged as it, or watching its resources — never another's)."""
    alarms = subject.scoped("aws_cloudwatch_metric_alarm")
    covered: set[str] = set()
    unknown = False
    for alarm in alarms:
        metric = alarm.get("metric_name")
        actions = is_set(subject, alarm, "alarm_actions")
        if isinstance(metric, Unknown) or isinstance(actions, Unknown):
            unknown = True
        elif isinstance(metric, str) and actions:
            covered.add(metric)
    missing = [m for m in subject.params["alarm_metrics"] if m not in covered]
    if missing and unknown:
        raise Inconclusive(f"{subject.test_id}: alarms for {missing} not seen; some alarms unknown")
    if missing:
        raise Failed(
            f"{subject.test_id}: alarms with actions on {sorted(covered)}, required also {missing}"
        )


@control(
    "lb-access-logs",
    kinds=("aws_lb", "aws_elb"),
    severity="medium",
    select=lambda s, r: r.get("internal") is not True,
    frameworks={"PCI-DSS": "10.2.1"},
)
def test_public_load_balancer_logs_requests(resource: Resource) -> None:
    """Internet-facing load balancers write access logs."""
    findings = Findings(resource)
    logs = resource.get("access_logs")
    enabled = (logs or [{}])[0].get("enabled") if isinstance(logs, list) else logs
    findings.check("access_logs.enabled", enabled, enabled is True, "true")
    findings.close()


def _own_vpc(subject: Subject, vpc: Resource) -> bool:
    """VPCs of the estate (the account's default VPC is left out)"""
    return vpc.get("default") is not True


@control(
    "vpc-flow-logs",
    kinds=("aws_vpc",),
    needs=("aws_flow_log",),
    severity="medium",
    params={"flow_log_traffic": ["ALL", "REJECT"]},
    select=_own_vpc,
    frameworks={"CIS-AWS": "3.9", "PCI-DSS": "10.2.1"},
)
def test_vpc_traffic_is_logged(subject: Subject, resource: Resource) -> None:
    """Every VPC records its traffic in flow logs (the VPC, or each of its subnets)."""
    inv = subject.inventory
    findings = Findings(resource)
    wanted = [str(t).upper() for t in subject.params["flow_log_traffic"]]
    logs = inv.referring(resource, "aws_flow_log", "vpc_id")
    maybe = inv.maybe_referring(resource, "aws_flow_log", "vpc_id")
    if not logs:
        subnets = inv.referring(resource, "aws_subnet", "vpc_id")
        maybe += inv.maybe_referring(resource, "aws_subnet", "vpc_id")  # unlogged, perhaps
        per_subnet = [inv.referring(s, "aws_flow_log", "subnet_id") for s in subnets]
        if subnets and all(per_subnet):
            logs = [log for found in per_subnet for log in found]
    if maybe and (not logs or any(m.kind == "aws_subnet" for m in maybe)):
        findings.unknown("flow log coverage", f"{maybe[0].address} may belong to this VPC")
    elif not logs:
        findings.fail("aws_flow_log", None, f"a flow log on the VPC (traffic {wanted[0]})")
    for log in logs:
        traffic = log.get("traffic_type")
        findings.check(
            f"{log.address} traffic_type",
            traffic,
            str(traffic).upper() in wanted,
            f"one of {wanted}",
        )
    findings.close()
