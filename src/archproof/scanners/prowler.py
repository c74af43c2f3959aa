"""prowler on the live AWS account or Kubernetes cluster, read from its json-ocsf output.

The account is the one the environment points at: ``AWS_ENDPOINT_URL`` and the credentials
are inherited, so the same run works against the local control plane (moto). The cluster is
the kubeconfig's (``--kubeconfig-file``, ``--context``, ``--namespace``). ``-z`` turns
"failed findings" (exit 3) into 0, so a non-zero exit is a crash. Never ``--version``: it
calls GitHub.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from archproof.scanners.findings import Finding, FindingStatus, ScannerFailure

TOOL = "prowler"
OUTPUT = "{output}"
_STATUS = {"PASS": FindingStatus.PASS, "FAIL": FindingStatus.FAIL, "MANUAL": FindingStatus.MANUAL}
K8S_SERVICES = frozenset(
    {"apiserver", "controllermanager", "core", "etcd", "kubelet", "rbac", "scheduler"}
)
"""The services of prowler's kubernetes provider; every other check id is an AWS one."""


def service_of(check_id: str) -> str:
    """prowler names each check after its service: ``rds_instance_multi_az`` → ``rds``."""
    return check_id.split("_", 1)[0]


def provider_of(check_id: str) -> str:
    """``k8s`` for a check of prowler's kubernetes provider (``core_…``), else ``aws``."""
    return "k8s" if service_of(check_id) in K8S_SERVICES else "aws"


def prowler_k8s_args(
    services: Sequence[str],
    kubeconfig: str | None = None,
    context: str | None = None,
    namespaces: Sequence[str] = (),
) -> list[str]:
    """Arguments of a kubernetes scan after the executable; the output folder is ``{output}``."""
    args = ["kubernetes"]
    if kubeconfig:
        args += ["--kubeconfig-file", kubeconfig]
    if context:
        args += ["--context", context]
    if namespaces:
        args += ["--namespace", *namespaces]
    if services:
        args += ["--service", *services]
    return [*args, *_OUTPUT_ARGS]


def prowler_args(
    services: Sequence[str],
    regions: Sequence[str] = (),
    profile: str | None = None,
    role_arn: str | None = None,
) -> list[str]:
    """Arguments after the executable; the output folder is ``{output}``."""
    args = ["aws"]
    if services:
        args += ["--service", *services]
    if regions:
        args += ["--region", *regions]
    if profile:
        args += ["--profile", profile]
    if role_arn:
        args += ["--role", role_arn]
    return [*args, *_OUTPUT_ARGS, "--aws-retries-max-attempts", "1"]


_OUTPUT_ARGS = (
    "--output-formats",
    "json-ocsf",
    "-o",
    OUTPUT,
    "-F",
    "archproof",
    "--no-banner",
    "--no-color",
    "-z",
    "--log-level",
    "ERROR",
)


def read_ocsf(folder: Path) -> list[Finding]:
    """Findings from the json-ocsf file prowler wrote into ``folder``."""
    files = sorted(folder.glob("*.ocsf.json"))
    if not files:
        raise ScannerFailure(TOOL, f"wrote no json-ocsf file into {folder}")
    findings: list[Finding] = []
    for file in files:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ScannerFailure(TOOL, f"unparsable output {file.name}: {exc}") from None
        if not isinstance(data, list):
            raise ScannerFailure(TOOL, f"unparsable output {file.name}: not a list of findings")
        try:
            findings.extend(_finding(item) for item in data)
        except (KeyError, TypeError, IndexError, AttributeError) as exc:
            raise ScannerFailure(
                TOOL, f"unparsable output {file.name}: a finding without {exc}"
            ) from None
    return findings


def _finding(item: dict[str, Any]) -> Finding:
    info = item["finding_info"]
    check_id = str(item["metadata"]["event_code"])
    resources = item.get("resources") or [{}]
    resource = resources[0]
    region = str(resource.get("region") or item.get("cloud", {}).get("region") or "")
    status = _STATUS.get(str(item["status_code"]).upper(), FindingStatus.MANUAL)
    if str(item.get("status", "")).lower() == "suppressed":
        status = FindingStatus.SKIPPED
    return Finding(
        tool=TOOL,
        check_id=check_id,
        status=status,
        resource=str(resource.get("uid") or resource.get("name") or info.get("uid") or ""),
        message=str(item.get("status_detail") or item.get("message") or info.get("title")),
        title=str(info.get("title") or check_id),
        severity=str(item.get("severity") or "").lower(),
        location=region,
        kind=str(resource.get("type") or ""),
        name=str(resource.get("name") or ""),
    )
