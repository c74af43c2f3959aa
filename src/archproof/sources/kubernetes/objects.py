"""One Kubernetes object as an inventory :class:`Resource` — the shape manifests and clusters share.

The kind is ``k8s_`` + the object's kind in lower case (``k8s_deployment``,
``k8s_horizontalpodautoscaler``); the address is ``<namespace>/<Kind>/<name>`` for
namespaced objects and ``<Kind>/<name>`` for cluster-scoped ones; the attributes are
the object itself as the API writes it (camelCase: ``spec.template.spec.containers``),
so a manifest and the object a cluster returns for it read the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from archproof.inventory.model import Resource

KIND_PREFIX: Final = "k8s_"

CLUSTER_SCOPED: Final = frozenset(
    {
        "Namespace",
        "Node",
        "PersistentVolume",
        "StorageClass",
        "ClusterRole",
        "ClusterRoleBinding",
        "CustomResourceDefinition",
        "IngressClass",
        "PriorityClass",
        "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration",
        "APIService",
        "CSIDriver",
        "RuntimeClass",
    }
)


def inventory_kind(kind: str) -> str:
    """``Deployment`` → ``k8s_deployment``."""
    return KIND_PREFIX + kind.lower()


def object_address(kind: str, name: str, namespace: str | None) -> str:
    if kind in CLUSTER_SCOPED or not namespace:
        return f"{kind}/{name}"
    return f"{namespace}/{kind}/{name}"


def resource_from_object(
    obj: Mapping[str, Any], source: str, default_namespace: str = "default", origin: str = ""
) -> Resource:
    """The inventory resource for one object (``kind`` and ``metadata.name`` must be set)."""
    kind = str(obj["kind"])
    metadata = obj.get("metadata") or {}
    name = str(metadata.get("name") or metadata.get("generateName") or "")
    namespace = None
    if kind not in CLUSTER_SCOPED:
        namespace = str(metadata.get("namespace") or default_namespace)
    attributes = dict(obj)
    if namespace is not None:
        attributes["metadata"] = {**metadata, "namespace": namespace}
    labels = metadata.get("labels") or {}
    ids = tuple(
        i
        for i in (metadata.get("uid"), object_address(kind, name, namespace))
        if isinstance(i, str)
    )
    return Resource(
        kind=inventory_kind(kind),
        address=object_address(kind, name, namespace),
        source=source,
        attributes=attributes,
        region=origin,
        tags={str(k): str(v) for k, v in labels.items()} if isinstance(labels, Mapping) else {},
        ids=ids,
    )
