"""Lambda: functions with their environment variable NAMES (values are never kept: each is
replaced by a placeholder, except pointers into a key store), VPC placement and key."""

from __future__ import annotations

from typing import Any

from archproof.inventory.model import Unknown
from archproof.inventory.secrets import redact_variables
from archproof.sources.aws.base import Scan

KINDS = ("aws_lambda_function",)


def collect(scan: Scan) -> None:
    client = scan.client("lambda")
    for function in scan.items(client, "list_functions", "Functions[]", KINDS) or ():
        arn = function.get("FunctionArn")
        answer = scan.call(client, "list_tags", KINDS, Resource=arn) if arn else {}
        tags = {str(k): str(v) for k, v in ((answer or {}).get("Tags") or {}).items()}
        _add(scan, function, tags)


def _environment(function: dict[str, Any]) -> list[dict[str, Any]] | Unknown:
    environment = function.get("Environment")
    if not environment:
        return []
    error = environment.get("Error")
    if error and "Variables" not in environment:
        message = error.get("Message") or error.get("ErrorCode") or "unreadable"
        return Unknown(f"the environment could not be read: {message}")
    return [{"variables": redact_variables(environment.get("Variables"))}]


def _add(scan: Scan, function: dict[str, Any], tags: dict[str, str]) -> None:
    name, arn = function["FunctionName"], function.get("FunctionArn")
    vpc = function.get("VpcConfig") or {}
    scan.add(
        "aws_lambda_function",
        name,
        {
            "function_name": name,
            "id": name,
            "arn": arn,
            "role": function.get("Role"),
            "runtime": function.get("Runtime"),
            "handler": function.get("Handler"),
            "package_type": function.get("PackageType"),
            "architectures": list(function.get("Architectures", ())),
            "memory_size": function.get("MemorySize"),
            "timeout": function.get("Timeout"),
            "kms_key_arn": function.get("KMSKeyArn"),
            "environment": _environment(function),
            "vpc_config": [
                {
                    "subnet_ids": list(vpc.get("SubnetIds", ())),
                    "security_group_ids": list(vpc.get("SecurityGroupIds", ())),
                    "vpc_id": vpc.get("VpcId"),
                }
            ]
            if vpc.get("SubnetIds")
            else [],
            "tracing_config": [{"mode": (function.get("TracingConfig") or {}).get("Mode")}],
            "layers": [layer.get("Arn") for layer in function.get("Layers", ())],
            "last_modified": function.get("LastModified"),
        },
        ids=(name, arn),
        tags=tags,
    )
