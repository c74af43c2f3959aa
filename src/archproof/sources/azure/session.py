"""The Azure side of one collection run: credential, endpoint, shared read-only clients.

Every management client gets the same pipeline options: the endpoint (``base_url``) and its
token scope, a guard that lets only GET through (the SDK would otherwise register a missing
resource provider, a write), and one try against a loopback endpoint (the emulator never
throttles; retrying a refused connection only costs time).
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from azure.core.credentials import TokenCredential
from azure.core.exceptions import (
    AzureError,
    ClientAuthenticationError,
    HttpResponseError,
    ServiceRequestError,
)
from azure.core.pipeline import PipelineRequest
from azure.core.pipeline.policies import SansIOHTTPPolicy
from azure.core.rest import HttpRequest

from archproof.errors import SourceError

PUBLIC_ARM = "https://management.azure.com"
SUBSCRIPTION_API = "2022-12-01"
USER_AGENT = "archproof"

T = TypeVar("T")


class ReadOnlyViolation(AzureError):
    """A request other than GET/HEAD: the collector never writes (names what it refused)."""


class ReadOnlyPolicy(SansIOHTTPPolicy[Any, Any]):
    """Refuses every request that is not a read before it leaves the process."""

    def on_request(self, request: PipelineRequest[Any]) -> None:
        method = request.http_request.method.upper()
        if method not in {"GET", "HEAD"}:
            url = request.http_request.url.split("?", 1)[0]
            why = ""
            if url.lower().endswith("/register"):
                why = " (the resource provider is not registered; archproof only reads)"
            raise ReadOnlyViolation(f"refused {method} {url}{why}")


def is_loopback_url(url: str | None) -> bool:
    host = urlsplit(url or "").hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def describe_failure(exc: BaseException) -> str:
    """One short line: ``403 AuthorizationFailed: …`` for an ARM error, else the exception."""
    if isinstance(exc, HttpResponseError):
        error = getattr(exc, "error", None)
        code = (
            getattr(error, "code", None)
            or getattr(exc, "error_code", None)  # the Blob data plane's x-ms-error-code
            or getattr(exc, "reason", None)
            or ""
        )
        message = getattr(error, "message", None) or exc.message or str(exc)
        status = exc.status_code
        head = f"{status} {code}".strip() if status else str(code)
        text = f"{head}: {message}" if head else str(message)
    else:
        text = f"{type(exc).__name__}: {getattr(exc, 'message', None) or exc}"
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return (lines[0] if lines else type(exc).__name__)[:300]


class AzureSession:
    """Credential + endpoint of a run; hands out one client per (family, subscription)."""

    def __init__(
        self,
        credential: TokenCredential,
        endpoint: str | None = None,
        connection_verify: str | bool | None = None,
    ) -> None:
        self.credential = credential
        self.endpoint = endpoint.rstrip("/") if endpoint else None
        self.connection_verify = connection_verify
        self.local = is_loopback_url(self.endpoint)
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str], Any] = {}

    @property
    def base_url(self) -> str:
        return self.endpoint or PUBLIC_ARM

    @property
    def scope(self) -> str:
        return f"{self.base_url}/.default"

    def transport_options(self) -> dict[str, Any]:
        """Options every client (management and blob) takes: TLS trust, retries, agent."""
        options: dict[str, Any] = {"user_agent": USER_AGENT}
        if self.connection_verify is not None:
            options["connection_verify"] = self.connection_verify
        if self.local:
            options.update(retry_total=0, retry_connect=0, retry_read=0, retry_status=0)
        return options

    def client_options(self) -> dict[str, Any]:
        options = self.transport_options()
        options["per_retry_policies"] = [ReadOnlyPolicy()]
        if self.endpoint:
            options.update(base_url=self.endpoint, credential_scopes=[self.scope])
        return options

    def client(self, family: str, subscription: str, factory: Callable[..., T]) -> T:
        """The ``family`` client of ``subscription`` (created once, shared by all threads)."""
        key = (family, subscription)
        with self._lock:
            found = self._clients.get(key)
            if found is None:
                found = self._clients[key] = factory(
                    self.credential, subscription, **self.client_options()
                )
            return found  # type: ignore[no-any-return]

    def check_token(self) -> None:
        """Get one token for the endpoint's scope; ``SourceError`` naming the credential if not."""
        name = type(self.credential).__name__
        try:
            self.credential.get_token(self.scope)
        except (ClientAuthenticationError, ValueError) as exc:
            reason = f"{name} cannot get a token for {self.scope}: {describe_failure(exc)}"
            raise SourceError("azure-identity", "global", "get_token", reason) from exc

    def check_subscription(self, subscription: str, client: Any) -> None:
        """Read the subscription itself: fails only when the endpoint or the identity is wrong.

        An unreachable endpoint, a refused token (401) or an unknown subscription (404)
        raise ``SourceError``; any other answer (403: rights on resource groups only) lets
        the collection go on and record what each call can read.
        """
        path = f"/subscriptions/{subscription}?api-version={SUBSCRIPTION_API}"
        call = f"GET /subscriptions/{subscription}"
        try:
            response = client.send_request(HttpRequest("GET", self.base_url + path))
        except ServiceRequestError as exc:
            reason = f"cannot reach {self.base_url}: {describe_failure(exc)}"
            raise SourceError("arm", subscription, call, reason) from exc
        except ClientAuthenticationError as exc:
            name = type(self.credential).__name__
            reason = f"{name} cannot get a token for {self.scope}: {describe_failure(exc)}"
            raise SourceError("azure-identity", subscription, "get_token", reason) from exc
        except AzureError as exc:
            reason = f"{self.base_url}: {describe_failure(exc)}"
            raise SourceError("arm", subscription, call, reason) from exc
        if response.status_code in (401, 404):
            what = (
                "the token was refused" if response.status_code == 401 else "no such subscription"
            )
            reason = f"{self.base_url} answered {response.status_code} ({what}): {_body(response)}"
            raise SourceError("arm", subscription, call, reason)


def _body(response: Any) -> str:
    try:
        error = response.json().get("error") or {}
        return f"{error.get('code', '')}: {error.get('message', '')}".strip(": ")[:200]
    except (ValueError, AttributeError):
        return str(response.text()[:200])
