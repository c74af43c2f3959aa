"""A small Kubernetes API server for tests: real HTTP on 127.0.0.1, real API JSON.

It serves the read calls a capacity observer makes, with objects shaped as a
cluster returns them (``kubectl get --raw``):

- ``GET /apis/apps/v1/namespaces/{ns}/deployments/{name}`` (and ``statefulsets``)
- ``GET /apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers[/{name}]``
- ``GET /api/v1/nodes`` (``limit`` / ``continue`` paging as the API server does)

and, for deployments created with ``run_deployment``, the calls of a Kubernetes failure
experiment, with a tiny deployment controller behind them:

- ``GET /api/v1/namespaces/{ns}/pods[/{name}]`` (``labelSelector``: ``k=v``, ``k!=v``, ``k``)
- ``DELETE /api/v1/namespaces/{ns}/pods/{name}``: the pod is gone at once; the controller
  creates a replacement right away that becomes ready ``ready_delay`` seconds later, so
  ``readyReplicas`` dips and recovers
- ``PATCH /apis/apps/v1/namespaces/{ns}/deployments/{name}`` (merge patch): a changed pod
  template (``kubectl rollout restart``'s ``restartedAt`` annotation) bumps the generation
  and rolls the pods over in steps of ``ready_delay``, within ``maxSurge`` /
  ``maxUnavailable``, as the deployment controller does; status follows every step

State is mutable between requests (``set_ready``, ``set_hpa`` …), any path can be
made to fail with a ``Status`` object (``fail``), requests need the bearer token
of the kubeconfig written by ``write_kubeconfig``, and every request is recorded.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from archproof.emulators.kube_api_objects import labels_match

Obj = dict[str, Any]

CREATED = "2025-03-04T09:15:27Z"
TOKEN = "archproof-test-token"
KUBELET_VERSION = "v1.31.4"
REASONS = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    410: "Expired",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
}
WORKLOADS = {"deployments": "Deployment", "statefulsets": "StatefulSet"}
_WORKLOAD = re.compile(r"^/apis/apps/v1/namespaces/([^/]+)/(deployments|statefulsets)/([^/]+)$")
_PODS = re.compile(r"^/api/v1/namespaces/([^/]+)/pods(?:/([^/]+))?$")
_HPA = re.compile(
    r"^/apis/autoscaling/v2/namespaces/([^/]+)/horizontalpodautoscalers(?:/([^/]+))?$"
)


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_object(code: int, message: str, details: Obj | None = None) -> Obj:
    """A ``v1.Status`` failure as the API server sends it with an error code."""
    status: Obj = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": REASONS.get(code, "Unknown"),
        "code": code,
    }
    if details is not None:
        status["details"] = details
    return status


def forbidden(resource: str, verb: str = "list", group: str = "", namespace: str = "") -> Obj:
    """The RBAC refusal of a service account (``nodes is forbidden: …``)."""
    scope = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
    message = (
        f'{resource} is forbidden: User "system:serviceaccount:load:observer" '
        f'cannot {verb} resource "{resource}" in API group "{group}" {scope}'
    )
    return status_object(403, message, {"kind": resource})


class KubeApiServer:
    """A threaded HTTP server holding deployments, statefulsets, HPAs and nodes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version = 1000
        self.workloads: dict[tuple[str, str, str], Obj] = {}  # (kind, namespace, name)
        self.hpas: dict[tuple[str, str], Obj] = {}
        self.nodes: dict[str, Obj] = {}
        self.failures: dict[str, tuple[int, Obj]] = {}
        self.requests: list[tuple[str, str]] = []  # (method, path with query)
        self.pods: dict[tuple[str, str], Obj] = {}  # (namespace, name)
        self.deleted_pods: list[str] = []  # "namespace/name", in order
        self.availability: dict[tuple[str, str], list[int]] = {}  # every available count
        self._controlled: dict[tuple[str, str], float] = {}  # deployment → ready delay
        self._timers: list[threading.Timer] = []
        self._pod_serial = 0
        self._stopped = False
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> KubeApiServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            for timer in self._timers:
                timer.cancel()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    # -- objects ---------------------------------------------------------------------------

    def add_deployment(
        self, namespace: str, name: str, replicas: int = 2, ready: int | None = None
    ) -> Obj:
        return self._add_workload("Deployment", namespace, name, replicas, ready)

    def run_deployment(
        self,
        namespace: str,
        name: str,
        replicas: int = 3,
        max_unavailable: int | str = 0,
        max_surge: int | str = 1,
        labels: dict[str, str] | None = None,
        annotations: dict[str, str] | None = None,
        ready_delay: float = 0.3,
    ) -> Obj:
        """A deployment with ``replicas`` ready pods, run by the fake deployment controller
        (pod deletion and template patches are acted on; ``ready_delay`` bounds each step)."""
        obj = self._add_workload("Deployment", namespace, name, replicas, replicas)
        with self._lock:
            obj["metadata"]["labels"].update(labels or {})
            obj["metadata"]["annotations"].update(annotations or {})
            strategy = obj["spec"]["strategy"]["rollingUpdate"]
            strategy.update(maxUnavailable=max_unavailable, maxSurge=max_surge)
            self._controlled[(namespace, name)] = ready_delay
            for _ in range(replicas):
                self._new_pod(obj, ready=True)
            self._reconcile(namespace, name)
            return obj

    def pods_of(self, namespace: str, name: str) -> list[Obj]:
        """The pods a deployment's selector matches (copies), by name."""
        with self._lock:
            obj = self.workloads[("Deployment", namespace, name)]
            return [copy.deepcopy(p) for p in self._owned(obj)]

    def add_statefulset(
        self, namespace: str, name: str, replicas: int = 3, ready: int | None = None
    ) -> Obj:
        return self._add_workload("StatefulSet", namespace, name, replicas, ready)

    def scale(self, namespace: str, name: str, replicas: int, kind: str = "Deployment") -> None:
        """``spec.replicas`` changes (a new generation); pods follow via ``set_ready``."""
        with self._lock:
            obj = self.workloads[(kind, namespace, name)]
            obj["spec"]["replicas"] = replicas
            obj["metadata"]["generation"] += 1
            self._touch(obj)

    def set_ready(
        self,
        namespace: str,
        name: str,
        ready: int,
        kind: str = "Deployment",
        pods: int | None = None,
    ) -> None:
        """``pods`` pods exist (default: spec.replicas), ``ready`` of them are ready."""
        with self._lock:
            obj = self.workloads[(kind, namespace, name)]
            total = obj["spec"]["replicas"] if pods is None else pods
            obj["status"] = _workload_status(obj, total, ready)
            self._touch(obj)

    def add_hpa(
        self,
        namespace: str,
        name: str,
        target: str,
        target_kind: str = "Deployment",
        min_replicas: int = 2,
        max_replicas: int = 10,
        cpu: int = 40,
    ) -> Obj:
        """An HPA on CPU utilisation, its status computed from the target's replicas."""
        with self._lock:
            scaled = self.workloads.get((target_kind, namespace, target))
            current = scaled["status"].get("replicas", 0) if scaled else 0
            obj: Obj = {
                "apiVersion": "autoscaling/v2",
                "kind": "HorizontalPodAutoscaler",
                "metadata": self._metadata(namespace, name, {"app": target}),
                "spec": {
                    "scaleTargetRef": {
                        "kind": target_kind,
                        "name": target,
                        "apiVersion": "apps/v1",
                    },
                    "minReplicas": min_replicas,
                    "maxReplicas": max_replicas,
                    "metrics": [
                        {
                            "type": "Resource",
                            "resource": {
                                "name": "cpu",
                                "target": {"type": "Utilization", "averageUtilization": 50},
                            },
                        }
                    ],
                    "behavior": _hpa_behavior(),
                },
                "status": _hpa_status(current, current, cpu, max_replicas),
            }
            self.hpas[(namespace, name)] = obj
            return obj

    def set_hpa(
        self, namespace: str, name: str, desired: int, current: int | None = None, cpu: int = 40
    ) -> None:
        """The autoscaler's latest decision: ``desired`` replicas at ``cpu`` % utilisation."""
        with self._lock:
            obj = self.hpas[(namespace, name)]
            before = obj["status"]
            now_current = before.get("currentReplicas", 0) if current is None else current
            status = _hpa_status(now_current, desired, cpu, obj["spec"]["maxReplicas"])
            if desired != before["desiredReplicas"]:
                status["lastScaleTime"] = now()
            elif "lastScaleTime" in before:
                status["lastScaleTime"] = before["lastScaleTime"]
            obj["status"] = status
            self._touch(obj)

    def add_node(self, name: str, ready: bool = True) -> Obj:
        with self._lock:
            index = len(self.nodes) + 1
            obj = _node(self._metadata("", name, _node_labels(name)), index, ready)
            self.nodes[name] = obj
            return obj

    def set_node_ready(self, name: str, ready: bool) -> None:
        with self._lock:
            obj = self.nodes[name]
            index = int(obj["spec"]["podCIDR"].split(".")[2])
            fresh = _node(obj["metadata"], index, ready)
            obj["spec"], obj["status"] = fresh["spec"], fresh["status"]
            self._touch(obj)

    # -- failures and access -----------------------------------------------------------------

    def fail(self, path: str, code: int, status: Obj | None = None) -> None:
        """Answer ``path`` (no query) with ``code`` and a ``Status`` object until ``recover``."""
        with self._lock:
            self.failures[path] = (code, status or status_object(code, REASONS.get(code, "")))

    def recover(self, path: str) -> None:
        with self._lock:
            self.failures.pop(path, None)

    def write_kubeconfig(
        self, path: Path, context: str = "archproof-lab", namespace: str = "default"
    ) -> Path:
        """A kubeconfig (JSON is valid YAML) whose ``context`` points at this server."""
        config = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "lab", "cluster": {"server": self.url}}],
            "users": [{"name": "observer", "user": {"token": TOKEN}}],
            "contexts": [
                {
                    "name": context,
                    "context": {"cluster": "lab", "user": "observer", "namespace": namespace},
                }
            ],
            "current-context": context,
            "preferences": {},
        }
        path.write_text(json.dumps(config, indent=2), encoding="utf-8")
        return path

    # -- serving ---------------------------------------------------------------------------

    def answer(
        self, method: str, target: str, authorization: str, body: bytes = b""
    ) -> tuple[int, Obj]:
        """The status code and JSON body for one request."""
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        with self._lock:
            self.requests.append((method, target))
            if authorization != f"Bearer {TOKEN}":
                return 401, status_object(401, "Unauthorized")
            if path in self.failures:
                code, body = self.failures[path]
                return code, copy.deepcopy(body)
            if method == "DELETE" and (match := _PODS.match(path)) and match.group(2):
                return self._delete_pod(match.group(1), match.group(2))
            match = _WORKLOAD.match(path)
            if method == "PATCH" and match and match.group(2) == "deployments":
                return self._patch_deployment(match.group(1), match.group(3), body)
            if method != "GET":
                return 405, status_object(405, f"the server does not allow {method} here")
            return self._route(path, query)

    def _route(self, path: str, query: dict[str, list[str]]) -> tuple[int, Obj]:
        if path == "/api/v1/nodes":
            return 200, self._list("v1", "NodeList", sorted(self.nodes.items()), query)
        if match := _PODS.match(path):
            namespace, name = match.groups()
            if name is not None:
                pod = self.pods.get((namespace, name))
                if pod is None:
                    return 404, _not_found("pods", "", name)
                return 200, copy.deepcopy(pod)
            selector = query.get("labelSelector", [""])[0]
            found = sorted(
                (n, p)
                for (ns, n), p in self.pods.items()
                if ns == namespace and labels_match(selector, p["metadata"]["labels"])
            )
            return 200, self._list("v1", "PodList", found, query)
        if match := _WORKLOAD.match(path):
            namespace, resource, name = match.groups()
            obj = self.workloads.get((WORKLOADS[resource], namespace, name))
            if obj is None:
                return 404, _not_found(resource, "apps", name)
            return 200, copy.deepcopy(obj)
        if match := _HPA.match(path):
            namespace, name = match.groups()
            if name is None:
                found = sorted((n, o) for (ns, n), o in self.hpas.items() if ns == namespace)
                return 200, self._list(
                    "autoscaling/v2", "HorizontalPodAutoscalerList", found, query
                )
            hpa = self.hpas.get((namespace, name))
            if hpa is None:
                return 404, _not_found("horizontalpodautoscalers", "autoscaling", name)
            return 200, copy.deepcopy(hpa)
        return 404, status_object(404, "the server could not find the requested resource")

    def _list(
        self, api_version: str, kind: str, named: list[tuple[str, Obj]], query: dict[str, list[str]]
    ) -> Obj:
        """A list answer; items carry no kind/apiVersion, ``limit`` pages with ``continue``."""
        start = int(query.get("continue", ["0"])[0] or 0)
        limit = int(query.get("limit", ["0"])[0] or 0)
        end = start + limit if limit else len(named)
        items = []
        for _, obj in named[start:end]:
            item = copy.deepcopy(obj)
            item.pop("apiVersion", None)
            item.pop("kind", None)
            items.append(item)
        metadata: Obj = {"resourceVersion": str(self._version)}
        if end < len(named):
            metadata["continue"] = str(end)
            metadata["remainingItemCount"] = len(named) - end
        return {"kind": kind, "apiVersion": api_version, "metadata": metadata, "items": items}

    def _add_workload(
        self, kind: str, namespace: str, name: str, replicas: int, ready: int | None
    ) -> Obj:
        with self._lock:
            metadata = self._metadata(namespace, name, {"app": name})
            obj: Obj = {
                "apiVersion": "apps/v1",
                "kind": kind,
                "metadata": metadata,
                "spec": _workload_spec(kind, name, replicas),
                "status": {},
            }
            if kind == "Deployment":
                metadata["annotations"] = {"deployment.kubernetes.io/revision": "1"}
            obj["status"] = _workload_status(obj, replicas, replicas if ready is None else ready)
            self.workloads[(kind, namespace, name)] = obj
            return obj

    def _metadata(self, namespace: str, name: str, labels: dict[str, str]) -> Obj:
        self._version += 1
        metadata: Obj = {
            "name": name,
            "uid": str(uuid.uuid4()),
            "resourceVersion": str(self._version),
            "generation": 1,
            "creationTimestamp": CREATED,
            "labels": labels,
        }
        if namespace:
            metadata["namespace"] = namespace
        else:  # cluster-scoped (nodes) carry no generation
            del metadata["generation"]
        return metadata

    def _touch(self, obj: Obj) -> None:
        self._version += 1
        obj["metadata"]["resourceVersion"] = str(self._version)

    # -- the fake deployment controller (called with the lock held) ------------------------

    def _delete_pod(self, namespace: str, name: str) -> tuple[int, Obj]:
        pod = self.pods.pop((namespace, name), None)
        if pod is None:
            return 404, _not_found("pods", "", name)
        self.deleted_pods.append(f"{namespace}/{name}")
        pod["metadata"]["deletionTimestamp"] = now()
        pod["metadata"]["deletionGracePeriodSeconds"] = 30
        self._touch(pod)
        for (ns, deployment), _ in list(self._controlled.items()):
            if ns == namespace:
                self._reconcile(ns, deployment)
        return 200, copy.deepcopy(pod)

    def _patch_deployment(self, namespace: str, name: str, body: bytes) -> tuple[int, Obj]:
        obj = self.workloads.get(("Deployment", namespace, name))
        if obj is None:
            return 404, _not_found("deployments", "apps", name)
        patch = json.loads(body or b"{}")
        if not isinstance(patch, dict):
            return 415, status_object(415, "only merge patches are supported here")
        before = copy.deepcopy(obj["spec"])
        _merge(obj, patch)
        if obj["spec"] != before:
            obj["metadata"]["generation"] += 1
            if obj["spec"]["template"] != before["template"]:
                annotations = obj["metadata"].setdefault("annotations", {})
                revision = int(annotations.get("deployment.kubernetes.io/revision", "1"))
                annotations["deployment.kubernetes.io/revision"] = str(revision + 1)
        self._touch(obj)
        if (namespace, name) in self._controlled:
            self._reconcile(namespace, name)
        return 200, copy.deepcopy(obj)

    def _owned(self, obj: Obj) -> list[Obj]:
        namespace = obj["metadata"]["namespace"]
        wanted = obj["spec"]["selector"]["matchLabels"]
        return [
            pod
            for (ns, _), pod in sorted(self.pods.items())
            if ns == namespace
            and all(pod["metadata"]["labels"].get(k) == v for k, v in wanted.items())
        ]

    def _new_pod(self, obj: Obj, ready: bool) -> Obj:
        namespace, name = obj["metadata"]["namespace"], obj["metadata"]["name"]
        template = obj["spec"]["template"]
        digest = _template_hash(template)
        self._pod_serial += 1
        pod_name = f"{name}-{digest}-{self._pod_serial:05d}"
        labels = {**template["metadata"].get("labels", {}), "pod-template-hash": digest}
        metadata = self._metadata(namespace, pod_name, labels)
        del metadata["generation"]
        metadata["creationTimestamp"] = now()
        metadata["ownerReferences"] = [
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "name": f"{name}-{digest}",
                "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{namespace}/{name}-{digest}")),
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ]
        if template["metadata"].get("annotations"):
            metadata["annotations"] = dict(template["metadata"]["annotations"])
        pod: Obj = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": metadata,
            "spec": {**copy.deepcopy(template["spec"]), "nodeName": "ip-10-0-1-11.ec2.internal"},
            "status": {},
        }
        _set_pod_ready(pod, ready, self._pod_serial)
        self.pods[(namespace, pod_name)] = pod
        if not ready:
            delay = self._controlled.get((namespace, name), 0.3)
            timer = threading.Timer(delay, self._pod_became_ready, (namespace, pod_name, name))
            timer.daemon = True
            self._timers.append(timer)
            if not self._stopped:
                timer.start()
        return pod

    def _pod_became_ready(self, namespace: str, pod_name: str, deployment: str) -> None:
        with self._lock:
            pod = self.pods.get((namespace, pod_name))
            if self._stopped or pod is None:
                return
            _set_pod_ready(pod, True, int(pod_name.rsplit("-", 1)[1]))
            self._touch(pod)
            self._reconcile(namespace, deployment)

    def _reconcile(self, namespace: str, name: str) -> None:
        """One pass of the deployment controller: scale the new template's pods up and the
        old ones down within maxSurge / maxUnavailable, replace lost pods, write status."""
        obj = self.workloads[("Deployment", namespace, name)]
        wanted = int(obj["spec"]["replicas"])
        rolling = obj["spec"]["strategy"]["rollingUpdate"]
        surge = _scaled(rolling.get("maxSurge", 0), wanted, round_up=True)
        unavailable = _scaled(rolling.get("maxUnavailable", 0), wanted, round_up=False)
        if surge == 0 and unavailable == 0:
            unavailable = 1  # the API server rejects both 0; be lenient
        digest = _template_hash(obj["spec"]["template"])
        changed = True
        while changed:
            changed = False
            pods = self._owned(obj)
            new = [p for p in pods if p["metadata"]["labels"].get("pod-template-hash") == digest]
            old = [p for p in pods if p not in new]
            ready = sum(_is_ready(p) for p in pods)
            # scale down: not-ready old pods first, ready ones while availability allows
            removable = ready - (wanted - unavailable)
            for pod in sorted(old, key=_is_ready):
                if _is_ready(pod):
                    if removable <= 0:
                        continue
                    removable -= 1
                del self.pods[(namespace, pod["metadata"]["name"])]
                changed = True
            if not old and len(new) > wanted:  # scaled in: drop the surplus, not-ready first
                for pod in sorted(new, key=_is_ready)[: len(new) - wanted]:
                    del self.pods[(namespace, pod["metadata"]["name"])]
                    changed = True
            pods = self._owned(obj)
            new = [p for p in pods if p["metadata"]["labels"].get("pod-template-hash") == digest]
            for _ in range(min(wanted - len(new), wanted + surge - len(pods))):
                self._new_pod(obj, ready=False)
                changed = True
        pods = self._owned(obj)
        new = [p for p in pods if p["metadata"]["labels"].get("pod-template-hash") == digest]
        ready = sum(_is_ready(p) for p in pods)
        obj["status"] = _controlled_status(obj, len(pods), len(new), ready, wanted - unavailable)
        self.availability.setdefault((namespace, name), []).append(ready)
        self._touch(obj)


def _handler_for(server: KubeApiServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the API server; Content-Length always set
        disable_nagle_algorithm = True  # headers and body go out in separate writes

        def do_GET(self) -> None:
            self._reply()

        def do_POST(self) -> None:
            self._reply()

        def do_PUT(self) -> None:
            self._reply()

        def do_PATCH(self) -> None:
            self._reply()

        def do_DELETE(self) -> None:
            self._reply()

        def _reply(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            sent = self.rfile.read(length) if length else b""
            code, body = server.answer(
                self.command, self.path, self.headers.get("Authorization", ""), sent
            )
            data = json.dumps(body).encode("utf-8")
            self.send_response(code, HTTPStatus(code).phrase)
            self.send_header("Content-Type", "application/json")
            self.send_header("Audit-Id", str(uuid.uuid4()))
            self.send_header("Cache-Control", "no-cache, private")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def kube_api_server() -> Iterator[KubeApiServer]:
    server = KubeApiServer().start()
    try:
        yield server
    finally:
        server.stop()


def _not_found(resource: str, group: str, name: str) -> Obj:
    qualified = f"{resource}.{group}" if group else resource
    details = {"name": name, "group": group, "kind": resource}
    return status_object(404, f'{qualified} "{name}" not found', details)


def _workload_spec(kind: str, name: str, replicas: int) -> Obj:
    labels = {"app": name}
    spec: Obj = {
        "replicas": replicas,
        "selector": {"matchLabels": labels},
        "template": {
            "metadata": {"labels": labels},
            "spec": {
                "containers": [
                    {
                        "name": name,
                        "image": "nginx:1.27.3",
                        "ports": [{"containerPort": 80, "protocol": "TCP"}],
                        "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}},
                        "readinessProbe": {
                            "httpGet": {"path": "/", "port": 80, "scheme": "HTTP"},
                            "timeoutSeconds": 1,
                            "periodSeconds": 5,
                            "successThreshold": 1,
                            "failureThreshold": 3,
                        },
                        "terminationMessagePath": "/dev/termination-log",
                        "terminationMessagePolicy": "File",
                        "imagePullPolicy": "IfNotPresent",
                    }
                ],
                "restartPolicy": "Always",
                "terminationGracePeriodSeconds": 30,
                "dnsPolicy": "ClusterFirst",
                "securityContext": {},
                "schedulerName": "default-scheduler",
            },
        },
        "revisionHistoryLimit": 10,
    }
    if kind == "Deployment":
        spec["strategy"] = {
            "type": "RollingUpdate",
            "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
        }
        spec["progressDeadlineSeconds"] = 600
    else:
        spec["serviceName"] = name
        spec["podManagementPolicy"] = "OrderedReady"
        spec["updateStrategy"] = {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
        spec["persistentVolumeClaimRetentionPolicy"] = {
            "whenDeleted": "Retain",
            "whenScaled": "Retain",
        }
    return spec


def _workload_status(obj: Obj, pods: int, ready: int) -> Obj:
    """Status as the controllers write it: zero counts are omitted (``omitempty``)."""
    ready = min(ready, pods)
    generation = obj["metadata"]["generation"]
    name = obj["metadata"]["name"]
    counts = {
        "replicas": pods,
        "updatedReplicas": pods,
        "readyReplicas": ready,
        "availableReplicas": ready,
    }
    status: Obj = {"observedGeneration": generation}
    status.update({key: value for key, value in counts.items() if value})
    stamp = now()
    if obj["kind"] == "StatefulSet":
        revision = f"{name}-6d4cf56db6"
        status.update(
            replicas=pods,  # a StatefulSet always reports replicas, even 0
            currentReplicas=pods,
            currentRevision=revision,
            updateRevision=revision,
            collisionCount=0,
        )
        return status
    if pods > ready:
        status["unavailableReplicas"] = pods - ready
    wanted = obj["spec"]["replicas"]
    available = ready >= wanted - wanted * 25 // 100  # maxUnavailable 25%, rounded down
    status["conditions"] = [
        {
            "type": "Available",
            "status": "True" if available else "False",
            "lastUpdateTime": stamp,
            "lastTransitionTime": stamp,
            "reason": "MinimumReplicasAvailable" if available else "MinimumReplicasUnavailable",
            "message": "Deployment has minimum availability."
            if available
            else "Deployment does not have minimum availability.",
        },
        {
            "type": "Progressing",
            "status": "True",
            "lastUpdateTime": stamp,
            "lastTransitionTime": CREATED,
            "reason": "NewReplicaSetAvailable",
            "message": f'ReplicaSet "{name}-7c5ddbdf54" has successfully progressed.',
        },
    ]
    return status


def _merge(target: Obj, patch: Obj) -> None:
    """JSON merge patch (RFC 7386): ``None`` removes a key, maps merge, the rest replaces."""
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


def _template_hash(template: Obj) -> str:
    digest = hashlib.sha256(json.dumps(template, sort_keys=True).encode()).hexdigest()
    return digest[:10]


def _scaled(value: int | str, total: int, round_up: bool) -> int:
    """maxSurge (rounded up) / maxUnavailable (rounded down): a count or a percentage."""
    if isinstance(value, str) and value.endswith("%"):
        share = total * int(value[:-1])
        return -(-share // 100) if round_up else share // 100
    return int(value)


def _is_ready(pod: Obj) -> bool:
    conditions = pod["status"].get("conditions", ())
    return any(c["type"] == "Ready" and c["status"] == "True" for c in conditions)


def _set_pod_ready(pod: Obj, ready: bool, serial: int) -> None:
    stamp = now()
    flag = "True" if ready else "False"
    name = pod["spec"]["containers"][0]["name"]
    pod["status"] = {
        "phase": "Running",
        "conditions": [
            {"type": "Initialized", "status": "True", "lastTransitionTime": stamp},
            {"type": "Ready", "status": flag, "lastTransitionTime": stamp},
            {"type": "ContainersReady", "status": flag, "lastTransitionTime": stamp},
            {"type": "PodScheduled", "status": "True", "lastTransitionTime": stamp},
        ],
        "hostIP": "10.0.1.11",
        "podIP": f"10.244.1.{serial % 250 + 2}",
        "startTime": pod["metadata"]["creationTimestamp"],
        "containerStatuses": [
            {
                "name": name,
                "ready": ready,
                "restartCount": 0,
                "started": True,
                "image": pod["spec"]["containers"][0]["image"],
                "imageID": "",
                "state": {"running": {"startedAt": pod["metadata"]["creationTimestamp"]}},
            }
        ],
        "qosClass": "Burstable",
    }


def _controlled_status(obj: Obj, pods: int, updated: int, ready: int, floor: int) -> Obj:
    """A deployment's status as the controller writes it (zero counts omitted)."""
    wanted = obj["spec"]["replicas"]
    counts = {
        "replicas": pods,
        "updatedReplicas": updated,
        "readyReplicas": ready,
        "availableReplicas": ready,
        "unavailableReplicas": max(0, wanted - ready),
    }
    status: Obj = {"observedGeneration": obj["metadata"]["generation"]}
    status.update({key: value for key, value in counts.items() if value})
    stamp = now()
    available = ready >= floor
    done = updated == wanted == pods == ready
    status["conditions"] = [
        {
            "type": "Available",
            "status": "True" if available else "False",
            "lastUpdateTime": stamp,
            "lastTransitionTime": stamp,
            "reason": "MinimumReplicasAvailable" if available else "MinimumReplicasUnavailable",
            "message": "Deployment has minimum availability."
            if available
            else "Deployment does not have minimum availability.",
        },
        {
            "type": "Progressing",
            "status": "True",
            "lastUpdateTime": stamp,
            "lastTransitionTime": CREATED,
            "reason": "NewReplicaSetAvailable" if done else "ReplicaSetUpdated",
            "message": f'ReplicaSet "{obj["metadata"]["name"]}" has successfully progressed.'
            if done
            else f'ReplicaSet "{obj["metadata"]["name"]}" is progressing.',
        },
    ]
    return status


def _hpa_behavior() -> Obj:
    """The defaults the API server fills in for ``spec.behavior``."""
    return {
        "scaleUp": {
            "stabilizationWindowSeconds": 0,
            "selectPolicy": "Max",
            "policies": [
                {"type": "Pods", "value": 4, "periodSeconds": 15},
                {"type": "Percent", "value": 100, "periodSeconds": 15},
            ],
        },
        "scaleDown": {
            "stabilizationWindowSeconds": 300,
            "selectPolicy": "Max",
            "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}],
        },
    }


def _hpa_status(current: int, desired: int, cpu: int, max_replicas: int) -> Obj:
    stamp = now()
    limited = desired >= max_replicas
    return {
        "currentReplicas": current,
        "desiredReplicas": desired,
        "currentMetrics": [
            {
                "type": "Resource",
                "resource": {
                    "name": "cpu",
                    "current": {"averageValue": f"{cpu}m", "averageUtilization": cpu},
                },
            }
        ],
        "conditions": [
            {
                "type": "AbleToScale",
                "status": "True",
                "lastTransitionTime": CREATED,
                "reason": "ReadyForNewScale" if current == desired else "SucceededRescale",
                "message": "recommended size matches current size"
                if current == desired
                else f"the HPA controller was able to update the target scale to {desired}",
            },
            {
                "type": "ScalingActive",
                "status": "True",
                "lastTransitionTime": CREATED,
                "reason": "ValidMetricFound",
                "message": "the HPA was able to successfully calculate a replica count from "
                "cpu resource utilization (percentage of request)",
            },
            {
                "type": "ScalingLimited",
                "status": "True" if limited else "False",
                "lastTransitionTime": stamp,
                "reason": "TooManyReplicas" if limited else "DesiredWithinRange",
                "message": "the desired replica count is more than the maximum replica count"
                if limited
                else "the desired count is within the acceptable range",
            },
        ],
    }


def _node_labels(name: str) -> dict[str, str]:
    return {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "node.kubernetes.io/instance-type": "m6i.large",
        "topology.kubernetes.io/zone": "us-east-1a",
    }


def _node(metadata: Obj, index: int, ready: bool) -> Obj:
    stamp = now()
    name = metadata["name"]
    pressure = [
        ("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    ]
    conditions = [
        {
            "type": kind,
            "status": "False" if ready else "Unknown",
            "lastHeartbeatTime": stamp,
            "lastTransitionTime": CREATED,
            "reason": reason if ready else "NodeStatusUnknown",
            "message": message if ready else "Kubelet stopped posting node status.",
        }
        for kind, reason, message in pressure
    ]
    conditions.append(
        {
            "type": "Ready",
            "status": "True" if ready else "Unknown",
            "lastHeartbeatTime": stamp,
            "lastTransitionTime": CREATED if ready else stamp,
            "reason": "KubeletReady" if ready else "NodeStatusUnknown",
            "message": "kubelet is posting ready status"
            if ready
            else "Kubelet stopped posting node status.",
        }
    )
    spec: Obj = {
        "podCIDR": f"10.244.{index}.0/24",
        "podCIDRs": [f"10.244.{index}.0/24"],
        "providerID": f"aws:///us-east-1a/i-0{index:016x}",
    }
    if not ready:
        spec["taints"] = [
            {"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule", "timeAdded": stamp},
            {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": stamp},
        ]
    resources = {"cpu": "2", "ephemeral-storage": "20959212Ki", "memory": "7910348Ki", "pods": "29"}
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": metadata,
        "spec": spec,
        "status": {
            "capacity": resources,
            "allocatable": {**resources, "cpu": "1930m", "memory": "7220172Ki"},
            "conditions": conditions,
            "addresses": [
                {"type": "InternalIP", "address": f"10.0.1.{10 + index}"},
                {"type": "Hostname", "address": name},
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "machineID": uuid.uuid5(uuid.NAMESPACE_DNS, name).hex,
                "systemUUID": str(uuid.uuid5(uuid.NAMESPACE_URL, name)).upper(),
                "bootID": str(uuid.uuid5(uuid.NAMESPACE_OID, name)),
                "kernelVersion": "6.1.119-129.201.amzn2023.x86_64",
                "osImage": "Amazon Linux 2023.6.20241212",
                "containerRuntimeVersion": "containerd://1.7.23",
                "kubeletVersion": KUBELET_VERSION,
                "kubeProxyVersion": KUBELET_VERSION,
                "operatingSystem": "linux",
                "architecture": "amd64",
            },
        },
    }
