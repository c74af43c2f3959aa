"""Lambda functions: environment variable names are kept, their values never are."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import boto3

from archproof.inventory.secrets import PLACEHOLDER

SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"


def code() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handle(event, context):\n    return event\n")
    return buffer.getvalue()


def role(aws: boto3.Session) -> str:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    return str(
        aws.client("iam").create_role(RoleName="fn", AssumeRolePolicyDocument=json.dumps(trust))[
            "Role"
        ]["Arn"]
    )


def test_functions_keep_names_and_drop_values(aws: boto3.Session, collect: Any, one: Any) -> None:
    arn = aws.client("lambda").create_function(
        FunctionName="convert",
        Runtime="python3.12",
        Role=role(aws),
        Handler="handler.handle",
        Code={"ZipFile": code()},
        Environment={
            "Variables": {"DB_PASSWORD": "hunter2", "DB_SECRET_ARN": SECRET_ARN, "EMPTY": ""}
        },
        Tags={"Name": "converter"},
    )["FunctionArn"]
    inv = collect("lambda")
    assert inv.errors == []
    function = one(inv, "aws_lambda_function", "convert")
    assert function.ids == ("convert", arn) and function.name == "converter"
    assert function.get("environment.0.variables") == {
        "DB_PASSWORD": PLACEHOLDER,
        "DB_SECRET_ARN": SECRET_ARN,
        "EMPTY": "",
    }
    assert "hunter2" not in repr(function.attributes)
    assert (function.get("runtime"), function.get("vpc_config")) == ("python3.12", [])
