"""The collection run: parallel regions, progress, failures recorded per call, read-only."""

from __future__ import annotations

import dataclasses
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from archproof.errors import UsageError
from archproof.inventory.model import Unknown
from archproof.moto_server import MotoServer, free_port
from archproof.sources.aws import AwsOptions, collect_aws, kms, session
from archproof.sources.aws import collect as collect_module
from archproof.sources.aws.base import Scan
from archproof.sources.aws.session import AwsSession


def test_two_regions_in_parallel_global_services_once(aws: boto3.Session, moto: MotoServer) -> None:
    for region in ("us-east-1", "eu-west-1"):
        tags: Any = [{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": f"app-{region}"}]}]
        aws.client("ec2", region_name=region).create_vpc(
            CidrBlock="10.9.0.0/16", TagSpecifications=tags
        )
    aws.client("s3").create_bucket(Bucket="logs")
    trail = aws.client("cloudtrail").create_trail(
        Name="everywhere", S3BucketName="logs", IsMultiRegionTrail=True
    )
    lines: list[str] = []
    inv = collect_aws(
        AwsOptions(
            regions=("us-east-1", "eu-west-1"),
            services=("ec2", "s3", "iam", "cloudtrail"),
            max_workers=4,
            progress=lines.append,
        )
    )
    assert inv.errors == []
    assert (inv.source, inv.origin) == ("live", "aws:123456789012")
    assert inv.scope == {
        "regions": ["us-east-1", "eu-west-1"],
        "services": ["ec2", "s3", "iam", "cloudtrail"],
        "account": "123456789012",
        # iam collected against moto: no root user; the bucket lacks S3's default block
        "gaps": ["root-mfa", "s3-default-public-access-block"],
    }
    apps = {v.region: v.name for v in inv.of_kind("aws_vpc") if v.name.startswith("app-")}
    assert apps == {"us-east-1": "app-us-east-1", "eu-west-1": "app-eu-west-1"}
    assert [b.address for b in inv.of_kind("aws_s3_bucket")] == ["logs"]
    assert len(inv.of_kind("aws_iam_account_summary")) == 1
    # a multi-region trail is seen from every region, collected in its home region only
    [collected] = inv.of_kind("aws_cloudtrail")
    assert (collected.address, collected.region) == (trail["TrailARN"], "us-east-1")
    done = sorted(line.split(" (")[0] for line in lines if " done (" in line)
    assert done == [
        "cloudtrail eu-west-1 done",
        "cloudtrail us-east-1 done",
        "ec2 eu-west-1 done",
        "ec2 us-east-1 done",
        "iam global done",
        "s3 global done",
    ]


def test_default_region_and_all_services(moto: MotoServer) -> None:
    inv = collect_aws(AwsOptions())
    assert inv.scope["regions"] == ["us-east-1"]
    assert inv.scope["services"] == list(collect_module.SERVICES)
    assert {e.call for e in inv.errors} <= {"ListBackupSelections"}


def test_quiet_without_progress(moto: MotoServer, capsys: pytest.CaptureFixture[str]) -> None:
    collect_aws(AwsOptions(services=("sqs",)))
    assert capsys.readouterr() == ("", "")


def test_unknown_service_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown AWS service lightsail"):
        collect_aws(AwsOptions(services=("ec2", "lightsail")))


def test_unreachable_endpoint_of_one_service_is_recorded(
    aws: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_KMS", f"http://127.0.0.1:{free_port()}")
    aws.client("sqs").create_queue(QueueName="jobs")
    inv = collect_aws(AwsOptions(services=("kms", "sqs")))
    [error] = inv.errors
    assert (error.source, error.service, error.region, error.call) == (
        "live",
        "kms",
        "us-east-1",
        "ListKeys",
    )
    assert error.kinds == ("aws_kms_key",)
    assert "EndpointConnectionError" in error.message
    assert error.describe().startswith("kms ListKeys in us-east-1 failed:")
    assert [q.get("name") for q in inv.of_kind("aws_sqs_queue")] == ["jobs"]  # others go on


def _stubbed_scan(service: str) -> tuple[Scan, Stubber]:
    aws = AwsSession(boto3.Session(region_name="us-east-1"), "123456789012", "")
    client: Any = boto3.client(  # type: ignore[call-overload]
        service, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )
    aws._clients[(service, "us-east-1")] = client
    return Scan(service=service, region="us-east-1", aws=aws), Stubber(client)


def test_access_denied_is_recorded_with_service_region_and_call() -> None:
    scan, stubber = _stubbed_scan("kms")
    stubber.add_client_error(
        "list_keys", service_error_code="AccessDeniedException", service_message="not allowed"
    )
    with stubber:
        kms.collect(scan)
    [error] = scan.errors
    assert (error.service, error.region, error.call, error.kinds) == (
        "kms",
        "us-east-1",
        "ListKeys",
        ("aws_kms_key",),
    )
    assert error.message == "AccessDeniedException: not allowed"


def test_failure_for_one_item_is_recorded_for_that_item() -> None:
    scan, stubber = _stubbed_scan("kms")
    stubber.add_response("list_keys", {"Keys": [{"KeyId": "k1"}], "Truncated": False})
    stubber.add_response("list_aliases", {"Aliases": [], "Truncated": False})
    meta = {"KeyId": "k1", "Arn": "arn:aws:kms:us-east-1:123456789012:key/k1"}
    stubber.add_response(
        "describe_key", {"KeyMetadata": {**meta, "KeyManager": "CUSTOMER", "KeyState": "Enabled"}}
    )
    stubber.add_response("list_resource_tags", {"Tags": [], "Truncated": False})
    stubber.add_client_error(
        "get_key_rotation_status", service_error_code="KMSInvalidStateException"
    )
    with stubber:
        kms.collect(scan)
    [error] = scan.errors
    assert (error.call, error.message) == (
        "GetKeyRotationStatus",
        "KeyId=k1: KMSInvalidStateException",
    )
    [key] = scan.resources
    assert key.get("enable_key_rotation").reason == "the key rotation status could not be read"


def test_a_collector_bug_costs_only_its_own_kinds(
    moto: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(scan: Scan) -> None:
        raise KeyError("VpcId")

    collectors = tuple(
        dataclasses.replace(c, run=broken) if c.service == "kms" else c
        for c in collect_module.COLLECTORS
    )
    monkeypatch.setattr(collect_module, "COLLECTORS", collectors)
    inv = collect_aws(AwsOptions(services=("kms", "sqs")))
    [error] = inv.errors
    assert (error.service, error.call, error.kinds) == ("kms", "(collect)", ("aws_kms_key",))
    assert "KeyError" in error.message


def test_only_describe_list_and_get_calls(
    aws: boto3.Session, moto: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    aws.client("s3").create_bucket(Bucket="logs")
    aws.client("sqs").create_queue(QueueName="jobs")
    aws.client("kms").create_key()
    calls: set[str] = set()
    real = session.make_client

    def recording(boto: boto3.Session, service: str, region: str) -> Any:
        client = real(boto, service, region)
        client.meta.events.register("before-call.*.*", lambda model, **_: calls.add(model.name))
        return client

    monkeypatch.setattr(session, "make_client", recording)
    collect_aws(AwsOptions())
    assert len(calls) > 30
    assert all(c.startswith(("Describe", "List", "Get")) for c in calls), sorted(calls)


def test_root_mfa_is_unknown_against_the_local_control_plane(moto: object) -> None:
    inv = collect_aws(AwsOptions(regions=("us-east-1",), services=("iam",)))
    summary = inv.of_kind("aws_iam_account_summary")[0]
    value = summary.get("account_mfa_enabled")
    assert isinstance(value, Unknown) and "no root user" in value.reason
