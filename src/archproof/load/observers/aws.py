"""Capacity of an EC2 Auto Scaling group, optionally cross-checked with its ALB/NLB target groups.

Read-only: ``DescribeAutoScalingGroups``, ``DescribeScalingActivities``,
``DescribeTargetGroups`` and ``DescribeTargetHealth``. Clients use botocore's
adaptive retries (as the AWS source does), so throttling is absorbed by the
client; anything it cannot absorb becomes an ``ObserverError`` that names the
call, the region and the reason.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from archproof.load.observers.base import CapacitySample, ObserverError
from archproof.sources.aws.session import (
    DEFAULT_REGION,
    client_config,
    describe_failure,
    is_loopback_url,
)

# One sample a second: a call that hangs must not stall the harness for a minute.
TIMEOUTS = Config(connect_timeout=5, read_timeout=15)
TARGET_HEALTHY = "healthy"
TARGET_UNHEALTHY = "unhealthy"


def observer_client(session: boto3.Session, service: str, region: str) -> Any:
    """A client with the project's adaptive retry policy and short timeouts."""
    client: Any = session.client(  # type: ignore[call-overload]
        service, region_name=region, config=client_config().merge(TIMEOUTS)
    )
    if is_loopback_url(client.meta.endpoint_url):  # moto: one try, no retries
        client = session.client(  # type: ignore[call-overload]
            service, region_name=region, config=client_config(local=True).merge(TIMEOUTS)
        )
    return client


def call(client: Any, op: str, **params: Any) -> dict[str, Any]:
    """``client.op(**params)``; failures become ``ObserverError`` naming call and region."""
    try:
        answer = dict(getattr(client, op)(**params))
    except (ClientError, BotoCoreError) as exc:
        raise ObserverError(_failure(client, op, exc)) from exc
    answer.pop("ResponseMetadata", None)
    return answer


def paginate(client: Any, op: str, key: str, **params: Any) -> list[Any]:
    """Every item under ``key`` of a paginated call, through all pages."""
    try:
        pages = client.get_paginator(op).paginate(**params)
        return [item for page in pages for item in page.get(key, [])]
    except (ClientError, BotoCoreError) as exc:
        raise ObserverError(_failure(client, op, exc)) from exc


def _failure(client: Any, op: str, exc: BaseException) -> str:
    service = client.meta.service_model.service_name
    api = client.meta.method_to_api_mapping.get(op, op)
    return f"{service} {api} in {client.meta.region_name}: {describe_failure(exc)}"


def discover_groups(
    session: boto3.Session,
    region: str,
    tag_key: str | None = None,
    tag_value: str | None = None,
) -> list[str]:
    """Names of the Auto Scaling groups in ``region`` carrying a tag (sorted).

    ``tag_key`` alone matches any value, ``tag_value`` alone any key, both the
    exact pair; neither lists every group. Raises ``ObserverError``.
    """
    filters: list[dict[str, Any]] = []
    if tag_key is not None and tag_value is not None:
        filters.append({"Name": f"tag:{tag_key}", "Values": [tag_value]})
    elif tag_key is not None:
        filters.append({"Name": "tag-key", "Values": [tag_key]})
    elif tag_value is not None:
        filters.append({"Name": "tag-value", "Values": [tag_value]})
    client = observer_client(session, "autoscaling", region)
    groups = paginate(client, "describe_auto_scaling_groups", "AutoScalingGroups", Filters=filters)
    # The filter is applied again here: not every endpoint honours ``Filters``.
    return sorted(str(g["AutoScalingGroupName"]) for g in groups if _tagged(g, tag_key, tag_value))


def _tagged(group: Mapping[str, Any], key: str | None, value: str | None) -> bool:
    if key is None and value is None:
        return True
    return any(
        (key is None or tag.get("Key") == key) and (value is None or tag.get("Value") == value)
        for tag in group.get("Tags", [])
    )


class AutoScalingGroupObserver:
    """Desired and healthy capacity of one Auto Scaling group (``Observer``).

    ``target_groups`` are ARNs or names; names are resolved with
    ``DescribeTargetGroups`` on the first sample and remembered. With target
    groups, ``detail["healthy_in_service_and_targets"]`` counts the instances that
    are InService and Healthy in the group *and* healthy in every target group
    (instance targets; moto keeps terminated instances "healthy" there, so the
    intersection with the group's own instances matters).
    """

    def __init__(
        self,
        session: boto3.Session,
        group: str,
        target_groups: tuple[str, ...] = (),
        region: str | None = None,
    ) -> None:
        self.group = group
        self.target_groups = tuple(target_groups)
        self.region = region or session.region_name or DEFAULT_REGION
        self._autoscaling = observer_client(session, "autoscaling", self.region)
        self._elbv2 = observer_client(session, "elbv2", self.region) if target_groups else None
        self._resolved: dict[str, str] | None = None  # target group name → ARN

    @property
    def name(self) -> str:
        return f"aws-asg:{self.group}"

    def sample(self) -> CapacitySample:
        """Read the group, its latest scaling activity and its target groups now."""
        t = time.time()
        group = self._describe_group()
        instances: list[dict[str, Any]] = list(group.get("Instances", []))
        serving = {
            str(i["InstanceId"])
            for i in instances
            if i.get("LifecycleState") == "InService" and i.get("HealthStatus") == "Healthy"
        }
        detail: dict[str, object] = {
            "region": self.region,
            "min_size": group.get("MinSize"),
            "max_size": group.get("MaxSize"),
            "instances": len(instances),
            "instances_by_state": _count(i.get("LifecycleState") for i in instances),
            "instances_by_health": _count(i.get("HealthStatus") for i in instances),
            "instances_by_az": _count(i.get("AvailabilityZone") for i in instances),
            "latest_activity": self._latest_activity(),
        }
        if self.target_groups:
            per_group, healthy_targets = self._target_health()
            detail["target_groups"] = per_group
            in_all = set.intersection(*healthy_targets) if healthy_targets else set()
            detail["healthy_in_service_and_targets"] = len(serving & in_all)
        return CapacitySample(
            t=t, desired=int(group["DesiredCapacity"]), healthy=len(serving), detail=detail
        )

    def _describe_group(self) -> dict[str, Any]:
        answer = call(
            self._autoscaling, "describe_auto_scaling_groups", AutoScalingGroupNames=[self.group]
        )
        found = [
            g
            for g in answer.get("AutoScalingGroups", [])
            if g["AutoScalingGroupName"] == self.group
        ]
        if not found:
            raise ObserverError(f"Auto Scaling group {self.group!r} not found in {self.region}")
        return dict(found[0])

    def _latest_activity(self) -> dict[str, object] | None:
        answer = call(
            self._autoscaling,
            "describe_scaling_activities",
            AutoScalingGroupName=self.group,
            MaxRecords=1,
        )
        activities = answer.get("Activities", [])
        if not activities:
            return None
        latest = activities[0]
        start = latest.get("StartTime")
        return {
            "status": latest.get("StatusCode"),
            "start_time": start.isoformat() if isinstance(start, datetime) else start,
            "description": latest.get("Description"),
        }

    def _target_health(self) -> tuple[dict[str, object], list[set[str]]]:
        """Per target group counts, and the healthy target ids of each group."""
        per_group: dict[str, object] = {}
        healthy_ids: list[set[str]] = []
        for label, arn in self._target_group_arns().items():
            answer = call(self._elbv2, "describe_target_health", TargetGroupArn=arn)
            states = [
                (str(d["Target"]["Id"]), str(d.get("TargetHealth", {}).get("State", "")))
                for d in answer.get("TargetHealthDescriptions", [])
            ]
            by_state = _count(state for _, state in states)
            healthy = by_state.get(TARGET_HEALTHY, 0)
            unhealthy = by_state.get(TARGET_UNHEALTHY, 0)
            per_group[label] = {
                "arn": arn,
                "healthy": healthy,
                "unhealthy": unhealthy,
                "other": len(states) - healthy - unhealthy,
                "states": by_state,
            }
            healthy_ids.append({target for target, state in states if state == TARGET_HEALTHY})
        return per_group, healthy_ids

    def _target_group_arns(self) -> dict[str, str]:
        """The configured target groups, labelled as given, mapped to their ARNs."""
        if self._resolved is None:
            names = [g for g in self.target_groups if not g.startswith("arn:")]
            resolved = {g: g for g in self.target_groups if g.startswith("arn:")}
            if names:
                answer = call(self._elbv2, "describe_target_groups", Names=names)
                found = {
                    str(tg["TargetGroupName"]): str(tg["TargetGroupArn"])
                    for tg in answer.get("TargetGroups", [])
                }
                missing = [n for n in names if n not in found]
                if missing:
                    raise ObserverError(
                        f"elbv2 DescribeTargetGroups in {self.region}: "
                        f"target group(s) not found: {', '.join(missing)}"
                    )
                resolved.update({n: found[n] for n in names})
            self._resolved = {g: resolved[g] for g in self.target_groups}
        return self._resolved


def _count(values: Iterable[object]) -> dict[str, int]:
    return dict(sorted(Counter(str(v) for v in values if v is not None).items()))
