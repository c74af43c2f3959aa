"""CloudWatch: metric alarms."""

from __future__ import annotations

from typing import Any

from archproof.sources.aws.base import Scan

KINDS = ("aws_cloudwatch_metric_alarm",)


def collect(scan: Scan) -> None:
    cloudwatch = scan.client("cloudwatch")
    op, key = "describe_alarms", "MetricAlarms[]"
    for alarm in scan.items(cloudwatch, op, key, KINDS, AlarmTypes=["MetricAlarm"]) or ():
        _add(scan, alarm)


def _add(scan: Scan, alarm: dict[str, Any]) -> None:
    name, arn = alarm["AlarmName"], alarm.get("AlarmArn")
    scan.add(
        "aws_cloudwatch_metric_alarm",
        name,
        {
            "alarm_name": name,
            "id": name,
            "arn": arn,
            "alarm_description": alarm.get("AlarmDescription"),
            "metric_name": alarm.get("MetricName"),
            "namespace": alarm.get("Namespace"),
            "statistic": alarm.get("Statistic"),
            "extended_statistic": alarm.get("ExtendedStatistic"),
            "dimensions": {d["Name"]: d.get("Value") for d in alarm.get("Dimensions", ())},
            "comparison_operator": alarm.get("ComparisonOperator"),
            "threshold": alarm.get("Threshold"),
            "evaluation_periods": alarm.get("EvaluationPeriods"),
            "datapoints_to_alarm": alarm.get("DatapointsToAlarm"),
            "period": alarm.get("Period"),
            "treat_missing_data": alarm.get("TreatMissingData"),
            "actions_enabled": bool(alarm.get("ActionsEnabled")),
            "alarm_actions": list(alarm.get("AlarmActions", ())),
            "ok_actions": list(alarm.get("OKActions", ())),
            "insufficient_data_actions": list(alarm.get("InsufficientDataActions", ())),
            "metric_query": [
                {
                    "id": q.get("Id"),
                    "expression": q.get("Expression"),
                    "return_data": q.get("ReturnData"),
                }
                for q in alarm.get("Metrics", ())
            ],
            "state_value": alarm.get("StateValue"),
        },
        ids=(name, arn),
    )
