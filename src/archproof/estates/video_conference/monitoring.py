"""Monitoring: CloudWatch alarms on the nodes and the load balancer, published to an SNS topic."""

from __future__ import annotations

from typing import Any

from archproof.estates.model import EstateResource, ref
from archproof.estates.video_conference.common import NAME

TOPIC = ref("aws_sns_topic.alerts.arn")


def _alarm(
    name: str,
    namespace: str,
    metric: str,
    dimensions: dict[str, Any],
    *,
    statistic: str,
    threshold: float,
    description: str,
) -> EstateResource:
    return EstateResource(
        "aws_cloudwatch_metric_alarm",
        name,
        {
            "alarm_name": f"{NAME}-{name.replace('_', '-')}",
            "alarm_description": description,
            "namespace": namespace,
            "metric_name": metric,
            "dimensions": dimensions,
            "statistic": statistic,
            "period": 300 if namespace == "AWS/EC2" else 60,
            "evaluation_periods": 2,
            "threshold": threshold,
            "comparison_operator": "GreaterThanThreshold",
            "treat_missing_data": "notBreaching",
            "alarm_actions": [TOPIC],
            "ok_actions": [TOPIC],
            "tags": {"Name": f"{NAME}-{name.replace('_', '-')}"},
        },
    )


def monitoring() -> list[EstateResource]:
    lb = ref("aws_lb.app.arn_suffix")
    return [
        EstateResource(
            "aws_sns_topic",
            "alerts",
            {
                "name": f"{NAME}-alerts",
                "kms_master_key_id": ref("aws_kms_key.main.id"),
                "tags": {"Name": f"{NAME}-alerts"},
            },
        ),
        _alarm(
            "nodes_cpu_high",
            "AWS/EC2",
            "CPUUtilization",
            {"AutoScalingGroupName": ref("aws_autoscaling_group.nodes.name")},
            statistic="Average",
            threshold=80,
            description="Cluster nodes run hot: CPU above 80% for 10 minutes",
        ),
        _alarm(
            "unhealthy_hosts",
            "AWS/ApplicationELB",
            "UnHealthyHostCount",
            {"LoadBalancer": lb, "TargetGroup": ref("aws_lb_target_group.app.arn_suffix")},
            statistic="Maximum",
            threshold=0,
            description="A node fails the load balancer's health check",
        ),
        _alarm(
            "lb_5xx",
            "AWS/ApplicationELB",
            "HTTPCode_ELB_5XX_Count",
            {"LoadBalancer": lb},
            statistic="Sum",
            threshold=10,
            description="The load balancer answers with server errors",
        ),
    ]
