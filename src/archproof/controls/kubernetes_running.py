"""Does a workload run anything? Planned from its manifest, observed from a live cluster.

A workload that exists but runs no pod is not running: a Deployment at ``replicas: 0``, one
whose HorizontalPodAutoscaler may scale it to zero (``minReplicas: 0``; an HPA does not
scale a target up from zero replicas either), a suspended Job or CronJob. A manifest's
unstated ``replicas`` is the API default 1, or the HPA's floor when one targets it.

A live cluster reports what runs: ready replicas (``status.readyReplicas``, left out by the
API when zero), a DaemonSet's ready pods (``status.numberReady``, always reported), a Pod's
``Ready`` condition. A cluster object without the status that decides is unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from archproof.controls.kubernetes import autoscalers_of, read
from archproof.inventory.model import Inventory, Resource, Unknown
from archproof.inventory.source_kinds import KUBERNETES

REPLICATED: Final = (
    "k8s_deployment",
    "k8s_statefulset",
    "k8s_replicaset",
    "k8s_replicationcontroller",
)
Running = tuple[bool | Unknown, str]
"""(runs at least one pod, or not known; what was seen)."""


def observed(inventory: Inventory) -> bool:
    """Is the inventory a live cluster (objects with the status the cluster reports)?"""
    return inventory.source.split(":", 1)[0] == KUBERNETES.name


def running(inv: Inventory, resource: Resource, *, live: bool) -> Running:
    """Whether ``resource`` runs a pod: from the cluster's status when ``live``, else from
    its spec (and the autoscalers targeting it)."""
    if resource.kind in ("k8s_job", "k8s_cronjob"):
        suspended = read(resource.attributes, "spec", "suspend")
        if isinstance(suspended, Unknown):
            return suspended, f"suspend unknown ({suspended.reason})"
        return suspended is not True, "suspend=true" if suspended is True else "not suspended"
    if live:
        return _ready(resource)
    if resource.kind in REPLICATED:
        return _planned_replicas(inv, resource)
    return True, "planned"  # a DaemonSet runs on the nodes it selects, a Pod is one pod


def _planned_replicas(inv: Inventory, resource: Resource) -> Running:
    replicas = read(resource.attributes, "spec", "replicas")
    if isinstance(replicas, Unknown):
        return replicas, f"replicas unknown ({replicas.reason})"
    if replicas is not None and (not isinstance(replicas, int) or isinstance(replicas, bool)):
        return Unknown(f"replicas={replicas!r} is not a count"), f"replicas={replicas!r}"
    if replicas == 0:
        return False, "replicas=0"
    for hpa in autoscalers_of(inv, resource):
        least = read(hpa.attributes, "spec", "minReplicas")
        if isinstance(least, Unknown):
            return least, f"{hpa.address} minReplicas unknown ({least.reason})"
        if isinstance(least, int) and not isinstance(least, bool) and least < 1:
            return False, f"{hpa.address} minReplicas={least} (it may scale to zero)"
    return True, f"replicas={1 if replicas is None else replicas}"


def _ready(resource: Resource) -> Running:
    status = resource.attributes.get("status")
    if not isinstance(status, Mapping):
        return Unknown("the cluster reported no status"), "no status"
    if resource.kind in REPLICATED:
        return _count(status, "readyReplicas", absent_is_zero=True)
    if resource.kind == "k8s_daemonset":
        return _count(status, "numberReady", absent_is_zero=False)
    if resource.kind == "k8s_pod":
        phase = status.get("phase")
        ready = any(
            isinstance(c, Mapping) and c.get("type") == "Ready" and c.get("status") == "True"
            for c in status.get("conditions") or ()
        )
        return phase == "Running" and ready, f"phase={phase} Ready={ready}"
    return True, "reported"


def _count(status: Mapping[str, Any], field: str, *, absent_is_zero: bool) -> Running:
    value = status.get(field)
    if value is None and absent_is_zero:
        value = 0  # the API leaves zero counts out
    if not isinstance(value, int) or isinstance(value, bool):
        return Unknown(f"the cluster reported no {field}"), f"{field} not reported"
    return value >= 1, f"{field}={value}"
