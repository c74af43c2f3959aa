"""What the local Kubernetes API server serves: its resource table, objects as the API has them."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from archproof.sources.kubernetes.objects import CLUSTER_SCOPED

Obj = dict[str, Any]

SERVER_VERSION: Final = {"major": "1", "minor": "31", "gitVersion": "v1.31.4"}
LAST_APPLIED: Final = "kubectl.kubernetes.io/last-applied-configuration"
REASONS: Final = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
    504: "Timeout",
}


@dataclass(frozen=True, slots=True)
class ApiResource:
    """One resource type as discovery describes it."""

    kind: str
    group: str  # "" for the core group
    version: str
    plural: str
    namespaced: bool
    short: tuple[str, ...] = ()  # kubectl's short names (deploy, hpa, pdb …)

    @property
    def group_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def qualified(self) -> str:
        """``deployments.apps`` (RBAC's and kubectl's name); ``services`` in the core group."""
        return f"{self.plural}.{self.group}" if self.group else self.plural


def _builtin(group_version: str, namespaced: str, cluster: str = "") -> list[ApiResource]:
    group, _, version = group_version.rpartition("/")
    found = []
    for names, scoped in ((namespaced, True), (cluster, False)):
        for entry in names.split():
            kind, plural, *short = entry.split(":")
            found.append(ApiResource(kind, group, version, plural, scoped, tuple(short)))
    return found


BUILTIN: Final = (
    _builtin(
        "v1",
        "Service:services:svc ServiceAccount:serviceaccounts:sa ConfigMap:configmaps:cm"
        " Secret:secrets Pod:pods:po ReplicationController:replicationcontrollers:rc"
        " Endpoints:endpoints:ep PersistentVolumeClaim:persistentvolumeclaims:pvc"
        " LimitRange:limitranges:limits ResourceQuota:resourcequotas:quota",
        "Namespace:namespaces:ns Node:nodes:no PersistentVolume:persistentvolumes:pv",
    )
    + _builtin(
        "apps/v1",
        "Deployment:deployments:deploy StatefulSet:statefulsets:sts DaemonSet:daemonsets:ds"
        " ReplicaSet:replicasets:rs",
    )
    + _builtin("autoscaling/v2", "HorizontalPodAutoscaler:horizontalpodautoscalers:hpa")
    + _builtin("policy/v1", "PodDisruptionBudget:poddisruptionbudgets:pdb")
    + _builtin(
        "networking.k8s.io/v1",
        "Ingress:ingresses:ing NetworkPolicy:networkpolicies:netpol",
        "IngressClass:ingressclasses",
    )
    + _builtin("batch/v1", "Job:jobs CronJob:cronjobs:cj")
    + _builtin(
        "rbac.authorization.k8s.io/v1",
        "Role:roles RoleBinding:rolebindings",
        "ClusterRole:clusterroles ClusterRoleBinding:clusterrolebindings",
    )
    + _builtin(
        "admissionregistration.k8s.io/v1",
        "",
        "ValidatingWebhookConfiguration:validatingwebhookconfigurations"
        " MutatingWebhookConfiguration:mutatingwebhookconfigurations",
    )
    + _builtin("storage.k8s.io/v1", "", "StorageClass:storageclasses:sc")
    + _builtin("scheduling.k8s.io/v1", "", "PriorityClass:priorityclasses:pc")
)
_BY_KIND: Final = {(r.group, r.kind): r for r in BUILTIN}


def resource_for(api_version: str, kind: str) -> ApiResource:
    """Where an object of ``kind`` in ``api_version`` is served (built-in or custom)."""
    group = api_version.rpartition("/")[0]
    known = _BY_KIND.get((group, kind))
    if known is not None:
        return known
    lower = kind.lower()
    plural = (
        lower[:-1] + "ies"
        if lower.endswith("y")
        else lower + ("es" if lower.endswith("s") else "s")
    )
    version = api_version.rpartition("/")[2]
    return ApiResource(kind, group, version, plural, kind not in CLUSTER_SCOPED)


def status_object(code: int, message: str, details: Obj | None = None) -> Obj:
    """A ``v1.Status`` failure as the API server sends it."""
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


def served_object(
    given: Mapping[str, Any], resource: ApiResource, namespace: str, version: int, created: str
) -> Obj:
    """``given`` as the API returns it after ``kubectl apply``: served version, metadata
    filled (uid, resourceVersion, creationTimestamp, managedFields, last-applied), status."""
    obj: Obj = copy.deepcopy(dict(given))
    obj["apiVersion"] = resource.group_version
    metadata: Obj = dict(obj.get("metadata") or {})
    name = str(metadata.get("name") or metadata.get("generateName") or "")
    if resource.namespaced:
        metadata["namespace"] = namespace
    else:
        metadata.pop("namespace", None)
    applied = {k: v for k, v in given.items() if k != "status"}
    annotations = dict(metadata.get("annotations") or {})
    annotations[LAST_APPLIED] = json.dumps(applied, sort_keys=True, separators=(",", ":"))
    metadata.update(
        name=name,
        annotations=annotations,
        uid=object_uid(resource.qualified, namespace, name),
        resourceVersion=str(version),
        creationTimestamp=created,
        managedFields=[
            {
                "manager": "kubectl-client-side-apply",
                "operation": "Update",
                "apiVersion": resource.group_version,
                "time": created,
                "fieldsType": "FieldsV1",
                "fieldsV1": {"f:metadata": {"f:annotations": {".": {}, f"f:{LAST_APPLIED}": {}}}},
            }
        ],
    )
    if resource.group:
        metadata.setdefault("generation", 1)
    obj["metadata"] = metadata
    if "status" not in obj:
        status = _status(resource.kind, obj)
        if status is not None:
            obj["status"] = status
    return obj


def object_uid(qualified: str, namespace: str, name: str) -> str:
    """The ``uid`` the server gives an object: stable per resource, namespace and name."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"kube-api/{qualified}/{namespace}/{name}"))


def nodes_for_zones(zones: Sequence[str], per_zone: int, region: str = "") -> list[Obj]:
    """``per_zone`` ready Node objects in each zone, labelled as cloud providers label them."""
    nodes: list[Obj] = []
    for zone in zones:
        for index in range(1, per_zone + 1):
            name = f"node-{zone}-{index}"
            labels = {
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "node.kubernetes.io/instance-type": "m6i.large",
                "topology.kubernetes.io/zone": zone,
                "topology.kubernetes.io/region": region or _region_of(zone),
            }
            serial = len(nodes) + 1
            nodes.append(
                {
                    "apiVersion": "v1",
                    "kind": "Node",
                    "metadata": {"name": name, "labels": labels},
                    "spec": {"podCIDR": f"10.244.{serial}.0/24"},
                    "status": {
                        "conditions": [
                            {"type": "Ready", "status": "True", "reason": "KubeletReady"}
                        ],
                        "addresses": [{"type": "InternalIP", "address": f"10.0.{serial}.10"}],
                        "capacity": {"cpu": "2", "memory": "7910348Ki", "pods": "29"},
                        "allocatable": {"cpu": "1930m", "memory": "7220172Ki", "pods": "29"},
                        "nodeInfo": {"kubeletVersion": SERVER_VERSION["gitVersion"]},
                    },
                }
            )
    return nodes


def _region_of(zone: str) -> str:
    """``us-east-1a`` → ``us-east-1``; ``westeurope-2`` → ``westeurope``."""
    if len(zone) > 1 and zone[-1].isalpha() and zone[-2].isdigit():
        return zone[:-1]
    head, sep, tail = zone.rpartition("-")
    return head if sep and tail.isdigit() else zone


def daemon_status(nodes: int) -> Obj:
    """What a healthy DaemonSet reports: one ready pod on every node."""
    every = max(nodes, 1)
    counts = ("desiredNumberScheduled", "currentNumberScheduled", "numberReady")
    return {
        "observedGeneration": 1,
        "numberMisscheduled": 0,
        **dict.fromkeys((*counts, "numberAvailable", "updatedNumberScheduled"), every),
    }


def _status(kind: str, obj: Obj) -> Obj | None:
    """The status a healthy cluster reports for an object that was given none."""
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    assert isinstance(spec, dict)
    replicas = spec.get("replicas", 1) if isinstance(spec.get("replicas", 1), int) else 1
    if kind in ("Deployment", "ReplicaSet", "StatefulSet"):
        status: Obj = {"observedGeneration": 1}
        if replicas:
            counts = ("replicas", "readyReplicas", "availableReplicas", "updatedReplicas")
            status.update(dict.fromkeys(counts, replicas))
        if kind == "StatefulSet":
            status.update(replicas=replicas, currentReplicas=replicas)
        return status
    if kind == "HorizontalPodAutoscaler":
        least = spec.get("minReplicas", 1)
        return {"currentReplicas": least, "desiredReplicas": least}
    if kind == "Namespace":
        return {"phase": "Active"}
    if kind == "Service":
        return {"loadBalancer": {}}
    return None


def selects(selector: str, obj: Obj) -> bool:
    """Whether ``obj``'s labels match the ``labelSelector`` query (see :func:`labels_match`)."""
    return labels_match(selector, (obj.get("metadata") or {}).get("labels") or {})


def labels_match(selector: str, labels: Mapping[str, str]) -> bool:
    """Equality-based label selector: ``k=v`` / ``k==v``, ``k!=v``, ``k``, ``!k``."""
    for term in filter(None, (t.strip() for t in selector.split(","))):
        if "!=" in term:
            key, value = term.split("!=", 1)
            if labels.get(key.strip()) == value.strip():
                return False
        elif "=" in term:
            key, value = term.replace("==", "=").split("=", 1)
            if labels.get(key.strip()) != value.strip():
                return False
        elif term.startswith("!"):
            if term[1:] in labels:
                return False
        elif term not in labels:
            return False
    return True


def resource_list(group_version: str, served: list[ApiResource]) -> Obj:
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version,
        "resources": [
            {
                "name": r.plural,
                "singularName": r.kind.lower(),
                "namespaced": r.namespaced,
                "kind": r.kind,
                "verbs": ["get", "list"],
                **({"shortNames": list(r.short)} if r.short else {}),
            }
            for r in sorted(served, key=lambda r: r.plural)
        ],
    }


def not_found_path() -> Obj:
    return status_object(404, "the server could not find the requested resource")
