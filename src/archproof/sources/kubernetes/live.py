"""A live Kubernetes cluster into an Inventory: read-only list calls, objects as the API has them.

The cluster is the one of ``context`` in ``kubeconfig`` (default: ``$KUBECONFIG`` or
``~/.kube/config``, its current context); with no kubeconfig at all inside a pod
(``KUBERNETES_SERVICE_HOST`` set), the pod's service account. Every kind of
:data:`LISTS` is listed (per namespace when namespaces are given, else across all),
page by page, with bounded timeouts and no retry beyond one reconnect. Pods, ReplicaSets
and Jobs a controller owns (``ownerReferences``) are left out: their owner is judged.
A namespace asked for that does not exist is a ``CollectionError`` for the namespaced kinds.

Items keep the API's JSON (read raw, not through the client's models, so no field
the client does not know is lost), with ``apiVersion``/``kind`` set (list items
carry neither), ``metadata.managedFields`` and the last-applied annotation dropped,
``status`` kept. So a manifest and the object a cluster returns for it read the same.

Failures, as ``collect_aws`` has them: a kubeconfig or context that does not exist is
a ``UsageError`` (exit 2); a cluster that cannot be reached (connection refused, DNS,
TLS, timeout) or that rejects the credentials (401) or a kubeconfig whose credentials
cannot be loaded (exec plugin failing) is a ``SourceError`` (exit 3); a refusal or
failure of one kind (403 RBAC gap, 404 API not served, 429, 5xx, timeout) is a
``CollectionError`` for that kind on the Inventory, shown, not hidden.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

import urllib3
import yaml
from kubernetes import client, config
from kubernetes.client.exceptions import ApiException

from archproof.errors import SourceError, UsageError
from archproof.inventory.model import CollectionError, Inventory, Resource
from archproof.inventory.source_kinds import KUBERNETES
from archproof.sources.kubernetes.objects import inventory_kind, resource_from_object

SERVICE: Final = "kubernetes"
PAGE_SIZE: Final = 500
LAST_APPLIED: Final = "kubectl.kubernetes.io/last-applied-configuration"
IN_CLUSTER: Final = "in-cluster"


@dataclass(frozen=True, slots=True)
class ListCall:
    """One kind and where the API lists it."""

    kind: str
    api_version: str
    plural: str
    namespaced: bool = True

    def path(self, namespace: str | None = None) -> str:
        """``/apis/apps/v1/deployments``, ``/api/v1/namespaces/shop/services``."""
        base = f"/apis/{self.api_version}" if "/" in self.api_version else "/api/v1"
        if namespace is not None and self.namespaced:
            return f"{base}/namespaces/{quote(namespace, safe='')}/{self.plural}"
        return f"{base}/{self.plural}"

    def describe(self, namespace: str | None = None) -> str:
        """``list deployments (apps/v1)`` — the RBAC verb and resource to grant."""
        where = f" in namespace {namespace}" if namespace else ""
        return f"list {self.plural} ({self.api_version}){where}"


LISTS: Final = (
    ListCall("Namespace", "v1", "namespaces", namespaced=False),
    ListCall("Node", "v1", "nodes", namespaced=False),
    ListCall("Deployment", "apps/v1", "deployments"),
    ListCall("StatefulSet", "apps/v1", "statefulsets"),
    ListCall("DaemonSet", "apps/v1", "daemonsets"),
    ListCall("ReplicaSet", "apps/v1", "replicasets"),
    ListCall("ReplicationController", "v1", "replicationcontrollers"),
    ListCall("Job", "batch/v1", "jobs"),
    ListCall("CronJob", "batch/v1", "cronjobs"),
    ListCall("Pod", "v1", "pods"),
    ListCall("HorizontalPodAutoscaler", "autoscaling/v2", "horizontalpodautoscalers"),
    ListCall("PodDisruptionBudget", "policy/v1", "poddisruptionbudgets"),
    ListCall("Service", "v1", "services"),
    ListCall("Ingress", "networking.k8s.io/v1", "ingresses"),
    ListCall("NetworkPolicy", "networking.k8s.io/v1", "networkpolicies"),
    ListCall("ServiceAccount", "v1", "serviceaccounts"),
)
KINDS: Final = tuple(inventory_kind(c.kind) for c in LISTS)
OWNED: Final = frozenset({"Pod", "ReplicaSet", "Job"})
"""Kinds a controller usually creates: an object with an owner is judged through its owner
(a Deployment's ReplicaSets and Pods, a CronJob's Jobs), a bare one on its own."""


@dataclass(frozen=True)
class KubeOptions:
    """Which cluster and namespaces to read (no namespaces: all of them)."""

    kubeconfig: str | None = None
    context: str | None = None
    namespaces: tuple[str, ...] = ()
    progress: Callable[[str], None] | None = None
    request_timeout: tuple[float, float] = (5.0, 30.0)  # connect, read (seconds)
    max_workers: int = 4


@dataclass
class _Cluster:
    api: client.ApiClient
    label: str  # the context name, or "in-cluster"
    server: str
    timeout: tuple[float, float]
    kubeconfig: str = ""
    version: str = ""


@dataclass
class _Scan:
    resources: list[Resource] = field(default_factory=list)
    errors: list[CollectionError] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)  # namespaces asked for that do not exist


def collect_kubernetes(options: KubeOptions, source: str = "k8s") -> Inventory:
    """Read the cluster the options name into an Inventory of ``k8s_`` resources."""
    cluster = _open(options)
    try:
        _check_reachable(cluster)
        namespaces = tuple(dict.fromkeys(n for n in options.namespaces if n))
        where = ", ".join(namespaces) if namespaces else "all namespaces"
        version = f", {cluster.version}" if cluster.version else ""
        _say(options, f"kubernetes {cluster.label} ({cluster.server}{version}): {where}")
        jobs = [(call, ns) for call in LISTS for ns in _scopes(call, namespaces)]
        workers = max(1, min(options.max_workers, len(jobs)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="k8s") as pool:
            scans = list(pool.map(lambda job: _job(cluster, source, *job), jobs))
    finally:
        cluster.api.close()  # type: ignore[no-untyped-call]
    for (call, namespace), scan in zip(jobs, scans, strict=True):
        failed = f", failed: {scan.errors[0].message}" if scan.errors else ""
        _say(options, f"{call.describe(namespace)}: {len(scan.resources)} objects{failed}")
    absent = sorted({ns for scan in scans for ns in scan.absent})
    errors = [e for scan in scans for e in scan.errors]
    if absent:
        _say(options, f"namespaces not found in {cluster.label}: {', '.join(absent)}")
        errors.extend(_missing_namespace(source, cluster, name) for name in absent)
    scope = {
        "namespaces": list(namespaces),
        "server": cluster.server,
        "context": cluster.label,
        "version": cluster.version,
        "missing_namespaces": absent,
    }
    return Inventory(
        source,
        [r for scan in scans for r in scan.resources],
        errors,
        origin=f"k8s:{cluster.label}",
        scope=scope,
        provides=KUBERNETES.provides,
    )


def clean_object(item: dict[str, Any], kind: str, api_version: str) -> dict[str, Any]:
    """A list item as the object it is: ``apiVersion``/``kind`` set, apply bookkeeping gone."""
    obj: dict[str, Any] = {"apiVersion": api_version, "kind": kind, **item}
    metadata = dict(obj.get("metadata") or {})
    metadata.pop("managedFields", None)
    annotations = {
        k: v for k, v in (metadata.get("annotations") or {}).items() if k != LAST_APPLIED
    }
    if annotations:
        metadata["annotations"] = annotations
    else:
        metadata.pop("annotations", None)
    obj["metadata"] = metadata
    return obj


# -- connecting -------------------------------------------------------------------------------


def _open(options: KubeOptions) -> _Cluster:
    configuration = client.Configuration()
    files = _kubeconfig_files(options.kubeconfig)
    if not files:
        if os.environ.get("KUBERNETES_SERVICE_HOST") and not options.context:
            try:
                config.load_incluster_config(client_configuration=configuration)  # type: ignore[no-untyped-call]
            except config.ConfigException as exc:
                raise SourceError(SERVICE, IN_CLUSTER, "load in-cluster config", str(exc)) from exc
            return _cluster(configuration, IN_CLUSTER, options, "")
        where = options.kubeconfig or os.environ.get("KUBECONFIG") or "~/.kube/config"
        raise UsageError(
            f"no kubeconfig found at {where}: pass --kubeconfig or set KUBECONFIG"
            " (in a pod, the service account is used when no kubeconfig exists)"
        )
    joined = os.pathsep.join(files)
    shown = ", ".join(files)
    try:
        contexts, active = config.list_kube_config_contexts(config_file=joined)  # type: ignore[no-untyped-call]
    except (config.ConfigException, yaml.YAMLError, OSError, ValueError) as exc:
        raise UsageError(f"kubeconfig {shown} cannot be read: {_first_line(exc)}") from exc
    names = [str(c.get("name")) for c in contexts or () if isinstance(c, dict)]
    context = options.context or (str(active.get("name")) if isinstance(active, dict) else "")
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
        message = f"cannot load the credentials of {shown}: {_first_line(exc)}"
        raise SourceError(SERVICE, context, "load kubeconfig", message) from exc
    return _cluster(configuration, context, options, shown)


def _kubeconfig_files(given: str | None) -> list[str]:
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


def _cluster(
    configuration: client.Configuration, label: str, options: KubeOptions, kubeconfig: str
) -> _Cluster:
    # one reconnect on a refused/reset connection; no read or status retries (no retry storm)
    configuration.retries = urllib3.Retry(
        total=1, connect=1, read=0, status=0, other=0, redirect=0, raise_on_status=False
    )
    server = str(configuration.host)
    api = client.ApiClient(configuration)
    return _Cluster(api, label, server, options.request_timeout, kubeconfig)


class _Refused(Exception):
    """A non-2xx answer: the HTTP status and the message of its ``Status`` body."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _get(cluster: _Cluster, path: str, query: tuple[tuple[str, Any], ...] = ()) -> Any:
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
        raise _Refused(response.status, _refusal(response.status, response.reason, data))
    return json.loads(data)


def _refusal(status: int, reason: object, data: bytes | None) -> str:
    """``HTTP 403 Forbidden: deployments.apps is forbidden: …`` (the Status message)."""
    message = ""
    try:
        body = json.loads(data) if data else {}
    except ValueError:
        body = {}
    if isinstance(body, dict):
        message = str(body.get("message") or "")
    text = f"HTTP {status} {reason or ''}".rstrip()
    return f"{text}: {_first_line(message)}" if message else text


def _check_reachable(cluster: _Cluster) -> None:
    """Ask ``/version``: a cluster that does not answer, or rejects the credentials, ends here."""
    try:
        info = _get(cluster, "/version")
        if isinstance(info, dict):
            cluster.version = str(info.get("gitVersion") or "")
    except _Refused as exc:
        if exc.status == 401:
            raise _rejected(cluster, "GET /version") from exc
        # 403 and the like: the server answers; the list calls tell what can be read
    except ApiException as exc:  # the client wraps TLS failures with status 0
        raise _unreachable(cluster, "GET /version", _transport(exc)) from exc
    except urllib3.exceptions.HTTPError as exc:
        raise _unreachable(cluster, "GET /version", connection_failure(exc)) from exc
    except ValueError:
        pass  # an unreadable version answer: the server answered


def _unreachable(cluster: _Cluster, call: str, reason: str) -> SourceError:
    return SourceError(SERVICE, cluster.label, call, f"cannot reach {cluster.server}: {reason}")


def _rejected(cluster: _Cluster, call: str) -> SourceError:
    message = f"{cluster.server} rejected the credentials (HTTP 401 Unauthorized)"
    return SourceError(SERVICE, cluster.label, call, message)


# -- listing ----------------------------------------------------------------------------------


def _scopes(call: ListCall, namespaces: tuple[str, ...]) -> tuple[str | None, ...]:
    if not namespaces or (not call.namespaced and call.kind != "Namespace"):
        return (None,)
    return namespaces


def _job(cluster: _Cluster, source: str, call: ListCall, namespace: str | None) -> _Scan:
    scan = _Scan()
    describe = call.describe(namespace)
    try:
        if call.kind == "Namespace" and namespace is not None:
            items = _read_namespace(cluster, namespace, scan)
        else:
            items = _list_all(cluster, call, namespace)
    except _Refused as exc:
        if exc.status == 401:
            raise _rejected(cluster, describe) from exc
        scan.errors.append(_error(source, cluster, call, describe, str(exc)))
        return scan
    except ApiException as exc:
        message = f"cannot reach {cluster.server}: {_transport(exc)}"
        scan.errors.append(_error(source, cluster, call, describe, message))
        return scan
    except urllib3.exceptions.HTTPError as exc:
        scan.errors.append(_error(source, cluster, call, describe, connection_failure(exc)))
        return scan
    except ValueError as exc:  # not JSON, or not a list
        message = f"unreadable answer: {_first_line(exc)}"
        scan.errors.append(_error(source, cluster, call, describe, message))
        return scan
    except Exception as exc:  # a credential refresh (exec plugin) failing; a bug: one kind only
        message = f"{type(exc).__name__}: {_first_line(exc)}"
        scan.errors.append(_error(source, cluster, call, describe, message))
        return scan
    for item in items:
        if call.kind in OWNED and _owned(item):
            continue
        obj = clean_object(item, call.kind, call.api_version)
        scan.resources.append(resource_from_object(obj, source, origin=cluster.label))
    return scan


def _list_all(cluster: _Cluster, call: ListCall, namespace: str | None) -> list[dict[str, Any]]:
    """Every item of one list call, page by page (``limit`` / ``continue``)."""
    items: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        page = _get(cluster, call.path(namespace), (("limit", PAGE_SIZE), ("continue", token)))
        if not isinstance(page, dict) or not isinstance(page.get("items"), list | None):
            raise ValueError(f"not a {call.kind}List")
        items.extend(i for i in page.get("items") or () if isinstance(i, dict))
        token = (page.get("metadata") or {}).get("continue") or None
        if not token:
            return items


def _owned(item: dict[str, Any]) -> bool:
    metadata = item.get("metadata")
    owners = metadata.get("ownerReferences") if isinstance(metadata, dict) else None
    return isinstance(owners, list) and bool(owners)


def _read_namespace(cluster: _Cluster, name: str, scan: _Scan) -> list[dict[str, Any]]:
    """The one namespace asked for (read, not listed: a namespaced reader may not list them)."""
    try:
        found = _get(cluster, f"/api/v1/namespaces/{quote(name, safe='')}")
    except _Refused as exc:
        if exc.status == 404:
            scan.absent.append(name)
            return []
        raise
    if not isinstance(found, dict):
        raise ValueError("not a Namespace")
    return [found]


def _error(
    source: str, cluster: _Cluster, call: ListCall, describe: str, message: str
) -> CollectionError:
    return CollectionError(
        source, SERVICE, cluster.label, describe, message[:300], (inventory_kind(call.kind),)
    )


def _missing_namespace(source: str, cluster: _Cluster, name: str) -> CollectionError:
    """A namespace asked for that the cluster does not have: nothing in it can be judged."""
    kinds = tuple(inventory_kind(c.kind) for c in LISTS if c.namespaced or c.kind == "Namespace")
    message = f"namespace {name!r} not found in {cluster.label} ({cluster.server})"
    return CollectionError(source, SERVICE, cluster.label, f"get namespace {name}", message, kinds)


def connection_failure(exc: urllib3.exceptions.HTTPError) -> str:
    """The underlying reason of a failed connection, without urllib3's object reprs."""
    reason: object = exc.reason if isinstance(exc, urllib3.exceptions.MaxRetryError) else exc
    if isinstance(reason, urllib3.exceptions.ReadTimeoutError | TimeoutError):
        return "timed out waiting for the answer"
    text = str(reason or exc)
    for marker in ("Failed to resolve", "Failed to establish", "Read timed out", "Connection"):
        if marker in text:
            return _first_line(text[text.index(marker) :])
    return _first_line(text)


def _transport(exc: ApiException) -> str:
    """The client wraps TLS failures as ``ApiException(status=0, reason="SSLError\\n…")``."""
    return _first_line(" ".join(str(exc.reason or exc).split()))


def _first_line(value: object) -> str:
    lines = str(value).strip().splitlines()
    return (lines[0] if lines else type(value).__name__)[:300]


def _say(options: KubeOptions, line: str) -> None:
    if options.progress is not None:
        options.progress(line)
