"""Capacity of a Kubernetes Deployment or StatefulSet and of the HPA that scales it.

Read-only, through the official client: read the workload, find its
HorizontalPodAutoscaler (``autoscaling/v2``) and count the nodes. Failures
become ``ObserverError`` naming the API call, the object and the HTTP status;
only the node count is optional (observers often may not list nodes).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, Literal, TypeVar

import urllib3
from kubernetes import client, config
from kubernetes.client import (
    ApiClient,
    V1Deployment,
    V1StatefulSet,
    V2HorizontalPodAutoscaler,
    V2MetricStatus,
    V2MetricValueStatus,
)
from kubernetes.client.exceptions import ApiException

from archproof.load.observers.base import CapacitySample, ObserverError

WorkloadKind = Literal["Deployment", "StatefulSet"]
REQUEST_TIMEOUT = (3.0, 10.0)  # connect, read (seconds): one sample a second
PAGE_SIZE = 500
T = TypeVar("T")


class KubernetesObserver:
    """Desired (HPA, else spec) and ready replicas of one workload (``Observer``).

    ``hpa`` names the autoscaler; without it, the HPA whose ``scaleTargetRef``
    points at the workload is used, if there is one.
    """

    def __init__(
        self,
        api_client: ApiClient,
        namespace: str,
        workload: str,
        kind: WorkloadKind = "Deployment",
        hpa: str | None = None,
        request_timeout: tuple[float, float] = REQUEST_TIMEOUT,
    ) -> None:
        self.namespace, self.workload, self.kind, self.hpa = namespace, workload, kind, hpa
        self.request_timeout = request_timeout
        self.host = str(api_client.configuration.host)
        self._apps = client.AppsV1Api(api_client)
        self._autoscaling = client.AutoscalingV2Api(api_client)
        self._core = client.CoreV1Api(api_client)

    @classmethod
    def from_kubeconfig(
        cls,
        path: str | None,
        context: str | None,
        namespace: str,
        workload: str,
        kind: WorkloadKind = "Deployment",
        hpa: str | None = None,
    ) -> KubernetesObserver:
        """An observer talking to the cluster of ``context`` in the kubeconfig at ``path``
        (``None``: ``$KUBECONFIG`` or ``~/.kube/config``; the current context)."""
        try:
            api_client: ApiClient = config.new_client_from_config(  # type: ignore[no-untyped-call]
                config_file=path, context=context, persist_config=False
            )
        except (config.ConfigException, OSError, ValueError) as exc:
            where = path or "the default kubeconfig"
            raise ObserverError(
                f"kubeconfig {where} (context {context or 'current'}): {exc}"
            ) from exc
        return cls(api_client, namespace, workload, kind=kind, hpa=hpa)

    @property
    def name(self) -> str:
        return f"k8s:{self.namespace}/{self.workload}"

    def sample(self) -> CapacitySample:
        """Read the workload, its HPA and the nodes now."""
        t = time.time()
        workload = self._read_workload()
        autoscaler = self._find_hpa()
        spec_replicas = workload.spec.replicas if workload.spec else None
        if spec_replicas is None:
            spec_replicas = 1  # the API default when spec.replicas is not set
        status = workload.status
        healthy = (status.ready_replicas or 0) if status is not None else None
        detail: dict[str, object] = {
            "kind": self.kind,
            "spec_replicas": spec_replicas,
            "replicas": status.replicas if status else None,
            "ready_replicas": healthy,
            "updated_replicas": (status.updated_replicas or 0) if status else None,
            "available_replicas": (status.available_replicas or 0) if status else None,
            "hpa": hpa_detail(autoscaler) if autoscaler else None,
        }
        desired = spec_replicas
        detail["desired_source"] = "spec"
        if autoscaler is not None and autoscaler.status is not None:
            desired = autoscaler.status.desired_replicas
            detail["desired_source"] = "hpa"
        detail.update(self._nodes())
        return CapacitySample(t=t, desired=desired, healthy=healthy, detail=detail)

    # -- API calls -------------------------------------------------------------------------

    def _read_workload(self) -> V1Deployment | V1StatefulSet:
        where = f"{self.namespace}/{self.workload}"
        if self.kind == "StatefulSet":
            read_set = self._apps.read_namespaced_stateful_set
            return self._call(
                f"AppsV1 read_namespaced_stateful_set {where}",
                read_set,
                self.workload,
                self.namespace,
            )
        read = self._apps.read_namespaced_deployment
        return self._call(
            f"AppsV1 read_namespaced_deployment {where}", read, self.workload, self.namespace
        )

    def _find_hpa(self) -> V2HorizontalPodAutoscaler | None:
        api = self._autoscaling
        if self.hpa is not None:
            where = f"{self.namespace}/{self.hpa}"
            call = f"AutoscalingV2 read_namespaced_horizontal_pod_autoscaler {where}"
            return self._call(
                call, api.read_namespaced_horizontal_pod_autoscaler, self.hpa, self.namespace
            )
        call = f"AutoscalingV2 list_namespaced_horizontal_pod_autoscaler {self.namespace}"
        found = self._list(call, api.list_namespaced_horizontal_pod_autoscaler, self.namespace)
        matching = [hpa for hpa in found if self._targets_workload(hpa)]
        return min(matching, key=lambda h: h.metadata.name if h.metadata else "", default=None)

    def _targets_workload(self, hpa: V2HorizontalPodAutoscaler) -> bool:
        if hpa.spec is None:
            return False
        ref = hpa.spec.scale_target_ref
        group = (ref.api_version or "apps/v1").split("/")[0]
        return ref.kind == self.kind and ref.name == self.workload and group == "apps"

    def _nodes(self) -> dict[str, object]:
        """Node and ready-node counts; an API refusal (RBAC 403) is recorded, not raised."""
        try:
            nodes = self._list("CoreV1 list_node", self._core.list_node, raise_api=True)
        except ApiException as exc:
            return {
                "node_count": None,
                "ready_node_count": None,
                "nodes_error": f"CoreV1 list_node: {api_failure(exc)}",
            }
        ready = sum(1 for node in nodes if node_ready(node))
        return {"node_count": len(nodes), "ready_node_count": ready}

    def _list(
        self, call: str, method: Callable[..., Any], *args: Any, raise_api: bool = False
    ) -> list[Any]:
        """Every item of a list call, page by page (``limit`` / ``continue``)."""
        items: list[Any] = []
        token: str | None = None
        while True:
            page = self._call(
                call, method, *args, raise_api=raise_api, limit=PAGE_SIZE, _continue=token
            )
            items.extend(page.items or [])
            token = page.metadata._continue if page.metadata else None
            if not token:
                return items

    def _call(
        self,
        call: str,
        method: Callable[..., T],
        *args: Any,
        raise_api: bool = False,
        **kwargs: Any,
    ) -> T:
        """``method(*args)`` with the request timeout; failures → ``ObserverError``
        (``ApiException`` passes through when ``raise_api``)."""
        try:
            return method(*args, _request_timeout=self.request_timeout, **kwargs)
        except ApiException as exc:
            if raise_api:
                raise
            raise ObserverError(f"{call}: {api_failure(exc)}") from exc
        except urllib3.exceptions.HTTPError as exc:
            raise ObserverError(
                f"{call}: cannot reach {self.host}: {connection_failure(exc)}"
            ) from exc
        except ValueError as exc:  # pydantic: an answer that is not the documented object
            raise ObserverError(f"{call}: unreadable answer from {self.host}: {exc}") from exc


def api_failure(exc: ApiException) -> str:
    """``HTTP 404 Not Found: deployments.apps "web" not found`` (message of the Status body)."""
    message = ""
    try:
        body = json.loads(exc.body) if exc.body else {}
    except ValueError:
        body = {}
    if isinstance(body, dict):
        message = str(body.get("message") or "")
    text = f"HTTP {exc.status} {exc.reason or ''}".rstrip()
    return f"{text}: {message}" if message else text


def connection_failure(exc: urllib3.exceptions.HTTPError) -> str:
    """The underlying reason of a failed connection, without urllib3's object reprs."""
    reason: object = exc.reason if isinstance(exc, urllib3.exceptions.MaxRetryError) else exc
    text = str(reason or exc)
    for marker in ("Failed to establish", "Read timed out", "Connection"):
        if marker in text:
            return text[text.index(marker) :]
    return text


def hpa_detail(hpa: V2HorizontalPodAutoscaler) -> dict[str, object]:
    """The autoscaler's limits, last decision and current metrics as plain values."""
    spec, status = hpa.spec, hpa.status
    return {
        "name": hpa.metadata.name if hpa.metadata else None,
        "min_replicas": spec.min_replicas if spec else None,
        "max_replicas": spec.max_replicas if spec else None,
        "current_replicas": status.current_replicas if status else None,
        "desired_replicas": status.desired_replicas if status else None,
        "last_scale_time": status.last_scale_time.isoformat()
        if status and status.last_scale_time
        else None,
        "current_metrics": [metric_value(m) for m in (status.current_metrics or [])]
        if status
        else [],
        "conditions": {c.type: c.status for c in (status.conditions or [])} if status else {},
    }


def metric_value(metric: V2MetricStatus) -> dict[str, object]:
    """``{"type": "Resource", "name": "cpu", "average_utilization": 61, …}``."""
    out: dict[str, object] = {"type": metric.type}
    current: V2MetricValueStatus | None = None
    if metric.resource is not None:
        out["name"], current = metric.resource.name, metric.resource.current
    elif metric.container_resource is not None:
        source = metric.container_resource
        out["name"], out["container"], current = source.name, source.container, source.current
    elif metric.pods is not None:
        out["name"], current = metric.pods.metric.name, metric.pods.current
    elif metric.object is not None:
        described = metric.object.described_object
        out["name"], current = metric.object.metric.name, metric.object.current
        out["object"] = f"{described.kind}/{described.name}"
    elif metric.external is not None:
        out["name"], current = metric.external.metric.name, metric.external.current
    if current is not None:
        values = {
            "average_utilization": current.average_utilization,
            "average_value": current.average_value,
            "value": current.value,
        }
        out.update({key: value for key, value in values.items() if value is not None})
    return out


def node_ready(node: Any) -> bool:
    """True when the node's ``Ready`` condition is ``"True"``."""
    conditions = node.status.conditions if node.status else None
    return any(c.type == "Ready" and c.status == "True" for c in conditions or [])


from_kubeconfig = KubernetesObserver.from_kubeconfig
