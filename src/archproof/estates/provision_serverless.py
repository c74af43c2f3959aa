"""Provisioners for serverless: S3 objects, Lambda functions and permissions, HTTP APIs.

Creating a function needs no container; invoking one (not done here) would.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from archproof.estates.provision_base import Context, Provisioner, drop_none, first


def s3_object(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    if values.get("content_base64") is not None:
        body = base64.b64decode(values["content_base64"])
    else:
        body = str(values.get("content") or "").encode()
    answer = context.client("s3").put_object(
        **drop_none(
            Bucket=values["bucket"],
            Key=values["key"],
            Body=body,
            ContentType=values.get("content_type"),
        )
    )
    return {
        "id": values["key"],
        "etag": str(answer.get("ETag", "")).strip('"'),
        "version_id": answer.get("VersionId", ""),
    }


def lambda_function(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    variables = first(values, "environment").get("variables")
    created = context.client("lambda").create_function(
        **drop_none(
            FunctionName=values["function_name"],
            Role=values["role"],
            Runtime=values.get("runtime"),
            Handler=values.get("handler"),
            Code={"S3Bucket": values["s3_bucket"], "S3Key": values["s3_key"]},
            Timeout=values.get("timeout"),
            MemorySize=values.get("memory_size"),
            Environment={"Variables": dict(variables)} if variables else None,
            Tags=dict(values.get("tags") or {}) or None,
        )
    )
    arn = created["FunctionArn"]
    invoke = (
        f"arn:aws:apigateway:{context.region}:lambda:path/2015-03-31/functions/{arn}/invocations"
    )
    return {
        "id": values["function_name"],
        "arn": arn,
        "invoke_arn": invoke,
        "qualified_arn": f"{arn}:{created.get('Version', '$LATEST')}",
        "version": created.get("Version"),
    }


def lambda_permission(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    context.client("lambda").add_permission(
        **drop_none(
            FunctionName=values["function_name"],
            StatementId=values["statement_id"],
            Action=values["action"],
            Principal=values["principal"],
            SourceArn=values.get("source_arn"),
        )
    )
    return {"id": values["statement_id"]}


def http_api(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    created = context.client("apigatewayv2").create_api(
        **drop_none(
            Name=values["name"],
            ProtocolType=values["protocol_type"],
            Tags=dict(values.get("tags") or {}) or None,
        )
    )
    api_id = created["ApiId"]
    return {
        "id": api_id,
        "api_endpoint": created.get("ApiEndpoint"),
        "arn": f"arn:aws:apigateway:{context.region}::/apis/{api_id}",
        "execution_arn": context.arn("execute-api", api_id),
    }


def api_integration(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    created = context.client("apigatewayv2").create_integration(
        **drop_none(
            ApiId=values["api_id"],
            IntegrationType=values["integration_type"],
            IntegrationUri=values.get("integration_uri"),
            PayloadFormatVersion=values.get("payload_format_version"),
        )
    )
    return {"id": created["IntegrationId"]}


def api_route(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    created = context.client("apigatewayv2").create_route(
        **drop_none(ApiId=values["api_id"], RouteKey=values["route_key"], Target=values["target"])
    )
    return {"id": created["RouteId"]}


def api_stage(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    context.client("apigatewayv2").create_stage(
        **drop_none(
            ApiId=values["api_id"],
            StageName=values["name"],
            AutoDeploy=values.get("auto_deploy"),
        )
    )
    return {"id": values["name"]}


PROVISIONERS: dict[str, Provisioner] = {
    "aws_s3_object": s3_object,
    "aws_lambda_function": lambda_function,
    "aws_lambda_permission": lambda_permission,
    "aws_apigatewayv2_api": http_api,
    "aws_apigatewayv2_integration": api_integration,
    "aws_apigatewayv2_route": api_route,
    "aws_apigatewayv2_stage": api_stage,
}
