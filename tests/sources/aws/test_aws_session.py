"""The session: identity, role assumption, profiles, client configuration."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from archproof.errors import EXIT_EVIDENCE_MISSING, SourceError, UsageError
from archproof.moto_server import MotoServer, free_port
from archproof.sources.aws import AwsOptions, collect_aws
from archproof.sources.aws.session import AwsSession, is_loopback_url, make_client


def test_unreachable_endpoint_is_fatal_source_error(
    moto: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
    with pytest.raises(SourceError) as caught:
        collect_aws(AwsOptions(services=("ec2",)))
    error = caught.value
    assert (error.service, error.region, error.call) == ("sts", "us-east-1", "GetCallerIdentity")
    assert "cannot read the caller identity" in str(error)
    assert "EndpointConnectionError" in str(error)
    assert error.exit_code == EXIT_EVIDENCE_MISSING


def test_missing_credentials_is_fatal_source_error(
    moto: MotoServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(SourceError, match="NoCredentialsError"):
        collect_aws(AwsOptions(services=("ec2",)))


def test_role_is_assumed_with_the_archproof_session_name(moto: MotoServer) -> None:
    aws = AwsSession.open(role_arn="arn:aws:iam::123456789012:role/auditor")
    assert aws.account == "123456789012"
    assert aws.caller_arn.endswith(":assumed-role/auditor/archproof")
    inv = collect_aws(
        AwsOptions(role_arn="arn:aws:iam::123456789012:role/auditor", services=("sqs",))
    )
    assert inv.origin == "aws:123456789012" and inv.errors == []


def test_profile_from_the_config_file(
    moto: MotoServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "config"
    config.write_text(
        "[profile audit]\nregion = eu-west-1\n"
        "aws_access_key_id = testing\naws_secret_access_key = testing\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    inv = collect_aws(AwsOptions(profile="audit", services=("sqs",)))
    assert inv.scope["regions"] == ["eu-west-1"]
    with pytest.raises(UsageError, match="profile 'nope' not found"):
        collect_aws(AwsOptions(profile="nope"))


def test_clients_retry_adaptively_except_against_a_loopback_endpoint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    boto = boto3.Session(aws_access_key_id="a", aws_secret_access_key="b", region_name="us-east-1")
    remote = make_client(boto, "ec2", "eu-west-1")
    assert remote.meta.config.retries == {"mode": "adaptive", "total_max_attempts": 11}
    assert "archproof" in remote.meta.config.user_agent_extra
    assert remote.meta.region_name == "eu-west-1"
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")
    local = make_client(boto, "ec2", "eu-west-1")
    assert local.meta.config.retries == {"mode": "adaptive", "total_max_attempts": 1}
    assert "archproof" in local.meta.config.user_agent_extra


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:5000", True),
        ("http://127.5.0.1", True),
        ("http://localhost:4566", True),
        ("http://[::1]:5000", True),
        ("https://ec2.us-east-1.amazonaws.com", False),
        ("http://10.0.0.5:5000", False),
        (None, False),
    ],
)
def test_loopback_detection(url: str | None, local: bool) -> None:
    assert is_loopback_url(url) is local


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<html><body>Sign in to the Wi-Fi</body></html>",
        b"<GetCallerIdentityResponse",
        b"\x00\xff",
    ],
    ids=["empty", "html", "truncated", "garbled"],
)
def test_an_unreadable_identity_answer_is_a_source_error(
    moto: MotoServer, monkeypatch: pytest.MonkeyPatch, body: bytes
) -> None:
    """A 200 whose body is no GetCallerIdentity answer (a captive portal, a misrouted endpoint)."""
    import http.server
    import threading

    class Portal(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Portal)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{server.server_address[1]}")
        with pytest.raises(SourceError) as caught:
            collect_aws(AwsOptions(services=("ec2",)))
    finally:
        server.shutdown()
        server.server_close()
    assert caught.value.call == "GetCallerIdentity"
    assert "cannot read the caller identity" in str(caught.value)
