"""Connecting to a Kubernetes cluster: the kubeconfig (or the pod's service account), one GET
through the client, and the failures a connection has — for the live source."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import urllib3
import yaml
from kubernetes import client, config
from kubernetes.client.exceptions import ApiException

from archproof.errors import SourceError, UsageError

SERVICE: Final = "kubernetes"
IN_CLUSTER: Final = "in-cluster"


@dataclass
class Cluster:
    api: client.ApiClient
    label: str  # the context name, or "in-cluster"
    server: str
    timeout: tuple[float, float]
    kubeconfig: str = ""
    version: str = ""


def open_cluster(
    kubeconfig: str | None, context: str | None, timeout: tuple[float, float]
) -> Cluster:
    configuration = client.Configuration()
    files = kubeconfig_files(kubeconfig)
    if not files:
        if os.environ.get("KUBERNETES_SERVICE_HOST") and not context:
            try:
                config.load_incluster_config(client_configuration=configuration)  # type: ignore[no-untyped-call]
            except config.ConfigException as exc:
                raise SourceError(SERVICE, IN_CLUSTER, "load in-cluster config", str(exc)) from exc
            return cluster_of(configuration, IN_CLUSTER, timeout, "")
        where = kubeconfig or os.environ.get("KUBECONFIG") or "~/.kube/config"
        raise UsageError(
            f"no kubeconfig found at {where}: pass --kubeconfig or set KUBECONFIG"
            " (in a pod, the service account is used when no kubeconfig exists)"
        )
    joined = os.pathsep.join(files)
    shown = ", ".join(files)
    try:
        contexts, active = config.list_kube_config_contexts(config_file=joined)  # type: ignore[no-untyped-call]
    except (config.ConfigException, yaml.YAMLError, OSError, ValueError) as exc:
        raise UsageError(f"kubeconfig {shown} cannot be read: {first_line(exc)}") from exc
    names = [str(c.get("name")) for c in contexts or () if isinstance(c, dict)]
    context = context or (str(active.get("name")) if isinstance(active, dict) else "")
    if not context:
        raise UsageError(f"kubeconfig {shown} has no current context: pass --context")
    if context not in names:
        known = ", ".join(names) or "none"
        raise UsageError(f"context {context!r} not found in kubeconfig {shown} (contexts: {known})")
    try:
        config.load_kube_config(  # type: ignore[no-untyped-call]
            config_file=joined,
            context=context,
            client_configuration=configuration,
            persist_config=False,
        )
    except (config.ConfigException, OSError, ValueError) as exc:
        message = f"cannot load the credentials of {shown}: {first_line(exc)}"
        raise SourceError(SERVICE, context, "load kubeconfig", message) from exc
    return cluster_of(configuration, context, timeout, shown)


def kubeconfig_files(given: str | None) -> list[str]:
    """The kubeconfig files to merge; a file named explicitly must exist."""
    if given:
        parts = [p for p in given.split(os.pathsep) if p]
        missing = [p for p in parts if not Path(p).expanduser().is_file()]
        if missing:
            raise UsageError(f"kubeconfig {', '.join(missing)} not found")
        return [str(Path(p).expanduser()) for p in parts]
    env = os.environ.get("KUBECONFIG", "")
    candidates = [p for p in env.split(os.pathsep) if p] if env else ["~/.kube/config"]
    return [str(Path(p).expanduser()) for p in candidates if Path(p).expanduser().is_file()]


def cluster_of(
    configuration: client.Configuration,
    label: str,
    timeout: tuple[float, float],
    kubeconfig: str,
) -> Cluster:
    # one reconnect on a refused/reset connection; no read or status retries (no retry storm)
    configuration.retries = urllib3.Retry(
        total=1, connect=1, read=0, status=0, other=0, redirect=0, raise_on_status=False
    )
    server = str(configuration.host)
    api = client.ApiClient(configuration)
    return Cluster(api, label, server, timeout, kubeconfig)


class Refused(Exception):
    """A non-2xx answer: the HTTP status and the message of its ``Status`` body."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def get_json(cluster: Cluster, path: str, query: tuple[tuple[str, Any], ...] = ()) -> Any:
    """``GET path`` through the client (auth, TLS, proxy of the kubeconfig), parsed JSON.

    Raw, not through the typed API classes: their models cost seconds to import and
    drop fields they do not know."""
    api = cluster.api
    method, url, headers, _, _ = api.param_serialize(
        method="GET",
        resource_path=path,
        query_params=[(k, v) for k, v in query if v is not None],
        header_params={"Accept": "application/json"},
        auth_settings=["BearerToken"],
    )
    response = api.call_api(method, url, header_params=headers, _request_timeout=cluster.timeout)
    data = response.read()  # type: ignore[no-untyped-call]
    if not 200 <= response.status <= 299:
        raise Refused(response.status, refusal(response.status, response.reason, data))
    return json.loads(data)


def refusal(status: int, reason: object, data: bytes | None) -> str:
    """``HTTP 403 Forbidden: deployments.apps is forbidden: …`` (the Status message)."""
    message = ""
    try:
        body = json.loads(data) if data else {}
    except ValueError:
        body = {}
    if isinstance(body, dict):
        message = str(body.get("message") or "")
    text = f"HTTP {status} {reason or ''}".rstrip()
    return f"{text}: {first_line(message)}" if message else text


def check_reachable(cluster: Cluster) -> None:
    """Ask ``/version``: a cluster that does not answer, or rejects the credentials, ends here."""
    try:
        info = get_json(cluster, "/version")
        if isinstance(info, dict):
            cluster.version = str(info.get("gitVersion") or "")
    except Refused as exc:
        if exc.status == 401:
            raise rejected(cluster, "GET /version") from exc
        # 403 and the like: the server answers; the list calls tell what can be read
    except ApiException as exc:  # the client wraps TLS failures with status 0
        raise unreachable(cluster, "GET /version", transport_failure(exc)) from exc
    except urllib3.exceptions.HTTPError as exc:
        raise unreachable(cluster, "GET /version", connection_failure(exc)) from exc
    except ValueError:
        pass  # an unreadable version answer: the server answered


def unreachable(cluster: Cluster, call: str, reason: str) -> SourceError:
    return SourceError(SERVICE, cluster.label, call, f"cannot reach {cluster.server}: {reason}")


def rejected(cluster: Cluster, call: str) -> SourceError:
    message = f"{cluster.server} rejected the credentials (HTTP 401 Unauthorized)"
    return SourceError(SERVICE, cluster.label, call, message)


def connection_failure(exc: urllib3.exceptions.HTTPError) -> str:
    """The underlying reason of a failed connection, without urllib3's object reprs."""
    reason: object = exc.reason if isinstance(exc, urllib3.exceptions.MaxRetryError) else exc
    if isinstance(reason, urllib3.exceptions.ReadTimeoutError | TimeoutError):
        return "timed out waiting for the answer"
    text = str(reason or exc)
    for marker in ("Failed to resolve", "Failed to establish", "Read timed out", "Connection"):
        if marker in text:
            return first_line(text[text.index(marker) :])
    return first_line(text)


def transport_failure(exc: ApiException) -> str:
    """The client wraps TLS failures as ``ApiException(status=0, reason="SSLError\\n…")``."""
    return first_line(" ".join(str(exc.reason or exc).split()))


def first_line(value: object) -> str:
    lines = str(value).strip().splitlines()
    return (lines[0] if lines else type(value).__name__)[:300]
