"""The boto3 session of one collection run: profile, assumed role, account, clients.

Clients are created under a lock from one session (boto3 sessions are not
thread-safe; clients are) and reused by every worker thread.
"""

from __future__ import annotations

import ipaddress
import os
import re
import threading
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ProfileNotFound

from archproof.errors import SourceError, UsageError

DEFAULT_REGION = "us-east-1"
SESSION_NAME = "archproof"
MAX_ATTEMPTS = 10  # retries after the first try: adaptive mode absorbs throttling and 5xx
# A loopback control plane (moto) never throttles, and its 5xx answers mean "not
# implemented": retrying them only costs time (10 retries ≈ 15 s per call). One try.
LOCAL_TOTAL_ATTEMPTS = 1

_ACCOUNT_HOST_PREFIX = re.compile(r"^(https?://)\d{12}\.")


def client_config(local: bool = False) -> Config:
    retries: Any = (
        {"mode": "adaptive", "total_max_attempts": LOCAL_TOTAL_ATTEMPTS}
        if local
        else {"mode": "adaptive", "max_attempts": MAX_ATTEMPTS}
    )
    return Config(retries=retries, user_agent_extra="archproof")


def make_client(session: boto3.Session, service: str, region: str) -> Any:
    """A client with adaptive retries (fewer against a loopback endpoint); s3control's
    account host prefix is stripped when the endpoint is overridden."""
    client: Any = session.client(service, region_name=region, config=client_config())  # type: ignore[call-overload]
    if is_loopback_url(client.meta.endpoint_url):
        client = session.client(  # type: ignore[call-overload]
            service, region_name=region, config=client_config(local=True)
        )
    if service == "s3control" and custom_endpoint("S3_CONTROL"):
        client.meta.events.register("before-sign.s3-control.*", strip_account_host_prefix)
    return client


def describe_failure(exc: BaseException) -> str:
    """One short line for a failed API call: the AWS error code and message when there is one."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        code, message = str(error.get("Code", "")), str(error.get("Message", ""))
        if isinstance(status, int) and status >= 500 and (not message or message.startswith("<")):
            # moto answers calls it does not implement with an HTML 500 page
            return f"HTTP {status} from the endpoint (the call may not be implemented there)"
        text = f"{code}: {message}" if code and message else code or message or str(exc)
    elif isinstance(exc, BotoCoreError) and "invalid XML" in str(exc):
        text = "unreadable answer (HTTP 5xx HTML page: the call may not be implemented there)"
    else:
        text = f"{type(exc).__name__}: {exc}"
    lines = text.strip().splitlines()
    return (lines[0] if lines else type(exc).__name__)[:300]


def strip_account_host_prefix(request: Any, **_: Any) -> None:
    """``http://123456789012.127.0.0.1:5000/…`` → ``http://127.0.0.1:5000/…`` (s3control)."""
    request.url = _ACCOUNT_HOST_PREFIX.sub(r"\1", request.url)


def custom_endpoint(service_env: str) -> str | None:
    """The endpoint set through the environment for a service (``S3_CONTROL``), if any."""
    return os.environ.get(f"AWS_ENDPOINT_URL_{service_env}") or os.environ.get("AWS_ENDPOINT_URL")


def is_loopback_url(url: str | None) -> bool:
    host = urlsplit(url or "").hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class AwsSession:
    """A boto3 session whose identity is known; hands out shared, retrying clients."""

    def __init__(self, session: boto3.Session, account: str, caller_arn: str) -> None:
        self.session = session
        self.account = account
        self.caller_arn = caller_arn
        self.default_region = session.region_name or DEFAULT_REGION
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str], Any] = {}

    @classmethod
    def open(cls, profile: str | None = None, role_arn: str | None = None) -> AwsSession:
        """Build the session, assume ``role_arn`` if given, and learn the account id.

        Raises ``SourceError`` when no identity can be obtained at all.
        """
        try:
            session = boto3.Session(profile_name=profile)
        except ProfileNotFound as exc:
            raise UsageError(f"AWS profile {profile!r} not found") from exc
        region = session.region_name or DEFAULT_REGION
        if role_arn:
            session = _assume_role(session, role_arn, region)
        sts = make_client(session, "sts", region)
        try:
            identity = sts.get_caller_identity()
        except (BotoCoreError, ClientError) as exc:
            reason = f"cannot read the caller identity ({describe_failure(exc)})"
            raise SourceError("sts", region, "GetCallerIdentity", reason) from exc
        except Exception as exc:  # an answer botocore cannot parse (empty, garbled, HTML)
            reason = f"cannot read the caller identity (unreadable answer: {type(exc).__name__})"
            raise SourceError("sts", region, "GetCallerIdentity", reason) from exc
        account = identity.get("Account") if isinstance(identity, dict) else None
        if not isinstance(account, str) or not re.fullmatch(r"\d{12}", account):
            reason = f"cannot read the caller identity (no account id in the answer: {account!r})"
            raise SourceError("sts", region, "GetCallerIdentity", reason)
        return cls(session, account, str(identity.get("Arn", "")))

    def client(self, service: str, region: str) -> Any:
        """A client for ``service`` in ``region`` (created once, shared by all threads)."""
        key = (service, region)
        with self._lock:
            found = self._clients.get(key)
            if found is None:
                found = self._clients[key] = make_client(self.session, service, region)
            return found

    def endpoint_is_local(self, service: str, region: str) -> bool:
        """True when ``service`` answers on a loopback address (a local control plane)."""
        return is_loopback_url(self.client(service, region).meta.endpoint_url)


def _assume_role(session: boto3.Session, role_arn: str, region: str) -> boto3.Session:
    sts = make_client(session, "sts", region)
    try:
        answer = sts.assume_role(RoleArn=role_arn, RoleSessionName=SESSION_NAME)
    except (BotoCoreError, ClientError) as exc:
        reason = f"cannot assume {role_arn} ({describe_failure(exc)})"
        raise SourceError("sts", region, "AssumeRole", reason) from exc
    creds = answer["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=region,
    )
