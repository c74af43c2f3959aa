"""Secrets: kept in Secrets Manager or SSM SecureString, not in parameters, env or user data;
instance credentials behind IMDSv2.

Messages name the variable, parameter or user-data key; a value is never shown.
"""

from __future__ import annotations

from typing import Any

from archproof.controls.api import Findings, Subject, control
from archproof.inventory.defaults import AMI_DECIDES_IMDS
from archproof.inventory.model import Resource, Unknown, first_block, is_unset
from archproof.inventory.secrets import (
    PLACEHOLDER,
    REFERENCE_PATTERNS,
    SECRET_PATTERNS,
    assignments,
    decode_user_data,
    is_store_pointer,
    secret_like,
    secret_shapes,
)

KINDS = ("aws_ssm_parameter", "aws_lambda_function", "aws_launch_template")
PARAMS: dict[str, Any] = {
    "secret_patterns": list(SECRET_PATTERNS),
    "reference_patterns": list(REFERENCE_PATTERNS),
}
# What a reference in configuration may hand over: the secret itself, or where it is kept.
SECRET_MATERIAL = (
    "random_password",
    "aws_secretsmanager_secret_version",
    "data.aws_secretsmanager_secret_version",
    "aws_iam_access_key",
    "tls_private_key",
)
STORE_POINTERS = ("aws_secretsmanager_secret", "data.aws_secretsmanager_secret")
SHAPES = {"aws-access-key-id": "an AWS access key id", "private-key": "a private key"}


def _patterns(subject: Subject) -> tuple[list[str], list[str]]:
    return (
        [str(p) for p in subject.params["secret_patterns"]],
        [str(p) for p in subject.params["reference_patterns"]],
    )


def _named_secret(subject: Subject, name: str) -> bool:
    patterns, references = _patterns(subject)
    return secret_like(name, patterns, references)


def _judged(subject: Subject, resource: Resource) -> bool:
    if resource.kind != "aws_ssm_parameter":
        return True
    name = resource.get("name")
    return not isinstance(name, str) or _named_secret(subject, name)


def _referenced(subject: Subject, resource: Resource, *paths: str) -> list[Resource]:
    found: dict[int, Resource] = {}
    for path in paths:
        for target in subject.inventory.related(resource, path):
            found.setdefault(id(target), target)
    return list(found.values())


def _secret_material(subject: Subject, resource: Resource, *paths: str) -> list[str]:
    return [r.address for r in _referenced(subject, resource, *paths) if r.kind in SECRET_MATERIAL]


@control(
    "secrets-in-key-store",
    kinds=KINDS,
    severity="high",
    params=PARAMS,
    select=_judged,
    frameworks={"AWS-WA": "SEC02-BP03"},
)
def test_secrets_live_in_a_key_store(subject: Subject, resource: Resource) -> None:
    """Secrets live in Secrets Manager or SSM SecureString, not in parameters, env or user data."""
    findings = Findings(resource)
    if resource.kind == "aws_ssm_parameter":
        _judge_parameter(resource, findings)
    elif resource.kind == "aws_lambda_function":
        _judge_environment(subject, resource, findings)
    else:
        _judge_user_data(subject, resource, findings)
    findings.close()


def _judge_parameter(resource: Resource, findings: Findings) -> None:
    name, kind = resource.get("name"), resource.get("type")
    if isinstance(name, Unknown):
        findings.unknown("name", name)
        return
    findings.check("type", kind, kind == "SecureString", "'SecureString' for a secret-like name")


def _judge_environment(subject: Subject, resource: Resource, findings: Findings) -> None:
    blocks = resource.get("environment")
    if isinstance(blocks, Unknown):
        findings.unknown("environment", blocks)
        return
    paths = ("environment.0.variables", "environment.variables")
    material = _secret_material(subject, resource, *paths)
    if material:
        findings.fail(
            "environment.variables",
            f"values from {', '.join(material)}",
            "no secret material in environment variables (read it from the key store at run time)",
        )
    pointers = [r.kind for r in _referenced(subject, resource, *paths)]
    for block in blocks if isinstance(blocks, list) else []:
        variables = block.get("variables") if isinstance(block, dict) else None
        if isinstance(variables, Unknown):
            findings.unknown("environment.variables", variables)
            continue
        for name, value in (variables or {}).items():
            if not _named_secret(subject, str(name)):
                continue
            what = f"environment variable {name}"
            if isinstance(value, Unknown):
                if pointers and all(kind in STORE_POINTERS for kind in pointers):
                    continue  # the ARN or name of a secret, read at run time
                findings.unknown(what, "its value is known only after apply")
            elif isinstance(value, str) and value and not is_store_pointer(value):
                shown = "(a literal value)" if value != PLACEHOLDER else "(a value)"
                findings.fail(what, shown, "a pointer into Secrets Manager or SSM, not the secret")


def _judge_user_data(subject: Subject, resource: Resource, findings: Findings) -> None:
    material = _secret_material(subject, resource, "user_data")
    if material:
        findings.fail(
            "user_data",
            f"values from {', '.join(material)}",
            "no secret material in user data (read it from the key store at boot)",
        )
    holders: list[tuple[str, Any]] = [("user_data", resource.attributes)]
    latest = resource.attributes.get("latest")  # live: the latest version, when not the default
    if isinstance(latest, dict):
        holders.append(("latest version user_data", latest))
    for what, holder in holders:
        if "user_data" not in holder:
            reason = resource.missing or "not recorded by the source"
            findings.unknown(what, reason)
            continue
        value = holder["user_data"]
        if isinstance(value, Unknown):
            findings.unknown(what, value)
        elif isinstance(value, str) and value:
            _judge_text(subject, what, decode_user_data(value), findings)


def _judge_text(subject: Subject, what: str, text: str, findings: Findings) -> None:
    for shape in secret_shapes(text):
        shown = SHAPES.get(shape, shape)
        findings.fail(what, f"contains {shown}", "no secret values in user data")
    named = sorted(
        {
            a.name
            for a in assignments(text)
            if a.kind == "literal" and _named_secret(subject, a.name)
        }
    )
    if named:
        findings.fail(
            f"{what} sets {', '.join(named)}",
            "(literal values)",
            "secrets read from Secrets Manager or SSM at boot, not written into user data",
        )


@control(
    "imdsv2-required",
    kinds=("aws_instance", "aws_launch_template", "aws_launch_configuration"),
    severity="high",
    frameworks={"AWS-FSBP": "EC2.8", "CIS-AWS": "5.6"},
)
def test_instance_metadata_needs_a_session_token(resource: Resource) -> None:
    """Instances answer metadata requests only with a session token (IMDSv2).

    A token per session keeps SSRF from reading the instance role's credentials.
    """
    findings = Findings(resource)
    options = resource.get("metadata_options")
    block = first_block(options)
    tokens = None if isinstance(block, Unknown) else block.get("http_tokens")
    if isinstance(block, Unknown):
        findings.unknown("metadata_options", AMI_DECIDES_IMDS if is_unset(block) else block)
    elif block.get("http_endpoint") == "disabled":
        findings.note("the metadata service is disabled")
    elif tokens in (None, "") or is_unset(tokens):
        findings.unknown("metadata_options.http_tokens", AMI_DECIDES_IMDS)
    else:
        findings.check("metadata_options.http_tokens", tokens, tokens == "required", "'required'")
    findings.close()
