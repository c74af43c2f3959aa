"""secrets-in-key-store through the real plugin, on a real plan JSON document and on the real
moto server. No secret value may reach a verdict message, a report or the live inventory."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import boto3
from plan_documents import LATER, plan_file, planned

from archproof.check import CheckRequest, judge
from archproof.moto_server import MotoServer
from archproof.run import Run
from archproof.sources.aws import AwsOptions, collect_aws
from archproof.sources.plan import load_plan
from archproof.spec.model import Spec
from archproof.verdict import Verdict, VerdictRecord

SECRET = "hunter2-Zq9"  # must never show up in a message, a report or the live inventory
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"
CONTROLS: dict[str, dict[str, Any]] = {"secrets-in-key-store": {}}


# --- judging through the plugin -------------------------------------------------------------


def spec(controls: dict[str, dict[str, Any]], roles: dict[str, Any] | None = None) -> Spec:
    return Spec.model_validate(
        {
            "system": "secrets",
            "cloud": "aws",
            "document": "Edge test",
            "roles": roles or {},
            "requirements": [
                {
                    "id": f"REQ-{position}",
                    "claim": "c",
                    "source": {"system": "Edge", "section": "s"},
                    "controls": [{"id": control, "params": params}],
                }
                for position, (control, params) in enumerate(controls.items())
            ],
        }
    )


def judged(run: Run, tmp_path: Path) -> dict[tuple[str, str], VerdictRecord]:
    judge(run, CheckRequest(spec_path="-", reports=tmp_path / "reports", quiet=True))
    return {(r.control, r.resource): r for r in run.records}


def verdicts(records: dict[tuple[str, str], VerdictRecord], control: str) -> dict[str, Verdict]:
    return {resource: r.verdict for (c, resource), r in records.items() if c == control}


def user_data(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def secrets_plan(tmp_path: Path) -> Path:
    def parameter(name: str, key: str, kind: Any) -> dict[str, Any]:
        return planned(f"aws_ssm_parameter.{name}", {"name": key, "type": kind, "value": SECRET})

    def function(name: str, variables: dict[str, Any], ref: str = "") -> dict[str, Any]:
        values = {"function_name": name, "environment": [{"variables": variables}]}
        paths = {"environment__0__variables": ref} if ref else {}
        return planned(f"aws_lambda_function.{name}", values, **paths)

    def template(name: str, data: Any, **refs: str) -> dict[str, Any]:
        return planned(f"aws_launch_template.{name}", {"name": name, "user_data": data}, **refs)

    return plan_file(
        tmp_path,
        parameter("db_password", "/app/db/password", "SecureString"),
        parameter("api_token", "/app/api_token", "String"),
        parameter("mode", "/app/mode", "String"),
        parameter("unsure", "/app/signing_key", LATER),
        planned("aws_secretsmanager_secret.db", {"name": "db", "arn": LATER}),
        planned("random_password.db", {"length": 32, "result": LATER}),
        function(
            "good", {"DB_SECRET": LATER, "STAGE": "prod"}, ref="aws_secretsmanager_secret.db.arn"
        ),
        function("leaky", {"API_KEY": SECRET, "STAGE": "prod"}),
        function("generated", {"DB_CONN": LATER}, ref="random_password.db.result"),
        function("unsure", {"DB_PASSWORD": LATER}, ref="aws_ssm_parameter.db_password.value"),
        template(
            "clean",
            user_data("#!/bin/sh\nexport DB_PASSWORD=$(aws ssm get-parameter --name /app/db)\n"),
        ),
        template("leaky", user_data(f"#!/bin/sh\nexport DB_PASSWORD={SECRET}\nrun --verbose\n")),
        template("keyed", user_data(f"[default]\naws_access_key_id = {ACCESS_KEY}\n")),
        template("later", LATER),
    )


def test_secrets_on_a_plan(tmp_path: Path) -> None:
    inventory = load_plan(secrets_plan(tmp_path))
    records = judged(Run(spec(CONTROLS), "default", [inventory]), tmp_path)
    assert verdicts(records, "secrets-in-key-store") == {
        "aws_ssm_parameter.db_password": Verdict.PASS,
        "aws_ssm_parameter.api_token": Verdict.FAIL,
        "aws_ssm_parameter.unsure": Verdict.INCONCLUSIVE,
        # aws_ssm_parameter.mode: not a secret-like name, not judged
        "aws_lambda_function.good": Verdict.PASS,
        "aws_lambda_function.leaky": Verdict.FAIL,
        "aws_lambda_function.generated": Verdict.FAIL,
        "aws_lambda_function.unsure": Verdict.INCONCLUSIVE,
        "aws_launch_template.clean": Verdict.PASS,
        "aws_launch_template.leaky": Verdict.FAIL,
        "aws_launch_template.keyed": Verdict.FAIL,
        "aws_launch_template.later": Verdict.INCONCLUSIVE,
    }
    messages = {k[1]: r.message for k, r in records.items()}
    assert "type='String', required 'SecureString'" in messages["aws_ssm_parameter.api_token"]
    assert "environment variable API_KEY=" in messages["aws_lambda_function.leaky"]
    assert "values from random_password.db" in messages["aws_lambda_function.generated"]
    assert "user_data sets DB_PASSWORD" in messages["aws_launch_template.leaky"]
    assert "contains an AWS access key id" in messages["aws_launch_template.keyed"]
    reports = "".join(p.read_text() for p in (tmp_path / "reports").iterdir() if p.is_file())
    for text in (*messages.values(), reports):
        assert SECRET not in text and ACCESS_KEY not in text


def code() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handle(event, context):\n    return event\n")
    return buffer.getvalue()


def provision_secrets(aws: boto3.Session) -> None:
    ssm = aws.client("ssm")
    ssm.put_parameter(Name="/app/db/password", Value=SECRET, Type="SecureString")
    ssm.put_parameter(Name="/app/api_token", Value=SECRET, Type="String")
    ssm.put_parameter(Name="/app/mode", Value="blue", Type="String")
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
    role = aws.client("iam").create_role(RoleName="fn", AssumeRolePolicyDocument=json.dumps(trust))
    functions = {
        "good": {"DB_SECRET_ARN": SECRET_ARN, "STAGE": "prod"},
        "leaky": {"DB_PASSWORD": SECRET, "STAGE": "prod"},
    }
    for name, variables in functions.items():
        aws.client("lambda").create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role["Role"]["Arn"],
            Handler="handler.handle",
            Code={"ZipFile": code()},
            Environment={"Variables": variables},
        )
    aws.client("ec2").create_launch_template(
        LaunchTemplateName="boot",
        LaunchTemplateData={"UserData": user_data(f"export DB_PASSWORD={SECRET}\n")},
    )


def test_secrets_on_a_live_account(moto: MotoServer, aws: boto3.Session, tmp_path: Path) -> None:
    provision_secrets(aws)
    services = ("ssm", "lambda", "autoscaling")
    inventory = collect_aws(AwsOptions(regions=("us-east-1",), services=services))
    assert inventory.errors == []
    assert SECRET not in repr([r.attributes for r in inventory])
    records = judged(Run(spec(CONTROLS), "default", [inventory]), tmp_path)
    found = verdicts(records, "secrets-in-key-store")
    template = next(r.address for r in inventory.of_kind("aws_launch_template"))
    assert found == {
        "/app/db/password": Verdict.PASS,
        "/app/api_token": Verdict.FAIL,
        "good": Verdict.PASS,
        "leaky": Verdict.FAIL,
        template: Verdict.FAIL,  # user data sets DB_PASSWORD (only the name is kept)
    }
    assert (
        "environment variable DB_PASSWORD='(a value)'"
        in records[("secrets-in-key-store", "leaky")].message
    )
    assert "user_data sets DB_PASSWORD" in records[("secrets-in-key-store", template)].message
    for record in records.values():
        assert SECRET not in record.message
