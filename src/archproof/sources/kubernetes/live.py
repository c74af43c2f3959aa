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

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import quote

import urllib3
from kubernetes.client.exceptions import ApiException

from archproof.inventory.model import CollectionError, Inventory, Resource
from archproof.inventory.source_kinds import KUBERNETES
from archproof.sources.kubernetes.connection import (
    SERVICE,
    Cluster,
    Refused,
    check_reachable,
    connection_failure,
    first_line,
    get_json,
    open_cluster,
    rejected,
    transport_failure,
)
from archproof.sources.kubernetes.objects import inventory_kind, resource_from_object

PAGE_SIZE: Final = 500
LAST_APPLIED: Final = "kubectl.kubernetes.io/last-applied-configuration"


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
class _Scan:
    resources: list[Resource] = field(default_factory=list)
    errors: list[CollectionError] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)  # namespaces asked for that do not exist


def collect_kubernetes(options: KubeOptions, source: str = "k8s") -> Inventory:
    """Read the cluster the options name into an Inventory of ``k8s_`` resources."""
    cluster = open_cluster(options.kubeconfig, options.context, options.request_timeout)
    try:
        check_reachable(cluster)
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


# -- listing ----------------------------------------------------------------------------------


def _scopes(call: ListCall, namespaces: tuple[str, ...]) -> tuple[str | None, ...]:
    if not namespaces or (not call.namespaced and call.kind != "Namespace"):
        return (None,)
    return namespaces


def _job(cluster: Cluster, source: str, call: ListCall, namespace: str | None) -> _Scan:
    scan = _Scan()
    describe = call.describe(namespace)
    try:
        if call.kind == "Namespace" and namespace is not None:
            items = _read_namespace(cluster, namespace, scan)
        else:
            items = _list_all(cluster, call, namespace)
    except Refused as exc:
        if exc.status == 401:
            raise rejected(cluster, describe) from exc
        scan.errors.append(_error(source, cluster, call, describe, str(exc)))
        return scan
    except ApiException as exc:
        message = f"cannot reach {cluster.server}: {transport_failure(exc)}"
        scan.errors.append(_error(source, cluster, call, describe, message))
        return scan
    except urllib3.exceptions.HTTPError as exc:
        scan.errors.append(_error(source, cluster, call, describe, connection_failure(exc)))
        return scan
    except ValueError as exc:  # not JSON, or not a list
        message = f"unreadable answer: {first_line(exc)}"
        scan.errors.append(_error(source, cluster, call, describe, message))
        return scan
    except Exception as exc:  # a credential refresh (exec plugin) failing; a bug: one kind only
        message = f"{type(exc).__name__}: {first_line(exc)}"
        scan.errors.append(_error(source, cluster, call, describe, message))
        return scan
    for item in items:
        if call.kind in OWNED and _owned(item):
            continue
        obj = clean_object(item, call.kind, call.api_version)
        scan.resources.append(resource_from_object(obj, source, origin=cluster.label))
    return scan


def _list_all(cluster: Cluster, call: ListCall, namespace: str | None) -> list[dict[str, Any]]:
    """Every item of one list call, page by page (``limit`` / ``continue``)."""
    items: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        page = get_json(cluster, call.path(namespace), (("limit", PAGE_SIZE), ("continue", token)))
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


def _read_namespace(cluster: Cluster, name: str, scan: _Scan) -> list[dict[str, Any]]:
    """The one namespace asked for (read, not listed: a namespaced reader may not list them)."""
    try:
        found = get_json(cluster, f"/api/v1/namespaces/{quote(name, safe='')}")
    except Refused as exc:
        if exc.status == 404:
            scan.absent.append(name)
            return []
        raise
    if not isinstance(found, dict):
        raise ValueError("not a Namespace")
    return [found]


def _error(
    source: str, cluster: Cluster, call: ListCall, describe: str, message: str
) -> CollectionError:
    return CollectionError(
        source, SERVICE, cluster.label, describe, message[:300], (inventory_kind(call.kind),)
    )


def _missing_namespace(source: str, cluster: Cluster, name: str) -> CollectionError:
    """A namespace asked for that the cluster does not have: nothing in it can be judged."""
    kinds = tuple(inventory_kind(c.kind) for c in LISTS if c.namespaced or c.kind == "Namespace")
    message = f"namespace {name!r} not found in {cluster.label} ({cluster.server})"
    return CollectionError(source, SERVICE, cluster.label, f"get namespace {name}", message, kinds)


def _say(options: KubeOptions, line: str) -> None:
    if options.progress is not None:
        options.progress(line)
