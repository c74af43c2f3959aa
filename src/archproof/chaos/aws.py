"""What the AWS failure experiments share: sessions and clients built from chaostoolkit's
``configuration``/``secrets``, the opt-in tag, and the records written to ``records_dir``.

Configuration keys read here (the experiments in ``chaos/aws-*.json`` fill them from the
environment): ``aws_region``, ``aws_profile_name`` (optional), ``records_dir``,
``explicit_targets`` (ids named on the command line, a list or a comma-separated string).
Secrets (optional, as chaostoolkit-aws reads them): ``aws_access_key_id``,
``aws_secret_access_key``, ``aws_session_token``.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import boto3
from chaoslib.exceptions import ActivityFailed  # type: ignore[import-untyped]

from archproof.sources.aws.session import DEFAULT_REGION, describe_failure, make_client

OPT_IN_TAG = "archproof:chaos"
OPT_IN_VALUE = "allowed"  # the target may be broken on purpose
DRILL_VALUE = "drill"  # a temporary resource a drill created (and deletes)
BLACKHOLE_VALUE = "blackhole"  # the deny-all network ACL of a zone-loss experiment
DEFAULT_RECORDS_DIR = "reports/chaos"
FAULTS_FILE = "faults.jsonl"
RECOVERY_FILE = "recovery.jsonl"  # what the wait_* probes saw: recovered or not, how fast

_SECRET_KEYS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")
_ENV_KEYS = ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SESSION_TOKEN")
_CLIENTS: dict[tuple[str, ...], Any] = {}
_LOCK = threading.Lock()

Configuration = Mapping[str, Any] | None
Secrets = Mapping[str, Any] | None

__all__ = [
    "BLACKHOLE_VALUE",
    "DRILL_VALUE",
    "OPT_IN_TAG",
    "OPT_IN_VALUE",
    "RECOVERY_FILE",
    "append_fault",
    "append_record",
    "aws_session",
    "client",
    "explicit_targets",
    "failure",
    "read_state",
    "records_dir",
    "region_of",
    "remove_state",
    "wait_until",
    "write_state",
]


def region_of(configuration: Configuration) -> str:
    """``aws_region`` from the configuration, else the environment's, else us-east-1."""
    region = (configuration or {}).get("aws_region")
    if region:
        return str(region)
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION


def aws_session(configuration: Configuration = None, secrets: Secrets = None) -> boto3.Session:
    """A boto3 session for the experiment: its region, optional profile and secrets;
    ``aws_assume_role_arn`` (as in chaostoolkit-aws) assumes that role first."""
    config = configuration or {}
    given = secrets or {}
    region = region_of(configuration)
    session = boto3.Session(
        aws_access_key_id=given.get("aws_access_key_id") or None,
        aws_secret_access_key=given.get("aws_secret_access_key") or None,
        aws_session_token=given.get("aws_session_token") or None,
        profile_name=config.get("aws_profile_name") or None,
        region_name=region,
    )
    role = config.get("aws_assume_role_arn")
    if not role:
        return session
    sts = make_client(session, "sts", region)
    name = str(config.get("aws_assume_role_session_name") or "archproof-chaos")
    found = sts.assume_role(RoleArn=str(role), RoleSessionName=name)["Credentials"]
    return boto3.Session(
        aws_access_key_id=found["AccessKeyId"],
        aws_secret_access_key=found["SecretAccessKey"],
        aws_session_token=found["SessionToken"],
        region_name=region,
    )


def client(service: str, configuration: Configuration = None, secrets: Secrets = None) -> Any:
    """A retrying client (one try against a loopback control plane such as moto); reused
    while region, profile, credentials and endpoint stay the same (not for assumed roles,
    whose credentials expire)."""
    config = configuration or {}
    if config.get("aws_assume_role_arn"):
        return make_client(aws_session(configuration, secrets), service, region_of(configuration))
    given = secrets or {}
    key = (
        service,
        region_of(configuration),
        str(config.get("aws_profile_name") or ""),
        *(str(given.get(k) or "") for k in _SECRET_KEYS),
        *(os.environ.get(k, "") for k in _ENV_KEYS),
    )
    with _LOCK:
        found = _CLIENTS.get(key)
        if found is None:
            session = aws_session(configuration, secrets)
            found = _CLIENTS[key] = make_client(session, service, region_of(configuration))
        return found


def explicit_targets(configuration: Configuration) -> set[str]:
    """Target ids the user named explicitly (``explicit_targets``: list or "a,b")."""
    value = (configuration or {}).get("explicit_targets") or ()
    items = value.split(",") if isinstance(value, str) else [str(v) for v in value]
    return {item.strip() for item in items if item.strip()}


def records_dir(configuration: Configuration) -> Path:
    """``records_dir`` from the configuration (created when missing)."""
    path = Path(str((configuration or {}).get("records_dir") or DEFAULT_RECORDS_DIR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def append_record(
    configuration: Configuration, name: str, line: Mapping[str, Any]
) -> dict[str, Any]:
    """Append one JSON line, stamped ``"t"`` (epoch seconds), to ``<records_dir>/<name>``."""
    record = {"t": time.time(), **line}
    with (records_dir(configuration) / name).open("a", encoding="utf-8") as out:
        out.write(json.dumps(record, sort_keys=True, default=str) + "\n")
    return record


def append_fault(
    configuration: Configuration, fault: str, target: str, detail: Any = ""
) -> dict[str, Any]:
    """Append ``{"t", "fault", "target", "detail"}`` to ``<records_dir>/faults.jsonl``."""
    return append_record(
        configuration, FAULTS_FILE, {"fault": fault, "target": target, "detail": detail}
    )


def _state_path(configuration: Configuration, name: str) -> Path:
    return records_dir(configuration) / f"aws-{name}.json"


def read_state(configuration: Configuration, name: str) -> dict[str, Any] | None:
    """What an action left for its rollback (``<records_dir>/aws-<name>.json``), if any."""
    path = _state_path(configuration, name)
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else None


def write_state(configuration: Configuration, name: str, state: Mapping[str, Any]) -> None:
    """Write the state atomically, so an interrupted write never loses the previous one."""
    path = _state_path(configuration, name)
    partial = path.with_suffix(".json.tmp")
    partial.write_text(json.dumps(state, indent=2, sort_keys=True, default=str), "utf-8")
    partial.replace(path)


def remove_state(configuration: Configuration, name: str, keep_as: str = "") -> None:
    """Drop the state once rolled back (renamed to ``keep_as`` for the evidence, if given)."""
    path = _state_path(configuration, name)
    if not path.exists():
        return
    if keep_as:
        path.replace(_state_path(configuration, keep_as))
    else:
        path.unlink()


def failure(exc: BaseException) -> str:
    """One line naming what the AWS API answered."""
    return describe_failure(exc)


def wait_until(
    state: Callable[[], tuple[bool, dict[str, Any]]],
    timeout_s: float,
    interval_s: float,
    configuration: Configuration,
    target: str,
) -> dict[str, Any]:
    """Poll ``state`` until done or ``timeout_s``; the outcome also goes to
    ``<records_dir>/recovery.jsonl`` (``{"t", "target", "recovered", "seconds", "seen"}``)."""
    started = time.monotonic()
    while True:
        done, seen = state()
        elapsed = round(time.monotonic() - started, 3)
        if done or elapsed >= float(timeout_s):
            line = {"target": target, "recovered": done, "seconds": elapsed, "seen": seen}
            append_record(configuration, RECOVERY_FILE, line)
        if done:
            return {"recovered": True, "seconds": elapsed, **seen}
        if elapsed >= float(timeout_s):
            raise ActivityFailed(f"not recovered within {timeout_s} s (last seen: {seen})")
        time.sleep(max(0.0, min(float(interval_s), float(timeout_s) - elapsed)))
