"""Provisioners for people and secrets: IAM users, console passwords, MFA devices, user
policies, SSM parameters and Secrets Manager secrets.

Enrolling a virtual MFA device takes two codes from its owner's authenticator app,
which Terraform cannot do; the provisioner plays the owner: it enrols the device for
the user its ``User`` tag names (the control plane accepts any pair of codes).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from archproof.estates.provision_base import Context, Provisioner, drop_none, tag_list


def user(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    created = context.client("iam").create_user(
        **drop_none(
            UserName=values["name"],
            Path=values.get("path"),
            Tags=tag_list(values) or None,
        )
    )["User"]
    return {
        "id": created["UserName"],
        "name": created["UserName"],
        "arn": created["Arn"],
        "unique_id": created["UserId"],
    }


def login_profile(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    length = int(values.get("password_length") or 20)
    password = secrets.token_urlsafe(length)[:length] + "Aa1!"
    context.client("iam").create_login_profile(
        UserName=values["user"],
        Password=password,
        PasswordResetRequired=bool(values.get("password_reset_required", True)),
    )
    return {"id": values["user"]}


def virtual_mfa_device(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    iam = context.client("iam")
    device = iam.create_virtual_mfa_device(
        **drop_none(
            VirtualMFADeviceName=values["virtual_mfa_device_name"],
            Path=values.get("path"),
            Tags=tag_list(values) or None,
        )
    )["VirtualMFADevice"]
    serial = device["SerialNumber"]
    owner = (values.get("tags") or {}).get("User")
    if owner:
        iam.enable_mfa_device(
            UserName=owner,
            SerialNumber=serial,
            AuthenticationCode1="123456",
            AuthenticationCode2="654321",
        )
    return {"id": serial, "arn": serial, "user_name": owner}


def user_policy(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    context.client("iam").put_user_policy(
        UserName=values["user"], PolicyName=values["name"], PolicyDocument=values["policy"]
    )
    return {"id": f"{values['user']}:{values['name']}"}


def ssm_parameter(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    name = values["name"]
    context.client("ssm").put_parameter(
        **drop_none(
            Name=name,
            Type=values["type"],
            Value=values["value"],
            Description=values.get("description"),
            KeyId=values.get("key_id"),
            Tier=values.get("tier"),
            Tags=tag_list(values) or None,
        )
    )
    arn = context.arn("ssm", f"parameter/{name.lstrip('/')}")
    return {"id": name, "arn": arn, "version": 1}


def secret(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    created = context.client("secretsmanager").create_secret(
        **drop_none(
            Name=values["name"],
            Description=values.get("description"),
            KmsKeyId=values.get("kms_key_id"),
            Tags=tag_list(values) or None,
        )
    )
    return {"id": created["ARN"], "arn": created["ARN"]}


PROVISIONERS: dict[str, Provisioner] = {
    "aws_iam_user": user,
    "aws_iam_user_login_profile": login_profile,
    "aws_iam_virtual_mfa_device": virtual_mfa_device,
    "aws_iam_user_policy": user_policy,
    "aws_ssm_parameter": ssm_parameter,
    "aws_secretsmanager_secret": secret,
}
