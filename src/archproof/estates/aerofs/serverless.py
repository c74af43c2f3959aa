"""Serverless: a Lambda function triggered over HTTP through API Gateway.

The function ingests events for the central log store; it reads the store's password
from the parameter store at run time, so its environment names only where it is kept.
The code is uploaded as an object of an artifact bucket.
"""

from __future__ import annotations

import base64
import io
import zipfile

from archproof.estates.aerofs.common import NAME, REGION, policy
from archproof.estates.model import EstateResource, ref, tpl
from archproof.estates.shared import storage
from archproof.estates.shared.rules import trust

ARTIFACT_BUCKET = "aerofs-artifacts-usw2"
FUNCTION = f"{NAME}-ingest"
HANDLER_CODE = (
    "import json\n\n\n"
    "def handle(event, context):\n"
    '    return {"statusCode": 202, "body": json.dumps({"accepted": True})}\n'
)
LAMBDA_TRUST = trust("lambda.amazonaws.com")
INGEST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "WriteOwnLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"arn:aws:logs:{REGION}:*:log-group:/aws/lambda/{FUNCTION}:*",
        },
        {
            "Sid": "ReadStorePassword",
            "Effect": "Allow",
            "Action": ["ssm:GetParameter"],
            "Resource": f"arn:aws:ssm:{REGION}:*:parameter/{NAME}/elasticsearch/password",
        },
    ],
}


def package() -> str:
    """The function's deployment package (a zip of one file), as base64 text."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        entry = zipfile.ZipInfo("handler.py", date_time=(2020, 1, 1, 0, 0, 0))
        archive.writestr(entry, HANDLER_CODE)
    return base64.b64encode(buffer.getvalue()).decode()


def _artifacts() -> list[EstateResource]:
    bucket = ref("aws_s3_bucket.artifacts.id")
    return [
        EstateResource(
            "aws_s3_bucket",
            "artifacts",
            {"bucket": ARTIFACT_BUCKET, "tags": {"Name": ARTIFACT_BUCKET}},
        ),
        storage.public_access_block("artifacts"),
        EstateResource(
            "aws_s3_object",
            "ingest",
            {
                "bucket": bucket,
                "key": "lambda/ingest.zip",
                "content_base64": package(),
                "content_type": "application/zip",
            },
        ),
    ]


def _function() -> list[EstateResource]:
    return [
        EstateResource(
            "aws_iam_role",
            "ingest",
            {
                "name": FUNCTION,
                "assume_role_policy": policy(LAMBDA_TRUST),
                "tags": {"Name": FUNCTION},
            },
        ),
        EstateResource(
            "aws_iam_role_policy",
            "ingest",
            {
                "name": FUNCTION,
                "role": ref("aws_iam_role.ingest.id"),
                "policy": policy(INGEST_POLICY),
            },
        ),
        EstateResource(
            "aws_lambda_function",
            "ingest",
            {
                "function_name": FUNCTION,
                "role": ref("aws_iam_role.ingest.arn"),
                "runtime": "python3.12",
                "handler": "handler.handle",
                "s3_bucket": ref("aws_s3_object.ingest.bucket"),
                "s3_key": ref("aws_s3_object.ingest.key"),
                "timeout": 10,
                "environment": [
                    {
                        "variables": {
                            "STORE_PASSWORD_PARAMETER": f"/{NAME}/elasticsearch/password",
                            "STORE_INDEX": "events",
                        }
                    }
                ],
                "tags": {"Name": FUNCTION},
            },
        ),
    ]


def _gateway() -> list[EstateResource]:
    api = ref("aws_apigatewayv2_api.ingest.id")
    return [
        EstateResource(
            "aws_apigatewayv2_api",
            "ingest",
            {"name": FUNCTION, "protocol_type": "HTTP", "tags": {"Name": FUNCTION}},
        ),
        EstateResource(
            "aws_apigatewayv2_integration",
            "ingest",
            {
                "api_id": api,
                "integration_type": "AWS_PROXY",
                "integration_uri": ref("aws_lambda_function.ingest.invoke_arn"),
                "payload_format_version": "2.0",
            },
        ),
        EstateResource(
            "aws_apigatewayv2_route",
            "ingest",
            {
                "api_id": api,
                "route_key": "POST /events",
                "target": tpl("integrations/${aws_apigatewayv2_integration.ingest.id}"),
            },
        ),
        EstateResource(
            "aws_apigatewayv2_stage",
            "default",
            {"api_id": api, "name": "$default", "auto_deploy": True},
        ),
        EstateResource(
            "aws_lambda_permission",
            "gateway",
            {
                "statement_id": "AllowApiGatewayInvoke",
                "action": "lambda:InvokeFunction",
                "function_name": ref("aws_lambda_function.ingest.function_name"),
                "principal": "apigateway.amazonaws.com",
                "source_arn": tpl("${aws_apigatewayv2_api.ingest.execution_arn}/*/*"),
            },
        ),
    ]


def api() -> list[EstateResource]:
    return [*_artifacts(), *_function(), *_gateway()]
