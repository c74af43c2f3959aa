"""Guard rails for experiments that mutate AWS: which resources an experiment targets and
whether each one opted in (tag ``archproof:chaos=allowed``) or was named explicitly.

The runner calls ``experiment_targets`` + ``check_opt_in`` before running anything; the
experiments repeat the check in their steady-state hypothesis (``target_opted_in``) and
archproof's own fault actions repeat it once more before touching anything
(``require_opt_in``), so a chaostoolkit run outside the runner is guarded too.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from chaoslib.exceptions import ActivityFailed  # type: ignore[import-untyped]

from archproof.chaos.aws import (
    OPT_IN_TAG,
    OPT_IN_VALUE,
    Configuration,
    Secrets,
    aws_session,
    explicit_targets,
    failure,
    region_of,
)
from archproof.sources.aws.base import tag_dict
from archproof.sources.aws.session import make_client

EXTENSION = "archproof"
# kind → (service, what the id names): the kinds an experiment's extension may list
KINDS: dict[str, tuple[str, str]] = {
    "asg": ("autoscaling", "Auto Scaling group"),
    "db_cluster": ("rds", "Aurora DB cluster"),
    "db_instance": ("rds", "RDS DB instance"),
    "replication_group": ("elasticache", "ElastiCache replication group"),
    "vpc": ("ec2", "VPC"),
}
_NOT_FOUND = {
    "DBClusterNotFoundFault",
    "DBInstanceNotFound",
    "DBInstanceNotFoundFault",
    "ReplicationGroupNotFoundFault",
    "InvalidVpcID.NotFound",
    "ValidationError",
}


@dataclass(frozen=True, slots=True)
class AwsTarget:
    """A resource an experiment will break: kind (see ``KINDS``), id and region;
    ``config`` is the configuration key it came from, ``env`` the variable that sets it."""

    kind: str
    id: str
    region: str
    config: str = ""
    env: str = ""

    def __str__(self) -> str:
        return f"{self.kind} {self.id or '(none)'} in {self.region}"


def extension(experiment: Mapping[str, Any]) -> dict[str, Any]:
    """The experiment's ``archproof`` extension (``{}`` when it has none)."""
    for item in experiment.get("extensions") or ():
        if isinstance(item, dict) and item.get("name") == EXTENSION:
            return item
    return {}


def experiment_targets(
    experiment: Mapping[str, Any], configuration: Configuration
) -> list[AwsTarget]:
    """The targets named by the extension (``{"kind", "config"}``: a configuration key),
    with ids and region from ``configuration``: either the loaded configuration (keys such
    as ``asg_name``) or environment values (``ARCHPROOF_CHAOS_ASG``); the process
    environment and the experiment's defaults fill what it lacks."""
    values = resolve_configuration(experiment, configuration)
    declared = experiment.get("configuration") or {}
    region = region_of(values)
    targets = []
    for entry in extension(experiment).get("targets") or ():
        key = str(entry.get("config", ""))
        source = declared.get(key)
        env = str(source.get("key", "")) if isinstance(source, dict) else ""
        value = values.get(key)
        target_id = "" if value is None or isinstance(value, dict) else str(value).strip()
        targets.append(AwsTarget(str(entry.get("kind", "")), target_id, region, key, env))
    return targets


def resolve_configuration(
    experiment: Mapping[str, Any], configuration: Configuration
) -> dict[str, Any]:
    """The experiment's configuration values without running anything: a key given in
    ``configuration``, else its environment variable (from ``configuration``, then the
    process environment), else its default. Dynamic (probe) values are left out."""
    given = configuration or {}
    values: dict[str, Any] = {}
    for key, spec in (experiment.get("configuration") or {}).items():
        if key in given:
            values[key] = given[key]
        elif isinstance(spec, dict) and spec.get("type") == "env":
            env = str(spec.get("key", ""))
            found = given.get(env, os.environ.get(env, spec.get("default")))
            if found is not None:
                values[key] = found
        elif not isinstance(spec, dict):
            values[key] = spec
    return values


def read_tags(
    session: boto3.Session, kind: str, target_id: str, region: str
) -> dict[str, str] | None:
    """The target's tags; ``None`` when it does not exist. API failures propagate."""
    service = KINDS[kind][0]
    api = make_client(session, service, region)
    try:
        if kind == "asg":
            groups = api.describe_auto_scaling_groups(AutoScalingGroupNames=[target_id])
            found = groups.get("AutoScalingGroups") or []
            return tag_dict(found[0].get("Tags")) if found else None
        if kind == "vpc":
            vpcs = api.describe_vpcs(VpcIds=[target_id]).get("Vpcs") or []
            return tag_dict(vpcs[0].get("Tags")) if vpcs else None
        if kind == "db_cluster":
            clusters = api.describe_db_clusters(DBClusterIdentifier=target_id)["DBClusters"]
            arn = clusters[0]["DBClusterArn"] if clusters else None
        elif kind == "db_instance":
            instances = api.describe_db_instances(DBInstanceIdentifier=target_id)["DBInstances"]
            arn = instances[0]["DBInstanceArn"] if instances else None
        else:
            groups = api.describe_replication_groups(ReplicationGroupId=target_id)
            found = groups.get("ReplicationGroups") or []
            arn = found[0].get("ARN") if found else None
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in _NOT_FOUND:
            return None
        raise
    if not arn:
        return None
    return tag_dict(api.list_tags_for_resource(ResourceName=arn).get("TagList"))


def opt_in_problem(session: boto3.Session, target: AwsTarget, explicit: Iterable[str] = ()) -> str:
    """Why ``target`` may not be broken ("" when it may): named explicitly, or tagged."""
    where = (
        f"{KINDS[target.kind][1]} {target.id!r} in {target.region}" if target.kind in KINDS else ""
    )
    if target.kind not in KINDS:
        return f"{target}: unknown target kind {target.kind!r} (known: {', '.join(KINDS)})"
    if not target.id:
        how = f" (set {target.env})" if target.env else ""
        return f"{target.kind} in {target.region}: no id configured in {target.config!r}{how}"
    if target.id in set(explicit):
        return ""
    try:
        tags = read_tags(session, target.kind, target.id, target.region)
    except (BotoCoreError, ClientError) as exc:
        return f"{where}: cannot read its tags ({failure(exc)})"
    if tags is None:
        return f"{where}: not found"
    value = tags.get(OPT_IN_TAG)
    if value == OPT_IN_VALUE:
        return ""
    seen = f"tag {OPT_IN_TAG}={value!r}" if value is not None else f"no tag {OPT_IN_TAG}"
    return f"{where}: {seen}, needs {OPT_IN_TAG}={OPT_IN_VALUE} or to be named explicitly"


def check_opt_in(session: boto3.Session, targets: list[AwsTarget], explicit: set[str]) -> list[str]:
    """Problems that forbid the run, one per target that neither carries
    ``archproof:chaos=allowed`` nor is in ``explicit`` (or is missing / unknown)."""
    problems = [opt_in_problem(session, target, explicit) for target in targets]
    return [problem for problem in problems if problem]


def require_opt_in(
    kind: str,
    target_id: str,
    configuration: Configuration = None,
    secrets: Secrets = None,
) -> None:
    """Raise ``ActivityFailed`` unless the target opted in or is in ``explicit_targets``."""
    target = AwsTarget(kind, target_id, region_of(configuration))
    problem = opt_in_problem(
        aws_session(configuration, secrets), target, explicit_targets(configuration)
    )
    if problem:
        raise ActivityFailed(f"refusing to touch {problem}")
