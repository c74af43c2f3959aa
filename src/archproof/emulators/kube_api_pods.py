"""The Pods (and ReplicaSets) a cluster's controllers would have made from the workloads.

A real cluster runs pods, and tools that judge pods (prowler's ``core`` checks) find nothing
in a cluster of Deployments alone. Each Deployment gets a ReplicaSet ``<name>-<hash>`` and
each workload its running pods (at most :data:`MAX_PODS`), spec and labels from the pod
template, owned by their controller (``ownerReferences``) as the controllers set them.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable
from typing import Any, Final

from archproof.emulators.kube_api_objects import object_uid

Obj = dict[str, Any]

MAX_PODS: Final = 3
WORKLOAD_KINDS: Final = frozenset({"Deployment", "StatefulSet", "DaemonSet"})
_SAFE: Final = "bcdfghjklmnpqrstvwxz2456789"  # the alphabet of Kubernetes' name suffixes


def derived_objects(workloads: Iterable[Obj], nodes: int = 0) -> list[Obj]:
    """ReplicaSets and Pods of the served ``workloads`` (each with its ``uid`` set);
    a DaemonSet runs one pod per node (``nodes``, at least one)."""
    derived: list[Obj] = []
    for workload in workloads:
        if workload.get("kind") not in WORKLOAD_KINDS:
            continue
        template = (workload.get("spec") or {}).get("template")
        if not isinstance(template, dict) or not isinstance(template.get("spec"), dict):
            continue
        derived += _controlled(workload, template, nodes)
    return derived


def template_hash(template: Obj) -> str:
    """A stable ``pod-template-hash`` for a pod template (10 name-safe characters)."""
    digest = hashlib.sha256(json.dumps(template, sort_keys=True).encode()).digest()
    return "".join(_SAFE[b % len(_SAFE)] for b in digest[:10])


def _controlled(workload: Obj, template: Obj, nodes: int) -> list[Obj]:
    kind = str(workload["kind"])
    meta = workload.get("metadata") or {}
    name, namespace = str(meta.get("name", "")), str(meta.get("namespace") or "default")
    count = _replicas(workload, nodes)
    digest = template_hash(template)
    labels = dict((template.get("metadata") or {}).get("labels") or {})
    if kind != "Deployment":
        labels["controller-revision-hash"] = f"{name}-{digest}"
        pod_names = [
            f"{name}-{i}" if kind == "StatefulSet" else f"{name}-{digest[:5]}-{i}"
            for i in range(count)
        ]
        return [_pod(n, namespace, labels, template, _owner(workload)) for n in pod_names]
    labels["pod-template-hash"] = digest
    replica_set = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": f"{name}-{digest}",
            "namespace": namespace,
            "labels": labels,
            "ownerReferences": [_owner(workload)],
        },
        "spec": {
            "replicas": count,
            "selector": {"matchLabels": labels},
            "template": {**copy.deepcopy(template), "metadata": {"labels": labels}},
        },
    }
    owner = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "name": f"{name}-{digest}",
        "uid": object_uid("replicasets.apps", namespace, f"{name}-{digest}"),
        "controller": True,
        "blockOwnerDeletion": True,
    }
    pods = [_pod(f"{name}-{digest}-{i}", namespace, labels, template, owner) for i in range(count)]
    return [replica_set, *pods]


def _replicas(workload: Obj, nodes: int) -> int:
    if workload["kind"] == "DaemonSet":
        return min(MAX_PODS, max(1, nodes))
    replicas = (workload.get("spec") or {}).get("replicas", 1)
    return min(MAX_PODS, replicas) if isinstance(replicas, int) and replicas > 0 else 0


def _owner(workload: Obj) -> Obj:
    meta = workload.get("metadata") or {}
    return {
        "apiVersion": str(workload.get("apiVersion") or "apps/v1"),
        "kind": str(workload["kind"]),
        "name": str(meta.get("name", "")),
        "uid": str(meta.get("uid", "")),
        "controller": True,
        "blockOwnerDeletion": True,
    }


def _pod(name: str, namespace: str, labels: Obj, template: Obj, owner: Obj) -> Obj:
    spec: Obj = copy.deepcopy(template["spec"])
    containers = [c for c in spec.get("containers") or () if isinstance(c, dict)]
    statuses = [
        {
            "name": str(c.get("name", "")),
            "image": str(c.get("image", "")),
            "imageID": "",
            "ready": True,
            "started": True,
            "restartCount": 0,
            "state": {"running": {}},
        }
        for c in containers
    ]
    annotations = dict((template.get("metadata") or {}).get("annotations") or {})
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": dict(labels),
            **({"annotations": annotations} if annotations else {}),
            "ownerReferences": [owner],
        },
        "spec": spec,
        "status": {
            "phase": "Running",
            "conditions": [
                {"type": t, "status": "True"}
                for t in ("Initialized", "Ready", "ContainersReady", "PodScheduled")
            ],
            "containerStatuses": statuses,
            "qosClass": "Burstable",
        },
    }
